"""The installable package: a wheel built offline by the pinned backend, with everything a
site needs inside; runtime ranges that admit this repository's pins; the `accordi` command
with --help on each subcommand and --version; build.py on the same entry point."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from accordi import __version__
from accordi.cli import parser
from accordi.config import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
COMMANDS = ("build", "serve", "check", "new", "import", "schema", "init")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line):
            pins[m.group(1).lower()] = m.group(2)
    return pins


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as `make wheel` builds it: no isolation, no network."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-P", "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(out), str(PROJECT_ROOT)], check=True, capture_output=True,
                   cwd=out, timeout=300)
    found = list(out.glob("accordi-*.whl"))
    assert len(found) == 1
    return found[0]


def test_the_wheel_holds_the_theme_and_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, source in (("accordi/theme/templates", "templates"),
                           ("accordi/theme/assets", "assets")):
        expected = {f"{folder}/{p.relative_to(PROJECT_ROOT / source).as_posix()}"
                    for p in (PROJECT_ROOT / source).rglob("*") if p.is_file()}
        assert expected and expected <= names
    package = PROJECT_ROOT / "accordi"
    for pattern in ("locales/*.yaml", "content.schema.json", "data/world-atlas/*",
                    "scaffolds/*", "starter/**/*", "outputs/*.json", "cms/words.it.yaml",
                    "cms/admin/*", "cms/vendor/**/*"):  # the web editor, vendored
        expected = {f"accordi/{p.relative_to(package).as_posix()}"
                    for p in package.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts}
        assert expected and expected <= names, pattern
    assert not any(n.startswith(("content/", "tests/", "accordi/__pycache__")) for n in names)
    assert f"accordi-{__version__}.dist-info/entry_points.txt" in names
    entry = zipfile.ZipFile(wheel).read(f"accordi-{__version__}.dist-info/entry_points.txt")
    assert "accordi = accordi.cli:main" in entry.decode()


def test_the_build_backend_is_pinned_and_hash_locked():
    backend = PYPROJECT["build-system"]["requires"]
    locked = _pins("requirements-build.txt")
    for req in map(Requirement, backend):
        assert str(req.specifier).startswith("=="), req
        assert locked[req.name.lower()] == str(req.specifier)[2:]
    assert "--hash=sha256:" in (PROJECT_ROOT / "requirements-build.txt").read_text()


def test_runtime_ranges_admit_the_pins_and_name_every_runtime_package():
    ranges = {Requirement(r).name.lower(): Requirement(r)
              for r in PYPROJECT["project"]["dependencies"]}
    pinned = _pins("requirements.in")
    assert set(ranges) == set(pinned)
    locked = _pins("requirements.txt")
    for name, req in ranges.items():
        assert not str(req.specifier).startswith("=="), f"{name}: a range, not a pin"
        assert req.specifier.contains(pinned[name]), (name, req.specifier, pinned[name])
        assert locked[name] == pinned[name]


def _run(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "accordi", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)})


def test_version_and_help_on_every_command(tmp_path):
    done = _run("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip().endswith(__version__)
    top = _run("--help", cwd=tmp_path)
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        sub = _run(command, "--help", cwd=tmp_path)
        assert sub.returncode == 0, sub.stderr
        assert sub.stdout.startswith("usage:") and f" {command} " in sub.stdout.splitlines()[0]


def test_options_default_to_the_site_folder(tmp_path):
    args = parser(tmp_path).parse_args(["build"])
    from accordi.cli import _defaults
    _defaults(args)
    assert (args.content, args.output, args.cache) == (
        tmp_path / "content", tmp_path / "output", tmp_path / ".cache" / "build")
    serve = parser(tmp_path).parse_args(["serve"])
    _defaults(serve)
    assert serve.output == tmp_path / ".cache" / "preview"


def test_build_py_is_the_same_entry_point_with_this_repository_as_its_site(tmp_path):
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "check"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("content OK:")
    assert "from accordi.cli import main" in (PROJECT_ROOT / "build.py").read_text()
