"""Page specifications: for every page, its route, template and a ready-made context.

Everything a template shows is decided here (labels, fallbacks, links), so templates only lay
it out. Markdown is converted once per body part and reused by every page that shows it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.numbers import format_currency
from markupsafe import Markup

from .bodymarks import keep_former
from .cache import BuildCache, digest
from .charts.map import world_map
from .charts.timeline import chronological, period, timeline
from .dates import PartialDate
from .history import History
from .i18n import (
    Local,
    country_name,
    format_date,
    format_duration,
    format_size,
    localize,
    month_names,
    strings,
    t,
)
from .linkeddata import legislation, script_body
from .memo import INERT, Memo
from .model import Agreement, Body, Page, Partner, Site, Theme
from .outputs.feeds import feed_title
from .outputs.opendata import SQLITE, catalogue, metadata_docs
from .outputs.tables import describe, tables
from .routes import Router
from .text import Rendered, Renderer

DESCRIPTION_LENGTH = 200  # characters of text a page without a description shows in previews


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


PageKey = tuple[str, str, "str | None"]  # (kind, language, record id)

# The pages search finds (their main content is indexed), with the label of their kind.
SEARCHABLE = {"agreement": "result_agreement", "partner": "result_partner",
              "theme": "result_theme", "page": "result_page"}


class LRU(OrderedDict):
    """A small most-recently-used dict: a body is shown by few pages, one after another."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def __getitem__(self, key):
        self.move_to_end(key)
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if len(self) > self.size:
            self.popitem(last=False)

_MAKERS = {"home": "home", "agreements": "agreements_index", "agreement": "agreement",
           "partners": "partners_index", "partner": "partner", "themes": "themes_index",
           "theme": "theme", "page": "page", "opendata": "opendata", "timeline": "timeline_page",
           "search": "search",
           "notfound": "not_found", "root": "root",
           "root404": "root_not_found"}


class Views:
    """Builds PageSpecs for a Site."""

    def __init__(self, site: Site, router: Router, renderer: Renderer | None = None,
                 html_cache: dict | None = None, store: BuildCache | None = None,
                 history: History | None = None, memo: Memo = INERT):
        self.site, self.router = site, router
        self.memo = memo
        self.renderer = renderer or Renderer(router.base_path)
        self.history = history
        self.source = site.settings.source_lang
        # Markdown source text -> HTML, in memory across rebuilds and on disk across builds,
        # so that an unchanged body is never converted twice.
        self._html = LRU(512) if html_cache is None else html_cache
        self.store = store

    # -- helpers ---------------------------------------------------------------------------

    def loc(self, text: dict[str, str] | None, lang: str) -> Local | None:
        return localize(text, lang, self.source)

    def markdown(self, body: Body, part: str, shift: int = 0,
                 links: str | None = None) -> Rendered:
        source = getattr(body, part)
        key = (source, shift, links, body.lang)
        if key not in self._html:
            stored = None
            if self.store is not None:
                stored_key = digest("markdown", source, str(shift), str(links), body.lang,
                                    self.router.base_path)
                stored = self.store.get("markdown", stored_key)
            if stored is None:
                stored = self.renderer.render(source, shift, links, body.lang)
                if self.store is not None:
                    self.store.put("markdown", stored_key, stored)
            self._html[key] = stored
        return self._html[key]

    def body_part(self, bodies: dict[str, Body], lang: str, part: str,
                  shift: int = 0, self_links: bool = False) -> dict[str, Any] | None:
        """A body part in `lang`, or the source's, flagged as a fallback.

        With `self_links`, articles and numbered paragraphs link to themselves, the links
        named in the reader's language.
        """
        body = bodies.get(lang)
        if body is None or not getattr(body, part):
            body = bodies.get(self.source)
        if body is None or not getattr(body, part):
            return None
        r = self.markdown(body, part, shift, lang if self_links else None)
        return {"html": Markup(r.html), "toc": r.toc, "lang": body.lang,
                "fallback": body.lang != lang}

    def spec(self, kind: str, lang: str, id: str | None, template: str,
             ids: dict[str, str] | None = None, **context: Any) -> PageSpec:
        """A PageSpec with its output path and language alternates from the router."""
        langs = self.site.settings.languages
        ids = ids or {lg: id for lg in langs}
        alternates = {lg: self.router.url_for(kind, lg, ids[lg]) for lg in langs if lg in ids}
        if kind in SEARCHABLE:
            context["searchable"] = t(lang, SEARCHABLE[kind])
        return PageSpec(kind, lang, id, template, context,
                        self.router.output_path(kind, lang, ids[lang]), alternates)

    def remembered(self, kind: str, a: Agreement, lang: str, compute):
        """`compute()`, kept with agreement `a` for the next pages and updates (see memo)."""
        context = self.memo.context(a.id)
        return self.memo.get(kind, context and (lang, context), compute)

    def agreement_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """What a list of agreements shows about one of them (shared: copy to add to it)."""
        return self.remembered("agreement-item", a, lang, lambda: self._agreement_item(a, lang))

    def _agreement_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        assert a.status is not None
        context = self.memo.context(a.id)
        return {
            # What the templates keep each item's HTML under (see render.fragment).
            "memo_key": context and (lang, context),
            "id": a.id, "url": self.router.url_for("agreement", lang, a.id),
            "title": self.loc(a.title, lang), "type": t(lang, f"type_{a.type}"),
            "status": a.status.value, "status_label": t(lang, f"status_{a.status.value}"),
            "signed": format_date(a.signed, lang), "signed_iso": a.signed.iso(),
            "partners": [self.loc(self.site.partners[p].name, lang) for p in a.partners],
            # For the filters of the agreements index: ids, never words, so that a shared
            # filtered address means the same in every language.
            "filter": {"partner": " ".join(a.partners), "theme": " ".join(a.themes),
                       "type": a.type, "status": a.status.value, "year": str(a.signed.year)},
        }

    def period_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """A list item that also says how long the agreement held: the timeline in words."""
        return self.remembered("period-item", a, lang, lambda: self._period_item(a, lang))

    def _period_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        p = period(a, self.site)
        return {**self.agreement_item(a, lang),
                "end": format_date(p.end, lang) if p.end else t(lang, "end_not_stated"),
                "end_iso": p.end.iso() if p.end else "",
                "renewals": [{"date": format_date(r.date, lang) if r.date
                              else t(lang, "renewal_undated"),
                              "iso": r.date.iso() if r.date else ""} for r in a.renewals]}

    def partner_item(self, p: Partner, lang: str) -> dict[str, Any]:
        return {"id": p.id, "url": self.router.url_for("partner", lang, p.id),
                "name": self.loc(p.name, lang), "country": country_name(p.country, lang),
                "kind": p.kind, "count": len(p.agreements)}

    def count(self, n: int, lang: str) -> str:
        return t(lang, "one_agreement") if n == 1 else t(lang, "n_agreements", n=n)

    def feed(self, kind: str, lang: str, id: str | None = None) -> dict[str, str]:
        """A feed link: where, and what it says (head `<link>` title and visible text)."""
        label = {"feed": "feed_link_all", "partner_feed": "feed_link_partner",
                 "theme_feed": "feed_link_theme"}[kind]
        return {"url": self.router.url_for(kind, lang, id), "label": t(lang, label),
                "title": feed_title(self.site, lang, kind, id)}

    def record_data(self, lang: str, json_id: str | None = None) -> dict[str, Any]:
        """The licence of a record page's data, its JSON file, and all the open data."""
        s = self.site.settings
        return {"json": self.router.file_url("agreement_data", json_id) if json_id else None,
                "licence": {"name": self.loc(s.licence["name"], lang), "url": s.licence["url"]},
                "opendata": self.router.url_for("opendata", lang)}

    def theme_item(self, th: Theme, lang: str) -> dict[str, Any]:
        return {"id": th.id, "url": self.router.url_for("theme", lang, th.id),
                "name": self.loc(th.name, lang), "description": self.loc(th.description, lang),
                "count": len(th.agreements)}

    # -- pages -----------------------------------------------------------------------------

    def page_keys(self) -> list[PageKey]:
        """Every page of the site, in every language, as (kind, language, id)."""
        s = self.site
        out: list[PageKey] = []
        for lang in s.settings.languages:
            out.append(("home", lang, None))
            out.append(("search", lang, None))
            out.append(("agreements", lang, None))
            out.append(("timeline", lang, None))
            out += [("agreement", lang, a) for a in s.agreements]
            out.append(("partners", lang, None))
            out += [("partner", lang, p) for p in s.partners]
            out.append(("themes", lang, None))
            out += [("theme", lang, th) for th in s.themes]
            out += [("page", lang, name) for name in s.pages]
            out.append(("opendata", lang, None))
            out.append(("notfound", lang, None))
        source = s.settings.source_lang
        out += [("root", source, None), ("root404", source, None)]
        return out

    def alternates_of(self, key: PageKey) -> dict[str, str]:
        """URL of page `key` in every language (its language switch and hreflang links)."""
        kind, _, id = key
        kind = {"root": "home", "root404": "notfound"}.get(kind, kind)
        pages = self.site.pages
        return {lg: self.router.url_for(kind, lg, pages[id].slug_for(lg) if kind == "page"
                                        else id)
                for lg in self.site.settings.languages}

    def history_paths(self, key: PageKey) -> list:
        """The content files whose git history page `key` shows."""
        kind, _, id = key
        if kind == "agreement":
            a = self.site.agreements[id]
            return [a.source.path] + [src.path for src in a.translations.values()]
        if kind == "partner":
            return [self.site.partners[id].source.path]
        if kind == "theme":
            return [self.site.themes[id].source.path]
        return []

    def indexable(self, key: PageKey) -> bool:
        """Pages search engines should list: not the 404s, not `/` (it repeats the home)."""
        return key[0] not in ("notfound", "root404", "root", "search")

    def output_of(self, key: PageKey) -> str:
        """Where page `key` is written, without preparing its content."""
        kind, lang, id = key
        if kind == "root":
            return "index.html"
        if kind == "root404":
            return "404.html"
        if kind == "page":
            id = self.site.pages[id].slug_for(lang)
        return self.router.output_path(kind, lang, id)

    def addresses(self) -> set[str]:
        """Every page address of the site below its base URL, as the manifest lists them."""
        return {"/" + self.output_of(k).removesuffix("index.html") for k in self.page_keys()
                if k[0] not in ("notfound", "root404")}

    def make(self, key: PageKey) -> PageSpec:
        """The PageSpec of one page key."""
        kind, lang, id = key
        s = self.site
        record = {"agreement": s.agreements, "partner": s.partners, "theme": s.themes,
                  "page": s.pages}.get(kind)
        maker = getattr(self, _MAKERS[kind])
        return maker(record[id], lang) if record is not None else maker(lang)

    def all(self) -> list[PageSpec]:
        """Every page of the site, in every language."""
        return [self.make(k) for k in self.page_keys()]

    def home(self, lang: str) -> PageSpec:
        s = self.site
        return self.spec(
            "home", lang, None, "home.html",
            title=self.loc(s.settings.title, lang),
            description=self.loc(s.settings.tagline, lang) or t(lang, "home_intro"),
            latest=[self.agreement_item(a, lang) for a in
                    sorted(s.agreements.values(), key=lambda a: (-a.signed.earliest.toordinal(),
                                                                  a.id))[:6]],
            counts=t(lang, "home_counts", agreements=len(s.agreements),
                     partners=len(s.partners), themes=len(s.themes)),
            map=world_map(s, self.router, lang, memo=self.memo),
            **self.partner_groups(lang),
            themes=[self.theme_item(th, lang) for th in s.themes.values()],
            timeline_url=self.router.url_for("timeline", lang),
        )

    def agreements_index(self, lang: str) -> PageSpec:
        s = self.site
        rows = [self.remembered("agreement-row", a, lang, lambda a=a: {
            **self.agreement_item(a, lang),
            "themes": [self.loc(s.themes[th].name, lang) for th in a.themes]})
            for a in s.agreements.values()]
        return self.spec("agreements", lang, None, "agreements.html",
                         title=Local(t(lang, "agreements"), lang),
                         description=t(lang, "agreements_intro"),
                         feed=self.feed("feed", lang),
                         timeline_url=self.router.url_for("timeline", lang),
                         agreements=rows, filters=self.filters(lang))

    def filters(self, lang: str) -> list[dict[str, Any]]:
        """The filter controls of the agreements index: one list of choices per facet, only
        with values some agreement has; values are ids, labels are in the reader's language."""
        agreements = list(self.site.agreements.values())

        def by_label(pairs: dict[str, str]) -> list[dict[str, str]]:
            return [{"value": v, "label": label}
                    for v, label in sorted(pairs.items(), key=lambda kv: kv[1].casefold())]

        # Each value named once, in the order first met (labels that sort alike keep it).
        partners = {p: self.loc(self.site.partners[p].name, lang).text
                    for p in dict.fromkeys(p for a in agreements for p in a.partners)}
        themes = {th: self.loc(self.site.themes[th].name, lang).text
                  for th in dict.fromkeys(th for a in agreements for th in a.themes)}
        types = {v: t(lang, f"type_{v}") for v in dict.fromkeys(a.type for a in agreements)}
        ranks = {a.status.value: a.status.rank for a in agreements if a.status}
        statuses = [{"value": v, "label": t(lang, f"status_{v}")}
                    for v in sorted(ranks, key=lambda v: (ranks[v], v))]
        years = sorted({str(a.signed.year) for a in agreements}, reverse=True)
        return [
            {"name": "partner", "label": t(lang, "filter_partner"), "options": by_label(partners)},
            {"name": "theme", "label": t(lang, "filter_theme"), "options": by_label(themes)},
            {"name": "type", "label": t(lang, "filter_type"), "options": by_label(types)},
            {"name": "status", "label": t(lang, "filter_status"), "options": statuses},
            {"name": "year", "label": t(lang, "filter_year"),
             "options": [{"value": y, "label": y} for y in years]},
        ]

    def search(self, lang: str) -> PageSpec:
        """The search page: a plain form, and results from the static index with JavaScript."""
        messages = {key: t(lang, f"search_{key}")
                    for key in ("loading", "none", "one", "many", "error")}
        return self.spec("search", lang, None, "search.html",
                         title=Local(t(lang, "search_title"), lang),
                         description=t(lang, "search_intro"), noindex=True, wasm=True,
                         bundle=self.router.search_bundle(), base=self.router.root(),
                         messages=messages,
                         browse=[{"label": t(lang, "all_agreements"),
                                  "url": self.router.url_for("agreements", lang)}])

    def timeline_page(self, lang: str) -> PageSpec:
        """Every agreement on one timeline, with the same facts as a list."""
        agreements = self.site.agreements.values()
        return self.spec("timeline", lang, None, "timeline.html",
                         title=Local(t(lang, "timeline"), lang),
                         description=t(lang, "timeline_intro"),
                         chart=timeline(agreements, self.site, self.router, lang,
                                        memo=self.memo),
                         agreements=[self.period_item(a, lang)
                                     for a in chronological(agreements)])

    def partner_groups(self, lang: str) -> dict[str, list[dict[str, Any]]]:
        """Partners by name: cities (on the map) and institutions (listed beside it)."""
        ps = [self.partner_item(p, lang) for p in sorted(
            self.site.partners.values(), key=lambda p: self.loc(p.name, lang).text)]
        return {"cities": [p for p in ps if p["kind"] == "city"],
                "institutions": [p for p in ps if p["kind"] == "institution"]}

    def partners_index(self, lang: str) -> PageSpec:
        return self.spec("partners", lang, None, "partners.html",
                         title=Local(t(lang, "partners"), lang),
                         description=t(lang, "partners_intro"),
                         map=world_map(self.site, self.router, lang, memo=self.memo),
                         **self.partner_groups(lang))

    def themes_index(self, lang: str) -> PageSpec:
        return self.spec("themes", lang, None, "themes.html",
                         title=Local(t(lang, "themes"), lang),
                         description=t(lang, "themes_intro"),
                         themes=[self.theme_item(th, lang) for th in sorted(
                             self.site.themes.values(), key=lambda x: self.loc(x.name, lang).text)])

    def partner(self, p: Partner, lang: str) -> PageSpec:
        item = self.partner_item(p, lang)
        owner = self.loc(self.site.settings.owner_name, lang)
        description = t(lang, "meta_partner", owner=owner, name=item["name"],
                        country=item["country"], count=self.count(item["count"], lang),
                        description=self.loc(p.description, lang))
        return self.spec("partner", lang, p.id, "partner.html",
                         title=item["name"], description=description,
                         feed=self.feed("partner_feed", lang, p.id),
                         feeds=[self.feed("partner_feed", lang, p.id)],
                         data=self.record_data(lang),
                         partner=item, text=self.loc(p.description, lang),
                         kind_label=t(lang, f"kind_{p.kind}"),
                         chart=timeline(p.agreements, self.site, self.router, lang,
                                        memo=self.memo),
                         agreements=[self.period_item(a, lang)
                                     for a in chronological(p.agreements)],
                         history=self.history_view([p.source.path], lang))

    def theme(self, th: Theme, lang: str) -> PageSpec:
        item = self.theme_item(th, lang)
        owner = self.loc(self.site.settings.owner_name, lang)
        description = t(lang, "meta_theme", owner=owner, name=item["name"],
                        count=self.count(item["count"], lang),
                        description=item["description"])
        return self.spec("theme", lang, th.id, "theme.html",
                         title=item["name"], description=description, theme=item,
                         feed=self.feed("theme_feed", lang, th.id),
                         feeds=[self.feed("theme_feed", lang, th.id)],
                         data=self.record_data(lang),
                         agreements=[self.agreement_item(a, lang) for a in th.agreements],
                         history=self.history_view([th.source.path], lang))

    def page(self, pg: Page, lang: str) -> PageSpec:
        summary = self.body_part(pg.bodies, lang, "summary")
        text = self.body_part(pg.bodies, lang, "text")
        description = self.loc(pg.description, lang)
        if not (description and description.text):
            description = excerpt(summary or text) or self.loc(pg.title, lang)
        return self.spec("page", lang, pg.slug_for(lang), "page.html",
                         ids={lg: pg.slug_for(lg) for lg in self.site.settings.languages},
                         title=self.loc(pg.title, lang),
                         description=description,
                         summary=summary, text=text,
                         contact=self.contact(lang) if pg.feedback else None)

    def contact(self, lang: str) -> dict[str, Any]:
        """The site's feedback contact, as content/site.yaml gives it."""
        c = self.site.settings.contact
        return {"email": c["email"], "name": self.loc(c.get("name"), lang)}

    def root(self, lang: str) -> PageSpec:
        """`/`: the home of the source language, whose switch offers the others."""
        return dataclasses.replace(self.home(lang), output="index.html")

    def root_not_found(self, lang: str) -> PageSpec:
        """`/404.html`, what static hosts serve for any unknown address: every language."""
        spec = self.not_found(lang)
        also = [{"lang": lg, "t": strings(lg), "home": self.router.url_for("home", lg)}
                for lg in self.site.settings.languages if lg != lang]
        return dataclasses.replace(spec, output="404.html", context={**spec.context, "also": also})

    def opendata(self, lang: str) -> PageSpec:
        """The open-data page: every file, every column, the licence, how to cite."""
        s, r = self.site.settings, self.router
        docs = strings(lang)
        published = tables(s.languages)
        attribution = t(lang, "data_attribution", owner=self.loc(s.owner_name, lang),
                        title=self.loc(s.title, lang), url=s.base_url)
        first = next(iter(self.site.agreements), None)
        return self.spec(
            "opendata", lang, None, "opendata.html",
            title=Local(t(lang, "opendata"), lang), description=t(lang, "opendata_intro"),
            licence={"name": self.loc(s.licence["name"], lang), "url": s.licence["url"]},
            attribution=attribution,
            as_of=format_date(PartialDate.from_date(s.as_of), lang),
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
            feed=self.feed("feed", lang),
        )

    def not_found(self, lang: str) -> PageSpec:
        return self.spec("notfound", lang, None, "notfound.html",
                         title=Local(t(lang, "not_found_title"), lang),
                         description=t(lang, "not_found_text"), noindex=True, also=[])

    def agreement(self, a: Agreement, lang: str) -> PageSpec:
        st = a.status
        assert st is not None
        s = self.site
        owner = self.loc(s.settings.owner_name, lang)
        permalink = self.router.absolute_url("agreement", lang, a.id)
        title = self.loc(a.title, lang)
        partners = [self.partner_item(s.partners[p], lang) for p in a.partners]
        counterparts = {c["partner"]: self.loc(c["name"], lang) for c in a.counterparts}
        parties = [{"name": owner, "url": None}] + [
            {"name": counterparts.get(p["id"], p["name"]), "url": p["url"]} for p in partners]
        party_names = {s.settings.owner_id: owner,
                       **{p["id"]: counterparts.get(p["id"], p["name"]) for p in partners}}
        related = []
        for key in ("extends", "extended_by", "supersedes", "superseded_by"):
            for other in getattr(a, key):
                related.append({"relation": t(lang, key),
                                **self.agreement_item(s.agreements[other], lang)})
        former = a.former_anchors.get(lang, ())  # renumbered: old links still land
        summary = keep_former(self.body_part(a.bodies, lang, "summary"), former)
        text = keep_former(self.body_part(a.bodies, lang, "text", shift=1, self_links=True),
                           former)
        refs = [{"title": self.loc(r.title, lang), "date": format_date(r.date, lang),
                 "url": r.url} for r in a.acts]
        description = t(lang, "meta_agreement", type=t(lang, f"type_{a.type}"),
                        date=format_date(a.signed, lang),
                        parties=", ".join(str(p["name"]) for p in parties),
                        object=self.loc(a.object, lang))
        return self.spec(
            "agreement", lang, a.id, "agreement.html",
            title=title, description=description,
            structured_data=script_body(legislation(s, self.router, a, lang)),
            data=self.record_data(lang, a.id),
            history=self.history_view([a.source.path] + [
                src.path for src in a.translations.values()], lang),
            a={
                "id": a.id, "title": title, "type": t(lang, f"type_{a.type}"),
                "object": self.loc(a.object, lang),
                "status": self.status_view(a, lang),
                "signed": format_date(a.signed, lang), "signed_iso": a.signed.iso(),
                "duration": format_duration(a.duration, lang) if a.duration else "",
                "expires": format_date(a.expires, lang),
                "end_computed": (t(lang, "end_computed", date=format_date(a.end, lang))
                                 if a.end and not a.expires else ""),
                "renewals": [{"date": format_date(r.date, lang) or t(lang, "renewal_undated"),
                              "until": format_date(r.end, lang),
                              "note": self.loc(r.note, lang)} for r in a.renewals],
                "parties": parties,
                "signatories": [{"name": sg["name"], "role": self.loc(sg["role"], lang),
                                 "party": party_names[sg["party"]]} for sg in a.signatories],
                "partners": partners,
                "themes": [self.theme_item(s.themes[th], lang) for th in a.themes],
                "summary": summary, "text": text,
                "translator_note": self.loc(a.translator_note, lang)
                if lang in a.translator_note else None,
                "documents": [{"title": self.loc(d.title, lang),
                               "url": self.router.document(d.file or ""),
                               "size": format_size(d.size or 0, lang)} for d in a.documents],
                "acts": refs,
                "sources": [{"title": self.loc(r.title, lang), "date": format_date(r.date, lang),
                             "url": r.url} for r in a.sources],
                "expense": self.expense_view(a, lang),
                "related": related,
                "permalink": permalink,
                "citations": self.citations(a, lang),
            },
        )

    def citations(self, a: Agreement, lang: str) -> list[dict[str, Any]]:
        """The agreement's citation in every language of the site, the reader's first.

        The day of access is the reader's: the page carries a placeholder that the script
        assets/js/cite.js replaces with the reader's today (the placeholder stays without it).
        """
        langs = sorted(self.site.settings.languages, key=lambda lg: lg != lang)
        out = []
        for lg in langs:
            owner = self.loc(self.site.settings.owner_name, lg)
            title = self.loc(a.title, lg)
            before, _, after = t(lg, "cite_accessed").partition("{date}")
            out.append({
                "lang": lg, "language": strings(lg)["language_name"],
                "text": t(lg, "cite_text", owner=owner, title=title,
                          date=format_date(a.signed, lg),
                          url=self.router.absolute_url("agreement", lg, a.id)),
                "accessed_before": before, "accessed_after": after,
                "placeholder": t(lg, "cite_accessed_placeholder"),
                # The month names the site's dates use, so the script writes the date of
                # access as every other date (`5 marzo 2026`, `5 March 2026`).
                "months": month_names(lg),
            })
        return out

    def history_view(self, paths: list[Path], lang: str) -> dict[str, Any] | None:
        """"Last updated" and the list of changes of a record's files, if the content has a
        version history."""
        changes = self.history.of(paths) if self.history else []
        if not changes:
            return None

        def day(date: dt.date) -> dict[str, str]:
            return {"iso": date.isoformat(),
                    "text": format_date(PartialDate.from_date(date), lang)}

        return {"updated": day(changes[0].date),
                "changes": [{**day(c.date), "subject": c.subject} for c in changes]}

    def redirect(self, kind: str, lang: str, address: str, target: str) -> PageSpec:
        """A page at a record's former address that sends the reader to its new one."""
        langs = self.site.settings.languages
        url = self.router.url_for(kind, lang, target)
        record = self.site.agreements[target]
        return PageSpec("redirect", lang, target, "redirect.html",
                        {"title": Local(t(lang, "moved_title"), lang),
                         "description": t(lang, "moved_text"),
                         "target": {"url": url, "absolute": self.router.origin + url,
                                    "title": self.loc(record.title, lang)}},
                        self.router.address_output(address),
                        {lg: self.router.url_for(kind, lg, target) for lg in langs})

    def removed(self, address: str, day: dt.date) -> PageSpec:
        """A notice at the address of a record that was removed from the site."""
        langs = self.site.settings.languages
        first = address.strip("/").split("/")[0]
        lang = first if first in langs else self.source
        alternates = {lg: self.router.url_for("home", lg) for lg in langs}
        alternates[lang] = self.router.address_url(address)
        return PageSpec("removed", lang, None, "removed.html",
                        {"title": Local(t(lang, "removed_title"), lang),
                         "description": t(lang, "removed_text", date=format_date(
                             PartialDate.from_date(day), lang)),
                         "removed_iso": day.isoformat(), "noindex": True},
                        self.router.address_output(address), alternates)

    def status_view(self, a: Agreement, lang: str) -> dict[str, Any]:
        """Label and the plain-words reason for an agreement's status."""
        st = a.status
        assert st is not None
        until = format_date(st.until, lang)
        if st.stated:
            detail = (t(lang, "status_stated_on", date=format_date(st.stated_on, lang))
                      if st.stated_on else
                      t(lang, "status_stated_source", source=self.loc(st.source, lang)))
        else:
            detail = t(lang, f"status_detail_{st.value}", until=until)
        by = [self.agreement_item(self.site.agreements[x], lang) for x in st.by]
        return {"value": st.value, "label": t(lang, f"status_{st.value}"), "detail": detail,
                "by": by, "as_of": t(lang, "status_as_of",
                                     date=format_date(PartialDate.from_date(st.as_of), lang))}

    def expense_view(self, a: Agreement, lang: str) -> dict[str, Any]:
        """The expected expense as stated, or `not stated`."""
        e = a.expense
        if not e:
            return {"stated": False, "text": t(lang, "not_stated")}
        amount = (format_currency(e["amount"], e["currency"], locale=lang)
                  if "amount" in e else "")
        return {"stated": True, "amount": amount, "note": self.loc(e.get("note"), lang)}


def excerpt(part: dict[str, Any] | None) -> str:
    """The first words of a rendered body part as plain text, for a page's description."""
    if not part:
        return ""
    words = Markup(part["html"]).striptags().split()
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > DESCRIPTION_LENGTH:
            return text + " …"
        text = f"{text} {word}" if text else word
    return text


def sql_example(lang: str) -> str:
    """A query readers can paste into an SQLite tool: agreements in force per theme."""
    return (f"SELECT th.name_{lang}, COUNT(*) AS agreements\n"
            "FROM agreement_themes AS at\n"
            "JOIN agreements AS a ON a.id = at.agreement_id\n"
            "JOIN themes AS th ON th.id = at.theme_id\n"
            "WHERE a.in_force = 1\n"
            f"GROUP BY th.id\nORDER BY agreements DESC, th.name_{lang};")
