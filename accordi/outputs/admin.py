"""admin/: the web editor (Decap CMS), published when site.yaml's `cms` turns it on, saving
to the git host it names (see docs/adopters.md). The live preview has its own, saving to
the working copy (accordi.cms.live)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from ..cms.config import published
from ..cms.files import files
from ..config import Settings
from ..output import Context, Output
from ..records import Site
from ..routes import Router


def _files(settings: Settings) -> dict[str, bytes | Path]:
    title = settings.title.get("it", "")
    return files(published(settings.cms, settings.base_url), title)


def plan(site: Site, router: Router) -> Iterable[Output]:
    """Every file of the editor, when the site has one."""
    if not site.settings.cms:
        return
    for rel, made in _files(site.settings).items():
        make = partial(_copy, made) if isinstance(made, Path) else partial(_make, rel)
        yield Output(f"admin/{rel}", make, "admin")


def _make(rel: str, ctx: Context) -> bytes:
    made = _files(ctx.site.settings)[rel]
    assert isinstance(made, bytes)
    return made


def _copy(path: Path, ctx: Context) -> bytes:
    return ctx.session.file(path)
