"""A site's own look, checked before anything is made: its templates, assets and wording in
place of the theme's files of the same name (see `accordi.config.Paths`), and the logo and
colours its site.yaml names.

A site's colours replace the theme's CSS custom properties (`--brand`...), so they must keep
every pair of colours the theme puts together readable: white text on each, and each as text
on white and on the soft background, at WCAG 2.1 AA's 4.5:1.
"""

from __future__ import annotations

import difflib
import re
import string
from pathlib import Path

from jinja2 import TemplateSyntaxError

from . import i18n
from .config import Paths
from .errors import ErrorCollector
from .records import Site
from .render import environment
from .sources import Source
from .template_errors import TEMPLATE_SUFFIXES, template_error
from .yamlmarks import load

# site.yaml `colours` -> the custom property each replaces in the theme's css/site.css
PROPERTIES = {"brand": "--brand", "brand_dark": "--brand-dark", "brand_deep": "--brand-deep",
              "brand_soft": "--brand-soft"}
ON_WHITE = ("brand", "brand_dark", "brand_deep")  # white text on them, and them on white
ON_SOFT = ("brand", "brand_deep")                  # links and headings on the soft tint
AA = 4.5
COLOURS_CSS = "assets/css/colours.css"
_ROOT_PROPERTY = re.compile(r"(--[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\b")


def use_messages(paths: Paths, errors: ErrorCollector) -> None:
    """Put the site's own interface wording (`messages/<lang>.yaml`) in force: each key it
    names replaces the package's; a key the package does not have is a mistake."""
    overrides: dict[str, dict[str, str]] = {}
    for folder in paths.message_folders:
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            lang = path.name.removesuffix(".yaml")
            if not path.name.endswith(".yaml") or lang not in i18n.languages():
                errors.add(path, 0, "", "not a file of interface wording",
                           "name it after a language: " + ", ".join(
                               f"{lg}.yaml" for lg in i18n.languages()))
                continue
            overrides[lang] = _messages(path, i18n.package_strings(lang), errors)
    i18n.use_messages(overrides)


def _messages(path: Path, package: dict, errors: ErrorCollector) -> dict[str, str]:
    marked, problems = load(path.read_text(encoding="utf-8"))
    for p in problems:
        errors.add(path, p.line, p.field, p.message, p.hint)
    if marked is None or problems:
        return {}
    if not isinstance(marked.data, dict):
        errors.add(path, 1, "", "expected `key: text` lines",
                   "copy the lines to change from the package's messages (docs/adopters.md)")
        return {}
    found: dict[str, str] = {}
    for key, value in marked.data.items():
        line = marked.line((key,))
        if key not in package:
            close = difflib.get_close_matches(str(key), list(package), n=1)
            errors.add(path, line, str(key), "no such message",
                       f"did you mean `{close[0]}`?" if close
                       else "the messages are listed in docs/adopters.md")
        elif not isinstance(package[key], str):
            errors.add(path, line, key, "cannot be changed by a site",
                       "it names columns and tables of the open data, which stay the same "
                       "on every site")
        elif not isinstance(value, str) or not value.strip():
            errors.add(path, line, key, "expected a text", "write the wording in quotes")
        elif _fields(value) != _fields(package[key]):
            wanted = ", ".join(f"{{{f}}}" for f in sorted(_fields(package[key]))) or "none"
            errors.add(path, line, key, "its {placeholders} differ from the message's",
                       f"keep exactly these placeholders: {wanted}")
        else:
            found[key] = value
    return found


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"{"}  # an unmatched brace: never equal to a message's placeholders


def check(site: Site, settings_source: Source, paths: Paths, errors: ErrorCollector) -> None:
    """Every mistake of the site's own templates, logo and colours."""
    _templates(paths, errors)
    s = site.settings
    site_yaml = settings_source.path
    if s.logo and f"assets/{s.logo}" not in site.assets:
        errors.add(site_yaml, settings_source.marked.line(("logo",)), "logo",
                   f"no file `{s.logo}` in the site's assets/ folder",
                   f"put the picture at assets/{s.logo} beside content/, or correct the name")
    if s.colours:
        if COLOURS_CSS in site.assets:
            errors.add(site_yaml, settings_source.marked.line(("colours",)), "colours",
                       f"the site's assets also have {COLOURS_CSS.removeprefix('assets/')}, "
                       "which the build makes from `colours`",
                       "rename that file, or set the colours in one of the two places")
        _contrast(site, settings_source, errors)


def _templates(paths: Paths, errors: ErrorCollector) -> None:
    """Syntax mistakes of the site's own templates, all of them in one run."""
    own = paths.template_folders[:-1]
    if not own:
        return
    env = environment(*paths.template_folders)
    for folder in own:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix not in TEMPLATE_SUFFIXES:
                continue
            name = path.relative_to(folder).as_posix()
            try:
                env.get_template(name)
            except TemplateSyntaxError as exc:
                errors.errors.append(template_error(exc, name, errors.rel))


def theme_colours(site: Site) -> dict[str, str]:
    """The theme's colours (from css/site.css as the site publishes it), by site.yaml name."""
    css = site.assets.get("assets/css/site.css")
    found = dict(_ROOT_PROPERTY.findall(css.read_text(encoding="utf-8"))) if css else {}
    return {name: found[prop].lower() for name, prop in PROPERTIES.items() if prop in found}


def _contrast(site: Site, source: Source, errors: ErrorCollector) -> None:
    colours = {**theme_colours(site), **{k: v.lower() for k, v in site.settings.colours.items()}}
    soft = colours.get("brand_soft", "#ffffff")
    for name in site.settings.colours:
        pairs = [("white", "#ffffff")] if name in ON_WHITE else []
        if name in ON_SOFT:
            pairs.append(("brand_soft", soft))
        if name == "brand_soft":
            pairs = [(other, colours[other]) for other in ON_SOFT if other in colours]
        for other, value in pairs:
            ratio = contrast(colours[name], value)
            if ratio < AA:
                errors.add(source.path, source.marked.line(("colours", name)),
                           f"colours.{name}", f"{colours[name]} and {other} ({value}) are "
                           f"{ratio:.2f}:1, below the 4.5:1 readers need",
                           "choose a darker colour" if name != "brand_soft"
                           else "choose a lighter tint")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two `#rrggbb` colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours_css(colours: dict[str, str]) -> bytes:
    """The stylesheet that gives the theme's custom properties the site's colours."""
    lines = [f"  {PROPERTIES[name]}: {value};" for name, value in sorted(colours.items())]
    return ("/* The site's colours, from content/site.yaml `colours`. */\n:root {\n"
            + "\n".join(lines) + "\n}\n").encode()
