"""robots.txt: every page may be indexed (transparency pages must be findable); names the
sitemap by its absolute URL.

Crawlers read robots.txt only at the root of a host: when the site lives under a sub-path,
the host's own robots.txt should name the same sitemap.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Site
from ..routes import Router
from . import OutputFile


def files(site: Site, router: Router) -> Iterable[OutputFile]:
    """robots.txt at the root of the site."""
    text = ("User-agent: *\n"
            "Disallow:\n"
            "\n"
            f"Sitemap: {router.file_absolute('sitemap')}\n")
    yield OutputFile(router.file_output("robots"), text.encode("utf-8"))
