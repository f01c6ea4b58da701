"""Dates as the sources state them: a full date, a year and month, or only a year.

A year-only date is a span of a whole year, never 1 January; comparisons use the span's
bounds so that a status is only claimed when every day of the span agrees.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from babel.dates import format_date

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


class DateProblem(ValueError):
    """A date or duration an editor wrote that cannot exist."""


@functools.lru_cache(maxsize=8192)
def _long(day: dt.date, pattern: str, lang: str) -> str:
    # Babel reads its locale data on every call: a large site repeats the same few
    # thousand dates across lists, feeds and charts.
    return format_date(day, pattern, locale=lang)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to day, month or year precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read `2021-07-06`, `2021-07`, `2021` (text or integer)."""
        text = str(value).strip()
        m = _DATE.match(text)
        if not m:
            raise DateProblem(f"`{text}` is not a date",
                              "write YYYY-MM-DD, YYYY-MM or YYYY, as the source states it")
        year_text, month_text, day_text = m.groups()
        year = int(year_text)
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
        if year < 1000:
            raise DateProblem(f"`{text}` is not a plausible year",
                              "write the four-digit year the source states")
        if month is not None and not 1 <= month <= 12:
            raise DateProblem(f"`{text}` has no month {month}", "months run from 01 to 12")
        if day is not None and month is not None:  # the pattern has no day without a month
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateProblem(f"`{text}` is not a real date: {calendar.month_name[month]} "
                                  f"{year} has {last} days",
                                  "check the day against the source")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """`day`, `month` or `year`."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self) -> dt.date:
        """First day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """Last day the date can mean."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """ISO 8601 at the date's own precision (`2012`, `2012-05`, `2012-05-02`)."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def format(self, lang: str) -> str:
        """Long form in the reader's language: `6 luglio 2021`, `6 July 2021`, `2012`."""
        if self.precision == "year":
            return str(self.year)
        return _long(self.earliest, "d MMMM y" if self.day else "LLLL y", lang)

    def plus(self, duration: Duration) -> PartialDate | Span:
        """The date `duration` later: exact where the precision allows, else a span."""
        first = duration.add_to(self.earliest)
        if self.precision == "day":
            return PartialDate.from_date(first)
        if self.precision == "month" and not duration.days:
            return PartialDate(first.year, first.month)
        if self.precision == "year" and not (duration.months or duration.days):
            return PartialDate(first.year)
        last = duration.add_to(self.latest)
        return Span(PartialDate(first.year, first.month), PartialDate(last.year, last.month))

    @classmethod
    def from_date(cls, d: dt.date) -> PartialDate:
        """A full date."""
        return cls(d.year, d.month, d.day)


@dataclass(frozen=True)
class Span:
    """A day known only to fall between two dates (a year-only start plus some months)."""

    start: PartialDate
    end: PartialDate
    precision = "span"

    @property
    def earliest(self) -> dt.date:
        """First day the span may mean."""
        return self.start.earliest

    @property
    def latest(self) -> dt.date:
        """Last day the span may mean."""
        return self.end.latest

    def iso(self) -> str:
        """ISO 8601 interval (`2012-07/2013-06`)."""
        return f"{self.start.iso()}/{self.end.iso()}"

    def format(self, lang: str) -> str:
        """`luglio 2012 – giugno 2013`."""
        return f"{self.start.format(lang)} – {self.end.format(lang)}"


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration of years, months and days (`P2Y`, `P18M`)."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: object) -> Duration:
        """Read `P2Y`, `P1Y6M`, `P90D`."""
        text = str(value).strip()
        m = _DURATION.match(text)
        if not m or text == "P":
            raise DateProblem(f"`{text}` is not a duration",
                              "write an ISO 8601 duration such as P2Y (two years) or P18M")
        years, months, days = (int(g) if g else 0 for g in m.groups())
        if years == months == days == 0:
            raise DateProblem(f"`{text}` is a zero duration",
                              "write the duration the source states")
        return cls(years, months, days)

    def add_to(self, d: dt.date) -> dt.date:
        """Calendar addition; a day past the month's end clamps to its last day."""
        total = d.month - 1 + self.months + 12 * self.years
        year, month = d.year + total // 12, total % 12 + 1
        try:
            day = min(d.day, calendar.monthrange(year, month)[1])
            return dt.date(year, month, day) + dt.timedelta(days=self.days)
        except (ValueError, OverflowError):
            raise DateProblem(f"{d.isoformat()} plus {self.iso()} is past the year 9999",
                              "check the duration against the source") from None

    def iso(self) -> str:
        """Back to ISO 8601."""
        out = "P"
        for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")):
            if n:
                out += f"{n}{unit}"
        return out


# Ways editors write dates that the content does not take, and how each reads as ISO 8601.
# Day-month-year is the Italian order (`31/06/2021`); a year first is year-month-day.
_WRITTEN = (
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[/.\-](\d{4})$"), (2, 1)),
    (re.compile(r"^(\d{4})[/.\-](\d{1,2})$"), (1, 2)),
)


def iso_form(text: str) -> str | None:
    """`31/06/2021` written as the content writes dates (`2021-06-31`), when what it means
    is clear: day, month and year in the Italian order, or the year first, with a month
    from 1 to 12. None when it is not (the calendar is not looked at here)."""
    for pattern, order in _WRITTEN:
        if m := pattern.match(text.strip()):
            parts = [m.group(i) for i in order]
            if not 1 <= int(parts[1]) <= 12:
                return None
            return "-".join([parts[0]] + [f"{int(p):02d}" for p in parts[1:]])
    return None


def form_problem(value: object) -> tuple[str, str]:
    """(message, hint) for a date that is not written YYYY-MM-DD, YYYY-MM or YYYY: the date
    rewritten in that form, and whether that is a real date."""
    text = str(value).strip()
    iso = iso_form(text)
    if iso is None:
        return (f"`{text}` is not in YYYY-MM-DD form (nor YYYY-MM or YYYY)",
                "write the date as the source states it, e.g. 2021-07-06, 2021-07 or 2021")
    form = "YYYY-MM-DD" if iso.count("-") == 2 else "YYYY-MM"
    try:
        PartialDate.parse(iso)
    except DateProblem as exc:
        reason = exc.args[0].removeprefix(f"`{iso}` ")
        return (f"`{text}` is not in {form} form; rewritten as `{iso}` it {reason}",
                f"{exc.args[1]}, then write the date as {form}")
    return f"`{text}` is not in {form} form", f"write it `{iso}`"
