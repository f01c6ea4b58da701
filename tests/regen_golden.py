"""Rebuild tests/golden/ from the fixture site, on purpose: `python -m tests.regen_golden`.

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
AS_OF = dt.date(2024, 1, 15)


def build_fixture(output: Path, base_url: str | None = None):
    """Build the fixture site into `output` as of AS_OF; returns the BuildReport."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from accordi.cli import build_once as build
    from accordi.config import Paths

    # Without the git history: the golden files must not change with every commit.
    return build(Paths(content=FIXTURE, output=output), as_of=AS_OF, base_url=base_url,
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
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build_fixture(output)
        files = html_files(output)
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for rel, data in files.items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} HTML files into {GOLDEN.relative_to(ROOT)}/ "
          f"(statuses as of {AS_OF.isoformat()}); review `git diff tests/golden` before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
