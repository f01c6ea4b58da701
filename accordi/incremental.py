"""The builder: renders what changed since the last build, in parallel when there is a lot.

The command line runs it once per build; the live server keeps one and calls `update()`
after every edit. Each page has a fingerprint of everything it shows (see `deps`); a page
whose fingerprint matches the last published one is not rendered again. Unchanged content
files are not parsed again and unchanged Markdown is not converted again (memory, then the
on-disk cache). The result is the same, byte for byte, as a full one-process build: the
tests hold it to that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import deps, manifest, outputs
from .cache import BuildCache, code_version
from .config import Paths, settings_from
from .content import FileCache, read_content
from .errors import ErrorCollector
from .history import read_history
from .i18n import LOCALES, strings
from .model import Site, build_site
from .render import PageRenderer
from .routes import Router, reserved_segments
from .views import PageKey, Views

PARALLEL_FROM = 64  # pages: below this, starting processes costs more than it saves


@dataclass
class Changes:
    """What one update produced, relative to the previous build of the same output."""

    ok: bool
    errors: ErrorCollector
    files: dict[str, bytes] = field(default_factory=dict)  # new or changed files
    unchanged: set[str] = field(default_factory=set)        # same bytes as before
    removed: set[str] = field(default_factory=set)          # gone since the previous build
    rendered: int = 0                                       # pages rendered by this update

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


# What forked workers render with (inherited from the parent, never pickled).
_WORKER: tuple[Views, PageRenderer] | None = None


def _render_chunk(chunk: list[tuple[PageKey, str]]) -> tuple[list[tuple[str, bytes]], list]:
    views, renderer = _WORKER
    pages = [(out, renderer.render(views.make(key)).encode("utf-8")) for key, out in chunk]
    pending = views.store.take_pending() if views.store is not None else []
    return pages, pending


class SiteBuilder:
    """Builds a site and remembers what it published, to redo only what changes."""

    def __init__(self, paths: Paths, as_of: dt.date, base_url: str | None = None,
                 store: BuildCache | None = None, workers: int = 1, history: bool = True):
        self.paths, self.as_of, self.base_url = paths, as_of, base_url
        self.store, self.workers, self.history = store, workers, history
        self.addresses: set[str] = set()  # every page address of the last good build
        self.files = FileCache(store)
        self.html_cache: dict | None = None
        self.environment = ""
        # output path -> (page fingerprint or producer tag, digest, size, stamp) of the last
        # good build; the stamp (inode and mtime) tells whether someone changed the file since
        self.published: dict[str, tuple[str, str, int, str]] = (
            store.manifest(str(paths.output.absolute())) if store else {})
        self.previous = self.published  # before the latest update

    def load(self) -> tuple[Site | None, ErrorCollector]:
        """Read and check the content (unchanged files from the caches)."""
        errors = ErrorCollector(self.paths.content)
        raw = read_content(self.paths.content, errors, cache=self.files)
        if raw.site is None:
            return None, errors
        settings = settings_from(raw.site.data, self.as_of, self.base_url)
        site = build_site(raw, settings, errors, reserved_segments())
        if not errors.failed:
            manifest.check(site, self.paths.content, errors)
        return (None if errors.failed else site), errors

    def _intact(self, path: str, record: tuple[str, str, int, str] | None = None) -> bool:
        """The previous build's file is still there, untouched since it was published."""
        size, stamp = (record or self.published[path])[2:]
        try:
            st = (self.paths.output / path).stat()
        except OSError:
            return False
        return st.st_size == size and (not stamp or stamp == f"{st.st_ino}:{st.st_mtime_ns}")

    def update(self) -> Changes:
        """Bring the build up to date with the content; the first call builds everything."""
        site, errors = self.load()
        if site is None:
            if self.store:
                self.store.flush()
            return Changes(False, errors)
        router = Router(site.settings.base_path, site.settings.origin)
        environment = _environment(self.paths.templates, LOCALES)
        if environment != self.environment:
            strings.cache_clear()  # the locales may have been edited
            self.environment = environment
        fp = deps.fingerprints(site)
        history = read_history(self.paths.content) if self.history else None
        views = Views(site, router, html_cache=self.html_cache, store=self.store,
                      history=history)
        renderer = PageRenderer(site, router, self.paths.templates)
        changes = Changes(True, errors)
        current: dict[str, tuple[str, str, int, str]] = {}
        todo: list[tuple[PageKey, str, str]] = []
        for key in views.page_keys():
            out = views.output_of(key)
            changed_by = history.of(views.history_paths(key)) if history else []
            page_fp = deps.page_fingerprint(fp, key, deps.dependencies(site, key),
                                            environment + repr(changed_by))
            previous = self.published.get(out)
            if previous and previous[0] == page_fp and self._intact(out):
                changes.unchanged.add(out)
                current[out] = previous
            else:
                todo.append((key, out, page_fp))
        fingerprints = {out: page_fp for _, out, page_fp in todo}
        for out, data in self._render(views, renderer, todo):
            self._compare(changes, current, out, fingerprints[out], data)
        changes.rendered = len(todo)
        # Redirects at former addresses and notices at removed ones: few, always remade.
        for spec in manifest.extra_pages(site, views, self.paths.content):
            self._compare(changes, current, spec.output, "",
                          renderer.render(spec).encode("utf-8"))
        self.addresses = {"/" + views.output_of(k).removesuffix("index.html")
                          for k in views.page_keys() if k[0] not in ("notfound", "root404")}
        for name, produce, keys in outputs.PRODUCERS:
            tag = f"{name}:{deps.combined(fp, keys, name, environment)}"
            previous = self.kept(tag)
            if previous:
                changes.unchanged.update(previous)  # nothing it is made from changed
                current.update({p: self.published[p] for p in previous})
                continue
            for f in produce(site, router):
                self._compare(changes, current, f.path, tag, f.data)
        extras = {".nojekyll": b""}
        extras.update(_copy_tree(self.paths.assets, "assets"))
        # Documents as the content check found them: links out of the folder are refused.
        extras.update({rel: path.read_bytes() for rel, path in site.documents.items()})
        for path, data in extras.items():
            self._compare(changes, current, path, "", data)
        changes.removed = set(self.published) - set(current)
        self.previous, self.published = self.published, current
        if self.store:
            self.store.flush()
        return changes

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
        return found

    def pages_tag(self, name: str, *salt: str) -> str:
        """A tag for a file made from every published page (the search index): it changes
        when any page changes."""
        pages = sorted((p, v[1]) for p, v in self.published.items() if p.endswith(".html"))
        return f"{name}:{_sha1(repr((salt, pages)).encode())}"

    def adopt(self, tag: str, folder: Path, rel: str) -> None:
        """Record files another tool made under `folder/rel`, to keep them next time."""
        for path in sorted((folder / rel).rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                self.published[path.relative_to(folder).as_posix()] = (
                    tag, _sha1(data), len(data), "")

    def _compare(self, changes: Changes, current: dict, path: str, fingerprint: str,
                 data: bytes) -> None:
        """File `path` is new or changed, or has the same bytes as in the previous build."""
        digest, previous = _sha1(data), self.published.get(path)
        if previous and previous[1] == digest and self._intact(path):
            current[path] = (fingerprint, digest, len(data), previous[3])
            changes.unchanged.add(path)
        else:
            current[path] = (fingerprint, digest, len(data), "")
            changes.files[path] = data

    def _render(self, views: Views, renderer: PageRenderer, todo: list):
        """(output path, bytes) of every page to render: in processes when it pays."""
        work = [(key, out) for key, out, _ in todo]
        if self.workers <= 1 or len(work) < PARALLEL_FROM or os.name != "posix":
            for key, out in work:
                yield out, renderer.render(views.make(key)).encode("utf-8")
            return
        global _WORKER
        _WORKER = (views, renderer)
        if self.store:
            self.store.close()  # each process opens its own connection
        # Both languages of a record in one chunk: they share its Markdown.
        work.sort(key=lambda item: (item[0][0], item[0][2] or "", item[0][1]))
        size = max(8, len(work) // (self.workers * 8))
        chunks = [work[i:i + size] for i in range(0, len(work), size)]
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(self.workers) as pool:
                for pages, pending in pool.imap(_render_chunk, chunks):
                    if self.store:
                        self.store.add_pending(pending)
                    yield from pages
        finally:
            _WORKER = None

    def publish_manifest(self) -> None:
        """Record what is now in the output folder, for the next build to compare with."""
        for path, (fingerprint, digest, size, _) in list(self.published.items()):
            try:
                st = (self.paths.output / path).stat()
            except OSError:
                del self.published[path]
                continue
            self.published[path] = (fingerprint, digest, size, f"{st.st_ino}:{st.st_mtime_ns}")
        if self.store:
            self.store.save_manifest(str(self.paths.output.absolute()), self.published)
