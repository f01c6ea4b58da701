"""The incremental layer: a build session that makes again only what an edit changes.

The spine (`accordi.build`) works the same with or without it (`accordi.session` is the
plain way). What it adds, each in its own module:

- `files`: content files parsed again only when they changed;
- `patch`: the site after an edit of records' own fields, without loading it again;
- `tracking`: what each output reads of the site, recorded while it is made;
- `ledger`: what was published, what each output read, and the digests of what it read
  (`digests`); an output whose reads did not change and whose file is intact is current;
- `fragments`: values several outputs share, kept with their records while those hold;
- `making`: only the outputs not current are made, the edited pages first in the live
  preview, many pages in one process per core (`parallel`);
- `publishing`: a build with nothing to do (`inputs`), unchanged files and search shards
  kept, the ledger saved (`store`) once the output is published.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from ..config import Paths
from ..converter import Rendered, Renderer
from ..deeplinks import Known
from ..history import Change, History
from ..output import Owner
from .digests import UNDER, file_key
from .fragments import Fragments
from .inputs import Inputs
from .ledger import Ledger
from .loading import Loading
from .making import Making
from .publishing import Publishing
from .store import Store, digest
from .tracking import Recorder

T = TypeVar("T")
MARKDOWN_KEPT = 512  # converted body parts kept in memory: a body is shown by few pages


class IncrementalSession(Loading, Making, Publishing):
    """A build session that remembers what it made (see the module docstring).

    `lasting`: more updates follow (the live preview), so the values outputs share are
    kept between them; a one-off build lets them go as soon as it can.
    """

    def __init__(self, paths: Paths, workers: int = 1, cache: Path | None = None,
                 lasting: bool = False):
        self.paths, self.workers, self.lasting = paths, workers, lasting
        self.store = Store(cache) if cache is not None else None
        self.recorder = Recorder()
        self.links = Known()  # what the last check of deep links found
        self.fragments = Fragments(self.recorder, lasting)
        self.ledger = Ledger(str(paths.output))
        self.inputs: Inputs | None = None
        self.shard_tags: set[str] = set()
        self.keep_output = False  # nothing in the output would change: it stays
        self.unread = False  # the store's record of what outputs read is not loaded yet
        self.html: OrderedDict[tuple, Rendered] = OrderedDict()
        self.converter: Renderer | None = None
        self._start_loading(self.store)
        self._start_making()
        if self.store is not None:  # what outputs read waits for a build that needs it
            self.ledger.load(self.store.files(self.ledger.output), {}, {})
            self.unread = True

    # -- what outputs are made with (see `accordi.output.Session`) --------------------------

    def markdown(self, text: str, shift: int, links: str | None, lang: str) -> Rendered:
        key = (text, shift, links, lang)
        found = self.html.get(key)
        if found is not None:
            self.html.move_to_end(key)
            return found
        base = self.ctx.router.base_path if self.ctx else "/"
        stored_key = digest("markdown", text, str(shift), str(links), lang, base)
        found = self.store.get("markdown", stored_key) if self.store else None
        if found is None:
            if self.converter is None or self.converter.base_path != base:
                self.converter = Renderer(base)
            found = self.converter.render(text, shift, links, lang)
            if self.store:
                self.store.put("markdown", stored_key, found)
        self.html[key] = found
        if len(self.html) > MARKDOWN_KEPT:
            self.html.popitem(last=False)
        return found

    def remember(self, owner: Owner, what: Hashable, compute: Callable[[], T]) -> T:
        return self.fragments.get(owner, what, compute)

    def history(self, history: History | None, paths: list[Path]) -> list[Change]:
        for path in paths:
            self.recorder.note(("history", str(path)), "commits")
        return history.of(paths) if history else []

    def history_under(self, history: History | None, names: tuple[str, ...]) -> list[Change]:
        self.recorder.note(("history", UNDER + ",".join(names)), "commits")
        return history.under(names) if history else []

    def file(self, path: Path) -> bytes:
        self.recorder.note(file_key(path), "stat")
        return path.read_bytes()

    def note_anchors(self, path: str, anchors: str) -> None:
        self.noted[path] = anchors


__all__ = ["IncrementalSession"]
