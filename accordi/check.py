"""Warnings for editors that do not stop a build: what `build.py check` adds to the errors.

Untranslated records, agreements no source dates the signing of, statuses stated as "in
force" whose end date has passed, internal links (`/it/accordi/x/#art-2`) to pages or
anchors that do not exist, and what the open-data catalogue leaves out for want of
site.yaml `catalogue` fields.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag

from .converter import Renderer
from .errors import ErrorCollector
from .outputs import catalog
from .pages.spec import PageKey, output_of, page_keys
from .records import Body, Site
from .routes import Router
from .text import outside_fences

INTERNAL_LINK = re.compile(r"\]\(\s*<?(/[^)\s>]*)")


def warnings(site: Site, errors: ErrorCollector) -> None:
    """Add every warning about `site` to `errors`."""
    _untranslated(site, errors)
    _undated(site, errors)
    _stale_statements(site, errors)
    _internal_links(site, errors)
    _catalogue(site, errors)


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


def _internal_links(site: Site, errors: ErrorCollector) -> None:
    router = Router("/")
    pages: dict[str, PageKey] = {"/" + output_of(site, router, k).removesuffix("index.html"): k
                                 for k in page_keys(site)}
    anchors: dict[str, set[str]] = {}
    renderer = Renderer("/")

    def anchors_of(url: str) -> set[str]:
        if url not in anchors:
            kind, lang, id = pages[url]
            found: set[str] = set()
            if kind == "agreement" and id is not None:
                bodies = site.agreements[id].bodies
                body = bodies.get(lang) or bodies[site.settings.source_lang]
                for part in ("summary", "text"):
                    found |= set(renderer.render(getattr(body, part), 1 if part == "text"
                                                 else 0, None, body.lang).anchors)
            anchors[url] = found
        return anchors[url]

    bodies: list[Body] = [b for a in site.agreements.values() for b in a.bodies.values()]
    bodies += [b for p in site.pages.values() for b in p.bodies.values()]
    for body in bodies:
        first = body.line
        text = body.path.read_text(encoding="utf-8").splitlines()[first - 1:]
        for i, line in outside_fences(text):
            for m in INTERNAL_LINK.finditer(line):
                url, fragment = urldefrag(m.group(1))
                if url not in pages:
                    errors.warn(body.path, first + i, "body", f"the link `{m.group(1)}` "
                                "points to no page of this site",
                                "copy the address of an existing page, e.g. /it/accordi/<id>/")
                elif fragment and fragment not in anchors_of(url):
                    errors.warn(body.path, first + i, "body", f"the link `{m.group(1)}` "
                                f"points to no anchor `#{fragment}` on that page",
                                "anchors are art-N, art-N-P (paragraph) and art-N-P-x (point)")


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
