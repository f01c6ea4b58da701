"""Search: the Pagefind index built over the real site, queried in headless Chromium.

Typing a partner's or a theme's name must find the right agreements in each language, only
in that language, with the site's own files under its CSP, and pass axe with the results shown.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from accordi.cli import build_once, load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.search import UNUSED
from tests.gates import axe_violations
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
SEARCH = {"it": "it/cerca/", "en": "en/search/"}
AGREEMENT = {"it": "it/accordi/{}/", "en": "en/agreements/{}/"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("search") / "output"
    report = build_once(Paths(content=PROJECT_ROOT / "content", output=out),
                            dt.date(2026, 1, 1), base_url=PUBLIC)
    with SiteServer(out, prefix="/accordi/") as server:
        yield out, server, report


def search(page, server, lang: str, query: str) -> list[str]:
    """Type `query` into the search page of `lang`; the result links, below the base URL."""
    page.goto(server.base_url + SEARCH[lang])
    page.locator("#search-q").press_sequentially(query, delay=20)
    status = page.locator("#search-status")
    status.filter(has_text=query).wait_for(timeout=15_000)
    assert re.search(r"\d", status.inner_text()), status.inner_text()
    prefix = "/accordi/"
    return [a.get_attribute("href").removeprefix(prefix)
            for a in page.locator("#search-list h3 a").all()]


def test_the_build_indexes_each_language_and_only_records(served):
    out, _, report = served
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"it", "en"}
    pages = {lang: info["page_count"] for lang, info in entry["languages"].items()}
    # 7 agreements, 5 partners, the themes and 3 pages, in each language; no index page,
    # no home, no search page, no 404.
    site, _ = load_site(Paths(content=PROJECT_ROOT / "content", output=out),
                                 dt.date(2026, 1, 1))
    expected = len(site.agreements) + len(site.partners) + len(site.themes) + len(site.pages)
    assert pages == {"it": expected, "en": expected}
    assert report.search.pages == pages
    for name in UNUSED:  # ready-made interfaces the site does not load are not published
        assert not (out / "pagefind" / name).exists()
    assert (out / "pagefind" / "pagefind.js").is_file()
    print(f"search index: {report.search.files} files, {report.search.bytes / 1024:.0f} KiB "
          f"for {sum(pages.values())} pages")


def test_only_the_main_content_of_records_is_marked_for_the_index(served):
    out, _, _ = served
    for rel in ("it/accordi/milano-riga-2018/", "en/partners/riga/", "it/temi/moda/",
                "en/about/"):
        html = (out / rel / "index.html").read_text()
        assert re.search(r'<main id="main"[^>]* data-pagefind-body', html), rel
    for rel in ("it/", "en/agreements/", "it/cerca/", "en/search/"):
        assert "data-pagefind-body" not in (out / rel / "index.html").read_text(), rel
    html = (out / "it/accordi/milano-riga-2018/index.html").read_text()
    assert '<nav class="breadcrumb" aria-label="Percorso di navigazione" data-pagefind-ignore>' \
        in html


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("it", "Riga", ["milano-riga-2018"]),
    ("en", "Riga", ["milano-riga-2018"]),
    ("it", "Chengdu", ["milano-chengdu-2015"]),
    ("en", "Chengdu", ["milano-chengdu-2015"]),
    ("it", "moda", ["milano-riga-2018", "milano-guangzhou-2012"]),
    ("en", "fashion", ["milano-riga-2018", "milano-guangzhou-2012"]),
    ("it", "cultura", ["milano-riga-2018", "milano-guangzhou-2012", "milano-chengdu-2015",
                       "milano-cciaa-2021"]),
    ("en", "culture", ["milano-riga-2018", "milano-guangzhou-2012", "milano-chengdu-2015",
                       "milano-cciaa-2021"]),
])
def test_typing_a_name_finds_the_agreements_in_the_readers_language(
        served, browser, lang, query, expected):
    _, server, _ = served
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(r.url)
            if not r.url.startswith(server.base_url) else None)
    found = search(page, server, lang, query)
    for aid in expected:
        assert AGREEMENT[lang].format(aid) in found, (query, found)
    assert found and all(url.startswith(f"{lang}/") for url in found), found
    other = "en" if lang == "it" else "it"
    assert not any(url.startswith(f"{other}/") for url in found)
    assert page.url.endswith(f"?q={query}")  # the query can be shared
    assert problems == []
    page.close()


def test_the_header_box_leads_to_results(served, browser):
    _, server, _ = served
    page = browser.new_page()
    page.goto(server.base_url + "en/agreements/milano-riga-2018/")
    page.fill("#header-q", "Guangzhou")
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=Guangzhou$"))
    page.locator("#search-status").filter(has_text="Guangzhou").wait_for()
    assert page.input_value("#search-q") == "Guangzhou"
    links = [a.get_attribute("href") for a in page.locator("#search-list h3 a").all()]
    assert "/accordi/en/agreements/milano-guangzhou-2012/" in links
    page.close()


def test_without_javascript_the_box_lands_on_the_search_page(served, browser):
    _, server, _ = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base_url + "it/accordi/milano-riga-2018/")
    page.fill("#header-q", "Riga")
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(r"/it/cerca/\?q=Riga$"))
    assert page.locator("#search-nojs").is_visible()
    assert not page.locator("#search-results").is_visible()
    page.click("#search-nojs a")
    assert page.url.endswith("/it/accordi/")
    context.close()


def test_csp_allows_webassembly_on_the_search_page_only(served, browser):
    out, server, _ = served
    for rel in ("it/cerca/", "en/search/"):
        assert "script-src 'self' 'wasm-unsafe-eval';" in (out / rel / "index.html").read_text()
    for rel in ("it/", "it/accordi/", "en/agreements/milano-riga-2018/"):
        assert "script-src 'self';" in (out / rel / "index.html").read_text()
    # Where no worker can run, Pagefind compiles its WebAssembly in the page: that needs
    # 'wasm-unsafe-eval', and search still works under the page's own CSP.
    page = browser.new_page()
    page.add_init_script("delete window.Worker")
    assert AGREEMENT["it"].format("milano-riga-2018") in search(page, server, "it", "Riga")
    page.close()
    # The same page without the directive cannot search: the directive is needed.
    page = browser.new_page()
    page.add_init_script("delete window.Worker")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def strip(route):
        body = route.fetch().text().replace(" 'wasm-unsafe-eval'", "")
        route.fulfill(body=body, content_type="text/html; charset=utf-8")

    page.route(re.compile(r".*/it/cerca/(\?.*)?$"), strip)
    page.goto(server.base_url + "it/cerca/?q=Riga")
    page.locator("#search-status").filter(
        has_text="non è disponibile").wait_for(timeout=15_000)
    assert any("Content Security policy" in e for e in errors), errors
    page.close()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_search_page_with_results_passes_axe(served, browser, lang):
    _, server, _ = served
    context = browser.new_context(bypass_csp=True)  # to inject axe only
    page = context.new_page()
    page.goto(server.base_url + SEARCH[lang] + "?q=Riga")
    page.locator("#search-list li").first.wait_for(timeout=15_000)
    assert page.locator("mark").count() > 0  # matched words are highlighted
    assert axe_violations(page) == []
    context.close()


def test_search_page_weight(served, browser):
    """A first visit with one query: page, styles, scripts, WebAssembly and index chunks."""
    _, server, _ = served
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    search(page, server, "en", "Riga")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    pagefind = sum(v for k, v in sizes.items() if "/pagefind/" in k)
    print(f"search page, first visit with one query: {len(sizes)} requests, "
          f"{total / 1024:.0f} KiB uncompressed, of which Pagefind {pagefind / 1024:.0f} KiB")
    assert total <= 400 * 1024
    context.close()
