"""The builder: renders what changed since the last build, in parallel when there is a lot.

The command line runs it once per build; the live server keeps one and calls `update()`
after every edit. Each page has a fingerprint of everything it shows (see `deps`); a page
whose fingerprint matches the last published one is not rendered again. Unchanged content
files are not parsed again and unchanged Markdown is not converted again (memory, then the
on-disk cache). The result is the same, byte for byte, as a full one-process build: the
tests hold it to that.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from . import anchors, apart, check, deeplinks, deps, manifest, model, outputs
from .cache import BuildCache, code_version
from .config import Paths, settings_from
from .content import LANG_FILE, FileCache, RawContent, Source, read_content
from .errors import ErrorCollector
from .history import History, read_history
from .i18n import LOCALES, strings
from .inputs import Inputs
from .memo import Memo
from .model import SOURCE_WORDING, TRANSLATED_WORDING, Agreement, Site, build_site
from .render import PageRenderer
from .routes import Router, reserved_segments
from .search import version as search_version
from .views import SEARCHABLE, PageKey, Views

PARALLEL_FROM = 64  # pages: below this, starting processes costs more than it saves


@dataclass
class Changes:
    """What one update produced, relative to the previous build of the same output."""

    ok: bool
    errors: ErrorCollector
    files: dict[str, bytes] = field(default_factory=dict)  # new or changed files...
    sink: Callable[[str, bytes], None] | None = None        # ...or handed here at once
    written: set[str] = field(default_factory=set)          # paths handed to the sink
    unchanged: set[str] = field(default_factory=set)        # same bytes as before
    removed: set[str] = field(default_factory=set)          # gone since the previous build
    rendered: int = 0                                       # pages rendered by this update
    text_only: bool = False  # only agreement texts changed: their pages alone were looked at
    patched: bool = False  # the last site, with the edited records' wording, was reused

    @property
    def warnings(self) -> list[str]:
        """Non-fatal diagnostics, formatted."""
        return [e.format() for e in self.errors.sorted()]


def _environment(*roots: Path) -> str:
    """Digest of the templates, locales and code: what every page is rendered with."""
    h = hashlib.sha1(code_version().encode(), usedforsecurity=False)
    for root in roots:
        for p in sorted(root.rglob("*")) if root.is_dir() else ():
            if p.is_file():
                h.update(p.relative_to(root).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def _copy_tree(source: Path, prefix: str) -> dict[str, bytes]:
    files = {}
    if source.is_dir():
        for p in sorted(source.rglob("*")):
            inner = p.relative_to(source)
            if p.is_file() and not any(part.startswith(".") for part in inner.parts):
                files[f"{prefix}/{inner.as_posix()}"] = p.read_bytes()
    return files


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@dataclass
class _State:
    """What an update worked from, for the next one to tell a text edit from the rest."""

    seen: set[Path]
    environment: str
    history: History | None
    signature: tuple
    site: Site | None = None
    fp: dict = field(default_factory=dict)


def _shown_keys(views: Views, key: PageKey) -> frozenset:
    """The record keys whose fingerprints the fingerprint of page `key` follows from: while
    the site keeps its shape (the same records, relations, templates and history), a page
    none of whose keys changed keeps its fingerprint."""
    site = views.site
    if key[0] == "agreement" and key[2] in site.agreements:
        a = site.agreements[key[2]]
        shown = {("frame",), *deps.agreement_context(site, a.id)}
        for x in a.related:
            shown.update(deps.agreement_context(site, x))
        return frozenset(shown)
    return frozenset(deps.dependencies(site, key))


def _page_fingerprint(views: Views, fp: dict, key: PageKey, environment: str,
                      history: History | None, shown: frozenset | None = None) -> str:
    """What page `key` shows (`shown`: its `_shown_keys`, if known), its templates and code,
    and the commits listed on it."""
    changed_by = history.of(views.history_paths(key)) if history else []
    if key[0] == "agreement" and views.memo.context(key[2]) is not None:
        # Most pages are agreements': what they show is their context and that of the
        # agreements they name (see accordi.memo), already worked out for the lists.
        a = views.site.agreements[key[2]]
        return _sha1(repr((key, environment, changed_by, fp["frame",],
                           views.memo.context(a.id),
                           [views.memo.context(x) for x in a.related])).encode())
    return deps.page_fingerprint(fp, key, shown or deps.dependencies(views.site, key),
                                 environment + repr(changed_by))


def _produced(record: tuple[str, str, int, str] | None) -> bool:
    """Whether a published file was made by a producer of `outputs` (see `_produce`), or
    may be (None: not published)."""
    return record is None or ":" in record[0]


_KEPT = ("published", "previous", "searchable", "addresses", "anchors", "_known")  # update_apart


# What forked workers render with (inherited from the parent, never pickled).
_WORKER: tuple[Views, PageRenderer, SiteBuilder, Callable | None] | None = None

_Verdict = tuple[str, int, bool, bytes | None]  # digest, size, as before, bytes to hand on
# A page ("page", its key, None), a data file ("file", its producer, its plan) or one to
# remove ("gone", None, None), left for later.
_Later = tuple[str, object, object]


def _render_chunk(chunk: list[tuple[PageKey, str]]) -> tuple[list[tuple[str, _Verdict]], list]:
    """Render pages and judge them here: a new page goes straight to the sink, so that only
    its digest travels back, and finished pages never pile up in the building process."""
    views, renderer, builder, sink = _WORKER
    pages = [(out, builder._verdict(out, renderer.render(views.make(key)).encode("utf-8"),
                                    sink)) for key, out in chunk]
    pending = views.store.take_pending() if views.store is not None else []
    return pages, pending


class SiteBuilder:
    """Builds a site and remembers what it published, to redo only what changes."""

    def __init__(self, paths: Paths, as_of: dt.date, base_url: str | None = None,
                 store: BuildCache | None = None, workers: int = 1, history: bool = True):
        self.paths, self.as_of, self.base_url = paths, as_of, base_url
        self.store, self.workers, self.history = store, workers, history
        self.addresses: set[str] = set()  # every page address of the last good build
        self.anchors: dict[str, str] = {}  # each agreement page's anchors, by address
        self.warn = False  # add the warnings `check` gives (a one-off build reports them)
        self.searchable: set[str] = set()  # output paths of its pages for the search index
        self.files = FileCache(store)
        self.html_cache: dict | None = None
        self.environment = ""
        # output path -> (page fingerprint or producer tag, digest, size, stamp) of the last
        # good build; the stamp (inode and mtime) tells whether someone changed the file since
        self.published: dict[str, tuple[str, str, int, str]] = (
            store.manifest(str(paths.output.absolute())) if store else {})
        self.previous = self.published  # before the latest update
        self._saved = dict(self.published)  # what the store holds
        self._dirty: set[str] | None = None  # paths recorded anew since then (None: any)
        self._output = str(paths.output)
        self._known: dict[str, tuple[str, str, int, str]] = {}  # records checked or made
        self._last: _State | None = None  # what the latest good update worked from
        self._shown: dict[str, frozenset] = {}  # output path -> its page's _shown_keys
        self._shown_by: dict[tuple, set[str]] = {}  # record key -> the pages showing it
        self._pages: dict[str, PageKey] = {}  # output path -> page key, of the last site
        self.lasting = True  # more updates may follow: keep what they would reuse
        self.memo = Memo()  # what lists and files show of each agreement, between updates
        # output path -> what an update left to make later (see `update(first=...)`)
        self.pending: dict[str, _Later] = {}
        self._unplanned = False  # the data files to look at are not even listed yet
        self._later: tuple[Views, PageRenderer, str, dict, History | None] | None = None

    def read(self) -> tuple[RawContent, ErrorCollector]:
        """Read and validate every content file (unchanged ones from the caches)."""
        errors = ErrorCollector(self.paths.content)
        return read_content(self.paths.content, errors, cache=self.files,
                            workers=self.workers), errors

    def load(self, read: tuple[RawContent, ErrorCollector] | None = None
             ) -> tuple[Site | None, ErrorCollector]:
        """Read and check the content (unchanged files from the caches)."""
        raw, errors = read or self.read()
        if raw.site is None:
            return None, errors
        settings = settings_from(raw.site.data, self.as_of, self.base_url)
        site = build_site(raw, settings, errors, reserved_segments())
        if not errors.failed:
            manifest.check(site, self.paths.content, errors)
            self.anchors = deeplinks.check(site, self.paths, errors)
        if self.warn and not errors.failed:
            check.warnings(site, errors)
        return (None if errors.failed else site), errors

    def _intact(self, path: str, record: tuple[str, str, int, str] | None = None) -> bool:
        """The previous build's file is still there, untouched since it was published.

        A long-lived builder (the live server's) looks once: a record it already checked
        or made itself is not looked at again.
        """
        record = record or self.published[path]
        if self._known.get(path) is record:
            return True
        size, stamp = record[2:]
        try:
            st = os.stat(f"{self._output}/{path}")
        except OSError:
            return False
        intact = st.st_size == size and (not stamp or stamp == f"{st.st_ino}:{st.st_mtime_ns}")
        if intact:
            self._known[path] = record
        return intact

    def surroundings(self) -> tuple[str, History | None]:
        """What pages are made with besides the content: templates, locales and code (one
        digest), and the git history of the content."""
        return (_environment(self.paths.templates, LOCALES),
                read_history(self.paths.content) if self.history else None)

    def inputs(self) -> Inputs:
        """What the next update reads, as `accordi.inputs` digests it."""
        return Inputs([self.paths.content, self.paths.assets], self.surroundings(),
                      (self.as_of, self.base_url), (code_version(), search_version()))

    def intact(self) -> bool:
        """Every file of the last build is still in the output as it was published."""
        return bool(self.published) and all(self._intact(p) for p in self.published)

    def update(self, sink: Callable[[str, bytes], None] | None = None,
               surroundings: tuple[str, History | None] | None = None,
               first: Collection[str] | None = None) -> Changes:
        """Bring the build up to date with the content; the first call builds everything.

        With `sink`, new and changed files go to it as they are made (nothing is made
        when the content has errors) instead of into `Changes.files`. `surroundings`: as
        `inputs()` found them just before. With `first` (the output paths an editor has
        open), only the agreements' own pages and those are made now: the other pages and
        the data files wait for `finish()`, their previous files left in place meanwhile
        (see `unfinished`). On a large site a list or a data file shows every agreement,
        and there is a data file per agreement: the edited page should not wait for them.
        """
        environment, history = surroundings or self.surroundings()
        read = self.read()
        state = _State(self.files.seen, environment, history, self._signature(read[0]))
        quick = self._text_edit(read, state, sink)
        if quick is not None:
            return quick  # what waits shows no text: it still waits, and is still right
        self.pending, self._unplanned, self._later = {}, False, None
        reworded, last = self._reworded(read, state), self._last
        self._last = None
        # what the edit broke (an anchor, a link) is reported the full way
        patched = reworded is not None and deeplinks.holds(last.site, self.paths,
                                                           {a.id for a in reworded})
        if patched:
            site, errors = last.site, read[1]
        else:
            site, errors = self.load(read)
        if site is None:
            if self.store:
                self.store.flush()
            return Changes(False, errors)
        router = Router(site.settings.base_path, site.settings.origin)
        if environment != self.environment:
            strings.cache_clear()  # the locales may have been edited
            self.environment = environment
        fp = deps.reworded(last.fp, reworded) if patched else deps.fingerprints(site)
        self.memo.begin(site, fp, (environment, fp["frame",]))
        views = Views(site, router, html_cache=self.html_cache, store=self.store,
                      history=history, memo=self.memo)
        renderer = PageRenderer(site, router, self.paths.templates, self.memo)
        changes = Changes(True, errors, sink=sink, patched=patched)
        todo: list[tuple[PageKey, str, str]] = []
        if patched and self.lasting:
            # A patched site has the shape of the last one: a page none of whose keys
            # changed keeps the fingerprint it was published with, and is not even looked
            # at; only those showing a changed key (or not fingerprinted yet) are.
            changed = {k for k, v in fp.items() if last.fp.get(k) != v} | (last.fp.keys() - fp)
            unknown = self._pages.keys() - self._shown.keys()  # those left for later
            missing = self._pages.keys() - self.published.keys()
            outs = (unknown | missing).union(*(self._shown_by.get(k, ()) for k in changed))
            current = {out: self.published[out] for out in self._pages.keys() - outs}
            changes.unchanged.update(current)
            pages = [(self._pages[out], out) for out in sorted(outs)]
            searchable = self.searchable
        else:
            current, searchable = {}, set()
            self._pages, self._shown, self._shown_by = {}, {}, {}
            pages = ((key, views.output_of(key)) for key in views.page_keys())
        for key, out in pages:
            if self.lasting:
                self._pages[out] = key
            if key[0] in SEARCHABLE:
                searchable.add(out)
            previous = self.published.get(out)
            if first is not None and key[0] != "agreement" and out not in first:
                # Its previous file stands until it is looked at, which waits too.
                self.pending[out] = ("page", key, None)
                if previous:
                    current[out] = previous
                self._record(out, None)
                continue
            page_fp, shown, same = self._look(views, fp, key, out, environment, history)
            if same:
                changes.unchanged.add(out)
                current[out] = previous
            else:
                todo.append((key, out, page_fp))
            self._record(out, shown)
        fingerprints = {out: page_fp for _, out, page_fp in todo}
        for out, verdict in self._render(views, renderer, todo, sink):
            self._settle(changes, current, out, fingerprints[out], verdict)
        changes.rendered = len(todo)
        if not self.lasting:  # no next update will reuse the lists' items and rows
            self.memo.clear()
        # Redirects at former addresses and notices at removed ones: few, always remade.
        for spec in manifest.extra_pages(site, views, self.paths.content):
            self._compare(changes, current, spec.output, "",
                          renderer.render(spec).encode("utf-8"))
        self.searchable = searchable
        self.addresses = set(manifest.published(site))
        if first is None:
            for name, plan in outputs.PRODUCERS:
                for f in plan(site, router, self.memo):
                    self._produce(changes, current, environment, name, f,
                                  self.published.get(f.path))
        else:  # telling whether a data file changed takes most of making it: all wait
            current.update((p, r) for p, r in self.published.items() if _produced(r))
            self._unplanned = True
        for path, data in self._extras(site).items():
            self._compare(changes, current, path, "", data)
        changes.removed = set(self.published) - set(current)
        self._touch(changes.removed)
        self.previous, self.published = self.published, current
        if self.unfinished:
            self._later = (views, renderer, environment, fp, history)
        self.memo.end(sweep=not self.unfinished)  # what waits will use the values kept
        if self.store:
            self.store.flush()
        state.site, state.fp = site, fp
        self._last = None if errors.errors else state  # warnings: always the full way
        return changes

    def _look(self, views: Views, fp: dict, key: PageKey, out: str, environment: str,
              history: History | None) -> tuple[str, frozenset | None, bool]:
        """Page `out`'s fingerprint, what it shows (see `_shown_keys`), and whether its
        published file still has what the fingerprint says."""
        shown = _shown_keys(views, key) if self.lasting else None
        page_fp = _page_fingerprint(views, fp, key, environment, history, shown)
        previous = self.published.get(out)
        return page_fp, shown, bool(previous and previous[0] == page_fp and self._intact(out))

    def _record(self, out: str, shown: frozenset | None) -> None:
        """Note what page `out` shows (None: not known), and which pages show each key."""
        old = self._shown.pop(out, None)
        for k in old or ():
            self._shown_by[k].discard(out)
        if shown is not None:
            self._shown[out] = shown
            for k in shown:
                self._shown_by.setdefault(k, set()).add(out)

    def _produce(self, changes: Changes, current: dict, environment: str, name: str,
                 f: outputs.Planned, previous: tuple[str, str, int, str] | None) -> None:
        """Make data file `f` of producer `name`, unless nothing it is made from changed."""
        tag = f"{name}:" + _sha1(repr((
            environment, f.path, self.memo.fingerprints(f.keys),
            [self.memo.context(a) for a in f.agreements])).encode())
        if previous and previous[0] == tag and self._intact(f.path, previous):
            changes.unchanged.add(f.path)
            current[f.path] = previous
        else:
            self._compare(changes, current, f.path, tag, f.make())

    @property
    def unfinished(self) -> bool:
        """The latest update left pages or data files for `finish()`."""
        return bool(self.pending) or self._unplanned

    def waiting(self, paths: Collection[str]) -> set[str]:
        """Those of `paths` that the latest update left for `finish()`."""
        if self._unplanned and any(p not in self.pending and _produced(self.published.get(p))
                                   for p in paths):
            self._plan()  # one is, or may be, a data file: they are listed now
        return set(paths) & self.pending.keys()

    def _plan(self) -> None:
        """List the data files a deferred update left unlisted: each waits to be made, and
        a published one that is no longer planned waits to be removed."""
        views = self._later[0]
        planned = set()
        for name, plan in outputs.PRODUCERS:
            for f in plan(views.site, views.router, self.memo):
                self.pending[f.path] = ("file", name, f)
                planned.add(f.path)
        for path, record in self.published.items():
            if _produced(record) and path not in planned:
                self.pending[path] = ("gone", None, None)
        self._unplanned = False

    def finish(self, sink: Callable[[str, bytes], None] | None = None,
               paths: Collection[str] | None = None, until: float | None = None) -> Changes:
        """Make what the latest update left for later: the pending pages and files among
        `paths`, or all of them; with `until` (a `time.perf_counter()` reading), one and
        then those begun before it. Once none is left, the site is what a full update
        would have made."""
        changes = Changes(True, ErrorCollector(self.paths.content), sink=sink)
        if self._later is None:
            return changes
        views, renderer, environment, fp, history = self._later
        wanted = None if paths is None else self.waiting(paths)
        if wanted is None and self._unplanned:
            self._plan()
        for out in [p for p in self.pending if wanted is None or p in wanted]:
            what, key, plan = self.pending.pop(out)
            previous = self.published.get(out)
            if what == "gone":
                del self.published[out]
                changes.removed.add(out)
                self._touch((out,))
            elif what == "file":
                self._produce(changes, self.published, environment, key, plan, previous)
            else:
                page_fp, shown, same = self._look(views, fp, key, out, environment, history)
                if same:
                    changes.unchanged.add(out)
                else:
                    html = renderer.render(views.make(key)).encode("utf-8")
                    self._settle(changes, self.published, out, page_fp,
                                 self._verdict(out, html, sink))
                    changes.rendered += 1
                self._record(out, shown)
            if until is not None and time.perf_counter() > until:
                break
        if not self.unfinished:
            self._later = None
            self.memo.end()
        if self.store:
            self.store.flush()
        return changes

    def _extras(self, site: Site) -> dict[str, bytes]:
        """Files published as they are: the assets and the documents."""
        extras = {".nojekyll": b""}
        extras.update(_copy_tree(self.paths.assets, "assets"))
        # Documents as the content check found them: links out of the folder are refused.
        extras.update({rel: path.read_bytes() for rel, path in site.documents.items()})
        extras.update(manifest.extra_files(site, self.paths.content))  # moved or removed data
        return extras

    def _signature(self, raw: RawContent) -> tuple:
        """What the fast path cannot see in parsed files: published addresses and anchors,
        documents."""
        def stamp(path: Path) -> tuple[int, int]:
            try:
                st = path.stat()
            except OSError:
                return (0, 0)
            return (st.st_mtime_ns, st.st_size)
        return (stamp(manifest.manifest_path(self.paths.content)),
                stamp(anchors.ledger_path(self.paths.content)),
                sorted((rel, stamp(path)) for rel, path in raw.documents.items()))

    def _edited(self, read: tuple[RawContent, ErrorCollector], state: _State
                ) -> list[tuple[Agreement, str, Source, Source]] | None:
        """The agreement files edited since the last good update, each with its record, its
        language and its previous version, when nothing else changed: no file came or went,
        no other file changed, and the templates, history, documents and published addresses
        are as they were. None otherwise."""
        last, (raw, errors) = self._last, read
        if (last is None or errors.errors or raw.failed or state.seen != last.seen
                or state.environment != last.environment or state.signature != last.signature
                or (state.history.changes if state.history else None)
                != (last.history.changes if last.history else None)):
            return None
        site = last.site
        folder = self.paths.content / "agreements"
        edited: dict[Path, Source] = {}
        for src in raw.agreements + [t for ts in raw.translations.values() for t in ts]:
            if src.path in self.files.reparsed:
                edited[src.path] = src
        if not edited or set(edited) != self.files.reparsed:
            return None
        out = []
        for path, src in edited.items():
            m = LANG_FILE.fullmatch(path.name)
            a = site.agreements.get(m["stem"]) if path.is_relative_to(folder) else None
            old = None if a is None else (a.source if m["lang"] == site.settings.source_lang
                                          else a.translations.get(m["lang"]))
            if old is None or old.path != path or old.body_line != src.body_line:
                return None
            out.append((a, m["lang"], old, src))
        return out

    def _text_edit(self, read: tuple[RawContent, ErrorCollector], state: _State,
                   sink: Callable[[str, bytes], None] | None) -> Changes | None:
        """An edit of agreement texts alone, the commonest while writing: the last site with
        those texts swapped, and only their pages made again. None when anything else
        changed (or the new text has a mistake): the full update then works it out."""
        last, errors = self._last, read[1]
        edited = self._edited(read, state)
        if edited is None or any(old.data_digest != src.data_digest
                                 for _, _, old, src in edited):
            return None
        site = last.site
        fp = dict(last.fp)
        for a, lang, _, src in edited:
            a.reword(lang, src, site.settings.source_lang)  # the same fields: only the text
        if not deeplinks.holds(site, self.paths, {a.id for a, *_ in edited}):
            self._last = None  # the edit broke an anchor or a link: the full way reports it
            return None
        for a, *_ in edited:
            fp.update(deps.agreement_fingerprints(a))
        # Lists and data files show no text: what they show of these records is the same.
        if any(fp[kind, a.id] != last.fp[kind, a.id] for a, *_ in edited
               for kind in ("agreement-item", "agreement-data")):
            self._last = None  # not a text edit after all: start from the files again
            return None
        router = Router(site.settings.base_path, site.settings.origin)
        self.memo.begin(site, fp, (state.environment, fp["frame",]))
        views = Views(site, router, html_cache=self.html_cache, store=self.store,
                      history=state.history, memo=self.memo)
        renderer = PageRenderer(site, router, self.paths.templates, self.memo)
        keys = [("agreement", lang, a.id) for a in {id(a): a for a, *_ in edited}.values()
                for lang in site.settings.languages]
        changes = Changes(True, errors, sink=sink)
        current = dict(self.published)
        todo = []
        for key in keys:
            out = views.output_of(key)
            page_fp = _page_fingerprint(views, fp, key, state.environment, state.history)
            todo.append((key, out, page_fp))
        fingerprints = {out: page_fp for _, out, page_fp in todo}
        for out, verdict in self._render(views, renderer, todo, sink):
            self._settle(changes, current, out, fingerprints[out], verdict)
        changes.rendered = len(todo)
        for path, data in self._extras(site).items():
            self._compare(changes, current, path, "", data)
        changes.unchanged |= set(current) - set(changes.files) - changes.written
        changes.text_only = True
        self.memo.end(sweep=False)  # only these pages were made: the rest is still needed
        self.previous, self.published = self.published, current
        if self.store:
            self.store.flush()
        state.site, state.fp = site, fp
        self._last = state
        return changes

    def _reworded(self, read: tuple[RawContent, ErrorCollector], state: _State
                  ) -> list[Agreement] | None:
        """The agreements whose wording changed (titles, objects, translator's notes,
        texts), swapped into the last site when nothing else in their files changed: that
        site becomes the one `load()` would build, without reading, checking and linking
        every other record again. Nothing else a record shows follows from these fields
        (its status, order, relations and addresses do not), and `Agreement.reword` sets
        them as the full way does. None when anything else changed: the site is then
        loaded again."""
        edited = self._edited(read, state)
        if edited is None:
            return None
        source = self._last.site.settings.source_lang
        for _, lang, old, src in edited:
            wording = SOURCE_WORDING if lang == source else TRANSLATED_WORDING
            before, after = old.data, src.data
            if (set(before) != set(after)
                    or any(before[k] != after[k] for k in after if k not in wording)
                    or any(bool(before[k]) != bool(after[k]) for k in wording & set(after))):
                return None
        for a, lang, _, src in edited:
            a.reword(lang, src, source)
        return [a for a, *_ in edited]

    def update_apart(self, sink: Callable[[str, bytes], None],
                     surroundings: tuple[str, History | None] | None = None) -> Changes:
        """`update()` for a one-off build, in a child process when there are several cores.

        What a large site takes in memory, and the scattered remains it leaves in a
        process's heap, go back to the system whole when the child ends: the search indexer
        then runs beside a small process. What the build needs afterwards (the files
        published, the page addresses, the changes) comes back. Files go to `sink` from the
        child and its workers: the caller learns them from `Changes.written`.
        """
        self.lasting, self.warn = False, True
        if not self._forks:
            changes = self.update(sink, surroundings)
            self.release()
            return changes
        if self.store:
            self.store.close()  # the child opens its own connection

        def work() -> tuple[Changes, dict]:
            changes = self.update(sink, surroundings)
            changes.sink = None
            if self.store:
                self.store.close()
            return changes, {name: getattr(self, name) for name in _KEPT}

        changes, kept = apart.run(work)
        self.__dict__.update(kept)
        self._dirty = None
        changes.sink = sink
        return changes

    def release(self) -> None:
        """Forget what only a later update would reuse (the site, the memo, the parsed
        files), and hand the memory back to the system: a one-off build calls this before
        the search indexer, which needs memory of its own."""
        self._last, self.memo, self.files = None, Memo(), FileCache(self.store)
        model.forget()
        manifest.forget()
        anchors.forget()
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):  # glibc keeps freed pages else
            ctypes.CDLL(None).malloc_trim(0)

    def kept(self, tag: str, published: dict | None = None) -> list[str]:
        """The previous build's files made under `tag`, if there are any and all are intact
        (during an update the previous build is `published`, after it `previous`)."""
        published = self.published if published is None else published
        found = [p for p, v in published.items() if v[0] == tag]
        return found if found and all(self._intact(p, published[p]) for p in found) else []

    def keep(self, tag: str) -> list[str]:
        """After an update, carry over the previous build's files made under `tag` by
        another tool (the search index), if all are intact."""
        found = self.kept(tag, self.previous)
        self.published.update({p: self.previous[p] for p in found})
        self._dirty = None
        return found

    def adopt(self, tag: str, folder: Path, files: list[str]) -> None:
        """Record files another tool made under `folder` (the search index), to keep them
        next time."""
        for rel in files:
            data = (folder / rel).read_bytes()
            self.published[rel] = (tag, _sha1(data), len(data), "")
        self._dirty = None

    @property
    def _forks(self) -> bool:
        """Work may go to forked processes: there are several cores to use, and fork."""
        return self.workers > 1 and os.name == "posix"

    def _compare(self, changes: Changes, current: dict, path: str, fingerprint: str,
                 data: bytes) -> None:
        """File `path` is new or changed, or has the same bytes as in the previous build."""
        self._settle(changes, current, path, fingerprint, self._verdict(path, data,
                                                                         changes.sink))

    def _verdict(self, path: str, data: bytes, sink: Callable[[str, bytes], None] | None
                 ) -> _Verdict:
        """Whether file `path` has the same bytes as in the previous build; a changed one
        is handed to `sink` at once, if there is one."""
        digest, previous = _sha1(data), self.published.get(path)
        if previous and previous[1] == digest and self._intact(path):
            return digest, len(data), True, None
        if sink is not None:
            sink(path, data)
            return digest, len(data), False, None
        return digest, len(data), False, data

    def _settle(self, changes: Changes, current: dict, path: str, fingerprint: str,
                verdict: _Verdict) -> None:
        """Record file `path` as this update made it."""
        digest, size, same, data = verdict
        stamp = self.published[path][3] if same else ""
        current[path] = self._known[path] = (fingerprint, digest, size, stamp)
        self._touch((path,))
        if same:
            changes.unchanged.add(path)
        elif data is None:
            changes.written.add(path)
        else:
            changes.files[path] = data

    def _render(self, views: Views, renderer: PageRenderer, todo: list,
                sink: Callable[[str, bytes], None] | None):
        """(output path, verdict) of every page to render: in processes when it pays."""
        def here(key: PageKey, out: str) -> tuple[str, _Verdict]:
            return out, self._verdict(out, renderer.render(views.make(key)).encode("utf-8"),
                                      sink)

        # The agreements' pages (most of a site, and nearly all of its Markdown) go to the
        # processes; the other pages, lists of agreements, are made here afterwards, so that
        # what they keep of each agreement is in this process's memo, for the next update,
        # and not copied into every process. Not meanwhile: the processes would copy the
        # memory this one writes to as it grows (and they have every core already).
        records = [(key, out) for key, out, _ in todo if key[0] == "agreement"]
        lists = [(key, out) for key, out, _ in todo if key[0] != "agreement"]
        if not self._forks or len(records) < PARALLEL_FROM:
            for key, out in lists + records:
                yield here(key, out)
            return
        global _WORKER
        _WORKER = (views, renderer, self, sink)
        if self.store:
            self.store.close()  # each process opens its own connection
        # Both languages of a record in one chunk: they share its Markdown.
        records.sort(key=lambda item: (item[0][2] or "", item[0][1]))
        size = max(8, len(records) // (self.workers * 8))
        chunks = [records[i:i + size] for i in range(0, len(records), size)]
        context = multiprocessing.get_context("fork")
        # The workers share the parent's memory until they write to it; the collector
        # would write to every object it looks at, so the parent's objects are set aside.
        gc.freeze()
        try:
            with context.Pool(self.workers) as pool:
                for pages, pending in pool.imap(_render_chunk, chunks):
                    if self.store:
                        self.store.add_pending(pending)
                    yield from pages
        finally:
            _WORKER = None
            gc.unfreeze()
        for key, out in lists:
            yield here(key, out)

    def publish_manifest(self, untouched: bool = False) -> None:
        """Record what is now in the output folder, for the next build to compare with.

        Only files written by the latest update are looked at (the others keep the stamps
        they had), and only records that changed are saved; a live server's updates say
        which records they made, so its edit costs what it changed, not the size of the
        site. `untouched`: the output was left as it was, so every recorded stamp still
        holds.
        """
        dirty, self._dirty = self._dirty, set()
        paths = set(self.published) if dirty is None else dirty & self.published.keys()
        if not untouched:
            for path in paths:
                fingerprint, digest, size, stamp = self.published[path]
                if stamp:
                    continue
                try:
                    st = (self.paths.output / path).stat()
                except OSError:
                    del self.published[path]
                    continue
                self.published[path] = (fingerprint, digest, size,
                                        f"{st.st_ino}:{st.st_mtime_ns}")
        if self.store:
            saved = self._saved
            changed = {p: self.published[p] for p in paths & self.published.keys()
                       if saved.get(p) != self.published[p]}
            gone = (saved.keys() if dirty is None else dirty & saved.keys()
                    ) - self.published.keys()
            if changed or gone:
                self.store.update_manifest(str(self.paths.output.absolute()), changed, gone)
            saved.update(changed)
            for p in gone:
                del saved[p]

    def _touch(self, paths: Collection[str]) -> None:
        """Note records made anew, for `publish_manifest`."""
        if self._dirty is not None:
            self._dirty.update(paths)
