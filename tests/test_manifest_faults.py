"""The list of published addresses survives a build killed while writing it and a full disk.

`content/published-urls.txt` is what keeps the notice pages of removed records alive: if it
were emptied, the next build would record the addresses afresh and drop every `removed`
line. The faults are real ones, injected into a real build by strace: SIGKILL, or ENOSPC,
at the first write, fsync or rename touching the list (or the temporary file it is written
to). After each, the list is whole (as before, or with the new addresses), a failure to
record fails the build with the previous output intact, and the next build keeps the
removed lines and their notices.
"""

from __future__ import annotations

import signal
import subprocess

import pytest

from accordi.published import MANIFEST
from tests.conftest import PYTHON, ROOT, cli, make_site
from tests.test_manifest import mark_removed, renamed

AS_OF = "2024-01-15"
REMOVED = ["/it/accordi/lisbona-2021/", "/en/agreements/lisbona-2021/",
           "/data/agreements/lisbona-2021.json"]
TEMPORARY = f".{MANIFEST}.tmp"
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
SYSCALLS = {"write": "write,pwrite64,writev", "fsync": "fsync,fdatasync",
            "rename": "rename,renameat,renameat2"}


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path):
    """A built site, then one record removed (its lines marked) and one renamed with its
    alias: the next build has two new addresses to record."""
    content = make_site(tmp_path)
    code, _, err = cli("build", "--content", content, "--output", tmp_path / "output",
                       "--as-of", AS_OF)
    assert code == 0, err
    for lang in ("it", "en"):
        (content / "agreements" / f"lisbona-2021.{lang}.md").unlink()
    mark_removed(content, *REMOVED)
    renamed(content, alias=True)
    return content, tmp_path / "output"


def faulty_build(content, output, syscall: str, fault: str) -> subprocess.CompletedProcess:
    injected = "signal=KILL" if fault == "kill" else "error=ENOSPC"
    return subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/null", "-P", str(content / MANIFEST),
         "-P", str(content / TEMPORARY), "-e", f"inject={SYSCALLS[syscall]}:{injected}",
         str(PYTHON), str(ROOT / "build.py"), "build", "--content", str(content),
         "--output", str(output), "--as-of", AS_OF],
        capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300)


def recovers(content, output) -> None:
    """The next build succeeds, keeps the removed lines, and serves their notices."""
    code, _, err = cli("build", "--content", content, "--output", output, "--as-of", AS_OF)
    assert code == 0, err
    lines = (content / MANIFEST).read_text(encoding="utf-8").splitlines()
    for address in REMOVED:
        assert f"{address} removed 2024-01-10" in lines
    assert "Pagina rimossa" in (output / "it/accordi/lisbona-2021/index.html").read_text()
    assert "/it/accordi/lisbona-amicizia-2012/" in lines
    assert not (content / TEMPORARY).exists()


@pytest.mark.parametrize("syscall", SYSCALLS)
def test_a_build_killed_while_recording_leaves_the_list_whole(site, syscall):
    content, output = site
    before = (content / MANIFEST).read_bytes()
    proc = faulty_build(content, output, syscall, "kill")
    after = (content / MANIFEST).read_bytes()
    if proc.returncode == -signal.SIGKILL:
        assert after == before, f"killed at {syscall}: the list changed while unfinished"
    else:
        assert proc.returncode == 0, proc.stderr
        assert after.startswith(before.rstrip(b"\n")) and len(after) > len(before)
    recovers(content, output)


@pytest.mark.parametrize("syscall", SYSCALLS)
def test_a_full_disk_while_recording_fails_the_build_and_keeps_the_list(site, syscall):
    content, output = site
    before, published = (content / MANIFEST).read_bytes(), snapshot(output)
    proc = faulty_build(content, output, syscall, "nospace")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        f"build stopped: cannot record the published addresses in content/{MANIFEST}: "
        f"No space left on device; {output} was left as it was")
    assert (content / MANIFEST).read_bytes() == before
    assert snapshot(output) == published
    assert not (content / TEMPORARY).exists()
    recovers(content, output)
