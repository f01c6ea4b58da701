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

# Registered producers, in the order they run (imported below: they use OutputFile).
PRODUCERS: list[Producer] = []


def all_files(site: Site, router: Router) -> Iterable[OutputFile]:
    """Every extra file of the site."""
    for produce in PRODUCERS:
        yield from produce(site, router)


def _register() -> None:
    from . import feeds, opendata, robots, sitemap, sqlite
    PRODUCERS.extend([feeds.files, sitemap.files, robots.files, opendata.files, sqlite.files])


_register()
