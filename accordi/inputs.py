"""One digest of everything a build reads, taken before it reads anything.

When it equals the digest of the last good build into the same folder, and that folder still
holds exactly what was published, the build has nothing to do: the way `make` trusts file
times, but stricter (size, modification and change times and inode of every file, followed
through symbolic links, plus the code, the templates, the reference day, the public URL and
the git history). It is taken first, so an edit made while a build runs is seen next time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from .history import History


def tree(root: Path) -> list[tuple[str, int, int, int, int]]:
    """Every file under `root` as the system describes it: (path, size, mtime, ctime, inode).

    Hidden names are left out, as the build leaves them; linked folders are not entered
    (the build does not enter them either), so a link loop cannot trap the walk.
    """
    found: list[tuple[str, int, int, int, int]] = []

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


def digest(roots: list[Path], environment: str, as_of: dt.date, base_url: str | None,
           history: History | None, *salt: str) -> str:
    """The digest of a build's inputs: the trees under `roots` and everything else given."""
    h = hashlib.sha1(usedforsecurity=False)
    h.update(repr((environment, as_of, base_url, salt,
                   sorted(history.changes.items()) if history else None)).encode())
    for root in roots:
        h.update(f"\0{root.absolute()}\0".encode())
        for row in tree(root):
            h.update(repr(row).encode())
    return h.hexdigest()
