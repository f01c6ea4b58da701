"""The builder that keeps the last good build in memory and redoes only what an edit affects.

The command line uses it once (everything is new); the live server calls `update()` after
each change: unchanged files are not parsed again, unchanged Markdown is not converted again,
and only the pages whose dependencies changed are rendered. The result is the same, byte for
byte, as a full build (the tests hold it to that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import deps, outputs
from .config import Paths, settings_from
from .content import FileCache, read_content
from .errors import ErrorCollector
from .i18n import LOCALES, strings
from .model import Site, build_site
from .render import PageRenderer
from .routes import Router, reserved_segments
from .views import PageKey, Views


@dataclass
class Changes:
    """What one update produced: files to (re)write and files that disappeared."""

    ok: bool
    errors: ErrorCollector
    files: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    rendered: int = 0  # pages rendered by this update

    @property
    def warnings(self) -> list[str]:
        """Non-fatal diagnostics, formatted."""
        return [e.format() for e in self.errors.sorted()]


def _tree_signature(*roots: Path) -> tuple:
    """Cheap change detector for templates, locales and assets: every file's stat."""
    sig = []
    for root in roots:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    st = p.stat()
                    sig.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(sig)


def _copy_tree(source: Path, prefix: str) -> dict[str, bytes]:
    files = {}
    if source.is_dir():
        for p in sorted(source.rglob("*")):
            inner = p.relative_to(source)
            if p.is_file() and not any(part.startswith(".") for part in inner.parts):
                files[f"{prefix}/{inner.as_posix()}"] = p.read_bytes()
    return files


class SiteBuilder:
    """Builds a site and keeps what it needs to rebuild it after an edit."""

    def __init__(self, paths: Paths, as_of: dt.date, base_url: str | None = None):
        self.paths, self.as_of, self.base_url = paths, as_of, base_url
        self.files = FileCache()
        self.html_cache: dict = {}
        self.site: Site | None = None
        self.fingerprints: dict = {}
        self.digests: dict[str, str] = {}   # output path -> digest of the bytes written
        self.seen_keys: set[PageKey] = set()
        self.env_signature: tuple | None = None
        self.router: Router | None = None

    def load(self) -> tuple[Site | None, ErrorCollector]:
        """Read and check the content (unchanged files from the cache)."""
        errors = ErrorCollector(self.paths.content)
        raw = read_content(self.paths.content, errors, cache=self.files)
        if raw.site is None:
            return None, errors
        settings = settings_from(raw.site.data, self.as_of, self.base_url)
        site = build_site(raw, settings, errors, reserved_segments())
        return (None if errors.failed else site), errors

    def update(self) -> Changes:
        """Bring the build up to date with the content; the first call builds everything."""
        site, errors = self.load()
        if site is None:
            return Changes(False, errors)
        router = Router(site.settings.base_path, site.settings.origin)
        env_signature = _tree_signature(self.paths.templates, self.paths.assets,
                                        self.paths.content / "documents", LOCALES)
        env_changed = env_signature != self.env_signature
        if env_changed:
            strings.cache_clear()
        new_fp = deps.fingerprints(site)
        changed = deps.changed(self.fingerprints, new_fp)
        everything = (self.site is None or env_changed or router != self.router
                      or ("frame",) in changed)
        renderer = PageRenderer(site, router, self.paths.templates)
        views = Views(site, router, html_cache=self.html_cache)
        keys = views.page_keys()
        old = self.site
        todo = [k for k in keys if everything or k not in self.seen_keys
                or deps.dependencies(site, k) & changed
                or deps.dependencies(old, k) & changed]
        files: dict[str, bytes] = {}
        for key in todo:
            spec = views.make(key)
            files[spec.output] = renderer.render(spec).encode("utf-8")
        for extra in outputs.all_files(site, router):
            files[extra.path] = extra.data
        files[".nojekyll"] = b""
        if env_changed:
            files.update(_copy_tree(self.paths.assets, "assets"))
            files.update(_copy_tree(self.paths.content / "documents", "documents"))
            copied = {p for p in files if p.startswith(("assets/", "documents/"))}
        else:
            copied = {p for p in self.digests if p.startswith(("assets/", "documents/"))}
        current = {views.output_of(k) for k in keys} | set(files) | copied
        removed = set(self.digests) - current
        fresh = {}
        for path, data in files.items():
            digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
            if self.digests.get(path) != digest:
                fresh[path] = data
                self.digests[path] = digest
        for path in removed:
            del self.digests[path]
        self.site, self.router, self.fingerprints = site, router, new_fp
        self.seen_keys, self.env_signature = set(keys), env_signature
        return Changes(True, errors, fresh, removed, len(todo))
