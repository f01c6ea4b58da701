"""Read content/: split front matter, parse YAML with lines, validate against the schema,
and check each Markdown body on its own (anchors, nesting, links).

This is the only module that touches content files. It never raises for an editor's mistake:
each problem is added to the collector and the broken file is left out, so that the rest of the
tree is still checked in the same run.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import frontmatter, schema
from .bodymarks import NONE as NO_MARKS
from .bodymarks import BodyMarks, level_problems, marks_of
from .cache import BuildCache, digest
from .errors import ErrorCollector
from .text import body_problems
from .yamlmarks import Marked, load

LANG_FILE = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[a-z]{2})\.md$")
ARTICLED = ("agreement", "agreementTranslation")  # kinds of files whose texts have articles


def pack(text: str) -> bytes:
    """A body as a site holds it: UTF-8, compressed. A large site holds every text (as a
    Python string, one with a dash or quote beyond Latin-1 takes two bytes a character),
    and the agreements' prose packs to about 40% of its UTF-8; unpacking a body as a page
    is made costs some 20 µs, beside milliseconds of Markdown."""
    return zlib.compress(text.encode("utf-8")) if text else b""


def unpack(packed: bytes) -> bytes:
    """The UTF-8 of a packed body."""
    return zlib.decompress(packed) if packed else b""


@dataclass
class Source:
    """One parsed content file: data with line marks, and the Markdown body if any."""

    path: Path
    marked: Marked
    packed: bytes = b""  # the body (see `pack`)
    body_line: int = 1
    marks: BodyMarks = NO_MARKS  # the body's anchors and links into the site

    @property
    def data(self) -> dict[str, Any]:
        """The parsed mapping."""
        return self.marked.data

    @property
    def body(self) -> str:
        """The Markdown body."""
        return unpack(self.packed).decode("utf-8")

    def line(self, *path: Any) -> int:
        """Line of a key path in this file."""
        return self.marked.line(path)

    @cached_property
    def data_digest(self) -> str:
        """Digest of the fields: fingerprints reuse it."""
        return _sha1(repr(self.marked.data))

    @cached_property
    def body_digest(self) -> str:
        """Digest of the Markdown body, as packed: the same text packs to the same bytes."""
        return hashlib.sha1(self.packed, usedforsecurity=False).hexdigest()

    def digested(self) -> Source:
        """Work out both digests now, so that they are kept with the parsed file."""
        _ = self.data_digest, self.body_digest
        return self


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


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
    failed: set[Path] = field(default_factory=set)  # files already reported as broken

    def exists_broken(self, path: Path) -> bool:
        """True when `path` exists but was left out because of its own errors."""
        return path in self.failed


class FileCache:
    """Parsed files kept between builds; a file is parsed again only when its stat changes.

    The live server and incremental builds re-read the tree on every edit: with this cache
    only the edited file costs anything.
    """

    def __init__(self, store: BuildCache | None = None) -> None:
        self._entries: dict[Path, tuple[tuple[int, int, int], Source | None, list]] = {}
        self.store = store  # second level, on disk, by content hash
        self.seen: set[Path] = set()      # the files of the latest read
        self.reparsed: set[Path] = set()  # those of them read again (new or changed)
        self._wanted: list[tuple[Path, Path, Callable, str]] | None = None  # see prefetch
        self._paths: dict[str, Path] = {}  # see path()
        self._listings: dict[Path, tuple[tuple, list[tuple[Path, bool, bool]]]] = {}

    def path(self, name: str) -> Path:
        """The Path of a file or folder a walk found, the same object at every read: making
        one parses its string, which for every file of a large tree would cost more than
        finding that nothing changed."""
        found = self._paths.get(name)
        if found is None:
            found = self._paths[name] = Path(name)
        return found

    def listing(self, folder: Path) -> list[tuple[Path, bool, bool]]:
        """(path, is a link, is a folder) of the entries of `folder` whose names do not
        start with a dot, by name: the last read's when the folder's stat says that no
        entry came, went or was renamed since (a large tree is not listed on every edit).
        A listing made within RACY seconds of the folder's last change is not kept: file
        system clocks are coarse, and another change in the same tick would not show."""
        try:
            st = os.stat(folder)
            signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            kept = self._listings.get(folder)
            if kept is not None and kept[0] == signature:
                return kept[1]
            with os.scandir(folder) as found:
                entries = sorted((e for e in found if not e.name.startswith(".")),
                                 key=lambda e: e.name)
        except OSError:
            return []
        listing = [(self.path(e.path), e.is_symlink(), e.is_dir(follow_symlinks=False))
                   for e in entries]
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY * 1e9:
            self._listings[folder] = (signature, listing)
        return listing

    def _lookup(self, path: Path, root: Path, tag: str) -> tuple[tuple, tuple | None, str]:
        """(the file's stat signature, its entry if still valid or on disk, its disk key)."""
        try:
            st = os.stat(path)
            signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            signature = (0, 0, 0)
        entry = self._entries.get(path)
        if entry is not None and entry[0] == signature:
            return signature, entry, ""
        key = ""
        if self.store is not None:
            try:
                key = digest("parsed", tag, str(path), str(root), path.read_bytes())
            except OSError:
                key = ""
            cached = self.store.get("parsed", key) if key else None
            if cached is not None:
                return signature, self._keep(path, (signature, *cached)), key
        return signature, None, key

    def _keep(self, path: Path, entry: tuple) -> tuple:
        self._entries[path] = entry
        self.reparsed.add(path)
        return entry

    def load(self, path: Path, errors: ErrorCollector, parse, tag: str = "") -> Source | None:
        """`parse(path, collector)` through the cache, replaying its diagnostics."""
        if self._wanted is not None:  # planning a prefetch: only note what is asked for
            self._wanted.append((path, errors.root, parse, tag))
            return None
        signature, entry, key = self._lookup(path, errors.root, tag)
        if entry is None:
            local = ErrorCollector(errors.root)
            entry = self._keep(path, (signature, parse(path, local), local.errors))
            if key:
                self.store.put("parsed", key, entry[1:], flush=True)
        errors.errors.extend(entry[2])
        return entry[1]

    def prefetch(self, walk: Callable[[FileCache], object], workers: int) -> int:
        """Parse in `workers` processes the files `walk` would load that no cache holds.

        `walk(self)` runs once as a rehearsal, loading nothing, to learn which files the
        read will ask for; the read itself then finds them all here. Returns how many
        files were parsed (none below PREFETCH_FROM, where starting processes costs more
        than it saves).
        """
        global _PREFETCH
        self._wanted = wanted = []
        try:
            walk(self)
        finally:
            self._wanted = None
        todo = []
        for path, root, parse, tag in wanted:
            signature, entry, key = self._lookup(path, root, tag)
            if entry is None:
                todo.append((path, root, parse, signature, key))
        if len(todo) < PREFETCH_FROM or workers <= 1 or os.name != "posix":
            return 0
        _PREFETCH = todo
        try:
            context = multiprocessing.get_context("fork")
            size = max(16, len(todo) // (workers * 8))
            chunks = [range(i, min(i + size, len(todo))) for i in range(0, len(todo), size)]
            with context.Pool(workers) as pool:
                for done in pool.imap_unordered(_parse_some, chunks):
                    for i, source, problems in done:
                        path, _, _, signature, key = todo[i]
                        entry = self._keep(path, (signature, source, problems))
                        if key and self.store is not None:
                            self.store.put("parsed", key, entry[1:], flush=True)
        finally:
            _PREFETCH = None
        return len(todo)

    @property
    def empty(self) -> bool:
        """No file was read yet."""
        return not self._entries

    def start(self) -> None:
        """A new read of the tree begins."""
        self.reparsed = set()

    def forget_missing(self, seen: set[Path]) -> None:
        """Drop entries of files that no longer exist."""
        for path in set(self._entries) - seen:
            del self._entries[path]
        self.seen = seen
        if len(self._paths) > 2 * len(seen) + 1000:  # many files were removed or renamed
            self._paths.clear()
            self._listings.clear()


PREFETCH_FROM = 256  # files to parse
RACY = 2  # seconds: the coarsest time stamps of common file systems (FAT's)
# The files a prefetch parses, for the forked processes (inherited, never pickled).
_PREFETCH: list[tuple[Path, Path, Callable, tuple, str]] | None = None


def _parse_some(indices: range) -> list[tuple[int, Source | None, list]]:
    out = []
    for i in indices:
        path, root, parse, _, _ = _PREFETCH[i]
        local = ErrorCollector(root)
        out.append((i, parse(path, local), local.errors))
    return out


def _read(path: Path, errors: ErrorCollector) -> str | None:
    try:  # utf-8-sig: a byte order mark, as some editors write, is not part of the text
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add(path, 1, "", f"the file is not valid UTF-8 (byte {exc.start})",
                   "save the file with UTF-8 encoding")
    except OSError as exc:
        errors.add(path, 0, "", f"cannot read the file: {exc.strerror}", "check its permissions")
    return None


def _report(errors: ErrorCollector, path: Path, problems: list) -> None:
    for p in problems:
        if isinstance(p, tuple):
            errors.add(path, *p)
        else:
            errors.add(path, p.line, p.field, p.message, p.hint)


def load_yaml(path: Path, kind: str, errors: ErrorCollector) -> Source | None:
    """A YAML data file validated as `kind`; None when it cannot be used."""
    text = _read(path, errors)
    if text is None:
        return None
    marked, problems = load(text)
    _report(errors, path, problems)
    if marked is None or problems:
        return None
    invalid = schema.validate(kind, marked)
    _report(errors, path, invalid)
    return None if invalid else Source(path, marked).digested()


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, body's first line) for a file opening with `---`; None otherwise."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return None


def load_markdown(path: Path, kind: str, errors: ErrorCollector,
                  foreign: dict[str, str] | None = None) -> Source | None:
    """A Markdown file whose front matter is validated as `kind`.

    `foreign` maps fields that belong in another file to that file's name, so the error can
    say where the field should go instead of merely calling it unknown.
    """
    text = _read(path, errors)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        errors.add(path, 1, "", *frontmatter.problem(text))
        return None
    front, body, body_line = parts
    marked, problems = load(front, first_line=2)
    _report(errors, path, problems)
    if marked is None or problems:
        return None
    if not isinstance(marked.data, dict):
        errors.add(path, 2, "", "the front matter must be a list of `field: value` lines",
                   "write one `field: value` per line between the `---` lines")
        return None
    misplaced = [k for k in marked.data if k in (foreign or {})]
    if misplaced:
        for key in misplaced:
            errors.add(path, marked.line((key,)), key, f"belongs in {foreign[key]}",
                       "facts are recorded once, in the Italian source; remove the field here")
        for key in misplaced:
            del marked.data[key]
    invalid = schema.validate(kind, marked)
    _report(errors, path, invalid)
    problems = body_problems(body, body_line)
    if kind in ARTICLED:
        problems += level_problems(body, body_line)
    for line, message, hint in problems:
        errors.add(path, line, "body", message, hint)
    if invalid or misplaced:
        return None
    marks = marks_of(body, body_line) if not problems else NO_MARKS
    return Source(path, marked, pack(body), body_line, marks).digested()


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
             cache: FileCache, recursive: bool = False) -> list[tuple[Path, bool]]:
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
        for path, is_link, is_dir in cache.listing(here):
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
                 cache: FileCache | None = None, workers: int = 1) -> RawContent:
    """Read and validate every file under `root` (unchanged files come from `cache`; many
    changed ones are parsed in `workers` processes first)."""
    cache = cache or FileCache()
    cache.start()
    if workers > 1 and cache.empty:  # a first read: most files are to be parsed
        cache.prefetch(lambda c: _read_tree(root, ErrorCollector(root), source_lang, c),
                       workers)
    raw, seen = _read_tree(root, errors, source_lang, cache)
    cache.forget_missing(seen)
    return raw


def _read_tree(root: Path, errors: ErrorCollector, source_lang: str, cache: FileCache
               ) -> tuple[RawContent, set[Path]]:
    """Walk the tree, loading each file through `cache`; (the content, the files read)."""
    seen: set[Path] = set()

    def cached(path: Path, kind: str, markdown: bool = False, foreign=None) -> Source | None:
        seen.add(path)
        if markdown:
            return cache.load(path, errors,
                              lambda p, e: load_markdown(p, kind, e, foreign=foreign), kind)
        return cache.load(path, errors, lambda p, e: load_yaml(p, kind, e), kind)

    raw = RawContent(root)
    site_path = root / "site.yaml"
    if site_path.is_symlink() and _leaves(site_path, root, errors):
        pass
    elif not site_path.is_file():
        errors.add(site_path, 0, "", "the site settings file is missing",
                   "create content/site.yaml (see docs/editors.md)")
    else:
        raw.site = cached(site_path, "site")

    themes_path = root / "themes.yaml"
    if themes_path.is_symlink() and _leaves(themes_path, root, errors):
        raw.failed.add(themes_path)
    elif themes_path.is_file():
        themes = cached(themes_path, "themes")
        if themes:
            raw.themes = [Source(themes_path, Marked(item, _sub_marks(themes.marked, i)))
                          for i, item in enumerate(themes.data)]
        else:
            raw.failed.add(themes_path)
    else:
        errors.add(themes_path, 0, "", "the thematic areas file is missing",
                   "create content/themes.yaml with a list of themes")

    for path, is_dir in _entries(root / "partners", root, errors, raw.failed, cache):
        if is_dir:
            continue
        if path.suffix in (".yaml", ".yml") and path.is_file():
            src = cached(path, "partner")
            if src:
                raw.partners.append(src)
            else:
                raw.failed.add(path)
        elif path.is_file() and not path.name.startswith("."):
            errors.add(path, 0, "", "unexpected file among partners",
                       "partners are YAML files named <id>.yaml")

    agreement_fields = schema.properties_of("agreement") - schema.properties_of(
        "agreementTranslation")
    for path, is_dir in _entries(root / "agreements", root, errors, raw.failed, cache,
                                 recursive=True):
        if is_dir:
            continue
        m = LANG_FILE.fullmatch(path.name)
        if not m:
            errors.add(path, 0, "", "the file name does not say its language",
                       "name agreement files <id>.it.md (source) and <id>.en.md (translation)")
            continue
        src: Source | None
        if m["lang"] == source_lang:
            src = cached(path, "agreement", markdown=True)
            if src:
                raw.agreements.append(src)
        else:
            source_name = f"{m['stem']}.{source_lang}.md"
            src = cached(path, "agreementTranslation", markdown=True,
                         foreign=dict.fromkeys(agreement_fields, source_name))
            if src:
                raw.translations.setdefault(m["lang"], []).append(src)
        if src is None:
            raw.failed.add(path)

    for path, is_dir in _entries(root / "pages", root, errors, raw.failed, cache):
        if is_dir:
            continue
        m = LANG_FILE.fullmatch(path.name)
        if not m:
            errors.add(path, 0, "", "the file name does not say its language",
                       "name pages <name>.it.md and <name>.en.md")
            continue
        page = cached(path, "page", markdown=True)
        if page:
            raw.pages.setdefault(m["stem"], {})[m["lang"]] = page
        else:
            raw.failed.add(path)
    raw.documents = read_documents(root, errors)
    return raw, seen


def _sub_marks(marked: Marked, index: int) -> dict[tuple, int]:
    """Line marks of one item of a top-level list, re-rooted at the item."""
    return {path[1:]: line for path, line in marked.marks.items()
            if path[:1] == (index,)}
