"""What was published into one output folder, and what each output was made from.

For every published file: the digest and size of its bytes, its stamp (inode and time, once
published: whether someone changed it since), and for an output the fields of the site it
read (`tracking`), whose digests at the time are kept by record. An output is current when
its file is intact and none of those fields changed: that is the one way work is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from .digests import Digests, Values
from .tracking import Frozen, Key


class Published(NamedTuple):
    """One file as it was published."""

    digest: str
    size: int
    stamp: str = ""  # inode and modification time once published ("" until then)
    tag: str = ""    # for the files of the search index: the shard's tag
    anchors: str | None = None  # a page's anchors, as its making noted them


Changed = dict[Key, set[str]]  # record -> fields whose values changed
Outputs = set[str]  # paths of outputs (named here: inside `Ledger`, `set` is its method)


class Ledger:
    """The published files of an output folder and what their outputs read."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.files: dict[str, Published] = {}
        self.reads: dict[str, Frozen] = {}     # output path -> what it read when made
        self.digests: dict[Key, Digests] = {}  # record -> its fields' digests then
        self.stale: set[str] = set()           # outputs known to be out of date
        self._known: dict[str, Published] = {}  # files already found intact
        self._readers: dict[Key, set[str]] | None = None  # record -> outputs that read it
        self.changed_files: set[str] = set()   # records changed since saved...
        self.changed_reads: set[str] = set()
        self.changed_keys: set[Key] = set()

    def intact(self, path: str, record: Published | None = None) -> bool:
        """The file is still in the folder as it was published (a long-lived ledger looks
        once: a file it already checked, or wrote itself, is not looked at again)."""
        record = record or self.files.get(path)
        if record is None:
            return False
        if self._known.get(path) is record:
            return True
        try:
            st = os.stat(f"{self.output}/{path}")
        except OSError:
            return False
        return self._as_published(path, record, st)

    def _as_published(self, path: str, record: Published, st: os.stat_result) -> bool:
        intact = st.st_size == record.size and (
            not record.stamp or record.stamp == f"{st.st_ino}:{st.st_mtime_ns}")
        if intact:
            self._known[path] = record
        return intact

    def folder_intact(self) -> bool:
        """The folder holds exactly the files published, each as it was published. One walk
        of the folder: each file's stat is taken where the listing found it, which costs
        less than looking each file up by its path (tens of thousands on a large site)."""
        files, known = self.files, self._known
        found = 0

        def walk(here: str, prefix: str) -> bool:
            nonlocal found
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if not walk(entry.path, f"{prefix}{entry.name}/"):
                            return False
                        continue
                    path = prefix + entry.name
                    record = files.get(path)
                    if record is None or (known.get(path) is not record
                                          and not self._as_published(path, record, entry.stat())):
                        return False
                    found += 1
            return True

        try:
            return walk(self.output, "") and found == len(files)
        except OSError:
            return False

    def set(self, path: str, record: Published | None, reads: Frozen | None = None) -> None:
        """Record a file (None: gone), and what its output read."""
        if record is None:
            self.files.pop(path, None)
            self._index(path, self.reads.pop(path, None), None)
            self._known.pop(path, None)
        else:
            self.files[path] = self._known[path] = record
            if reads is None:
                self.changed_files.add(path)
                return
            self._index(path, self.reads.get(path), reads)
            self.reads[path] = reads
        self.changed_files.add(path)
        self.changed_reads.add(path)

    def _index(self, path: str, before: Frozen | None, after: Frozen | None) -> None:
        """Keep the index of which outputs read each record, once there is one."""
        readers = self._readers
        if readers is None or before == after:
            return
        for g in before or ():
            for id in g.ids:
                readers[g.kind, id].discard(path)
        for g in after or ():
            for id in g.ids:
                readers.setdefault((g.kind, id), set()).add(path)

    def current(self, path: str) -> bool:
        """The published file still is what its output would make now."""
        return (path in self.reads and path not in self.stale and self.intact(path))

    def changes(self, values: Values, keys: Iterable[Key] | None = None) -> Changed:
        """The fields read before whose values are now different (of `keys`, or of every
        record read); their digests are updated."""
        changed: Changed = {}
        for key in list(self.digests if keys is None else keys):
            before = self.digests.get(key)
            if not before:
                continue
            now = values.digests(key, before)
            fields = {f for f, d in now.items() if before[f] != d}
            if fields:
                changed[key] = fields
                self.digests[key] = now
                self.changed_keys.add(key)
        return changed

    def learn(self, values: Values, reads: Iterable[tuple[Key, AbstractSet[str]]]) -> None:
        """Keep the digests of fields read for the first time (`reads`: record, fields)."""
        digests = self.digests
        for key, fields in reads:
            known = digests.get(key)
            if known is not None and known.keys() >= fields:
                continue
            new = fields if known is None else fields - known.keys()
            if new:
                digests[key] = {**(known or {}), **values.digests(key, new)}
                self.changed_keys.add(key)

    def outdated(self, changed: Changed) -> Outputs:
        """The outputs that read a field in `changed`."""
        if not changed:
            return set()
        if self._readers is None:  # made when first needed: a first build needs none
            self._readers = {}
            for path, groups in self.reads.items():
                self._index(path, None, groups)
        found = set()
        for key, fields in changed.items():
            for path in self._readers.get(key, ()):
                if path not in found and any(
                        g.kind == key[0] and not g.fields.isdisjoint(fields) and key[1] in g.ids
                        for g in self.reads[path]):
                    found.add(path)
        return found

    def forget_reads(self) -> None:
        """What outputs read no longer tells anything (the templates or code changed):
        every output is made again, its bytes compared with the file published."""
        self.reads.clear()
        self.digests.clear()
        self.stale.clear()
        self._readers = None

    def saved(self) -> tuple[dict, dict, dict]:
        """What changed since the last save: files, reads and digests (None: gone)."""
        files = {p: tuple(self.files[p]) if p in self.files else None
                 for p in self.changed_files}
        reads = {p: self.reads.get(p) for p in self.changed_reads}
        records = {_name(k): self.digests.get(k) for k in self.changed_keys}
        self.changed_files, self.changed_reads, self.changed_keys = set(), set(), set()
        return files, reads, records

    def load(self, files: dict, reads: dict, records: dict) -> None:
        """The ledger as a store kept it."""
        self.files = {p: Published(*v) for p, v in files.items()}
        self.reads = {p: r for p, r in reads.items() if p in self.files}
        self.digests = {_key(name): d for name, d in records.items()}
        self._readers = None


def _name(key: Key) -> str:
    return f"{key[0]}\0{key[1]}"


def _key(name: str) -> Key:
    kind, _, id = name.partition("\0")
    return (kind, id)
