"""Every HTML page of the site, in every language: what each shows and where it goes.

Everything a template shows is decided in this package (labels, fallbacks, links), so that
templates only lay it out. `plan` lists the pages (see `spec`); `make` prepares one page's
`PageSpec` (see `lists` and `records`), which `accordi.render` turns into HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from ..output import Context, Output
from ..records import Site
from ..routes import Router
from . import lists, records
from .parts import Parts
from .spec import SEARCHABLE, PageKey, PageSpec, output_of, page_keys

MAKERS: dict[str, Callable[..., PageSpec]] = {
    "home": lists.home, "agreements": lists.agreements_index, "timeline": lists.timeline_page,
    "partners": lists.partners_index, "themes": lists.themes_index, "search": lists.search,
    "opendata": lists.opendata, "notfound": lists.not_found, "root": lists.root,
    "root404": lists.root_not_found, "agreement": records.agreement,
    "partner": records.partner, "theme": records.theme, "page": records.page}


def plan(site: Site, router: Router) -> Iterator[Output]:
    """Every page of the site, in every language."""
    for key in page_keys(site):
        yield Output(output_of(site, router, key), partial(render, key), key.kind, page=True,
                     searchable=key.kind in SEARCHABLE)


def render(key: PageKey, ctx: Context) -> bytes:
    """The HTML of page `key`."""
    return ctx.html(make(ctx, key))


def make(ctx: Context, key: PageKey) -> PageSpec:
    """The PageSpec of page `key`."""
    maker = MAKERS[key.kind]
    parts = Parts(ctx)
    return maker(parts, key.lang) if key.id is None else maker(parts, key.id, key.lang)
