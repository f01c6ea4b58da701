"""The build as a flat list of steps: load, check, route, render, publish."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass

from . import outputs
from .config import Paths, settings_from
from .content import read_content
from .errors import ContentFailure, ErrorCollector
from .i18n import strings
from .model import Site, build_site
from .publish import Staging
from .render import PageRenderer
from .routes import Router, reserved_segments
from .views import PageSpec, Views


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
    errors = ErrorCollector(paths.content)
    raw = read_content(paths.content, errors)
    if raw.site is None:
        return None, errors
    settings = settings_from(raw.site.data, as_of, base_url)
    site = build_site(raw, settings, errors, reserved_segments())
    return (None if errors.failed else site), errors


def router_for(site: Site) -> Router:
    """The router for this site's base URL."""
    return Router(site.settings.base_path, site.settings.origin)


def page_specs(site: Site, router: Router) -> list[PageSpec]:
    """Every page, plus the root files that lead to the Italian home."""
    views = Views(site, router)
    specs = views.all()
    source = site.settings.source_lang
    home = next(s for s in specs if s.kind == "home" and s.lang == source)
    missing = next(s for s in specs if s.kind == "notfound" and s.lang == source)
    specs.append(dataclasses.replace(home, output="index.html"))
    also = [{"lang": lg, "t": strings(lg), "home": router.url_for("home", lg)}
            for lg in site.settings.languages[1:]]
    specs.append(dataclasses.replace(missing, output="404.html",
                                     context={**missing.context, "also": also}))
    return specs


def build(paths: Paths, as_of: dt.date, base_url: str | None = None) -> BuildReport:
    """Build the site into `paths.output`; raise ContentFailure, leaving output intact."""
    started = time.perf_counter()
    site, errors = load_site(paths, as_of, base_url)
    if site is None:
        raise ContentFailure(errors)
    router = router_for(site)
    renderer = PageRenderer(site, router, paths.templates)
    specs = page_specs(site, router)
    staging = Staging(paths.output)
    try:
        for spec in specs:
            staging.write(spec.output, renderer.render(spec))
        for extra in outputs.all_files(site, router):
            staging.write(extra.path, extra.data)
        staging.write(".nojekyll", b"")
        staging.copy_tree(paths.assets, "assets")
        for rel, source in site.documents.items():
            staging.copy_file(source, rel)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return BuildReport(len(specs), len(staging.written), time.perf_counter() - started,
                       [e.format() for e in errors.sorted()])
