"""The commands the docs show: every shell block marked runnable (```` ```sh runnable ````)
runs, in order, in a temporary folder, with the `accordi` command as pip installs it; every
`accordi` command of any shell block is one the command line accepts. So the docs cannot rot.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from accordi.cli import parser
from accordi.config import PROJECT_ROOT

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(sh|bash|console)([^\n]*)\n(.*?)^```", re.S | re.M)


def blocks(path: Path) -> list[tuple[bool, str]]:
    """(runnable, text) of every shell block of a Markdown file."""
    return [("runnable" in m.group(2).split(), m.group(3))
            for m in FENCE.finditer(path.read_text(encoding="utf-8"))]


def _installed_command(folder: Path) -> Path:
    """`accordi` as pip's console script is: this interpreter calling `accordi.cli.main`."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    script = bin_dir / "accordi"
    script.write_text(f"#!{sys.executable}\nimport sys\nfrom accordi.cli import main\n"
                      "sys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)
    return bin_dir


RUNNABLE = [p for p in DOCS if any(r for r, _ in blocks(p))]


def test_the_docs_have_runnable_commands():
    assert sum(r for p in DOCS for r, _ in blocks(p)) >= 5
    assert PROJECT_ROOT / "docs" / "adopters.md" in RUNNABLE


@pytest.mark.parametrize("doc", RUNNABLE, ids=lambda p: p.name)
def test_every_runnable_block_runs(doc, tmp_path):
    bin_dir = _installed_command(tmp_path)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT),
           "LC_ALL": "C.UTF-8", "HOME": str(tmp_path), "SOURCE_DATE_EPOCH": "1768435200"}
    work = tmp_path / "work"
    work.mkdir()
    for i, (runnable, text) in enumerate(blocks(doc)):
        if not runnable:
            continue
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", text], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{doc.name} block {i}:\n{text}\n{done.stdout}\n{done.stderr}"


def _commands(text: str) -> list[list[str]]:
    found = []
    for line in text.splitlines():
        for part in re.split(r"&&|\|", line.split("  #")[0]):
            words = shlex.split(part.strip(), comments=True) if part.strip() else []
            if words[:1] == ["accordi"]:
                found.append(words[1:])
    return found


def test_every_accordi_command_shown_is_accepted(tmp_path):
    commands = [c for p in DOCS for _, text in blocks(p) for c in _commands(text)]
    assert len(commands) >= 6
    for argv in commands:
        if argv in (["--version"], ["--help"]):
            continue
        try:
            parser(tmp_path).parse_args(argv)
        except SystemExit as exit_:
            assert exit_.code == 0, argv  # --help in a command prints and exits 0
