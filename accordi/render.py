"""Jinja2 environment and the page frame shared by every template.

Undefined variables are errors (a typo in a template must not publish an empty field), and
autoescaping is on: content is text, never markup, unless it comes from the Markdown renderer.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .characters import for_output
from .dates import PartialDate
from .i18n import Local, format_date, localize, strings
from .memo import INERT, Memo
from .model import Site
from .outputs.feeds import feed_title
from .routes import Router
from .views import PageSpec

NAV = ("home", "agreements", "partners", "themes", "timeline")
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, finding `item.name` in a plain dict without an exception.

    Jinja looks for an attribute first and falls back to the item; a dict's only attributes
    are its methods, so for any other name it always ends up at the item, after an
    AttributeError that costs about a microsecond. Pages read dicts this way a few hundred
    times each: a quarter of the time spent in templates.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def say(value: Local | str | None, page_lang: str) -> Markup:
    """A text, wrapped in `<span lang>` when it is not in the page's language."""
    if value is None:
        return Markup("")
    if isinstance(value, Local) and value.lang != page_lang:
        return Markup('<span lang="{}">{}</span>').format(value.lang, value.text)
    return escape(str(value))


def lang_attr(value: Any, page_lang: str) -> Markup:
    """` lang="it"` for an element whose content is not in the page's language."""
    lang = value.get("lang") if isinstance(value, dict) else getattr(value, "lang", page_lang)
    return Markup(' lang="{}"').format(lang) if lang and lang != page_lang else Markup("")


@pass_context
def fragment(context: Context, macro: str, item: dict[str, Any], lang: str, t: dict,
             *options: Hashable) -> Markup:
    """The HTML of one list item, made by `macro` of macros.html once per item and kept
    with the item (see accordi.memo): a list of 10,000 agreements makes again only the
    items an edit changed. The item's `memo_key` holds its language, and the interface
    strings `t` follow from the language and the memo's salt, so the key is the macro, the
    item's key and the `options`."""
    def make() -> Markup:
        module = context.environment.get_template("macros.html").module
        return getattr(module, macro)(item, lang, t, *options)
    memo = context.get("memo", INERT)
    return memo.get(f"fragment:{macro}", (item.get("memo_key"), options)
                    if item.get("memo_key") else None, make)


@cache
def environment(templates: Path) -> Environment:
    """The Jinja environment every page is rendered with (one per folder: templates compile
    once per process, and Jinja still reloads a template whose file changed)."""
    env = _Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "xml"], default=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["say"] = say
    env.filters["lang_attr"] = lang_attr
    env.globals["fragment"] = fragment
    return env


class PageRenderer:
    """Renders PageSpecs with the frame (navigation, language switch, footer)."""

    def __init__(self, site: Site, router: Router, templates: Path, memo: Memo = INERT):
        self.site, self.router, self.memo = site, router, memo
        self.env = environment(templates)
        self._frames = {lang: self._frame(lang) for lang in site.settings.languages}

    def _frame(self, lang: str) -> dict[str, Any]:
        s = self.site.settings
        nav = [{"kind": k, "label": strings(lang)[k], "url": self.router.url_for(k, lang)}
               for k in NAV]
        about = self.site.pages.get("about")
        if about:
            nav.append({"kind": "page:about", "label": strings(lang)["about"],
                        "url": self.router.url_for("page", lang, about.slug_for(lang))})
        pages = [{"label": localize(pg.title, lang, s.source_lang),
                  "url": self.router.url_for("page", lang, pg.slug_for(lang))}
                 for pg in self.site.pages.values() if pg is not about]
        return {
            "lang": lang, "t": strings(lang), "nav": nav, "footer_pages": pages,
            "site_title": localize(s.title, lang, s.source_lang),
            "owner": localize(s.owner_name, lang, s.source_lang),
            "licence": s.licence, "licence_name": localize(s.licence["name"], lang, s.source_lang),
            "as_of": format_date(PartialDate.from_date(s.as_of), lang),
            "as_of_iso": s.as_of.isoformat(),
            "asset": self.router.asset, "home_url": self.router.url_for("home", lang),
            "opendata_label": strings(lang)["opendata"],
            "opendata_url": self.router.url_for("opendata", lang),
            "all_feed": {"url": self.router.url_for("feed", lang),
                         "title": feed_title(self.site, lang, "feed")},
            "og_locale": strings(lang)["og_locale"],
            "og_alternates": [strings(lg)["og_locale"] for lg in s.languages if lg != lang],
            "search_url": self.router.url_for("search", lang),
            "memo": self.memo,
        }

    def render(self, spec: PageSpec, canonical_lang: str | None = None) -> str:
        """HTML of one page."""
        lang = spec.lang
        languages = [{"lang": lg, "url": url, "name": strings(lg)["language_name"],
                      "current": lg == lang}
                     for lg, url in spec.alternates.items()]
        canonical = self.router.origin + spec.alternates[canonical_lang or lang]
        frame = self._frames[lang]
        context = {
            **frame, **spec.context, "kind": spec.kind,
            "languages": languages, "canonical": canonical,
            "origin": self.router.origin, "noindex": spec.context.get("noindex", False),
            "head_feeds": spec.context.get("feeds", []) + [frame["all_feed"]],
            "structured_data": spec.context.get("structured_data"),
            "searchable": spec.context.get("searchable", False),
            "wasm": spec.context.get("wasm", False),
        }
        return for_output(self.env.get_template(spec.template).render(context))
