"""The map of partner cities: an inline SVG world map, one linked marker per city.

Drawn at build time from the Natural Earth outlines in `geo`; no tiles, no script. Markers go
west to east, which is also their keyboard order. Labels are placed so that they neither
overlap one another nor cover another marker (at the larger size phones use); they repeat
what the marker's accessible name says, which is its `<title>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..i18n import country_name, localize, t
from ..output import Context, whole
from ..records import Partner, Site
from ..routes import Router
from . import geo
from .svg import el, markup, text

DOT = 9                  # marker radius, in viewBox units
LABEL_FONT = 38          # the larger label size (phones); desktops use a smaller one in CSS
CHAR = 0.58              # average character width, in font sizes (a generous estimate)
GAP = 6


@dataclass(frozen=True)
class Place:
    """A city partner where the map shows it."""

    partner: Partner
    x: float
    y: float


def places(site: Site) -> list[Place]:
    """City partners with a location, west to east (then by id)."""
    frame, _ = geo.land()
    out = []
    for p in site.partners.values():
        if p.kind == "city" and p.location is not None:
            lat, lon = p.location
            x, y = frame.point(lon, lat)
            out.append(Place(p, x, y))
    return sorted(out, key=lambda pl: (pl.partner.location[1], pl.partner.id))


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_spot(pl: Place, width: float, taken: list[Box], dots: list[Box],
                frame: geo.Frame) -> tuple[str, Box]:
    """Right, left, above or below the marker: the first spot free and inside the map."""
    h, off = LABEL_FONT, DOT + GAP
    spots = {
        "right": (pl.x + off, pl.y - h / 2, pl.x + off + width, pl.y + h / 2),
        "left": (pl.x - off - width, pl.y - h / 2, pl.x - off, pl.y + h / 2),
        "above": (pl.x - width / 2, pl.y - off - h, pl.x + width / 2, pl.y - off),
        "below": (pl.x - width / 2, pl.y + off, pl.x + width / 2, pl.y + off + h),
    }
    inside = [(k, b) for k, b in spots.items()
              if b[0] >= 0 and b[1] >= 0 and b[2] <= frame.width and b[3] <= frame.height]
    for side, box in inside:
        if not any(_overlaps(box, other) for other in taken + dots):
            return side, box
    return (inside or list(spots.items()))[0]


def _label(pl: Place, name: str, side: str, lang: str | None) -> str:
    off = DOT + GAP
    x, y, anchor, baseline = {
        "right": (pl.x + off, pl.y, "start", "central"),
        "left": (pl.x - off, pl.y, "end", "central"),
        "above": (pl.x, pl.y - off, "middle", "auto"),
        "below": (pl.x, pl.y + off, "middle", "hanging"),
    }[side]
    return el("text", {"class": "map-label", "x": round(x, 1), "y": round(y, 1),
                       "text-anchor": anchor, "dominant-baseline": baseline, "lang": lang},
              text(name))


def world_map(ctx: Context, lang: str, id_prefix: str = "map") -> Markup | None:
    """The map as inline SVG, or None when no city has a location; made once for every page
    that shows it (placing the labels of hundreds of cities takes a while)."""
    return ctx.session.remember(whole("map"), (lang, id_prefix),
                                lambda: _world_map(ctx.site, ctx.router, lang, id_prefix))


def _world_map(site: Site, router: Router, lang: str, id_prefix: str) -> Markup | None:
    spots = places(site)
    if not spots:
        return None
    frame, land = geo.land()
    source = site.settings.source_lang
    dots = [(pl.x - DOT, pl.y - DOT, pl.x + DOT, pl.y + DOT) for pl in spots]
    taken: list[Box] = []
    markers = []
    for pl in spots:
        p = pl.partner
        name = localize(p.name, lang, source)
        assert name is not None
        count = len(p.agreements)
        agreements = (t(lang, "one_agreement") if count == 1
                      else t(lang, "n_agreements", n=count))
        title = t(lang, "map_place", name=name.text, country=country_name(p.country, lang),
                  agreements=agreements)
        others = [d for d, other in zip(dots, spots, strict=True) if other is not pl]
        side, box = _label_spot(pl, len(name.text) * LABEL_FONT * CHAR, taken, others, frame)
        taken.append(box)
        markers.append(el(
            "a", {"href": router.url_for("partner", lang, p.id), "class": "map-place"},
            el("title", None, text(title)),
            el("circle", {"class": "map-dot", "cx": round(pl.x, 1), "cy": round(pl.y, 1),
                          "r": DOT}),
            _label(pl, name.text, side, name.lang if name.lang != lang else None)))
    title_id = f"{id_prefix}-title"
    return markup(el(
        "svg", {"class": "map", "viewBox": f"0 0 {frame.width} {frame.height}",
                "role": "group", "aria-labelledby": title_id},
        el("title", {"id": title_id}, text(t(lang, "map_title"))),
        el("path", {"class": "map-sphere", "d": _sphere(frame)}),
        el("path", {"class": "map-land", "d": land}),
        el("g", {"class": "map-places"}, *markers)))


def _sphere(frame: geo.Frame) -> str:
    """The edge of the projected world within the frame (the ocean)."""
    lats = range(int(geo.SOUTH), int(geo.NORTH) + 1, 3)
    east = [frame.point(180, lat) for lat in lats]
    west = [frame.point(-180, lat) for lat in reversed(lats)]
    return "M" + "L".join(f"{round(x)} {round(y)}" for x, y in east + west) + "Z"
