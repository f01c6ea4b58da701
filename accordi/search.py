"""Full-text search: Pagefind indexes the staged site before it is published.

Pagefind reads the finished pages, keeps one index per `<html lang>` (so Italian readers search
Italian pages and English readers English ones) and only the parts marked
`data-pagefind-body`. The result is a folder of static files that the browser queries by
itself: no server, no third party.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable

from .routes import SEARCH_BUNDLE

# Pagefind also writes ready-made interfaces; the site uses only its JavaScript API
# (pagefind.js, its worker and WebAssembly), with its own accessible markup.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site (an installation problem, not a content mistake)."""


@dataclass(frozen=True)
class SearchReport:
    """What Pagefind indexed, for the build report and the tests."""

    pages: dict[str, int]   # language -> pages indexed
    files: int
    bytes: int


def build_index(site: Path) -> SearchReport:
    """Index the pages under `site` and write the bundle into `site/pagefind/`.

    Pagefind runs as its command-line program, which exits only once every file is
    written (its Python service is stopped with a signal and can cut the last writes).
    """
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("the Pagefind binary is missing: run `make build`, which "
                               "installs it from requirements.txt")
    proc = subprocess.run([str(binary), "--site", str(site.resolve()), "--output-subdir",
                           SEARCH_BUNDLE, "--quiet"], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind failed: {(proc.stderr or proc.stdout).strip()}")
    for name in UNUSED:
        (site / SEARCH_BUNDLE / name).unlink(missing_ok=True)
    entry_file = site / SEARCH_BUNDLE / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text("utf-8"))
    # Pagefind lists the languages in the order its threads finish: sort them, so that two
    # builds of the same content give the same bytes.
    entry_file.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False), encoding="utf-8")
    return report(site)


def report(site: Path, sizes: dict[str, int] | None = None) -> SearchReport:
    """What the bundle under `site/pagefind/` holds (built now or kept from the last build,
    whose file sizes the build may already know)."""
    if sizes is None:
        sizes = {p.as_posix(): p.stat().st_size
                 for p in (site / SEARCH_BUNDLE).rglob("*") if p.is_file()}
    entry = json.loads((site / SEARCH_BUNDLE / "pagefind-entry.json").read_text("utf-8"))
    pages = {lang: info["page_count"] for lang, info in sorted(entry["languages"].items())}
    return SearchReport(pages, len(sizes), sum(sizes.values()))


def version() -> str:
    """Pagefind's version: a new one may index differently."""
    from importlib.metadata import version as installed
    return installed("pagefind")
