"""Files published as they are: the assets (CSS, scripts, fonts, pictures), the original
documents of the agreements, and `.nojekyll` (GitHub Pages then serves every file)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePosixPath

from ..output import Context, Output
from ..records import Site
from ..routes import Router
from ..theme import COLOURS_CSS, colours_css


def assets(*roots: Path) -> dict[str, Path]:
    """Every file under the assets folders `roots`, by its path in the site, in order; a
    file of an earlier folder (a site's own) replaces the later one's of the same name.
    Hidden names are left out."""
    found: dict[str, Path] = {}
    for root in reversed(roots):
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                inner = p.relative_to(root)
                if p.is_file() and not any(part.startswith(".") for part in inner.parts):
                    found[f"assets/{inner.as_posix()}"] = p
    return dict(sorted(found.items(), key=lambda item: PurePosixPath(item[0])))


def plan(site: Site, router: Router) -> Iterable[Output]:
    """`.nojekyll`, then the assets, then the documents (as the content check found them:
    links out of the folder are refused)."""
    yield Output(".nojekyll", _empty, "file")
    for rel, path in {**site.assets, **site.documents}.items():
        yield Output(rel, partial(_copy, path), "file")
    if site.settings.colours:
        yield Output(COLOURS_CSS, _colours, "file")


def _colours(ctx: Context) -> bytes:
    return colours_css(ctx.site.settings.colours)


def _empty(ctx: Context) -> bytes:
    return b""


def _copy(path: Path, ctx: Context) -> bytes:
    return ctx.session.file(path)
