"""`accordi init DIR --owner NAME`: a new site folder that builds as it is.

It holds content/ (site.yaml filled from the options, one example partner, theme and
agreement, the about, licence and accessibility pages to complete, an empty list of
published addresses), a README for the site's editors, a .gitignore, the engine's version
in requirements.txt, and CI files for GitHub and GitLab. What is left to complete is
marked TODO: `accordi check` lists it. Nothing is ever overwritten.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import __version__, schema
from .yamlmarks import load

STARTER = Path(__file__).with_name("starter")
EXAMPLES = ("content/themes.yaml", "content/partners/ente-esempio.yaml",
            "content/agreements/esempio-2025.it.md", "content/agreements/esempio-2025.en.md")
NO_EXAMPLES = "content/themes-none.yaml"  # the site's themes.yaml without the example
RENAMED = {NO_EXAMPLES: "content/themes.yaml", "gitignore": ".gitignore",
           "ci/github-workflow.yml": ".github/workflows/site.yml",
           "ci/gitlab-ci.yml": ".gitlab-ci.yml", "ci/zizmor.yml": ".github/zizmor.yml"}
TITLE = '{it: Accordi di collaborazione internazionale, en: International collaboration agreements}'


class InitRefused(Exception):
    """The folder cannot be made into a site as asked."""


@dataclass(frozen=True)
class Options:
    """What the new site is filled with."""

    owner: str
    owner_id: str
    languages: tuple[str, ...]
    title: str | None = None
    examples: bool = True


def arguments(p: argparse.ArgumentParser) -> None:
    """The options of `accordi init`."""
    p.add_argument("dir", type=Path, help="the new site's folder (created if missing)")
    p.add_argument("--owner", required=True,
                   help='the administration that publishes the site: "Comune di Bologna"')
    p.add_argument("--owner-id", default=None,
                   help="its permanent id (default: made from --owner, e.g. comune-di-bologna)")
    p.add_argument("--lang", default="it,en",
                   help="the site's languages, the source language first (default: it,en)")
    p.add_argument("--title", default=None,
                   help="the site's title, one for every language (default: Accordi di "
                   "collaborazione internazionale / International collaboration agreements)")
    p.add_argument("--no-examples", action="store_true",
                   help="leave out the example partner, theme and agreement")
    p.add_argument("--into-existing", action="store_true",
                   help="write into a folder that already has files (none is overwritten: "
                   "files already there are kept as they are)")


def slug(text: str) -> str:
    """An id made from a name: `Comune di Forlì` -> `comune-di-forli`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def files(options: Options) -> dict[str, str]:
    """The new site's files: path in the folder -> text."""
    tokens = {"__OWNER__": options.owner, "__OWNER_ID__": options.owner_id,
              "__LANGUAGES__": ", ".join(options.languages), "__VERSION__": __version__,
              "__TITLE__": _quoted(options.title) if options.title else TITLE}
    out: dict[str, str] = {}
    for path in sorted(p for p in STARTER.rglob("*") if p.is_file()):
        rel = path.relative_to(STARTER).as_posix()
        if (rel in EXAMPLES and not options.examples) or (rel == NO_EXAMPLES
                                                           and options.examples):
            continue
        text = path.read_text(encoding="utf-8")
        for token, value in tokens.items():
            # YAML gets the owner's name quoted; Markdown and the README as it is
            text = text.replace(token, _quoted(value) if rel.endswith(".yaml")
                                and token == "__OWNER__" else value)
        out[RENAMED.get(rel, rel)] = text
    return out


def _valid(options: Options, site_yaml: str) -> None:
    """Refuse options the content schema would refuse, before writing anything."""
    if not schema.is_id(options.owner_id):
        raise InitRefused(f"`{options.owner_id}` is not a valid id for the owner: use "
                          "lowercase letters, digits and single hyphens (--owner-id)")
    if options.languages[:1] != ("it",):
        raise InitRefused(f"--lang {','.join(options.languages)}: the first language is the "
                          "source language, in which every fact is recorded: Italian (it)")
    marked, problems = load(site_yaml)
    assert marked is not None and not problems, problems
    for _line, field, message, hint in schema.validate("site", marked):
        if field.startswith("languages"):
            wanted = schema.schema()["$defs"]["site"]["properties"]["languages"]
            raise InitRefused(f"--lang {','.join(options.languages)}: {message}; this "
                              f"version publishes in {', '.join(wanted['examples'][0])}, the "
                              "first being the source language")
        raise InitRefused(f"site.yaml would not be valid: field `{field}`: {message}"
                          + (f" ({hint})" if hint else ""))


def write(folder: Path, options: Options, into_existing: bool = False
          ) -> tuple[list[Path], list[Path]]:
    """Write the new site into `folder`: (files written, files kept as they were)."""
    planned = files(options)
    _valid(options, planned["content/site.yaml"])
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not into_existing:
        raise InitRefused(f"{folder} is not empty: nothing was written (choose a new "
                          "folder, or add --into-existing to add the files it lacks)")
    written, kept = [], []
    for rel, text in planned.items():
        target = folder / rel
        if target.exists():
            kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as f:  # "x": never overwrite
            f.write(text)
        written.append(target)
    return written, kept


def run(args: argparse.Namespace) -> int:
    """`accordi init`, as the command line runs it."""
    options = Options(owner=args.owner.strip(), owner_id=args.owner_id or slug(args.owner),
                      languages=tuple(x.strip() for x in args.lang.split(",") if x.strip()),
                      title=args.title, examples=not args.no_examples)
    try:
        written, kept = write(args.dir, options, args.into_existing)
    except InitRefused as refused:
        print(f"not created: {refused}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    for path in kept:
        print(f"kept {path} as it was", file=sys.stderr)
    print(f"next: cd {args.dir} && accordi check && accordi serve "
          "(complete what `check` marks TODO before publishing)")
    return 0
