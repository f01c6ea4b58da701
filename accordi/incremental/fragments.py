"""Values several outputs share, kept with the record they belong to while it is unchanged.

A site of 10,000 agreements shows each of them the same way on many pages and in many files
(an item of a list, a row of a table, an entry of a feed, a bar of the timeline). Each such
value is remembered under its owner (`accordi.output.Owner`): what the owner's values read
of the site is noted while they are made, and when an edit changes any of it, the owner's
values are forgotten and made again when next asked for. An output that uses a value
depends on everything its owner's values read.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from .tracking import Flat, Key, Reads, Recorder

T = TypeVar("T")
Owner = tuple[str, ...]


class Fragments:
    """Remembered values by owner, and what each owner's values read.

    `lasting`: edits follow (the live preview), which forget the values of the owners
    whose reads they changed: only then is it kept which owners read each record."""

    def __init__(self, recorder: Recorder, lasting: bool = True) -> None:
        self.recorder = recorder
        self.values: dict[Owner, dict[Hashable, object]] = {}
        self.reads: dict[Owner, dict[Key, frozenset[str]]] = {}
        self.readers: dict[Key, set[Owner]] | None = {} if lasting else None
        self._interned: dict[frozenset[str], frozenset[str]] = {}

    def get(self, owner: Owner, what: Hashable, compute: Callable[[], T]) -> T:
        """The value `what` of `owner`, made by `compute()` unless it is remembered."""
        held = self.values.get(owner)
        if held is not None and what in held:
            value = held[what]
        else:
            recorder = self.recorder
            recorder.push()
            try:
                value = compute()
            finally:
                reads, owners = recorder.pop()
            if reads or owners:
                self._learn(owner, self.flatten(reads, owners))
            elif owner not in self.reads:
                self.reads[owner] = {}
            if held is None:
                self.values[owner] = {what: value}
            else:
                held[what] = value
        self.recorder.use(owner)
        return value  # type: ignore[return-value]

    def flatten(self, reads: Reads, owners: set[Owner]) -> Flat:
        """`reads`, with what the values of `owners` read. What they read is shared, not
        copied (a list of 10,000 agreements uses as many values): nothing is noted in a
        frame once it is popped."""
        flat = cast(Flat, reads)
        known = self.reads
        for owner in owners:
            for key, fields in known.get(owner, {}).items():
                found = flat.get(key)
                if found is None:
                    flat[key] = fields
                elif found is not fields and not fields <= found:
                    flat[key] = found | fields
        return flat

    def _learn(self, owner: Owner, reads: Flat) -> None:
        known = self.reads.get(owner)
        if known is None:
            known = self.reads[owner] = {}
        interned, readers = self._interned, self.readers
        for key, fields in reads.items():
            before = known.get(key)
            merged = frozenset(fields) if before is None else before | fields
            known[key] = interned.setdefault(merged, merged)
            if before is None and readers is not None:
                found = readers.get(key)
                if found is None:
                    readers[key] = {owner}
                else:
                    found.add(owner)

    def forget(self, changed: dict[Key, set[str]]) -> None:
        """Forget the values of every owner that read a field in `changed` (without the
        index of readers, every value)."""
        if self.readers is None:
            self.clear()
            return
        stale = {owner for key, fields in changed.items()
                 for owner in self.readers.get(key, ())
                 if not fields.isdisjoint(self.reads[owner][key])}
        for owner in stale:
            self._drop(owner)

    def forget_family(self, family: str) -> None:
        """Forget the values of every owner of a family (say, what lists show of each
        agreement, once a build that no edit follows has made its lists)."""
        for owner in [o for o in self.values if o[-1] == family]:
            self._drop(owner)

    def _drop(self, owner: Owner) -> None:
        self.values.pop(owner, None)
        for key in self.reads.pop(owner, {}):
            if self.readers is not None:
                self.readers[key].discard(owner)

    def clear(self) -> None:
        """Forget everything (templates, locales or code changed; or memory is wanted)."""
        self.values.clear()
        self.reads.clear()
        if self.readers is not None:
            self.readers.clear()
