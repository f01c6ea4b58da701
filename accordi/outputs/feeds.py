"""Atom feeds of the agreements, per language: all of them, one partner's, one theme's.

Journalists follow one city or one theme. Entry ids are the agreements' permalinks, which
never change; `published` is the date of signing and `updated` the latest event of the
agreement that had happened by the reference day (signing, a renewal, a successor, the end of
its term, a stated status), so a feed changes only when the content or the reference day
does, never with the clock. Written with ElementTree rather than a feed library so that a
title shown in Italian in an English feed can carry its own xml:lang.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import partial

from ..characters import for_output
from ..dates import PartialDate
from ..i18n import dated, format_date, localize_required, t
from ..labels import feed_title
from ..output import Context, Output, data
from ..records import Agreement, Site, latest_first
from ..routes import Router

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TYPE = "application/atom+xml"


def timestamp(day: dt.date) -> str:
    """An Atom date-time for a day: midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def last_event(a: Agreement) -> dt.date:
    """The day of the latest thing that had happened to `a` by the reference day.

    Without a date of signing, the dates of its acts and sources stand in for it; with
    none of them either, the reference day."""
    st = a.status
    assert st is not None
    day = st.as_of
    events = [a.signed.earliest] if a.signed else [
        r.date.earliest for r in a.acts + a.sources if r.date]
    events += [r.date.earliest for r in a.renewals if r.date and r.date.latest <= day]
    for stated in (st.stated_on, st.since) if st.stated else ():
        if stated and stated.latest <= day:
            events.append(stated.earliest)
    if st.value == "expired" and st.until is not None:
        events.append(st.until.latest + dt.timedelta(days=1))
    past = [e for e in events if e <= day]
    return max(past) if past else min(events, default=day)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # Plain names with explicit xmlns attributes: Atom is the document's default namespace
    # and XHTML the summaries', which ElementTree's own prefixes cannot both give.
    el = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


class FeedWriter:
    """Builds the feeds of one site; each agreement's entry is written once per language
    and remembered with the agreement, for every feed that lists it."""

    def __init__(self, ctx: Context):
        self.site, self.router, self.remember = ctx.site, ctx.router, ctx.session.remember
        self.source = self.site.settings.source_lang

    def updated(self, a: Agreement) -> dt.date:
        """Latest event of `a` or of an agreement that extends or replaces it."""
        return self.remember(data(a.id), ("feed-updated",), lambda: self._updated(a))

    def _updated(self, a: Agreement) -> dt.date:
        assert a.status is not None
        successors = [self.site.agreements[x] for x in a.status.by]
        days = [last_event(a)] + [b.signed.earliest if b.signed else last_event(b)
                                  for b in successors]
        return max(days)

    def feed(self, lang: str, url_kind: str, page_kind: str, id: str | None, title: str,
             agreements: Iterable[Agreement]) -> bytes:
        """One Atom document."""
        s = self.site.settings
        r = self.router
        items = sorted(agreements, key=lambda a: (*latest_first(a.signed), a.id))
        owner = localize_required(s.owner_name, lang, self.source)
        root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: lang})
        self_url = r.absolute_url(url_kind, lang, id)
        _sub(root, "id", self_url)
        _sub(root, "title", title)
        _sub(root, "subtitle", dated(lang, "feed_subtitle", PartialDate.from_date(s.as_of)))
        _sub(root, "link", rel="self", type=FEED_TYPE, href=self_url)
        _sub(root, "link", rel="alternate", type="text/html", hreflang=lang,
             href=r.absolute_url(page_kind, lang, id))
        for other in s.languages:
            if other != lang:
                _sub(root, "link", rel="alternate", type=FEED_TYPE, hreflang=other,
                     href=r.absolute_url(url_kind, other, id))
        days = [self.updated(a) for a in items]
        _sub(root, "updated", timestamp(max(days) if days else s.as_of))
        author = _sub(root, "author")
        _sub(author, "name", owner.text).attrib.update(self._lang(owner, lang))
        _sub(author, "uri", s.base_url)
        licence = localize_required(s.licence["name"], lang, self.source)
        _sub(root, "rights", t(lang, "footer_licence",
                               licence=f"{licence.text} ({s.licence['url']})"))
        _sub(root, "generator", "Accordi")
        ET.indent(root)
        head = ET.tostring(root, encoding="unicode").removesuffix("</feed>")
        # An agreement is in several feeds of a language: its entry is written once.
        entries = "".join(f"  {self.entry_text(a, lang)}\n" for a in items)
        return for_output(f'<?xml version="1.0" encoding="utf-8"?>\n{head}{entries}</feed>\n'
                          ).encode()

    def entry_text(self, a: Agreement, lang: str) -> str:
        """The entry of `a` as it stands in any feed of `lang` (indented one level)."""
        return self.remember(data(a.id), ("feed-entry", lang),
                             lambda: self._entry_text(a, lang))

    def _entry_text(self, a: Agreement, lang: str) -> str:
        holder = ET.Element("feed")
        self.entry(holder, a, lang)
        entry = holder[0]
        ET.indent(entry, level=1)
        return ET.tostring(entry, encoding="unicode")

    def _lang(self, text, lang: str) -> dict[str, str]:
        return {XML_LANG: text.lang} if text.lang != lang else {}

    def entry(self, root: ET.Element, a: Agreement, lang: str) -> None:
        s, r = self.site, self.router
        st = a.status
        assert st is not None
        entry = _sub(root, "entry")
        permalink = r.absolute_url("agreement", lang, a.id)
        _sub(entry, "id", permalink)
        title = localize_required(a.title, lang, self.source)
        _sub(entry, "title", title.text, type="text").attrib.update(self._lang(title, lang))
        _sub(entry, "link", rel="alternate", type="text/html", hreflang=lang, href=permalink)
        # The twin is `related`, not a second `alternate`: feed readers take the last
        # alternate as the entry's link, which would send readers to the other language.
        for other in s.settings.languages:
            if other != lang:
                _sub(entry, "link", rel="related", type="text/html", hreflang=other,
                     href=r.absolute_url("agreement", other, a.id))
        _sub(entry, "link", rel="related", type="application/json",
             href=r.file_absolute("agreement_data", a.id))
        if a.signed is not None:  # Atom's `published` is optional: never a made-up day
            _sub(entry, "published", timestamp(a.signed.earliest))
        _sub(entry, "updated", timestamp(self.updated(a)))
        for tid in a.themes:
            theme = s.themes[tid]
            _sub(entry, "category", term=tid, scheme=r.absolute_url("themes", lang),
                 label=localize_required(theme.name, lang, self.source).text)
        obj = localize_required(a.object, lang, self.source)
        partners = ", ".join(localize_required(s.partners[p].name, lang, self.source).text
                             for p in a.partners)
        summary = t(lang, "feed_summary", type=t(lang, f"type_{a.type}"),
                    date=format_date(a.signed, lang) or t(lang, "signed_unknown"),
                    status=t(lang, f"status_{st.value}"),
                    as_of=dated(lang, "status_as_of", PartialDate.from_date(st.as_of)),
                    partners=partners)
        # The facts are in the feed's language; the object may be an Italian fallback.
        div = _sub(_sub(entry, "summary", type="xhtml"), "div", xmlns=XHTML)
        _sub(div, "p", summary)
        _sub(div, "p", obj.text).attrib.update(self._lang(obj, lang))


def plan(site: Site, router: Router) -> Iterable[Output]:
    """Every feed: all agreements, each partner's and each theme's, in every language."""
    for lang in site.settings.languages:
        yield Output(router.output_path("feed", lang), partial(_all, lang), "feed")
        for pid in site.partners:
            yield Output(router.output_path("partner_feed", lang, pid),
                         partial(_partner, lang, pid), "feed")
        for tid in site.themes:
            yield Output(router.output_path("theme_feed", lang, tid),
                         partial(_theme, lang, tid), "feed")


def _all(lang: str, ctx: Context) -> bytes:
    site = ctx.site
    return FeedWriter(ctx).feed(lang, "feed", "agreements", None, feed_title(site, lang, "feed"),
                                list(site.agreements.values()))


def _partner(lang: str, pid: str, ctx: Context) -> bytes:
    site = ctx.site
    return FeedWriter(ctx).feed(lang, "partner_feed", "partner", pid,
                                feed_title(site, lang, "partner_feed", pid),
                                [site.agreements[x] for x in site.partners[pid].agreements])


def _theme(lang: str, tid: str, ctx: Context) -> bytes:
    site = ctx.site
    return FeedWriter(ctx).feed(lang, "theme_feed", "theme", tid,
                                feed_title(site, lang, "theme_feed", tid),
                                [site.agreements[x] for x in site.themes[tid].agreements])
