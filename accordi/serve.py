"""Live preview for editors: build, watch, rebuild what changed, reload the open tab.

The server binds to 127.0.0.1 unless told otherwise, serves only the preview folder, and
never dies on a content mistake: the browser shows the mistakes (file:line, field, hint)
while the last good build stays on disk, and the page comes back on its own once fixed.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import mimetypes
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from . import errorpage, search
from .build import update
from .cms import live as editor
from .config import Paths
from .errors import ContentFailure, ErrorCollector
from .incremental import IncrementalSession
from .preview_http import LIVE_SNIPPET, METHODS, BadPath, PreviewServer, existing, place, plain
from .session import Job, Made
from .sources import SourceChanged

# livereload adds an inline script to every HTML page it serves; the site's CSP forbids
# inline scripts, so the preview (only the preview) allows this one by its hash.
LIVE_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(LIVE_SNIPPET.encode()).digest()
                                          ).decode() + "'"
CSP_SCRIPT = re.compile(rb"(script-src [^;\"]*)")


def write_file(root: Path, rel: str, data: bytes) -> None:
    """Write one file of the preview folder (`root`, resolved), replaced in one step."""
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"refusing to write outside the preview folder: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def remove_files(root: Path, paths: set[str]) -> None:
    """Delete files of the preview folder (`root`, resolved) that are no longer published."""
    for rel in paths:
        target = (root / rel).resolve()
        if target.is_relative_to(root) and target.is_file():
            target.unlink()


class Live:
    """The live preview's builds: the spine's steps after every edit, into the preview
    folder in place, with the edited pages first (see `IncrementalSession.make`)."""

    def __init__(self, job: Job, session: IncrementalSession):
        self.job, self.session = job, session
        self.root = job.paths.output.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, data: bytes) -> None:
        write_file(self.root, rel, data)

    def refresh(self, first: Collection[str] | None = None) -> Made | ErrorCollector:
        """One rebuild after an edit: what it made, or the content's mistakes. With
        `first` (the pages open in the browser), what else the edit changes may wait."""
        try:
            made = update(self.job, self.session, self.write,
                          first=None if first is None else set(first))
        except ContentFailure as failure:
            return failure.collector
        except SourceChanged as changed:  # the editor saved again: the next poll sees it
            errors = ErrorCollector(self.job.paths.content)
            errors.add(changed.path, 0, "", "the file changed while the preview was made",
                       "it is made again with the next change")
            return errors
        remove_files(self.root, made.removed)
        self.session.save(self.root)
        return made

    def finish(self, paths: Collection[str] | None = None, until: float | None = None) -> Made:
        """Make what the latest refresh left for later (those of `paths`, or all)."""
        ctx = self.session.ctx
        if ctx is None:
            return Made()
        made = self.session.finish(ctx, self.write, paths, until)
        self.session.save(self.root)
        return made

    @property
    def unfinished(self) -> bool:
        return bool(self.session.pending)

    def waiting(self, paths: Collection[str]) -> set[str]:
        return self.session.waiting(paths)

    def searchable(self) -> dict[str, str]:
        """The pages search indexes, with the digests of their bytes."""
        files = self.session.ledger.files
        return {p: files[p].digest for p in self.session.searchable if p in files}

    def known(self, path: str) -> bool:
        return path in self.session.ledger.files or path in self.session.pending


class IdleCollector:
    """The live server's full garbage collections, made between edits instead of during them.

    A large site keeps over a million objects in memory, so a full collection is slow beside
    an edit's rebuild (docs/performance.md), and a rebuild allocates enough to set one off in
    most edits: the editor would wait for it. While `deferred`, the young generations are
    collected as usual (what a rebuild throws away is mostly young), and the full collection
    runs once no edit came for `idle` seconds, or after `every` rebuilds at the latest, so
    memory stays bounded while edits keep coming.
    """

    def __init__(self, idle: float = 2.0, every: int = 5) -> None:
        self.idle, self.every = idle, every
        self.pending = 0  # rebuilds since the last full collection
        self._timer: object | None = None

    @contextlib.contextmanager
    def deferred(self) -> Iterator[IdleCollector]:
        """Full collections wait for `collect()` while inside."""
        young0, young1, full = gc.get_threshold()
        gc.set_threshold(young0, young1, 2**31 - 1)
        try:
            yield self
        finally:
            gc.set_threshold(young0, young1, full)

    def rebuilt(self, loop: IOLoop | None = None) -> None:
        """A rebuild ended: collect when the server has been idle (on `loop`, the running
        one by default), or now if too many rebuilds went by without."""
        self.pending += 1
        loop = loop or IOLoop.current()
        if self._timer is not None:
            loop.remove_timeout(self._timer)
            self._timer = None
        if self.pending >= self.every:
            self.collect()
        else:
            self._timer = loop.call_later(self.idle, self.collect)

    def collect(self) -> None:
        """A full collection, now."""
        self._timer, self.pending = None, 0
        gc.collect()


class Preview:
    """The WSGI application the livereload server runs: the preview folder, or the errors.

    After an edit, the edited agreement's pages and the pages the editor opened last are
    made at once and the tabs reload; the other pages and files it changes follow a little
    at a time while the server is idle (`finish_some`), and one asked for before its turn is
    made then and there: whatever the browser gets is up to date.
    """

    def __init__(self, live: Live, log: Callable[[str], None] = print, recent: int = 8):
        self.live, self.output, self.log = live, live.root, log
        self.errors: ErrorCollector | None = None
        self.lock = threading.Lock()
        self.opened: deque[str] = deque(maxlen=recent)  # pages served last, newest last
        self.indexed: dict[str, str] = {}  # search shard folder -> tag of what it indexes
        self.edits = 0  # updates of the preview folder so far

    def rebuild(self) -> None:
        """Bring the preview up to date; content mistakes are shown, never raised."""
        with self.lock:
            started = time.perf_counter()
            self.edits += 1
            try:
                made = self.live.refresh(first=set(self.opened))
            except Exception as exc:  # a bug, not a content mistake: keep serving
                self.log(f"internal error while rebuilding: {exc!r}")
                raise
            if isinstance(made, ErrorCollector):
                self.errors = made
                self.log(made.report())
                return
            self.errors = None
            later = " (more to follow: lists and data files)" if self.live.unfinished else ""
            self.log(f"rebuilt: {made.rendered} pages rendered, {len(made.written)} files "
                     f"written, {len(made.removed)} removed in "
                     f"{(time.perf_counter() - started) * 1000:.0f} ms{later}")

    def finish_some(self, budget: float = 0.1) -> bool:
        """Make what the latest rebuild left for later for about `budget` seconds (one
        page or file at least); whether any is left."""
        with self.lock:
            if self.live.unfinished:
                self.edits += 1
                self.live.finish(until=time.perf_counter() + budget)
            return self.live.unfinished

    def index_search(self) -> bool:
        """Bring the search index up to date with the pages published, shard by shard
        (Pagefind runs outside the lock: pages are served and edits come in meanwhile);
        whether it was done. Not while an edit's pages are still being made or the content
        has errors: the caller asks again once they are.

        Pagefind reads hard links to the pages taken as it starts; if the preview changed
        while it ran, the shards it made are marked for indexing again.
        """
        with self.lock:
            if self.errors is not None or self.live.unfinished:
                return False
            shards = search.plan(self.live.searchable())
            edits = self.edits
        stale = [s for s in shards if self.indexed.get(s.folder) != s.tag]
        if not stale and set(self.indexed) == {s.folder for s in shards}:
            return True
        started = time.perf_counter()
        indexed = search.update_in_place(self.output, shards, self.indexed)
        with self.lock:
            if self.edits != edits:
                indexed = {f: t for f, t in indexed.items() if f not in {s.folder for s in stale}}
            self.indexed = indexed
            current = self.edits == edits
        self.log(f"search index: {len(stale)} of {len(shards)} shards indexed in "
                 f"{(time.perf_counter() - started) * 1000:.0f} ms"
                 f"{'' if current else ' (the preview changed meanwhile: again later)'}")
        return current

    def _made(self, target: Path) -> None:
        """Make the file at `target` now if the latest rebuild left it for later."""
        rel = target.relative_to(self.output).as_posix()
        rel = "" if rel == "." else rel
        page = f"{rel}/index.html".lstrip("/")  # a folder's address, or a file's
        with self.lock:
            wanted = self.live.waiting({page if self.live.known(page) else rel})
            if wanted:
                self.edits += 1
                self.live.finish(wanted)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD", "GET") not in METHODS:
            return plain(start_response, "405 Method Not Allowed", "only GET and HEAD\n",
                         (("Allow", ", ".join(METHODS)),))
        try:
            target = place(self.output, environ.get("PATH_INFO", "/"))
        except BadPath as refused:
            return plain(start_response, "400 Bad Request", f"{refused}\n")
        if self.errors is not None:
            body = errorpage.render(self.errors, self.live.job.paths.content,
                                    environ.get("PATH_INFO", "/"),
                                    environ.get("QUERY_STRING", ""))
            start_response("500 Content errors", [("Content-Type", "text/html; charset=utf-8")])
            return [body]
        if target is not None:
            self._made(target)
        found = existing(target) if target is not None else None
        if found is None:
            status, found = "404 Not Found", self.output / "404.html"
            self._made(found)
            if not found.is_file():
                return plain(start_response, status, "not found\n")
        else:
            status = "200 OK"
        data = found.read_bytes()
        ctype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            opened = found.relative_to(self.output).as_posix()
            if opened in self.opened:
                self.opened.remove(opened)
            self.opened.append(opened)
            data = CSP_SCRIPT.sub(lambda m: m.group(1) + b" " + LIVE_HASH.encode(), data, 1)
        if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
            ctype += "; charset=utf-8"
        start_response(status, [("Content-Type", ctype), ("Cache-Control", "no-store")])
        return [data]


class SearchIndexer:
    """The preview's search index, made in a thread of its own once an edit's pages are all
    out (Pagefind takes seconds on a large site; the server keeps serving), one pass at a
    time: a pass asked for during one runs after it."""

    def __init__(self, app: Preview) -> None:
        self.app = app
        self._guard = threading.Lock()
        self._running = self._again = False

    def start(self) -> None:
        with self._guard:
            if self._running:
                self._again = True
                return
            self._running = True
        threading.Thread(target=self._run, name="search-index", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                self.app.index_search()
            except Exception as exc:  # noqa: BLE001 - the preview serves on without search
                self.app.log(f"search index not updated: {exc}")
            with self._guard:
                if not self._again:
                    self._running = False
                    return
                self._again = False


class Finishing:
    """What a build leaves for later: the pages not yet written, a few per turn of the
    server's loop (requests and the next edit come in between), then the search index."""

    def __init__(self, app: Preview, indexer: SearchIndexer) -> None:
        self.app, self.indexer = app, indexer
        self.running = False

    def start(self) -> None:
        if self.app.live.unfinished:
            self.running = True
            IOLoop.current().add_callback(self._some)
        else:
            self.indexer.start()

    def _some(self) -> None:
        self.running = self.app.finish_some()
        if self.running:
            IOLoop.current().add_callback(self._some)
        else:
            self.indexer.start()


def watch(server: Server, folders: Collection[Path], task: Callable[[], None]) -> None:
    """Run `task` when a file under `folders` changes.

    livereload's first look at the files names one of them as changed, since they are all
    new to it: a tab that connected before that look would reload for nothing (the server's
    first rest can keep the loop busy past it). So the files are looked at once here.
    """
    for folder in folders:
        server.watch(str(folder), task)
    server.watcher.examine()


def serve(paths: Paths, as_of, host: str = "127.0.0.1", port: int = 8000,
          check_host: bool = True) -> None:
    """Build into the preview folder and serve it with live reload until interrupted;
    `check_host`: answer only requests addressed to this machine's loopback names."""
    base_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    workers = os.cpu_count() or 1
    job = Job(paths, as_of, base_url, workers, drafts=True)
    live = Live(job, IncrementalSession(paths, workers, paths.cache, lasting=True))
    app = Preview(live, log=lambda m: print(m, file=sys.stderr, flush=True))
    collector = IdleCollector()
    finishing = Finishing(app, SearchIndexer(app))

    def rebuild() -> None:
        try:
            app.rebuild()
        finally:
            collector.rebuilt()
            if not finishing.running:
                finishing.start()

    with collector.deferred():
        app.rebuild()
        collector.collect()
        finishing.start()  # its pages, once the server is serving
        # livereload ignores changes within 3 s of the previous reload; every poll here runs
        # one rebuild at most, so each change can reload the tab.
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        site = editor.serving(app, paths.content, base_url)  # the editor at /admin/
        server = PreviewServer(site, check_host)
        watch(server, (paths.content, *paths.template_folders, *paths.asset_folders,
                       *paths.message_folders), rebuild)
        print(f"preview on http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr,
              flush=True)
        server.serve(host=host, port=port, debug=False, restart_delay=0)
