"""A large site's search index in shards: every record indexed once, searched as one index.

The same synthetic site is built as one bundle and in shards of a few pages; the search page
must find as many results in either, and an edit must re-index only the shard it touched.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest

from accordi import search
from accordi.build import Report
from accordi.cli import build_once
from accordi.config import Paths
from bench.generate import generate
from tests.siteserver import SiteServer

AS_OF = dt.date(2026, 1, 1)
SMALL = 40  # record pages per shard in these tests


def _build(content: Path, output: Path, monkeypatch, size: int | None,
           cache: Path | None = None) -> Report:
    with monkeypatch.context() as m:
        if size:
            m.setattr(search, "SHARD_PAGES", size)
        return build_once(Paths(content=content, output=output, cache=cache), AS_OF,
                              workers=2, history=False)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    content = generate(60, root / "content")
    with pytest.MonkeyPatch.context() as monkeypatch:
        one = _build(content, root / "one", monkeypatch, None)
        many = _build(content, root / "many", monkeypatch, SMALL)
    with SiteServer(root / "one") as single, SiteServer(root / "many") as sharded:
        yield root, (one, single), (many, sharded)


def test_plan_puts_every_page_in_one_shard_and_keeps_it_there():
    pages = {f"it/accordi/a-{i}/index.html": f"d{i}" for i in range(1000)}
    shards = search.plan(pages, size=300)
    assert len(shards) == math.ceil(1000 / 300)
    assert sorted(p for s in shards for p in s.pages) == sorted(pages)
    assert [s.folder for s in shards] == ["pagefind", "pagefind/1", "pagefind/2", "pagefind/3"]
    assert all(200 <= len(s.pages) <= 300 for s in shards)  # shared out evenly enough
    # A page changed, or a page added while the number of shards stays: only its shard's
    # tag changes, and no other page moves.
    edited = dict(pages, **{"it/accordi/a-7/index.html": "changed"})
    added = dict(pages, **{"it/accordi/new/index.html": "new"})
    for changed, path in ((edited, "it/accordi/a-7/index.html"),
                          (added, "it/accordi/new/index.html")):
        again = search.plan(changed, size=300)
        differ = [n for n, (a, b) in enumerate(zip(shards, again, strict=True))
                  if a.tag != b.tag]
        assert len(differ) == 1 and path in again[differ[0]].pages
        assert all(set(a.pages) <= set(b.pages) for a, b in zip(shards, again, strict=True))
    few = search.plan({f"p{i}": "d" for i in range(6)}, size=1)  # six buckets, three empty
    assert [s.folder for s in few] == ["pagefind", "pagefind/1", "pagefind/2"]
    assert all(s.pages for s in few) and sum(len(s.pages) for s in few) == 6


def test_each_record_page_is_indexed_in_exactly_one_shard(sites):
    root, (one, _), (many, _) = sites
    assert one.search.shards == 1 and many.search.shards > 2
    assert many.search.pages == one.search.pages  # the same pages, per language
    listed = json.loads((root / "many/pagefind/shards.json").read_text())
    assert listed == [f"{n}/" for n in range(1, many.search.shards)]
    assert json.loads((root / "one/pagefind/shards.json").read_text()) == []
    for n in range(many.search.shards):  # every shard is a whole bundle of both languages
        entry = json.loads((root / "many" / search.shard_folder(n) /
                            "pagefind-entry.json").read_text())
        assert set(entry["languages"]) == {"it", "en"}
    # Only the index differs: the pages are the same.
    pages = sorted(p.relative_to(root / "one") for p in (root / "one").rglob("*.html"))
    assert pages == sorted(p.relative_to(root / "many") for p in (root / "many").rglob("*.html"))
    assert all((root / "one" / p).read_bytes() == (root / "many" / p).read_bytes()
               for p in pages)


def _results(browser, server, lang: str, query: str) -> tuple[int, list[str]]:
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server.base_url + {"it": "it/cerca/", "en": "en/search/"}[lang] + f"?q={query}")
    status = page.locator("#search-status").filter(has_text=query)
    status.wait_for(timeout=15_000)
    count = int(re.search(r"\d+", status.inner_text())[0])
    links = [a.get_attribute("href") for a in page.locator("#search-list h3 a").all()]
    page.close()
    assert problems == []
    return count, links


@pytest.mark.parametrize(("lang", "query"), [("it", "numero"), ("en", "number"),
                                             ("it", "Tema"), ("en", "City")])
def test_the_search_page_merges_every_shard(sites, browser, lang, query):
    _, (_, single), (many, sharded) = sites
    count, links = _results(browser, single, lang, query)
    merged, merged_links = _results(browser, sharded, lang, query)
    assert count >= 3 and merged == count  # every match, whichever shard holds it
    assert sorted(merged_links) == sorted(links) or len(links) == 30  # the first 30 shown
    assert all(f"/{lang}/" in link for link in merged_links)
    requested = [r for r in sharded.requests if "/pagefind/" in r and "entry.json" in r]
    assert len({r.split("/pagefind/")[1].split("?")[0] for r in requested}) == many.search.shards


def _shard_of(path: str) -> str:
    inner = path.split("/")[1]
    return f"pagefind/{inner}" if inner.isdigit() else "pagefind"


def test_an_edit_reindexes_only_the_shard_of_its_pages(tmp_path, monkeypatch):
    content = generate(60, tmp_path / "content")
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _build(content, out, monkeypatch, SMALL, cache)
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
              if p.is_file()}
    source = next((content / "agreements").rglob("accordo-00007.en.md"))
    source.write_text(source.read_text() + "\nA sentence added in English.\n")
    report = _build(content, out, monkeypatch, SMALL, cache)
    assert report.pages == 2 and report.search_indexed == 1 and not report.search_kept
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
             if p.is_file()}
    changed = {_shard_of(p) for p in after
               if p.startswith("pagefind/") and after[p] != before.get(p)}
    assert len(changed) == 1  # one shard's folder, the others untouched
    assert report.search.shards == first.search.shards
    fresh = tmp_path / "fresh"
    _build(content, fresh, monkeypatch, SMALL)
    assert {p: (out / p).read_bytes() for p in after} == {
        p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
