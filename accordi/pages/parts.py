"""What several pages show alike: items of lists, body parts, feeds links, a record's history.

A list of agreements shows each of them the same way on many pages; each item is made once
and remembered with its agreement (`Session.remember`), for the next page and, in the live
preview, the next edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from babel.numbers import format_currency
from markupsafe import Markup

from ..charts.timeline import period
from ..dates import PartialDate, Span
from ..i18n import Local, country_name, dated, format_date, localize, t
from ..labels import count, feed_title
from ..names import language_name
from ..output import Context, card
from ..records import Agreement, Body, Partner, Theme
from .spec import SEARCHABLE, PageSpec

T = TypeVar("T")
UNDATED = "undated"  # the year filter's value for agreements no source dates
DESCRIPTION_LENGTH = 200  # characters of text a page without a description shows in previews


class Parts:
    """The pieces pages are made of, for one Context."""

    def __init__(self, ctx: Context):
        self.ctx, self.site, self.router = ctx, ctx.site, ctx.router
        self.source = ctx.site.settings.source_lang

    def loc(self, text: dict[str, str] | None, lang: str) -> Local | None:
        return localize(text, lang, self.source)

    def name(self, text: dict[str, str], lang: str) -> Local:
        """A name that every record has."""
        found = localize(text, lang, self.source)
        assert found is not None
        return found

    def body_part(self, bodies: dict[str, Body], lang: str, part: str,
                  shift: int = 0, self_links: bool = False) -> dict[str, Any] | None:
        """A body part in `lang`, or the source's, flagged as a fallback.

        With `self_links`, articles and numbered paragraphs link to themselves, the links
        named in the reader's language.
        """
        for body in (bodies.get(lang), bodies.get(self.source)):
            text = getattr(body, part) if body is not None else ""
            if body is not None and text:
                r = self.ctx.session.markdown(text, shift, lang if self_links else None,
                                              body.lang)
                return {"html": Markup(r.html), "toc": r.toc, "lang": body.lang,
                        "fallback": body.lang != lang, "anchors": r.anchors}
        return None

    def spec(self, kind: str, lang: str, id: str | None, template: str,
             ids: dict[str, str] | None = None, **context: Any) -> PageSpec:
        """A PageSpec with its output path and language alternates from the router."""
        langs = self.site.settings.languages
        named: dict[str, str | None] = dict(ids) if ids else {lg: id for lg in langs}
        alternates = {lg: self.router.url_for(kind, lg, named[lg]) for lg in langs
                      if lg in named}
        if kind in SEARCHABLE:
            context["searchable"] = t(lang, SEARCHABLE[kind])
        return PageSpec(kind, lang, id, template, context,
                        self.router.output_path(kind, lang, named[lang]), alternates)

    def remembered(self, aid: str, what: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, an item of agreement `aid`, made once for every list showing it."""
        return self.ctx.session.remember(card(aid), what, compute)

    def agreement_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """What a list of agreements shows about one of them (shared: copy to add to it)."""
        return self.remembered(a.id, ("agreement-item", lang),
                               lambda: self._agreement_item(a, lang))

    def _agreement_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        st = a.status
        assert st is not None
        signed = a.signed
        return {
            # Whose item it is: the templates keep its HTML with it (see render.fragment).
            "owner": card(a.id),
            "id": a.id, "url": self.router.url_for("agreement", lang, a.id),
            "title": self.loc(a.title, lang), "type": t(lang, f"type_{a.type}"),
            "status": st.value, "status_label": t(lang, f"status_{st.value}"),
            **signed_view(signed, lang),
            "partners": [self.loc(self.site.partners[p].name, lang) for p in a.partners],
            # For the filters of the agreements index: ids, never words, so that a shared
            # filtered address means the same in every language.
            "filter": {"partner": " ".join(a.partners), "theme": " ".join(a.themes),
                       "type": a.type, "status": st.value,
                       "year": str(signed.year) if signed else UNDATED},
        }

    def period_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        """A list item that also says how long the agreement held: the timeline in words."""
        return self.remembered(a.id, ("period-item", lang), lambda: self._period_item(a, lang))

    def _period_item(self, a: Agreement, lang: str) -> dict[str, Any]:
        p = period(a, self.site)
        return {**self.agreement_item(a, lang),
                "end": format_date(p.end, lang) if p.end else t(lang, "end_not_stated"),
                # HTML's `datetime` takes a date, not an interval: a span is two of them.
                "end_iso": p.end.iso() if isinstance(p.end, PartialDate) else "",
                "end_span": [{"text": format_date(d, lang), "iso": d.iso()}
                             for d in (p.end.start, p.end.end)]
                if isinstance(p.end, Span) else [],
                "renewals": [{"date": format_date(r.date, lang) if r.date
                              else t(lang, "renewal_undated"),
                              "iso": r.date.iso() if r.date else ""} for r in a.renewals]}

    def partner_item(self, p: Partner, lang: str) -> dict[str, Any]:
        """What a list shows of a partner: its name (and its names in its own languages),
        its country, how many agreements it has."""
        return {"id": p.id, "url": self.router.url_for("partner", lang, p.id),
                "name": self.loc(p.name, lang), "country": country_name(p.country, lang),
                "kind": p.kind, "count": len(p.agreements),
                "count_label": count(len(p.agreements), lang),
                "local": [{"text": n.text, "lang": n.lang, "dir": n.dir,
                           "language": language_name(n.lang, lang)} for n in p.name_local]}

    def theme_item(self, th: Theme, lang: str) -> dict[str, Any]:
        return {"id": th.id, "url": self.router.url_for("theme", lang, th.id),
                "name": self.loc(th.name, lang), "description": self.loc(th.description, lang),
                "count": len(th.agreements), "count_label": count(len(th.agreements), lang)}

    def agreements(self, ids: list[str]) -> list[Agreement]:
        """The records of agreements named by id."""
        return [self.site.agreements[x] for x in ids]

    def count(self, n: int, lang: str) -> str:
        return count(n, lang)

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

    def history_view(self, paths: list[Path], lang: str) -> dict[str, Any] | None:
        """"Last updated" and the list of changes of a record's files, if the content has a
        version history."""
        changes = self.ctx.history_of(paths)
        if not changes:
            return None

        def day(date: dt.date) -> dict[str, str]:
            return {"iso": date.isoformat(),
                    "text": format_date(PartialDate.from_date(date), lang)}

        return {"updated": day(changes[0].date),
                "changes": [{**day(c.date), "subject": c.subject} for c in changes]}

    def status_view(self, a: Agreement, lang: str) -> dict[str, Any]:
        """Label and the plain-words reason for an agreement's status; a stated status
        with all the source says of it: since when, when it was said, where, and its note."""
        st = a.status
        assert st is not None
        if st.stated:
            detail = (dated(lang, f"status_since_{st.value}", st.since) if st.since else "")
        elif st.until is not None:
            detail = dated(lang, f"status_detail_{st.value}", st.until)
        else:
            detail = t(lang, f"status_detail_{st.value}")
        by = [self.agreement_item(self.site.agreements[x], lang) for x in st.by]
        return {"value": st.value, "label": t(lang, f"status_{st.value}"), "detail": detail,
                "by": by, "as_of": dated(lang, "status_as_of", PartialDate.from_date(st.as_of)),
                "statement": self._statement(a, lang) if st.stated else None}

    def _statement(self, a: Agreement, lang: str) -> dict[str, Any]:
        st = a.status
        assert st is not None
        return {"said": dated(lang, "status_statement_on", st.stated_on) if st.stated_on
                else t(lang, "status_statement"),
                "source": self.loc(st.source, lang), "note": self.loc(st.note, lang)}

    def expense_view(self, a: Agreement, lang: str) -> dict[str, Any]:
        """The expected expense as stated, or `not stated`."""
        e = a.expense
        if not e:
            return {"stated": False, "text": t(lang, "not_stated")}
        amount = (format_currency(e["amount"], e["currency"], locale=lang)
                  if "amount" in e else "")
        return {"stated": True, "amount": amount, "note": self.loc(e.get("note"), lang)}


def signed_view(signed: PartialDate | None, lang: str) -> dict[str, str | bool]:
    """The date of signing as a list or a page shows it: in words and as ISO 8601 (empty
    when no source gives it, then `signed_known` is false)."""
    if signed is None:
        return {"signed": t(lang, "signed_unknown"), "signed_iso": "", "signed_known": False}
    return {"signed": format_date(signed, lang), "signed_iso": signed.iso(),
            "signed_known": True}


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
