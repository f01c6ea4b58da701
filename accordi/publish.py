"""Write a build into a fresh folder, then swap it into place in one step.

Readers and deploy scripts see either the previous complete site or the new complete site,
never a mix: pages are written beside the output folder and exchanged with it atomically
(renameat2 RENAME_EXCHANGE on Linux; two quick renames elsewhere). A build that fails or is
killed leaves the previous output untouched; its leftovers are removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class PublishError(RuntimeError):
    """The build tried to write something it must not (a bug, not a content mistake)."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


class Staging:
    """A fresh folder that becomes the output folder on `commit()`."""

    def __init__(self, output: Path):
        self.output = output.absolute()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._prefix = f".{self.output.name}.staging-"
        self.remove_leftovers()
        self.dir = Path(tempfile.mkdtemp(prefix=self._prefix, dir=self.output.parent))
        self.written: set[str] = set()

    def remove_leftovers(self) -> None:
        """Delete staging folders of builds that were interrupted."""
        for old in self.output.parent.glob(self._prefix + "*"):
            shutil.rmtree(old, ignore_errors=True)

    def _target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise PublishError(f"refusing to write outside the output folder: {rel!r}")
        if rel in self.written:
            raise PublishError(f"two pages would be written to {rel!r}")
        target = self.dir.joinpath(*pure.parts)
        if not target.resolve().is_relative_to(self.dir.resolve()):
            raise PublishError(f"refusing to write outside the output folder: {rel!r}")
        self.written.add(rel)
        return target

    def write(self, rel: str, data: str | bytes) -> None:
        """Write one file at `rel` (a POSIX path inside the output folder)."""
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def link(self, previous: Path, rel: str) -> None:
        """Reuse an unchanged file of the previous output (a hard link; a copy if impossible)."""
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous, target)
        except OSError:
            shutil.copy2(previous, target)

    def reuse_identical(self, previous: Path, rel: str) -> None:
        """Swap files under `rel` that equal the previous output's for links to those, so
        that files made by an outside tool (the search index) also keep their dates."""
        for path in sorted((self.dir / rel).rglob("*")):
            old = previous / path.relative_to(self.dir)
            if path.is_file() and old.is_file() and old.stat().st_size == path.stat().st_size \
                    and old.read_bytes() == path.read_bytes():
                tmp = path.with_name(path.name + ".link")
                try:
                    os.link(old, tmp)
                    tmp.replace(path)
                except OSError:
                    tmp.unlink(missing_ok=True)

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder (assets) under `rel`, in a stable order, skipping dotfiles."""
        for path in sorted(source.rglob("*")):
            inner = path.relative_to(source)
            if path.is_file() and not any(p.startswith(".") for p in inner.parts):
                target = self._target(f"{rel}/{inner.as_posix()}")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)

    def commit(self) -> None:
        """Swap the staging folder into place and remove the previous build."""
        if self.output.exists() and _exchange(self.dir, self.output):
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        if self.output.exists():
            previous = self.output.with_name(f"{self._prefix}old")
            shutil.rmtree(previous, ignore_errors=True)
            self.output.rename(previous)
            self.dir.rename(self.output)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            self.dir.rename(self.output)

    def abort(self) -> None:
        """Throw the staging folder away; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)
