"""Page specifications: for every page, its route, template and a ready-made context.

Everything a template shows is decided here (labels, fallbacks, links), so templates only lay
it out. Markdown is converted once per body part and reused by every page that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_currency
from markupsafe import Markup

from .charts.map import world_map
from .charts.timeline import chronological, period, timeline
from .dates import PartialDate
from .i18n import Local, country_name, format_date, format_duration, format_size, localize, t
from .model import Agreement, Body, Page, Partner, Site, Theme
from .routes import Router
from .text import Rendered, Renderer


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


class Views:
    """Builds PageSpecs for a Site."""

    def __init__(self, site: Site, router: Router, renderer: Renderer | None = None):
        self.site, self.router = site, router
        self.renderer = renderer or Renderer()
        self.source = site.settings.source_lang
        self._html: dict[tuple[str, str, str, int], Rendered] = {}

    # -- helpers ---------------------------------------------------------------------------

    def loc(self, text: dict[str, str] | None, lang: str) -> Local | None:
        return localize(text, lang, self.source)

    def markdown(self, body: Body, part: str, shift: int = 0) -> Rendered:
        key = (str(body.path), body.lang, part, shift)
        if key not in self._html:
            self._html[key] = self.renderer.render(getattr(body, part), shift)
        return self._html[key]

    def body_part(self, bodies: dict[str, Body], lang: str, part: str,
                  shift: int = 0) -> dict[str, Any] | None:
        """A body part in `lang`, or the source's, flagged as a fallback."""
        body = bodies.get(lang)
        if body is None or not getattr(body, part):
            body = bodies.get(self.source)
        if body is None or not getattr(body, part):
            return None
        r = self.markdown(body, part, shift)
        return {"html": Markup(r.html), "toc": r.toc, "lang": body.lang,
                "fallback": body.lang != lang}

    def spec(self, kind: str, lang: str, id: str | None, template: str,
             ids: dict[str, str] | None = None, **context: Any) -> PageSpec:
        """A PageSpec with its output path and language alternates from the router."""
        langs = self.site.settings.languages
        ids = ids or {lg: id for lg in langs}
        alternates = {lg: self.router.url_for(kind, lg, ids[lg]) for lg in langs if lg in ids}
        return PageSpec(kind, lang, id, template, context,
                        self.router.output_path(kind, lang, ids[lang]), alternates)

    def agreement_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """What a list of agreements shows about one of them."""
        assert a.status is not None
        return {
            "id": a.id, "url": self.router.url_for("agreement", lang, a.id),
            "title": self.loc(a.title, lang), "type": t(lang, f"type_{a.type}"),
            "status": a.status.value, "status_label": t(lang, f"status_{a.status.value}"),
            "signed": format_date(a.signed, lang), "signed_iso": a.signed.iso(),
            "partners": [self.loc(self.site.partners[p].name, lang) for p in a.partners],
        }

    def period_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """A list item that also says how long the agreement held: the timeline in words."""
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

    def theme_item(self, th: Theme, lang: str) -> dict[str, Any]:
        return {"id": th.id, "url": self.router.url_for("theme", lang, th.id),
                "name": self.loc(th.name, lang), "description": self.loc(th.description, lang),
                "count": len(th.agreements)}

    # -- pages -----------------------------------------------------------------------------

    def all(self) -> list[PageSpec]:
        """Every page of the site, in every language."""
        specs: list[PageSpec] = []
        for lang in self.site.settings.languages:
            specs.append(self.home(lang))
            specs.append(self.agreements_index(lang))
            specs.append(self.timeline_page(lang))
            specs += [self.agreement(a, lang) for a in self.site.agreements.values()]
            specs.append(self.partners_index(lang))
            specs += [self.partner(p, lang) for p in self.site.partners.values()]
            specs.append(self.themes_index(lang))
            specs += [self.theme(th, lang) for th in self.site.themes.values()]
            specs += [self.page(pg, lang) for pg in self.site.pages.values()]
            specs.append(self.not_found(lang))
        return specs

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
            map=world_map(s, self.router, lang),
            **self.partner_groups(lang),
            themes=[self.theme_item(th, lang) for th in s.themes.values()],
            timeline_url=self.router.url_for("timeline", lang),
        )

    def agreements_index(self, lang: str) -> PageSpec:
        return self.spec("agreements", lang, None, "agreements.html",
                         title=Local(t(lang, "agreements"), lang),
                         description=t(lang, "agreements_intro"),
                         agreements=[self.agreement_item(a, lang)
                                     for a in self.site.agreements.values()],
                         timeline_url=self.router.url_for("timeline", lang))

    def timeline_page(self, lang: str) -> PageSpec:
        """Every agreement on one timeline, with the same facts as a list."""
        agreements = self.site.agreements.values()
        return self.spec("timeline", lang, None, "timeline.html",
                         title=Local(t(lang, "timeline"), lang),
                         description=t(lang, "timeline_intro"),
                         chart=timeline(agreements, self.site, self.router, lang),
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
                         map=world_map(self.site, self.router, lang),
                         **self.partner_groups(lang))

    def themes_index(self, lang: str) -> PageSpec:
        return self.spec("themes", lang, None, "themes.html",
                         title=Local(t(lang, "themes"), lang),
                         description=t(lang, "themes_intro"),
                         themes=[self.theme_item(th, lang) for th in sorted(
                             self.site.themes.values(), key=lambda x: self.loc(x.name, lang).text)])

    def partner(self, p: Partner, lang: str) -> PageSpec:
        item = self.partner_item(p, lang)
        return self.spec("partner", lang, p.id, "partner.html",
                         title=item["name"], description=self.loc(p.description, lang),
                         partner=item, text=self.loc(p.description, lang),
                         kind_label=t(lang, f"kind_{p.kind}"),
                         chart=timeline(p.agreements, self.site, self.router, lang),
                         agreements=[self.period_item(a, lang)
                                     for a in chronological(p.agreements)])

    def theme(self, th: Theme, lang: str) -> PageSpec:
        item = self.theme_item(th, lang)
        return self.spec("theme", lang, th.id, "theme.html",
                         title=item["name"], description=item["description"], theme=item,
                         agreements=[self.agreement_item(a, lang) for a in th.agreements])

    def page(self, pg: Page, lang: str) -> PageSpec:
        return self.spec("page", lang, pg.slug_for(lang), "page.html",
                         ids={lg: pg.slug_for(lg) for lg in self.site.settings.languages},
                         title=self.loc(pg.title, lang),
                         description=self.loc(pg.description, lang) or "",
                         summary=self.body_part(pg.bodies, lang, "summary"),
                         text=self.body_part(pg.bodies, lang, "text"),
                         contact=self.contact(lang) if pg.feedback else None)

    def contact(self, lang: str) -> dict[str, Any]:
        """The site's feedback contact, as content/site.yaml gives it."""
        c = self.site.settings.contact
        return {"email": c["email"], "name": self.loc(c.get("name"), lang)}

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
        summary = self.body_part(a.bodies, lang, "summary")
        text = self.body_part(a.bodies, lang, "text", shift=1)
        refs = [{"title": self.loc(r.title, lang), "date": format_date(r.date, lang),
                 "url": r.url} for r in a.acts]
        return self.spec(
            "agreement", lang, a.id, "agreement.html",
            title=title, description=self.loc(a.object, lang),
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
                "citation": t(lang, "cite_text", owner=owner, title=title,
                              date=format_date(a.signed, lang), url=permalink),
            },
        )

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
