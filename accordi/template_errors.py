"""A template's mistake told as a content mistake is: its file and line, what is wrong, and
what would fix it, never a traceback.

A site may replace any template of the theme (see `accordi.config.Paths`), so a template
is an editor's file too. Jinja rewrites the traceback of an error raised while rendering so
that its frames name the template files and their lines: the last such frame is where the
mistake is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

from .errors import ContentError, ContentFailure, ErrorCollector

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".j2")
HINT_NAMES = "the names templates can use are listed in docs/adopters.md (Templates)"
HINT_SYNTAX = ("fix the tag on this line: every {% block %}, {% if %} and {% for %} is "
               "closed by its {% end... %}")
HINT_MISSING = ("templates are looked up in the site's templates/ folder, then in the "
                "theme's; `theme/<name>` is always the theme's own")


def shown(path: str, folders: tuple[Path, ...] = ()) -> str:
    """A template's path as an editor finds it: a site's own from its site folder
    (`templates/home.html`), else inside the current folder relative, else in full."""
    p = Path(os.path.abspath(path))
    for folder in folders[:-1]:  # the last is the theme's
        top = Path(os.path.abspath(folder)).parent
        if p.is_relative_to(top):
            return p.relative_to(top).as_posix()
    here = Path.cwd()
    return p.relative_to(here).as_posix() if p.is_relative_to(here) else p.as_posix()


def located(exc: BaseException) -> tuple[str, int]:
    """The template file and line an exception was raised at ("", 0 when none is)."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    found = ("", 0)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(TEMPLATE_SUFFIXES) and os.path.isfile(name):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_error(exc: BaseException, name: str, rel: Callable[[str], str] | None = None
                   ) -> ContentError:
    """One diagnostic for `exc`, raised by (or while rendering) template `name`; `rel` shows
    the file's path (by default, relative to the current folder)."""
    path, line = located(exc)
    if isinstance(exc, TemplateSyntaxError):
        message, hint = exc.message or str(exc), HINT_SYNTAX
    elif isinstance(exc, TemplateNotFound):
        message, hint = f"no template named `{exc.name}`", HINT_MISSING
    elif isinstance(exc, UndefinedError):
        message, hint = exc.message or str(exc), HINT_NAMES
    else:
        message, hint = f"{type(exc).__name__}: {exc}", HINT_NAMES
    where = (rel or shown)(path) if path else f"template {name}"
    if path and Path(path).name != name:
        message += f" (while making a page with {name})"
    return ContentError(where, line, "", message, hint)


def template_failure(exc: BaseException, name: str, folders: tuple[Path, ...]
                     ) -> ContentFailure:
    """The failure that stops a build at a template's mistake, leaving the output as it
    was; `folders` are the templates' (see `accordi.config.Paths.template_folders`)."""
    collector = ErrorCollector(Path.cwd() / "content")
    collector.errors.append(template_error(exc, name, lambda p: shown(p, folders)))
    return ContentFailure(collector)
