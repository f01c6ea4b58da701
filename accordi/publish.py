"""Write a build into a fresh folder, then swap it into place in one step.

Readers and deploy scripts see either the previous complete site or the new complete site,
never a mix: pages are written beside the output folder and exchanged with it atomically
(renameat2 RENAME_EXCHANGE on Linux; two quick renames elsewhere). A build that fails or is
killed leaves the previous output untouched; its leftovers are removed by the next build.

Builds into the same folder take turns (a lock on the folder that holds the output, released
by the system even when a build is killed), so one build never removes another's staging
folder while it is being written. Before the swap the new files are flushed to disk, so that a
power cut right after it cannot publish a site of empty files. An output path that is a
symbolic link is published where the link leads, and the link is kept.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class PublishError(RuntimeError):
    """The build cannot write its output (a bug or a broken output folder, not content)."""


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to ask
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    fn = getattr(_libc(), "renameat2", None)
    if fn is None:
        return False
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush(folder: Path, files: list[Path]) -> None:
    """Put the data of `files` (all inside `folder`) on disk: one syncfs, or one fsync each."""
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in files:  # pragma: no cover - systems without syncfs
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for path in sorted({p.parent for p in files} | {folder}):  # pragma: no cover
        _fsync_dir(path)


def _umask() -> int:
    """The process umask, read without changing it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:  # pragma: no cover - no /proc
        pass
    return 0o022  # pragma: no cover


def _remove(path: Path) -> None:
    """Delete a leftover folder (or a stray file or link in its place)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


class Staging:
    """A fresh folder that becomes the output folder on `commit()`."""

    def __init__(self, output: Path):
        output = Path(output).absolute()
        if output.is_symlink():
            output = Path(os.path.realpath(output))
        self.output = output
        if output.exists() and not output.is_dir():
            raise PublishError(f"{output} exists and is not a folder: move it away first")
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._prefix = f".{self.output.name}.staging-"
        self._lock = self._acquire(self.output.parent)
        try:
            self.remove_leftovers()
            self.dir = Path(tempfile.mkdtemp(prefix=self._prefix, dir=self.output.parent))
            # mkdtemp makes a private folder; the published one is readable like any other
            os.chmod(self.dir, 0o777 & ~_umask())
        except BaseException:
            self._release()
            raise
        self.written: set[str] = set()
        self._files: list[Path] = []
        self._folders: set[Path] = set()  # made already

    @staticmethod
    def _acquire(folder: Path) -> int | None:
        """Wait for any other build into `folder`, then hold the lock until done.

        The folder itself is locked: a lock file would be one more thing left beside the
        output, and removing it after use would let two builds hold two different locks.
        """
        fd = os.open(folder, os.O_RDONLY)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the file releases the lock
            self._lock = None

    def remove_leftovers(self) -> None:
        """Delete staging folders of builds that were interrupted (none can be running)."""
        for old in self.output.parent.glob(self._prefix + "*"):
            _remove(old)

    def _target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if (pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel
                or "\0" in rel):
            raise PublishError(f"refusing to write outside the output folder: {rel!r}")
        if rel in self.written:
            raise PublishError(f"two pages would be written to {rel!r}")
        # The staging folder is new and holds no links (files are written, hard-linked or
        # copied as bytes), so a relative path without `..` stays inside it.
        target = self.dir.joinpath(*pure.parts)
        self.written.add(rel)
        self._files.append(target)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write(self, rel: str, data: str | bytes) -> None:
        """Write one file at `rel` (a POSIX path inside the output folder)."""
        target = self._target(rel)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def link(self, previous: Path, rel: str) -> None:
        """Reuse an unchanged file of the previous output (a hard link; a copy if impossible)."""
        target = self._target(rel)
        try:
            os.link(previous, target)
        except OSError:
            shutil.copy2(previous, target)

    def adopted(self, rels: list[str]) -> None:
        """Files another tool wrote into the folder itself (the search index): flushed to
        disk with the rest on commit."""
        for rel in rels:
            if rel not in self.written:
                self.written.add(rel)
                self._files.append(self.dir / rel)

    def reuse_identical(self, previous: Path, rels: list[str]) -> None:
        """Swap files at `rels` that equal the previous output's for links to those, so
        that files made by an outside tool (the search index) also keep their dates."""
        for rel in rels:
            path, old = self.dir / rel, previous / rel
            if old.is_file() and old.stat().st_size == path.stat().st_size \
                    and old.read_bytes() == path.read_bytes():
                tmp = path.with_name(path.name + ".link")
                try:
                    os.link(old, tmp)
                    tmp.replace(path)
                except OSError:
                    tmp.unlink(missing_ok=True)

    def copy_file(self, source: Path, rel: str) -> None:
        """Copy one file (its content, never a link) to `rel`."""
        target = self._target(rel)
        shutil.copyfile(source, target)

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder (assets) under `rel`, in a stable order, skipping dotfiles.

        A link that leads out of `source` is refused: it would publish what it points to.
        """
        top = source.resolve()
        for path in sorted(source.rglob("*")):
            inner = path.relative_to(source)
            if any(p.startswith(".") for p in inner.parts) or not path.is_file():
                continue
            if not path.resolve().is_relative_to(top):
                raise PublishError(f"{path} is a link to a file outside {source}")
            self.copy_file(path, f"{rel}/{inner.as_posix()}")

    def commit(self) -> None:
        """Swap the staging folder into place and remove the previous build."""
        try:
            _flush(self.dir, self._files)
            if self.output.exists() and _exchange(self.dir, self.output):
                _fsync_dir(self.output.parent)
                shutil.rmtree(self.dir, ignore_errors=True)  # now the previous build
                return
            if self.output.exists():
                previous = self.output.with_name(f"{self._prefix}old")
                _remove(previous)
                self.output.rename(previous)
                self.dir.rename(self.output)
                shutil.rmtree(previous, ignore_errors=True)
            else:
                self.dir.rename(self.output)
            _fsync_dir(self.output.parent)
        finally:
            self._release()

    def abort(self) -> None:
        """Throw the staging folder away; the previous output stays as it was."""
        try:
            shutil.rmtree(self.dir, ignore_errors=True)
        finally:
            self._release()
