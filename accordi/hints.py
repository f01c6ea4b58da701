"""What the checks of records say beyond "wrong": which record a mistake comes from, which id
is free, and which errors only follow from another one and would mislead if reported too.

A new editor copies a file to start the next record, or misspells one id that three fields
repeat: the diagnostic should name that cause, once, and what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from .content import LANG_FILE, RawContent
from .sources import Source


def broken_records(raw: RawContent) -> set[str]:
    """Ids of the agreements whose files exist but were left out for their own mistakes
    (reported in those files): a reference to one of them is no mistake of its own."""
    out = {src.data["id"] for src in raw.agreements}
    for path in raw.failed:
        if m := LANG_FILE.fullmatch(path.name):
            out.add(m["stem"])
    return out


def others(records: dict[str, Any], own: str) -> dict[str, Any]:
    """`records` without `own`: an agreement never means itself by a misspelled id."""
    return {k: v for k, v in records.items() if k != own}


def free_id(wanted: str, used: Collection[str]) -> str:
    """`wanted` if no record has it, else the first of `wanted-2`, `wanted-3`... that is
    free."""
    if wanted not in used:
        return wanted
    n = 2
    while f"{wanted}-{n}" in used:
        n += 1
    return f"{wanted}-{n}"


def owner_of(id: str, sources: Iterable[Source], stem_of: Callable[[Source], str],
             itself: Source) -> Source | None:
    """The file named after `id` (`stem_of(src)` gives a file's name without its suffixes),
    other than `itself`: the file a copy took its id from."""
    return next((src for src in sources if src is not itself and stem_of(src) == id), None)


def agreement_stem(src: Source) -> str:
    """`lisbona-2021` for `lisbona-2021.it.md`."""
    m = LANG_FILE.fullmatch(src.path.name)
    return m["stem"] if m else src.path.name


def partner_stem(src: Source) -> str:
    """`lisbona` for `lisbona.yaml`."""
    return src.path.stem


def copied_id(kind: str, id: str, owner: str, suggestion: str) -> tuple[str, str]:
    """(message, hint) for a file whose id is the one another file is named after: most
    often a copy made to start a new record, whose id was left as it was."""
    return (f"`{id}` is already the id of {owner}",
            f"this file looks like a copy of it: give this {kind} an id of its own, "
            f"e.g. `id: {suggestion}` (its file name)")


def party_knock_on(field: str) -> bool:
    """Whether a problem of a signatory's party or a counterpart's partner (by its field)
    is one that an unknown id in `partners` explains: with the list of partners wrong,
    the party named right looks wrong, and the hint would offer the misspelling."""
    parts = field.split(".")
    return len(parts) == 3 and (parts[0], parts[2]) in (("signatories", "party"),
                                                        ("counterparts", "partner"))
