"""Read content/: walk the tree, parse each file (see `sources`), and gather the records'
files by kind, not yet cross-checked.

It never raises for an editor's mistake: each problem is added to the collector and the
broken file is left out, so that the rest of the tree is still checked in the same run. How
files are listed and parsed is a `Reader`'s job: the plain one reads everything each time,
the incremental layer's keeps what it parsed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from . import schema
from .anchors import Ledger, ledger_path
from .anchors import read as read_ledger
from .errors import ErrorCollector
from .published import Entry as Published
from .published import manifest_path, read_entries
from .sources import Source, Todo, load_markdown, load_yaml, source
from .yamlmarks import Marked

LANG_FILE = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[a-z]{2})\.md$")

T = TypeVar("T")


class Entry(NamedTuple):
    """One entry of a folder."""

    path: Path
    is_link: bool
    is_dir: bool


class Reader(Protocol):
    """How the walk lists folders and parses files."""

    def listing(self, folder: Path) -> list[Entry]:
        """The entries of `folder` whose names do not start with a dot, by name."""
        ...

    def load(self, path: Path, errors: ErrorCollector,
             parse: Callable[[Path, ErrorCollector], T], tag: str) -> T:
        """`parse(path, errors)`: the file parsed as `tag` (a kind of file)."""
        ...


def list_folder(folder: Path) -> list[Entry]:
    """The entries of `folder` whose names do not start with a dot, by name."""
    try:
        with os.scandir(folder) as found:
            entries = sorted((e for e in found if not e.name.startswith(".")),
                             key=lambda e: e.name)
            return [Entry(Path(e.path), e.is_symlink(), e.is_dir(follow_symlinks=False))
                    for e in entries]
    except OSError:
        return []


class PlainReader:
    """Lists and parses every file, every time."""

    def listing(self, folder: Path) -> list[Entry]:
        return list_folder(folder)

    def load(self, path: Path, errors: ErrorCollector,
             parse: Callable[[Path, ErrorCollector], T], tag: str) -> T:
        return parse(path, errors)


@dataclass
class RawContent:
    """Everything read from content/, valid against the schema, not yet cross-checked."""

    root: Path
    site: Source | None = None
    themes: list[Source] = field(default_factory=list)
    partners: list[Source] = field(default_factory=list)
    agreements: list[Source] = field(default_factory=list)
    translations: dict[str, list[Source]] = field(default_factory=dict)  # lang -> twins
    pages: dict[str, dict[str, Source]] = field(default_factory=dict)  # name -> lang -> page
    documents: dict[str, Path] = field(default_factory=dict)  # `documents/x.pdf` -> file
    published: list[Published] | None = None  # the recorded addresses; None before the first
    published_errors: list = field(default_factory=list)  # its mistakes, reported with the
    # site's addresses (they are checked once the records are sound)
    anchors: Ledger = field(default_factory=Ledger)  # the anchors recorded (see `anchors`)
    anchors_errors: list = field(default_factory=list)  # its mistakes, reported likewise
    todos: list[tuple[Path, Todo]] = field(default_factory=list)  # lines marked TODO
    failed: set[Path] = field(default_factory=set)  # files already reported as broken
    seen: set[Path] = field(default_factory=set)  # every file read

    def exists_broken(self, path: Path) -> bool:
        """True when `path` exists but was left out because of its own errors."""
        return path in self.failed


def _leaves(path: Path, folder: Path, errors: ErrorCollector) -> bool:
    """True (and reported) when `path` is a link to something outside `folder`."""
    try:
        if path.resolve().is_relative_to(folder.resolve()):
            return False
    except (OSError, RuntimeError):  # a loop of links
        errors.add(path, 0, "", "is a link that leads back to itself",
                   "replace the link with the file it should be")
        return True
    errors.add(path, 0, "", f"is a link to {'a folder' if path.is_dir() else 'a file'} outside "
               f"{errors.rel(folder)}/", "copy the file into the content folder instead of "
               "linking to it: the build reads and publishes only what is inside")
    return True


def _entries(folder: Path, root: Path, errors: ErrorCollector, failed: set[Path],
             reader: Reader, recursive: bool = False) -> list[tuple[Path, bool]]:
    """(path, is a folder) under `folder` in order, without hidden names and links leading
    out of `root` (those are reported and added to `failed`).

    Only a link can lead out: the walk does not enter linked folders, so just the links
    (and the folder itself) are resolved, not every file of a large tree.
    """
    if folder.is_symlink() and _leaves(folder, root, errors):
        failed.add(folder)
        return []
    out: list[tuple[Path, bool]] = []

    def walk(here: Path) -> None:
        for path, is_link, is_dir in reader.listing(here):
            if is_link:
                if _leaves(path, root, errors):
                    failed.add(path)
                else:
                    out.append((path, path.is_dir()))
                continue
            out.append((path, is_dir))
            if is_dir and recursive:
                walk(path)

    walk(folder)
    return out


def read_documents(root: Path, errors: ErrorCollector) -> dict[str, Path]:
    """Files under content/documents/ to publish, by their path in the site (`documents/x`).

    A link that leads out of the folder is refused: it would publish whatever it points to.
    """
    folder = root / "documents"
    found: dict[str, Path] = {}
    if not folder.is_dir() or _leaves(folder, root, errors):
        return found
    for path in sorted(folder.rglob("*")):
        inner = path.relative_to(folder)
        if any(part.startswith(".") for part in inner.parts) or _leaves(path, folder, errors):
            continue
        if path.is_file():
            found[f"documents/{inner.as_posix()}"] = path
    return found


def read_content(root: Path, errors: ErrorCollector, source_lang: str = "it",
                 reader: Reader | None = None) -> RawContent:
    """Read and validate every file under `root`, through `reader` (plain by default)."""
    walk = _Walk(root, errors, reader or PlainReader(), source_lang)
    walk.site()
    walk.themes()
    walk.partners()
    walk.agreements()
    walk.pages()
    walk.published()
    walk.anchors()
    walk.raw.documents = read_documents(root, errors)
    return walk.raw


class _Walk:
    """One read of the tree: each kind of file where it belongs."""

    def __init__(self, root: Path, errors: ErrorCollector, reader: Reader, source_lang: str):
        self.root, self.errors, self.reader, self.source_lang = root, errors, reader, source_lang
        self.raw = RawContent(root)

    def load(self, path: Path, kind: str, markdown: bool = False,
             foreign: tuple[frozenset[str], str] | None = None) -> Source | None:
        """The file at `path` parsed as `kind`, or None (reported, and marked as failed).
        `foreign`: the fields that belong in another file, and its name."""
        self.raw.seen.add(path)
        if markdown:
            found = self.reader.load(path, self.errors, lambda p, e: load_markdown(
                p, kind, e, foreign=dict.fromkeys(*foreign) if foreign else None), kind)
        else:
            found = self.reader.load(path, self.errors, lambda p, e: load_yaml(p, kind, e),
                                     kind)
        if found is None:
            self.raw.failed.add(path)
        elif found.todos:
            self.raw.todos += [(path, todo) for todo in found.todos]
        return found

    def entries(self, folder: str, recursive: bool = False) -> list[tuple[Path, bool]]:
        return _entries(self.root / folder, self.root, self.errors, self.raw.failed,
                        self.reader, recursive)

    def site(self) -> None:
        path = self.root / "site.yaml"
        if path.is_symlink() and _leaves(path, self.root, self.errors):
            return
        if not path.is_file():
            self.errors.add(path, 0, "", "the site settings file is missing",
                            "create content/site.yaml (see docs/editors.md)")
            return
        self.raw.site = self.load(path, "site")

    def themes(self) -> None:
        path = self.root / "themes.yaml"
        if path.is_symlink() and _leaves(path, self.root, self.errors):
            self.raw.failed.add(path)
        elif path.is_file():
            themes = self.load(path, "themes")
            if themes:
                self.raw.themes = [source(path, Marked(item, _sub_marks(themes.marked, i)))
                                   for i, item in enumerate(themes.data)]
        else:
            self.errors.add(path, 0, "", "the thematic areas file is missing",
                            "create content/themes.yaml with a list of themes")

    def partners(self) -> None:
        for path, is_dir in self.entries("partners"):
            if is_dir:
                continue
            if path.suffix in (".yaml", ".yml") and path.is_file():
                src = self.load(path, "partner")
                if src:
                    self.raw.partners.append(src)
            elif path.is_file():
                self.errors.add(path, 0, "", "unexpected file among partners",
                                "partners are YAML files named <id>.yaml")

    def agreements(self) -> None:
        facts = frozenset(schema.properties_of("agreement")
                          - schema.properties_of("agreementTranslation"))
        for path, is_dir in self.entries("agreements", recursive=True):
            if is_dir:
                continue
            m = LANG_FILE.fullmatch(path.name)
            if not m:
                self.errors.add(path, 0, "", "the file name does not say its language",
                                "name agreement files <id>.it.md (source) and <id>.en.md "
                                "(translation)")
            elif m["lang"] == self.source_lang:
                src = self.load(path, "agreement", markdown=True)
                if src:
                    self.raw.agreements.append(src)
            else:
                source_name = f"{m['stem']}.{self.source_lang}.md"
                src = self.load(path, "agreementTranslation", markdown=True,
                                foreign=(facts, source_name))
                if src:
                    self.raw.translations.setdefault(m["lang"], []).append(src)

    def published(self) -> None:
        """The list of published addresses, when the site has one (see `accordi.published`)."""
        path = manifest_path(self.root)
        if path.is_file():
            self.raw.seen.add(path)
            apart = ErrorCollector(self.errors.root)
            self.raw.published = self.reader.load(path, apart, read_entries, "published")
            self.raw.published_errors = apart.errors

    def anchors(self) -> None:
        """The list of published anchors, when the site has one (see `accordi.anchors`)."""
        path = ledger_path(self.root)
        if path.is_file():
            self.raw.seen.add(path)
            apart = ErrorCollector(self.errors.root)
            self.raw.anchors = self.reader.load(path, apart, read_ledger, "anchors")
            self.raw.anchors_errors = apart.errors

    def pages(self) -> None:
        for path, is_dir in self.entries("pages"):
            if is_dir:
                continue
            m = LANG_FILE.fullmatch(path.name)
            if not m:
                self.errors.add(path, 0, "", "the file name does not say its language",
                                "name pages <name>.it.md and <name>.en.md")
                continue
            page = self.load(path, "page", markdown=True)
            if page:
                self.raw.pages.setdefault(m["stem"], {})[m["lang"]] = page


def _sub_marks(marked: Marked, index: int) -> dict[tuple, int]:
    """Line marks of one item of a top-level list, re-rooted at the item."""
    return {path[1:]: line for path, line in marked.marks.items()
            if path[:1] == (index,)}
