"""Words that pages and data files share: names of feeds, counts of agreements.

Kept apart from both, so that a page can name a feed and a feed can name itself in the same
words without either importing the other.
"""

from __future__ import annotations

from .i18n import localize, t
from .records import Site


def feed_title(site: Site, lang: str, kind: str, id: str | None = None) -> str:
    """The title of a feed, also used by the pages that link it."""
    source = site.settings.source_lang
    owner = _text(localize(site.settings.owner_name, lang, source))
    if kind == "partner_feed":
        assert id is not None
        name = _text(localize(site.partners[id].name, lang, source))
        return t(lang, "feed_title_partner", owner=owner, name=name)
    if kind == "theme_feed":
        assert id is not None
        name = _text(localize(site.themes[id].name, lang, source))
        return t(lang, "feed_title_theme", owner=owner, name=name)
    return t(lang, "feed_title_all", owner=owner,
             site=_text(localize(site.settings.title, lang, source)))


def count(n: int, lang: str) -> str:
    """`1 agreement`, `3 agreements`, in `lang`; a record with none says that none is
    published rather than `0 agreements`."""
    if n == 0:
        return t(lang, "zero_agreements")
    return t(lang, "one_agreement") if n == 1 else t(lang, "n_agreements", n=n)


def _text(value: object) -> str:
    return getattr(value, "text", "") if value is not None else ""
