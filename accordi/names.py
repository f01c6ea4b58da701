"""Partners' names in their own language and script (`name_local`): read and checked.

A name is shown as its partner writes it (大阪市, Санкт-Петербург, תל אביב-יפו), marked with
its language, so that a screen reader reads it in that language and a browser picks the
right font, and with its direction, so that a right-to-left name keeps its letters in order
and never reorders the sentence around it. The direction comes from the language's script
in the CLDR data Babel ships; for a language CLDR has no locale for, from the name's first
letter, as a browser's `dir="auto"` would.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

from .errors import ErrorCollector
from .records import LocalName
from .sources import Source


@cache
def _known() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The language, script and region codes CLDR names."""
    en = Locale.parse("en")
    return frozenset(en.languages), frozenset(en.scripts), frozenset(en.territories)


def unknown_part(tag: str) -> str | None:
    """The first part of a BCP 47 tag that CLDR does not know, or None."""
    languages, scripts, regions = _known()
    language, *rest = tag.split("-")
    if language not in languages:
        return language
    for part in rest:
        if part not in (scripts if len(part) == 4 else regions):
            return part
    return None


@cache
def direction(tag: str, text: str) -> str:
    """`rtl` or `ltr`: the script's direction for `tag`, else the first strong letter's."""
    try:
        order = Locale.parse(tag, sep="-").character_order
        return "rtl" if order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError):
        pass
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def language_name(tag: str, lang: str) -> str:
    """The name of language `tag` in the reader's language (`giapponese`, `Hebrew`)."""
    try:
        return Locale.parse(tag, sep="-").get_display_name(lang) or tag
    except (UnknownLocaleError, ValueError):
        return Locale.parse(lang).languages.get(tag.split("-")[0], tag)


def local_names(src: Source, errors: ErrorCollector) -> tuple[LocalName, ...]:
    """A partner file's `name_local` (one name or a list), each with its direction; an
    unknown language tag is reported on its line."""
    value: Any = src.data.get("name_local")
    if not value:
        return ()
    items = [value] if isinstance(value, dict) else list(value)
    path: tuple = ("name_local",) if isinstance(value, dict) else ()
    out = []
    for i, item in enumerate(items):
        where = path or ("name_local", i)
        tag = item["lang"]
        wrong = unknown_part(tag)
        if wrong is not None:
            errors.add(src.path, src.line(*where, "lang"), ".".join(map(str, where + ("lang",))),
                       f"`{wrong}` in `{tag}` is not a language, script or region code",
                       "write the language's ISO 639 code (ja, zh, ko, ru, uk, he, ar), "
                       "then the script or region if needed: zh-Hans, sr-Cyrl")
            continue
        out.append(LocalName(item["text"], tag, direction(tag, item["text"])))
    return tuple(out)
