"""The live preview as an editor uses it: a real server process, real HTTP, real Chromium."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket
import subprocess
import time
import weakref
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest
from playwright.sync_api import sync_playwright
from tornado.ioloop import IOLoop

from accordi.serve import IdleCollector
from tests.browser import launch
from tests.conftest import PYTHON, ROOT, make_site
from tests.gates import axe_violations


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=5) as r:  # noqa: S310 - local server
            return r.status, r.read().decode("utf-8")
    except HTTPError as err:
        return err.code, err.read().decode("utf-8")


def wait_for(predicate, timeout: float = 20.0, step: float = 0.2):
    """Poll until `predicate()` is truthy; the last value, or fail with the last seen."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except (URLError, ConnectionError, OSError) as exc:
            last = exc
            last_ok = False
        else:
            last_ok = bool(last)
        if last_ok:
            return last
        time.sleep(step)
    raise AssertionError(f"timed out; last seen: {last!r}")


def touch_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


@pytest.fixture
def server(tmp_path):
    content = make_site(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(PYTHON), str(ROOT / "build.py"), "serve", "--content", str(content),
         "--port", str(port), "--output", str(tmp_path / "preview"), "--as-of", "2024-01-15"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base + "it/")[0] == 200)
        yield content, base, proc, tmp_path / "serve.log"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        log.close()


def test_edit_break_and_fix_over_http(server):
    content, base, proc, log = server
    page = base + "it/accordi/lisbona-2021/"
    status, html = fetch(page)
    assert status == 200 and "hanno firmato un accordo" in html
    path = content / "agreements/lisbona-2021.it.md"
    touch_edit(path, "hanno firmato un accordo", "hanno sottoscritto un accordo")
    wait_for(lambda: "hanno sottoscritto un accordo" in fetch(page)[1])

    touch_edit(path, "signed: 2021-03-15", "signed: 2021-02-30")
    status, html = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "content/agreements/lisbona-2021.it.md:13" in html
    assert "signed" in html and "February 2021 has 28 days" in html
    assert "check the day against the source" in html
    assert proc.poll() is None  # the server is still alive

    touch_edit(path, "signed: 2021-02-30", "signed: 2021-03-15")
    status, html = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(fetch(page)))
    assert "hanno sottoscritto un accordo" in html
    assert "Traceback" not in log.read_text()


def test_an_edit_that_takes_a_published_anchor_away_shows_the_error(server):
    """A text edit, the kind the preview makes quickest, is checked like a build."""
    content, base, _, _ = server
    page = base + "it/accordi/lisbona-2021/"
    path = content / "agreements/lisbona-2021.it.md"
    touch_edit(path, "## Premesse", "### Premesse")
    status, html = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "the published anchor `#premesse` would vanish" in html
    touch_edit(path, "### Premesse", "## Premesse")
    wait_for(lambda: fetch(page)[0] == 200)
    touch_edit(path, "Il presente accordo ha durata", "Vedi [sopra](#art-9). Il presente "
               "accordo ha durata")
    status, html = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "the link `#art-9` points to no anchor of this page" in html


def test_the_error_page_is_in_the_site_language_with_a_switch(server):
    """Italian first, as every page of an Italian-first site; the switch works without
    scripts; the diagnostics are marked as English, the language they are written in."""
    content, base, _, _ = server
    path = content / "agreements/lisbona-2021.it.md"
    touch_edit(path, "signed: 2021-03-15", "signed: 31/06/2021")
    wait_for(lambda: fetch(base + "it/")[0] == 500)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(java_script_enabled=False)
        page.goto(base + "it/accordi/lisbona-2021/")
        assert page.get_attribute("html", "lang") == "it"
        assert page.locator("h1").inner_text() == "I contenuti hanno errori"
        assert page.get_attribute(".content-errors", "lang") == "en"
        assert "`31/06/2021` is not in YYYY-MM-DD form" in page.inner_text(".content-errors")
        page.get_by_role("link", name="English").click()
        assert page.url == base + "it/accordi/lisbona-2021/?lang=en"
        assert page.get_attribute("html", "lang") == "en"
        assert page.locator("h1").inner_text() == "The content has errors"
        assert page.locator(".content-errors").get_attribute("lang") is None
        assert page.locator(".lang-current").inner_text() == "English"
        page.goto(base + "en/agreements/lisbona-2021/")  # an English page: in English
        assert page.get_attribute("html", "lang") == "en"
        page.close()
        page = browser.new_page()
        page.goto(base)
        assert page.get_attribute("html", "lang") == "it"
        assert axe_violations(page) == []
        browser.close()


def test_binds_to_loopback_only(server):
    _, base, proc, _ = server
    port = int(base.rsplit(":", 1)[1].strip("/"))
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        assert all("127.0.0.1:" in line for line in out.stdout.strip().splitlines())
    else:  # no `ss`: read the kernel's table directly
        hexport = f"{port:04X}"
        rows = [r.split() for r in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        listening = [r[1] for r in rows if r[1].endswith(":" + hexport) and r[3] == "0A"]
        assert listening and all(addr.startswith("0100007F:") for addr in listening)
    assert not Path("/proc/net/tcp6").exists() or not any(
        r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "0A"
        for r in Path("/proc/net/tcp6").read_text().splitlines()[1:])


def test_an_open_tab_reloads_by_itself(server):
    content, base, _, _ = server
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(base + "en/agreements/lisbona-2021/")
        page.evaluate("window.__marker = 'still the first load'")
        # Wait until livereload has connected before editing.
        # (function predicates: the page's CSP refuses strings evaluated as code)
        page.wait_for_function("() => !!(window.LiveReload && window.LiveReload.connector "
                               "&& window.LiveReload.connector._connectionDesired)",
                               timeout=10_000)
        touch_edit(content / "agreements/lisbona-2021.en.md", "Lisbon", "Lisboa")
        page.wait_for_function("() => document.body.innerText.includes('Lisboa')",
                               timeout=20_000)
        assert page.evaluate("window.__marker === undefined")  # a real reload happened
        assert problems == []
        browser.close()


def _old_garbage() -> weakref.ref:
    """A reference cycle dropped after it reached the oldest generation: only a full
    collection frees it."""
    class Node:
        other: Node

    a, b = Node(), Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    gc.collect()  # they survive it, referenced from here
    del a, b
    gc.collect(1)  # the young generations do not hold them
    assert ref() is not None
    return ref


def _serving(collector: IdleCollector, edits) -> None:
    """`edits(loop)` on an event loop of its own, with full collections deferred."""
    loop = IOLoop()
    try:
        with collector.deferred():
            loop.run_sync(lambda: edits(loop))
    finally:
        loop.close()


def test_full_collections_wait_until_the_server_is_idle():
    collector = IdleCollector(idle=0.3, every=5)

    async def edit_then_wait(loop):
        ref = _old_garbage()
        collector.rebuilt(loop)
        assert ref() is not None, "collected during the edit"
        await asyncio.sleep(0.1)
        collector.rebuilt(loop)  # another edit: the idle time starts again
        await asyncio.sleep(0.25)
        assert ref() is not None and collector.pending == 2
        await asyncio.sleep(0.3)
        assert ref() is None and collector.pending == 0

    _serving(collector, edit_then_wait)


def test_edits_without_a_pause_still_collect_every_few_rebuilds():
    collector = IdleCollector(idle=60, every=3)

    async def edits(loop):
        ref = _old_garbage()
        collector.rebuilt(loop)
        collector.rebuilt(loop)
        assert ref() is not None
        collector.rebuilt(loop)
        assert ref() is None

    _serving(collector, edits)


def test_only_full_collections_are_deferred_and_only_while_serving():
    before = gc.get_threshold()
    with IdleCollector().deferred():
        young0, young1, full = gc.get_threshold()
        assert (young0, young1) == before[:2] and full >= 2**31 - 1
    assert gc.get_threshold() == before


def test_lists_follow_an_edit_on_request_and_by_themselves(server):
    """The edited page comes first; a list asked for before its turn is made for the
    request, and the rest of the preview is brought up to date without one."""
    content, base, _, log = server
    fetch(base + "it/accordi/lisbona-2021/")
    touch_edit(content / "agreements/lisbona-2021.it.md", 'title: "Accordo di',
               'title: "Intesa di')
    wait_for(lambda: "Intesa di" in fetch(base + "it/accordi/lisbona-2021/")[1])
    status, html = fetch(base + "it/accordi/")
    assert status == 200 and "Intesa di" in html
    preview = log.parent / "preview"
    wait_for(lambda: "Intesa di" in (preview / "it/temi/cultura/index.html").read_text())
    wait_for(lambda: "Intesa di" in (preview / "data/agreements.csv").read_text())
    assert "more to follow" in log.read_text() and "Traceback" not in log.read_text()


def test_a_page_left_for_later_is_made_when_asked_for(tmp_path):
    from accordi.config import Paths
    from accordi.serve import Preview
    from tests.live import LiveBuilder
    from tests.test_incremental import AS_OF

    content = make_site(tmp_path)
    builder = LiveBuilder(Paths(content=content, output=tmp_path / "preview"), AS_OF)
    app = Preview(builder.live, log=lambda m: None)
    app.rebuild()

    def get(path: str) -> bytes:
        return b"".join(app({"PATH_INFO": path}, lambda status, headers: None))

    get("/it/accordi/lisbona-2021/")
    touch_edit(content / "agreements/lisbona-2021.it.md", 'title: "Accordo di',
               'title: "Intesa di')
    app.rebuild()
    assert "it/accordi/index.html" in builder.pending
    assert b"Intesa di" in get("/it/accordi/lisbona-2021/")  # made at once: it was open
    assert b"Intesa di" in get("/it/accordi/")  # made for this request
    assert "it/accordi/index.html" not in builder.pending
    assert "it/temi/cultura/index.html" in builder.pending  # not asked for: still waits
    assert b"Intesa di" in get("/data/agreements.csv")  # a data file, listed and made
    assert "data/agreements.json" in builder.pending
    while app.finish_some(budget=0):
        pass
    assert b"Intesa di" in (tmp_path / "preview/it/temi/cultura/index.html").read_bytes()


def _found(page, base: str, query: str) -> list[str]:
    """The result links the preview's search page lists for `query` (it waits for them)."""
    page.goto(base + "it/cerca/?q=" + query)
    page.locator("#search-status").filter(has_text=query).wait_for(timeout=15_000)
    return [a.get_attribute("href") for a in page.locator("#search-list h3 a").all()]


def test_the_preview_searches_and_its_index_follows_an_edit(server):
    """Search works in the preview too, and finds what was just written."""
    content, base, _, log = server
    wait_for(lambda: "search index: 1 of 1 shards" in log.read_text())
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        assert "/it/accordi/lisbona-2021/" in _found(page, base, "Lisbona")
        assert _found(page, base, "sottoscrittissimo") == []
        touch_edit(content / "agreements/lisbona-2021.it.md", "hanno firmato un accordo",
                   "hanno sottoscrittissimo un accordo")
        wait_for(lambda: log.read_text().count("search index: 1 of 1 shards") >= 2)
        assert _found(page, base, "sottoscrittissimo") == ["/it/accordi/lisbona-2021/"]
        browser.close()
    assert "Traceback" not in log.read_text() and "not updated" not in log.read_text()


def test_the_index_made_in_place_is_the_one_made_afresh(tmp_path, monkeypatch):
    """After edits that move pages between shards and change their number, the preview's
    index holds exactly the files Pagefind makes from scratch for the same pages: nothing
    stale is left behind."""
    from accordi import search
    from accordi.config import Paths
    from accordi.serve import Preview
    from tests.live import LiveBuilder
    from tests.test_incremental import AS_OF

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted((root / "pagefind").rglob("*")) if p.is_file()}

    content = make_site(tmp_path)
    preview = tmp_path / "preview"
    builder = LiveBuilder(Paths(content=content, output=preview), AS_OF)
    app = Preview(builder.live, log=lambda m: None)
    path = content / "agreements/lisbona-2021.it.md"
    counts = []
    for size, old, new in [(None, None, None), (4, "hanno firmato", "hanno siglato"),
                           (9, "hanno siglato", "hanno firmato")]:
        if size:
            monkeypatch.setattr(search, "SHARD_PAGES", size)
            touch_edit(path, old, new)
        app.rebuild()
        while app.finish_some(budget=1):
            pass
        assert app.index_search()
        pages = {s.folder for s in search.plan(builder.live.searchable())}
        assert set(app.indexed) == pages
        counts.append(len(pages))
        afresh = tmp_path / f"afresh-{size}"
        for rel in builder.live.searchable():
            (afresh / rel).parent.mkdir(parents=True, exist_ok=True)
            (afresh / rel).write_bytes((preview / rel).read_bytes())
        search.update_in_place(afresh, search.plan(builder.live.searchable()), {})
        assert tree(preview) == tree(afresh)
    assert counts[0] == 1 and counts[1] > counts[2] > 1, counts  # shards added, then removed


def test_the_watcher_names_only_files_that_changed(tmp_path):
    """A tab must reload for an edit only, not because the watcher saw files for the first
    time after the tab connected."""
    from livereload import Server

    from accordi.serve import watch

    content = make_site(tmp_path)
    runs = []
    server = Server(lambda environ, start_response: [])
    watch(server, [content], lambda: runs.append(1))
    assert server.watcher.examine() == (None, None) and runs == []
    path = content / "agreements/lisbona-2021.it.md"
    touch_edit(path, "hanno firmato", "hanno siglato")
    assert server.watcher.examine()[0] == str(path) and runs == [1]
    assert server.watcher.examine() == (None, None)


def test_a_draft_appears_in_the_preview_with_its_banner(server):
    content, base, proc, log = server
    source = (content / "agreements" / "lisbona-2021.it.md").read_text(encoding="utf-8")
    draft = content / "agreements" / "lisbona-2024.it.md"
    draft.write_text(source.replace("id: lisbona-2021", "id: lisbona-2024\ndraft: true"),
                     encoding="utf-8")
    status, html = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(
        fetch(base + "it/accordi/lisbona-2024/")))
    assert 'class="draft-banner"' in html and "Bozza." in html
    status, html = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(
        fetch(base + "en/agreements/lisbona-2024/")))
    assert "Draft." in html
