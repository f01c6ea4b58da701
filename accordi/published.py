"""The list of addresses the site has published: `content/published-urls.txt`.

Committed with the content, it lists one address a line, below the base URL
(`/it/accordi/milano-riga-2018/`); a removed record's lines are marked `removed YYYY-MM-DD`.
The build adds each new address it publishes (see `accordi.manifest` for what the site must
do about each one).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorCollector

MANIFEST = "published-urls.txt"
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
        removed = None
        if m["date"]:
            try:
                removed = dt.date.fromisoformat(m["date"])
            except ValueError:
                errors.add(file, number, "", f"`{m['date']}` is not a date",
                           "write the day of removal as YYYY-MM-DD")
                continue
        if m["path"] in first:
            errors.add(file, number, "", f"`{m['path']}` is listed twice (first on line "
                       f"{first[m['path']]})", "keep one line for each address")
            continue
        first[m["path"]] = number
        entries.append(Entry(m["path"], number, removed))
    return entries


def record(content: Path, addresses: set[str]) -> int:
    """Add the addresses not yet in the manifest (creating it); returns how many."""
    file = manifest_path(content)
    known: set[str] = set()
    lines: list[str] = []
    if file.is_file():
        lines = file.read_text(encoding="utf-8").splitlines()
        for raw in lines:
            m = LINE.match(raw.strip())
            if m:
                known.add(m["path"])
    else:
        lines = HEADER.splitlines()
    new = sorted(addresses - known)
    if new:
        file.write_text("\n".join(lines + new) + "\n", encoding="utf-8")
    return len(new)
