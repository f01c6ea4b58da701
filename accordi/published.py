"""The list of addresses the site has published: `content/published-urls.txt`.

Committed with the content, it lists one address a line, below the base URL
(`/it/accordi/milano-riga-2018/`); a removed record's lines are marked `removed YYYY-MM-DD`.
The build adds each new address it publishes (see `accordi.manifest` for what the site must
do about each one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import ErrorCollector

MANIFEST = "published-urls.txt"
TEMPORARY = f".{MANIFEST}.tmp"  # the next list, written beside it, then renamed over it
HEADER = """\
# Every page address this site has published, below its base URL, one a line.
# `make build` adds new ones: commit this file with your change. Never delete a line.
# Renamed an agreement? Put its old id in `aliases`. Removed a record? Mark each of its
# lines `removed YYYY-MM-DD`: the address then shows a notice instead of vanishing.
"""
LINE = re.compile(r"^(?P<path>/\S*)(?:\s+removed\s+(?P<date>\S+))?$")


@dataclass(frozen=True)
class Entry:
    """One published address, and the day it was removed, if it was."""

    path: str
    line: int
    removed: dt.date | None = None


def manifest_path(content: Path) -> Path:
    return content / MANIFEST


def read_entries(file: Path, errors: ErrorCollector) -> list[Entry]:
    """The manifest's entries (its mistakes, with their lines, go to `errors`)."""
    entries: list[Entry] = []
    first: dict[str, int] = {}
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        m = LINE.match(text)
        if not m:
            errors.add(file, number, "", f"`{text}` is not an address line",
                       "write one address a line, starting with `/`, optionally followed "
                       "by `removed YYYY-MM-DD`")
            continue
        removed = removal_day(m["date"], file, number, errors)
        if not removed.ok:
            continue
        if m["path"] in first:
            errors.add(file, number, "", f"`{m['path']}` is listed twice (first on line "
                       f"{first[m['path']]})", "keep one line for each address")
            continue
        first[m["path"]] = number
        entries.append(Entry(m["path"], number, removed.day))
    return entries


class Day(NamedTuple):
    """The day of a `removed YYYY-MM-DD` line: None when the line gives none; not `ok` when
    what it gives is not a date (reported)."""

    ok: bool
    day: dt.date | None


def removal_day(written: str | None, file: Path, number: int, errors: ErrorCollector
                ) -> Day:
    """The day a line of a list of published addresses or anchors says one was removed."""
    if not written:
        return Day(True, None)
    try:
        return Day(True, dt.date.fromisoformat(written))
    except ValueError:
        errors.add(file, number, "", f"`{written}` is not a date",
                   "write the day of removal as YYYY-MM-DD")
        return Day(False, None)


def record(content: Path, addresses: set[str]) -> int:
    """Add the addresses not yet in the manifest (creating it); returns how many."""

    def add(lines: list[str]) -> tuple[list[str], int]:
        known = {m["path"] for m in map(LINE.match, (raw.strip() for raw in lines)) if m}
        new = sorted(addresses - known)
        return lines + new, len(new)

    return rewrite(manifest_path(content), HEADER, add)


Change = Callable[[list[str]], tuple[list[str], int]]  # lines -> new lines, how many added


def rewrite(file: Path, header: str, change: Change) -> int:
    """Apply `change` to the lines of a list the editors commit (`header` for a new one);
    returns how many lines it added (0: the file is not touched).

    Such a list is all that keeps removed records' notices and old anchors alive, so it is
    never written in place: the new list goes to a temporary file beside it, is flushed to
    the disk and renamed over the old one. Killed at any moment, the build leaves the old
    list or the new one, whole; a failure to write raises (OSError) with the old list
    untouched. Builds recording at the same time take turns.
    """
    temporary = file.with_name(f".{file.name}.tmp")
    if not change(_lines(file, header))[1] and not temporary.exists():
        return 0  # nothing to add: the folder is not touched
    with _exclusive(temporary) as fd:
        lines, added = change(_lines(file, header))  # again: another build may have
        try:                                          # added some meanwhile
            if not added:
                os.unlink(temporary)
                return 0
            with contextlib.suppress(OSError):
                os.fchmod(fd, stat.S_IMODE(file.stat().st_mode))
            os.ftruncate(fd, 0)
            data = memoryview(("\n".join(lines) + "\n").encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
            os.replace(temporary, file)
        except BaseException:
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_ino == os.stat(temporary).st_ino:
                    os.unlink(temporary)
            raise
    _sync_folder(file.parent)
    return added


def _lines(file: Path, header: str) -> list[str]:
    return file.read_text(encoding="utf-8").splitlines() if file.is_file() else \
        header.splitlines()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[int]:
    """`path` opened (created if missing) and locked for this process alone.

    A file left by a killed build is taken over: its lock died with it. A process that
    waited for the lock while the holder renamed or removed the file opens it again.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                ours = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                ours = False
        except BaseException:
            os.close(fd)
            raise
        if ours:
            break
        os.close(fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries, so that the rename itself survives a power cut."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
