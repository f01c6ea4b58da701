"""What every output of the site is: a path, and how to make its bytes from the site.

Pages and data files alike are planned as `Output`s by the modules listed in the build's
spine (`accordi.build`); each is made from a `Context`: the site's records, the router, and
the session that converts Markdown and remembers what several outputs share. Nothing else
is passed to an output, so what it is made from is what it reads of these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from .converter import Rendered
from .history import Change, History
from .records import Site
from .routes import Router

T = TypeVar("T")

# Who a remembered value belongs to: a record's key and a family of values, such as
# ("agreement", "milano-riga-2018", "card") for what lists show of an agreement.
Owner = tuple[str, ...]


def card(aid: str) -> Owner:
    """Who what lists, the timeline and the map show of agreement `aid` belongs to."""
    return ("agreement", aid, "card")


def data(aid: str) -> Owner:
    """Who what the data files and feeds show of agreement `aid` belongs to."""
    return ("agreement", aid, "data")


def whole(name: str) -> Owner:
    """Who a value made from the whole site belongs to (the map, the open-data tables):
    each its own, so that what one reads does not count against the others."""
    return ("site", "", name)


class Facts(NamedTuple):
    """What the catalogue of the open data states of a file it describes."""

    size: int
    sha256: str


def file_facts(ctx: Context, path: str, make: Callable[[Context], bytes]) -> Facts:
    """The size and checksum of the file `make` makes at `path`, remembered with it."""
    def facts() -> Facts:
        data = make(ctx)
        return Facts(len(data), hashlib.sha256(data).hexdigest())
    return ctx.session.remember(whole(path), "facts", facts)


def stated(path: str, make: Callable[[Context], bytes]) -> Callable[[Context], bytes]:
    """`make`, for a file whose size and checksum the catalogue states: they are noted as
    the file is made, so the catalogue does not make it a second time (a large site's
    tables and database take seconds)."""
    def made(ctx: Context) -> bytes:
        data: list[bytes] = []

        def keep(c: Context) -> bytes:
            data.append(make(c))
            return data[0]
        file_facts(ctx, path, keep)
        return data[0] if data else make(ctx)  # noted already: made afresh
    return made


class Session(Protocol):
    """What outputs are made with besides the records: the plain session makes everything
    each time, the incremental layer's keeps what it can reuse and records what each output
    reads."""

    def markdown(self, text: str, shift: int, links: str | None, lang: str) -> Rendered:
        """One Markdown body part as HTML, with anchors (see `accordi.converter.Renderer`)."""
        ...

    def remember(self, owner: Owner, what: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, which depends on the records of `owner` (and of what it shows
        with them); kept for other outputs where the session keeps values."""
        ...

    def history(self, history: History | None, paths: list[Path]) -> list[Change]:
        """The commits that touched `paths`, newest first."""
        ...

    def history_under(self, history: History | None, names: tuple[str, ...]) -> list[Change]:
        """The commits that touched the files named (a name ending in `/`: a folder)."""
        ...

    def file(self, path: Path) -> bytes:
        """The bytes of a file published as it is (an asset, a document)."""
        ...

    def note_anchors(self, path: str, anchors: str) -> None:
        """The anchors the page at `path` gives its texts, separated by spaces: a build
        checks its deep links against them once the pages are made (`Made.anchors`)."""
        ...


class Renderer(Protocol):
    """Turns a page's specification (`accordi.pages.spec.PageSpec`) into HTML."""

    def render(self, spec: Any) -> str: ...


@dataclass
class Context:
    """Everything an output is made from."""

    site: Site
    router: Router
    session: Session
    templates: tuple[Path, ...]  # the loader chain, the site's templates first
    history: History | None = None
    renderer: Renderer | None = None  # set by the session (`accordi.render.PageRenderer`)

    def html(self, spec: Any) -> bytes:
        """A page's bytes, from its specification."""
        assert self.renderer is not None, "the session sets a renderer"
        return self.renderer.render(spec).encode("utf-8")

    def history_of(self, paths: list[Path]) -> list[Change]:
        """The commits that touched `paths`, newest first."""
        return self.session.history(self.history, paths)

    def history_under(self, names: tuple[str, ...]) -> list[Change]:
        """The commits that touched the files named (a name ending in `/`: a folder)."""
        return self.session.history_under(self.history, names)


class Output(NamedTuple):
    """One file of the site: where it goes and how to make it."""

    path: str                          # inside the output folder
    make: Callable[[Context], bytes]
    kind: str                          # a page's kind (`agreement`...) or a file's family
    page: bool = False                 # an HTML page (counted, and indexed when searchable)
    searchable: bool = False           # its main content goes into the search index


Plan = Callable[[Site, Router], Iterable[Output]]
