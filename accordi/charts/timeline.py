"""The timeline of agreements: one linked bar per agreement, from signing to its last end.

Only what the sources say is drawn. A date known to the month or the year is a pale segment
with a dashed edge across that month or year, never its first day; an end the sources do not
give fades out towards the status day (or the day a successor was signed); dated renewals are
marks, a range when the date is partial. The status is told by a pattern and a written label
as well as by colour.

Horizontal positions are percentages of the chart's width and text keeps its CSS size, so the
chart fills a phone or a desktop without shrinking its words; labels are wrapped for a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup, escape

from ..dates import PartialDate, Span
from ..i18n import format_date, localize, t
from ..output import Context, card
from ..records import Agreement, Site
from .svg import el, markup, pct, text

AXIS = 30        # height of the year labels above the rows, px
LINE = 18        # label line height, px (the font size is set in CSS)
BAR = 14         # bar height, px
WRAP = 32        # characters per label line: what a 360 px wide phone fits
MIN_OPEN = 365   # days an open end fades over, at least

STATUSES = ("active", "renewed", "pending", "unknown", "superseded", "expired")


@dataclass(frozen=True)
class Period:
    """When an agreement held, as far as the sources tell."""

    start: PartialDate
    end: PartialDate | Span | None   # end of the last term the sources give
    open_from: dt.date | None        # without an end: the last day it is known to hold
    open_to: dt.date | None          # ...and where the fading ends
    renewals: tuple[PartialDate, ...]  # dated renewals
    undated_renewals: int


def period(a: Agreement, site: Site) -> Period:
    """The Period of `a`: the last renewal's end wins; a renewal without one leaves it open."""
    st = a.status
    assert st is not None
    dated = tuple(r.date for r in a.renewals if r.date is not None)
    end = a.end
    known = a.signed.latest
    if dated:
        known = max(known, max(d.earliest for d in dated))
    if a.renewals:
        last = a.renewals[-1]
        if last.end is not None:
            end = last.end
        else:
            if a.end is not None:
                known = max(known, a.end.latest)
            end = None
    if end is not None:
        return Period(a.signed, end, None, None, dated, len(a.renewals) - len(dated))
    until = st.as_of
    if st.by:
        until = min(site.agreements[x].signed.latest for x in st.by)
    elif st.stated and st.value in ("expired", "superseded") and st.stated_on:
        until = st.stated_on.latest
    until = max(until, known + dt.timedelta(days=MIN_OPEN))
    return Period(a.signed, None, known, until, dated, len(a.renewals) - len(dated))


def chronological(agreements: Iterable[Agreement]) -> list[Agreement]:
    """By date of signing (earliest possible day, then latest), then id."""
    return sorted(agreements, key=lambda a: (a.signed.earliest, a.signed.latest, a.id))


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


def _axis(periods: list[Period], as_of: dt.date) -> Axis:
    years = [as_of.year]
    for p in periods:
        years.append(p.end.latest.year if p.end else p.open_to.year)  # type: ignore[union-attr]
        years += [r.latest.year for r in p.renewals]
    return Axis(min(p.start.year for p in periods), max(years) + 1)


def _wrap(runs: list[tuple[str, str]], width: int = WRAP) -> list[list[tuple[str, str]]]:
    """(class, text) runs wrapped into lines of at most `width` characters; a run whose class
    is a status stays whole, so a label like "In force" is never split."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for cls, run in runs:
        for word in [run] if cls.startswith("tl-status") else [w for w in run.split(" ") if w]:
            if used and used + 1 + len(word) > width:
                lines.append([])
                used = 0
            lines[-1].append((cls, word))
            used += len(word) + (1 if used else 0)
    return lines


def _line(words: list[tuple[str, str]], y: float, lang_of: dict[str, str]) -> str:
    """One label line: consecutive words of one class share a tspan."""
    groups: list[tuple[str, list[str]]] = []
    for cls, word in words:
        if groups and groups[-1][0] == cls:
            groups[-1][1].append(word)
        else:
            groups.append((cls, [word]))
    parts = []
    for i, (cls, ws) in enumerate(groups):
        content = text(" ".join(ws)) + (" " if i < len(groups) - 1 else "")
        parts.append(el("tspan", {"class": cls, "lang": lang_of.get(cls)}, content)
                     if cls else content)
    return el("text", {"x": 4, "y": y}, *parts)


def _defs(p: str) -> str:
    """Status patterns, the mask that pales a partial date and the one that fades an open
    end."""
    def fade(name: str, stops: tuple[str, str]) -> str:
        gradient = el("linearGradient", {"id": f"{p}-g-{name}"},
                      el("stop", {"offset": 0, "stop-color": stops[0]}),
                      el("stop", {"offset": 1, "stop-color": stops[1]}))
        mask = el("mask", {"id": f"{p}-m-{name}", "maskContentUnits": "objectBoundingBox"},
                  el("rect", {"width": 1, "height": 1, "fill": f"url(#{p}-g-{name})"}))
        return gradient + mask

    def pattern(status: str, *shapes: str, rotate: int = 0) -> str:
        return el("pattern", {"id": f"{p}-p-{status}", "width": 8, "height": 8,
                              "patternUnits": "userSpaceOnUse",
                              "patternTransform": f"rotate({rotate})" if rotate else None},
                  *shapes)

    bg = el("rect", {"class": "tl-paper", "width": 8, "height": 8})
    return el(
        "defs", None,
        fade("part", ("#737373", "#737373")), fade("open", ("#fff", "#000")),
        pattern("active", el("rect", {"class": "tl-ink-active", "width": 8, "height": 8})),
        pattern("renewed", el("rect", {"class": "tl-ink-renewed", "width": 8, "height": 8}),
                el("rect", {"class": "tl-paper", "y": 3, "width": 8, "height": 2})),
        pattern("expired", bg, el("rect", {"class": "tl-ink-expired", "width": 4, "height": 8}),
                rotate=45),
        pattern("superseded", bg,
                el("rect", {"class": "tl-ink-superseded", "width": 3, "height": 8})),
        pattern("unknown", bg, el("circle", {"class": "tl-ink-unknown", "cx": 4, "cy": 4,
                                             "r": 2.5})),
        pattern("pending", bg, el("rect", {"class": "tl-ink-pending", "width": 2, "height": 8}),
                rotate=-45),
    )


def _segment(axis: Axis, a: dt.date, b: dt.date, y: float, fill: str, mask: str | None,
             cls: str) -> str:
    x0, x1 = axis.x(a), axis.x(b)
    if x1 - x0 <= 0:
        return ""
    return el("rect", {"class": cls, "x": pct(x0), "y": y, "width": pct(x1 - x0),
                       "height": BAR, "fill": fill, "mask": mask})


def _partial(axis: Axis, date: PartialDate | Span, y: float, fill: str, ids: str,
             status: str) -> str:
    """A date known only to the month or year: the whole span, pale, with a dashed edge."""
    day = dt.timedelta(days=1)
    return (_segment(axis, date.earliest, date.latest + day, y, fill, f"url(#{ids}-m-part)",
                     "tl-seg tl-partial")
            + _segment(axis, date.earliest, date.latest + day, y, "none", None,
                       f"tl-edge tl-edge-{status} tl-edge-partial"))


def _bar(p: Period, status: str, axis: Axis, y: float, ids: str) -> str:
    """The segments and renewal marks of one bar (see the module docstring)."""
    fill = f"url(#{ids}-p-{status})"
    day = dt.timedelta(days=1)
    out = []
    certain_from = p.start.earliest
    if p.start.precision != "day":
        out.append(_partial(axis, p.start, y, fill, ids, status))
        certain_from = p.start.latest + day
    if p.end is not None:
        certain_to = p.end.earliest if p.end.precision != "day" else p.end.latest + day
    else:
        assert p.open_from is not None and p.open_to is not None
        certain_to = p.open_from + day
    out.append(_segment(axis, certain_from, certain_to, y, fill, None, "tl-seg tl-certain"))
    out.append(_segment(axis, certain_from, certain_to, y, "none", None,
                        f"tl-edge tl-edge-{status}"))
    if p.end is not None and p.end.precision != "day":
        out.append(_partial(axis, p.end, y, fill, ids, status))
    if p.end is None:
        out.append(_segment(axis, certain_to, p.open_to + day, y, fill,  # type: ignore[operator]
                            f"url(#{ids}-m-open)", "tl-seg tl-open"))
    mid = y + BAR / 2
    for r in p.renewals:
        if r.precision == "day":
            out.append(_diamond(axis.x(r.earliest), mid, "tl-renewal"))
            continue
        x0, x1 = axis.x(r.earliest), axis.x(r.latest + day)
        out.append(el("line", {"class": "tl-renewal-range", "x1": pct(x0), "x2": pct(x1),
                               "y1": mid, "y2": mid}))
        out.append(_diamond((x0 + x1) / 2, mid, "tl-renewal tl-renewal-partial"))
    return "".join(out)


def _diamond(x: float, y: float, cls: str) -> str:
    """A renewal mark: a nested viewport placed at a percentage, drawn in pixels."""
    return el("svg", {"x": pct(x), "y": y, "overflow": "visible", "class": "tl-mark",
                      "aria-hidden": "true"},
              el("path", {"class": cls, "d": "M0 -7L6 0L0 7L-6 0Z"}))


@dataclass(frozen=True)
class Timeline:
    """The chart and its legend, ready for a template."""

    svg: Markup
    legend: Markup
    order: tuple[str, ...]   # agreement ids, top to bottom


def _row(a: Agreement, p: Period, site: Site, lang: str, axis: Axis, id_prefix: str
         ) -> tuple[str, int]:
    """One agreement's label and bar, drawn from the top of its row, and the row's height."""
    st = a.status
    assert st is not None
    source = site.settings.source_lang
    names = [localize(site.partners[x].name, lang, source) for x in a.partners]
    name_lang = {n.lang for n in names if n} - {lang}
    runs = [("tl-name", ", ".join(n.text for n in names if n)),
            ("", "— " + t(lang, f"type_{a.type}") + "\u00a0·"),
            (f"tl-status tl-status-{st.value}", t(lang, f"status_{st.value}"))]
    lines = _wrap(runs)
    lang_of = {"tl-name": name_lang.pop()} if len(name_lang) == 1 else {}
    label = "".join(_line(words, 4 + 14 + i * LINE, lang_of) for i, words in enumerate(lines))
    height = 4 + len(lines) * LINE + 4 + BAR + 10
    return (el("title", None, text(_name(a, p, lang, source)))
            + el("rect", {"class": "tl-hit", "x": 0, "y": 0, "width": "100%",
                          "height": height})
            + label + _bar(p, st.value, axis, float(4 + len(lines) * LINE + 4), id_prefix),
            height)


def timeline(agreements: Iterable[Agreement], ctx: Context, lang: str,
             id_prefix: str = "tl") -> Timeline | None:
    """The timeline of `agreements` (in chronological order), or None when there are none.

    Each row is drawn from its own top and moved into place, so that it is the same
    wherever it stands: it is remembered with its agreement for as long as the axis stays
    the same.
    """
    items = chronological(agreements)
    if not items:
        return None
    site, remember = ctx.site, ctx.session.remember
    periods = [remember(card(a.id), ("period",), partial(period, a, site)) for a in items]
    as_of = site.settings.as_of
    axis = _axis(periods, as_of)
    rows, y = [], AXIS
    for a, p in zip(items, periods, strict=True):
        row, height = remember(card(a.id), ("timeline-row", lang, axis, id_prefix),
                               partial(_row, a, p, site, lang, axis, id_prefix))
        href = escape(ctx.router.url_for("agreement", lang, a.id))
        rows.append(f'<a href="{href}" class="tl-row" transform="translate(0 {y})">{row}</a>')
        y += height
    total = y + 6
    grid = []
    for year in range(axis.first, axis.last):
        x = pct(axis.x(dt.date(year, 1, 1)))
        step = _phone_step(axis)
        shown = (year - axis.first) % step == 0 and axis.last - year >= step
        step_class = "" if shown else " tl-minor"
        grid.append(el("line", {"class": "tl-grid", "x1": x, "x2": x, "y1": 6, "y2": total}))
        grid.append(el("text", {"class": "tl-year" + step_class, "x": x, "dx": 5, "y": 20},
                       str(year)))
    today = pct(axis.x(as_of))
    grid.append(el("line", {"class": "tl-today", "x1": today, "x2": today, "y1": AXIS - 6,
                            "y2": total}))
    title_id = f"{id_prefix}-title"
    svg = el("svg", {"class": "timeline", "width": "100%", "height": round(total),
                     "role": "group", "aria-labelledby": title_id},
             el("title", {"id": title_id}, text(t(lang, "timeline_title"))),
             _defs(id_prefix), el("g", {"aria-hidden": "true"}, *grid), *rows)
    statuses = [s for s in STATUSES if any(a.status and a.status.value == s for a in items)]
    legend = _legend(lang, id_prefix, statuses, periods, format_date(
        PartialDate.from_date(as_of), lang))
    return Timeline(markup(svg), legend, tuple(a.id for a in items))


def _phone_step(axis: Axis) -> int:
    """Every how many years a phone has room for a year label (about 40 px each)."""
    years = axis.last - axis.first
    return next(step for step in (1, 2, 5, 10, 20, 50) if 320 * step / years >= 40) \
        if years else 1


def _name(a: Agreement, p: Period, lang: str, source: str) -> str:
    """The bar's accessible name: title, dates, renewals, status."""
    st = a.status
    assert st is not None
    title = localize(a.title, lang, source)
    parts = [title.text if title else a.id,
             t(lang, "timeline_signed", date=format_date(p.start, lang)),
             t(lang, "timeline_end", date=format_date(p.end, lang)) if p.end
             else t(lang, "end_not_stated")]
    if a.renewals:
        dates = [format_date(r.date, lang) if r.date else t(lang, "renewal_undated")
                 for r in a.renewals]
        parts.append(t(lang, "timeline_renewals", dates=", ".join(dates)))
    parts.append(t(lang, f"status_{st.value}"))
    return "; ".join(parts)


def _legend(lang: str, p: str, statuses: list[str], periods: list[Period],
            as_of: str) -> Markup:
    """What each pattern and mark means, in words; swatches use the chart's definitions."""
    def swatch(*shapes: str) -> str:
        return el("svg", {"class": "tl-swatch", "width": 32, "height": 16,
                          "aria-hidden": "true"}, *shapes)

    def rect(fill: str | None, mask: str | None = None, cls: str = "") -> str:
        return el("rect", {"x": 1, "y": 1, "width": 30, "height": BAR, "fill": fill,
                           "mask": mask, "class": cls or None})

    items = []
    for s in statuses:
        items.append((swatch(rect(f"url(#{p}-p-{s})"), rect("none", cls=f"tl-edge tl-edge-{s}")),
                      t(lang, f"status_{s}")))
    partial = any(q.start.precision != "day" or (q.end and q.end.precision != "day")
                  for q in periods)
    if partial:
        items.append((swatch(rect(None, f"url(#{p}-m-part)", "tl-key"),
                             rect("none", cls="tl-edge tl-edge-renewed tl-edge-partial")),
                      t(lang, "legend_partial")))
    if any(q.end is None for q in periods):
        items.append((swatch(rect(None, f"url(#{p}-m-open)", "tl-key")),
                      t(lang, "legend_open")))
    renewals = [r for q in periods for r in q.renewals]
    if any(r.precision == "day" for r in renewals):
        items.append((swatch(_diamond(50, 8, "tl-renewal")), t(lang, "legend_renewal")))
    if any(r.precision != "day" for r in renewals):
        items.append((swatch(el("line", {"class": "tl-renewal-range", "x1": 4, "x2": 28,
                                         "y1": 8, "y2": 8}),
                             _diamond(50, 8, "tl-renewal tl-renewal-partial")),
                      t(lang, "legend_renewal_partial")))
    items.append((swatch(el("line", {"class": "tl-today", "x1": 16, "x2": 16, "y1": 0,
                                     "y2": 16})), t(lang, "legend_today", date=as_of)))
    lis = "".join(el("li", None, sw, el("span", None, text(label))) for sw, label in items)
    return markup(el("ul", {"class": "tl-legend"}, lis))
