"""robots.txt: every page may be indexed (transparency pages must be findable); names the
sitemap by its absolute URL.

Crawlers read robots.txt only at the root of a host: when the site lives under a sub-path,
the host's own robots.txt should name the same sitemap.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..memo import Memo
from ..model import Site
from ..routes import Router
from . import FRAME, Planned


def plan(site: Site, router: Router, memo: Memo) -> Iterable[Planned]:
    """robots.txt at the root of the site."""
    text = ("User-agent: *\n"
            "Disallow:\n"
            "\n"
            f"Sitemap: {router.file_absolute('sitemap')}\n")
    yield Planned(router.file_output("robots"), FRAME, lambda: text.encode("utf-8"))
