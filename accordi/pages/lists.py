"""The pages that list records: home, agreements, timeline, partners, themes, open data,
search, and the pages for addresses that do not exist."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any, TypedDict

from ..charts.map import world_map
from ..charts.timeline import chronological, timeline
from ..dates import PartialDate
from ..i18n import Local, dated, strings, t
from ..outputs.opendata import (
    CATALOG_JSONLD,
    CATALOG_TTL,
    DATAPACKAGE,
    SQLITE,
    catalogue,
    metadata_docs,
)
from ..outputs.tables import describe, tables
from ..records import Agreement, latest_first
from .parts import UNDATED, Parts
from .spec import PageSpec


def home(p: Parts, lang: str) -> PageSpec:
    """The home: the latest agreements, the map of partners, the thematic areas."""
    s = p.site
    latest = sorted(s.agreements.values(), key=lambda a: (*latest_first(a.signed), a.id))
    return p.spec(
        "home", lang, None, "home.html",
        title=p.loc(s.settings.title, lang),
        description=p.loc(s.settings.tagline, lang) or t(lang, "home_intro"),
        latest=[p.agreement_item(a, lang) for a in latest[:6]],
        counts=t(lang, "home_counts", agreements=len(s.agreements),
                 partners=sum(1 for x in s.partners.values() if x.agreements),
                 themes=sum(1 for x in s.themes.values() if x.agreements)),
        map=world_map(p.ctx, lang),
        **partner_groups(p, lang),
        themes=[p.theme_item(th, lang) for th in s.themes.values()],
        timeline_url=p.router.url_for("timeline", lang),
    )


def agreements_index(p: Parts, lang: str) -> PageSpec:
    """Every agreement in a table, with filters that work in place with JavaScript."""
    s = p.site
    rows = [p.remembered(a.id, ("agreement-row", lang), partial(_agreement_row, p, a, lang))
            for a in s.agreements.values()]
    return p.spec("agreements", lang, None, "agreements.html",
                  title=Local(t(lang, "agreements"), lang),
                  description=t(lang, "agreements_intro"),
                  feed=p.feed("feed", lang),
                  timeline_url=p.router.url_for("timeline", lang),
                  agreements=rows, filters=filters(p, lang))


def filters(p: Parts, lang: str) -> list[dict[str, Any]]:
    """The filter controls of the agreements index: one list of choices per facet, only
    with values some agreement has; values are ids, labels are in the reader's language."""
    agreements = list(p.site.agreements.values())

    def by_label(pairs: dict[str, str]) -> list[dict[str, str]]:
        return [{"value": v, "label": label}
                for v, label in sorted(pairs.items(), key=lambda kv: kv[1].casefold())]

    # Each value named once, in the order first met (labels that sort alike keep it).
    partners = {x: p.name(p.site.partners[x].name, lang).text
                for x in dict.fromkeys(x for a in agreements for x in a.partners)}
    themes = {th: p.name(p.site.themes[th].name, lang).text
              for th in dict.fromkeys(th for a in agreements for th in a.themes)}
    types = {v: t(lang, f"type_{v}") for v in dict.fromkeys(a.type for a in agreements)}
    ranks = {a.status.value: a.status.rank for a in agreements if a.status}
    statuses = [{"value": v, "label": t(lang, f"status_{v}")}
                for v in sorted(ranks, key=lambda v: (ranks[v], v))]
    years = [{"value": y, "label": y} for y in sorted(
        {str(a.signed.year) for a in agreements if a.signed}, reverse=True)]
    if any(a.signed is None for a in agreements):
        years.append({"value": UNDATED, "label": t(lang, "signed_unknown")})
    return [
        {"name": "partner", "label": t(lang, "filter_partner"), "options": by_label(partners)},
        {"name": "theme", "label": t(lang, "filter_theme"), "options": by_label(themes)},
        {"name": "type", "label": t(lang, "filter_type"), "options": by_label(types)},
        {"name": "status", "label": t(lang, "filter_status"), "options": statuses},
        {"name": "year", "label": t(lang, "filter_year"),
         "options": years},
    ]


def search(p: Parts, lang: str) -> PageSpec:
    """The search page: a plain form, and results from the static index with JavaScript."""
    messages = {key: t(lang, f"search_{key}")
                for key in ("loading", "none", "one", "many", "error")}
    return p.spec("search", lang, None, "search.html",
                  title=Local(t(lang, "search_title"), lang),
                  description=t(lang, "search_intro"), noindex=True, wasm=True,
                  bundle=p.router.search_bundle(), base=p.router.root(),
                  messages=messages,
                  browse=[{"label": t(lang, "all_agreements"),
                           "url": p.router.url_for("agreements", lang)}])


def timeline_page(p: Parts, lang: str) -> PageSpec:
    """Every agreement on one timeline, with the same facts as a list."""
    agreements = list(p.site.agreements.values())
    return p.spec("timeline", lang, None, "timeline.html",
                  title=Local(t(lang, "timeline"), lang),
                  description=t(lang, "timeline_intro"),
                  chart=timeline(agreements, p.ctx, lang),
                  agreements=[p.period_item(a, lang) for a in chronological(agreements)])


KINDS = ("city", "region", "country", "university", "institution", "organisation")
GROUP_IDS = {"city": "cities", "institution": "inst"}  # the anchors of the first two kinds


def _agreement_row(p: Parts, a: Agreement, lang: str) -> dict[str, Any]:
    """A row of the table of agreements: a list's item, with its themes' names to filter by."""
    return {**p.agreement_item(a, lang),
            "themes": [p.loc(p.site.themes[th].name, lang) for th in a.themes]}


class PartnerGroups(TypedDict):
    """The partners a page lists, by where it shows them."""

    cities: list[dict[str, Any]]
    others: list[dict[str, Any]]


def partner_groups(p: Parts, lang: str) -> PartnerGroups:
    """Partners by kind, each kind by name: the cities (on the map), and the others
    (listed beside it); a partner without agreements is listed too, saying so."""
    ps = [p.partner_item(x, lang) for x in sorted(
        p.site.partners.values(), key=lambda x: p.name(x.name, lang).text)]
    groups = [{"kind": kind, "id": GROUP_IDS.get(kind, f"kind-{kind}"),
               "label": t(lang, f"kinds_{kind}"),
               "partners": [x for x in ps if x["kind"] == kind]} for kind in KINDS]
    groups = [g for g in groups if g["partners"]]
    return {"cities": [g for g in groups if g["kind"] == "city"],
            "others": [g for g in groups if g["kind"] != "city"]}


def partners_index(p: Parts, lang: str) -> PageSpec:
    return p.spec("partners", lang, None, "partners.html",
                  title=Local(t(lang, "partners"), lang),
                  description=t(lang, "partners_intro"),
                  map=world_map(p.ctx, lang), **partner_groups(p, lang))


def themes_index(p: Parts, lang: str) -> PageSpec:
    return p.spec("themes", lang, None, "themes.html",
                  title=Local(t(lang, "themes"), lang),
                  description=t(lang, "themes_intro"),
                  themes=[p.theme_item(th, lang) for th in sorted(
                      p.site.themes.values(), key=lambda x: p.name(x.name, lang).text)])


def opendata(p: Parts, lang: str) -> PageSpec:
    """The open-data page: every file, every column, the licence, how to cite."""
    s, r = p.site.settings, p.router
    docs = strings(lang)
    published = tables(s.languages)
    attribution = t(lang, "data_attribution", owner=p.loc(s.owner_name, lang),
                    title=p.loc(s.title, lang), url=s.base_url)
    first = next(iter(p.site.agreements), None)
    return p.spec(
        "opendata", lang, None, "opendata.html",
        title=Local(t(lang, "opendata"), lang), description=t(lang, "opendata_intro"),
        licence={"name": p.loc(s.licence["name"], lang), "url": s.licence["url"]},
        attribution=attribution,
        as_of_text=dated(lang, "opendata_as_of", PartialDate.from_date(s.as_of)),
        files=[{**f, "url": r.file_url("data", f["name"])}
               for f in catalogue(lang, published)],
        example=({"url": r.file_url("agreement_data", first),
                  "name": r.file_output("agreement_data", first)} if first else None),
        tables=[{"name": tb.name, "description": docs["data_tables"][tb.name],
                 "csv": r.file_url("data", f"{tb.name}.csv"),
                 "key": t(lang, "opendata_key", columns=", ".join(tb.key)),
                 "nested": t(lang, "opendata_nested", table=tb.name) if tb.parent else "",
                 "columns": [{"name": c.name, "type": t(lang, f"data_type_{c.type}"),
                              "description": describe(tb.name, c, lang)}
                             for c in tb.columns]}
                for tb in published.values()],
        metadata=[{"key": k, "description": d} for k, d in metadata_docs(lang, s.languages)],
        sqlite={"url": r.file_url("data", SQLITE), "name": SQLITE,
                "example": sql_example(lang)},
        feed=p.feed("feed", lang),
        catalogues={name: {"name": name, "url": r.file_url("data", name)}
                    for name in (CATALOG_TTL, CATALOG_JSONLD, DATAPACKAGE)},
    )


def not_found(p: Parts, lang: str) -> PageSpec:
    return p.spec("notfound", lang, None, "notfound.html",
                  title=Local(t(lang, "not_found_title"), lang),
                  description=t(lang, "not_found_text"), noindex=True, also=[])


def root(p: Parts, lang: str) -> PageSpec:
    """`/`: the home of the source language, whose switch offers the others."""
    return dataclasses.replace(home(p, lang), output="index.html")


def root_not_found(p: Parts, lang: str) -> PageSpec:
    """`/404.html`, what static hosts serve for any unknown address: every language."""
    spec = not_found(p, lang)
    also = [{"lang": lg, "t": strings(lg), "home": p.router.url_for("home", lg)}
            for lg in p.site.settings.languages if lg != lang]
    return dataclasses.replace(spec, output="404.html", context={**spec.context, "also": also})


def sql_example(lang: str) -> str:
    """A query readers can paste into an SQLite tool: agreements in force per theme."""
    return (f"SELECT th.name_{lang}, COUNT(*) AS agreements\n"
            "FROM agreement_themes AS at\n"
            "JOIN agreements AS a ON a.id = at.agreement_id\n"
            "JOIN themes AS th ON th.id = at.theme_id\n"
            "WHERE a.in_force = 1\n"
            f"GROUP BY th.id\nORDER BY agreements DESC, th.name_{lang};")
