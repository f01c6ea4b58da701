"""Filters on the agreements index, on the real content: a full table without JavaScript,
filtering in place with it, the choices kept in the address so that a view can be shared."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from accordi.cli import build_once, load_site
from accordi.config import PROJECT_ROOT, Paths
from tests.gates import axe_violations
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
AS_OF = dt.date(2026, 1, 1)
INDEX = {"it": "it/accordi/", "en": "en/agreements/"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    paths = Paths(content=PROJECT_ROOT / "content",
                  output=tmp_path_factory.mktemp("filters") / "output")
    build_once(paths, AS_OF, base_url=PUBLIC)
    site, _ = load_site(paths, AS_OF)
    with SiteServer(paths.output, prefix="/accordi/") as server:
        yield site, server


def expected(site, **chosen: str) -> list[str]:
    """Ids of the agreements matching every chosen facet, worked out from the model."""
    def facets(a):
        return {"partner": set(a.partners), "theme": set(a.themes), "type": {a.type},
                "status": {a.status.value}, "year": {str(a.signed.year)}}
    return [a.id for a in site.agreements.values()
            if all(v in facets(a)[k] for k, v in chosen.items())]


def visible_rows(page) -> list[str]:
    """Ids of the agreements whose rows are shown, in order."""
    return [row.locator("th a").get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
            for row in page.locator("#agreements-table tbody tr").all() if row.is_visible()]


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_without_javascript_the_table_lists_every_agreement(served, browser):
    site, server = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base_url + INDEX["en"])
    assert not page.locator("#filters").is_visible()
    assert visible_rows(page) == list(site.agreements)  # in force first, then by date
    headers = page.locator("#agreements-table thead th").all_inner_texts()
    assert headers == ["Agreement", "Partners", "Themes", "Type", "Status", "Signed"]
    riga = page.locator("#agreements-table tbody tr", has_text="Riga")
    assert "Fashion" in riga.inner_text() and "Memorandum" in riga.inner_text()
    context.close()


def test_rows_carry_the_ids_the_script_filters_on(served, browser):
    site, server = served
    page = browser.new_page()
    page.goto(server.base_url + INDEX["it"])
    rows = page.locator("#agreements-table tbody tr").all()
    assert len(rows) == len(site.agreements)
    for row, a in zip(rows, site.agreements.values(), strict=True):
        assert row.get_attribute("data-partner").split() == a.partners
        assert row.get_attribute("data-theme").split() == a.themes
        assert row.get_attribute("data-type") == a.type
        assert row.get_attribute("data-status") == a.status.value
        assert row.get_attribute("data-year") == str(a.signed.year)
    page.close()


def test_choosing_filters_filters_in_place_and_updates_the_address(served, browser):
    site, server = served
    page = browser.new_page()
    problems = watch(page)
    page.goto(server.base_url + INDEX["en"])
    assert page.locator("#filters").is_visible()
    total = len(site.agreements)
    assert page.inner_text("#filter-count") == f"Agreements shown: {total} of {total}."

    page.select_option("#filter-partner", "new-york")
    want = expected(site, partner="new-york")
    assert len(want) == 2 and visible_rows(page) == want
    assert parse_qs(urlsplit(page.url).query) == {"partner": ["new-york"]}
    assert page.inner_text("#filter-count") == f"Agreements shown: 2 of {total}."

    page.select_option("#filter-type", "accordo-collaborazione")
    want = expected(site, partner="new-york", type="accordo-collaborazione")
    assert want == ["milano-new-york-nycedc-2016"] and visible_rows(page) == want
    assert parse_qs(urlsplit(page.url).query) == {"partner": ["new-york"],
                                                  "type": ["accordo-collaborazione"]}
    # The other language's link keeps the same view.
    it_link = page.get_attribute(".langs a[hreflang='it']", "href")
    assert it_link.endswith("/it/accordi/?partner=new-york&type=accordo-collaborazione")

    page.select_option("#filter-year", "2012")
    assert visible_rows(page) == [] and page.locator("#filter-none").is_visible()

    page.click("#filters button[type=reset]")
    page.wait_for_function("!location.search")
    assert visible_rows(page) == list(site.agreements)
    assert not page.locator("#filter-none").is_visible()
    assert problems == []
    page.close()


def test_a_shared_address_applies_its_filters(served, browser):
    site, server = served
    page = browser.new_page()
    problems = watch(page)
    page.goto(server.base_url + INDEX["it"] + "?theme=moda&status=expired")
    want = expected(site, theme="moda", status="expired")
    assert want and visible_rows(page) == want
    assert page.input_value("#filter-theme") == "moda"
    assert page.input_value("#filter-status") == "expired"
    assert page.input_value("#filter-partner") == ""
    # The same address in the other language shows the same agreements.
    page.goto(server.base_url + INDEX["en"] + "?theme=moda&status=expired")
    assert visible_rows(page) == want
    # A value no agreement has (an old or mistyped link) is ignored, not an empty page.
    page.goto(server.base_url + INDEX["en"] + "?partner=atlantis&year=2018")
    assert page.input_value("#filter-partner") == ""
    assert visible_rows(page) == expected(site, year="2018")
    assert problems == []
    page.close()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_axe_passes_with_filters_applied(served, browser, lang):
    _, server = served
    for viewport in ({"width": 360, "height": 740}, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # to inject axe
        page = context.new_page()
        page.goto(server.base_url + INDEX[lang] + "?partner=riga")
        assert len(visible_rows(page)) == 1
        assert axe_violations(page) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]  # the table scrolls inside its own region
        context.close()
