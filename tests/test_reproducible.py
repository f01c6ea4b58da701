"""Reproducible output: the same content and reference day give the same bytes, anywhere.

Two builds run as separate processes that differ in everything a build must not depend on:
temporary folders (content and output), hash seed, time zone (UTC+14 and UTC-10, so that
they disagree about today's date), locale, user, home and host name. Their output trees must
be identical file for file, byte for byte and mode for mode, and no file may name the
folders, the host, the user, or today's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIGURES, FIXTURE, PYTHON, ROOT

EPOCH = "1750000000"  # 2025-06-15 UTC: the reference day of both builds
AS_OF = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).date()
RUNS = [
    {"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8",
     "USER": "redattrice-prima", "HOST": "accordi-host-prima"},
    {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Pago_Pago", "LC_ALL": "POSIX",
     "USER": "editor-second", "HOST": "accordi-host-second"},
]


def _can_set_hostname() -> bool:
    """Whether `unshare --uts` lets a build run under a host name of our choosing."""
    try:
        proc = subprocess.run(["unshare", "--uts", "sh", "-c", "hostname accordi-probe"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def build_in(place: Path, run: dict[str, str], own_host: bool) -> Path:
    """Copy the content trees into `place` and build both there, as `run` says."""
    home = place / f"home-{run['USER']}"
    home.mkdir(parents=True)
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "HOME": str(home),
           "LOGNAME": run["USER"], "PYTHONIOENCODING": "utf-8",
           **{k: v for k, v in run.items() if k != "HOST"}}
    out = place / "outputs"
    for name, source in (("real", ROOT / "content"), ("fixture", FIXTURE)):
        content = place / f"content-{name}"
        shutil.copytree(source, content)
        cmd = [str(python), str(ROOT / "build.py"), "build", "--content", str(content),
               "--output", str(out / name)]
        if own_host:
            cmd = ["unshare", "--uts", "sh", "-c", f'hostname {run["HOST"]} && exec "$@"',
                   "sh", *cmd]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr
    return out


def tree(folder: Path) -> dict[str, tuple[str, str]]:
    """Every file and folder below `folder`: kind and mode, and a hash of each file."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        mode = oct(p.stat().st_mode & 0o777)
        out[rel] = (mode, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
    return out


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    own_host = _can_set_hostname()
    places = [tmp_path_factory.mktemp("first-place"),
              tmp_path_factory.mktemp("a-second-place-with-a-longer-name")]
    outputs = [build_in(place, run, own_host) for place, run in zip(places, RUNS, strict=True)]
    return places, outputs, own_host


def test_two_builds_are_byte_identical(two_builds):
    places, outputs, own_host = two_builds
    first, second = (tree(out) for out in outputs)
    assert first == second
    files = sum(1 for mode, digest in first.values() if digest != "dir")
    FIGURES.append(f"reproducible: {files} files byte-identical across two builds "
                   f"(hash seed, TZ, locale, user, home, temp folders"
                   f"{', host name' if own_host else ''} all different)")
    assert files > 100


def test_no_file_names_the_machine_or_the_day(two_builds):
    places, outputs, own_host = two_builds
    today = {dt.datetime.now(dt.UTC).date(), dt.date.today()}
    needles = {str(ROOT), str(Path.home()), *(str(p) for p in places),
               *(run["USER"] for run in RUNS), *(d.isoformat() for d in today if d != AS_OF)}
    needles |= {run["HOST"] for run in RUNS} if own_host else set()
    found = []
    for out in outputs:
        for p in sorted(out.rglob("*")):
            if p.is_file():
                data = p.read_bytes()
                found += [(p.relative_to(out).as_posix(), n) for n in sorted(needles)
                          if n.encode() in data]
    assert found == []
    # and the reference day is the one the build was given, not the day it ran
    home = (outputs[0] / "real" / "it" / "index.html").read_text(encoding="utf-8")
    assert f'datetime="{AS_OF.isoformat()}"' in home
