"""The site after an edit that changes records on their own, without loading it again.

Loading 10,000 agreements (checking each against the others, linking, ordering) takes
longer than the whole edit may (docs/performance.md); an editor's edit usually changes one
record's own fields: a text, a title, a note.
When every edited file is a record's and none of what other records follow from it
changed (`model.links`: ids, relations, dates, former ids), the last site with those
records made again from their files is the site a full load would give. Otherwise, or when
an edited file has a mistake, the site is loaded in full (and the mistake reported there).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..content import LANG_FILE, RawContent
from ..errors import ErrorCollector
from ..model import Builder, links, theme
from ..records import Agreement, Site
from ..routes import reserved_segments
from ..sources import Source
from .tracking import Key


def patch(last: Site, raw: RawContent, edited: set[Path]) -> tuple[Site, set[Key]] | None:
    """`last` with the records of the `edited` files made again, and their keys; None when
    the edit reaches beyond those records."""
    if not edited or raw.failed or raw.documents.keys() != last.documents.keys():
        return None
    site = dataclasses.replace(last, agreements=dict(last.agreements),
                               partners=dict(last.partners), themes=dict(last.themes),
                               pages=dict(last.pages), published=raw.published,
                               anchors=raw.anchors, todos=raw.todos)
    builder = Builder(raw, last.settings, ErrorCollector(raw.root), reserved_segments())
    keys: set[Key] = set()
    for path in sorted(edited):
        found = _patch_file(site, raw, builder, path)
        if found is None or builder.errors.errors:
            return None
        keys |= found
    return site, keys


def _patch_file(site: Site, raw: RawContent, b: Builder, path: Path) -> set[Key] | None:
    root = raw.root
    if path.parent == root / "partners":
        return _partner(site, raw, b, path)
    if path == root / "themes.yaml":
        return _themes(site, raw)
    if path.parent == root / "pages":
        return _page(site, raw, b, path)
    if path.is_relative_to(root / "agreements"):
        return _agreement(site, raw, b, path)
    return None  # site.yaml, the list of addresses: everything follows from them


def _agreement(site: Site, raw: RawContent, b: Builder, path: Path) -> set[Key] | None:
    m = LANG_FILE.fullmatch(path.name)
    if m is None or m["stem"] not in site.agreements:
        return None
    old = site.agreements[m["stem"]]
    settings = site.settings
    if m["lang"] == settings.source_lang:
        src = _find(raw.agreements, path)
        new = b.agreement(src, site.partners, site.themes) if src else None
        if new is None or links(new) != links(old) or old.source.path != path:
            return None
        for lang, twin in old.translations.items():
            new.reword(lang, twin, settings.source_lang)
    else:
        src = _find(raw.translations.get(m["lang"], []), path)
        if src is None or m["lang"] not in old.translations:
            return None  # a translation came or went: the languages of lists change
        new = _copy(old)
        new.object.pop(m["lang"], None)  # a translation may have left them out
        new.translator_note.pop(m["lang"], None)
        new.reword(m["lang"], src, settings.source_lang)
    new.extended_by, new.superseded_by = list(old.extended_by), list(old.superseded_by)
    new.status = old.status
    site.agreements[new.id] = new
    return {("agreement", new.id)}


def _copy(a: Agreement) -> Agreement:
    """`a` with its own dicts of wordings, so that rewording it leaves `a` as it was."""
    return dataclasses.replace(a, title=dict(a.title), object=dict(a.object),
                               translator_note=dict(a.translator_note), bodies=dict(a.bodies),
                               translations=dict(a.translations))


def _partner(site: Site, raw: RawContent, b: Builder, path: Path) -> set[Key] | None:
    src = _find(raw.partners, path)
    if src is None or src.data["id"] != path.stem or path.stem not in site.partners:
        return None
    new = b.partner(src)
    new.agreements = list(site.partners[new.id].agreements)
    site.partners[new.id] = new
    return {("partner", new.id)}


def _themes(site: Site, raw: RawContent) -> set[Key] | None:
    """themes.yaml is one file: each theme is made again, in the same order, or the site
    is loaded in full."""
    if [src.data["id"] for src in raw.themes] != list(site.themes):
        return None
    for src in raw.themes:
        new = theme(src)
        new.agreements = list(site.themes[new.id].agreements)
        site.themes[new.id] = new
    return {("theme", id) for id in site.themes}


def _page(site: Site, raw: RawContent, b: Builder, path: Path) -> set[Key] | None:
    m = LANG_FILE.fullmatch(path.name)
    if m is None or m["stem"] not in site.pages:
        return None
    name, old = m["stem"], site.pages[m["stem"]]
    by_lang = raw.pages.get(name, {})
    if set(by_lang) != set(old.bodies):
        return None
    used = {(lang, slug): pg.bodies[lang].source for other, pg in site.pages.items()
            if other != name for lang, slug in pg.slug.items()}
    new = b.page(name, by_lang, used)
    if new is None or new.slug != old.slug:
        return None
    site.pages[name] = new
    return {("page", name)}


def _find(sources: list[Source], path: Path) -> Source | None:
    return next((s for s in sources if s.path == path), None)
