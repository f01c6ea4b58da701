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
from ..i18n import format_date, localize, t
from ..memo import INERT, Memo
from ..model import Agreement, Site
from ..routes import Router
from . import FRAME, Planned

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TYPE = "application/atom+xml"


def timestamp(day: dt.date) -> str:
    """An Atom date-time for a day: midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def last_event(a: Agreement) -> dt.date:
    """The day of the latest thing that had happened to `a` by the reference day."""
    st = a.status
    assert st is not None
    day = st.as_of
    events = [a.signed.earliest]
    events += [r.date.earliest for r in a.renewals if r.date and r.date.latest <= day]
    if st.stated and st.stated_on and st.stated_on.latest <= day:
        events.append(st.stated_on.earliest)
    if st.value == "expired" and st.until is not None:
        events.append(st.until.latest + dt.timedelta(days=1))
    return max(e for e in events if e <= day) if any(e <= day for e in events) else events[0]


def feed_title(site: Site, lang: str, kind: str, id: str | None = None) -> str:
    """The title of a feed, also used by the pages that link it."""
    source = site.settings.source_lang
    owner = localize(site.settings.owner_name, lang, source).text
    if kind == "partner_feed":
        assert id is not None
        name = localize(site.partners[id].name, lang, source).text
        return t(lang, "feed_title_partner", owner=owner, name=name)
    if kind == "theme_feed":
        assert id is not None
        name = localize(site.themes[id].name, lang, source).text
        return t(lang, "feed_title_theme", owner=owner, name=name)
    return t(lang, "feed_title_all", owner=owner,
             site=localize(site.settings.title, lang, source).text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # Plain names with explicit xmlns attributes: Atom is the document's default namespace
    # and XHTML the summaries', which ElementTree's own prefixes cannot both give.
    el = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


class FeedWriter:
    """Builds the feeds of one site; each agreement's entry is written once per language
    and kept with the agreement in the memo."""

    def __init__(self, site: Site, router: Router, memo: Memo = INERT):
        self.site, self.router, self.memo = site, router, memo
        self.source = site.settings.source_lang
        self._entries: dict[tuple[str, str], str] = {}

    def updated(self, a: Agreement) -> dt.date:
        """Latest event of `a` or of an agreement that extends or replaces it."""
        return self.memo.get("feed-updated", self.memo.context(a.id),
                             lambda: self._updated(a))

    def _updated(self, a: Agreement) -> dt.date:
        assert a.status is not None
        days = [last_event(a)] + [self.site.agreements[x].signed.earliest for x in a.status.by]
        return max(days)

    def feed(self, lang: str, url_kind: str, page_kind: str, id: str | None, title: str,
             agreements: Iterable[Agreement]) -> bytes:
        """One Atom document."""
        s = self.site.settings
        r = self.router
        items = sorted(agreements, key=lambda a: (-a.signed.earliest.toordinal(), a.id))
        owner = localize(s.owner_name, lang, self.source)
        root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: lang})
        self_url = r.absolute_url(url_kind, lang, id)
        _sub(root, "id", self_url)
        _sub(root, "title", title)
        _sub(root, "subtitle", t(lang, "feed_subtitle",
                                 date=format_date(PartialDate.from_date(s.as_of), lang)))
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
        licence = localize(s.licence["name"], lang, self.source)
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
        if (a.id, lang) not in self._entries:
            context = self.memo.context(a.id)
            self._entries[a.id, lang] = self.memo.get(
                "feed-entry", context and (lang, context), lambda: self._entry_text(a, lang))
        return self._entries[a.id, lang]

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
        title = localize(a.title, lang, self.source)
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
        _sub(entry, "published", timestamp(a.signed.earliest))
        _sub(entry, "updated", timestamp(self.updated(a)))
        for tid in a.themes:
            theme = s.themes[tid]
            _sub(entry, "category", term=tid, scheme=r.absolute_url("themes", lang),
                 label=localize(theme.name, lang, self.source).text)
        obj = localize(a.object, lang, self.source)
        partners = ", ".join(localize(s.partners[p].name, lang, self.source).text
                             for p in a.partners)
        summary = t(lang, "feed_summary", type=t(lang, f"type_{a.type}"),
                    date=format_date(a.signed, lang), status=t(lang, f"status_{st.value}"),
                    as_of=t(lang, "status_as_of",
                            date=format_date(PartialDate.from_date(st.as_of), lang)),
                    partners=partners)
        # The facts are in the feed's language; the object may be an Italian fallback.
        div = _sub(_sub(entry, "summary", type="xhtml"), "div", xmlns=XHTML)
        _sub(div, "p", summary)
        _sub(div, "p", obj.text).attrib.update(self._lang(obj, lang))

    def plan(self) -> Iterable[Planned]:
        """Every feed: all agreements, each partner's and each theme's, in every language."""
        s, r = self.site, self.router
        for lang in s.settings.languages:
            yield Planned(r.output_path("feed", lang), FRAME, partial(
                self.feed, lang, "feed", "agreements", None, feed_title(s, lang, "feed"),
                list(s.agreements.values())), tuple(s.agreements))
            for p in s.partners.values():
                yield Planned(r.output_path("partner_feed", lang, p.id),
                              (*FRAME, ("partner", p.id)), partial(
                                  self.feed, lang, "partner_feed", "partner", p.id,
                                  feed_title(s, lang, "partner_feed", p.id), p.agreements),
                              tuple(a.id for a in p.agreements))
            for th in s.themes.values():
                yield Planned(r.output_path("theme_feed", lang, th.id),
                              (*FRAME, ("theme", th.id)), partial(
                                  self.feed, lang, "theme_feed", "theme", th.id,
                                  feed_title(s, lang, "theme_feed", th.id), th.agreements),
                              tuple(a.id for a in th.agreements))


def plan(site: Site, router: Router, memo: Memo) -> Iterable[Planned]:
    """Every feed of the site."""
    return FeedWriter(site, router, memo).plan()
