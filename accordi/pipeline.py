"""The build as the command line runs it: everything, into a fresh folder swapped into place."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from .cache import BuildCache
from .config import Paths
from .errors import ContentFailure, ErrorCollector
from .incremental import SiteBuilder
from .model import Site
from .publish import Staging


@dataclass
class BuildReport:
    """What a build produced, for the command line and the tests."""

    pages: int
    files: int
    seconds: float
    warnings: list[str]


def load_site(paths: Paths, as_of: dt.date, base_url: str | None = None
              ) -> tuple[Site | None, ErrorCollector]:
    """Read, validate and cross-check content; the Site is None when errors stop the build."""
    return SiteBuilder(paths, as_of, base_url).load()


def build(paths: Paths, as_of: dt.date, base_url: str | None = None,
          workers: int = 1) -> BuildReport:
    """Build the site into `paths.output`; raise ContentFailure, leaving output intact.

    Files whose bytes did not change are hard-linked from the previous output, so they keep
    their modification time and a deploy by rsync or object-storage sync skips them.
    """
    started = time.perf_counter()
    store = BuildCache(paths.cache) if paths.cache else None
    try:
        builder = SiteBuilder(paths, as_of, base_url, store=store, workers=workers)
        changes = builder.update()
        if not changes.ok:
            raise ContentFailure(changes.errors)
        staging = Staging(paths.output)
        try:
            for path, data in sorted(changes.files.items()):
                staging.write(path, data)
            for path in sorted(changes.unchanged):
                staging.link(paths.output / path, path)
            staging.commit()
        except BaseException:
            staging.abort()
            raise
        builder.publish_manifest()
    finally:
        if store:
            store.close()
    return BuildReport(changes.rendered, len(staging.written), time.perf_counter() - started,
                       changes.warnings)
