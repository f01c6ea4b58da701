"""Crash safety: a build killed at any moment never leaves a mixed output folder.

The command line builds a large content tree (the real agreements, copied many times under new
ids) in a subprocess, and is sent SIGKILL after delays spread over the whole build, then at
watched moments: staging folder just made, half-written, complete, and right after the swap
while the previous site is being removed. After each kill `output/` must be exactly the
previous complete site or exactly the new one (same files, same bytes, compared with manifests
of both builds), and the next build must succeed and clean up what the killed one left.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accordi import search
from tests.conftest import FIGURES, PYTHON, ROOT

COPIES = 30  # copies of each real agreement: a build of a few seconds
AS_OF_A, AS_OF_B = "2024-01-15", "2026-06-30"


POOL_COPIES = 150  # of each real agreement, for the test of the pools' processes


def big_content(target: Path, copies: int = COPIES, skip: str = "") -> Path:
    """The real content with every agreement (and its translation) copied `copies` times."""
    shutil.copytree(ROOT / "content", target)
    for source in sorted((target / "agreements").glob("*.md")):
        stem, lang = source.name.split(".")[:2]
        text = source.read_text(encoding="utf-8")
        for k in range(copies):
            copy = text.replace(f"\nid: {stem}\n", f"\nid: {stem}-copia-{k}\n", 1)
            (source.parent / f"{stem}-copia-{k}.{lang}.md").write_text(copy, encoding="utf-8")
    for extra in sorted((target / "agreements").glob(f"{skip}.*.md")) if skip else []:
        extra.unlink()
    return target


def manifest(folder: Path) -> dict[str, str]:
    """Every file below `folder` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir()
                  if p.name.startswith(f".{output.name}.staging-"))


def command(content: Path, output: Path, as_of: str) -> list[str]:
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    return [str(python), str(ROOT / "build.py"), "build", "--content", str(content),
            "--output", str(output), "--as-of", as_of]


ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}


def run(content: Path, output: Path, as_of: str) -> None:
    proc = subprocess.run(command(content, output, as_of), capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=600)
    assert proc.returncode == 0, proc.stderr


def kill_after(content: Path, output: Path, as_of: str, delay: float) -> int:
    """Start a build, SIGKILL it after `delay` seconds; its return code (-9 when killed)."""
    return kill_when(content, output, as_of, lambda elapsed: elapsed >= delay)


def kill_when(content: Path, output: Path, as_of: str, ready, pids: list | None = None
              ) -> int:
    """Start a build, SIGKILL it as soon as `ready(seconds since start)` is true (its pid
    appended to `pids`)."""
    proc = subprocess.Popen(command(content, output, as_of), cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if pids is not None:
        pids.append(proc.pid)
    started = time.perf_counter()
    while proc.poll() is None:
        if ready(time.perf_counter() - started):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    return proc.wait(timeout=600)


def staged_files(output: Path) -> int:
    """Files written so far into the staging folder(s) beside `output`."""
    return sum(len(files) for name in leftovers(output)
               for _, _, files in os.walk(output.parent / name))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Content A and B (B has one agreement fewer and other statuses), with their manifests."""
    tmp = tmp_path_factory.mktemp("crash")
    content_a = big_content(tmp / "content-a")
    content_b = big_content(tmp / "content-b", skip="milano-riga-2018-copia-0")
    run(content_a, tmp / "ref-a" / "output", AS_OF_A)
    run(content_b, tmp / "ref-b" / "output", AS_OF_B)
    a, b = manifest(tmp / "ref-a" / "output"), manifest(tmp / "ref-b" / "output")
    assert set(a) != set(b) and len(a) > 400
    return tmp, content_a, content_b, a, b


def restore_a(tmp: Path, output: Path) -> None:
    """Put the previous complete site back in place (outside the code under test)."""
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(tmp / "ref-a" / "output", output)


def test_sigkill_at_any_moment_leaves_old_or_new_site(sites):
    tmp, _, content_b, manifest_a, manifest_b = sites
    output = tmp / "site" / "output"
    restore_a(tmp, output)
    started = time.perf_counter()
    run(content_b, output, AS_OF_B)  # how long one build takes here, from start to exit
    duration = time.perf_counter() - started
    assert manifest(output) == manifest_b

    outcomes: list[tuple[float, str]] = []

    inodes: list[int] = []

    def inode_a() -> int:
        return inodes[-1]

    def attempt(ready) -> str:
        restore_a(tmp, output)
        inodes.append(output.stat().st_ino)
        killed_at = time.perf_counter()
        code = kill_when(content_b, output, AS_OF_B, ready)
        delay = time.perf_counter() - killed_at
        now = manifest(output) if output.is_dir() else None
        assert now in (manifest_a, manifest_b), (
            f"killed after {delay:.2f}s: output is neither the old nor the new site"
            + ("" if now is None else f" ({len(set(now) ^ set(manifest_a))} files off A, "
                                      f"{len(set(now) ^ set(manifest_b))} off B)"))
        if code != -signal.SIGKILL:
            state = "finished"
        elif now == manifest_a:
            state = "old site, new one half-written"
        elif leftovers(output):
            state = "new site, old one half-removed"
        else:
            state = "new site, killed while exiting"
        outcomes.append((delay, state))
        return state

    for fraction in (0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0):
        attempt(lambda t, f=fraction: t >= duration * f)
    # Then at the moments that matter, watched rather than timed: the staging folder just
    # made, half-written, complete (the flush before the swap), and the swap itself (the
    # output folder is another one: the previous site is being removed).
    total = len(manifest_b)
    for threshold in (1, total // 2, total, total):
        attempt(lambda t, n=threshold: staged_files(output) >= n)
    for _ in range(3):
        attempt(lambda t: output.stat().st_ino != inode_a())
    killed = [s for _, s in outcomes if s != "finished"]
    states = {s: sum(1 for x in killed if x == s) for s in sorted(set(killed))}
    FIGURES.append(f"kill points survived: {len(killed)} SIGKILLs over a {duration:.1f}s build "
                   f"of {len(manifest_b)} files ({states}); "
                   f"{len(outcomes) - len(killed)} builds finished before their kill")
    assert len(killed) >= 10
    assert states.get("old site, new one half-written", 0) >= 5, states

    assert states.get("new site, old one half-removed", 0) >= 1, states  # the swap was hit

    # The next build recovers: it succeeds, publishes B whole and removes every leftover.
    restore_a(tmp, output)
    code = kill_when(content_b, output, AS_OF_B, lambda t: staged_files(output) >= total // 3)
    assert code == -signal.SIGKILL
    assert leftovers(output), "a killed build leaves its staging folder behind"
    run(content_b, output, AS_OF_B)
    assert manifest(output) == manifest_b
    assert leftovers(output) == []


def test_concurrent_builds_take_turns(sites):
    """Two builds of the same output at once: both finish, neither removes the other's
    staging folder, and the output is one complete site."""
    tmp, content_a, content_b, manifest_a, manifest_b = sites
    output = tmp / "both" / "output"
    restore_a(tmp, output)
    procs = [subprocess.Popen(command(content_b, output, AS_OF_B), cwd=ROOT, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    deadline = time.perf_counter() + 300
    while staged_files(output) < 20 and procs[0].poll() is None:  # the first one is writing
        assert time.perf_counter() < deadline
        time.sleep(0.002)
    procs.append(subprocess.Popen(command(content_a, output, AS_OF_A), cwd=ROOT, env=ENV,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    assert manifest(output) in (manifest_a, manifest_b)
    assert leftovers(output) == []


def test_killed_build_of_a_first_site_leaves_no_output(tmp_path):
    """With no previous site, a kill leaves no output folder at all, or the complete site."""
    content = big_content(tmp_path / "content", copies=3)
    run(content, tmp_path / "ref" / "output", AS_OF_A)
    complete = manifest(tmp_path / "ref" / "output")
    output = tmp_path / "output"
    for delay in (0.05, 0.3, 0.6, 0.9):
        kill_after(content, output, AS_OF_A, delay)
        if output.exists():
            assert manifest(output) == complete
            shutil.rmtree(output)
    run(content, output, AS_OF_A)
    assert manifest(output) == complete and leftovers(output) == []


def test_output_folder_is_readable_like_any_other(tmp_path):
    """The staging folder is private while written; the published one is not."""
    content = big_content(tmp_path / "content", copies=0)
    output = tmp_path / "output"
    old = os.umask(0o022)
    try:
        run(content, output, AS_OF_A)
    finally:
        os.umask(old)
    assert oct(output.stat().st_mode & 0o777) == oct(0o755)
    assert re.fullmatch(r"0o6[0-7][0-7]", oct((output / "index.html").stat().st_mode & 0o777))


def test_a_second_build_waits_for_the_first(tmp_path):
    """The lock, seen in-process: a second build's staging waits until the first build has
    published, instead of removing the first one's half-written folder as a leftover."""
    import threading

    from accordi.publish import Staging

    output = tmp_path / "output"
    first = Staging(output)
    first.write("index.html", "first")
    second: list[Staging] = []
    waiting = threading.Thread(target=lambda: second.append(Staging(output)))
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and second == [], "the second build did not wait"
    assert (first.dir / "index.html").read_text() == "first"  # not removed as a leftover
    first.commit()
    waiting.join(timeout=30)
    assert second, "the second build never started"
    second[0].write("index.html", "second")
    second[0].commit()
    assert (output / "index.html").read_text() == "second" and leftovers(output) == []


def indexers(output: Path) -> list[int]:
    """Processes indexing a staging folder beside `output` (Pagefind's, by their command)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if entry.name.isdigit() and any(str(output.parent).encode() in a and
                                        b".search-work" in a for a in argv):
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal "
                    "is Linux's")
def test_a_build_killed_while_indexing_leaves_no_indexer_running(sites):
    tmp, _, content_b, _, _ = sites
    output = tmp / "indexing" / "output"
    restore_a(tmp, output)
    pids: list[int] = []
    code = kill_when(content_b, output, AS_OF_B, lambda t: bool(indexers(output)), pids)
    assert code == -signal.SIGKILL
    deadline = time.perf_counter() + 60
    while indexers(output) and time.perf_counter() < deadline:
        time.sleep(0.01)
    for pid in indexers(output):
        os.kill(pid, signal.SIGKILL)
    # Pagefind writes its entry file last: a Pagefind left running would have finished,
    # in the staging folder or in memory.
    scratch = sorted(search.SCRATCH.glob(f"{search.SCRATCH_PREFIX}{pids[0]}-*"))
    assert scratch or not search.SCRATCH.is_dir()  # it was indexing into memory
    finished = [p for name in leftovers(output)
                for p in (output.parent / name / ".search-work").rglob(search.ENTRY)]
    finished += [p for folder in scratch for p in folder.rglob(search.ENTRY)]
    assert leftovers(output) and finished == [], "Pagefind went on for a killed build"
    run(content_b, output, AS_OF_B)
    assert leftovers(output) == []
    # What the killed build's indexer held in memory is given back by the next build.
    assert not [p for p in scratch if p.exists()]


def session(leader: int) -> list[int]:
    """The live processes of the session `leader` started (its own pid excepted)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == leader:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == leader and fields[0] != "Z":  # the session id; not a zombie
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal "
                    "is Linux's")
@pytest.mark.parametrize("stage", ["parsing", "rendering"])
def test_the_pools_processes_die_with_the_build(sites, stage):
    """A build killed while its pools of processes parse or render leaves none of them
    running: each asks the system to kill it when its parent dies.

    The processes are stopped (SIGSTOP) before the build is killed: one that did not ask
    would stay, instead of running on until it next writes to its dead parent."""
    tmp = sites[0]
    # Enough work that the pool still runs when its processes are stopped, however fast
    # the machine: one process per core parsing, or rendering, for a few seconds.
    content_b = big_content(tmp / f"pool-{stage}" / "content", copies=POOL_COPIES)
    output = tmp / f"pool-{stage}" / "output"
    cache = tmp / f"pool-{stage}" / "cache"
    if stage == "rendering":  # every file parsed already: the pages are what is left to do
        warm = subprocess.run(command(content_b, tmp / f"pool-{stage}" / "warm", AS_OF_A)
                              + ["--cache", str(cache)], cwd=ROOT, env=ENV,
                              capture_output=True, text=True, timeout=600)
        assert warm.returncode == 0, warm.stderr
    proc = subprocess.Popen(command(content_b, output, AS_OF_B) + ["--cache", str(cache),
                                                                   "--jobs", "2"],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    python = os.path.realpath(command(content_b, output, AS_OF_B)[0])

    def builders() -> list[int]:
        """The build's own processes (forks of it, not the programs it runs, such as git)."""
        found = []
        for pid in session(proc.pid):
            try:
                if os.path.realpath(f"/proc/{pid}/exe") == python:
                    found.append(pid)
            except OSError:
                pass
        return found

    deadline = time.perf_counter() + 120
    while len(builders()) < 3 and proc.poll() is None:  # the child and its pool
        assert time.perf_counter() < deadline
        time.sleep(0.002)
    # A process just forked asks in its first milliseconds: stopped before that, it could
    # not have asked, whatever the code.
    time.sleep(0.2)
    workers = builders()
    assert proc.poll() is None and len(workers) >= 3, "the build's pool ended too soon"
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.perf_counter() + 5
    while session(proc.pid) and time.perf_counter() < deadline:
        time.sleep(0.01)
    left = session(proc.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"{len(left)} of {len(workers)} processes outlived the killed build"
