"""World outlines for the map: Natural Earth land, decoded from TopoJSON into one SVG path.

The outlines ship with the package (accordi/data/world-atlas/, see its README), so the build
needs no network and no map library. Coordinates are projected with the Natural Earth
projection, simplified to what a screen can show and rounded to whole units of the map's
viewBox, which keeps the inline SVG small.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ATLAS = Path(__file__).resolve().parent.parent / "data" / "world-atlas" / "land-110m.json"

WIDTH = 1000                 # viewBox width; the height follows from the latitudes shown
NORTH, SOUTH = 84.0, -57.0   # Greenland's tip to Cape Horn: Antarctica is left out
TOLERANCE = 0.9              # simplification, in viewBox units (about 0.3 degrees)
MIN_AREA = 6.0               # islands smaller than this (square units) are not drawn

Point = tuple[float, float]


def natural_earth(lon: float, lat: float) -> Point:
    """Natural Earth projection (Šavrič, Jenny, Patterson, Petrovič, Hurni, 2011), in radians
    on the unit sphere; y grows northwards."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (
        0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2
                                                     - 0.005916 * phi4)))
    return x, y


@dataclass(frozen=True)
class Frame:
    """The map's viewBox: where a longitude and latitude land in it."""

    width: float
    height: float
    scale: float
    top: float

    @classmethod
    def world(cls) -> Frame:
        half = natural_earth(180.0, 0.0)[0]
        scale = WIDTH / (2 * half)
        top = natural_earth(0.0, NORTH)[1]
        bottom = natural_earth(0.0, SOUTH)[1]
        return cls(WIDTH, round((top - bottom) * scale), scale, top)

    def point(self, lon: float, lat: float) -> Point:
        """viewBox coordinates of a place."""
        x, y = natural_earth(lon, lat)
        return self.width / 2 + x * self.scale, (self.top - y) * self.scale


def rings(topology: dict, name: str = "land") -> list[list[Point]]:
    """Every polygon ring of a TopoJSON object, in longitude and latitude."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:   # positions are delta-encoded and quantized
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[Point]:
        out: list[Point] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    found = []
    for geometry in topology["objects"][name]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])],
                    "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        for polygon in polygons:
            found += [ring(r) for r in polygon]
    return found


def split_at_antimeridian(outline: list[Point]) -> list[list[Point]]:
    """A ring that crosses longitude 180 as its western and eastern pieces, each closed
    along the meridian, so that no edge runs across the whole map (Fiji, Chukotka)."""
    crossings = sum(abs(b[0] - a[0]) > 180 for a, b in zip(outline, outline[1:], strict=False))
    if not crossings or crossings % 2:
        return [outline]  # an odd count goes around a pole (Antarctica): outside the frame
    unwrapped, shift = [outline[0]], 0.0
    for (lon0, _), (lon1, lat1) in zip(outline, outline[1:], strict=False):
        if lon1 - lon0 > 180:
            shift -= 360
        elif lon0 - lon1 > 180:
            shift += 360
        unwrapped.append((lon1 + shift, lat1))
    if min(lon for lon, _ in unwrapped) < -180:
        unwrapped = [(lon + 360, lat) for lon, lat in unwrapped]
    west = _clip(unwrapped, lambda lon: lon <= 180)
    east = [(lon - 360, lat) for lon, lat in _clip(unwrapped, lambda lon: lon >= 180)]
    return [piece for piece in (west, east) if len(piece) >= 3]


def _clip(ring: list[Point], inside) -> list[Point]:
    """Sutherland-Hodgman against the meridian 180: the part of `ring` where `inside`."""
    out: list[Point] = []
    for (lon0, lat0), (lon1, lat1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if inside(lon1):
            if not inside(lon0):
                out.append((180.0, lat0 + (lat1 - lat0) * (180 - lon0) / (lon1 - lon0)))
            out.append((lon1, lat1))
        elif inside(lon0):
            out.append((180.0, lat0 + (lat1 - lat0) * (180 - lon0) / (lon1 - lon0)))
    return out


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: drop points closer than `tolerance` to the line they sit on."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(points: list[tuple[int, int]]) -> float:
    """Unsigned area of a closed ring (shoelace)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(points, points[1:] + points[:1], strict=True))) / 2


def path_data(frame: Frame, outlines: list[list[Point]]) -> str:
    """One compact SVG path: absolute move, then relative whole-unit steps per ring."""
    parts = []
    pieces = [piece for outline in outlines for piece in split_at_antimeridian(outline)]
    for outline in pieces:
        if max(lat for _, lat in outline) < SOUTH:
            continue  # Antarctica lies outside the frame
        projected = simplify([frame.point(lon, lat) for lon, lat in outline], TOLERANCE)
        points: list[tuple[int, int]] = []
        for x, y in projected:
            p = (round(x), round(y))
            if not points or p != points[-1]:
                points.append(p)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3 or area(points) < MIN_AREA:
            continue
        (x0, y0), steps = points[0], []
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            steps.append(f"{bx - ax} {by - ay}")
        parts.append(f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


@cache
def land() -> tuple[Frame, str]:
    """The world frame and the land's path data (computed once per process)."""
    frame = Frame.world()
    return frame, path_data(frame, rings(json.loads(ATLAS.read_text(encoding="utf-8"))))
