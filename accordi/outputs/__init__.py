"""Files besides HTML pages (feeds, sitemap, data...): one module per output kind.

Each module exposes `plan(site, router, memo) -> Iterable[Planned]`: every file it
publishes, with the record keys (see accordi.deps) it is made from and how to make it. The
builder makes a file only when the fingerprints of its keys changed since it was published,
so an edit remakes the files that show the edited record, and the others stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..memo import INERT, Memo
from ..model import Site
from ..routes import Router


@dataclass(frozen=True)
class OutputFile:
    """One file to publish: a path inside the output folder and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Planned:
    """A file to publish, what it is made from, and how to make it: record keys, and the
    agreements it shows, each with everything shown with it (see `Memo.context`)."""

    path: str
    keys: tuple[tuple, ...]
    make: Callable[[], bytes]
    agreements: tuple[str, ...] = ()
    inputs: tuple = ()  # anything else it is made from (e.g. a day read from git history)


Producer = Callable[[Site, Router, Memo], Iterable[Planned]]

# Registered producers, in the order they run (imported below: they use Planned).
PRODUCERS: list[tuple[str, Producer]] = []

FRAME = (("frame",),)
LISTS = (("frame",), ("agreement-items",), ("partners",), ("themes",))
DATA = (("frame",), ("all-agreement-data",), ("partners",), ("themes",))


def all_files(site: Site, router: Router, memo: Memo = INERT) -> Iterable[OutputFile]:
    """Every extra file of the site, made."""
    for _, plan in PRODUCERS:
        for f in plan(site, router, memo):
            yield OutputFile(f.path, f.make())


def _register() -> None:
    from . import catalog, datapackage, feeds, opendata, robots, sitemap, sqlite
    PRODUCERS.extend([("feeds", feeds.plan), ("sitemap", sitemap.plan),
                      ("robots", robots.plan), ("opendata", opendata.plan),
                      ("sqlite", sqlite.plan), ("datapackage", datapackage.plan),
                      ("catalog", catalog.plan)])


_register()
