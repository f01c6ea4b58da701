"""Pagefind writes each bundle into a scratch folder in memory, then the bundle is moved
into the site: the same files as when it writes into the site's folder, nothing left behind,
the disk when memory has no room, and what a killed build left swept by the next one."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accordi import search
from accordi.cli import build_once
from accordi.config import Paths
from bench.generate import generate

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scratch")
    content = generate(12, root / "content")
    build_once(Paths(content=content, output=root / "site"), AS_OF, history=False)
    return root / "site"


def _shards(site: Path) -> list[search.Shard]:
    pages = [p.relative_to(site).as_posix() for p in site.glob("*/*/*/index.html")
             if "data-pagefind-body" in p.read_text("utf-8")]
    assert {"it/accordi/accordo-00000/index.html", "en/agreements/accordo-00011/index.html"
            } <= set(pages)
    return search.plan(dict.fromkeys(pages, ""), size=math.ceil(len(pages) / 3))


def _index(site: Path, target: Path, monkeypatch, scratch: Path) -> tuple[dict, list[Path]]:
    """Index a copy of `site` at `target` with `scratch` as the scratch folder: its bundles'
    files (path -> bytes), and where Pagefind was told to write each bundle."""
    shutil.copytree(site, target)
    shutil.rmtree(target / search.SEARCH_BUNDLE)
    bundles = []
    real = search._run_pagefind

    def spy(binary, pages, bundle):
        bundles.append(bundle)
        return real(binary, pages, bundle)

    monkeypatch.setattr(search, "_run_pagefind", spy)
    monkeypatch.setattr(search, "SCRATCH", scratch)
    search.build_index(target, _shards(target), jobs=2)
    files = {p.relative_to(target).as_posix(): p.read_bytes()
             for p in (target / search.SEARCH_BUNDLE).rglob("*") if p.is_file()}
    return files, bundles


def test_a_bundle_made_in_memory_is_the_one_made_on_disk(built, tmp_path, monkeypatch):
    memory = tmp_path / "memory"
    memory.mkdir()
    in_memory, where = _index(built, tmp_path / "a", monkeypatch, memory)
    assert len(where) == 3 and all(b.is_relative_to(memory) for b in where)
    assert list(memory.iterdir()) == []  # each scratch folder goes once its bundle moved
    on_disk, where = _index(built, tmp_path / "b", monkeypatch, tmp_path / "nowhere")
    assert all(b.is_relative_to(tmp_path / "b" / ".search-work") for b in where)
    assert in_memory == on_disk and len(in_memory) > 20
    assert not (tmp_path / "a" / ".search-work").exists()


def test_no_room_in_memory_means_the_disk(built, tmp_path, monkeypatch):
    memory = tmp_path / "memory"
    memory.mkdir()
    usage = shutil.disk_usage(memory)
    room = min(sum((built / p).stat().st_size for p in s.pages) for s in _shards(built))
    # Room for a bundle as large as any shard's pages, but not twice that: none goes there.
    monkeypatch.setattr(search.shutil, "disk_usage",
                        lambda path: usage._replace(free=room))
    _, where = _index(built, tmp_path / "a", monkeypatch, memory)
    assert where and not any(b.is_relative_to(memory) for b in where)


def test_what_a_dead_process_left_is_swept_and_a_live_ones_kept(tmp_path, monkeypatch):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone = int(dead.stdout)
    monkeypatch.setattr(search, "SCRATCH", tmp_path)
    left = tmp_path / f"{search.SCRATCH_PREFIX}{gone}-abc"
    mine = tmp_path / f"{search.SCRATCH_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"unrelated-{gone}-ghi"
    for folder in (left, mine, other):
        (folder / "bundle").mkdir(parents=True)
        (folder / "bundle" / "file").write_text("x")
    search.sweep_scratch()
    assert not left.exists() and mine.exists() and other.exists()
