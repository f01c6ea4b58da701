"""The build: the outputs the site is made of, and the steps that make them.

    read content -> load and check the site -> check addresses -> plan outputs ->
    make outputs -> check deep links -> index search -> record addresses and anchors ->
    publish

`build` runs them for the command line, into a fresh folder swapped into place; the live
preview runs `update` (the steps up to making the outputs) after every edit. A session
carries each step out: the plain one (`accordi.session`) does everything, the incremental
layer (`accordi.incremental`) reuses what did not change; both give the same bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from . import anchors, check, deeplinks, manifest, pages, published, search
from .errors import ContentFailure, ErrorCollector
from .output import Plan
from .outputs import admin, catalog, datapackage, feeds, files, opendata, robots, sitemap, sqlite
from .pages import notices
from .publish import PublishError, Staging
from .published import MANIFEST
from .search import SearchReport
from .session import BuildSession, Job, Made, Sink

T = TypeVar("T")

# Every output of the site, in the order they are planned.
OUTPUTS: tuple[Plan, ...] = (
    pages.plan,     # in every language: home, search, agreements, timeline, each agreement,
                    # partners, each partner, themes, each theme, each free page, open data,
                    # not found; and `/` and `/404.html`
    notices.plan,   # redirects at former addresses, notices at removed ones
    feeds.plan,     # Atom feeds: every agreement, each partner's, each theme's
    sitemap.plan,   # sitemap.xml
    robots.plan,    # robots.txt
    opendata.plan,  # data/: JSON and CSV of every table, a JSON per agreement, schemas, README
    sqlite.plan,    # data/accordi.sqlite
    datapackage.plan,  # data/datapackage.json: the Frictionless Data Package of the CSV files
    catalog.plan,   # data/catalog.ttl and .jsonld: the DCAT-AP_IT catalogue of the data files
    files.plan,     # .nojekyll, assets/, documents/
    admin.plan,     # admin/: the web editor, when site.yaml's `cms` turns it on
)


@dataclass
class Report:
    """What a build produced, for the command line and the tests."""

    pages: int                     # pages made by this build
    files: int                     # files in the output
    seconds: float
    warnings: list[str]            # what `build.py check` warns about
    search: SearchReport | None = None
    search_kept: bool = False      # no record page changed: the previous index was kept
    search_indexed: int = 0        # shards of the index made again
    inputs_unchanged: bool = False  # nothing the build reads had changed: nothing was read
    notes: list[str] = field(default_factory=list)  # the lists of addresses and anchors grew


class Steps:
    """Runs the named steps of a build, timing each (`verbose` prints them)."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose
        self.seconds: dict[str, float] = {}

    def run(self, name: str, step: Callable[..., T], *args: object) -> T:
        started = time.perf_counter()
        try:
            return step(*args)
        finally:
            self.seconds[name] = time.perf_counter() - started
            if self.verbose:
                print(f"  {name:<28} {self.seconds[name]:8.3f} s", flush=True)


def build(job: Job, session: BuildSession) -> Report:
    """Build the site into `job.paths.output`; raise ContentFailure, leaving it intact."""
    started = time.perf_counter()
    steps = Steps(job.verbose)
    warnings = session.unchanged(job)
    if warnings is not None:  # nothing the build reads changed since the last good build
        return Report(0, session.published_count(), time.perf_counter() - started, warnings,
                      search.report(job.paths.output, session.search_files()), True, 0, True)
    staging = Staging(job.paths.output)
    try:
        made = session.apart(partial(update, job, session, staging.write, steps))
        indexed = steps.run("index search", index_search, job, session, made, staging)
        # Before publishing: a build that cannot record its addresses publishes nothing.
        notes = steps.run("record addresses and anchors", record_addresses, job, made)
        steps.run("publish", session.publish, job, made, staging)
    except BaseException:
        staging.abort()
        raise
    session.done(job, made.warnings, notes)
    return Report(made.rendered, session.published_count(), time.perf_counter() - started,
                  made.warnings, search.report(job.paths.output, session.search_files()),
                  not indexed, indexed, notes=notes)


def update(job: Job, session: BuildSession, sink: Sink, steps: Steps | None = None,
           first: set[str] | None = None) -> Made:
    """Make the site's outputs from the content as it is now, handing new and changed files
    to `sink`; raise ContentFailure when the content has mistakes. With `first` (the live
    preview's open pages), what else an edit changes may wait (see `Made.pending`)."""
    steps = steps or Steps()
    errors = ErrorCollector(job.paths.content)
    raw = steps.run("read content", session.read, job.paths.content, errors)
    site = steps.run("load and check the site", session.load, raw, job, errors)
    if site is not None:
        steps.run("check addresses", session.check, manifest.check, site, job, errors)
    if site is None:
        raise ContentFailure(errors)
    ctx = session.context(site, job)
    outputs = steps.run("plan outputs", session.plan, OUTPUTS, ctx)
    if errors.failed or first is not None:  # with the mistakes above; in the live preview,
        steps.run("check deep links", deeplinks.check, site, outputs,  # before the edited
                  job.paths.template_folders, errors, session.links)  # pages go out
    if errors.failed:
        raise ContentFailure(errors)
    made = steps.run("make outputs", session.make, outputs, ctx, sink, first)
    if first is None:  # a build: against the anchors its pages were made with
        made.anchors = steps.run("check deep links", deeplinks.check, site, outputs,
                                 job.paths.template_folders, errors, session.links,
                                 made.anchors)
        if errors.failed:
            raise ContentFailure(errors)
        # What `build.py check` warns about, as a summary; the addresses it publishes.
        steps.run("gather warnings", check.warnings, site, errors)
        made.addresses = set(manifest.published(site))  # recorded after the build
    made.warnings = [e.format() for e in errors.sorted()]
    return made


def index_search(job: Job, session: BuildSession, made: Made, staging: Staging) -> int:
    """Index the record pages for search, shard by shard: a shard none of whose pages
    changed is kept as it is. How many shards were indexed again."""
    shards = search.plan(made.searchable)
    kept = {shard: session.kept_shard(shard) for shard in shards}
    todo = [s for s in shards if not kept[s]]
    if not session.carry_over(job, made, staging, not todo):
        return 0  # nothing changed: the output stays as it is
    indexed = search.build_index(staging.dir, todo, job.workers) if todo else {}
    if shards and shards[0] in indexed:  # the list of shards goes with the first one
        staging.write(search.SHARD_LIST, search.shard_list(shards))
        indexed[shards[0]].append(search.SHARD_LIST)
    for shard, names in indexed.items():
        staging.adopted(names)
        staging.reuse_identical(job.paths.output, names)
        session.adopt_shard(shard, staging.dir, names)
    return len(indexed)


def record_addresses(job: Job, made: Made) -> list[str]:
    """Add newly published addresses and anchors to the content's lists; a note for the
    editor about each list that grew. Raises PublishError when they cannot be recorded: the
    lists are what keep published addresses and anchors alive."""
    notes = []
    for name, what, plural, add in (
            (MANIFEST, "address", "addresses", lambda: published.record(
                job.paths.content, made.addresses)),
            (anchors.LEDGER, "anchor", "anchors", lambda: anchors.record(
                job.paths.content, made.anchors))):
        where = f"{job.paths.content.name}/{name}"
        try:
            added = add()
        except OSError as exc:
            raise PublishError(f"cannot record the published {plural} in {where}: "
                               f"{exc.strerror or exc}") from None
        if added:
            notes.append(f"{where}: note: recorded {added} new published "
                         f"{what if added == 1 else plural}; commit this file with your "
                         "change")
    return notes
