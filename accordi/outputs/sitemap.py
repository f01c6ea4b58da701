"""sitemap.xml: every indexable page, with its language twins as hreflang alternates.

The list comes from the same page keys the pages are rendered from, so a page cannot be
published without being listed. The 404 pages and `/` (a copy of the Italian home) are left
out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..characters import for_output
from ..memo import Memo
from ..model import Site
from ..routes import Router
from . import FRAME, Planned

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(site: Site, router: Router) -> bytes:
    """The sitemap document."""
    from ..views import Views  # here: the views import this package for the data page

    # Plain names with explicit xmlns attributes give the conventional `xhtml:` prefix.
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    source = site.settings.source_lang
    views = Views(site, router)
    for key in views.page_keys():
        if not views.indexable(key):
            continue
        alternates = views.alternates_of(key)
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = router.origin + alternates[key[1]]
        for lang, href in alternates.items():
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=lang,
                          href=router.origin + href)
        ET.SubElement(url, "xhtml:link", rel="alternate", hreflang="x-default",
                      href=router.origin + alternates[source])
    ET.indent(root)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + for_output(ET.tostring(root, encoding="unicode")).encode("utf-8") + b"\n")


def plan(site: Site, router: Router, memo: Memo) -> Iterable[Planned]:
    """sitemap.xml at the root of the site: it changes with the pages' addresses only."""
    yield Planned(router.file_output("sitemap"), (*FRAME, ("addresses",)),
                  lambda: sitemap(site, router))
