"""The build cache's file: whether a build can use it, and a new one in its place if not.

A cache is disposable. A disk fault, an interrupted copy or a CI cache restored badly can
leave random bytes, a truncated file, a database of another layout, something that is not a
file at all, or a file another process holds locked; none of these may stop a build. They
are told apart by what is cheap to look at (the file's type, its first bytes, SQLite's own
check of the page count against the file's size, the tables, a write lock taken and let go),
not by reading every page: a large site's cache is hundreds of megabytes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

LAYOUT = 4  # PRAGMA user_version of the files this version makes
LOCK_WAIT = 10.0  # seconds another process may hold the cache locked before it is replaced
MAGIC = b"SQLite format 3\0"
TABLES = {
    "kv": "CREATE TABLE kv (space TEXT, key TEXT, value BLOB, PRIMARY KEY (space, key))",
    "files": "CREATE TABLE files (output TEXT, path TEXT, digest TEXT, size INTEGER, "
             "stamp TEXT, tag TEXT, anchors TEXT, PRIMARY KEY (output, path))",
    "reads": "CREATE TABLE reads (output TEXT, path TEXT, value BLOB, "
             "PRIMARY KEY (output, path))",
    "records": "CREATE TABLE records (output TEXT, key TEXT, value BLOB, "
               "PRIMARY KEY (output, key))",
    "pending": "CREATE TABLE pending (output TEXT, kind TEXT, key TEXT, value BLOB, "
               "PRIMARY KEY (output, kind, key))",
}
COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside the database


def problem(path: Path, wait: float = LOCK_WAIT) -> str | None:
    """Why the cache file at `path` cannot be used, in a few words; None when it can be,
    or is missing (a first build)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a plain file"
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC))
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if head != MAGIC:
        return "is empty" if not head else "is not a database"
    try:
        return _database_problem(path, wait)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return f"is held locked by another process for more than {wait:.0f} s"
        return f"cannot be used ({exc})"
    except sqlite3.Error as exc:
        return f"is damaged ({exc})"


def _database_problem(path: Path, wait: float) -> str | None:
    db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=wait,
                         isolation_level=None)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != LAYOUT:
            return f"was made by another version (layout {version}, this one uses {LAYOUT})"
        found = {name: sql for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
        if found != TABLES:
            return "holds other tables than this version uses"
        db.execute("BEGIN IMMEDIATE")  # the lock a build's writes need
        db.execute("ROLLBACK")
        return None
    finally:
        db.close()


def renew(path: Path) -> None:
    """Put an empty cache file at `path`, in one rename: whatever was there goes, and a
    process that still has the old file open goes on with it, unharmed."""
    folder = path.parent
    fresh = folder / f".{path.name}.new-{os.getpid()}"
    _remove(fresh)
    db = sqlite3.connect(fresh, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN")
        for sql in TABLES.values():
            db.execute(sql)
        db.execute(f"PRAGMA user_version = {LAYOUT}")
        db.execute("COMMIT")
    finally:
        db.close()
    with open(fresh, "rb") as f:
        os.fsync(f.fileno())
    aside = None
    if path.is_dir() and not path.is_symlink():  # a file cannot replace a folder in one step
        aside = folder / f".{path.name}.old-{os.getpid()}"
        _remove(aside)
        os.rename(path, aside)
    for suffix in COMPANIONS:  # they belong to the old file: SQLite would apply them to this
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
    os.replace(fresh, path)
    if aside is not None:
        _remove(aside)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
