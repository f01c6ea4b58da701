"""A build cache that cannot be used only costs time: the command line and the preview say
so in one line, start from scratch and put a new cache in its place, and the site is the
same bytes as one built without a cache.

The faults are those a disk, an interrupted copy or a bad CI cache restore leave: random
bytes, a truncated file, a database of another layout or version, a file another process
holds locked, and things that cannot be read as a file (a folder or a FIFO where the file
should be; the cache folder itself a plain file). Running as root, permissions would not
stop the build from reading a file, so unreadable is made with a folder or a FIFO.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PYTHON, ROOT, cli, make_site
from tests.test_serve import fetch, free_port, touch_edit, wait_for

AS_OF = "2024-01-15"
NAME = "cache-v4.sqlite"
TABLES = {"kv", "files", "reads", "records", "pending"}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def build(content: Path, output: Path, cache: Path | None) -> tuple[int, str, str]:
    where = ("--cache", cache) if cache is not None else ("--no-cache",)
    return cli("build", "--content", content, "--output", output, "--as-of", AS_OF, *where)


def a_real_cache(content: Path, cache: Path) -> Path:
    code, _, err = build(content, cache.parent / "warm-up", cache)
    assert code == 0, err
    return cache / NAME


def garbage(content: Path, cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / NAME).write_bytes(os.urandom(64 * 1024))


def truncated(content: Path, cache: Path) -> None:
    file = a_real_cache(content, cache)
    os.truncate(file, file.stat().st_size // 2)


def other_layout(content: Path, cache: Path) -> None:
    cache.mkdir(parents=True)
    with sqlite3.connect(cache / NAME) as db:
        db.execute("CREATE TABLE parsed (id INTEGER PRIMARY KEY, blob BLOB, when_made TEXT)")
        db.execute("INSERT INTO parsed VALUES (1, x'00', 'yesterday')")


def other_version(content: Path, cache: Path) -> None:
    file = a_real_cache(content, cache)
    with sqlite3.connect(file) as db:
        db.execute("PRAGMA user_version = 99")


def a_folder(content: Path, cache: Path) -> None:
    (cache / NAME / "inside").mkdir(parents=True)
    (cache / NAME / "inside" / "x").write_text("x")


def a_fifo(content: Path, cache: Path) -> None:
    cache.mkdir(parents=True)
    os.mkfifo(cache / NAME)


HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(600)
"""


def locked(content: Path, cache: Path) -> subprocess.Popen:
    """The cache, held in an exclusive transaction by another process (returned: the test
    ends it)."""
    file = a_real_cache(content, cache)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(file)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


FAULTS: dict[str, Callable] = {"garbage": garbage, "truncated": truncated,
                               "other-layout": other_layout, "other-version": other_version,
                               "folder": a_folder, "fifo": a_fifo, "locked": locked}


def usable(cache: Path) -> bool:
    """A cache file the next build can use: a database with the build's tables."""
    file = cache / NAME
    if not file.is_file() or file.is_symlink():
        return False
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as db:
        found = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return found >= TABLES


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The fixture site built without a cache."""
    tmp = tmp_path_factory.mktemp("reference")
    content = make_site(tmp)
    code, _, err = build(content, tmp / "output", None)
    assert code == 0, err
    return tree(tmp / "output")


@pytest.mark.parametrize("fault", FAULTS)
def test_the_command_line_says_so_starts_afresh_and_builds_the_same_site(tmp_path, reference,
                                                                         fault):
    content = make_site(tmp_path)
    cache = tmp_path / "cache"
    holder = FAULTS[fault](content, cache)
    try:
        code, out, err = build(content, tmp_path / "output", cache)
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
    assert "Traceback" not in err, err
    assert code == 0, err
    said = [line for line in err.splitlines() if "cache" in line]  # not the content's warnings
    assert len(said) == 1 and "build cache" in said[0] and str(cache / NAME) in said[0], err
    assert out.startswith("built ")
    assert tree(tmp_path / "output") == reference
    assert usable(cache), "the unusable cache was not replaced"
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(NAME + "-")) == [
        NAME], "something was left beside the new cache"
    # The new cache works: the next build uses it, quietly, and finds nothing to do.
    code, out, err = build(content, tmp_path / "output", cache)
    assert code == 0 and "cache" not in err, err
    assert out.startswith("built 0 pages")
    assert tree(tmp_path / "output") == reference


def test_a_cache_folder_that_is_a_file_is_left_alone(tmp_path, reference):
    """`--cache` naming a plain file (a slip of the keyboard) builds without a cache, says
    so, and does not delete the file."""
    content = make_site(tmp_path)
    mistaken = tmp_path / "notes.txt"
    mistaken.write_text("not a cache", encoding="utf-8")
    code, out, err = build(content, tmp_path / "output", mistaken)
    assert "Traceback" not in err, err
    assert code == 0, err
    said = [line for line in err.splitlines() if "cache" in line]  # not the content's warnings
    assert len(said) == 1 and "build cache" in said[0] and str(mistaken) in said[0], err
    assert mistaken.read_text(encoding="utf-8") == "not a cache"
    assert tree(tmp_path / "output") == reference


@pytest.mark.parametrize("fault", FAULTS)
def test_the_preview_says_so_starts_afresh_and_serves(tmp_path, fault):
    content = make_site(tmp_path)
    cache = tmp_path / "cache"
    holder = FAULTS[fault](content, cache)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(PYTHON), str(ROOT / "build.py"), "serve", "--content", str(content),
             "--port", str(port), "--output", str(tmp_path / "preview"), "--as-of", AS_OF,
             "--cache", str(cache)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        page = base + "it/accordi/lisbona-2021/"
        wait_for(lambda: fetch(page)[0] == 200, timeout=60)
        assert "hanno firmato un accordo" in fetch(page)[1]
        touch_edit(content / "agreements/lisbona-2021.it.md", "hanno firmato un accordo",
                   "hanno sottoscritto un accordo")  # and it goes on rebuilding
        wait_for(lambda: "hanno sottoscritto un accordo" in fetch(page)[1])
        text = log.read_text(encoding="utf-8")
        assert "Traceback" not in text, text
        said = [line for line in text.splitlines() if "build cache" in line]
        assert len(said) == 1 and str(cache / NAME) in said[0], text
        assert usable(cache)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        if holder is not None:
            holder.kill()
            holder.wait()
    shutil.rmtree(cache)


def test_a_full_disk_under_the_cache_midway_only_costs_time(tmp_path, reference):
    """Every write to the cache's files fails with ENOSPC once the build is under way
    (strace's fault injection): the build says so once and goes on without a cache."""
    content = make_site(tmp_path)
    cache = tmp_path / "cache"
    a_real_cache(content, cache)
    (content / "agreements/lisbona-2021.it.md").write_text(  # something new to remember
        (content / "agreements/lisbona-2021.it.md").read_text(encoding="utf-8").replace(
            "hanno firmato un accordo", "hanno sottoscritto un accordo"), encoding="utf-8")
    paths = [f"--trace-path={cache / NAME}{suffix}" for suffix in ("", "-wal", "-journal")]
    proc = subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/null", *paths,
         "-e", "inject=write,pwrite64,fsync,fdatasync,ftruncate:error=ENOSPC",
         str(PYTHON), str(ROOT / "build.py"), "build", "--content", str(content),
         "--output", str(tmp_path / "output"), "--as-of", AS_OF, "--cache", str(cache)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    said = [line for line in proc.stderr.splitlines() if "build cache" in line]
    assert said and all("going on without it" in line for line in said), proc.stderr
    code, _, err = build(content, tmp_path / "fresh", None)
    assert code == 0, err
    assert tree(tmp_path / "output") == tree(tmp_path / "fresh")
