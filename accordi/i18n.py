"""Words of the interface per language, names from the locale data, and the fallback rule.

A text missing in the reader's language falls back to the source language and says so: the
`Local` value carries the language it is really in, and templates mark it with `lang`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.dates import get_month_names
from babel.numbers import format_decimal
from babel.units import format_unit

from .dates import Duration, PartialDate, Span

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there

LOCALES = Path(__file__).with_name("locales")


@dataclass(frozen=True)
class Local:
    """A text and the language it is actually written in."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


# A site's own wording (`messages/<lang>.yaml` beside its content), in force in this process
# and in those it forks: lang -> key -> text (see `accordi.theme.use_messages`).
_SITE_MESSAGES: dict[str, dict[str, str]] = {}


def languages() -> tuple[str, ...]:
    """The languages the interface is written in."""
    return tuple(sorted(p.stem for p in LOCALES.glob("*.yaml")))


@cache
def package_strings(lang: str) -> dict[str, Any]:
    """The package's own interface strings for `lang`.

    Most are texts; a few are tables of them (`date_phrases`, `data_columns`, ...) or lists
    (`catalogue_keywords`), hence `Any`."""
    return yaml.load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=_LOADER)


def use_messages(overrides: dict[str, dict[str, str]]) -> None:
    """Replace the package's strings named in `overrides`, from now on."""
    if overrides != _SITE_MESSAGES:
        _SITE_MESSAGES.clear()
        _SITE_MESSAGES.update(overrides)
        strings.cache_clear()


@cache
def strings(lang: str) -> dict[str, Any]:
    """Interface strings for `lang`: the package's, with the site's own wording on top."""
    return {**package_strings(lang), **_SITE_MESSAGES.get(lang, {})}


def t(lang: str, key: str, **values: object) -> str:
    """One interface string, with `{placeholders}` filled."""
    text: str = strings(lang)[key]
    return text.format(**values) if values else text


def localize(text: dict[str, str] | None, lang: str, source: str = "it") -> Local | None:
    """The text in `lang`, else in the source language (marked as such)."""
    if not text:
        return None
    if lang in text:
        return Local(text[lang], lang)
    return Local(text[source], source)


def localize_required(text: dict[str, str], lang: str, source: str = "it") -> Local:
    """`localize` for a text the schema requires (a title, a name, the owner's): there is
    always one to show."""
    found = localize(text, lang, source)
    assert found is not None, text
    return found


@cache
def month_names(lang: str) -> str:
    """The twelve month names as dates in `lang` write them, separated by spaces."""
    names = get_month_names("wide", locale=lang)
    return " ".join(names[m] for m in range(1, 13))


def country_name(code: str, lang: str) -> str:
    """`LV` -> `Lettonia` / `Latvia`, from the CLDR data shipped with Babel."""
    return Locale.parse(lang).territories.get(code, code)


@lru_cache(maxsize=1024)
def format_duration(duration: Duration, lang: str) -> str:
    """`P2Y` -> `2 anni` / `2 years`; compound durations joined by commas.

    Kept per duration: a Babel call is slow beside a lookup (docs/performance.md), and a
    site of thousands of agreements has few distinct durations."""
    parts = []
    for n, unit in ((duration.years, "duration-year"), (duration.months, "duration-month"),
                    (duration.days, "duration-day")):
        if n:
            text = format_unit(n, unit, length="long", locale=lang)
            if unit in text:  # CLDR aliases some long forms to short ones; Babel does not
                text = format_unit(n, unit, length="short", locale=lang)
            parts.append(text)
    return ", ".join(parts)


def format_date(date: PartialDate | Span | None, lang: str) -> str:
    """A partial date in the reader's language (empty when there is none)."""
    return date.format(lang) if date else ""


ROLES = ("on", "since", "until", "as_of")


def phrase_parts(date: PartialDate | Span, lang: str, role: str) -> tuple[str, str]:
    """The words before and after a date that stands in a sentence, by its precision.

    A sentence cannot say "on 2014" or "il marzo 2011": the preposition (and, in Italian,
    the article and its elision before a vowel, "l'8 marzo", "ad aprile") follows from
    whether the date is a day, a month, a year or a span; `role` is what the date is in
    the sentence (`on`, `since`, `until`, `as_of`). The words are the locale's
    (`date_phrases`): CLDR has the month names, not the prepositions.
    """
    table = strings(lang)["date_phrases"]
    pattern = table[role][_precision_key(date, table)]
    if isinstance(date, Span):
        pattern = pattern.format(start=date.start.format(lang), end=date.end.format(lang),
                                 date="{date}")
    before, _, after = pattern.partition("{date}")
    return before, after


def _precision_key(date: PartialDate | Span, table: dict) -> str:
    if isinstance(date, Span):
        return "span"
    if date.precision == "day" and date.day in table["elided_days"]:
        return "day_elided"
    if date.precision == "month" and date.month in table["vowel_months"]:
        return "month_vowel"
    return date.precision


def date_phrase(date: PartialDate | Span, lang: str, role: str) -> str:
    """`il 6 luglio 2021`, `a marzo 2011`, `nel 2014`; `on 6 July 2021`, `in 2014`..."""
    before, after = phrase_parts(date, lang, role)
    return before + ("" if isinstance(date, Span) else date.format(lang)) + after


def dated(lang: str, key: str, date: PartialDate | Span, **values: object) -> str:
    """Interface string `key` with `date` in each role it may take (`{on}`, `{since}`,
    `{until}`, `{as_of}`): each language's sentence picks its own."""
    phrases = {role: date_phrase(date, lang, role) for role in ROLES}
    return t(lang, key, **phrases, **values)


def format_size(size: int, lang: str) -> str:
    """A file size for a download link: `245 kB`."""
    if size < 1024:
        return format_unit(size, "digital-byte", length="short", locale=lang)
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024), locale=lang)} kB"
    return f"{format_decimal(round(size / 1024 / 1024, 1), locale=lang)} MB"
