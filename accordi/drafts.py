"""Drafts: records marked `draft: true` (as `build.py import` writes them) are read and
checked like every record, shown by the preview with a banner, and left out of the
published site.

This is the one place where they are left out: once the records are linked, before their
statuses are worked out and before anything lists them, so that no page, list, feed, data
file or search index of a published build can show one, and a published agreement does not
count as extended or replaced by a draft.
"""

from __future__ import annotations

from .config import Settings
from .errors import ErrorCollector
from .records import Agreement


def is_draft(agreement: Agreement) -> bool:
    """Whether the record is marked as a draft."""
    return agreement.source.data.get("draft") is True


def leave_out(agreements: dict[str, Agreement], settings: Settings, errors: ErrorCollector
              ) -> dict[str, Agreement]:
    """The agreements to publish: all of them in the preview, else all but the drafts (a
    published one that names a draft among those it extends or replaces is an error)."""
    if settings.drafts:
        return agreements
    drafts = {aid for aid, a in agreements.items() if is_draft(a)}
    if not drafts:
        return agreements
    kept = {}
    for aid, a in agreements.items():
        if aid in drafts:
            continue
        for key in ("extends", "supersedes"):
            for i, other in enumerate(getattr(a, key)):
                if other in drafts:
                    errors.add(a.source.path, a.source.line(key, i), f"{key}.{i}",
                               f"`{other}` is a draft, which the published site leaves out",
                               f"publish it first (delete `draft: true` in {other}.it.md), "
                               "or remove the id here")
        a.extended_by = [x for x in a.extended_by if x not in drafts]
        a.superseded_by = [x for x in a.superseded_by if x not in drafts]
        kept[aid] = a
    return kept
