"""Supply chain, offline: every dependency is pinned to one version and to the hashes of its
files, the environment under test is exactly the locked one, and the npm tools are locked
with integrity hashes from the public registry. (Known-vulnerability audits need the
advisory services and run with `make audit-deps`.)
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import ROOT

LOCKS = ["requirements.txt", "requirements-dev.txt", "requirements-audit.txt"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;[^\\]*)?\s*\\$")
HASH = re.compile(r"^    --hash=sha256:[0-9a-f]{64}(?: \\)?$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    """name -> version of a lock file, checking that every requirement carries hashes."""
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"{lock}: not an exact pin with hashes: {line!r}"
        hashes = 0
        while i < len(lines) and lines[i].startswith("    --hash="):
            assert HASH.match(lines[i]), f"{lock}: {lines[i]!r}"
            hashes += 1
            i += 1
        assert hashes, f"{lock}: {m[1]} has no hash"
        out[canonical(m[1])] = m[2]
    return out


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_is_pinned_with_hashes(lock):
    assert len(pins(lock)) >= 5


@pytest.mark.parametrize("lock", LOCKS)
def test_locks_follow_their_sources(lock):
    """Each exact pin of a .in file is in its lock at the same version."""
    source = (ROOT / lock.replace(".txt", ".in")).read_text(encoding="utf-8")
    wanted = {canonical(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", source,
                                                          re.MULTILINE)}
    assert wanted
    locked = pins(lock)
    assert {k: locked.get(k) for k in wanted} == wanted


def test_runtime_and_test_locks_agree():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {k: dev[k] for k in runtime.keys() & dev.keys()} == {
        k: runtime[k] for k in runtime.keys() & dev.keys()}


def test_this_environment_is_the_locked_one():
    """The packages the tests import are the pinned versions (`make test` installs them)."""
    expected = {**pins("requirements.txt"), **pins("requirements-dev.txt")}
    installed = {}
    for name in expected:
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed[name] = None
    assert installed == expected


def test_installs_require_hashes():
    """Every install from a requirements file checks hashes (only pip-tools, the lock's own
    tool, is bootstrapped by version in `make lock`)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    assert re.search(r"^PIP\s*:=.*--require-hashes", makefile, re.MULTILINE)
    commands = [ln for ln in makefile.splitlines() if re.search(r"-r requirements", ln)]
    assert len(commands) >= 3
    for command in commands:
        assert "$(PIP)" in command or "--require-hashes" in command, command


@pytest.mark.parametrize("folder", ["tools", "tools/cms"])
def test_npm_tools_are_locked_with_integrity_hashes(folder):
    package = json.loads((ROOT / folder / "package.json").read_text(encoding="utf-8"))
    wanted = {**package.get("devDependencies", {}), **package.get("dependencies", {})}
    assert wanted
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)  # exact, no ^ or ~
    lock = json.loads((ROOT / folder / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] >= 2
    packages = {k: v for k, v in lock["packages"].items() if k}
    assert len(packages) > 10
    for path, entry in packages.items():
        if entry.get("link"):
            continue
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]+=*", entry.get("integrity", "")), path
        assert entry.get("resolved", "https://registry.npmjs.org/").startswith(
            "https://registry.npmjs.org/"), path


def test_ignore_files_keep_tool_environments_out():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/.venv/", "/.venv-lock/", "/.venv-audit/", "/tools/cms/node_modules"} <= set(
        ignored)
    assert Path(ROOT / "requirements-audit.in").is_file()
