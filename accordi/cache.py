"""The persistent build cache: what a warm build can reuse from the previous one.

One SQLite file under .cache/build/ holds parsed content files (by content hash), converted
Markdown (by source hash) and the manifest of the last published output (path -> page
fingerprint, digest, size). Every key is salted with the code version, so a change
to the generator invalidates everything it could affect. A missing or unreadable cache only
makes a build slower, never different: one that cannot be used is said so in one line and
replaced by an empty one (see `accordi.cachefile`), and a fault met later (a lock held too
long, a full disk, a page found damaged) leaves the rest of the build without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import markdown
import yaml

from . import cachefile

PACKAGE = Path(__file__).resolve().parent
FLUSH_EVERY = 1000  # values


@cache
def code_version() -> str:
    """A digest of the generator's code, locales and schema, and of the libraries it uses."""
    h = hashlib.sha1(usedforsecurity=False)
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml", ".json", ".md") and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    h.update(f"{markdown.__version__} {yaml.__version__}".encode())
    return h.hexdigest()


def digest(*parts: bytes | str) -> str:
    """SHA-1 of the parts, salted with the code version."""
    h = hashlib.sha1(code_version().encode(), usedforsecurity=False)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class BuildCache:
    """Key-value tables in one SQLite file; safe to share between a build's processes."""

    def __init__(self, folder: Path, say: Callable[[str], None] = _say):
        self.folder = folder
        self.path = folder / "cache-v2.sqlite"
        self._db: sqlite3.Connection | None = None
        self._pending: dict[str, list[tuple[str, bytes]]] = {}
        self.say = say
        self.broken = False  # no longer used by this process (see `_give_up`)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            why = cachefile.problem(self.path)
            if why is not None or not self.path.exists():
                cachefile.renew(self.path)
        except (OSError, sqlite3.Error) as exc:
            self.broken = True
            say(f"build cache {self.path}: cannot be used or replaced "
                f"({getattr(exc, 'strerror', None) or exc}): building without a cache")
            return
        if why is not None:
            say(f"build cache {self.path} {why}: replaced by an empty one, so this build "
                "starts from scratch")

    def _give_up(self, exc: Exception) -> None:
        """A fault met while the cache is in use: said once, then this process goes on
        without the cache (what it did not write is made again next time). A damaged file
        is replaced by an empty one for the next build."""
        damaged = isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.OperationalError)
        if not self.broken:
            self.say(f"build cache {self.path}: {getattr(exc, 'strerror', None) or exc}: "
                     f"going on without it{' (replaced by an empty one)' if damaged else ''}")
        self.broken = True
        if damaged:
            with contextlib.suppress(OSError, sqlite3.Error):
                cachefile.renew(self.path)
        self._pending.clear()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        return self._db

    def get(self, table: str, key: str):
        """The cached value, or None."""
        if self.broken:
            return None
        try:
            row = self.db.execute(f"SELECT value FROM {table} WHERE key=?", (key,)).fetchone()
        except (sqlite3.Error, OSError):
            return None
        try:
            return pickle.loads(row[0]) if row else None
        except Exception:  # noqa: BLE001 - damaged bytes unpickle into any error
            return None

    def put(self, table: str, key: str, value, flush: bool = False) -> None:
        """Remember a value (written on `flush`; with `flush`, as soon as many are waiting,
        which a process that hands its values to another must not ask for)."""
        if self.broken:
            return
        self._pending.setdefault(table, []).append(
            (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        if flush:
            self._flush_when_full()

    def _flush_when_full(self) -> None:
        if sum(map(len, self._pending.values())) > FLUSH_EVERY:
            self.flush()  # a large build would otherwise hold every value until the end

    def flush(self) -> None:
        """Write pending values in one transaction."""
        if not self._pending or self.broken:
            return
        try:
            with self.db:
                for table, rows in self._pending.items():
                    self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)
        self._pending.clear()

    def take_pending(self) -> list[tuple[str, str, bytes]]:
        """Values not yet written, handed over (a worker process gives them to the parent)."""
        rows = [(table, key, value) for table, items in self._pending.items()
                for key, value in items]
        self._pending.clear()
        return rows

    def add_pending(self, rows: list[tuple[str, str, bytes]]) -> None:
        """Values another process computed, to write on `flush`."""
        if self.broken:
            return
        for table, key, value in rows:
            self._pending.setdefault(table, []).append((key, value))
        self._flush_when_full()

    def manifest(self, output: str) -> dict[str, tuple[str, str, int, str]]:
        """What the last build published in `output`: path -> (fingerprint, digest, size,
        stamp), the stamp being the file's inode and modification time once published."""
        if self.broken:
            return {}
        try:
            return {row[0]: tuple(row[1:]) for row in self.db.execute(
                "SELECT path, fingerprint, digest, size, stamp FROM manifest WHERE output=?",
                (output,))}
        except (sqlite3.Error, OSError):
            return {}

    def update_manifest(self, output: str, rows: dict[str, tuple[str, str, int, str]],
                        gone: set[str]) -> None:
        """Record the files of `output` that are new or changed, and forget those `gone`."""
        if self.broken:
            return
        try:
            with self.db:
                self.db.executemany("DELETE FROM manifest WHERE output=? AND path=?",
                                    [(output, p) for p in sorted(gone)])
                self.db.executemany("INSERT OR REPLACE INTO manifest VALUES "
                                    "(?, ?, ?, ?, ?, ?)",
                                    [(output, p, *v) for p, v in sorted(rows.items())])
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)

    def close(self) -> None:
        """Flush and close (before forking, and at the end)."""
        self.flush()
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error as exc:
                self._give_up(exc)
            self._db = None
