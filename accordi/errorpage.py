"""The page the live preview shows while the content has errors, in the site's languages.

The editors of an Italian-first site read it in Italian, like every page, with a switch to
the other languages (`?lang=en` on the same address, so it works without scripts). The
diagnostics themselves are in English, as `build.py check` prints them, and marked so.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import parse_qs

from .errors import ErrorCollector, field_view
from .i18n import LOCALES, strings, t
from .yamlmarks import load

DIAGNOSTICS_LANG = "en"  # the language `check` and the build write their messages in


def site_languages(content: Path) -> list[str]:
    """The languages of content/site.yaml, first the source; Italian and English when the
    file cannot say (it may be the broken one)."""
    fallback = ["it", "en"]
    try:
        marked, problems = load((content / "site.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return fallback
    data = marked.data if marked is not None and not problems else None
    langs = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(langs, list) or not langs:
        return fallback
    known = [lg for lg in langs if isinstance(lg, str) and (LOCALES / f"{lg}.yaml").is_file()]
    return known or fallback


def chosen(languages: list[str], path: str, query: str) -> str:
    """`?lang=` when it names a language of the site, else the address's own language
    (`/en/...`), else the site's first."""
    asked = parse_qs(query).get("lang", [""])[0]
    first = path.strip("/").split("/")[0]
    for candidate in (asked, first):
        if candidate in languages:
            return candidate
    return languages[0]


def render(errors: ErrorCollector, content: Path, path: str, query: str = "") -> bytes:
    """Every content mistake, in a page in the reader's language with a language switch."""
    languages = site_languages(content)
    lang = chosen(languages, path, query)
    switch = "".join(
        f'<li><span class="lang-current" lang="{lg}" aria-current="true">'
        f'{html.escape(strings(lg)["language_name"])}</span></li>' if lg == lang else
        f'<li><a href="?lang={lg}" hreflang="{lg}" lang="{lg}">'
        f'{html.escape(strings(lg)["language_name"])}</a></li>' for lg in languages)
    items = "".join(
        f"<li><code>{html.escape(e.path)}:{e.line}</code> "
        f"{'<strong>' + html.escape(field_view(e.field)) + '</strong>: ' if e.field else ''}"
        f"{html.escape(e.message)}"
        f"{'<br><em>' + html.escape(e.hint) + '</em>' if e.hint else ''}</li>"
        for e in errors.sorted())
    marked = f' lang="{DIAGNOSTICS_LANG}"' if lang != DIAGNOSTICS_LANG else ""
    label = html.escape(t(lang, "preview_errors_languages"))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(t(lang, 'preview_errors_title'))}</title></head><body>"
        f'<header><nav class="langs" aria-label="{label}">'
        f"<ul>{switch}</ul></nav></header>"
        f"<main><h1>{html.escape(t(lang, 'preview_errors_heading'))}</h1>"
        f"<p>{html.escape(t(lang, 'preview_errors_text'))}</p>"
        f"<p>{html.escape(t(lang, 'preview_errors_where'))}</p>"
        f'<ul class="content-errors"{marked}>{items}</ul></main></body></html>'
    ).encode()
