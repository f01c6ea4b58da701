"""`build.py new`: blank records with every field present and explained, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

SCAFFOLDS = Path(__file__).with_name("scaffolds")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ScaffoldRefused(Exception):
    """The record cannot be created (bad id, or it exists already)."""


def _fill(name: str, id: str) -> str:
    return (SCAFFOLDS / name).read_text(encoding="utf-8").replace("{id}", id)


def new(kind: str, id: str, content: Path, languages: tuple[str, ...] = ("it", "en")
        ) -> list[Path]:
    """Create the files of a new `kind` record; the paths written."""
    if not ID.match(id):
        raise ScaffoldRefused(f"`{id}` is not a valid id: use lowercase letters, digits and "
                              "single hyphens (e.g. milano-lisbona-2025)")
    if kind == "agreement":
        targets = _agreement_files(id, content, languages)
    elif kind == "partner":
        targets = _partner_file(id, content)
    elif kind == "theme":
        return [_append_theme(id, content)]
    else:
        raise ScaffoldRefused(f"unknown record kind `{kind}`: agreement, partner or theme")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:  # "x": never overwrite
            f.write(text)
    return list(targets)


def _agreement_files(id: str, content: Path, languages: tuple[str, ...]) -> dict[Path, str]:
    """An agreement has a file per language: refused if any file of that id exists,
    wherever in the folder of agreements it stands."""
    folder = content / "agreements"
    existing = [p for p in folder.rglob(f"{id}.*.md")] if folder.is_dir() else []
    if existing:
        raise ScaffoldRefused(f"{existing[0]} already exists: nothing was written")
    return {folder / f"{id}.{lang}.md": _fill(f"agreement.{lang}.md", id) for lang in languages}


def _partner_file(id: str, content: Path) -> dict[Path, str]:
    target = content / "partners" / f"{id}.yaml"
    if target.exists():
        raise ScaffoldRefused(f"{target} already exists: nothing was written")
    return {target: _fill("partner.yaml", id)}


def _append_theme(id: str, content: Path) -> Path:
    """Themes share one file: the new one goes at its end, the others' text untouched (not
    rewritten through YAML); refused when the file cannot be read or has that id."""
    target = content / "themes.yaml"
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    try:
        themes = yaml.safe_load(text) or []
    except yaml.YAMLError:
        raise ScaffoldRefused(f"{target} has a YAML error: fix it first "
                              "(`python build.py check` shows where)") from None
    if any(isinstance(t, dict) and t.get("id") == id for t in themes):
        raise ScaffoldRefused(f"theme `{id}` already exists in {target}: nothing was "
                              "written")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as f:
        if text and not text.endswith("\n"):
            f.write("\n")
        f.write(_fill("theme.yaml", id))
    return target
