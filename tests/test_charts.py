"""The pictures: the map of partner cities and the timeline of agreements, read back as XML.

Each SVG is parsed with xml.etree, the way any XML reader would see it: markers and bars are
counted, ordered and followed to their links; partial dates are checked to be drawn as spans.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from accordi.charts import geo
from accordi.charts.map import world_map
from accordi.charts.timeline import Axis, chronological, period, timeline
from accordi.cli import load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.dates import PartialDate
from accordi.i18n import strings
from accordi.routes import Router
from tests.conftest import FIXTURE, context, make_site, page_specs

AS_OF = dt.date(2026, 1, 1)
ROUTER = Router("/accordi/")


def site_of(content: Path, as_of: dt.date = AS_OF):
    site, errors = load_site(Paths(content=content, output=content.parent / "out"), as_of)
    assert site is not None, [e.format() for e in errors.sorted()]
    return site


@pytest.fixture(scope="module")
def real():
    return site_of(PROJECT_ROOT / "content")


@pytest.fixture(scope="module")
def fixture_site():
    return site_of(FIXTURE)


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def pct(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


# -- outlines ------------------------------------------------------------------------------


def test_the_outlines_are_the_packaged_natural_earth_file():
    """The vendored file is byte for byte the one its README names (package and checksum)."""
    readme = (geo.ATLAS.parent / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"sha256: ([0-9a-f]{64})", readme).group(1)
    assert hashlib.sha256(geo.ATLAS.read_bytes()).hexdigest() == recorded
    assert "world-atlas@2.0.2" in readme and "Natural Earth" in readme
    assert (geo.ATLAS.parent / "LICENSE").is_file()


def test_natural_earth_projection_known_points():
    assert geo.natural_earth(0, 0) == (0, 0)
    x, y = geo.natural_earth(180, 0)
    assert x == pytest.approx(0.8707 * 3.141592653589793)
    assert y == 0
    # The poles are flattened, not points: the projection's y at 90° is about 1.42.
    assert geo.natural_earth(0, 90)[1] == pytest.approx(1.4224, abs=1e-3)
    assert geo.natural_earth(-90, 45) == pytest.approx((-geo.natural_earth(90, 45)[0],
                                                        geo.natural_earth(90, 45)[1]))


def test_topojson_arcs_are_decoded_with_the_transform_and_reversed_when_negative():
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
                "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]],
                "objects": {"land": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "arcs": [[[~1]]]}]}}}
    first, second = geo.rings(topology)
    assert first == [(-10, 20), (-8, 20), (-8, 21), (-10, 21), (-10, 20)]
    assert second == [(-10, 20), (-10, 21), (-8, 21)]


def test_a_ring_across_longitude_180_is_cut_there_not_drawn_across_the_map():
    fiji = [(178.0, -17.0), (180.0, -16.0), (-179.0, -16.5), (-179.5, -17.5), (178.5, -18.0),
            (178.0, -17.0)]
    pieces = geo.split_at_antimeridian(fiji)
    assert len(pieces) == 2
    west, east = pieces
    assert all(lon >= 178 for lon, _ in west) and all(lon <= -179 or lon == -180
                                                     for lon, _ in east)
    assert any(lon == 180 for lon, _ in west) and any(lon == -180 for lon, _ in east)
    land = json.loads(geo.ATLAS.read_text(encoding="utf-8"))
    for outline in geo.rings(land):
        if max(lat for _, lat in outline) < geo.SOUTH:
            continue  # Antarctica goes around the pole and is left out of the map
        for piece in geo.split_at_antimeridian(outline):
            assert all(abs(b[0] - a[0]) <= 180 for a, b in zip(piece, piece[1:], strict=False))


def test_the_land_path_is_small_and_stays_inside_the_frame():
    frame, d = geo.land()
    assert frame.width == 1000 and 400 < frame.height < 480
    assert len(d.encode()) < 12_000, len(d.encode())  # compact enough to inline on a page
    x = y = 0
    for command, args in re.findall(r"([Mlz])([^Mlz]*)", d):
        numbers = [int(n) for n in re.findall(r"-?\d+", args)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        for i, (a, b) in enumerate(pairs):
            x, y = (a, b) if command == "M" and i == 0 else (x + a, y + b)
            assert -1 <= x <= frame.width + 1 and -1 <= y <= frame.height + 1
    assert d.count("M") > 50  # continents and the larger islands


# -- map -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_one_linked_named_marker_per_city_west_to_east(real, lang):
    svg = parse(world_map(context(real, ROUTER), lang).svg)
    cities = sorted((p for p in real.partners.values() if p.kind == "city"),
                    key=lambda p: p.location[1])
    links = svg.findall(".//a")
    assert [a.get("href") for a in links] == [ROUTER.url_for("partner", lang, p.id)
                                              for p in cities]
    assert len(links) == len(cities) >= 4
    for a, p in zip(links, cities, strict=True):
        name = p.name.get(lang, p.name["it"])
        assert a.find("title").text.startswith(f"{name}, ")
        assert a.find("text").text == name
        assert len(a.findall("circle")) == 1
    xs = [float(a.find("circle").get("cx")) for a in links]
    assert xs == sorted(xs)
    assert svg.get("viewBox") == f"0 0 {geo.WIDTH} {geo.land()[0].height}"
    assert svg.find("title").text == strings(lang)["map_title"]


def test_markers_sit_where_their_cities_are(real):
    svg = parse(world_map(context(real, ROUTER), "en").svg)
    frame = geo.land()[0]
    by_href = {a.get("href"): a.find("circle") for a in svg.findall(".//a")}
    riga, new_york = (by_href[ROUTER.url_for("partner", "en", x)] for x in ("riga", "new-york"))
    assert float(new_york.get("cx")) < frame.width / 2 < float(riga.get("cx"))  # west, east
    assert float(riga.get("cy")) < float(new_york.get("cy"))  # Riga is further north
    assert float(riga.get("cx")) == pytest.approx(frame.point(24.1052, 56.9496)[0], abs=0.1)


def test_institutions_are_not_on_the_map_but_listed_beside_it(real):
    specs = {(s.kind, s.lang): s for s in page_specs(real, ROUTER)}
    for kind in ("home", "partners"):
        for lang in ("it", "en"):
            context = specs[(kind, lang)].context
            hrefs = {a.get("href") for a in parse(context["map"].svg).findall(".//a")}
            assert ROUTER.url_for("partner", lang, "cciaa-milano") not in hrefs
            assert [(g["kind"], [p["id"] for p in g["partners"]]) for g in context["others"]] \
                == [("institution", ["cciaa-milano"])]


def test_labels_do_not_overlap_each_other(real):
    """Chengdu and Guangzhou are close: their labels take different sides."""
    svg = parse(world_map(context(real, ROUTER), "en").svg)
    anchors = {a.find("text").text: (a.find("text").get("text-anchor"),
                                      a.find("text").get("dominant-baseline"))
               for a in svg.findall(".//a")}
    assert anchors["Chengdu"] != anchors["Guangzhou"]


def test_no_map_without_a_located_city(tmp_path):
    content = make_site(tmp_path, {"partners/lisbona.yaml": (
        FIXTURE / "partners/lisbona.yaml").read_text().replace("kind: city", "kind: institution")
        .replace("location: {lat: 38.7223, lon: -9.1393}\n", "")})
    assert world_map(context(site_of(content), ROUTER), "it") is None


# -- timeline ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_one_linked_named_bar_per_agreement_in_order_of_signing(real, lang):
    chart = timeline(real.agreements.values(), context(real, ROUTER), lang)
    svg = parse(chart.svg)
    rows = svg.findall("a")
    ordered = sorted(real.agreements.values(), key=lambda a: (a.signed.earliest, a.id))
    assert [a.get("href") for a in rows] == [ROUTER.url_for("agreement", lang, a.id)
                                             for a in ordered]
    assert list(chart.order) == [a.id for a in ordered]
    assert len(rows) == len(real.agreements) == 7
    for row, a in zip(rows, ordered, strict=True):
        name = row.find("title").text
        assert name.startswith(a.title.get(lang, a.title["it"]))
        assert name.endswith(strings(lang)[f"status_{a.status.value}"])
        label = " ".join("".join(t.itertext()) for t in row.findall("text"))
        assert strings(lang)[f"status_{a.status.value}"] in label
        segments = row.findall("rect[@class='tl-seg tl-certain']")
        assert len(segments) == 1
        assert f"-p-{a.status.value})" in segments[0].get("fill")  # status pattern
    tops = [float(r.find("rect[@class='tl-hit']").get("y")) for r in rows]
    assert tops == sorted(tops)


def segments(row: ET.Element) -> dict[str, list[tuple[float, float]]]:
    """Segments of a bar by class, as (left, right) percentages."""
    out: dict[str, list[tuple[float, float]]] = {}
    for r in row.findall("rect"):
        if "tl-seg" in (r.get("class") or ""):
            left = pct(r.get("x"))
            out.setdefault(r.get("class"), []).append((left, left + pct(r.get("width"))))
    return out


def test_a_year_only_date_is_drawn_across_its_year_never_as_1_january(fixture_site):
    chart = timeline(fixture_site.agreements.values(), context(fixture_site, ROUTER), "en")
    rows = {r.get("href"): r for r in parse(chart.svg).findall("a")}
    row = rows[ROUTER.url_for("agreement", "en", "lisbona-2012")]  # signed: 2012
    axis = Axis(2012, AS_OF.year + 1)
    seg = segments(row)
    (start,) = seg["tl-seg tl-partial"]
    assert start == pytest.approx((axis.x(dt.date(2012, 1, 1)), axis.x(dt.date(2013, 1, 1))),
                                  abs=0.01)
    assert row.find("rect[@class='tl-seg tl-partial']").get("mask").endswith("-m-part)")
    (certain,) = seg["tl-seg tl-certain"]
    assert certain[0] == pytest.approx(axis.x(dt.date(2013, 1, 1)), abs=0.01)
    # Renewed in 2014 and in May 2017, with no end given: marks as ranges, then an open end.
    ranges = [(pct(line.get("x1")), pct(line.get("x2")))
              for line in row.findall("line[@class='tl-renewal-range']")]
    assert ranges == [
        pytest.approx((axis.x(dt.date(2014, 1, 1)), axis.x(dt.date(2015, 1, 1))), abs=0.01),
        pytest.approx((axis.x(dt.date(2017, 5, 1)), axis.x(dt.date(2017, 6, 1))), abs=0.01)]
    (open_end,) = seg["tl-seg tl-open"]
    assert open_end[0] == pytest.approx(certain[1], abs=0.01)
    assert open_end[1] == pytest.approx(axis.x(AS_OF + dt.timedelta(days=1)), abs=0.01)
    assert "tl-seg tl-partial" not in segments(rows[ROUTER.url_for("agreement", "en",
                                                                   "lisbona-2021")])


def test_period_follows_the_sources(real, fixture_site):
    def p(site, aid):
        return period(site.agreements[aid], site)

    riga = p(real, "milano-riga-2018")  # 2 February 2018 plus two years
    assert riga.end == PartialDate(2020, 2, 2) and riga.open_from is None
    nyc = p(real, "milano-new-york-digital-bridge-2016")  # no duration stated
    assert nyc.end is None and nyc.open_from == dt.date(2016, 11, 25)
    assert nyc.open_to == AS_OF
    chengdu = p(real, "milano-chengdu-2015")  # three years, then renewed without a date
    assert chengdu.end is None and chengdu.open_from == dt.date(2018, 9, 30)
    assert chengdu.renewals == () and chengdu.undated_renewals == 1
    lisbona = p(fixture_site, "lisbona-2012")
    assert lisbona.renewals == (PartialDate(2014), PartialDate(2017, 5))
    assert lisbona.open_from == dt.date(2017, 5, 1)


def test_a_year_only_end_fades_across_its_year(tmp_path):
    content = make_site(tmp_path, {"agreements/lisbona-2012.it.md": (
        FIXTURE / "agreements/lisbona-2012.it.md").read_text(encoding="utf-8")
        .replace("signed: 2012\nrenewals:\n  - {date: 2014}\n  - {date: 2017-05, note: {it: "
                 "\"Rinnovo per un ulteriore biennio.\", en: \"Renewed for a further two "
                 "years.\"}}\n", "signed: 2012-03-01\nexpires: 2015\n")})
    site = site_of(content)
    a = site.agreements["lisbona-2012"]
    assert a.expires == PartialDate(2015)
    chart = timeline([a], context(site, ROUTER), "it")
    row = parse(chart.svg).find("a")
    axis = Axis(2012, AS_OF.year + 1)
    seg = segments(row)
    assert seg["tl-seg tl-certain"] == [pytest.approx(
        (axis.x(dt.date(2012, 3, 1)), axis.x(dt.date(2015, 1, 1))), abs=0.01)]
    assert seg["tl-seg tl-partial"] == [pytest.approx(
        (axis.x(dt.date(2015, 1, 1)), axis.x(dt.date(2016, 1, 1))), abs=0.01)]
    assert row.find("rect[@class='tl-seg tl-partial']").get("mask").endswith("-m-part)")
    assert "tl-seg tl-open" not in seg


def test_a_replaced_agreement_without_an_end_fades_until_its_successor(tmp_path):
    text = (FIXTURE / "agreements/ateneo-2019.it.md").read_text(encoding="utf-8")
    content = make_site(tmp_path, {"agreements/ateneo-2019.it.md":
                                   text.replace("expires: 2021-06-30\n", "")})
    site = site_of(content)
    p = period(site.agreements["ateneo-2019"], site)
    assert site.agreements["ateneo-2019"].status.value == "superseded"
    assert p.end is None and p.open_to == dt.date(2021, 7, 6)  # ateneo-2021 signed


@pytest.mark.parametrize("lang", ["it", "en"])
def test_each_partner_page_has_its_slice(real, lang):
    specs = [s for s in page_specs(real, ROUTER) if s.kind == "partner" and s.lang == lang]
    assert len(specs) == len(real.partners)
    for spec in specs:
        partner = real.partners[spec.id]
        rows = parse(spec.context["chart"].svg).findall("a")
        mine = chronological(real.agreements[x] for x in partner.agreements)
        assert [r.get("href") for r in rows] == [
            ROUTER.url_for("agreement", lang, a.id) for a in mine]
        assert [i["id"] for i in spec.context["agreements"]] == [a.id for a in mine]


def test_the_timeline_page_exists_in_both_languages_with_its_twin(real):
    specs = {s.lang: s for s in page_specs(real, ROUTER) if s.kind == "timeline"}
    assert specs["it"].output == "it/cronologia/index.html"
    assert specs["en"].output == "en/timeline/index.html"
    assert specs["it"].alternates == specs["en"].alternates == {
        "it": "/accordi/it/cronologia/", "en": "/accordi/en/timeline/"}
    words = specs["en"].context["agreements"]
    assert [w["id"] for w in words] == list(specs["en"].context["chart"].order)
    digital = next(w for w in words if w["id"] == "milano-new-york-digital-bridge-2016")
    assert digital["end"] == strings("en")["end_not_stated"] and digital["end_iso"] == ""


def test_legend_names_every_status_drawn_and_each_kind_of_mark(fixture_site):
    chart = timeline(fixture_site.agreements.values(), context(fixture_site, ROUTER), "en")
    legend = ET.fromstring(str(chart.legend))
    labels = ["".join(li.itertext()) for li in legend.findall("li")]
    en = strings("en")
    drawn = {a.status.value for a in fixture_site.agreements.values()}
    assert {en[f"status_{s}"] for s in drawn} <= set(labels)
    assert en["legend_partial"] in labels and en["legend_open"] in labels
    # The fixture's renewals are dated 2014 and May 2017: only the partial mark is explained.
    assert en["legend_renewal_partial"] in labels and en["legend_renewal"] not in labels
    assert en["legend_today"].format(date="1 January 2026") in labels
