"""Digests of everything a build reads, taken before it reads anything.

When one equals the digest of the last good build into the same folder, and that folder still
holds exactly what was published, the build has nothing to do. The first digest is the way
`make` trusts file times, but stricter: size, modification and change times and inode of
every file, followed through symbolic links. When it differs (a checkout of another branch
and back touches every file), the second one, of the files' bytes, may still be the same.
Both also cover the code, the templates, the reference day, the public URL and the git
history. They are taken first, so an edit made while a build runs is seen next time.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..history import History

Row = tuple[str, int, int, int, int]  # path, size, mtime, ctime, inode


def tree(root: Path) -> list[Row]:
    """Every file under `root` as the system describes it: (path, size, mtime, ctime, inode).

    Hidden names are left out, as the build leaves them; linked folders are not entered
    (the build does not enter them either), so a link loop cannot trap the walk.
    """
    found: list[Row] = []

    def walk(here: str, prefix: str) -> None:
        try:
            entries = list(os.scandir(here))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # never read by the build (the git history is taken apart)
            try:
                st = entry.stat()  # through links: a linked file's edit counts
            except OSError:
                found.append((prefix + entry.name, -1, 0, 0, 0))  # a broken link
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")
            else:
                found.append((prefix + entry.name, st.st_size, st.st_mtime_ns,
                              st.st_ctime_ns, st.st_ino))

    walk(str(root), "")
    return sorted(found)


def _stamp(root: Path, row: Row) -> bytes:
    return repr(row).encode()


def _bytes(root: Path, row: Row) -> bytes:
    try:
        data = (root / row[0]).read_bytes()
    except OSError:
        data = b"\0unreadable"
    return f"{row[0]}\0{len(data)}\0".encode() + data


def _digest(describe: Callable[[Path, Row], bytes], roots: list[Path], environment: str,
            as_of: dt.date, base_url: str | None, history: History | None, *salt: str) -> str:
    h = hashlib.sha1(usedforsecurity=False)
    h.update(repr((environment, as_of, base_url, salt,
                   sorted(history.changes.items()) if history else None)).encode())
    for root in roots:
        h.update(f"\0{root.absolute()}\0".encode())
        for row in tree(root):
            h.update(describe(root, row))
    return h.hexdigest()


def digest(roots: list[Path], environment: str, as_of: dt.date, base_url: str | None,
           history: History | None, *salt: str) -> str:
    """The digest of a build's inputs by what the system says of each file, and of
    everything else given."""
    return _digest(_stamp, roots, environment, as_of, base_url, history, *salt)


def content_digest(roots: list[Path], environment: str, as_of: dt.date,
                   base_url: str | None, history: History | None, *salt: str) -> str:
    """The digest of a build's inputs by the bytes of each file, and of everything else."""
    return _digest(_bytes, roots, environment, as_of, base_url, history, *salt)


@dataclass
class Inputs:
    """The digests of what an update reads, each taken when first asked for."""

    roots: list[Path]
    surroundings: tuple[str, History | None]  # templates and code, git history
    options: tuple[dt.date, str | None]       # reference day, public URL
    salt: tuple[str, ...]                     # versions of the code and of Pagefind

    @functools.cached_property
    def stamps(self) -> str:
        """By what the system says of each file (cheap)."""
        return digest(self.roots, self.surroundings[0], *self.options, self.surroundings[1],
                      *self.salt)

    @functools.cached_property
    def contents(self) -> str:
        """By the bytes of each file (reads them all)."""
        return content_digest(self.roots, self.surroundings[0], *self.options,
                              self.surroundings[1], *self.salt)
