"""What each page shows, as record keys, so that an edit re-renders only the pages it touches.

A page key depends on record keys such as ("agreement", id) (everything about it) or
("agreement-item", id) (what a list shows of it); collections such as ("agreement-items",)
stand for every member. A page's fingerprint digests the fingerprints of what it depends on
(and the list of those keys, so that a record leaving a list changes it too), the templates
and the code: a page is rendered again exactly when its fingerprint changes. ("frame",) is
the navigation and footer every page carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .model import Agreement, Site

if TYPE_CHECKING:  # the views use the memo, which uses this module
    from .views import PageKey

Key = tuple


def _digest(value: object) -> str:
    return hashlib.sha1(repr(value).encode("utf-8"), usedforsecurity=False).hexdigest()


# An agreement's fingerprints by what determines them (see `_determined_by`), from this
# update and the one before: a live server's edit digests only the records it changed.
_KNOWN: tuple[dict, dict] = ({}, {})


def fingerprints(site: Site) -> dict[Key, str]:
    """A digest per record key: equal digests mean equal pages."""
    global _KNOWN
    _KNOWN = ({}, _KNOWN[0])
    fp: dict[Key, str] = {}
    for a in site.agreements.values():
        fp.update(agreement_fingerprints(a))
    for p in site.partners.values():
        fp["partner", p.id] = _digest(p.source.data)
    for th in site.themes.values():
        fp["theme", th.id] = _digest(th.source.data)
    for pg in site.pages.values():
        fp["page", pg.name] = _digest((pg.title, pg.description, pg.slug, pg.feedback,
                                       [(b.lang, b.summary, b.text) for b in pg.bodies.values()]))
    fp["frame",] = _digest((site.settings, [(pg.name, pg.title, pg.slug)
                                            for pg in site.pages.values()]))
    # The address of every page and their order: what the sitemap lists.
    fp["addresses",] = _digest((list(site.agreements), list(site.partners), list(site.themes),
                                [(pg.name, pg.slug) for pg in site.pages.values()]))
    _collect(fp)
    return fp


def reworded(fp: dict[Key, str], edited: Iterable[Agreement]) -> dict[Key, str]:
    """`fingerprints(site)` once only the wording of the `edited` agreements changed, from
    the fingerprints before: wording changes nothing else a record shows (see
    `Agreement.reword`), so the other records need no digest again, nor do the
    collections' other members."""
    fp = dict(fp)
    sums = {c: int(fp[c,], 16) for c in COLLECTIONS.values()}
    for a in edited:  # records of the last site: each key is already a member
        for k, v in agreement_fingerprints(a).items():
            if k[0] in COLLECTIONS:
                sums[COLLECTIONS[k[0]]] += _member(k, v) - _member(k, fp[k])
            fp[k] = v
    _seal(fp, sums)
    return fp


def _collect(fp: dict[Key, str]) -> None:
    """The collections' fingerprints, from their members': the sum of the members' digests
    (of key and fingerprint), which does not depend on their order and follows an edit by
    subtracting what a member was and adding what it is (see `reworded`)."""
    sums = dict.fromkeys(COLLECTIONS.values(), 0)
    for k, v in fp.items():
        if k[0] in COLLECTIONS:
            sums[COLLECTIONS[k[0]]] += _member(k, v)
    _seal(fp, sums)


def _member(k: Key, v: str) -> int:
    return int(_digest((k, v)), 16)


def _seal(fp: dict[Key, str], sums: dict[str, int]) -> None:
    for collection, total in sums.items():
        fp[collection,] = f"{total % 2**160:040x}"


def _determined_by(a: Agreement) -> tuple:
    """What an agreement's fingerprints follow from: its files (front matter and text, by
    digest), its documents, its relations, its status (itself worked out from them, the
    reference day and its successors) and the former anchors its pages keep."""
    st = a.status
    assert st is not None
    return (a.id, a.source.data_digest, a.source.body_digest,
            tuple((lang, src.data_digest, src.body_digest)
                  for lang, src in sorted(a.translations.items())),
            tuple((d.file, d.size) for d in a.documents), tuple(a.extended_by),
            tuple(a.superseded_by),
            (st.value, st.as_of, st.stated, st.stated_on, st.until, st.by),
            tuple(sorted(a.former_anchors.items())))


def agreement_fingerprints(a: Agreement) -> dict[Key, str]:
    """The record keys of one agreement: all of it, what lists show, what data files show."""
    key = _determined_by(a)
    now, before = _KNOWN
    found = now.get(key) or before.get(key)
    if found is None:
        found = _agreement_fingerprints(a)
    now[key] = found
    return found


def _agreement_fingerprints(a: Agreement) -> dict[Key, str]:
    st = a.status
    files = [("", a.source)] + sorted(a.translations.items())
    data = [(lang, src.data_digest) for lang, src in files]
    texts = [src.body_digest for _, src in files]
    return {
        ("agreement", a.id): _digest((data, texts, st, a.documents, a.extended_by,
                                      a.superseded_by, sorted(a.former_anchors.items()))),
        ("agreement-item", a.id): _digest((a.title, a.object, a.type, st, a.signed, a.end,
                                           a.renewals, a.partners, a.themes)),
        # Everything but the texts: what the data files and feeds publish.
        ("agreement-data", a.id): _digest((data, st, a.end, a.documents, a.extended_by,
                                           a.superseded_by)),
    }


def page_fingerprint(fp: dict[Key, str], key: PageKey, dependencies: set[Key],
                     environment: str) -> str:
    """A digest of everything page `key` shows: equal fingerprints, equal bytes."""
    return _digest((key, environment, sorted((d, fp.get(d)) for d in dependencies)))


COLLECTIONS = {"agreement-item": "agreement-items", "agreement-data": "all-agreement-data",
               "partner": "partners", "theme": "themes"}


def agreement_context(site: Site, aid: str) -> tuple[Key, ...]:
    """The records whatever is shown about agreement `aid` in a list, a table, a feed or a
    chart is made from: the agreement, its partners and themes, and the agreements it is
    related to (their dates bound its status and its bar)."""
    a = site.agreements[aid]
    return (("agreement", aid), *(("partner", p) for p in a.partners),
            *(("theme", t) for t in a.themes), *(("agreement", x) for x in a.related))


def _agreement_lists(site: Site, ids: Iterable[str]) -> set[Key]:
    """Dependencies of a list of agreements: each item and the partners it names."""
    out: set[Key] = set()
    for aid in ids:
        out.add(("agreement-item", aid))
        a = site.agreements.get(aid)
        if a:
            out |= {("partner", p) for p in a.partners}
    return out


def dependencies(site: Site, key: PageKey) -> set[Key]:
    """The record keys page `key` shows."""
    kind, _lang, id = key
    deps: set[Key] = {("frame",)}
    if kind in ("home", "root", "agreements", "opendata", "timeline"):
        deps |= {("agreement-items",), ("partners",), ("themes",)}
    elif kind in ("partners", "themes"):
        deps |= {("agreement-items",), (kind,)}
    elif kind == "agreement" and id in site.agreements:
        a = site.agreements[id]
        deps |= {("agreement", id)} | {("partner", p) for p in a.partners}
        deps |= {("theme", t) for t in a.themes} | _agreement_lists(site, a.related)
    elif kind == "partner" and id in site.partners:
        deps |= {("partner", id)} | _agreement_lists(
            site, [a.id for a in site.partners[id].agreements])
    elif kind == "theme" and id in site.themes:
        deps |= {("theme", id)} | _agreement_lists(
            site, [a.id for a in site.themes[id].agreements])
    elif kind == "page":
        deps.add(("page", id))
    return deps
