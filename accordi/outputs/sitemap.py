"""sitemap.xml: every indexable page, with its language twins as hreflang alternates.

The list comes from the same page keys the pages are rendered from, so a page cannot be
published without being listed. The 404 pages and `/` (a copy of the Italian home) are left
out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..characters import for_output
from ..output import Context, Output
from ..pages.spec import alternates_of, indexable, page_keys
from ..records import Site
from ..routes import Router

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(ctx: Context) -> bytes:
    """The sitemap document."""
    site, router = ctx.site, ctx.router
    # Plain names with explicit xmlns attributes give the conventional `xhtml:` prefix.
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    source = site.settings.source_lang
    for key in page_keys(site):
        if not indexable(key):
            continue
        alternates = alternates_of(site, router, key)
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = router.origin + alternates[key.lang]
        for lang, href in alternates.items():
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=lang,
                          href=router.origin + href)
        ET.SubElement(url, "xhtml:link", rel="alternate", hreflang="x-default",
                      href=router.origin + alternates[source])
    ET.indent(root)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + for_output(ET.tostring(root, encoding="unicode")).encode("utf-8") + b"\n")


def plan(site: Site, router: Router) -> Iterable[Output]:
    """sitemap.xml at the root of the site: it changes with the pages' addresses only."""
    yield Output(router.file_output("sitemap"), sitemap, "sitemap")
