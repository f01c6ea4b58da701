"""The day the open data last changed, and the day they were first published, for the
catalogue (`dct:modified`, `dct:issued`).

Never the day of the build: harvesters read `dct:modified` to know whether to fetch the
files again, and a catalogue that changed its date every night would say the data change
every night. Two things make the data change, and both can be read again on any machine:

- an edit of the files they are read from, dated by the git history of the content when the
  build reads it (the newest commit touching `agreements/`, `partners/`, `themes.yaml` or
  `site.yaml`, removals included); uncommitted edits are dated by their commit, later;
- the passing of a day the records name: a signing, a renewal, a stated status, an act or a
  document, or the bounds of a term (the status of an agreement changes on them with no
  edit), counted up to the reference day.

The later of the two is the day; without git history (a copy of the content, or
`history=False`), the records' days alone, so the same content and reference day give the
same date anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..dates import PartialDate, Span
from ..history import Change
from ..records import Site

# What the data are read from: two folders and two files of the content.
DATA_SOURCES = ("agreements/", "partners/", "themes.yaml", "site.yaml")


def _term_days(end: PartialDate | Span) -> Iterable[dt.date]:
    """The days a term's end changes an agreement's status: inside an imprecise end the
    status becomes unknown, after it the agreement has expired."""
    if end.precision != "day":
        yield end.earliest
    if end.latest < dt.date.max:
        yield end.latest + dt.timedelta(days=1)


def record_days(site: Site) -> Iterable[dt.date]:
    """Every day on which, by the records' own dates, an agreement or its status changed."""
    for a in site.agreements.values():
        if a.signed is not None:
            yield a.signed.earliest  # no longer pending
            yield a.signed.latest    # what it extends or supersedes changes status
        for r in a.renewals:
            if r.date is not None:
                yield r.date.latest
        for end in [a.end] + [r.end for r in a.renewals]:
            if end is not None:
                yield from _term_days(end)
        if a.stated is not None:
            yield from (d.earliest for d in (a.stated.as_of, a.stated.since) if d is not None)
        for ref in a.acts + a.documents + a.sources:
            if ref.date is not None:
                yield ref.date.earliest


def last_changed(site: Site, commits: list[Change]) -> dt.date | None:
    """The day the data last changed (see the module's docstring), given the `commits` that
    touched DATA_SOURCES; None for a site with neither dated records nor history."""
    day = site.settings.as_of
    days = [d for d in record_days(site) if d <= day] + [c.date for c in commits]
    return max(days, default=None)


def first_published(commits: list[Change]) -> dt.date | None:
    """The day of the first commit of the files the data are read from, if known."""
    return min((c.date for c in commits), default=None)
