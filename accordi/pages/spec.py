"""Which pages the site has and where each goes: keys, output paths, language twins.

Read by the page makers, the sitemap and the list of published addresses alike, so that a
page cannot be published without being listed, or listed without being published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..records import Site, slug_in
from ..routes import Router


@dataclass
class PageSpec:
    """One page to render: where it goes and what it shows."""

    kind: str
    lang: str
    id: str | None
    template: str
    context: dict[str, Any]
    output: str = ""
    alternates: dict[str, str] = field(default_factory=dict)  # lang -> URL


class PageKey(NamedTuple):
    """Which page: its kind, its language and the id of its record (None for lists)."""

    kind: str
    lang: str
    id: str | None = None


# The pages search finds (their main content is indexed), with the label of their kind.
SEARCHABLE = {"agreement": "result_agreement", "partner": "result_partner",
              "theme": "result_theme", "page": "result_page"}
# Lists of the site, one of each per language, in the order they are planned.
LISTS = ("home", "search", "agreements", "timeline")
RECORDS = (("agreement", "agreements"), ("partners", None), ("partner", "partners"),
           ("themes", None), ("theme", "themes"), ("page", "pages"), ("opendata", None),
           ("notfound", None))


def page_keys(site: Site) -> list[PageKey]:
    """Every page of the site, in every language."""
    out: list[PageKey] = []
    for lang in site.settings.languages:
        out += [PageKey(kind, lang) for kind in LISTS]
        for kind, records in RECORDS:
            if records is None:
                out.append(PageKey(kind, lang))
            else:
                out += [PageKey(kind, lang, id) for id in getattr(site, records)]
    source = site.settings.source_lang
    out += [PageKey("root", source), PageKey("root404", source)]
    return out


def output_of(site: Site, router: Router, key: PageKey) -> str:
    """Where page `key` is written, without preparing its content."""
    kind, lang, id = key
    if kind == "root":
        return "index.html"
    if kind == "root404":
        return "404.html"
    if kind == "page":
        assert id is not None
        pg = site.pages[id]
        id = slug_in(pg.slug, lang, pg.source_lang)
    return router.output_path(kind, lang, id)


def alternates_of(site: Site, router: Router, key: PageKey) -> dict[str, str]:
    """URL of page `key` in every language (its language switch and hreflang links)."""
    kind, _, id = key
    kind = {"root": "home", "root404": "notfound"}.get(kind, kind)
    out = {}
    for lg in site.settings.languages:
        if kind == "page":
            assert id is not None
            pg = site.pages[id]
            out[lg] = router.url_for(kind, lg, slug_in(pg.slug, lg, pg.source_lang))
        else:
            out[lg] = router.url_for(kind, lg, id)
    return out


def indexable(key: PageKey) -> bool:
    """Pages search engines should list: not the 404s, not `/` (it repeats the home)."""
    return key.kind not in ("notfound", "root404", "root", "search")


def addresses(site: Site) -> set[str]:
    """Every page address of the site below its base URL, as the manifest lists them."""
    router = Router("/")
    return {"/" + output_of(site, router, k).removesuffix("index.html")
            for k in page_keys(site) if k.kind not in ("notfound", "root404")}
