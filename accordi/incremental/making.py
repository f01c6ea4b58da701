"""The incremental session's making of outputs: only those not current, the edited
agreements' pages first in the live preview, many pages in one process per core."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Iterator
from typing import NamedTuple

from ..anchors import address_of
from ..output import Context, Output
from ..session import Made, Sink
from .digests import Values
from .fragments import Fragments
from .ledger import Ledger, Published
from .parallel import fork_map, forks
from .store import Store
from .tracking import Flat, Frozen, Recorder, freeze, pairs

PARALLEL_FROM = 64  # pages: below this, starting processes costs more than it saves
FIRST = "agreement"  # the kind of page an edit makes at once, whatever is open...
AT_ONCE = {FIRST, "redirect", "removed"}  # ...and what stands at an agreement's addresses


class Result(NamedTuple):
    """One output made: its file's digest and size, whether it has the bytes published
    before, what it read, and a page's anchors (see `Session.note_anchors`)."""

    path: str
    digest: str
    size: int
    same: bool
    reads: Frozen
    anchors: str | None = None


class Making:
    """Makes what is not current, and records what each output read."""

    ledger: Ledger
    recorder: Recorder
    fragments: Fragments
    store: Store | None
    workers: int
    lasting: bool
    values: Values | None
    interned: dict[frozenset[str], frozenset[str]]

    def _start_making(self) -> None:
        self.pending: dict[str, Output] = {}  # left for later by the latest update
        self._made_from: list[Output] | None = None  # the list of outputs last made from
        self._by_path: dict[str, Output] = {}
        self.searchable: set[str] = set()     # the pages the search index holds
        self.noted: dict[str, str] = {}         # page -> its anchors, until it is settled

    def make(self, outputs: list[Output], ctx: Context, sink: Sink,
             first: set[str] | None = None) -> Made:
        made = Made()
        self.pending = {}
        if self.lasting and outputs is self._made_from:  # the same list as last time:
            self._make(self._stale_ones(first), ctx, sink, made)  # only the stale to look at
            made.pending = set(self.pending)
            return made
        self._made_from = outputs
        self._by_path = {out.path: out for out in outputs}
        planned = self._by_path.keys()
        self.searchable = {out.path for out in outputs if out.searchable}
        todo = []
        for out in outputs:
            if self.ledger.current(out.path):
                made.unchanged.add(out.path)
                if first is None and (found := self.ledger.files[out.path].anchors) is not None:
                    made.anchors[address_of(out.path)] = found  # for the check of a build
            elif first is not None and out.kind not in AT_ONCE and out.path not in first:
                self.pending[out.path] = out  # its previous file stands meanwhile
                self.ledger.stale.add(out.path)
            else:
                todo.append(out)
            if out.searchable and out.path in self.ledger.files:
                made.searchable[out.path] = self.ledger.files[out.path].digest
        self._make(todo, ctx, sink, made)
        for path in [p for p, rec in self.ledger.files.items()
                     if not rec.tag and p not in planned]:
            self.ledger.set(path, None)
            self.ledger.stale.discard(path)
            made.removed.add(path)
        made.pending = set(self.pending)
        if not self.lasting:
            self.fragments.clear()
        return made

    def _stale_ones(self, first: set[str] | None) -> list[Output]:
        """Of the outputs listed last time, those out of date (the others are current: their
        files stand as published), the ones that may wait left for later."""
        todo = []
        for path in sorted(self.ledger.stale):
            out = self._by_path.get(path)
            if out is None:
                continue
            if first is not None and out.kind not in AT_ONCE and path not in first:
                self.pending[path] = out
            else:
                todo.append(out)
        return todo

    def finish(self, ctx: Context, sink: Sink, paths: Collection[str] | None = None,
               until: float | None = None) -> Made:
        """Make what the latest update left for later: those of `paths`, or all of them;
        with `until` (a `time.perf_counter()` reading), one and then those begun before."""
        made = Made()
        for path in [p for p in self.pending if paths is None or p in paths]:
            self._make([self.pending.pop(path)], ctx, sink, made)
            if until is not None and time.perf_counter() > until:
                break
        made.pending = set(self.pending)
        return made

    def waiting(self, paths: Collection[str]) -> set[str]:
        """Those of `paths` that the latest update left for later."""
        return set(paths) & self.pending.keys()

    def _make(self, todo: list[Output], ctx: Context, sink: Sink, made: Made) -> None:
        # The agreements' pages (most of a site, and nearly all of its Markdown) go to the
        # processes; the other outputs, lists of agreements, are made here afterwards, where
        # the values they share are remembered for the next ones (and the next edit).
        records = [out for out in todo if out.kind == FIRST]
        rest = [out for out in todo if out.kind != FIRST]
        if forks(self.workers) and len(records) >= PARALLEL_FROM:
            results: Iterator[tuple[Result, Flat | None]] = self._in_processes(records, ctx,
                                                                               sink)
        else:
            rest = records + rest
            results = iter(())
        for result, reads in results:
            self._settle(result, reads, made, FIRST)
        pages_done = False
        for out in rest:
            if not self.lasting and not out.page and not pages_done:
                self.fragments.forget_family("card")  # the lists are made: their items go
                pages_done = True
            result, reads = self._one(out, ctx, sink)
            self._settle(result, reads, made, out.kind, out.page)
            if out.searchable:
                made.searchable[out.path] = result.digest

    def _settle(self, result: Result, reads: Flat | None, made: Made, kind: str,
                page: bool = True) -> None:
        previous = self.ledger.files.get(result.path)
        stamp = previous.stamp if result.same and previous else ""
        self.ledger.set(result.path, Published(result.digest, result.size, stamp, "",
                                               result.anchors), result.reads)
        self.ledger.stale.discard(result.path)
        self.ledger.learn(self._values(), reads.items() if reads is not None
                          else pairs(result.reads))
        (made.unchanged if result.same else made.written).add(result.path)
        made.made.add(result.path)
        made.rendered += page
        if result.anchors is not None:
            made.anchors[address_of(result.path)] = result.anchors
        if kind == FIRST:
            made.searchable[result.path] = result.digest

    def _one(self, out: Output, ctx: Context, sink: Sink) -> tuple[Result, Flat]:
        """Make `out`, noting what it reads; a file whose bytes changed goes to `sink`."""
        self.recorder.push()
        try:
            data = out.make(ctx)
        finally:
            noted, owners = self.recorder.pop()
        reads = self.fragments.flatten(noted, owners)
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        previous = self.ledger.files.get(out.path)
        same = bool(previous and previous.digest == digest and self.ledger.intact(out.path))
        if not same:
            sink(out.path, data)
        return Result(out.path, digest, len(data), same, freeze(reads, self.interned),
                      self.noted.pop(out.path, None)), reads

    def _in_processes(self, records: list[Output], ctx: Context, sink: Sink
                      ) -> Iterator[tuple[Result, Flat | None]]:
        """Make `records` in one process per core; each hands its new files to `sink` and
        sends back only what the ledger keeps."""
        if self.store:
            self.store.close()  # each process opens its own connection
        # Both languages of an agreement in one chunk: they share its Markdown.
        records = sorted(records, key=lambda out: (out.path.split("/")[-2], out.path))
        size = max(8, len(records) // (self.workers * 8))
        chunks = [records[i:i + size] for i in range(0, len(records), size)]

        def work(chunk: list[Output]) -> tuple[list[Result], list]:
            results = [self._one(out, ctx, sink)[0] for out in chunk]
            return results, self.store.take_pending() if self.store else []

        for results, pending in fork_map(work, chunks, self.workers):
            if self.store:
                self.store.add_pending(pending)
            for result in results:
                yield result, None

    def _values(self) -> Values:
        assert self.values is not None
        return self.values
