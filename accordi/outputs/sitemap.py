"""sitemap.xml: every indexable page, with its language twins as hreflang alternates.

The list comes from the same page specifications the pages are rendered from, so a page
cannot be published without being listed. Pages marked noindex (the 404 pages) are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..model import Site
from ..routes import Router
from . import OutputFile

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(site: Site, router: Router) -> bytes:
    """The sitemap document."""
    from ..views import Views  # here: the views import this package for the data page

    # Plain names with explicit xmlns attributes give the conventional `xhtml:` prefix.
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    source = site.settings.source_lang
    for spec in Views(site, router).all():
        if spec.context.get("noindex"):
            continue
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = router.origin + spec.alternates[spec.lang]
        for lang, href in spec.alternates.items():
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=lang,
                          href=router.origin + href)
        if source in spec.alternates:
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang="x-default",
                          href=router.origin + spec.alternates[source])
    ET.indent(root)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n")


def files(site: Site, router: Router) -> Iterable[OutputFile]:
    """sitemap.xml at the root of the site."""
    yield OutputFile(router.file_output("sitemap"), sitemap(site, router))
