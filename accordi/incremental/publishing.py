"""The incremental session's last steps: a build with nothing to do, the search index's
shards kept, unchanged files linked into the new output, and the ledger saved once the
output is published."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .. import apart
from ..history import read_history
from ..publish import Staging
from ..search import Shard
from ..search import version as search_version
from ..session import Job, Made
from .inputs import Inputs
from .ledger import Ledger, Published
from .parallel import forks
from .store import Store, code_version

T = TypeVar("T")


class Publishing:
    """Reuses what a build into the same folder published, and records what it publishes."""

    ledger: Ledger
    store: Store | None
    workers: int
    inputs: Inputs | None
    environment_of: Callable[[Job], str]
    shard_tags: set[str]  # the search shards this build plans

    def unchanged(self, job: Job) -> list[str] | None:
        """The warnings of the last good build into this folder, when nothing it reads has
        changed since (by the files' stamps, else by their bytes) and the folder still holds
        what it published, as it published it."""
        if self.store is None:
            return None
        self.inputs = Inputs(
            [job.paths.content, *job.paths.asset_folders],
            (self.environment_of(job),
             read_history(job.paths.content) if job.history else None),
            (job.as_of, job.base_url), (code_version(), search_version()))
        last = self.store.get("builds", self.ledger.output)
        if last and self.ledger.files and self.ledger.folder_intact() and (
                self.inputs.stamps == last.get("stamps")
                or self.inputs.contents == last.get("contents")):
            if last.get("stamps") != self.inputs.stamps:  # only touched: by stamps next time
                self.store.put("builds", self.ledger.output, {**last,
                                                              "stamps": self.inputs.stamps})
                self.store.flush()
            return list(last["warnings"])
        _ = self.inputs.contents  # before reading: an edit from now on is seen next time
        return None

    def apart(self, work: Callable[[], T]) -> T:
        """`work()` in a forked child when there are several cores: what a large site takes
        in memory goes back to the system whole when the child ends, before the search
        indexer runs beside a small process. The ledger's new reads wait in the store until
        the output is published; its files come back."""
        if not forks(self.workers):
            return work()
        if self.store:
            self.store.close()

        def child() -> tuple[T, dict, set[str]]:
            result = work()
            files, reads, records = self.ledger.saved()
            if self.store:
                self.store.save(self.ledger.output, {}, reads, records, pending=True)
                self.store.close()
            return result, files, self.ledger.stale
        result, files, stale = apart.run(child)
        for path, record in files.items():
            self.ledger.files.pop(path, None)
            if record is not None:
                self.ledger.files[path] = Published(*record)
        self.ledger.changed_files |= set(files)
        self.ledger.stale = stale
        self.pending_save = True
        return result

    def kept_shard(self, shard: Shard) -> list[str]:
        """The files of `shard` as the last build indexed it, if all are still there."""
        self.shard_tags.add(shard.tag)
        found = [p for p, rec in self.ledger.files.items() if rec.tag == shard.tag]
        if found and all(self.ledger.intact(p) for p in found):
            return found
        for path in found:  # someone changed one: the shard is indexed again
            self.ledger.set(path, None)
        return []

    def adopt_shard(self, shard: Shard, folder: Path, files: list[str]) -> None:
        """Record the files the search indexer made for `shard` under `folder`."""
        for rel in files:
            size = (folder / rel).stat().st_size
            self.ledger.set(rel, Published("", size, "", shard.tag))

    def carry_over(self, job: Job, made: Made, staging: Staging, index_kept: bool) -> bool:
        """Link the previous build's unchanged files and kept search shards into the new
        output; False (nothing linked) when nothing in the output would change."""
        output = job.paths.output
        staging.adopted(sorted(made.written))  # written by other processes
        self._drop_old_shards()
        if (index_kept and not made.written and not made.removed
                and self.ledger.folder_intact()):
            self.keep_output = True
            return False
        self.keep_output = False
        kept = [p for p, rec in self.ledger.files.items() if rec.tag]
        for path in sorted(made.unchanged) + kept:
            staging.link(output / path, path)
        return True

    def publish(self, job: Job, made: Made, staging: Staging) -> None:
        """Swap the new output into place; or leave the output as it is when nothing in it
        would change (see `carry_over`)."""
        if self.keep_output:
            staging.abort()
        else:
            staging.commit()
            self._stamp(job.paths.output)
        self._save()

    def _drop_old_shards(self) -> None:
        """Files of shards no longer planned go (their pages now are in other shards)."""
        for path in [p for p, rec in self.ledger.files.items()
                     if rec.tag and rec.tag not in self.shard_tags]:
            self.ledger.set(path, None)

    def _stamp(self, output: Path) -> None:
        """Note each new file's inode and time, to tell later whether it is as published."""
        for path in list(self.ledger.changed_files):
            record = self.ledger.files.get(path)
            if record is None or record.stamp:
                continue
            try:
                st = os.stat(output / path)
            except OSError:
                self.ledger.set(path, None)
                continue
            self.ledger.set(path, record._replace(stamp=f"{st.st_ino}:{st.st_mtime_ns}"))

    def save(self, output: Path) -> None:
        """After the live preview wrote files into `output` in place: note them, and keep
        the ledger in the store for the next preview to start from."""
        self._stamp(output)
        self._save()

    def _save(self) -> None:
        if self.store is None:
            return
        files, reads, records = self.ledger.saved()
        if getattr(self, "pending_save", False):
            self.store.promote(self.ledger.output, files)
            self.pending_save = False
        else:
            self.store.save(self.ledger.output, files, reads, records)
        self.store.flush()

    def done(self, job: Job, warnings: list[str], notes: list[str]) -> None:
        """Remember what this build read, for the next one to tell whether anything changed
        (not after writing the list of addresses: the build reads it too)."""
        if self.store and self.inputs is not None and not notes:
            self.store.put("builds", self.ledger.output, {
                "stamps": self.inputs.stamps, "contents": self.inputs.contents,
                "warnings": warnings})
        if self.store:
            self.store.close()

    def published_count(self) -> int:
        return len(self.ledger.files)

    def search_files(self) -> dict[str, int]:
        return {p: rec.size for p, rec in self.ledger.files.items() if rec.tag}
