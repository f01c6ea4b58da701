"""A view of the site's records that notes what is read of them, and by what.

While an output is made, every field it reads of a record (an agreement's title, the order
of the list of partners, a setting) is noted in the current frame of a `Recorder`. What an
output read is stored with it; it is made again only when one of those fields changed.
Nothing is kept by hand: a page that starts showing a new field depends on it from then on.

Records are named by a `Key`, (kind, id): ("agreement", "milano-riga-2018"),
("settings", ""), ("agreements", "") for the list of agreements itself (its field "order"),
("site", "") for the site's other fields, ("history", path) and ("file", path) for what a
page shows of the git history and of a file published as it is, ("anchor", address) for the
notes on a page's former anchors.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from types import MethodType
from typing import Any, NamedTuple, cast

from ..anchors import Ledger, Note
from ..records import Site

Key = tuple[str, str]
Reads = dict[Key, set[str]]  # while recording: fields read, by record
Flat = dict[Key, AbstractSet[str]]  # recorded, with what the values used had read
ORDER = "order"  # the field of a collection that its iteration reads
WHOLE = "*"      # a method was called: the record as a whole was read

COLLECTIONS = {"agreement": "agreements", "partner": "partners", "theme": "themes",
               "page": "pages"}


class Group(NamedTuple):
    """Of one kind of record, the same fields read of each of `ids`."""

    kind: str
    fields: frozenset[str]
    ids: tuple[str, ...]


Frozen = tuple[Group, ...]  # what one output read, stored with it


class Recorder:
    """Frames of reads: one per output (or shared value) being made, innermost last."""

    def __init__(self) -> None:
        self.reads: Reads | None = None          # the innermost frame's reads
        self.owners: set[tuple[str, ...]] | None = None  # shared values it used
        self._stack: list[tuple[Reads | None, set[tuple[str, ...]] | None]] = []

    def note(self, key: Key, field: str) -> None:
        reads = self.reads
        if reads is not None:
            found = reads.get(key)
            if found is None:
                reads[key] = {field}
            else:
                found.add(field)

    def use(self, owner: tuple[str, ...]) -> None:
        """The innermost frame used a value remembered for `owner` (see `Fragments`)."""
        if self.owners is not None:
            self.owners.add(owner)

    def push(self) -> None:
        self._stack.append((self.reads, self.owners))
        self.reads, self.owners = {}, set()

    def pop(self) -> tuple[Reads, set[tuple[str, ...]]]:
        reads, owners = self.reads, self.owners
        self.reads, self.owners = self._stack.pop()
        assert reads is not None and owners is not None
        return reads, owners


def freeze(reads: Flat, interned: dict[frozenset[str], frozenset[str]]) -> Frozen:
    """Reads grouped by kind and fields (a list reads the same fields of every item), the
    sets of fields shared between outputs."""
    groups: dict[tuple[str, frozenset[str]], list[str]] = {}
    for (kind, id), fields in reads.items():
        fs = frozenset(fields)
        fs = interned.setdefault(fs, fs)
        groups.setdefault((kind, fs), []).append(id)
    return tuple(Group(kind, fs, tuple(sorted(ids))) for (kind, fs), ids in sorted(
        groups.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))))


def pairs(frozen: Frozen) -> Iterator[tuple[Key, frozenset[str]]]:
    """(record, fields read of it) of every record a frozen record names."""
    return (((g.kind, id), g.fields) for g in frozen for id in g.ids)


class TrackedRecord:
    """A record whose every field read is noted under its key."""

    __slots__ = ("_record", "_key", "_recorder")

    def __init__(self, record: object, key: Key, recorder: Recorder):
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_recorder", recorder)

    def __getattr__(self, name: str) -> Any:
        """A name `tracking_class` gave no accessor: a method (the record read as a whole)
        or something only some records have."""
        value = getattr(self._record, name)
        self._recorder.note(self._key, WHOLE if type(value) is MethodType else name)
        return value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{self._key} is read-only while outputs are made")


def _accessor(name: str) -> property:
    """Reads field `name` of the record, noting it. `Recorder.note`, written out: a large
    site's outputs read millions of fields; and an accessor found on the class costs a
    fraction of `__getattr__`, which Python calls only once its own lookup has failed."""
    def read(self: TrackedRecord) -> Any:
        reads = self._recorder.reads
        if reads is not None:
            found = reads.get(self._key)
            if found is None:
                reads[self._key] = {name}
            else:
                found.add(name)
        return getattr(self._record, name)
    return property(read)


def tracking_class(kind: type) -> type[TrackedRecord]:
    """The tracked view of records of class `kind`: an accessor for each of its fields and
    properties (made once per kind of record: see `TrackedRecords`)."""
    names = [f.name for f in dataclasses.fields(kind)] if dataclasses.is_dataclass(kind) else []
    names += [n for n, v in inspect.getmembers(kind) if isinstance(v, property)]
    return type(f"Tracked{kind.__name__}", (TrackedRecord,), {
        "__slots__": (), **{n: _accessor(n) for n in names if not n.startswith("__")}})


def track(record: object, key: Key, recorder: Recorder) -> TrackedRecord:
    """`record`, each field read of which is noted under `key`."""
    return tracking_class(type(record))(record, key, recorder)


class TrackedRecords:
    """A site's dict of records of one kind: iterating it reads its order, an item read
    through it notes its fields."""

    def __init__(self, records: dict[str, Any], kind: str, recorder: Recorder):
        self._records, self._kind, self._recorder = records, kind, recorder
        self._key: Key = (COLLECTIONS[kind], "")
        self._views: dict[str, TrackedRecord] = {}
        self._classes: dict[type, type[TrackedRecord]] = {}

    def _view(self, id: str) -> Any:
        view = self._views.get(id)
        if view is None:
            record = self._records[id]
            kind = self._classes.get(type(record))
            if kind is None:
                kind = self._classes[type(record)] = tracking_class(type(record))
            view = self._views[id] = kind(record, (self._kind, id), self._recorder)
        return view

    def __getitem__(self, id: str) -> Any:
        if id not in self._records:
            self._recorder.note(self._key, ORDER)  # its absence is a fact about the list
        return self._view(id)

    def get(self, id: str, default: Any = None) -> Any:
        if id in self:
            return self._view(id)
        return default

    def __contains__(self, id: object) -> bool:
        self._recorder.note(self._key, ORDER)
        return id in self._records

    def __iter__(self) -> Iterator[str]:
        self._recorder.note(self._key, ORDER)
        return iter(self._records)

    def __len__(self) -> int:
        self._recorder.note(self._key, ORDER)
        return len(self._records)

    def keys(self) -> Iterator[str]:
        return iter(self)

    def values(self) -> Iterator[Any]:
        return (self._view(id) for id in self)

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((id, self._view(id)) for id in self)


class TrackedLedger:
    """The list of published anchors, of which a page reads the notes on its own: the
    anchors a build adds to the list change no page."""

    def __init__(self, ledger: Ledger, recorder: Recorder):
        self._ledger, self._recorder = ledger, recorder

    def notes_of(self, page: str) -> dict[str, Note]:
        self._recorder.note(("anchor", page), "notes")
        return self._ledger.notes_of(page)

    def __getattr__(self, name: str) -> Any:
        self._recorder.note(("site", ""), "anchors")
        return getattr(self._ledger, name)


class TrackedSite:
    """The site as outputs see it while their reads are recorded."""

    def __init__(self, site: Site, recorder: Recorder):
        self._site, self._recorder = site, recorder
        self.settings = track(site.settings, ("settings", ""), recorder)
        self.agreements = TrackedRecords(site.agreements, "agreement", recorder)
        self.partners = TrackedRecords(site.partners, "partner", recorder)
        self.themes = TrackedRecords(site.themes, "theme", recorder)
        self.pages = TrackedRecords(site.pages, "page", recorder)
        self.anchors = TrackedLedger(site.anchors, recorder)

    def __getattr__(self, name: str) -> Any:
        self._recorder.note(("site", ""), name)
        return getattr(self._site, name)


def tracked(site: Site, recorder: Recorder) -> Site:
    """`site`, as outputs see it while `recorder` notes what they read."""
    return cast(Site, TrackedSite(site, recorder))
