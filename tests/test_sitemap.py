"""sitemap.xml and robots.txt, parsed: every page listed once with reciprocal hreflang
alternates, every listed URL a built file, and nothing that keeps a crawler out."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

import pytest

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from tests.test_golden import Page

PUBLIC = "https://example.org/accordi/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}

SEARCH_PAGES = {"it/cerca/index.html", "en/search/index.html"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sitemap") / "output"
    build_once(Paths(content=PROJECT_ROOT / "content", output=out),
                   dt.date(2026, 1, 1), base_url=PUBLIC)
    return out


def entries(built) -> dict[str, dict[str, str]]:
    """loc -> {hreflang: href} of every <url> of the sitemap."""
    root = ET.parse(built / "sitemap.xml").getroot()
    assert root.tag == f"{{{NS['s']}}}urlset"
    out: dict[str, dict[str, str]] = {}
    for url in root.findall("s:url", NS):
        loc = url.find("s:loc", NS).text
        assert loc not in out, f"{loc} is listed twice"
        links = url.findall("x:link", NS)
        assert all(lk.get("rel") == "alternate" for lk in links)
        out[loc] = {lk.get("hreflang"): lk.get("href") for lk in links}
        assert len(out[loc]) == len(links), f"{loc}: an hreflang is repeated"
    return out


def file_for(built, url: str):
    assert url.startswith(PUBLIC), url
    rel = url[len(PUBLIC):]
    return built / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def test_every_page_is_listed_once_and_every_listed_url_is_a_page(built):
    listed = entries(built)
    for loc in listed:
        assert file_for(built, loc).is_file(), loc
    pages = {p.relative_to(built).as_posix() for p in built.rglob("*.html")
             if p.relative_to(built).parts[0] != "assets"}
    # The root index.html repeats the Italian home (its canonical); 404 and search pages are
    # noindex (a results page has nothing of its own to index).
    indexable = {rel for rel in pages if not rel.endswith("404.html") and rel != "index.html"
                 and rel not in SEARCH_PAGES}
    as_files = {file_for(built, loc).relative_to(built).as_posix() for loc in listed}
    assert as_files == indexable
    assert len(listed) > 70
    assert {PUBLIC + "it/dati-aperti/", PUBLIC + "en/open-data/",
            PUBLIC + "en/agreements/milano-riga-2018/"} <= set(listed)


def test_alternates_are_complete_and_reciprocal(built):
    listed = entries(built)
    for loc, alternates in listed.items():
        assert set(alternates) == {"it", "en", "x-default"}, loc
        assert alternates["x-default"] == alternates["it"], loc
        own = loc[len(PUBLIC):].split("/")[0]
        assert alternates[own] == loc, loc
        for lang, href in alternates.items():
            if lang == "x-default":
                continue
            assert href in listed, (loc, href)
            assert listed[href][own] == loc, f"{href} does not point back to {loc}"
    # Localised slugs are paired with their twin, not with a guess.
    assert listed[PUBLIC + "it/informazioni/"]["en"] == PUBLIC + "en/about/"


def test_sitemap_agrees_with_each_pages_own_alternates(built):
    for loc, alternates in entries(built).items():
        page = Page(file_for(built, loc).read_text(encoding="utf-8"))
        in_page = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")
                   if "hreflang" in a and a.get("type") != "application/atom+xml"}
        assert in_page == alternates, loc
        assert page.find("link", rel="canonical")[0]["href"] == loc


def test_robots_allows_everything_and_names_the_sitemap(built):
    text = (built / "robots.txt").read_text(encoding="utf-8")
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    assert robots.site_maps() == [PUBLIC + "sitemap.xml"]
    urls = list(entries(built)) + [PUBLIC + "data/agreements.csv", PUBLIC + "it/accordi/feed.xml"]
    for agent in ("*", "Googlebot", "Bingbot"):
        for url in urls:
            assert robots.can_fetch(agent, url), (agent, url)


def test_no_indexable_page_asks_not_to_be_indexed(built):
    for path in built.rglob("*.html"):
        rel = path.relative_to(built).as_posix()
        if rel.startswith("assets/"):
            continue
        robots_meta = Page(path.read_text(encoding="utf-8")).find("meta", name="robots")
        if rel.endswith("404.html") or rel in SEARCH_PAGES:
            assert [m["content"] for m in robots_meta] == ["noindex"], rel
        else:
            assert robots_meta == [], rel
