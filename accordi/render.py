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
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context as Context_
from markupsafe import Markup, escape

from .characters import for_output
from .dates import PartialDate
from .errors import ContentFailure
from .i18n import Local, localize, phrase_parts, strings
from .labels import feed_title
from .output import Context, whole
from .pages.spec import PageSpec
from .records import slug_in
from .template_errors import template_failure

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


def as_of_phrase(day: PartialDate, lang: str) -> Markup:
    """"as of <time>15 January 2024</time>", for a sentence that shows the day as a date."""
    before, after = phrase_parts(day, lang, "as_of")
    return Markup('{}<time datetime="{}">{}</time>{}').format(before, day.iso(),
                                                              day.format(lang), after)


@pass_context
def fragment(context: Context_, macro: str, item: dict[str, Any], lang: str, t: dict,
             *options: Hashable) -> Markup:
    """The HTML of one list item, made by `macro` of macros.html once per item and kept
    with the item's record (see `Session.remember`): a list of 10,000 agreements makes
    again only the items an edit changed. The interface strings `t` follow from the
    language, so the key is the macro, the language and the `options`."""
    def make() -> Markup:
        module = context.environment.get_template("macros.html").module
        return getattr(module, macro)(item, lang, t, *options)
    return context["remember"](item["owner"], ("fragment", macro, lang, options), make)


@cache
def environment(*folders: Path) -> Environment:
    """The Jinja environment every page is rendered with (one per chain of folders:
    templates compile once per process, and Jinja still reloads a template whose file
    changed).

    A name is looked up in each folder in turn, a site's own templates before the theme's
    (the last folder); `theme/<name>` is always the theme's, so that a site's template can
    extend the one it replaces and change only a block."""
    loader = ChoiceLoader([FileSystemLoader([str(f) for f in folders]),
                           PrefixLoader({"theme": FileSystemLoader(str(folders[-1]))})])
    env = _Environment(loader=loader, undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "xml"], default=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["say"] = say
    env.filters["lang_attr"] = lang_attr
    env.globals["fragment"] = fragment
    return env


class PageRenderer:
    """Renders PageSpecs with the frame (navigation, language switch, footer)."""

    def __init__(self, ctx: Context):
        self.ctx, self.site, self.router = ctx, ctx.site, ctx.router
        self.env = environment(*ctx.templates)

    def frame(self, lang: str) -> dict[str, Any]:
        """What every page of `lang` shows around its content, made once."""
        return self.ctx.session.remember(whole("frame"), lang, lambda: self._frame(lang))

    def _frame(self, lang: str) -> dict[str, Any]:
        s = self.site.settings
        source = s.source_lang
        nav = [{"kind": k, "label": strings(lang)[k], "url": self.router.url_for(k, lang)}
               for k in NAV]
        about = self.site.pages.get("about")
        if about:
            nav.append({"kind": "page:about", "label": strings(lang)["about"],
                        "url": self.router.url_for("page", lang,
                                                   slug_in(about.slug, lang, source))})
        pages = [{"label": localize(pg.title, lang, source),
                  "url": self.router.url_for("page", lang, slug_in(pg.slug, lang, source))}
                 for name, pg in self.site.pages.items() if name != "about"]
        return {
            "lang": lang, "t": strings(lang), "nav": nav, "footer_pages": pages,
            "site_title": localize(s.title, lang, source),
            "owner": localize(s.owner_name, lang, source),
            "licence": s.licence, "licence_name": localize(s.licence["name"], lang, source),
            "footer_as_of": as_of_phrase(PartialDate.from_date(s.as_of), lang),
            "asset": self.router.asset, "home_url": self.router.url_for("home", lang),
            "opendata_label": strings(lang)["opendata"],
            "opendata_url": self.router.url_for("opendata", lang),
            "all_feed": {"url": self.router.url_for("feed", lang),
                         "title": feed_title(self.site, lang, "feed")},
            "og_locale": strings(lang)["og_locale"],
            "og_alternates": [strings(lg)["og_locale"] for lg in s.languages if lg != lang],
            "search_url": self.router.url_for("search", lang),
            "logo": self.router.asset(s.logo) if s.logo else None,
            "colours": bool(s.colours),
        }

    def render(self, spec: PageSpec, canonical_lang: str | None = None) -> str:
        """HTML of one page."""
        lang = spec.lang
        languages = [{"lang": lg, "url": url, "name": strings(lg)["language_name"],
                      "current": lg == lang}
                     for lg, url in spec.alternates.items()]
        canonical = self.router.origin + spec.alternates[canonical_lang or lang]
        frame = self.frame(lang)
        context = {
            **frame, **spec.context, "kind": spec.kind,
            "languages": languages, "canonical": canonical,
            "origin": self.router.origin, "noindex": spec.context.get("noindex", False),
            "head_feeds": spec.context.get("feeds", []) + [frame["all_feed"]],
            "structured_data": spec.context.get("structured_data"),
            "searchable": spec.context.get("searchable", False),
            "wasm": spec.context.get("wasm", False),
            "remember": self.ctx.session.remember,
        }
        try:
            return for_output(self.env.get_template(spec.template).render(context))
        except ContentFailure:
            raise
        except Exception as exc:  # noqa: BLE001 - a template's mistake, told as file:line
            raise template_failure(exc, spec.template, self.ctx.templates) from None
