"""The page of each record: an agreement, a partner, a thematic area, a free page."""

from __future__ import annotations

from typing import Any

from ..anchors import address_of, moves
from ..bodymarks import keep_former
from ..charts.timeline import chronological, timeline
from ..drafts import is_draft
from ..i18n import (
    Local,
    dated,
    format_date,
    format_duration,
    format_size,
    month_names,
    strings,
    t,
)
from ..linkeddata import legislation, partner_thing, script_body
from ..records import Agreement, slug_in
from .parts import Parts, excerpt, signed_view
from .spec import PageSpec

RELATIONS = ("extends", "extended_by", "supersedes", "superseded_by")


def agreement(p: Parts, aid: str, lang: str) -> PageSpec:
    """An agreement: its facts, its parties, its text with a link to every article."""
    a = p.site.agreements[aid]
    s = p.site
    title = p.loc(a.title, lang)
    parties, party_names, partners = _parties(p, a, lang)
    description = t(lang, "meta_agreement", type=t(lang, f"type_{a.type}"),
                    date=signed_view(a.signed, lang)["signed"],
                    parties=", ".join(str(party["name"]) for party in parties),
                    object=p.loc(a.object, lang))
    return p.spec(
        "agreement", lang, a.id, "agreement.html",
        title=title, description=description,
        structured_data=script_body(legislation(s, p.router, a, lang)),
        data=p.record_data(lang, a.id),
        history=p.history_view(a.files, lang),
        a={
            "id": a.id, "title": title, "type": t(lang, f"type_{a.type}"),
            "draft": is_draft(a),
            "object": p.loc(a.object, lang),
            "status": p.status_view(a, lang),
            **_dates(p, a, lang),
            "parties": parties,
            "signatories": [{"name": sg["name"], "role": p.loc(sg["role"], lang),
                             "party": party_names[sg["party"]]} for sg in a.signatories],
            "partners": partners,
            "themes": [p.theme_item(s.themes[th], lang) for th in a.themes],
            **_texts(p, a, lang),
            "translator_note": p.loc(a.translator_note, lang)
            if lang in a.translator_note else None,
            **_references(p, a, lang),
            "expense": p.expense_view(a, lang),
            "related": _related(p, a, lang),
            "permalink": p.router.absolute_url("agreement", lang, a.id),
            "citations": citations(p, a, lang),
        },
    )


def _texts(p: Parts, a: Agreement, lang: str) -> dict[str, Any]:
    """The summary and the text, keeping in place the anchors renumbered since they were
    published (see `accordi.anchors`), so that links saved before still land."""
    summary = p.body_part(a.bodies, lang, "summary")
    text = p.body_part(a.bodies, lang, "text", shift=1, self_links=True)
    path = p.router.output_path("agreement", lang, a.id)
    found = [x for part in (summary, text) if part for x in part["anchors"]]
    p.ctx.session.note_anchors(path, " ".join(found))
    notes = p.site.anchors.notes_of(address_of(path))
    if notes:
        have = set(found)
        moved = moves(notes, have)
        summary, text = keep_former(summary, moved), keep_former(text, moved)
    return {"summary": summary, "text": text}


def _parties(p: Parts, a: Agreement, lang: str
             ) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """The parties (the owner first), each party's name by id, and the partners' items."""
    owner = p.loc(p.site.settings.owner_name, lang)
    partners = [p.partner_item(p.site.partners[x], lang) for x in a.partners]
    counterparts = {c["partner"]: p.loc(c["name"], lang) for c in a.counterparts}
    parties = [{"name": owner, "url": None}] + [
        {"name": counterparts.get(x["id"], x["name"]), "url": x["url"]} for x in partners]
    names = {p.site.settings.owner_id: owner,
             **{x["id"]: counterparts.get(x["id"], x["name"]) for x in partners}}
    return parties, names, partners


def _dates(p: Parts, a: Agreement, lang: str) -> dict[str, Any]:
    """When it was signed, for how long, until when, and its renewals."""
    return {
        **signed_view(a.signed, lang),
        "duration": format_duration(a.duration, lang) if a.duration else "",
        "expires": format_date(a.expires, lang),
        "end_computed": (dated(lang, "end_computed", a.end)
                         if a.end and not a.expires else ""),
        "renewals": [{"date": format_date(r.date, lang) or t(lang, "renewal_undated"),
                      "until": format_date(r.end, lang),
                      "note": p.loc(r.note, lang)} for r in a.renewals],
    }


def _references(p: Parts, a: Agreement, lang: str) -> dict[str, Any]:
    """The documents to download, the acts that approved it, and the sources."""
    return {
        "documents": [{"title": p.loc(d.title, lang), "url": p.router.document(d.file or ""),
                       "size": format_size(d.size or 0, lang)} for d in a.documents],
        "acts": [{"title": p.loc(r.title, lang), "date": format_date(r.date, lang),
                  "url": r.url} for r in a.acts],
        "sources": [{"title": p.loc(r.title, lang), "date": format_date(r.date, lang),
                     "url": r.url} for r in a.sources],
    }


def _related(p: Parts, a: Agreement, lang: str) -> list[dict[str, Any]]:
    """The agreements it extends or replaces, and those that extend or replace it."""
    return [{"relation": t(lang, key), **p.agreement_item(p.site.agreements[other], lang)}
            for key in RELATIONS for other in getattr(a, key)]


def citations(p: Parts, a: Agreement, lang: str) -> list[dict[str, Any]]:
    """The agreement's citation in every language of the site, the reader's first.

    The day of access is the reader's: the page carries a placeholder that the script
    assets/js/cite.js replaces with the reader's today (the placeholder stays without it).
    """
    langs = sorted(p.site.settings.languages, key=lambda lg: lg != lang)
    out = []
    for lg in langs:
        owner = p.loc(p.site.settings.owner_name, lg)
        title = p.loc(a.title, lg)
        before, _, after = t(lg, "cite_accessed").partition("{date}")
        out.append({
            "lang": lg, "language": strings(lg)["language_name"],
            "text": _citation(a, lg, owner, title,
                              p.router.absolute_url("agreement", lg, a.id)),
            "accessed_before": before, "accessed_after": after,
            "placeholder": t(lg, "cite_accessed_placeholder"),
            # The month names the site's dates use, so the script writes the date of
            # access as every other date (`5 marzo 2026`, `5 March 2026`).
            "months": month_names(lg),
        })
    return out


def _citation(a: Agreement, lang: str, owner: Local | None, title: Local | None,
              url: str) -> str:
    """Who, what, when signed (or that no source says), where."""
    if a.signed is None:
        return t(lang, "cite_text_undated", owner=owner, title=title, url=url)
    return dated(lang, "cite_text", a.signed, owner=owner, title=title, url=url)


def partner(p: Parts, pid: str, lang: str) -> PageSpec:
    """A partner: who it is, and its agreements on a timeline and in a list."""
    x = p.site.partners[pid]
    item = p.partner_item(x, lang)
    owner = p.loc(p.site.settings.owner_name, lang)
    description = t(lang, "meta_partner", owner=owner, name=item["name"],
                    country=item["country"], count=item["count_label"],
                    description=p.loc(x.description, lang) or "").strip()
    agreements = p.agreements(x.agreements)
    return p.spec("partner", lang, x.id, "partner.html",
                  title=item["name"], description=description,
                  structured_data=script_body(partner_thing(p.site, p.router, x, lang)),
                  feed=p.feed("partner_feed", lang, x.id),
                  feeds=[p.feed("partner_feed", lang, x.id)],
                  data=p.record_data(lang),
                  partner=item, text=p.loc(x.description, lang),
                  kind_label=t(lang, f"kind_{x.kind}"),
                  local_label=t(lang, "name_local" if len(x.name_local) < 2 else "names_local"),
                  chart=timeline(agreements, p.ctx, lang),
                  agreements=[p.period_item(a, lang) for a in chronological(agreements)],
                  history=p.history_view([x.source.path], lang))


def theme(p: Parts, tid: str, lang: str) -> PageSpec:
    """A thematic area and its agreements."""
    th = p.site.themes[tid]
    item = p.theme_item(th, lang)
    owner = p.loc(p.site.settings.owner_name, lang)
    description = t(lang, "meta_theme", owner=owner, name=item["name"],
                    count=item["count_label"], description=item["description"])
    return p.spec("theme", lang, th.id, "theme.html",
                  title=item["name"], description=description, theme=item,
                  feed=p.feed("theme_feed", lang, th.id),
                  feeds=[p.feed("theme_feed", lang, th.id)],
                  data=p.record_data(lang),
                  agreements=[p.agreement_item(a, lang) for a in p.agreements(th.agreements)],
                  history=p.history_view([th.source.path], lang))


def page(p: Parts, name: str, lang: str) -> PageSpec:
    """A free page (about, licence...)."""
    pg = p.site.pages[name]
    summary = p.body_part(pg.bodies, lang, "summary")
    text = p.body_part(pg.bodies, lang, "text")
    description: Local | str | None = p.loc(pg.description, lang)
    if not (description and getattr(description, "text", "")):
        description = excerpt(summary or text) or p.loc(pg.title, lang)
    slugs = {lg: slug_in(pg.slug, lg, pg.source_lang) for lg in p.site.settings.languages}
    return p.spec("page", lang, slugs[lang], "page.html", ids=slugs,
                  title=p.loc(pg.title, lang), description=description,
                  summary=summary, text=text,
                  contact=contact(p, lang) if pg.feedback else None)


def contact(p: Parts, lang: str) -> dict[str, Any]:
    """The site's feedback contact, as content/site.yaml gives it."""
    c = p.site.settings.contact
    return {"email": c["email"], "name": p.loc(c.get("name"), lang)}
