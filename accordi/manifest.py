"""Links never die: every address the site ever published keeps answering.

`content/published-urls.txt`, committed with the content, lists one address a line, below the
base URL (`/it/accordi/milano-riga-2018/`). The build adds each new address it publishes;
editors commit the file with their change. An address that the site would stop publishing
must be covered, else `check` and `build` stop with an error naming it:

- a renamed agreement lists its former id in `aliases`: the old addresses become redirects;
- a removed record's lines are marked `removed YYYY-MM-DD`: they become notice pages.

An agreement's data file (`/data/agreements/<id>.json`), which its page links to, is an
address too: at a former id it becomes a small JSON saying where the record is now, and once
removed, one saying so, since when, and where the data of the others is.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorCollector
from .model import Site
from .outputs.opendata import to_json
from .routes import Router
from .views import PageSpec, Views

MANIFEST = "published-urls.txt"
HEADER = """\
# Every page address this site has published, below its base URL, one a line.
# `make build` adds new ones: commit this file with your change. Never delete a line.
# Renamed an agreement? Put its old id in `aliases`. Removed a record? Mark each of its
# lines `removed YYYY-MM-DD`: the address then shows a notice instead of vanishing.
"""
LINE = re.compile(r"^(?P<path>/\S*)(?:\s+removed\s+(?P<date>\S+))?$")


@dataclass(frozen=True)
class Entry:
    """One published address, and the day it was removed, if it was."""

    path: str
    line: int
    removed: dt.date | None = None


@dataclass(frozen=True)
class Redirect:
    """A former address of a record, and where the record is now."""

    path: str
    kind: str
    lang: str
    target: str


def manifest_path(content: Path) -> Path:
    return content / MANIFEST


def read(content: Path, errors: ErrorCollector) -> list[Entry] | None:
    """The manifest's entries; None when the content has no manifest yet.

    A site lists tens of thousands of addresses and each build looks twice (the live server
    after every edit): the file is read again only when it changed.
    """
    global _READ
    file = manifest_path(content)
    try:
        st = file.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    signature = (str(file), str(errors.root), st.st_mtime_ns, st.st_size, st.st_ino)
    if _READ is None or _READ[0] != signature:
        local = ErrorCollector(errors.root)
        _READ = (signature, _entries(file, local), local.errors)
    errors.errors.extend(_READ[2])
    return _READ[1]


_READ: tuple[tuple, list[Entry], list] | None = None


def _entries(file: Path, errors: ErrorCollector) -> list[Entry]:
    entries: list[Entry] = []
    first: dict[str, int] = {}
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        m = LINE.match(text)
        if not m:
            errors.add(file, number, "", f"`{text}` is not an address line",
                       "write one address a line, starting with `/`, optionally followed "
                       "by `removed YYYY-MM-DD`")
            continue
        removed = None
        if m["date"]:
            try:
                removed = dt.date.fromisoformat(m["date"])
            except ValueError:
                errors.add(file, number, "", f"`{m['date']}` is not a date",
                           "write the day of removal as YYYY-MM-DD")
                continue
        if m["path"] in first:
            errors.add(file, number, "", f"`{m['path']}` is listed twice (first on line "
                       f"{first[m['path']]})", "keep one line for each address")
            continue
        first[m["path"]] = number
        entries.append(Entry(m["path"], number, removed))
    return entries


def _address(output: str) -> str:
    """The address below the base URL that serves an output file."""
    return "/" + output.removesuffix("index.html")


def is_data(address: str) -> bool:
    """Whether a recorded address is a data file rather than a page."""
    return address.startswith("/data/") and not address.endswith("/")


def _data_address(router: Router, id: str) -> str:
    return "/" + router.file_output("agreement_data", id)


def redirects(site: Site, errors: ErrorCollector | None = None) -> list[Redirect]:
    """The former addresses of renamed agreements (`aliases`), in every language."""
    router = Router("/")
    out: list[Redirect] = []
    claimed: dict[str, str] = {}
    for a in site.agreements.values():
        for i, old in enumerate(a.aliases):
            problem = ""
            if old in site.agreements:
                problem = f"`{old}` is the id of a published agreement"
            elif old in claimed:
                problem = f"`{old}` is already an alias of `{claimed[old]}`"
            if problem:
                if errors is not None:
                    errors.add(a.source.path, a.source.line("aliases", i), f"aliases.{i}",
                               problem, "an alias is a former id that no record uses any more")
                continue
            claimed[old] = a.id
            out += [Redirect(_address(router.output_path("agreement", lang, old)),
                             "agreement", lang, a.id) for lang in site.settings.languages]
            out.append(Redirect(_data_address(router, old), "agreement_data", "", a.id))
    return out


def published(site: Site) -> frozenset[str]:
    """Every page address the site publishes from its records, and each agreement's data
    file (not redirects or notices)."""
    global _PUBLISHED
    if _PUBLISHED is None or _PUBLISHED[0] is not site:  # asked three times per build
        router = Router("/")
        _PUBLISHED = (site, frozenset(Views(site, router).addresses()).union(
            _data_address(router, a) for a in site.agreements))
    return _PUBLISHED[1]


_PUBLISHED: tuple[Site, frozenset[str]] | None = None


def forget() -> None:
    """Drop the site kept for the next question (see `published`)."""
    global _PUBLISHED
    _PUBLISHED = None


def check(site: Site, content: Path, errors: ErrorCollector) -> None:
    """Report every recorded address that the site would stop serving."""
    moved = {r.path for r in redirects(site, errors)}
    entries = read(content, errors)
    if entries is None:
        return
    file = manifest_path(content)
    live = published(site)
    for e in entries:
        if e.path in live:
            if e.removed:
                errors.add(file, e.line, "", f"`{e.path}` is marked removed but the site "
                           "still publishes it", f"delete `removed {e.removed}` from the line")
        elif e.path in moved and e.removed:
            errors.add(file, e.line, "", f"`{e.path}` is marked removed but is an alias of "
                       "a published agreement", f"delete `removed {e.removed}` from the line")
        elif e.path not in moved and not e.removed:
            errors.add(file, e.line, "", f"`{e.path}` was published and would vanish",
                       "if its record was renamed, add the old id to `aliases` in the "
                       "record's new file; if it was removed, mark this line "
                       f"`{e.path} removed YYYY-MM-DD` so that it shows a notice")


def extra_pages(site: Site, views: Views, content: Path) -> list[PageSpec]:
    """Redirect pages at former addresses and notices at removed ones."""
    specs = [views.redirect(r.kind, r.lang, r.path, r.target) for r in redirects(site)
             if not is_data(r.path)]
    entries = read(content, ErrorCollector(content)) or []
    live = published(site) | {r.path for r in redirects(site)}
    for e in entries:
        if e.removed and e.path not in live and not is_data(e.path):
            specs.append(views.removed(e.path, e.removed))
    return specs


def extra_files(site: Site, content: Path) -> dict[str, bytes]:
    """At a renamed agreement's former data file, where it is now; at a removed one's, a
    notice: a program that fetched the address finds out what happened, not a 404."""
    router = Router(site.settings.base_path, site.settings.origin)
    out = {}
    for r in redirects(site):
        if is_data(r.path):
            out[router.address_output(r.path)] = to_json({
                "moved": True, "id": _data_id(r.path), "now": r.target,
                "url": router.file_absolute("agreement_data", r.target)})
    live = published(site) | {r.path for r in redirects(site)}
    for e in read(content, ErrorCollector(content)) or []:
        if e.removed and e.path not in live and is_data(e.path):
            out[router.address_output(e.path)] = to_json({
                "removed": True, "id": _data_id(e.path), "date": e.removed.isoformat(),
                "agreements": router.file_absolute("data", "agreements.json"),
                "documentation": router.origin + router.url_for(
                    "opendata", site.settings.source_lang)})
    return out


def _data_id(address: str) -> str:
    return address.rsplit("/", 1)[-1].removesuffix(".json")


def record(content: Path, addresses: set[str]) -> int:
    """Add the addresses not yet in the manifest (creating it); returns how many."""
    file = manifest_path(content)
    known: set[str] = set()
    lines: list[str] = []
    if file.is_file():
        lines = file.read_text(encoding="utf-8").splitlines()
        for raw in lines:
            m = LINE.match(raw.strip())
            if m:
                known.add(m["path"])
    else:
        lines = HEADER.splitlines()
    new = sorted(addresses - known)
    if new:
        file.write_text("\n".join(lines + new) + "\n", encoding="utf-8")
    return len(new)
