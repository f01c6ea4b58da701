"""What is worked out from one agreement, kept from one update to the next.

A site of 10,000 agreements lists each of them the same way on many pages and in many files
(an item of a list, a row of a table, an entry of a feed, a bar of the timeline); after an
edit, only the values of the records it touched are worked out again. A value is kept under
its agreement's context: the fingerprints (see `accordi.deps`) of the agreement and of every
record shown with it, so a kept value is never stale. What every value depends on besides
(templates, locales, code, settings) is the memo's salt: when it changes, the memo starts
empty. Values that an update did not ask for are dropped after it, so memory follows the
site.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from . import deps
from .model import Site

T = TypeVar("T")


class Memo:
    """Values by (kind, key); inert (it works everything out) until `begin`."""

    def __init__(self) -> None:
        self._salt: Hashable = None
        self._values: dict[tuple, Any] = {}
        self._used: dict[tuple, Any] = {}
        self._contexts: dict[str, tuple] = {}
        self._fp: dict[deps.Key, str] = {}
        self._site: Site | None = None

    def begin(self, site: Site, fp: dict[deps.Key, str], salt: Hashable) -> None:
        """An update starts, working from `site` with these fingerprints."""
        if salt != self._salt:
            self._values, self._used = {}, {}
            self._salt = salt
        self._site, self._fp, self._contexts = site, fp, {}

    def end(self, sweep: bool = True) -> None:
        """The update is over; with `sweep`, forget what it did not use."""
        if sweep:
            self._values, self._used = self._used, {}

    def clear(self) -> None:
        """Forget every value now, for a build that will not ask for them again: the files
        made after the pages share none of the pages' values, and can use their memory."""
        self._values, self._used = {}, {}

    def context(self, agreement_id: str) -> tuple | None:
        """The key of everything shown about one agreement (None while inert)."""
        if self._site is None:
            return None
        if agreement_id not in self._contexts:
            keys = deps.agreement_context(self._site, agreement_id)
            self._contexts[agreement_id] = (agreement_id, *(self._fp.get(k) for k in keys))
        return self._contexts[agreement_id]

    def fingerprints(self, keys: Iterable[deps.Key]) -> tuple | None:
        """The fingerprints of record keys, to key a value made from them (None while
        inert)."""
        return None if self._site is None else tuple(self._fp.get(k) for k in keys)

    def get(self, kind: str, key: Hashable | None, compute: Callable[[], T]) -> T:
        """The value of `kind` under `key`, worked out once; always afresh when `key` is
        None or the memo is inert."""
        if key is None or self._site is None:
            return compute()
        full = (kind, key)
        try:
            value = self._values[full]
        except KeyError:
            value = self._values[full] = compute()
        self._used[full] = value
        return value


INERT = Memo()  # for views and writers used outside a builder: nothing is kept
