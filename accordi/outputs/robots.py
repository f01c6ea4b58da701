"""robots.txt: every page may be indexed (transparency pages must be findable); names the
sitemap by its absolute URL.

Crawlers read robots.txt only at the root of a host: when the site lives under a sub-path,
the host's own robots.txt should name the same sitemap.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..output import Context, Output
from ..records import Site
from ..routes import Router


def plan(site: Site, router: Router) -> Iterable[Output]:
    """robots.txt at the root of the site."""
    yield Output(router.file_output("robots"), robots, "robots")


def robots(ctx: Context) -> bytes:
    """Allow everything, and name the sitemap."""
    return ("User-agent: *\n"
            "Disallow:\n"
            "\n"
            f"Sitemap: {ctx.router.file_absolute('sitemap')}\n").encode()
