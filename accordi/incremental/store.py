"""The persistent build cache: what a later build may reuse, in one SQLite file.

It holds parsed content files (by the digest of their bytes), converted Markdown (by the
digest of its text), and for each output folder the ledger of what was published there:
every file's digest, size and stamp, what each output read, and the digests of what it
read. Every key is salted with the code version, so a new generator invalidates what it
could affect. A cache is disposable: one that cannot be read is said so in one line and
replaced by an empty one, and the build is only slower, never different.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import yaml

from .. import cachefile

PACKAGE = Path(__file__).resolve().parent.parent
FILE = "cache-v4.sqlite"
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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Store:
    """Tables in one SQLite file; safe to share between a build's processes."""

    def __init__(self, folder: Path, say: Callable[[str], None] = _say):
        self.folder, self.say = folder, say
        self.path = folder / FILE
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, bytes]] = []
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

    @property
    def db(self) -> sqlite3.Connection | None:
        if self._db is None and not self.broken:
            try:
                self._db = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True,
                                           timeout=cachefile.LOCK_WAIT)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            except (sqlite3.Error, OSError) as exc:
                self._give_up(exc)
        return self._db

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

    def _run(self, work: Callable[[sqlite3.Connection], Any], default: Any = None) -> Any:
        """`work(db)`, or `default` when the cache fails meanwhile (it is then let go)."""
        db = self.db
        if db is None:
            return default
        try:
            return work(db)
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)
            return default
        except (pickle.PickleError, EOFError, AttributeError, ValueError, TypeError,
                IndexError, ImportError):
            return default  # damaged bytes unpickle into any error: as if not there

    # -- values by key ---------------------------------------------------------------------

    def get(self, space: str, key: str) -> Any:
        """The value kept under `key`, or None."""
        def work(db: sqlite3.Connection) -> Any:
            row = db.execute("SELECT value FROM kv WHERE space=? AND key=?",
                             (space, key)).fetchone()
            return pickle.loads(row[0]) if row else None
        return self._run(work)

    def put(self, space: str, key: str, value: Any, flush: bool = False) -> None:
        """Keep a value (written on `flush()`; with `flush`, as soon as many are waiting)."""
        if self.broken:
            return
        self._pending.append((space, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        if flush and len(self._pending) > FLUSH_EVERY:
            self.flush()

    def take_pending(self) -> list[tuple[str, str, bytes]]:
        """Values not yet written, handed over (a worker process gives them to the parent)."""
        rows, self._pending = self._pending, []
        return rows

    def add_pending(self, rows: list[tuple[str, str, bytes]]) -> None:
        self._pending += rows
        if len(self._pending) > FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write waiting values in one transaction."""
        rows, self._pending = self._pending, []
        if rows:
            self._run(lambda db: _many(db, "INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", rows))

    # -- the ledger of an output folder ----------------------------------------------------

    def files(self, output: str) -> dict[str, tuple[str, int, str, str, str | None]]:
        """What was published in `output`: path -> (digest, size, stamp, tag, anchors)."""
        return self._run(lambda db: {row[0]: tuple(row[1:]) for row in db.execute(
            "SELECT path, digest, size, stamp, tag, anchors FROM files WHERE output=?",
            (output,))}, {})

    def rows(self, table: str, output: str) -> dict[str, Any]:
        """The values of `reads` or `records` for `output`, by path or key."""
        return self._run(lambda db: {row[0]: pickle.loads(row[1]) for row in db.execute(
            f"SELECT {'path' if table == 'reads' else 'key'}, value FROM {table} "
            "WHERE output=?", (output,))}, {})

    def save(self, output: str, files: dict[str, tuple | None], reads: dict[str, Any],
             records: dict[str, Any], pending: bool = False) -> None:
        """Record the ledger's changes (None: a file gone). With `pending`, reads and
        records wait in a table of their own for `promote()`: a build keeps them only once
        its output is published."""
        def work(db: sqlite3.Connection) -> None:
            with db:
                _save_files(db, output, files)
                if pending:
                    _many(db, "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
                          [(output, t, k, _dump(v)) for t, values in
                           (("reads", reads), ("records", records)) for k, v in values.items()])
                else:
                    _save_values(db, output, reads, records)
        self._run(work)

    def promote(self, output: str, files: dict[str, tuple | None]) -> None:
        """Keep what `save(pending=True)` put aside, with the published files: moved from
        table to table as it is stored (a large site's reads are hundreds of megabytes once
        unpickled)."""
        def work(db: sqlite3.Connection) -> None:
            with db:
                _save_files(db, output, files)
                for table, column in (("reads", "path"), ("records", "key")):
                    db.execute(f"DELETE FROM {table} WHERE output=? AND {column} IN (SELECT "
                               "key FROM pending WHERE output=? AND kind=? AND value IS NULL)",
                               (output, output, table))
                    db.execute(f"INSERT OR REPLACE INTO {table} SELECT output, key, value "
                               "FROM pending WHERE output=? AND kind=? AND value IS NOT NULL",
                               (output, table))
                db.execute("DELETE FROM pending WHERE output=?", (output,))
        self._run(work)

    def discard_pending(self, output: str) -> None:
        """Forget what a build that did not publish put aside."""
        def work(db: sqlite3.Connection) -> None:
            with db:
                db.execute("DELETE FROM pending WHERE output=?", (output,))
        self._run(work)

    def forget(self, output: str) -> None:
        """Forget everything about `output` (its folder was found changed by someone)."""
        def work(db: sqlite3.Connection) -> None:
            with db:
                for table in ("files", "reads", "records", "pending"):
                    db.execute(f"DELETE FROM {table} WHERE output=?", (output,))
        self._run(work)

    def close(self, flush: bool = True) -> None:
        """Write what waits and close (before forking, and at the end)."""
        if flush:
            self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _dump(value: Any) -> bytes | None:
    return None if value is None else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _many(db: sqlite3.Connection, sql: str, rows: Iterable[tuple]) -> None:
    with db:
        db.executemany(sql, rows)


def _save_files(db: sqlite3.Connection, output: str, files: dict[str, tuple | None]) -> None:
    db.executemany("DELETE FROM files WHERE output=? AND path=?",
                   [(output, p) for p, v in sorted(files.items()) if v is None])
    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(output, p, *v) for p, v in sorted(files.items()) if v is not None])


def _save_values(db: sqlite3.Connection, output: str, reads: dict[str, Any],
                 records: dict[str, Any]) -> None:
    for table, values in (("reads", reads), ("records", records)):
        column = "path" if table == "reads" else "key"
        db.executemany(f"DELETE FROM {table} WHERE output=? AND {column}=?",
                       [(output, k) for k, v in values.items() if v is None])
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)",
                       [(output, k, v if isinstance(v, bytes) else _dump(v))
                        for k, v in values.items() if v is not None])
