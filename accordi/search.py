"""Full-text search: Pagefind indexes the staged site before it is published.

Pagefind reads the finished pages, keeps one index per `<html lang>` (so Italian readers search
Italian pages and English readers English ones) and only the parts marked
`data-pagefind-body`. The result is a folder of static files that the browser queries by
itself: no server, no third party.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import PagefindIndex

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


async def _index(site: Path) -> None:
    async with PagefindIndex({"output_path": str(site / SEARCH_BUNDLE)}) as index:
        await index.add_directory(str(site))


def build_index(site: Path) -> SearchReport:
    """Index the pages under `site` and write the bundle into `site/pagefind/`."""
    try:
        asyncio.run(_index(site.resolve()))
    except FileNotFoundError as exc:
        raise SearchIndexError(f"the Pagefind binary is missing ({exc}): run `make build`, "
                               "which installs it from requirements.txt") from exc
    for name in UNUSED:
        (site / SEARCH_BUNDLE / name).unlink(missing_ok=True)
    files = [p for p in (site / SEARCH_BUNDLE).rglob("*") if p.is_file()]
    entry_file = site / SEARCH_BUNDLE / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text("utf-8"))
    # Pagefind lists the languages in the order its threads finish: sort them, so that two
    # builds of the same content give the same bytes.
    entry_file.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False), encoding="utf-8")
    pages = {lang: info["page_count"] for lang, info in sorted(entry["languages"].items())}
    return SearchReport(pages, len(files), sum(p.stat().st_size for p in files))
