"""Warnings for editors that do not stop a build: what `build.py check` adds to the errors,
and what a build reports (a summary and the first few).

Untranslated records, agreements no source dates the signing of, statuses stated as "in
force" whose end date has passed, what the open-data catalogue leaves out for want of
site.yaml `catalogue` fields, and what is still marked `TODO` (a new site's pages and
examples, see `accordi.starter`; the lines are found when each file is parsed).
(Internal links to pages or anchors that do not exist stop the build: see
`accordi.deeplinks`.)
"""

from __future__ import annotations

from .errors import ErrorCollector
from .outputs import catalog
from .records import Site


def warnings(site: Site, errors: ErrorCollector) -> None:
    """Add every warning about `site` to `errors`."""
    _untranslated(site, errors)
    _undated(site, errors)
    _stale_statements(site, errors)
    _catalogue(site, errors)
    _todos(site, errors)


def _untranslated(site: Site, errors: ErrorCollector) -> None:
    for kind, id, lang in site.untranslated:
        if kind == "agreement":
            path = site.agreements[id].source.path
            name = path.name.replace(f".{site.settings.source_lang}.md", f".{lang}.md")
        else:
            path = site.pages[id].bodies[site.settings.source_lang].path
            name = f"{id}.{lang}.md"
        errors.warn(path, 1, "", f"no {lang} translation: readers see the Italian text",
                    f"add {name} beside this file")


def _undated(site: Site, errors: ErrorCollector) -> None:
    """A missing date of signing is shown as not known; said here, so that an editor who
    finds it in a source adds it (never a guess: `--strict` passes it)."""
    for a in site.agreements.values():
        if a.signed is None:
            errors.warn(a.source.path, a.source.line("id"), "signed",
                        "no date of signing: the site says it is not known",
                        "add `signed:` if a source gives the date (YYYY-MM-DD, YYYY-MM or "
                        "YYYY); never a guessed one", gap=True)


def _stale_statements(site: Site, errors: ErrorCollector) -> None:
    day = site.settings.as_of
    for a in site.agreements.values():
        if a.stated is None or a.stated.value != "active":
            continue
        # The current term ends with the last renewal's, unknown if that one has no end.
        end = a.renewals[-1].end if a.renewals else a.end
        if end is not None and end.latest < day:
            errors.warn(a.source.path, a.source.line("status", "value"), "status.value",
                        f"stated as in force, but its term ended on {end.iso()}",
                        "check whether it was renewed (add a renewal) or update the status")


def _catalogue(site: Site, errors: ErrorCollector) -> None:
    path = errors.root / "site.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    line = next((i for i, text in enumerate(lines, 1) if text.startswith("catalogue:")), 1)
    for m in catalog.missing(site):
        errors.warn(path, line, f"catalogue.{m.field}",
                    f"no `{m.field}`: the open-data catalogue (data/catalog.ttl) lacks {m.lacks}",
                    f"add it under `catalogue:`, for example `{m.example}` "
                    "(see docs/editors.md)")


def _todos(site: Site, errors: ErrorCollector) -> None:
    """Every line of a content file that says `TODO`: what is still to complete."""
    for path, todo in site.todos:
        errors.warn(path, todo.line, "", f"still to complete: {todo.what}",
                    "write what it asks for, then delete the TODO")
