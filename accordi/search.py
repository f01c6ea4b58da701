"""Full-text search: Pagefind indexes the staged site before it is published.

Pagefind reads the finished pages, keeps one index per `<html lang>` (so Italian readers search
Italian pages and English readers English ones) and only the parts marked
`data-pagefind-body`. The result is a folder of static files that the browser queries by
itself: no server, no third party.

A large site is indexed in shards of about `SHARD_PAGES` record pages, each a bundle of its
own that the search page merges (Pagefind's `mergeIndex`): Pagefind holds a whole bundle in
memory and its time grows faster than its size, and an edit
re-indexes only the shards whose pages changed. A page's shard follows from its path alone,
so it stays put as the site grows until the number of shards changes. A site of up to
`SHARD_PAGES` record pages is one bundle.

Pagefind writes a bundle from many threads at once, a file per page; on a disk file system
those threads queue on the folder's lock, and creating the files costs a large share of the
CPU that indexing them does. So a bundle is written into memory (`SCRATCH`, when the system
has room there) and then moved into the site by one thread. The figures behind both choices,
and their dates, are in docs/performance.md.
"""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
import subprocess
import tempfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from typing import NamedTuple

from pagefind.service import get_executable

from . import apart
from .routes import SEARCH_BUNDLE

SHARD_PAGES = 1800  # two shards indexed at once, one a core, fit a small CI machine's memory
SHARD_LIST = f"{SEARCH_BUNDLE}/shards.json"  # the other shards, for the search page to merge
ENTRY = "pagefind-entry.json"
SCRATCH = Path("/dev/shm")  # memory-backed on Linux: where bundles are written first
SCRATCH_PREFIX = "accordi-search-"  # then the pid of the process indexing

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
    shards: int = 1


@dataclass(frozen=True)
class Shard:
    """One bundle of the index: the pages it holds and a tag that changes with them."""

    folder: str             # inside the output folder: `pagefind` for the first shard
    pages: tuple[str, ...]  # output paths of the record pages it indexes
    tag: str


def plan(pages: dict[str, str], size: int | None = None) -> list[Shard]:
    """Share the record pages (output path -> digest of its bytes) out among shards."""
    count = max(1, math.ceil(len(pages) / (size or SHARD_PAGES)))
    buckets: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(pages):
        buckets[zlib.crc32(path.encode("utf-8")) % count].append(path)
    shards: list[Shard] = []
    for members in filter(None, buckets):  # Pagefind cannot index nothing
        n = len(shards)
        digest = sha1(repr((version(), count, n, [(p, pages[p]) for p in members])).encode(),
                      usedforsecurity=False).hexdigest()
        shards.append(Shard(shard_folder(n), tuple(members), f"search:{digest}"))
    return shards


def shard_folder(n: int) -> str:
    """Where shard `n` is published: the first where a one-bundle site has it."""
    return SEARCH_BUNDLE if n == 0 else f"{SEARCH_BUNDLE}/{n}"


def shard_list(shards: list[Shard]) -> bytes:
    """The file that tells the search page which bundles to merge into the first one."""
    names = [f"{s.folder.removeprefix(SEARCH_BUNDLE + '/')}/" for s in shards[1:]]
    return json.dumps(names).encode("utf-8")


def build_index(site: Path, shards: list[Shard], jobs: int = 1) -> dict[Shard, list[str]]:
    """Index each shard's pages (already under `site`) into its folder, `jobs` at a time.

    Returns the files written per shard (paths inside `site`). Each shard is indexed from
    a tree of hard links to its pages only, so that Pagefind reads nothing else.
    """
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("the Pagefind binary is missing: run `make build`, which "
                               "installs it from requirements.txt")
    work = site / ".search-work"
    shutil.rmtree(work, ignore_errors=True)  # what a killed run left (the preview's folder)
    sweep_scratch()
    try:
        # One thread links each shard's pages and moves each bundle into the site, so that
        # the indexers go from one shard to the next without waiting for either.
        with ThreadPoolExecutor(1) as helper, ThreadPoolExecutor(max(1, jobs)) as pool:
            staged = [helper.submit(_stage, site, work, s) for s in shards]

            def index(n: int) -> Future[list[str]]:
                bundle, scratch = _index_shard(binary, staged[n].result())
                return helper.submit(_move, bundle, scratch, site, shards[n])
            moving = list(pool.map(index, range(len(shards))))
            done = [m.result() for m in moving]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dict(zip(shards, done, strict=True))


def sweep_scratch() -> None:
    """Remove the bundles that indexing processes no longer running left in `SCRATCH` (a
    killed build's): they would hold the machine's memory until it restarts."""
    try:
        entries = list(os.scandir(SCRATCH))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(SCRATCH_PREFIX):
            continue
        owner = entry.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, running
        pass
    return True


def _scratch_for(need: int) -> Path | None:
    """A new folder in `SCRATCH` for a bundle of up to `need` bytes, or None when there is
    no such file system or not twice that room in it."""
    try:
        if shutil.disk_usage(SCRATCH).free < 2 * need:
            return None
        return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=SCRATCH))
    except OSError:
        return None


class Staged(NamedTuple):
    """A shard's pages, linked into a tree of their own, and their size in bytes."""

    pages: Path
    size: int


def _stage(site: Path, work: Path, shard: Shard) -> Staged:
    pages = work / shard.folder.replace("/", "-") / "pages"
    size = 0
    for rel in shard.pages:
        target = pages / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / rel, target)
        except OSError:
            shutil.copyfile(site / rel, target)
        size += target.stat().st_size
    return Staged(pages, size)


def _index_shard(binary: Path, staged: Staged) -> tuple[Path, Path | None]:
    """Pagefind over one shard's pages: its bundle, and the scratch folder that holds it
    (None: the bundle is beside the pages)."""
    # A bundle is smaller than the pages it indexes (its text, compressed, and the index).
    scratch = _scratch_for(staged.size)
    bundle = (scratch or staged.pages.parent) / "bundle"
    try:
        _run_pagefind(binary, staged.pages, bundle)
    except BaseException:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    return bundle, scratch


def _run_pagefind(binary: Path, pages: Path, bundle: Path) -> None:
    """Index `pages` into `bundle`, run as Pagefind's command-line program: it exits only
    once every file is written (its Python service is stopped with a signal and can cut the
    last writes)."""
    command = [str(binary), "--site", str(pages.resolve()), "--output-path",
               str(bundle.resolve()), "--quiet"]
    # A killed build must not leave Pagefind writing into a folder the next build deletes.
    proc = subprocess.run(apart.guarded(command), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind failed: {(proc.stderr or proc.stdout).strip()}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    entry_file = bundle / ENTRY
    entry = json.loads(entry_file.read_text("utf-8"))
    # Pagefind lists the languages in the order its threads finish: sort them, so that two
    # builds of the same content give the same bytes.
    entry_file.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False), encoding="utf-8")


def _move(bundle: Path, scratch: Path | None, site: Path, shard: Shard) -> list[str]:
    """Move the bundle's files to the shard's folder in `site`: their paths inside `site`."""
    try:
        written = []
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                rel = f"{shard.folder}/{path.relative_to(bundle).as_posix()}"
                (site / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, site / rel)
                written.append(rel)
        return written
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def update_in_place(site: Path, shards: list[Shard], indexed: dict[str, str]
                    ) -> dict[str, str]:
    """Bring the index published in `site` to `shards`, indexing again only the shards whose
    tag is not the one `indexed` (folder -> tag) records; the record afterwards.

    For the live preview, which publishes in place: a shard's new files go in before its
    stale ones are removed, and the folders of shards no longer planned go too.
    """
    done = dict(indexed)
    for shard in shards:
        if done.get(shard.folder) == shard.tag:
            continue
        written = set(build_index(site, [shard])[shard])
        for rel in bundle_files(site, shard.folder):
            if rel not in written:
                (site / rel).unlink(missing_ok=True)
        done[shard.folder] = shard.tag
    planned = {s.folder for s in shards}
    for folder in sorted(set(done) - planned):
        shutil.rmtree(site / folder, ignore_errors=True)
        del done[folder]
    listing = site / SHARD_LIST
    if shards and (not listing.is_file() or listing.read_bytes() != shard_list(shards)):
        temporary = listing.with_name(f".{listing.name}.tmp")
        temporary.write_bytes(shard_list(shards))
        temporary.replace(listing)
    return done


def bundle_files(site: Path, folder: str) -> list[str]:
    """The files of the bundle published in `folder` (paths inside `site`): in the first
    one's folder, not those of the other shards, nor the list of them."""
    root = site / folder
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(site).as_posix()
        inner = path.relative_to(root).parts
        if path.is_file() and rel != SHARD_LIST and not (
                folder == SEARCH_BUNDLE and len(inner) > 1 and inner[0].isdigit()):
            files.append(rel)
    return files


def report(site: Path, sizes: dict[str, int]) -> SearchReport:
    """What the bundles under `site/pagefind/` hold, from their entry files and the sizes
    of the index's files (paths inside `site`)."""
    pages: dict[str, int] = {}
    shards = 0
    for rel in sorted(sizes):
        if rel.endswith("/" + ENTRY):
            shards += 1
            entry = json.loads((site / rel).read_text("utf-8"))
            for lang, info in entry["languages"].items():
                pages[lang] = pages.get(lang, 0) + info["page_count"]
    return SearchReport(dict(sorted(pages.items())), len(sizes), sum(sizes.values()), shards)


@functools.lru_cache(maxsize=1)
def version() -> str:
    """Pagefind's version: a new one may index differently."""
    from importlib.metadata import version as installed
    return installed("pagefind")
