"""Rebuild the golden files from the fixture sites, on purpose: `python -m tests.regen_golden`.

tests/golden/ is the ordinary fixture's (tests/fixtures/site/), tests/golden-world/ the
invented city's (tests/fixtures/world/: every gap and every script real sources bring).

Run it (or `make golden`) only when a change to the HTML is intended, then read the diff of
tests/golden/ before committing it: the golden files are what the site is expected to be.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
GOLDEN = ROOT / "tests" / "golden"
WORLD = ROOT / "tests" / "fixtures" / "world"
GOLDEN_WORLD = ROOT / "tests" / "golden-world"
GOLDENS = {FIXTURE: GOLDEN, WORLD: GOLDEN_WORLD}
AS_OF = dt.date(2024, 1, 15)


def build_fixture(output: Path, base_url: str | None = None, fixture: Path = FIXTURE):
    """Build a fixture site into `output` as of AS_OF; returns the BuildReport."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from accordi.cli import build_once as build
    from accordi.config import Paths

    # Without the git history: the golden files must not change with every commit.
    return build(Paths(content=fixture, output=output), as_of=AS_OF, base_url=base_url,
                 history=False)


def html_files(root: Path) -> dict[str, bytes]:
    """Every `.html` file under `root` outside assets/, by POSIX relative path."""
    out = {}
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != "assets":
            out[rel.as_posix()] = path.read_bytes()
    return out


def main() -> int:
    for fixture, golden in GOLDENS.items():
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "output"
            build_fixture(output, fixture=fixture)
            files = html_files(output)
        if golden.exists():
            shutil.rmtree(golden)
        for rel, data in files.items():
            target = golden / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        where = golden.relative_to(ROOT)
        print(f"wrote {len(files)} HTML files into {where}/ (statuses as of "
              f"{AS_OF.isoformat()}); review `git diff {where}` before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
