"""When each record last changed, and how: read from the git history of the content.

One `git log` for the whole content tree, parsed here, gives every file's commits (date and
subject). Content that is not in a git repository, or a machine without git, simply has no
history: records then show none, and nothing fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Separators git will not find in a date or a one-line subject.
_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Change:
    """One commit that touched a record's files."""

    commit: str
    date: dt.date
    subject: str


@dataclass
class History:
    """Commits per file, newest first; file paths are relative to the content folder."""

    root: Path
    changes: dict[str, list[Change]] = field(default_factory=dict)

    def of(self, paths: Iterable[Path]) -> list[Change]:
        """Every commit that touched any of `paths`, newest first, each once."""
        if not self.changes:
            return []
        seen: dict[str, Change] = {}
        for path in paths:
            rel = self._relative(path)
            if rel is None:
                continue
            for change in self.changes.get(rel, []):
                seen.setdefault(change.commit, change)
        return sorted(seen.values(), key=lambda c: c.date, reverse=True)

    def under(self, names: tuple[str, ...]) -> list[Change]:
        """Every commit that touched a file named in `names` (a name ending in `/` is a
        folder: any file under it), removed files included, newest first, each once."""
        folders = tuple(n for n in names if n.endswith("/"))
        seen: dict[str, Change] = {}
        for rel, changes in self.changes.items():
            if rel in names or rel.startswith(folders):
                for change in changes:
                    seen.setdefault(change.commit, change)
        return sorted(seen.values(), key=lambda c: c.date, reverse=True)

    def _relative(self, path: Path) -> str | None:
        """`path` relative to the root, resolving links only when plain paths do not tell."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None


def parse_log(text: str) -> dict[str, list[Change]]:
    """Parse `git log --format=<RS>%H<US>%cI<US>%s --name-only` output."""
    changes: dict[str, list[Change]] = {}
    for record in text.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        commit, date, subject = header.split(_FIELD, 2)
        change = Change(commit, dt.datetime.fromisoformat(date).date(), subject.strip())
        for name in names.splitlines():
            if name.strip():
                changes.setdefault(name, []).append(change)
    return changes


def read_history(root: Path) -> History:
    """The git history of the files under `root`; empty without git or a repository."""
    git = shutil.which("git")
    if git is None or not root.is_dir():
        return History(root)
    cmd = [git, "-c", "core.quotePath=false", "log", "--no-merges", "--relative",
           "--name-only", f"--format={_RECORD}%H{_FIELD}%cI{_FIELD}%s", "--", "."]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return History(root)
    if proc.returncode != 0:  # not a repository, or one without commits yet
        return History(root)
    return History(root, parse_log(proc.stdout.decode("utf-8", errors="replace")))
