"""The build as the command line runs it: everything, into a fresh folder swapped into place
(or, when nothing changed, the output left as it is)."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import anchors, manifest, search
from .cache import BuildCache
from .config import Paths
from .errors import ContentFailure, ErrorCollector
from .incremental import SiteBuilder
from .inputs import Inputs
from .model import Site
from .publish import Staging
from .search import SearchReport


@dataclass
class BuildReport:
    """What a build produced, for the command line and the tests."""

    pages: int
    files: int
    seconds: float
    warnings: list[str]
    search: SearchReport | None = None
    search_kept: bool = False  # no record page changed, so the previous index was kept whole
    search_indexed: int = 0    # shards of the index made again (the others were kept)
    inputs_unchanged: bool = False  # nothing it reads had changed: the content was not read
    notes: list[str] = field(default_factory=list)  # what the build recorded, for the editor


def load_site(paths: Paths, as_of: dt.date, base_url: str | None = None
              ) -> tuple[Site | None, ErrorCollector]:
    """Read, validate and cross-check content; the Site is None when errors stop the build."""
    return SiteBuilder(paths, as_of, base_url).load()


def build(paths: Paths, as_of: dt.date, base_url: str | None = None,
          workers: int = 1, history: bool = True) -> BuildReport:
    """Build the site into `paths.output`; raise ContentFailure, leaving output intact.

    With a cache, a build whose inputs are all as the last good build found them (by the
    files' stamps, else by their bytes), into an output folder still as that build left it,
    stops there (see `accordi.inputs`).

    Files whose bytes did not change are hard-linked from the previous output, so they keep
    their modification time and a deploy by rsync or object-storage sync skips them.
    `history=False` leaves out the git history of records (for output that must not depend
    on the repository, such as the golden files of the tests).
    """
    started = time.perf_counter()
    store = BuildCache(paths.cache) if paths.cache else None
    try:
        builder = SiteBuilder(paths, as_of, base_url, store=store, workers=workers,
                              history=history)
        staging = Staging(paths.output)
        try:
            reads = builder.inputs()
            where = str(paths.output.absolute())
            last = store.get("builds", where) if store else None
            if store and last and _nothing_to_do(builder, reads, last, paths.output):
                # Nothing the build reads changed, and the output is as it was published.
                if last.get("stamps") != reads.stamps:  # only touched: by stamps next time
                    store.put("builds", where, {**last, "stamps": reads.stamps})
                staging.abort()
                files = {p: v[2] for p, v in builder.published.items()
                         if p.startswith(search.SEARCH_BUNDLE + "/")}
                return BuildReport(0, len(builder.published), time.perf_counter() - started,
                                   last["warnings"], search.report(paths.output, files),
                                   True, 0, True)
            if store:
                _ = reads.contents  # before reading: an edit from now on is seen next time
            changes = builder.update_apart(staging.write, reads.surroundings)
            if not changes.ok:
                raise ContentFailure(changes.errors)
            staging.adopted(sorted(changes.written))  # written by other processes
            # The search index is made from the record pages: a shard is kept as it is
            # when none of its pages changed.
            shards = search.plan({p: builder.published[p][1] for p in builder.searchable})
            kept = {shard: builder.keep(shard.tag) for shard in shards}
            kept_files = [p for files in kept.values() for p in files]
            if all(kept.values()) and not changes.written and not (
                    changes.removed - set(kept_files)) and _holds_only(
                    paths.output, set(builder.published)):
                # Nothing changed and the output is as published: it stays as it is.
                staging.abort()
                builder.publish_manifest(untouched=True)
                made = {}
                found = search.report(paths.output,
                                      {p: builder.published[p][2] for p in kept_files})
            else:
                for path in sorted(changes.unchanged) + kept_files:
                    staging.link(paths.output / path, path)
                made = search.build_index(staging.dir, [s for s in shards if not kept[s]],
                                          workers)
                if shards and shards[0] in made:  # the list of shards goes with the first one
                    staging.write(search.SHARD_LIST, search.shard_list(shards))
                    made[shards[0]].append(search.SHARD_LIST)
                for shard, files in made.items():
                    staging.adopted(files)
                    staging.reuse_identical(paths.output, files)
                    builder.adopt(shard.tag, staging.dir, files)
                found = search.report(staging.dir, {
                    p: builder.published[p][2] for files in [*kept.values(), *made.values()]
                    for p in files})
                staging.commit()
                builder.publish_manifest()
            notes = record_addresses(paths.content, builder.addresses)
            notes += record_anchors(paths.content, builder.anchors)
            if store and not notes:
                # Not after writing the list of addresses: the build reads it too, so the
                # next one must look again.
                store.put("builds", where, {"stamps": reads.stamps, "contents": reads.contents,
                                            "warnings": changes.warnings})
        except BaseException:
            staging.abort()
            raise
    finally:
        if store:
            store.close()
    return BuildReport(changes.rendered, len(builder.published),
                       time.perf_counter() - started, changes.warnings, found,
                       not made, len(made), notes=notes)


def _nothing_to_do(builder: SiteBuilder, found: Inputs, last: dict, output: Path) -> bool:
    """The last good build into `output` read the same inputs (by the files' stamps, else
    by their bytes), and the folder still holds what it published, as it published it."""
    if not (builder.intact() and _holds_only(output, set(builder.published))):
        return False
    return found.stamps == last.get("stamps") or found.contents == last.get("contents")


def _holds_only(folder: Path, files: set[str]) -> bool:
    """`folder` holds exactly `files` (POSIX paths relative to it), nothing more or less."""
    found: set[str] = set()

    def walk(here: str, prefix: str) -> None:
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found.add(prefix + entry.name)

    try:
        walk(str(folder), "")
    except OSError:
        return False
    return found == files


def record_addresses(content: Path, addresses: set[str]) -> list[str]:
    """Add newly published addresses to the content's manifest; a note for the editor."""
    where = f"{content.name}/{manifest.MANIFEST}"
    try:
        added = manifest.record(content, addresses)
    except OSError as exc:
        return [f"{where}: warning: cannot record the published addresses: {exc.strerror}"]
    if not added:
        return []
    return [f"{where}: note: recorded {added} new published address"
            f"{'es' if added > 1 else ''}; commit this file with your change"]


def record_anchors(content: Path, current: dict[str, str]) -> list[str]:
    """Add newly published anchors to the content's list of them; a note for the editor."""
    where = f"{content.name}/{anchors.LEDGER}"
    try:
        added = anchors.record(content, current)
    except OSError as exc:
        return [f"{where}: warning: cannot record the published anchors: {exc.strerror}"]
    if not added:
        return []
    return [f"{where}: note: recorded {added} new published anchor"
            f"{'s' if added > 1 else ''}; commit this file with your change"]
