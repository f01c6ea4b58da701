"""The map of partner cities: an inline SVG world map, one linked marker per city.

Drawn at build time from the Natural Earth outlines in `geo`; no tiles, no script. Markers go
west to east, which is also their keyboard order. Labels are placed one by one, on the first
of eight sides of their marker where they neither overlap a label placed before nor cover
another marker (at the larger size phones use); a city with no free side gets a number
instead, and the list under the map names it. Labels repeat what the marker's accessible name
says, which is its `<title>`. The owner's city (site.yaml `owner.location`) is a named
square, placed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..i18n import country_name, localize, t
from ..labels import count
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
    return sorted(out, key=_west_to_east)


def _west_to_east(pl: Place) -> tuple[float, str]:
    location = pl.partner.location
    assert location is not None  # only partners with a location are placed
    return location[1], pl.partner.id


Box = tuple[float, float, float, float]  # left, top, right, bottom
SIDES = ("right", "left", "above", "below", "above-right", "below-right", "above-left",
         "below-left")


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _anchor(x: float, y: float, side: str) -> tuple[float, float, str, str]:
    """Where a label beside a marker at (x, y) starts, and how it is anchored."""
    off, diag = DOT + GAP, (DOT + GAP) * 0.7
    return {
        "right": (x + off, y, "start", "central"),
        "left": (x - off, y, "end", "central"),
        "above": (x, y - off, "middle", "auto"),
        "below": (x, y + off, "middle", "hanging"),
        "above-right": (x + diag, y - diag, "start", "auto"),
        "below-right": (x + diag, y + diag, "start", "hanging"),
        "above-left": (x - diag, y - diag, "end", "auto"),
        "below-left": (x - diag, y + diag, "end", "hanging"),
    }[side]


def _box(x: float, y: float, side: str, width: float) -> Box:
    ax, ay, anchor, baseline = _anchor(x, y, side)
    h = LABEL_FONT
    left = {"start": ax, "end": ax - width, "middle": ax - width / 2}[anchor]
    top = {"central": ay - h / 2, "auto": ay - h, "hanging": ay}[baseline]
    return (left, top, left + width, top + h)


def _label_spot(x: float, y: float, width: float, taken: list[Box], dots: list[Box],
                frame: geo.Frame) -> tuple[str, Box] | None:
    """The first side of the marker where a label of `width` is free and inside the map;
    None when every side is taken."""
    for side in SIDES:
        box = _box(x, y, side, width)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= frame.width and box[3] <= frame.height
        if inside and not any(_overlaps(box, other) for other in taken + dots):
            return side, box
    return None


def _label(x: float, y: float, name: str, side: str, lang: str | None, cls: str) -> str:
    ax, ay, anchor, baseline = _anchor(x, y, side)
    return el("text", {"class": cls, "x": round(ax, 1), "y": round(ay, 1),
                       "text-anchor": anchor, "dominant-baseline": baseline, "lang": lang},
              text(name))


@dataclass(frozen=True)
class WorldMap:
    """The map, what its square stands for, and the places too crowded to be named on it
    (numbered there, named in the list under it)."""

    svg: Markup
    owner: str | None                       # the sentence naming the owner's city
    numbered: tuple[dict[str, object], ...]  # {number, name (Local), url}


def world_map(ctx: Context, lang: str, id_prefix: str = "map") -> WorldMap | None:
    """The map, or None when neither a city nor the owner has a location; made once for
    every page that shows it (placing the labels of hundreds of cities takes a while)."""
    return ctx.session.remember(whole("map"), (lang, id_prefix),
                                lambda: _world_map(ctx.site, ctx.router, lang, id_prefix))


class _Placer:
    """Labels placed one after another, each where none placed before it is."""

    def __init__(self, frame: geo.Frame, dots: list[Box]):
        self.frame, self.dots = frame, dots
        self.taken: list[Box] = []

    def place(self, x: float, y: float, name: str, own: Box | None) -> str | None:
        """The side a label fits on, or None; the label then takes its place."""
        others = [d for d in self.dots if d != own]
        found = _label_spot(x, y, len(name) * LABEL_FONT * CHAR, self.taken, others,
                            self.frame)
        if found is None:
            return None
        self.taken.append(found[1])
        return found[0]

    def force(self, x: float, y: float, name: str, own: Box | None) -> str:
        """A short label (a number): the first free side, else the first inside the map."""
        side = self.place(x, y, name, own)
        if side is not None:
            return side
        box = _box(x, y, "right", len(name) * LABEL_FONT * CHAR)
        self.taken.append(box)
        return "right" if box[2] <= self.frame.width else "left"


def _world_map(site: Site, router: Router, lang: str, id_prefix: str) -> WorldMap | None:
    spots = places(site)
    frame, land = geo.land()
    owner = _owner(site, frame)
    if not spots and owner is None:
        return None
    source = site.settings.source_lang
    dots = [(pl.x - DOT, pl.y - DOT, pl.x + DOT, pl.y + DOT) for pl in spots]
    placer = _Placer(frame, dots + ([owner[2]] if owner else []))
    shapes = [_owner_mark(site, owner, placer, lang)] if owner else []
    numbered: list[dict[str, object]] = []
    for pl, dot in zip(spots, dots, strict=True):
        p = pl.partner
        name = localize(p.name, lang, source)
        assert name is not None
        title = t(lang, "map_place", name=name.text, country=country_name(p.country, lang),
                  agreements=count(len(p.agreements), lang))
        url = router.url_for("partner", lang, p.id)
        side = placer.place(pl.x, pl.y, name.text, dot)
        if side is None:  # no room for the name: a number, the name in the list below
            numbered.append({"number": len(numbered) + 1, "name": name, "url": url})
            number = str(len(numbered))
            label = _label(pl.x, pl.y, number, placer.force(pl.x, pl.y, number, dot), None,
                           "map-label map-number")
        else:
            label = _label(pl.x, pl.y, name.text, side, name.lang if name.lang != lang
                           else None, "map-label")
        shapes.append(el(
            "a", {"href": url, "class": "map-place"}, el("title", None, text(title)),
            el("circle", {"class": "map-dot", "cx": round(pl.x, 1), "cy": round(pl.y, 1),
                          "r": DOT}), label))
    title_id = f"{id_prefix}-title"
    svg = markup(el(
        "svg", {"class": "map", "viewBox": f"0 0 {frame.width} {frame.height}",
                "role": "group", "aria-labelledby": title_id},
        el("title", {"id": title_id}, text(t(lang, "map_title"))),
        el("path", {"class": "map-sphere", "d": _sphere(frame)}),
        el("path", {"class": "map-land", "d": land}),
        el("g", {"class": "map-places"}, *shapes)))
    city = _owner_city(site, lang)
    return WorldMap(svg, t(lang, "map_owner_caption", city=city) if owner else None,
                    tuple(numbered))


def _owner(site: Site, frame: geo.Frame) -> tuple[float, float, Box] | None:
    """Where the owner's city is on the map (site.yaml `owner.location`), if given."""
    loc = site.settings.owner_location
    if loc is None:
        return None
    x, y = frame.point(loc[1], loc[0])
    return x, y, (x - DOT, y - DOT, x + DOT, y + DOT)


def _owner_city(site: Site, lang: str) -> str:
    s = site.settings
    name = localize(s.owner_city or s.owner_name, lang, s.source_lang)
    return name.text if name else ""


def _owner_mark(site: Site, owner: tuple[float, float, Box], placer: _Placer,
                lang: str) -> str:
    """The owner's city: a square, not a link (the whole site is its own), named."""
    x, y, box = owner
    city = _owner_city(site, lang)
    owner_name = localize(site.settings.owner_name, lang, site.settings.source_lang)
    side = placer.place(x, y, city, box) or placer.force(x, y, city, box)
    return el("g", {"class": "map-owner", "role": "img"},
              el("title", None, text(t(lang, "map_owner", city=city,
                                       owner=owner_name.text if owner_name else ""))),
              el("rect", {"class": "map-owner-mark", "x": round(x - DOT, 1),
                          "y": round(y - DOT, 1), "width": 2 * DOT, "height": 2 * DOT}),
              _label(x, y, city, side, None, "map-label map-owner-label"))


def _sphere(frame: geo.Frame) -> str:
    """The edge of the projected world within the frame (the ocean)."""
    lats = range(int(geo.SOUTH), int(geo.NORTH) + 1, 3)
    east = [frame.point(180, lat) for lat in lats]
    west = [frame.point(-180, lat) for lat in reversed(lats)]
    return "M" + "L".join(f"{round(x)} {round(y)}" for x, y in east + west) + "Z"
