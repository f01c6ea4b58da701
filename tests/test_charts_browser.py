"""The map and the timeline of the real content in headless Chromium, at phone and desktop
width: what a person sees (screenshots under test-artifacts/screenshots/), what a keyboard
reaches, what a screen reader is told, and that the CSP stays silent."""

from __future__ import annotations

import datetime as dt

import pytest

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
FOCUS = "rgb(255, 191, 71)"  # --focus in site.css

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("charts") / "output"
    build_once(Paths(content=PROJECT_ROOT / "content", output=out),
                   dt.date(2026, 1, 1), base_url=PUBLIC)
    with SiteServer(out, prefix="/accordi/") as server:
        yield server


def open_page(browser, server, rel, viewport):
    """A page at `viewport`, with console errors (CSP violations among them) collected."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning")
            else None)
    page.goto(server.base_url + rel)
    return context, page, errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_map_screenshots_fit_and_name_every_city(served, browser, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for rel, shot in (("it/", f"map-{viewport}.png"),
                      ("en/partners/", f"map-partners-en-{viewport}.png")):
        context, page, errors = open_page(browser, served, rel, viewport)
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[
            viewport]["width"]
        svg = page.locator("svg.map")
        box = svg.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]
        assert svg.locator("a").count() == 4  # New York, Riga, Chengdu, Guangzhou
        lang = rel[:2]
        name = {"it": "Riga, Lettonia: 1 accordo", "en": "Riga, Latvia: 1 agreement"}[lang]
        assert svg.get_by_role("link", name=name, exact=True).count() == 1
        # The institution is listed beside the map, not drawn on it.
        beside = page.locator(".map-aside")
        assert beside.get_by_role("link", name="Camera di Commercio" if lang == "it"
                                  else "Chamber of Commerce").count() == 1
        page.locator(".map-block").screenshot(path=str(SHOTS / shot))
        assert (SHOTS / shot).stat().st_size > 5_000
        assert errors == []
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_timeline_screenshots_fit_and_name_every_agreement(served, browser, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for rel, shot in (("it/cronologia/", f"timeline-{viewport}.png"),
                      ("en/timeline/", f"timeline-en-{viewport}.png"),
                      ("en/partners/new-york/", f"timeline-partner-en-{viewport}.png")):
        context, page, errors = open_page(browser, served, rel, viewport)
        width = VIEWPORTS[viewport]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        svg = page.locator("svg.timeline")
        rows = svg.locator("a.tl-row")
        expected = 2 if "new-york" in rel else 7
        assert rows.count() == expected
        # Every bar lies inside the chart, whatever the width.
        chart = svg.bounding_box()
        for rect in svg.locator("rect.tl-seg").all():
            b = rect.bounding_box()
            assert b and chart["x"] - 0.5 <= b["x"] and b["x"] + b["width"] <= (
                chart["x"] + chart["width"] + 0.5)
        # The list that says the same in words is there too, in the same order.
        hrefs = [rows.nth(i).get_attribute("href") for i in range(expected)]
        listed = page.locator(".period-list .card-title a")
        assert [listed.nth(i).get_attribute("href") for i in range(expected)] == hrefs
        page.locator(".timeline-figure").screenshot(path=str(SHOTS / shot))
        assert (SHOTS / shot).stat().st_size > 5_000
        assert errors == []
        context.close()


def test_timeline_rows_are_links_with_the_agreement_name(served, browser):
    context, page, _ = open_page(browser, served, "en/timeline/", "desktop")
    link = page.locator("svg.timeline").get_by_role(
        "link", name="Memorandum of collaboration between Milan and Riga; signed: 2 February "
        "2018; end: 2 February 2020; Expired", exact=True)
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/agreements/milano-riga-2018/")
    context.close()


def test_keyboard_reaches_markers_and_bars_with_a_visible_focus(served, browser):
    context, page, _ = open_page(browser, served, "en/", "desktop")
    dot = page.locator("svg.map a").first.locator("circle")
    before = dot.evaluate("e => getComputedStyle(e).fill")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg.map') !== null"):
            break
    else:
        pytest.fail("Tab never reached the map")
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith(
        "/en/partners/new-york/")  # the westernmost city comes first
    after = dot.evaluate("e => getComputedStyle(e).fill")
    assert after == FOCUS != before
    page.locator(".map-figure").screenshot(path=str(SHOTS / "map-focus-desktop.png"))

    page.goto(served.base_url + "en/timeline/")
    hit = page.locator("svg.timeline a.tl-row").first.locator("rect.tl-hit")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg.timeline') !== null"):
            break
    else:
        pytest.fail("Tab never reached the timeline")
    assert hit.evaluate("e => getComputedStyle(e).strokeWidth") == "3px"
    context.close()


def test_print_keeps_both_pictures_and_their_words(served, browser):
    context, page, _ = open_page(browser, served, "it/cronologia/", "desktop")
    page.emulate_media(media="print")
    assert page.locator("svg.timeline").is_visible()
    assert page.locator(".period-list").is_visible()
    page.goto(served.base_url + "it/")
    page.emulate_media(media="print")
    assert page.locator("svg.map").is_visible()
    assert page.locator(".map-aside .place-list").first.is_visible()
    context.close()
