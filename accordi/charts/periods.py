"""When each agreement held, as far as the sources tell: what the timeline draws, in dates.

Kept apart from the drawing so that the list beside the timeline (its text equivalent) says
the same as the bars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..dates import PartialDate, Span
from ..records import Agreement, Site, earliest_first

MIN_OPEN = 365   # days an open end (or an unknown start) fades over, at least
# Stated statuses after which the agreement no longer holds: its bar stops at their `since`.
STOPPED = ("expired", "suspended", "terminated")


@dataclass(frozen=True)
class Period:
    """When an agreement held, as far as the sources tell."""

    start: PartialDate | None        # None: no source gives the date of signing
    end: PartialDate | Span | None   # end of the last term the sources give
    open_from: dt.date | None        # without an end: the last day it is known to hold
    open_to: dt.date | None          # ...and where the fading ends
    renewals: tuple[PartialDate, ...]  # dated renewals
    undated_renewals: int


def period(a: Agreement, site: Site) -> Period:
    """The Period of `a`: the last renewal's end wins; a renewal without one leaves it open;
    a stated suspension, termination or expiry stops it at its `since`."""
    st = a.status
    assert st is not None
    dated = tuple(r.date for r in a.renewals if r.date is not None)
    undated = len(a.renewals) - len(dated)
    end = a.end
    if a.renewals:
        end = a.renewals[-1].end
    if st.stated and st.value in STOPPED and st.since is not None:
        end = st.since
    if end is not None or a.signed is None:
        return Period(a.signed, end, None, None, dated, undated)
    known = max([a.signed.latest] + [d.earliest for d in dated])
    if a.renewals and a.renewals[-1].end is None and a.end is not None:
        known = max(known, a.end.latest)
    until = st.as_of
    if st.by:
        until = min(_latest(site.agreements[x].signed, st.as_of) for x in st.by)
    elif st.stated and st.value in ("expired", "superseded", *STOPPED) and st.stated_on:
        until = st.stated_on.latest
    until = max(until, known + dt.timedelta(days=MIN_OPEN))
    return Period(a.signed, None, known, until, dated, undated)


def _latest(date: PartialDate | None, default: dt.date) -> dt.date:
    return date.latest if date is not None else default


def chronological(agreements: Iterable[Agreement]) -> list[Agreement]:
    """By date of signing (earliest possible day, then latest), then id; those without a
    date of signing last."""
    return sorted(agreements, key=lambda a: (*earliest_first(a.signed), a.id))


@dataclass(frozen=True)
class Axis:
    """Whole years from the first signing to past the last day drawn."""

    first: int
    last: int   # exclusive

    def x(self, day: dt.date) -> float:
        """Percentage of the width where `day` begins."""
        start = dt.date(self.first, 1, 1).toordinal()
        span = dt.date(self.last, 1, 1).toordinal() - start
        return (day.toordinal() - start) / span * 100


def axis_of(periods: list[Period], as_of: dt.date) -> Axis:
    """The years every period's drawn days fall in, and the status day's."""
    years = [as_of.year]
    firsts = []
    for p in periods:
        if p.start is not None:
            firsts.append(p.start.year)
        if p.end is not None:
            years.append(p.end.latest.year)
            if p.start is None:  # an unknown start fades in over the year before its end
                firsts.append((p.end.earliest - dt.timedelta(days=MIN_OPEN)).year)
        elif p.open_to is not None:
            years.append(p.open_to.year)
        years += [r.latest.year for r in p.renewals]
    return Axis(min(firsts, default=as_of.year), max(years) + 1)
