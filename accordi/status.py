"""Is an agreement in force? Derived from its dates as of a reference day.

The rule is to never claim more certainty than the sources give: a year-only end date decides
nothing inside that year, a renewal without an end leaves the current term open, and a
statement from a source wins but is always shown with its date or source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dates import PartialDate, Span

ORDER = {"active": 0, "pending": 1, "renewed": 2, "unknown": 3, "suspended": 4, "superseded": 5,
         "terminated": 6, "expired": 7}
# What a source may state: the others are only ever worked out from the dates.
STATED = ("active", "expired", "suspended", "terminated")


@dataclass(frozen=True)
class Status:
    """A status and what it rests on."""

    value: str                      # a key of ORDER
    as_of: dt.date                  # the build's reference day
    stated: bool = False            # True when a source said so
    stated_on: PartialDate | None = None  # the day the source stated it (`as_of`)
    source: dict[str, str] | None = None
    until: PartialDate | Span | None = None  # end of the current term, when known
    by: tuple[str, ...] = ()        # ids of agreements that extend or replace this one
    since: PartialDate | None = None  # since when the stated status holds, if stated
    note: dict[str, str] | None = None  # what the source adds, in words

    @property
    def rank(self) -> int:
        """Sort key: in force first."""
        return ORDER[self.value]

    @property
    def in_force(self) -> bool | None:
        """True, False, or None when not known (for machine-readable outputs)."""
        if self.value == "active":
            return True
        if self.value in ("expired", "superseded", "pending", "suspended", "terminated"):
            return False
        return None


def compare(day: dt.date, date: PartialDate | Span) -> int:
    """-1 if `day` is before every day `date` may mean, 1 if after all of them, else 0."""
    if day < date.earliest:
        return -1
    if day > date.latest:
        return 1
    return 0


def happened(date: PartialDate | None, day: dt.date) -> bool:
    """True when every day `date` may mean is on or before `day` (undated counts as past)."""
    return date is None or date.latest <= day


def derive(signed: PartialDate | None, end: PartialDate | Span | None, renewals: list,
           stated, successors: list[tuple[str, PartialDate | None]], day: dt.date) -> Status:
    """The status of one agreement on `day` (see module docstring).

    Only what had happened by `day` counts: a successor signed later, or a renewal dated
    later, does not change the status of an earlier day.
    """
    by = tuple(sorted(sid for sid, signed_on in successors if happened(signed_on, day)))
    if stated is not None:
        return Status(stated.value, day, True, stated.as_of, stated.source, end, by,
                      stated.since, stated.note)
    if signed is None:
        return _undated(end, renewals, by, day)
    if compare(day, signed) < 0:
        return Status("pending", day, until=end)
    if by:
        return Status("superseded", day, until=end, by=by)
    renewals = [r for r in renewals if happened(r.date, day)]
    if renewals:
        last = renewals[-1]
        if last.end is not None:
            return _by_end(last.end, day)
        if end is not None and compare(day, end) <= 0:
            return _by_end(end, day)
        return Status("renewed", day)
    if end is None:
        return Status("unknown", day)
    return _by_end(end, day)


def _undated(end: PartialDate | Span | None, renewals: list, by: tuple[str, ...],
             day: dt.date) -> Status:
    """Without a date of signing nothing says it was in force on `day`: it is unknown,
    unless a successor has replaced it or its last stated term has ended."""
    if by:
        return Status("superseded", day, until=end, by=by)
    done = [r for r in renewals if happened(r.date, day)]
    last = done[-1].end if done else end
    if last is not None and compare(day, last) > 0:
        return Status("expired", day, until=last)
    return Status("unknown", day, until=last)


def _by_end(end: PartialDate | Span, day: dt.date) -> Status:
    position = compare(day, end)
    value = "active" if position < 0 or (position == 0 and end.precision == "day") else (
        "expired" if position > 0 else "unknown")
    return Status(value, day, until=end)
