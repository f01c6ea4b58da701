"""Shared helpers: a content tree built from the fixture site, and the CLI in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
PYTHON = ROOT / ".venv" / "bin" / "python"
FIGURES: list[str] = []  # measured figures (fuzz examples, kill points...), shown at the end

if str(ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(ROOT))


def make_site(tmp_path: Path, files: Mapping[str, str | bytes | None] | None = None) -> Path:
    """Copy the fixture site to `tmp_path/content` and apply `files` on top of it.

    `files` maps paths relative to the content folder to their new text (or bytes); None
    deletes the file. The folder is called `content` so that diagnostics read
    `content/agreements/x.it.md`, whatever the temporary folder is.
    """
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    for rel, data in (files or {}).items():
        target = content / rel
        if data is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return content


def render_all(site) -> dict[str, bytes]:
    """Every output of a loaded site, made in memory with the plain session (publishing is
    tested on its own: it does not depend on what the content says)."""
    from accordi.build import OUTPUTS
    from accordi.config import Paths
    from accordi.session import Job, PlainSession

    session = PlainSession()
    job = Job(Paths(content=FIXTURE, output=Path("-")), site.settings.as_of, history=False)
    ctx = session.context(site, job)
    return {out.path: out.make(ctx) for out in session.plan(OUTPUTS, ctx)}


def context(site, router=None):
    """What outputs of a loaded site are made from, with the plain session (and `router`
    instead of the site's own, when given)."""
    from accordi.config import Paths
    from accordi.session import Job, PlainSession

    session = PlainSession()
    ctx = session.context(site, Job(Paths(content=FIXTURE, output=Path("-")),
                                    site.settings.as_of, history=False))
    if router is not None:
        ctx.router = router
        session.base_path = router.base_path
    return ctx


def page_specs(site, router=None) -> list:
    """The PageSpec of every page of a loaded site."""
    from accordi import pages

    ctx = context(site, router)
    return [pages.make(ctx, key) for key in pages.page_keys(site)]


def cli(*args: str | Path) -> tuple[int, str, str]:
    """Run build.py with the virtualenv's Python: (returncode, stdout, stderr)."""
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    proc = subprocess.run([str(python), str(ROOT / "build.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
                               "PYTHONIOENCODING": "utf-8"})
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def write_site() -> Callable[..., Path]:
    """`write_site(tmp_path, files)`: the fixture site with some files changed (see make_site)."""
    return make_site


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str, str]]:
    """`run_cli(*args)`: build.py in a subprocess, returning (returncode, stdout, stderr)."""
    return cli


def pytest_terminal_summary(terminalreporter) -> None:
    """Show the figures the robustness tests measured, whatever the capture mode."""
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's), one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
