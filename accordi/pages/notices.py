"""Pages at addresses the site once published: redirects to a record's new address, and
notices where a record was removed (see `accordi.manifest`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

from ..dates import PartialDate
from ..i18n import Local, dated, t
from ..manifest import Redirect, data_id, is_data, redirects, removed
from ..output import Context, Output
from ..outputs.opendata import to_json
from ..records import Site
from ..routes import Router
from .parts import Parts
from .spec import PageSpec


def plan(site: Site, router: Router) -> Iterator[Output]:
    """A redirect at every former address, a notice at every removed one; for a data file,
    a small JSON saying the same."""
    for r in redirects(site):
        if is_data(r.path):
            yield Output(router.address_output(r.path), partial(_moved_data, r), "removed")
        else:
            yield Output(router.address_output(r.path), partial(_redirect, r), "redirect",
                         page=True)
    for e in removed(site):
        assert e.removed is not None
        if is_data(e.path):
            yield Output(router.address_output(e.path),
                         partial(_removed_data, (e.path, e.removed)), "removed")
        else:
            yield Output(router.address_output(e.path),
                         partial(_removal, (e.path, e.removed)), "removed", page=True)


def _moved_data(r: Redirect, ctx: Context) -> bytes:
    """At a renamed agreement's former data file: where it is now."""
    return to_json({"moved": True, "id": data_id(r.path), "now": r.target,
                    "url": ctx.router.file_absolute("agreement_data", r.target)})


def _removed_data(entry: tuple[str, dt.date], ctx: Context) -> bytes:
    """At a removed agreement's data file: since when, and where the others' data is."""
    address, day = entry
    r = ctx.router
    return to_json({"removed": True, "id": data_id(address), "date": day.isoformat(),
                    "agreements": r.file_absolute("data", "agreements.json"),
                    "documentation": r.origin + r.url_for("opendata",
                                                          ctx.site.settings.source_lang)})


def _redirect(r: Redirect, ctx: Context) -> bytes:
    return ctx.html(redirect(Parts(ctx), r))


def _removal(entry: tuple[str, dt.date], ctx: Context) -> bytes:
    return ctx.html(removal(Parts(ctx), entry))


def redirect(p: Parts, r: Redirect) -> PageSpec:
    """A page at a record's former address that sends the reader to its new one."""
    langs = p.site.settings.languages
    url = p.router.url_for(r.kind, r.lang, r.target)
    record = p.site.agreements[r.target]
    return PageSpec("redirect", r.lang, r.target, "redirect.html",
                    {"title": Local(t(r.lang, "moved_title"), r.lang),
                     "description": t(r.lang, "moved_text"),
                     "target": {"url": url, "absolute": p.router.origin + url,
                                "title": p.loc(record.title, r.lang)}},
                    p.router.address_output(r.path),
                    {lg: p.router.url_for(r.kind, lg, r.target) for lg in langs})


def removal(p: Parts, entry: tuple[str, dt.date]) -> PageSpec:
    """A notice at the address of a record that was removed from the site."""
    address, day = entry
    langs = p.site.settings.languages
    first = address.strip("/").split("/")[0]
    lang = first if first in langs else p.source
    alternates = {lg: p.router.url_for("home", lg) for lg in langs}
    alternates[lang] = p.router.address_url(address)
    return PageSpec("removed", lang, None, "removed.html",
                    {"title": Local(t(lang, "removed_title"), lang),
                     "description": dated(lang, "removed_text", PartialDate.from_date(day)),
                     "removed_iso": day.isoformat(), "noindex": True},
                    p.router.address_output(address), alternates)
