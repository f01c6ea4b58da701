"""Is an agreement in force? Derived from its dates as of a reference day.

The rule is to never claim more certainty than the sources give: a year-only end date decides
nothing inside that year, a renewal without an end leaves the current term open, and a
statement from a source wins but is always shown with its date or source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dates import PartialDate, Span

ORDER = {"active": 0, "pending": 1, "renewed": 2, "unknown": 3, "superseded": 4, "expired": 5}


@dataclass(frozen=True)
class Status:
    """A status and what it rests on."""

    value: str                      # active | pending | renewed | superseded | expired | unknown
    as_of: dt.date                  # the build's reference day
    stated: bool = False            # True when a source said so
    stated_on: PartialDate | None = None
    source: dict[str, str] | None = None
    until: PartialDate | Span | None = None  # end of the current term, when known
    by: tuple[str, ...] = ()        # ids of agreements that extend or replace this one

    @property
    def rank(self) -> int:
        """Sort key: in force first."""
        return ORDER[self.value]

    @property
    def in_force(self) -> bool | None:
        """True, False, or None when not known (for machine-readable outputs)."""
        if self.value == "active":
            return True
        if self.value in ("expired", "superseded", "pending"):
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


def derive(signed: PartialDate, end: PartialDate | Span | None, renewals: list, stated,
           successors: list[tuple[str, PartialDate]], day: dt.date) -> Status:
    """The status of one agreement on `day` (see module docstring).

    Only what had happened by `day` counts: a successor signed later, or a renewal dated
    later, does not change the status of an earlier day.
    """
    by = tuple(sorted(sid for sid, signed_on in successors if happened(signed_on, day)))
    if stated is not None:
        return Status(stated.value, day, True, stated.as_of, stated.source, end, by)
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


def _by_end(end: PartialDate | Span, day: dt.date) -> Status:
    position = compare(day, end)
    value = "active" if position < 0 or (position == 0 and end.precision == "day") else (
        "expired" if position > 0 else "unknown")
    return Status(value, day, until=end)
