"""Links never die: every address the site ever published keeps answering.

`content/published-urls.txt`, committed with the content, lists one address a line, below the
base URL (`/it/accordi/milano-riga-2018/`). The build adds each new address it publishes;
editors commit the file with their change. An address that the site would stop publishing
must be covered, else `check` and `build` stop with an error naming it:

- a renamed agreement lists its former id in `aliases`: the old addresses become redirects;
- a removed record's lines are marked `removed YYYY-MM-DD`: they become notice pages.

An agreement's data file (`/data/agreements/<id>.json`), which its page links to, is an
address too: at a former id it becomes a small JSON saying where the record is now, and once
removed, one saying so, since when, and where the data of the others is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorCollector
from .pages.spec import addresses as page_addresses
from .published import Entry, manifest_path
from .records import Site
from .routes import Router


@dataclass(frozen=True)
class Redirect:
    """A former address of a record, and where the record is now."""

    path: str
    kind: str
    lang: str
    target: str


def _address(output: str) -> str:
    """The address below the base URL that serves an output file."""
    return "/" + output.removesuffix("index.html")


def is_data(address: str) -> bool:
    """Whether a recorded address is a data file rather than a page."""
    return address.startswith("/data/") and not address.endswith("/")


def _data_address(router: Router, id: str) -> str:
    return "/" + router.file_output("agreement_data", id)


def redirects(site: Site, errors: ErrorCollector | None = None) -> list[Redirect]:
    """The former addresses of renamed agreements (`aliases`), in every language."""
    router = Router("/")
    out: list[Redirect] = []
    claimed: dict[str, str] = {}
    for a in site.agreements.values():
        for i, old in enumerate(a.aliases):
            problem = ""
            if old in site.agreements:
                problem = f"`{old}` is the id of a published agreement"
            elif old in claimed:
                problem = f"`{old}` is already an alias of `{claimed[old]}`"
            if problem:
                if errors is not None:
                    errors.add(a.source.path, a.source.line("aliases", i), f"aliases.{i}",
                               problem, "an alias is a former id that no record uses any more")
                continue
            claimed[old] = a.id
            out += [Redirect(_address(router.output_path("agreement", lang, old)),
                             "agreement", lang, a.id) for lang in site.settings.languages]
            out.append(Redirect(_data_address(router, old), "agreement_data", "", a.id))
    return out


def published(site: Site) -> frozenset[str]:
    """Every page address the site publishes from its records, and each agreement's data
    file (not redirects or notices)."""
    router = Router("/")
    return frozenset(page_addresses(site)).union(
        _data_address(router, a) for a in site.agreements)


def check(site: Site, content: Path, errors: ErrorCollector) -> None:
    """Report every recorded address that the site would stop serving."""
    moved = {r.path for r in redirects(site, errors)}
    entries = site.published
    if entries is None:
        return
    file = manifest_path(content)
    live = published(site)
    for e in entries:
        if e.path in live:
            if e.removed:
                errors.add(file, e.line, "", f"`{e.path}` is marked removed but the site "
                           "still publishes it", f"delete `removed {e.removed}` from the line")
        elif e.path in moved and e.removed:
            errors.add(file, e.line, "", f"`{e.path}` is marked removed but is an alias of "
                       "a published agreement", f"delete `removed {e.removed}` from the line")
        elif e.path not in moved and not e.removed:
            errors.add(file, e.line, "", f"`{e.path}` was published and would vanish",
                       "if its record was renamed, add the old id to `aliases` in the "
                       "record's new file; if it was removed, mark this line "
                       f"`{e.path} removed YYYY-MM-DD` so that it shows a notice")


def removed(site: Site) -> list[Entry]:
    """The recorded addresses marked removed that nothing else serves: each shows a notice
    (a page, or a small JSON for a data file)."""
    live = published(site) | {r.path for r in redirects(site)}
    return [e for e in site.published or () if e.removed and e.path not in live]


def data_id(address: str) -> str:
    """The agreement a data file's address is of."""
    return address.rsplit("/", 1)[-1].removesuffix(".json")


