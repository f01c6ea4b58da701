"""Reading the content again after an edit: only the files that changed are parsed.

A `FileCache` is a `content.Reader` that keeps every parsed file with the stat it had, and
parses a file again only when its size, time or inode changed (from the store by the
digest of its bytes when another build parsed it). Folder listings are kept while the
folder's own stat is unchanged. A first read of a large tree parses its files in one
process per core.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..content import Entry, RawContent, read_content
from ..errors import ErrorCollector
from .parallel import fork_map
from .store import Store, digest

T = TypeVar("T")
PREFETCH_FROM = 256  # files to parse: below this, starting processes costs more than it saves
RACY = 2  # seconds: the coarsest time stamps of common file systems (FAT's)

Stat = tuple[int, int, int]  # modification time, size, inode


class Parsed(NamedTuple):
    """A file as it was parsed: its stat then, what it gave, the mistakes found in it."""

    stat: Stat
    value: Any
    problems: list


@dataclass
class Wanted:
    """A file a read will parse (see `FileCache.prefetch`)."""

    path: Path
    root: Path
    parse: Callable[[Path, ErrorCollector], Any]
    stat: Stat
    key: str


@dataclass
class FileCache:
    """Parsed files and folder listings, kept between reads of the same tree."""

    store: Store | None = None
    seen: set[Path] = field(default_factory=set)      # the files of the latest read
    reparsed: set[Path] = field(default_factory=set)  # those of them parsed again
    _entries: dict[Path, Parsed] = field(default_factory=dict)
    _paths: dict[str, Path] = field(default_factory=dict)
    _listings: dict[Path, tuple[tuple, list[Entry]]] = field(default_factory=dict)
    _wanted: list[Wanted] | None = None

    def read(self, root: Path, errors: ErrorCollector, workers: int = 1) -> RawContent:
        """The content under `root`, parsing only what changed since the last read."""
        self.reparsed = set()
        if workers > 1 and not self._entries:  # a first read: most files are to be parsed
            self.prefetch(root, workers)
        raw = read_content(root, errors, reader=self)
        for path in set(self._entries) - raw.seen:
            del self._entries[path]
        self.seen = raw.seen
        if len(self._paths) > 2 * len(raw.seen) + 1000:  # many files were removed or renamed
            self._paths.clear()
            self._listings.clear()
        return raw

    def path(self, name: str) -> Path:
        """The Path of a file or folder a walk found, the same object at every read: making
        one parses its string, which for every file of a large tree would cost more than
        finding that nothing changed."""
        found = self._paths.get(name)
        if found is None:
            found = self._paths[name] = Path(name)
        return found

    def listing(self, folder: Path) -> list[Entry]:
        """The entries of `folder`, by name: the last read's when the folder's stat says
        that no entry came, went or was renamed since. A listing made within RACY seconds
        of the folder's last change is not kept: file system clocks are coarse, and another
        change in the same tick would not show."""
        try:
            st = os.stat(folder)
            signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            kept = self._listings.get(folder)
            if kept is not None and kept[0] == signature:
                return kept[1]
            with os.scandir(folder) as found:
                entries = sorted((e for e in found if not e.name.startswith(".")),
                                 key=lambda e: e.name)
                listing = [Entry(self.path(e.path), e.is_symlink(), e.is_dir(follow_symlinks=False))
                           for e in entries]
        except OSError:
            return []
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY * 1e9:
            self._listings[folder] = (signature, listing)
        return listing

    def load(self, path: Path, errors: ErrorCollector,
             parse: Callable[[Path, ErrorCollector], T], tag: str) -> T:
        """`parse(path, errors)` through the cache, replaying its diagnostics."""
        if self._wanted is not None:  # planning a prefetch: only note what is asked for
            self._wanted.append(Wanted(path, errors.root, parse, (0, 0, 0), tag))
            return None  # type: ignore[return-value]
        stat, entry, key = self._lookup(path, errors.root, tag)
        if entry is None:
            local = ErrorCollector(errors.root)
            entry = self._keep(path, Parsed(stat, parse(path, local), local.errors), key)
        errors.errors.extend(entry.problems)
        return entry.value

    def _lookup(self, path: Path, root: Path, tag: str) -> tuple[Stat, Parsed | None, str]:
        """(the file's stat, its entry if still valid or in the store, its store key)."""
        try:
            st = os.stat(path)
            stat = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stat = (0, 0, 0)
        entry = self._entries.get(path)
        if entry is not None and entry.stat == stat:
            return stat, entry, ""
        key = ""
        if self.store is not None:
            try:
                key = digest("parsed", tag, str(path), str(root), path.read_bytes())
            except OSError:
                key = ""
            stored = self.store.get("parsed", key) if key else None
            if stored is not None:
                value, problems = stored
                self._entries[path] = found = Parsed(stat, value, problems)
                self.reparsed.add(path)
                return stat, found, ""
        return stat, None, key

    def _keep(self, path: Path, entry: Parsed, key: str) -> Parsed:
        self._entries[path] = entry
        self.reparsed.add(path)
        if key and self.store is not None:
            self.store.put("parsed", key, (entry.value, entry.problems), flush=True)
        return entry

    def prefetch(self, root: Path, workers: int) -> int:
        """Parse in `workers` processes the files a read of `root` will ask for that no
        cache holds: a read is rehearsed first, loading nothing, to learn which. Returns
        how many were parsed (none below PREFETCH_FROM, where starting processes costs more
        than it saves)."""
        wanted: list[Wanted] = []
        self._wanted = wanted
        try:
            read_content(root, ErrorCollector(root), reader=self)
        finally:
            self._wanted = None
        todo = []
        for w in wanted:
            w.stat, entry, w.key = self._lookup(w.path, w.root, w.key)
            if entry is None:
                todo.append(w)
        if len(todo) < PREFETCH_FROM or workers <= 1 or os.name != "posix":
            return 0
        size = max(16, len(todo) // (workers * 8))
        chunks = [range(i, min(i + size, len(todo))) for i in range(0, len(todo), size)]

        def parse(indices: range) -> list[tuple[int, Any, list]]:
            out = []
            for i in indices:
                local = ErrorCollector(todo[i].root)
                out.append((i, todo[i].parse(todo[i].path, local), local.errors))
            return out

        for done in fork_map(parse, chunks, workers):
            for i, value, problems in done:
                self._keep(todo[i].path, Parsed(todo[i].stat, value, problems), todo[i].key)
        return len(todo)
