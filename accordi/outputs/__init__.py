"""Files besides HTML pages (feeds, sitemap, data...): one module per output kind.

Each module exposes `files(site, router) -> Iterable[OutputFile]`; the pipeline writes what
they return through the same guarded writer as the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Site
from ..routes import Router


@dataclass(frozen=True)
class OutputFile:
    """One file to publish: a path inside the output folder and its bytes."""

    path: str
    data: bytes


Producer = Callable[[Site, Router], Iterable[OutputFile]]

# Registered producers, in the order they run (imported below: they use OutputFile), each
# with the record keys (see accordi.deps) its files are made from: when none of their
# fingerprints changed, the builder keeps the previous files without running it.
PRODUCERS: list[tuple[str, Producer, tuple[tuple, ...]]] = []

LISTS = (("frame",), ("agreement-items",), ("partners",), ("themes",))
DATA = (("frame",), ("all-agreement-data",), ("partners",), ("themes",))


def all_files(site: Site, router: Router) -> Iterable[OutputFile]:
    """Every extra file of the site."""
    for _, produce, _ in PRODUCERS:
        yield from produce(site, router)


def _register() -> None:
    from . import feeds, opendata, robots, sitemap, sqlite
    PRODUCERS.extend([("feeds", feeds.files, DATA), ("sitemap", sitemap.files, LISTS),
                      ("robots", robots.files, (("frame",),)),
                      ("opendata", opendata.files, DATA), ("sqlite", sqlite.files, DATA)])


_register()
