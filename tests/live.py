"""The live preview's builds as tests drive them: one update after each edit, the files it
wrote (in place, into the preview folder) collected for the test to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from accordi.config import Paths
from accordi.errors import ErrorCollector
from accordi.incremental import IncrementalSession
from accordi.serve import Live
from accordi.session import Job, Made


@dataclass
class Changes:
    """What one update did."""

    ok: bool
    errors: ErrorCollector | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # written, with their bytes
    removed: set[str] = field(default_factory=set)
    made: set[str] = field(default_factory=set)  # made, whether their bytes changed or not
    rendered: int = 0
    patched: bool = False  # the last site was changed in place, not loaded again


class LiveBuilder:
    """A long-lived builder of a preview folder, as `make serve` runs one."""

    def __init__(self, paths: Paths, as_of: dt.date, workers: int = 1,
                 history: bool = True, drafts: bool = False) -> None:
        self.session = IncrementalSession(paths, workers, paths.cache, lasting=True)
        self.live = Live(Job(paths, as_of, workers=workers, history=history, drafts=drafts),
                         self.session)
        self._written: dict[str, bytes] = {}
        write = self.live.write

        def collect(rel: str, data: bytes) -> None:
            self._written[rel] = data
            write(rel, data)
        self.live.write = collect  # type: ignore[method-assign]

    def _changes(self, made: Made | ErrorCollector) -> Changes:
        written, self._written = self._written, {}
        if isinstance(made, ErrorCollector):
            return Changes(False, made)
        return Changes(True, None, written, set(made.removed), set(made.made), made.rendered,
                       self.session.patched)

    def update(self, first: Collection[str] | None = None) -> Changes:
        self.session.patched = False
        return self._changes(self.live.refresh(first))

    def finish(self, paths: Collection[str] | None = None, until: float | None = None
               ) -> Changes:
        self.session.patched = False
        return self._changes(self.live.finish(paths, until))

    @property
    def pending(self) -> dict[str, None]:
        return dict.fromkeys(self.session.pending)

    @property
    def unfinished(self) -> bool:
        return self.live.unfinished

    def waiting(self, paths: Collection[str]) -> set[str]:
        return self.live.waiting(paths)

    @property
    def published(self) -> dict:
        return self.session.ledger.files
