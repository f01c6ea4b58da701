"""Parallel cold builds, the persistent cache and unchanged files: behaviour, not speed."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from accordi.cli import build_once
from accordi.config import Paths
from accordi.errors import ErrorCollector
from accordi.incremental import IncrementalSession, loading
from accordi.incremental.files import FileCache
from accordi.incremental.store import Store
from accordi.session import Job
from bench.generate import generate
from tests.conftest import cli, make_site

AS_OF = dt.date(2026, 1, 1)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_parallel_build_is_byte_identical_to_a_one_process_build(tmp_path):
    content = generate(60, tmp_path / "content")
    one = build_once(Paths(content=content, output=tmp_path / "one"), AS_OF, workers=1)
    two = build_once(Paths(content=content, output=tmp_path / "two"), AS_OF, workers=2)
    assert one.pages == two.pages > 120
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_files_parsed_in_processes_read_as_in_one(tmp_path, monkeypatch):
    """A first read of a large tree parses its files in processes: the content, and every
    mistake with its file and line, are what one process finds."""
    content = generate(150, tmp_path / "content")
    broken = sorted((content / "agreements").rglob("*.it.md"))[:2]
    broken[0].write_text(broken[0].read_text().replace("type: ", "type: [", 1))
    broken[1].write_text(broken[1].read_text() + "\n[clic](javascript:alert(1))\n")
    parsed = []
    prefetch = FileCache.prefetch
    monkeypatch.setattr(FileCache, "prefetch",
                        lambda self, *a: parsed.append(prefetch(self, *a)) or parsed[-1])
    reports = {}
    for workers in (1, 2):
        errors = ErrorCollector(content)
        raw = FileCache().read(content, errors, workers)
        reports[workers] = (errors.report(), len(raw.agreements),
                            sorted(map(str, raw.failed)),
                            [(s.path, s.data, s.body) for s in raw.agreements])
    assert parsed == [300 + 7 + 2 + 2]  # every file, in processes, with two of them
    assert reports[1] == reports[2]
    report = reports[1][0]
    assert reports[1][1] == 149 and f"{broken[0].name}:5: error: YAML syntax error" in report
    assert f"{broken[1].name}:" in report and "javascript:" in report


def test_a_warm_build_renders_nothing_and_keeps_unchanged_files(tmp_path):
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    cold = build_once(paths, AS_OF)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns)
              for p in (tmp_path / "out").rglob("*") if p.is_file()}
    warm = build_once(paths, AS_OF)
    assert cold.pages == len(list(paths.output.rglob("*.html"))) and warm.pages == 0
    assert warm.search_kept and not cold.search_kept and warm.search == cold.search
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns)
             for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert after == before  # same files: a sync by modification time uploads nothing


def test_an_edit_rewrites_only_what_changed(tmp_path):
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    build_once(paths, AS_OF)
    stamps = {p.relative_to(paths.output).as_posix(): p.stat().st_ino
              for p in paths.output.rglob("*") if p.is_file()}
    source = content / "agreements/lisbona-2021.it.md"
    source.write_text(source.read_text().replace("hanno firmato", "hanno sottoscritto"))
    report = build_once(paths, AS_OF)
    assert report.pages == 2 and not report.search_kept
    new = {p.relative_to(paths.output).as_posix(): p.stat().st_ino
           for p in paths.output.rglob("*") if p.is_file()}
    rewritten = sorted(p for p in new if new[p] != stamps.get(p))
    pages = [p for p in rewritten if not p.startswith("pagefind/")]  # the index follows text
    assert pages == ["it/accordi/lisbona-2021/index.html"]
    assert any(p.startswith("pagefind/fragment/it_") for p in rewritten)
    fresh = tmp_path / "fresh"
    build_once(Paths(content=content, output=fresh), AS_OF)
    assert tree(paths.output) == tree(fresh)


def test_a_search_index_file_changed_in_the_output_is_made_again(tmp_path):
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    build_once(paths, AS_OF)
    expected = tree(paths.output)
    entry = paths.output / "pagefind/pagefind-entry.json"
    entry.write_text("{}")
    report = build_once(paths, AS_OF)
    assert not report.search_kept and tree(paths.output) == expected


def test_a_warm_build_leaves_a_stray_file_no_place_in_the_output(tmp_path):
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    build_once(paths, AS_OF)
    expected = tree(paths.output)
    (paths.output / "it" / "stray.html").write_text("not ours")
    (paths.output / "it/accordi/lisbona-2021/index.html").unlink()
    build_once(paths, AS_OF)
    assert tree(paths.output) == expected


def test_new_fingerprints_with_the_same_bytes_are_remembered(tmp_path, monkeypatch):
    """A new generator version renders every page again; when no byte changes, the output
    is left alone, and the next build still knows there is nothing to do."""
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    cold = build_once(paths, AS_OF)
    environment = loading.environment
    monkeypatch.setattr(loading, "environment", lambda *roots: environment(*roots) + "2")
    assert build_once(paths, AS_OF).pages == cold.pages
    assert build_once(paths, AS_OF).pages == 0


def test_the_cache_is_invalidated_by_templates_and_never_changes_the_result(tmp_path):
    import shutil

    from accordi.config import PROJECT_ROOT
    content = make_site(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    paths = Paths(content=content, output=tmp_path / "out", templates=templates,
                  cache=tmp_path / "cache")
    build_once(paths, AS_OF)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("<body>", '<body class="x">'))
    report = build_once(paths, AS_OF)
    assert report.pages == len(list(paths.output.rglob("*.html")))  # all of them
    assert b'<body class="x">' in (paths.output / "it/index.html").read_bytes()
    fresh = tmp_path / "fresh"
    build_once(Paths(content=content, output=fresh, templates=templates), AS_OF)
    assert tree(paths.output) == tree(fresh)


def test_an_unreadable_cache_only_costs_time(tmp_path):
    content = make_site(tmp_path)
    cache = tmp_path / "cache"
    paths = Paths(content=content, output=tmp_path / "out", cache=cache)
    build_once(paths, AS_OF)
    store = Store(cache)
    assert store.db is not None
    with store.db:
        store.db.execute("UPDATE kv SET value = x'00'")
        store.db.execute("UPDATE reads SET value = x'00'")
    store.close()
    (paths.output / "it/index.html").write_text("tampered")
    build_once(paths, AS_OF)
    fresh = tmp_path / "fresh"
    build_once(Paths(content=content, output=fresh), AS_OF)
    assert tree(paths.output) == tree(fresh)
    assert os.path.getsize(paths.output / "it/index.html") > 1000


def test_what_a_build_put_aside_is_kept_once_published_removals_too(tmp_path):
    """A build made in a child process keeps its reads aside until its output is published;
    publishing moves them, and the reads of outputs gone are dropped."""
    store = Store(tmp_path / "cache")
    store.save("out", {}, {"a.html": ("old a",), "b.html": ("old b",)}, {"k": {"f": b"1"}})
    store.save("out", {"a.html": ("d", 1, "", "", None)},
               {"a.html": ("new a",), "b.html": None, "c.html": ("c",)},
               {"k": None, "j": {"g": b"2"}}, pending=True)
    assert store.rows("reads", "out") == {"a.html": ("old a",), "b.html": ("old b",)}
    store.promote("out", {"a.html": ("d", 1, "", "", None)})
    assert store.rows("reads", "out") == {"a.html": ("new a",), "c.html": ("c",)}
    assert store.rows("records", "out") == {"j": {"g": b"2"}}
    assert store.files("out") == {"a.html": ("d", 1, "", "", None)}
    store.promote("out", {})  # nothing left aside: nothing changes
    assert store.rows("reads", "out") == {"a.html": ("new a",), "c.html": ("c",)}
    store.close()


def test_a_one_off_build_lets_go_of_the_lists_values_before_making_files(tmp_path,
                                                                         monkeypatch):
    """A build that no update follows forgets what its lists kept of each agreement once
    its pages are made (their memory then serves the data files), with the same result."""
    from accordi import build
    from accordi.outputs import opendata

    content = generate(40, tmp_path / "content")
    made, families = {}, {}
    table_json = opendata._table_json
    for lasting in (True, False):
        session = IncrementalSession(Paths(content=content, output=tmp_path / "out"),
                                     lasting=lasting)
        seen: set[str] = set()

        def spy(name, ctx, session=session, seen=seen):
            seen.update(owner[-1] for owner in session.fragments.values)
            return table_json(name, ctx)

        monkeypatch.setattr(opendata, "_table_json", spy)
        files: dict[str, bytes] = {}
        build.update(Job(session.paths, AS_OF), session, files.__setitem__)
        made[lasting], families[lasting] = files, seen
    assert made[True] == made[False] and len(made[True]) > 80
    assert {"card", "data"} <= families[True]
    assert "card" not in families[False] and "data" in families[False]


def test_a_folder_listing_is_kept_until_an_entry_comes_goes_or_is_renamed(tmp_path,
                                                                          monkeypatch):
    import time

    from accordi.incremental import files

    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "a.it.md").write_text("a")
    (folder / ".hidden.it.md").write_text("h")
    cache = FileCache()

    def names() -> list[str]:
        return [path.name for path, _, _ in cache.listing(folder)]

    assert names() == ["a.it.md"]
    assert cache.listing(folder) is not cache.listing(folder)  # just changed: not trusted
    monkeypatch.setattr(files, "RACY", -1)  # as if every change were long past
    kept = cache.listing(folder)
    assert cache.listing(folder) is kept
    (folder / "a.it.md").write_text("a, edited")  # the folder itself is as it was
    assert cache.listing(folder) is kept

    def change(act) -> None:
        time.sleep(0.05)  # past the clock's tick: the change shows in the folder's times
        act()

    change(lambda: (folder / "b.it.md").write_text("b"))
    assert names() == ["a.it.md", "b.it.md"]
    change(lambda: (folder / "a.it.md").rename(folder / "c.it.md"))
    assert names() == ["b.it.md", "c.it.md"]
    change(lambda: (folder / "b.it.md").unlink())
    assert names() == ["c.it.md"]
    change(lambda: (folder / "sub").mkdir())
    assert [(p.name, link, is_dir) for p, link, is_dir in cache.listing(folder)] == [
        ("c.it.md", False, False), ("sub", False, True)]


def test_a_verbose_build_prints_each_step_of_the_spine_and_its_seconds(tmp_path):
    """`--verbose` names every step in the order the build runs them, each with its time."""
    content = make_site(tmp_path)
    code, stdout, stderr = cli("build", "--content", content, "--output", tmp_path / "out",
                               "--cache", tmp_path / "cache", "--as-of", "2024-01-15",
                               "--verbose")
    assert code == 0, stderr
    steps = [m.group(1) for m in re.finditer(r"^  (\S.*?) +\d+\.\d{3} s$", stdout, re.M)]
    assert steps == ["read content", "load and check the site", "check addresses",
                     "plan outputs", "make outputs", "check deep links", "gather warnings",
                     "index search", "record addresses and anchors", "publish"]
