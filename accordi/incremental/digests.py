"""The value of every field that outputs read, as a short digest, to tell what changed.

A field's digest is taken of its `repr`: records hold plain values (text, dates, lists of
ids), and a parsed file stands for itself by its path and the digests of its data and body
(see `accordi.sources.Source.__repr__`), so equal reprs mean equal outputs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..history import History
from ..records import Site
from .tracking import COLLECTIONS, ORDER, WHOLE, Key

Digests = dict[str, bytes]  # field -> digest of its value
GONE = b"gone"  # what a field of a record that no longer exists is worth
UNDER = "under:"  # the history of folders: ("history", "under:agreements/,site.yaml")


def digest(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).digest()


class Values:
    """The fields of the site's records, and of what else outputs read, by key.

    `known` keeps the digests of the site's own large values by identity (the list of
    published addresses, the documents): after an edit of one record they are the same
    objects, and taking their digest would cost more than the rest of the edit."""

    def __init__(self, site: Site, history: History | None,
                 known: dict[int, tuple[object, bytes]] | None = None):
        self.site, self.history = site, history
        self.known = {} if known is None else known
        self._collections = {kind: getattr(site, name) for kind, name in COLLECTIONS.items()}
        self._lists = {name: getattr(site, name) for name in COLLECTIONS.values()}

    def value(self, key: Key, field: str) -> Any:
        """What field `field` of record `key` is; KeyError when the record is gone."""
        kind, id = key
        if kind in self._collections:
            record = self._collections[kind][id]
        elif kind == "settings":
            record = self.site.settings
        elif kind in self._lists:
            return tuple(self._lists[kind]) if field == ORDER else None
        elif kind == "site":
            record = self.site
        elif kind == "history":
            if not self.history:
                return []
            if id.startswith(UNDER):
                return self.history.under(tuple(id.removeprefix(UNDER).split(",")))
            return self.history.of([Path(id)])
        elif kind == "file":
            return _stat(id)
        elif kind == "anchor":
            return self.site.anchors.notes_of(id)
        else:
            raise KeyError(key)
        return record if field == WHOLE else getattr(record, field)

    def digests(self, key: Key, fields: Iterable[str]) -> Digests:
        """The digest of each of `fields` of `key` (GONE for a record that is gone)."""
        try:
            if key[0] == "site":
                return {f: self._by_identity(self.value(key, f)) for f in fields}
            return {f: digest(self.value(key, f)) for f in fields}
        except KeyError:
            return dict.fromkeys(fields, GONE)

    def _by_identity(self, value: object) -> bytes:
        held = self.known.get(id(value))
        if held is None or held[0] is not value:
            held = self.known[id(value)] = (value, digest(value))
        return held[1]


def _stat(path: str) -> tuple[int, int, int]:
    """What changes when a file's bytes do (without reading them)."""
    try:
        st = os.stat(path)
    except OSError:
        return (-1, 0, 0)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def file_key(path: Path) -> Key:
    return ("file", str(path))
