"""Editor-facing errors: every content mistake names its file, line and field, and a fix.

Errors are collected rather than raised one at a time, so an editor sees every mistake of a
content tree in one run, printed like a compiler's diagnostics.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

# Control characters an editor's file may contain: printed as escapes, so that a diagnostic
# stays on its line and cannot send commands to the terminal that shows it.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`: how an editor counts the items of a list."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def field_view(field: str) -> str:
    """A field's path as an editor reads the file: `signatories.0.party` is "field
    `signatories`, 1st item, `party`" (the path counts list items from 0, editors from 1);
    names within names stay as they are (`status.value`)."""
    parts: list[str] = []
    names: list[str] = []
    for p in field.split("."):
        if p.isdigit():
            if names:
                parts.append(f"`{'.'.join(names)}`")
                names = []
            parts.append(f"{ordinal(int(p) + 1)} item")
        else:
            names.append(p)
    if names:
        parts.append(f"`{'.'.join(names)}`")
    first = next((i for i, p in enumerate(parts) if p.startswith("`")), None)
    if first is None:
        return ", ".join(parts)
    # a list at the top of the file (themes.yaml): its item comes first
    return ", ".join(parts[:first] + [f"field {parts[first]}"] + parts[first + 1:])


def visible(text: str) -> str:
    """`text` with control characters written as `\\xNN` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class Problem(NamedTuple):
    """A mistake at a line and field of a file, found by a check of its values that does not
    know the file: whoever read the file reports it under the file's path."""

    line: int
    field: str
    message: str
    hint: str


@dataclass(frozen=True, order=True)
class ContentError:
    """One mistake in one content file."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"
    # A warning `build.py check --strict` does not fail on: what the sources do not say
    # (a date of signing), which no edit can fix without inventing it.
    gap: bool = False

    def format(self) -> str:
        """Render as `file:line: error: field `x`, 2nd item: message` plus an indented hint."""
        where = visible(f"{self.path}:{self.line}" if self.line else self.path)
        subject = f"{visible(field_view(self.field))}: " if self.field else ""
        text = f"{where}: {self.severity}: {subject}{visible(self.message)}"
        if self.hint:
            text += f"\n    hint: {visible(self.hint)}"
        return text


@dataclass
class ErrorCollector:
    """Gathers errors from every stage so that one run reports them all."""

    root: Path
    errors: list[ContentError] = field(default_factory=list)

    def rel(self, path: Path | str) -> str:
        """Show paths relative to the content root's parent, as editors see them in git."""
        p = Path(path)
        mine, top = Path(os.path.abspath(p)), Path(os.path.abspath(self.root)).parent
        if mine.is_relative_to(top):  # a link is named where it is, not where it leads
            return mine.relative_to(top).as_posix()
        try:
            return p.resolve().relative_to(self.root.resolve().parent).as_posix()
        except (ValueError, OSError, RuntimeError):  # elsewhere, or a loop of links
            return p.as_posix()

    def add(self, path: Path | str, line: int, field_name: str, message: str,
            hint: str = "", severity: str = "error", gap: bool = False) -> None:
        """Record one mistake."""
        self.errors.append(ContentError(self.rel(path), line, field_name, message, hint, severity,
                                        gap))

    def warn(self, path: Path | str, line: int, field_name: str, message: str,
             hint: str = "", gap: bool = False) -> None:
        """Record something worth an editor's attention that does not stop the build;
        `gap`: something the sources do not say, which `--strict` lets pass too."""
        self.add(path, line, field_name, message, hint, severity="warning", gap=gap)

    @property
    def failed(self) -> bool:
        """True when at least one error (not warning) was recorded."""
        return any(e.severity == "error" for e in self.errors)

    def sorted(self) -> list[ContentError]:
        """Errors in a stable order: by file, then line."""
        return sorted(set(self.errors))

    def report(self) -> str:
        """All diagnostics plus a one-line summary."""
        items = self.sorted()
        n_err = sum(e.severity == "error" for e in items)
        n_warn = len(items) - n_err
        lines = [e.format() for e in items]
        lines.append(f"{n_err} error(s), {n_warn} warning(s)")
        return "\n".join(lines)


SHOWN_WARNINGS = 5  # a build lists the first few; `build.py check` lists them all


def warnings_summary(warnings: list[str]) -> list[str]:
    """What a build prints of the warnings `check` gives: how many, then the first few."""
    if not warnings:
        return []
    n = len(warnings)
    lines = [f"{n} warning(s), as `build.py check` reports them:", *warnings[:SHOWN_WARNINGS]]
    if n > SHOWN_WARNINGS:
        lines.append(f"... and {n - SHOWN_WARNINGS} more: `build.py check` lists them all")
    return lines


class ContentFailure(Exception):
    """Raised once, after collection, when content errors stop the build."""

    def __init__(self, collector: ErrorCollector):
        super().__init__(collector.report())
        self.collector = collector

    def __reduce__(self) -> tuple[type[ContentFailure], tuple[ErrorCollector]]:
        """Made again from its collector (it crosses from the build's child process)."""
        return (ContentFailure, (self.collector,))
