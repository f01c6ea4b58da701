"""How the spine's steps are carried out: what a build may reuse and what it must make.

The spine (`accordi.build`) calls a `BuildSession` for each step. `PlainSession` reads every
file, makes every output and keeps nothing after the build: the site from scratch, in one
process. The incremental layer (`accordi.incremental`) implements the same interface and
keeps what it can reuse; both give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from . import model, theme
from .anchors import address_of
from .config import Paths, settings_from
from .content import RawContent, read_content
from .converter import Rendered, Renderer
from .deeplinks import Known
from .errors import ErrorCollector
from .history import Change, History, read_history
from .output import Context, Output, Owner, Plan
from .outputs.files import assets
from .publish import Staging
from .records import Site
from .render import PageRenderer
from .routes import Router, reserved_segments
from .search import Shard

T = TypeVar("T")
Sink = Callable[[str, bytes], None]


@dataclass(frozen=True)
class Job:
    """One build: where it reads and writes, and for which day and address."""

    paths: Paths
    as_of: dt.date
    base_url: str | None = None
    workers: int = 1
    history: bool = True   # show the git history of records (off for output that must not
                           # depend on the repository, such as the tests' golden files)
    verbose: bool = False  # print each step and its time
    drafts: bool = False   # records marked `draft: true` are part of the site (the preview)


@dataclass
class Made:
    """What making the outputs did, for publishing and the report."""

    written: set[str] = field(default_factory=set)    # new or changed: handed to the sink
    unchanged: set[str] = field(default_factory=set)  # the previous file stands
    removed: set[str] = field(default_factory=set)    # published before, no longer planned
    pending: set[str] = field(default_factory=set)    # left for later (the live preview)
    made: set[str] = field(default_factory=set)       # made by this build or update
    rendered: int = 0                                  # pages made
    searchable: dict[str, str] = field(default_factory=dict)  # page -> digest of its bytes
    addresses: set[str] = field(default_factory=set)  # every page address of the site
    anchors: dict[str, str] = field(default_factory=dict)  # agreement pages' anchors, by
                                                           # address (those made, in a build)
    warnings: list[str] = field(default_factory=list)  # what the content check noted


class BuildSession(Protocol):
    """What the spine asks of a session, step by step."""

    links: Known  # what the last check of deep links found

    def read(self, root: Path, errors: ErrorCollector) -> RawContent: ...
    def load(self, raw: RawContent, job: Job, errors: ErrorCollector) -> Site | None: ...
    def check(self, check: Callable[[Site, Path, ErrorCollector], None], site: Site,
              job: Job, errors: ErrorCollector) -> None: ...
    def context(self, site: Site, job: Job) -> Context: ...
    def plan(self, plans: Iterable[Plan], ctx: Context) -> list[Output]: ...
    def make(self, outputs: list[Output], ctx: Context, sink: Sink,
             first: set[str] | None = None) -> Made: ...
    def apart(self, work: Callable[[], T]) -> T: ...
    def kept_shard(self, shard: Shard) -> list[str]: ...
    def adopt_shard(self, shard: Shard, folder: Path, files: list[str]) -> None: ...
    def carry_over(self, job: Job, made: Made, staging: Staging, index_kept: bool
                   ) -> bool: ...
    def publish(self, job: Job, made: Made, staging: Staging) -> None: ...
    def unchanged(self, job: Job) -> list[str] | None: ...
    def done(self, job: Job, warnings: list[str], notes: list[str]) -> None: ...
    def published_count(self) -> int: ...
    def search_files(self) -> dict[str, int]: ...


def load_site(raw: RawContent, job: Job, errors: ErrorCollector) -> Site | None:
    """The site's records from what was read; None when its mistakes stop the build."""
    if raw.site is None:
        return None
    settings = settings_from(raw.site.data, job.as_of, job.base_url, job.drafts)
    theme.use_messages(job.paths, errors)
    site = model.build_site(raw, settings, errors, reserved_segments())
    site.assets = assets(*job.paths.asset_folders)
    theme.check(site, raw.site, job.paths, errors)
    if errors.failed:
        return None
    errors.errors.extend(raw.published_errors + raw.anchors_errors)
    return site


class PlainSession:
    """Every step done in full, in one process; values several outputs share are made
    once per build."""

    def __init__(self) -> None:
        self.remembered: dict[tuple[Owner, Hashable], object] = {}
        self.base_path = "/"  # of the site's links, for Markdown (see `context`)
        self.converter: Renderer | None = None
        self.files: set[str] = set()             # published by this build
        self.index: dict[str, int] = {}          # the search index's files, and their sizes
        self.links = Known()
        self.noted: dict[str, str] = {}           # page -> its anchors, as made

    # -- the spine's steps -----------------------------------------------------------------

    def read(self, root: Path, errors: ErrorCollector) -> RawContent:
        return read_content(root, errors)

    def load(self, raw: RawContent, job: Job, errors: ErrorCollector) -> Site | None:
        return load_site(raw, job, errors)

    def check(self, check: Callable[[Site, Path, ErrorCollector], None], site: Site,
              job: Job, errors: ErrorCollector) -> None:
        check(site, job.paths.content, errors)

    def context(self, site: Site, job: Job) -> Context:
        router = Router(site.settings.base_path, site.settings.origin)
        self.base_path = router.base_path
        history = read_history(job.paths.content) if job.history else None
        ctx = Context(site, router, self, job.paths.template_folders, history)
        ctx.renderer = PageRenderer(ctx)
        return ctx

    def plan(self, plans: Iterable[Plan], ctx: Context) -> list[Output]:
        return [out for plan in plans for out in plan(ctx.site, ctx.router)]

    def make(self, outputs: list[Output], ctx: Context, sink: Sink,
             first: set[str] | None = None) -> Made:
        made = Made()
        self.noted = {}
        for out in outputs:
            data = out.make(ctx)
            sink(out.path, data)
            made.written.add(out.path)
            made.made.add(out.path)
            self.files.add(out.path)
            made.rendered += out.page
            if out.searchable:
                made.searchable[out.path] = digest(data)
        made.anchors = {address_of(path): found for path, found in self.noted.items()}
        return made

    def apart(self, work: Callable[[], T]) -> T:
        return work()

    def kept_shard(self, shard: Shard) -> list[str]:
        return []

    def adopt_shard(self, shard: Shard, folder: Path, files: list[str]) -> None:
        self.index.update({rel: (folder / rel).stat().st_size for rel in files})
        self.files.update(files)

    def carry_over(self, job: Job, made: Made, staging: Staging, index_kept: bool) -> bool:
        return True

    def publish(self, job: Job, made: Made, staging: Staging) -> None:
        staging.commit()

    def unchanged(self, job: Job) -> list[str] | None:
        return None

    def done(self, job: Job, warnings: list[str], notes: list[str]) -> None:
        pass

    def published_count(self) -> int:
        return len(self.files)

    def search_files(self) -> dict[str, int]:
        return dict(self.index)

    # -- what outputs are made with (see `accordi.output.Session`) --------------------------

    def markdown(self, text: str, shift: int, links: str | None, lang: str) -> Rendered:
        if self.converter is None or self.converter.base_path != self.base_path:
            self.converter = Renderer(self.base_path)
        return self.converter.render(text, shift, links, lang)

    def remember(self, owner: Owner, what: Hashable, compute: Callable[[], T]) -> T:
        key = (owner, what)
        if key not in self.remembered:
            self.remembered[key] = compute()
        return self.remembered[key]  # type: ignore[return-value]

    def history(self, history: History | None, paths: list[Path]) -> list[Change]:
        return history.of(paths) if history else []

    def history_under(self, history: History | None, names: tuple[str, ...]) -> list[Change]:
        return history.under(names) if history else []

    def file(self, path: Path) -> bytes:
        return path.read_bytes()

    def note_anchors(self, path: str, anchors: str) -> None:
        self.noted[path] = anchors


def digest(data: bytes) -> str:
    """The digest published files are compared by."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()
