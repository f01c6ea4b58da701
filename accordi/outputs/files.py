"""Files published as they are: the assets (CSS, scripts, fonts, pictures), the original
documents of the agreements, and `.nojekyll` (GitHub Pages then serves every file)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from ..output import Context, Output
from ..records import Site
from ..routes import Router


def assets(root: Path) -> dict[str, Path]:
    """Every file under `root` (the assets folder), by its path in the site, in order;
    hidden names are left out."""
    found = {}
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            inner = p.relative_to(root)
            if p.is_file() and not any(part.startswith(".") for part in inner.parts):
                found[f"assets/{inner.as_posix()}"] = p
    return found


def plan(site: Site, router: Router) -> Iterable[Output]:
    """`.nojekyll`, then the assets, then the documents (as the content check found them:
    links out of the folder are refused)."""
    yield Output(".nojekyll", _empty, "file")
    for rel, path in {**site.assets, **site.documents}.items():
        yield Output(rel, partial(_copy, path), "file")


def _empty(ctx: Context) -> bytes:
    return b""


def _copy(path: Path, ctx: Context) -> bytes:
    return ctx.session.file(path)
