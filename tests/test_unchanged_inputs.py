"""A build whose inputs did not change stops before reading them, and only then.

Every kind of input (content, templates, assets, the reference day, the public URL, the git
history) and every change to the output must send the build the full way, with the result
of a fresh build. Files whose times alone changed (a checkout of another branch and back)
are found unchanged by their bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from accordi import build
from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from accordi.incremental import inputs
from tests.conftest import make_site
from tests.test_build_cache import tree
from tests.test_history import commit, git

AS_OF = dt.date(2026, 1, 1)
URL = "https://example.org/accordi/"


def _paths(tmp_path: Path, content: Path) -> Paths:
    templates, assets = tmp_path / "templates", tmp_path / "assets"
    if not templates.exists():
        shutil.copytree(PROJECT_ROOT / "templates", templates)
        shutil.copytree(PROJECT_ROOT / "assets", assets)
    return Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache",
                 templates=templates, assets=assets)


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def test_nothing_changed_so_nothing_is_read_or_written(tmp_path, monkeypatch):
    paths = _paths(tmp_path, make_site(tmp_path))
    first = build_once(paths, AS_OF, URL)
    before = stamps(paths.output)
    again = build_once(paths, AS_OF, URL)
    assert not first.inputs_unchanged and again.inputs_unchanged
    assert again.warnings == first.warnings
    assert again.pages == 0 and again.files == first.files and again.search == first.search
    assert stamps(paths.output) == before

    def no_reading(*args, **kwargs):
        raise AssertionError("the content was read")

    monkeypatch.setattr(build, "update", no_reading)
    assert build_once(paths, AS_OF, URL).inputs_unchanged


def _touch(paths: Paths) -> None:
    target = paths.content / "agreements/lisbona-2021.it.md"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _same_size_and_times(target: Path, old: str, new: str) -> dict:
    """An edit that keeps the file's size and times (its change time and inode stay
    different, which is what the stamps see)."""
    assert len(old) == len(new)
    st = target.stat()
    target.write_text(target.read_text().replace(old, new, 1))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    return {}


def test_files_only_touched_are_found_unchanged_by_their_bytes(tmp_path, monkeypatch):
    paths = _paths(tmp_path, make_site(tmp_path))
    build_once(paths, AS_OF, URL)
    before = stamps(paths.output)
    for path in paths.content.rglob("*"):
        os.utime(path)
    _touch(paths)

    def no_reading(*args, **kwargs):
        raise AssertionError("the content was read")

    monkeypatch.setattr(build, "update", no_reading)
    read = []
    digest = inputs.content_digest
    monkeypatch.setattr(inputs, "content_digest", lambda *a: read.append(1) or digest(*a))
    assert build_once(paths, AS_OF, URL).inputs_unchanged and read == [1]
    assert build_once(paths, AS_OF, URL).inputs_unchanged and read == [1]  # by stamps
    assert stamps(paths.output) == before


def _edit(rel: str, old: str, new: str):
    def change(paths: Paths) -> dict:
        root = {"content": paths.content, "templates": paths.templates,
                "assets": paths.assets}[rel.split("/")[0]]
        target = root / rel.split("/", 1)[1]
        text = target.read_text()
        assert old in text
        target.write_text(text.replace(old, new, 1))
        return {}
    return change


def _output(change):
    def apply(paths: Paths) -> dict:
        change(paths.output)
        return {}
    return apply


CHANGES = {
    "a file's bytes, with its size and times kept": lambda paths: _same_size_and_times(
        paths.content / "agreements/lisbona-2021.it.md", "hanno firmato", "hanno siglato"),
    "content": _edit("content/agreements/lisbona-2021.it.md", "hanno firmato",
                     "hanno sottoscritto"),
    "a template": _edit("templates/base.html", "<main", "<!-- x --><main"),
    "an asset": _edit("assets/css/site.css", "}", "}\n/* x */", ),
    "the reference day": lambda paths: {"as_of": dt.date(2030, 1, 1)},
    "the public URL": lambda paths: {"base_url": "https://example.org/altro/"},
    "an output file removed": _output(lambda out: (out / "it/index.html").unlink()),
    "an output file edited": _output(lambda out: (out / "sitemap.xml").write_text("x")),
    "a stray output file": _output(lambda out: (out / "stray.html").write_text("x")),
    "an index file removed": _output(lambda out: (out / "pagefind/pagefind-entry.json").unlink()),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_takes_the_full_way_to_a_fresh_result(tmp_path, change):
    paths = _paths(tmp_path, make_site(tmp_path))
    build_once(paths, AS_OF, URL)
    assert build_once(paths, AS_OF, URL).inputs_unchanged
    options = {"as_of": AS_OF, "base_url": URL} | change(paths)
    report = build_once(paths, **options)
    assert not report.inputs_unchanged
    fresh = tmp_path / "fresh"
    build_once(Paths(content=paths.content, output=fresh, templates=paths.templates,
                         assets=paths.assets), **options)
    assert tree(paths.output) == tree(fresh)
    assert build_once(paths, **options).inputs_unchanged  # and then it settles


def test_a_commit_of_an_edit_already_built_changes_the_history_shown(tmp_path, write_site):
    content = write_site(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Prima pubblicazione", "2024-01-10T10:00:00+01:00")
    source = content / "agreements/lisbona-2021.it.md"
    source.write_text(source.read_text().replace("hanno firmato", "hanno sottoscritto"))
    paths = _paths(tmp_path, content)
    build_once(paths, AS_OF, URL)
    assert build_once(paths, AS_OF, URL).inputs_unchanged
    commit(tmp_path, "Testo corretto", "2024-02-01T09:30:00+01:00")  # no file changes
    report = build_once(paths, AS_OF, URL)
    assert not report.inputs_unchanged
    assert "Testo corretto" in (paths.output / "it/accordi/lisbona-2021/index.html").read_text()


def test_a_build_that_records_new_addresses_is_not_trusted_next_time(tmp_path):
    content = make_site(tmp_path)
    listed = content / "published-urls.txt"
    kept = [line for line in listed.read_text().splitlines() if "lisbona-2021" not in line]
    listed.write_text("\n".join(kept) + "\n")
    paths = _paths(tmp_path, content)
    first = build_once(paths, AS_OF, URL)
    assert first.notes
    second = build_once(paths, AS_OF, URL)  # the list it wrote is an input: read again
    assert not second.inputs_unchanged and not second.notes
    assert build_once(paths, AS_OF, URL).inputs_unchanged
