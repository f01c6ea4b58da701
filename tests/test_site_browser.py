"""The real content, built and served under a sub-path, in headless Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from tests.crawl import crawl
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "output"
    build_once(Paths(content=PROJECT_ROOT / "content", output=out),
                   dt.date(2026, 1, 1), base_url=PUBLIC)
    with SiteServer(out, prefix="/accordi/") as server:
        yield out, server


def html_pages(out: Path) -> list[str]:
    """Every HTML file as a path below the sub-path (`it/accordi/x/`)."""
    found = []
    for f in sorted(out.rglob("*.html")):
        rel = f.relative_to(out).as_posix()
        found.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return found


def test_every_page_of_both_languages_loads_cleanly(served, browser):
    out, server = served
    pages = html_pages(out)
    assert {"it/", "en/", "it/accordi/milano-riga-2018/", "en/agreements/milano-riga-2018/",
            "it/partner/riga/", "en/partners/riga/", "it/temi/cultura/", "en/themes/cultura/",
            "it/informazioni/", "en/about/", "404.html"} <= set(pages)
    problems = []
    for rel in pages:
        page = browser.new_page()
        messages, failed, foreign = [], [], []
        page.on("console", lambda m, box=messages: box.append(m) if m.type in (
            "error", "warning") else None)
        page.on("pageerror", lambda e, box=messages: box.append(e))
        page.on("requestfailed", lambda r, box=failed: box.append(r.url))
        page.on("request", lambda r, box=foreign: box.append(r.url)
                if not r.url.startswith(server.base_url) else None)
        response = page.goto(server.base_url + rel)
        if response is None or response.status != 200:
            problems.append((rel, f"HTTP {response.status if response else None}"))
        for m in messages:
            problems.append((rel, f"console: {getattr(m, 'text', m)}"))
        for url in failed:
            problems.append((rel, f"request failed: {url}"))
        for url in foreign:
            problems.append((rel, f"request to another host: {url}"))
        lang = page.evaluate("document.documentElement.lang")
        want = "en" if rel.startswith("en/") else "it"
        if lang != want:
            problems.append((rel, f"html lang={lang!r}, expected {want!r}"))
        page.close()
    assert problems == []
    assert len(pages) >= 70


def test_language_switch_lands_on_the_twin(served, browser):
    _, server = served
    page = browser.new_page()
    page.goto(server.base_url + "it/accordi/milano-cciaa-2021/")
    page.click("nav.langs a[hreflang='en']")
    page.wait_for_load_state()
    assert page.url == server.base_url + "en/agreements/milano-cciaa-2021/"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Chamber of Commerce" in page.inner_text("h1")
    page.click("nav.langs a[hreflang='it']")
    page.wait_for_load_state()
    assert page.url == server.base_url + "it/accordi/milano-cciaa-2021/"
    page.close()


def test_article_and_paragraph_anchors_scroll_into_view(served, browser):
    _, server = served
    page = browser.new_page(viewport={"width": 360, "height": 700})
    page.goto(server.base_url + "en/agreements/milano-cciaa-2021/#art-1-3")
    box = page.locator("#art-1-3").bounding_box()
    assert box is not None and 0 <= box["y"] < 700
    assert "priority areas" in page.inner_text("#art-1-3").lower()
    assert page.locator("#art-1-3-h").count() == 1
    page.close()


def test_root_leads_to_the_italian_home_and_offers_english(served, browser):
    _, server = served
    page = browser.new_page()
    page.goto(server.base_url)
    assert page.evaluate("document.documentElement.lang") == "it"
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical == PUBLIC + "it/"
    page.click("nav.langs a[hreflang='en']")
    page.wait_for_load_state()
    assert page.url == server.base_url + "en/"
    page.close()


def test_crawl_under_a_sub_path_finds_no_broken_link_or_fragment(served):
    out, server = served
    result = crawl(server.base_url, ["", "it/", "en/"], public_base=PUBLIC)
    assert result.broken == []
    # Other sites may be linked to, never loaded from.
    assert [(page, tag, url) for page, tag, url in result.external if tag != "a"] == []
    assert {url for _, _, url in result.external} <= {
        "https://creativecommons.org/licenses/by/4.0/", "https://www.agid.gov.it/",
        "https://creativecommons.org/licenses/by/4.0/deed.it",
        "https://creativecommons.org/licenses/by/4.0/deed.en"}
    reached = {u[len(server.base_url):] for u in result.pages}
    unreachable = set(html_pages(out)) - reached - {"404.html", "it/404.html", "en/404.html"}
    assert unreachable == set()
