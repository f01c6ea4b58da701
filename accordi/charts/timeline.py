"""The timeline of agreements: one linked bar per agreement, from signing to its last end.

Only what the sources say is drawn. A date known to the month or the year is a pale segment
with a dashed edge across that month or year, never its first day; an end the sources do not
give fades out towards the status day (or the day a successor was signed); dated renewals are
marks, a range when the date is partial. A suspension, termination or expiry a source
states stops the bar at its `since`. Agreements no source dates the signing of are a group of
their own under the others: a bar fades in towards an end the sources give, and nothing is
drawn without one. The status is told by a pattern and a written label as well as by colour.

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
from .periods import MIN_OPEN, Axis, Period, axis_of, chronological, period
from .svg import el, markup, pct, text

__all__ = ["Axis", "Period", "Timeline", "chronological", "period", "timeline"]

AXIS = 30        # height of the year labels above the rows, px
LINE = 18        # label line height, px (the font size is set in CSS)
BAR = 14         # bar height, px
WRAP = 32        # characters per label line: what a 360 px wide phone fits
GROUP = 34       # height of the heading of the agreements without a date of signing, px
YEAR_LABEL = 40  # px a year label needs
PHONE, WIDE = 320, 580  # px of chart a phone and the narrowest wider layout have (site.css)

STATUSES = ("active", "renewed", "pending", "unknown", "suspended", "superseded",
            "terminated", "expired")


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


def _defs(p: str, used: set[str]) -> str:
    """Status patterns, the mask that pales a partial date, the one that fades an open end
    and, when `used`, the one that fades in an unknown start (`start`) and the patterns of
    stated statuses (`suspended`, `terminated`)."""
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
        fade("start", ("#000", "#fff")) if "start" in used else "",
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
        pattern("suspended", bg, el("rect", {"class": "tl-ink-suspended", "width": 4,
                                             "height": 4}),
                el("rect", {"class": "tl-ink-suspended", "x": 4, "y": 4, "width": 4,
                            "height": 4})) if "suspended" in used else "",
        pattern("terminated", bg,
                el("rect", {"class": "tl-ink-terminated", "width": 8, "height": 2}),
                el("rect", {"class": "tl-ink-terminated", "width": 2, "height": 8}),
                rotate=45) if "terminated" in used else "",
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
    if p.start is None:
        return _undated_bar(p, status, axis, y, ids)
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
        assert p.open_to is not None  # a period without an end fades out until `open_to`
        out.append(_segment(axis, certain_to, p.open_to + day, y, fill,
                            f"url(#{ids}-m-open)", "tl-seg tl-open"))
    return "".join(out) + _renewals(p, axis, y)


def _undated_bar(p: Period, status: str, axis: Axis, y: float, ids: str) -> str:
    """Without a date of signing only an end can be drawn: the bar fades in towards it."""
    if p.end is None:
        return _renewals(p, axis, y)
    fill = f"url(#{ids}-p-{status})"
    end = p.end.earliest if p.end.precision != "day" else p.end.latest + dt.timedelta(days=1)
    out = [_segment(axis, end - dt.timedelta(days=MIN_OPEN), end, y, fill,
                    f"url(#{ids}-m-start)", "tl-seg tl-open")]
    if p.end.precision != "day":
        out.append(_partial(axis, p.end, y, fill, ids, status))
    return "".join(out) + _renewals(p, axis, y)


def _renewals(p: Period, axis: Axis, y: float) -> str:
    """A mark for each dated renewal: a diamond, across a range when the date is partial."""
    day = dt.timedelta(days=1)
    out = []
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
    """The timeline of `agreements` (in chronological order), or None when there are none;
    those without a date of signing go in a group of their own below the others.

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
    axis = axis_of(periods, as_of)
    rows, y, group = [], float(AXIS), ""
    for a, p in zip(items, periods, strict=True):
        if p.start is None and not group:
            group = _group_heading(y, lang)
            y += GROUP
        row, height = remember(card(a.id), ("timeline-row", lang, axis, id_prefix),
                               partial(_row, a, p, site, lang, axis, id_prefix))
        href = escape(ctx.router.url_for("agreement", lang, a.id))
        rows.append(f'<a href="{href}" class="tl-row" transform="translate(0 {y:g})">{row}</a>')
        y += height
    total = y + 6
    grid = _years(axis, total)
    today = pct(axis.x(as_of))
    grid.append(el("line", {"class": "tl-today", "x1": today, "x2": today, "y1": AXIS - 6,
                            "y2": total}))
    title_id = f"{id_prefix}-title"
    present = {a.status.value for a in items if a.status}
    statuses = [s for s in STATUSES if s in present]
    used = set(statuses) | ({"start"} if any(q.start is None for q in periods) else set())
    svg = el("svg", {"class": "timeline", "width": "100%", "height": round(total),
                     "role": "group", "aria-labelledby": title_id},
             el("title", {"id": title_id}, text(t(lang, "timeline_title"))),
             _defs(id_prefix, used), el("g", {"aria-hidden": "true"}, *grid, group), *rows)
    legend = _legend(lang, id_prefix, statuses, periods, format_date(
        PartialDate.from_date(as_of), lang))
    return Timeline(markup(svg), legend, tuple(a.id for a in items))


def _group_heading(y: float, lang: str) -> str:
    """The line and words that open the group of agreements without a date of signing."""
    return (el("rect", {"class": "tl-group", "x": 0, "y": y + 4, "width": "100%",
                        "height": GROUP - 8})
            + el("text", {"class": "tl-group-label", "x": 4, "y": y + GROUP / 2 + 5},
                 text(t(lang, "signed_unknown_group"))))


def _years(axis: Axis, total: float) -> list[str]:
    """A grid line for every year and a label for every few, as many as the width fits: a
    label hidden on phones is `tl-minor`, one hidden on wider screens `tl-minor-wide`."""
    phone, wide = _step(axis, PHONE), _step(axis, WIDE)
    out = []
    for year in range(axis.first, axis.last):
        x = pct(axis.x(dt.date(year, 1, 1)))
        classes = "tl-year"
        for step, name in ((phone, "tl-minor"), (wide, "tl-minor-wide")):
            if not ((year - axis.first) % step == 0 and axis.last - year >= step):
                classes += " " + name
        out.append(el("line", {"class": "tl-grid", "x1": x, "x2": x, "y1": 6, "y2": total}))
        out.append(el("text", {"class": classes, "x": x, "dx": 5, "y": 20}, str(year)))
    return out


def _step(axis: Axis, width: int) -> int:
    """Every how many years `width` px have room for a year label."""
    years = axis.last - axis.first
    return next((step for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                 if width * step / years >= YEAR_LABEL), years) if years else 1


def _name(a: Agreement, p: Period, lang: str, source: str) -> str:
    """The bar's accessible name: title, dates, renewals, status."""
    st = a.status
    assert st is not None
    title = localize(a.title, lang, source)
    signed = format_date(p.start, lang) if p.start else t(lang, "signed_unknown")
    parts = [title.text if title else a.id, t(lang, "timeline_signed", date=signed),
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
    partial = any((q.start and q.start.precision != "day")
                  or (q.end and q.end.precision != "day") for q in periods)
    if partial:
        items.append((swatch(rect(None, f"url(#{p}-m-part)", "tl-key"),
                             rect("none", cls="tl-edge tl-edge-renewed tl-edge-partial")),
                      t(lang, "legend_partial")))
    if any(q.end is None and q.start is not None for q in periods):
        items.append((swatch(rect(None, f"url(#{p}-m-open)", "tl-key")),
                      t(lang, "legend_open")))
    if any(q.end is not None and q.start is None for q in periods):
        items.append((swatch(rect(None, f"url(#{p}-m-start)", "tl-key")),
                      t(lang, "legend_start_unknown")))
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
