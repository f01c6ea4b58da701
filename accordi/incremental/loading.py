"""The incremental session's first steps: reading what changed, the site after an edit, and
what of the site changed since outputs were made (see `accordi.incremental`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..content import RawContent
from ..errors import ErrorCollector
from ..history import History, read_history
from ..i18n import LOCALES, strings
from ..output import Context, Output, Plan
from ..outputs.files import assets
from ..records import Site
from ..render import PageRenderer
from ..routes import Router
from ..search import version as search_version
from ..session import Job, load_site
from .digests import Values
from .files import FileCache
from .fragments import Fragments
from .ledger import Changed, Ledger
from .patch import patch
from .store import Store, code_version
from .tracking import Flat, Frozen, Key, Recorder, freeze, tracked


def environment(*roots: Path) -> str:
    """Digest of the templates, locales and code: what every output is made with."""
    h = hashlib.sha1(f"{code_version()} {search_version()}".encode(), usedforsecurity=False)
    for root in roots:
        for p in sorted(root.rglob("*")) if root.is_dir() else ():
            if p.is_file():
                h.update(p.relative_to(root).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class Step:
    """What a step that depends on the site alone found, and what it read to find it."""

    reads: Frozen
    result: object
    problems: list


@dataclass
class Last:
    """The last site every output was made from, and what it was read from."""

    site: Site
    seen: set[Path]
    documents: dict[str, tuple[int, int]]


class Loading:
    """Reads the content again, and tells what changed since outputs were made."""

    paths: object
    workers: int
    store: Store | None
    ledger: Ledger
    recorder: Recorder
    fragments: Fragments
    unread: bool

    def _start_loading(self, store: Store | None) -> None:
        self.files = FileCache(store)
        self.last: Last | None = None
        self.unapplied: set[Path] = set()  # files changed since `last`
        self.environment = ""
        self.steps: dict[str, Step] = {}
        self.plans: dict[Plan, tuple[Frozen, list[Output]]] = {}
        self.outputs: list[Output] | None = None  # every plan's, as last listed
        self.git: History | None = None
        self.git_seen: dict | None = None
        self.values: Values | None = None
        self.ctx: Context | None = None
        self.interned: dict[frozenset[str], frozenset[str]] = {}
        self.patched = False  # the latest load changed the last site instead of loading
        self.digested: dict[int, tuple[object, bytes]] = {}  # see `digests.Values`

    def read(self, root: Path, errors: ErrorCollector) -> RawContent:
        raw = self.files.read(root, errors, self.workers)
        self.unapplied |= self.files.reparsed
        return raw

    def load(self, raw: RawContent, job: Job, errors: ErrorCollector) -> Site | None:
        if self.unread and self.store is not None:
            output = self.ledger.output
            self.store.discard_pending(output)  # a build that did not publish put them aside
            self.ledger.load(self.store.files(output), self.store.rows("reads", output),
                             self.store.rows("records", output))
            self.unread = False
        patched = None if errors.errors else self._patched(raw)
        self.patched = patched is not None
        if patched is None:
            site = load_site(raw, job, errors)
            keys: Iterable[Key] | None = None
        else:
            site, edited = patched
            site.assets = assets(*job.paths.asset_folders)
            errors.errors.extend(raw.published_errors + raw.anchors_errors)
            keys = edited | {("site", "")}
        if site is None:
            return None
        self._environment(job, site.settings.base_url)
        self.git = read_history(job.paths.content) if job.history else None
        self.values = Values(site, self.git, self.digested)
        if keys is not None:
            keys = set(keys) | set(self._pseudo_keys())
        self._outdate(self.ledger.changes(self.values, keys))
        self.last = Last(site, raw.seen, _documents(raw.documents)) if not errors.errors else None
        self.unapplied = set()
        return site

    def _patched(self, raw: RawContent) -> tuple[Site, set[Key]] | None:
        """The last site with the edited records made again, when that is the site."""
        last = self.last
        if (last is None or raw.seen != last.seen or raw.site is None
                or _documents(raw.documents) != last.documents):
            return None
        if not self.unapplied:
            return last.site, set()
        return patch(last.site, raw, self.unapplied)

    def _pseudo_keys(self) -> Iterable[Key]:
        """What outputs read besides records: the git history, the files published as
        they are (looked at after every edit: they are few, or cheap to compare)."""
        history = self.git.changes if self.git else None
        for key in self.ledger.digests:
            if key[0] == "file" or (key[0] == "history" and history != self.git_seen):
                yield key
        self.git_seen = history

    def environment_of(self, job: Job) -> str:
        """The digest of the templates, messages and code the outputs are made with."""
        return environment(*job.paths.template_folders, LOCALES, *job.paths.message_folders)

    def _environment(self, job: Job, base_url: str) -> None:
        """Start afresh when the templates, locales, code or public address changed (every
        link is made by the router, for that address): what outputs read no longer tells
        what they show."""
        found = self.environment_of(job) + " " + base_url
        if found == self.environment:
            return
        stored = self.store.get("environment", self.ledger.output) if self.store else None
        if self.environment or stored != found:
            self.ledger.forget_reads()
            self.fragments.clear()
            self.steps.clear()
            self.plans.clear()
            strings.cache_clear()
            self.last = None
        self.environment = found
        if self.store:
            self.store.put("environment", self.ledger.output, found)

    def _outdate(self, changed: Changed) -> None:
        """Everything that read a changed field is out of date, from now on."""
        if not changed:
            return
        self.ledger.stale |= self.ledger.outdated(changed)
        self.fragments.forget(changed)
        for name in [n for n, step in self.steps.items() if _reads_any(step.reads, changed)]:
            del self.steps[name]
        for plan in [p for p, (reads, _) in self.plans.items() if _reads_any(reads, changed)]:
            del self.plans[plan]

    # -- steps that depend on the site alone -----------------------------------------------

    def recorded(self, compute: Callable[[], object]) -> Flat:
        """What `compute()` reads of the site (and of the values it uses)."""
        self.recorder.push()
        try:
            compute()
        finally:
            reads, owners = self.recorder.pop()
        return self.fragments.flatten(reads, owners)

    def check(self, check: Callable[[Site, Path, ErrorCollector], None], site: Site,
              job: Job, errors: ErrorCollector) -> None:
        name = getattr(check, "__qualname__", repr(check))
        step = self.steps.get(name)
        if step is None:
            local = ErrorCollector(errors.root)
            values = self._values()
            reads = self.recorded(lambda: check(tracked(site, self.recorder),
                                                job.paths.content, local))
            self.ledger.learn(values, reads.items())
            step = Step(freeze(reads, self.interned), None, local.errors)
            if not local.errors:
                self.steps[name] = step
        errors.errors.extend(step.problems)

    def context(self, site: Site, job: Job) -> Context:
        router = Router(site.settings.base_path, site.settings.origin)
        self.ctx = Context(tracked(site, self.recorder), router, self,  # type: ignore[arg-type]
                           job.paths.template_folders, self.git)
        self.ctx.renderer = PageRenderer(self.ctx)
        return self.ctx

    def plan(self, plans: Iterable[Plan], ctx: Context) -> list[Output]:
        """Every output, each plan's list made again only when what it read changed: the
        same list as last time when none was (see `Making.make`)."""
        plans = tuple(plans)
        again = False
        for plan in plans:
            if plan not in self.plans:
                listed: list[Output] = []
                reads = self.recorded(partial(_extend, listed, plan, ctx))
                self.ledger.learn(self._values(), reads.items())
                self.plans[plan] = (freeze(reads, self.interned), listed)
                again = True
        if again or self.outputs is None:
            self.outputs = [out for plan in plans for out in self.plans[plan][1]]
        return self.outputs

    def _values(self) -> Values:
        assert self.values is not None
        return self.values


def _extend(listed: list[Output], plan: Plan, ctx: Context) -> None:
    listed.extend(plan(ctx.site, ctx.router))


def _reads_any(reads: Frozen, changed: Changed) -> bool:
    """Whether `reads` include a field in `changed`."""
    for (kind, id), fields in changed.items():
        for g in reads:
            if g.kind == kind and not g.fields.isdisjoint(fields) and id in g.ids:
                return True
    return False


def _documents(documents: dict[str, Path]) -> dict[str, tuple[int, int]]:
    """What changes when a document does: its size is shown."""
    out = {}
    for rel, path in documents.items():
        try:
            st = path.stat()
            out[rel] = (st.st_size, st.st_mtime_ns)
        except OSError:
            out[rel] = (-1, 0)
    return out
