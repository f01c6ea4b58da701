"""Incremental rebuilds: an edit re-renders only what depends on it, and the result is the
same, byte for byte, as a full build of the edited content."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import pytest

from accordi.cli import build_once
from accordi.config import Paths
from accordi.incremental.digests import Values
from tests.conftest import make_site
from tests.live import Changes, LiveBuilder

AS_OF = dt.date(2024, 1, 15)


def tree(root: Path) -> dict[str, bytes]:
    """Every file but the search index, which the live preview does not build."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "pagefind"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    bump(path)


def bump(path: Path) -> None:
    """Make sure the edit is seen even within one tick of the file system clock."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


@pytest.fixture
def live(tmp_path):
    content = make_site(tmp_path)
    preview = tmp_path / "preview"
    builder = LiveBuilder(Paths(content=content, output=preview), AS_OF)
    first = builder.update()
    assert first.ok
    return content, preview, builder


def same_as_full_build(content: Path, preview: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    build_once(Paths(content=content, output=full), AS_OF)
    assert tree(preview) == tree(full)


EDITS = {
    "body": lambda c: edit(c / "agreements/lisbona-2021.it.md",
                           "hanno firmato un accordo", "hanno sottoscritto un accordo"),
    "title": lambda c: edit(c / "agreements/lisbona-2021.it.md",
                            'title: "Accordo di', 'title: "Intesa di'),
    "partners": lambda c: edit(c / "agreements/ateneo-2021.it.md",
                               "partners: [ateneo-esempio]", "partners: [ateneo-esempio, lisbona]"),
    "themes": lambda c: edit(c / "agreements/lisbona-2021.it.md",
                             "themes: [cultura, turismo]", "themes: [cultura]"),
    "dates": lambda c: edit(c / "agreements/lisbona-2021.it.md", "duration: P3Y", "duration: P1Y"),
    "translation": lambda c: edit(c / "agreements/lisbona-2021.en.md", "Lisbon", "Lisboa"),
    "translation-removed": lambda c: (
        (c / "agreements/lisbona-2021.en.md").unlink(),
        # its own section's anchor: the page now shows the Italian section
        note(c, "/en/agreements/lisbona-2021/#premises renumbered #premesse")),
    "partner": lambda c: edit(c / "partners/lisbona.yaml", "en: Lisbon}", "en: Lisboa}"),
    "theme": lambda c: edit(c / "themes.yaml", "Turismo", "Turismo e viaggi"),
    "page": lambda c: edit(c / "pages/about.en.md", "title:", "title: New"),
    "extends": lambda c: edit(c / "agreements/lisbona-2021.it.md", "themes: [cultura, turismo]",
                              "themes: [cultura, turismo]\nextends: [lisbona-2012]"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_gives_the_same_site_as_a_full_build(live, tmp_path, name):
    content, preview, builder = live
    EDITS[name](content)
    changes = builder.update()
    assert changes.ok, changes.errors.report()
    assert changes.files or changes.removed
    same_as_full_build(content, preview, tmp_path)


def add_agreement(content: Path) -> Path:
    """A new agreement, lisbona-2024, in a new folder."""
    source = (content / "agreements/ateneo-2019.it.md").read_text(encoding="utf-8")
    new = content / "agreements/2024/lisbona-2024.it.md"
    new.parent.mkdir()
    new.write_text(re.sub(r"(?m)^signed: .*$", "signed: 2024-01-02", source)
                   .replace("id: ateneo-2019", "id: lisbona-2024")
                   .replace("expires: 2021-06-30", "expires: 2026-06-30")
                   .replace("partners: [ateneo-esempio]", "partners: [lisbona]"),
                   encoding="utf-8")
    return new


def note(content: Path, line: str) -> None:
    """Add a line to the list of published anchors."""
    with (content / "published-anchors.txt").open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def mark_removed(content: Path, aid: str) -> None:
    """Record in the list of published addresses that agreement `aid` was removed."""
    urls = content / "published-urls.txt"
    urls.write_text("".join(
        line + (" removed 2024-01-20" if aid in line else "") + "\n"
        for line in urls.read_text(encoding="utf-8").splitlines()), encoding="utf-8")


@pytest.mark.parametrize("deferred", [False, True])
def test_a_new_agreement_and_its_removal(live, tmp_path, deferred):
    """Its pages and files come, and go (the live server's way too: the data files
    made, and the removed one deleted, after the pages)."""
    content, preview, builder = live

    def update() -> Changes:
        changes = builder.update(first=set() if deferred else None)
        if changes.ok:
            builder.finish()
            assert not builder.unfinished
        return changes

    new = add_agreement(content)
    changes = update()
    assert changes.ok, changes.errors.report()
    assert "it/accordi/lisbona-2024/index.html" in changes.files
    assert (preview / "data/agreements/lisbona-2024.json").is_file()
    same_as_full_build(content, preview, tmp_path)
    new.unlink()
    changes = update()  # a published address may not vanish silently
    assert not changes.ok
    assert "`/it/accordi/lisbona-2024/` was published and would vanish" in (
        changes.errors.report())
    mark_removed(content, "lisbona-2024")
    changes = update()
    assert changes.ok, changes.errors.report()
    assert "it/accordi/lisbona-2024/index.html" in changes.files  # now a notice
    notice = json.loads((preview / "data/agreements/lisbona-2024.json").read_bytes())
    assert notice["removed"] is True and notice["date"] == "2024-01-20"  # now a notice too
    same_as_full_build(content, preview, tmp_path / "again")


def test_a_body_edit_renders_only_its_two_pages(live):
    content, _, builder = live
    EDITS["body"](content)
    changes = builder.update()
    pages = sorted(p for p in changes.files if p.endswith(".html"))
    assert changes.rendered == 2
    assert pages == ["it/accordi/lisbona-2021/index.html"]  # the English twin did not change


def test_a_title_edit_renders_the_pages_that_list_it(live):
    content, _, builder = live
    EDITS["title"](content)
    changes = builder.update()
    pages = {p for p in changes.files if p.endswith(".html")}
    assert {"it/accordi/lisbona-2021/index.html", "it/accordi/index.html", "it/index.html",
            "index.html", "it/partner/lisbona/index.html", "it/temi/cultura/index.html",
            "it/temi/turismo/index.html"} <= pages
    assert "it/partner/ateneo-esempio/index.html" not in pages
    assert changes.rendered < 34


def test_a_title_edit_makes_only_the_outputs_that_show_it(live):
    """Not only rendered: an output that does not show the title is not even made."""
    content, _, builder = live
    EDITS["title"](content)
    changes = builder.update()
    assert changes.patched
    assert {"it/accordi/lisbona-2021/index.html", "en/agreements/lisbona-2021/index.html",
            "it/accordi/index.html", "it/partner/lisbona/index.html"} <= changes.made
    unrelated = {"it/partner/ateneo-esempio/index.html", "en/partners/ateneo-esempio/index.html",
                 "it/accordi/ateneo-2019/index.html", "en/agreements/ateneo-2019/index.html",
                 "it/accordi/ateneo-2021/index.html", "en/about/index.html"}
    assert unrelated <= builder.published.keys() and not unrelated & changes.made
    assert not {"data/agreements/ateneo-2019.json", "data/README.txt"} & changes.made


def test_what_outputs_read_is_recorded_as_it_is_now(live):
    """After any edit, the digests the builder keeps of what outputs read are those of the
    site as it is: the patched records' were taken again, and the others still hold."""
    content, _, builder = live
    for name in ("title", "body", "partner", "theme", "dates"):
        EDITS[name](content)
        assert builder.update().ok
        session = builder.session
        fresh = Values(session.site if hasattr(session, "site") else session.last.site,
                       session.git)
        for key, digests in session.ledger.digests.items():
            assert fresh.digests(key, digests) == digests, (name, key)


def test_nothing_changed_renders_nothing(live):
    _, _, builder = live
    changes = builder.update()
    assert changes.ok and changes.rendered == 0 and changes.files == {} and not changes.removed


def test_a_broken_edit_keeps_the_last_good_build_and_recovers(live, tmp_path):
    content, preview, builder = live
    before = tree(preview)
    path = content / "agreements/lisbona-2021.it.md"
    good = path.read_text(encoding="utf-8")
    edit(path, "signed: 2021-03-15", "signed: 2021-02-30")
    changes = builder.update()
    assert not changes.ok
    assert "lisbona-2021.it.md:13" in changes.errors.report()
    assert tree(preview) == before
    time.sleep(0.01)
    path.write_text(good, encoding="utf-8")
    bump(path)
    changes = builder.update()
    assert changes.ok
    same_as_full_build(content, preview, tmp_path)


def test_template_and_asset_edits_are_picked_up(tmp_path):
    import shutil

    from accordi.config import PROJECT_ROOT
    content = make_site(tmp_path)
    templates, assets = tmp_path / "templates", tmp_path / "assets"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    shutil.copytree(PROJECT_ROOT / "assets", assets)
    paths = Paths(content=content, output=tmp_path / "preview", templates=templates,
                  assets=assets)
    builder = LiveBuilder(paths, AS_OF)
    builder.update()
    edit(templates / "base.html", "<body>", "<body class=\"edited\">")
    (assets / "css" / "site.css").write_text("body { color: #000; }\n")
    bump(assets / "css" / "site.css")
    changes = builder.update()
    pages = [p for p in builder.published if p.endswith(".html")]
    assert changes.rendered == len(pages)  # every page, for a template edit
    assert b'class="edited"' in changes.files["it/index.html"]
    assert changes.files["assets/css/site.css"] == b"body { color: #000; }\n"


def test_a_text_edit_remakes_only_its_pages_and_matches_a_full_build(live, tmp_path):
    content, preview, builder = live
    for name, old, new in (("lisbona-2021.it.md", "hanno firmato", "hanno sottoscritto"),
                           ("lisbona-2021.en.md", "signed a three-year", "concluded a three-year"),
                           ("lisbona-2021.it.md", "hanno sottoscritto", "hanno firmato")):
        edit(content / "agreements" / name, old, new)
        changes = builder.update()
        assert changes.ok and changes.patched and changes.rendered == 2
        lang = name.split(".")[1]
        changed = sorted(changes.files)
        assert changed == [f"{lang}/{'accordi' if lang == 'it' else 'agreements'}/"
                           "lisbona-2021/index.html"], changed
    same_as_full_build(content, preview, tmp_path)


@pytest.mark.parametrize("name, patched", [
    ("title", True), ("partner", True), ("theme", True), ("page", True), ("dates", False),
    ("partners", False), ("themes", False), ("extends", False), ("translation-removed", False)])
def test_an_edit_of_one_record_patches_the_site_and_one_beyond_loads_it(live, tmp_path, name,
                                                                     patched):
    """Fields only their record shows (texts, titles, names, notes) are changed in the last
    site; fields other records follow from (dates, relations, ids) make it loaded again."""
    content, preview, builder = live
    edit(content / "agreements/ateneo-2021.it.md", "Il protocollo proroga",
         "Questo protocollo proroga")
    changes = builder.update()
    assert changes.patched
    EDITS[name](content)
    changes = builder.update()
    assert changes.ok and changes.patched == patched
    same_as_full_build(content, preview, tmp_path)


WORDING_EDITS = {
    "title": ("lisbona-2021.it.md", 'title: "Accordo di', 'title: "Intesa di'),
    "object": ("lisbona-2021.it.md", "Collaborazione in materia", "Collaborazione nelle materie"),
    "title and text": ("lisbona-2021.it.md", 'title: "Accordo di',
                       'title: "Intesa di'),  # with the text edit below
    "English title": ("lisbona-2021.en.md", "City of Lisbon", "City of Lisboa"),
    "translator's note": ("lisbona-2021.en.md", "Unofficial courtesy", "Courtesy"),
    "translator's note removed": ("lisbona-2021.en.md", "translator_note: ",
                                  "# translator_note: "),
    # shown on the page of the agreement that extends it
    "title of an extended one": ("ateneo-2019.it.md", "Ateneo di Esempio (2019)",
                                 "Ateneo di Esempio, 2019"),
}


@pytest.mark.parametrize("name", sorted(WORDING_EDITS))
def test_a_wording_edit_reuses_the_last_site_and_matches_a_full_build(live, tmp_path, name):
    content, preview, builder = live
    file, old, new = WORDING_EDITS[name]
    edit(content / "agreements" / file, old, new)
    if name == "title and text":
        edit(content / "agreements" / file, "hanno firmato", "hanno sottoscritto")
    changes = builder.update()
    assert changes.ok and changes.patched
    if name == "title of an extended one":
        assert "it/accordi/ateneo-2021/index.html" in changes.files
    same_as_full_build(content, preview, tmp_path)
    # The next edit works from the reused site: it must still be the one a build would give.
    EDITS["dates"](content)
    changes = builder.update()
    assert changes.ok and not changes.patched
    same_as_full_build(content, preview, tmp_path / "again")


@pytest.mark.parametrize("file, old, new", [
    ("lisbona-2021.it.md", "duration: P3Y", "duration: P1Y"),                   # a fact
    ("lisbona-2021.it.md", "themes: [cultura, turismo]", "themes: [cultura]"),  # a relation
    ("lisbona-2021.it.md", "signed: 2021-03-15", "signed: 2021-03-16"),  # orders the lists
])
def test_an_edit_beyond_the_wording_builds_the_site_again(live, tmp_path, file, old, new):
    content, preview, builder = live
    edit(content / "agreements" / file, old, new)
    changes = builder.update()
    assert changes.ok and not changes.patched, changes.errors.report()
    same_as_full_build(content, preview, tmp_path)


def test_a_mistake_in_a_text_is_reported_and_its_fix_is_seen(live, tmp_path):
    content, preview, builder = live
    page = content / "agreements/lisbona-2021.it.md"
    edit(page, "hanno firmato", "hanno [firmato](javascript:alert(1))")
    changes = builder.update()
    assert not changes.ok
    assert "lisbona-2021.it.md" in changes.errors.report() and "javascript:" in (
        changes.errors.report())
    edit(page, "[firmato](javascript:alert(1))", "firmato")
    changes = builder.update()
    assert changes.ok
    same_as_full_build(content, preview, tmp_path)


def toggle(rel: str, a: str, b: str):
    """An edit that can be made again and again: `a` becomes `b`, or `b` becomes `a`."""
    def apply(content: Path) -> None:
        path = content / rel
        text = path.read_text(encoding="utf-8")
        old, new = (a, b) if a in text else (b, a)
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        bump(path)
    return apply


def _grow_document(content: Path) -> None:
    """The signed text replaced by a longer file (its size is shown), or back."""
    path = content / "documents/accordo-lisbona.pdf"
    data = path.read_bytes()
    pad = b"\n%" + b"x" * 4096 + b"\n"
    path.write_bytes(data[:-len(pad)] if data.endswith(pad) else data + pad)
    bump(path)


# Edits that touch what lists, tables, feeds and the timeline show of other records too:
# names of partners and themes, dates that move the timeline's axis, relations that change
# another agreement's status, a translation that comes and goes.
SEQUENCE_EDITS = {
    "title": toggle("agreements/lisbona-2021.it.md", 'title: "Accordo di', 'title: "Intesa di'),
    "english title": toggle("agreements/lisbona-2021.en.md", "Lisbon", "Lisboa"),
    "partner name": toggle("partners/lisbona.yaml", "en: Lisbon}", "en: Lisboa}"),
    "partner country": toggle("partners/lisbona.yaml", "country: PT", "country: ES"),
    "theme name": toggle("themes.yaml", "{it: Cultura, en: Culture}",
                         "{it: Cultura e arte, en: Culture and arts}"),
    "themes": toggle("agreements/lisbona-2021.it.md", "themes: [cultura, turismo]",
                     "themes: [cultura]"),
    "partners": toggle("agreements/ateneo-2021.it.md", "partners: [ateneo-esempio]",
                       "partners: [ateneo-esempio, lisbona]"),
    "duration": toggle("agreements/lisbona-2021.it.md", "duration: P3Y", "duration: P9Y"),
    "earliest signing": toggle("agreements/lisbona-2012.it.md", "signed: 2012", "signed: 2008"),
    "renewal": toggle("agreements/lisbona-2012.it.md", "  - {date: 2014}\n",
                      "  - {date: 2014}\n  - {date: 2015-02-01}\n"),
    "successor's date": toggle("agreements/ateneo-2021.it.md", "signed: 2021-07-06",
                               "signed: 2020-01-10"),
    "relation": toggle("agreements/lisbona-2021.it.md", "themes: [cultura, turismo]",
                       "themes: [cultura, turismo]\nsupersedes: [lisbona-2012]"),
    "body": toggle("agreements/lisbona-2021.it.md", "hanno firmato", "hanno sottoscritto"),
    "document": _grow_document,
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_sequence_of_edits_gives_the_site_of_a_full_build(live, tmp_path, seed):
    """Whatever the order of edits, the long-lived builder (what it keeps of each record
    from one update to the next included) publishes what a fresh build would."""
    import random

    content, preview, builder = live
    rng = random.Random(seed)
    names = sorted(SEQUENCE_EDITS)
    for step in range(12):
        name = rng.choice(names)
        SEQUENCE_EDITS[name](content)
        changes = builder.update()
        assert changes.ok, (name, changes.errors.report())
        full = tmp_path / f"full-{step}"
        build_once(Paths(content=content, output=full), AS_OF)
        assert tree(preview) == tree(full), f"step {step}: {name}"


@pytest.mark.parametrize("seed", [4, 5])
def test_pages_left_for_later_are_made_as_a_full_build_would(live, tmp_path, seed):
    """The live server's way: an edit makes the agreements' pages and the opened ones at
    once, the rest later, on request or all together; what it makes, whenever it makes
    it, is what a fresh build of the content at that moment would publish."""
    import random

    content, preview, builder = live
    rng = random.Random(seed)
    names = sorted(SEQUENCE_EDITS)
    opened = {"it/accordi/index.html"}
    for step in range(8):
        name = rng.choice(names)
        SEQUENCE_EDITS[name](content)
        changes = builder.update(first=opened)
        assert changes.ok, (name, changes.errors.report())
        assert not opened & builder.pending.keys()
        assert not any(p.startswith(("it/accordi/", "en/agreements/")) and p.count("/") == 3
                       for p in builder.pending)  # an agreement's page never waits
        full = tmp_path / f"full-{step}"
        build_once(Paths(content=content, output=full), AS_OF)
        expected = tree(full)
        for rel in set(opened) | (set(changes.files) & expected.keys()):
            assert (preview / rel).read_bytes() == expected[rel], (step, name, rel)
        some = set(rng.sample(sorted(builder.pending), min(3, len(builder.pending))))
        some |= set(rng.sample(sorted(p for p in expected if not p.endswith(".html")), 3))
        later = builder.finish(paths=some)
        assert later.ok and not some & builder.pending.keys()
        for rel in some & expected.keys():
            assert (preview / rel).read_bytes() == expected[rel], (step, name, rel)
        if rng.random() < 0.5:  # the next edit may come before the rest is made
            builder.finish()
            assert builder.pending == {}
            assert tree(preview) == tree(full), f"step {step}: {name}"
    builder.finish()
    same_as_full_build(content, preview, tmp_path)


def test_a_title_edit_makes_its_pages_at_once_and_the_lists_after(live, tmp_path):
    content, preview, builder = live
    EDITS["title"](content)
    changes = builder.update(first=set())
    assert changes.rendered == 2
    assert {p for p in changes.files if p.endswith(".html")} == {
        "it/accordi/lisbona-2021/index.html", "en/agreements/lisbona-2021/index.html"}
    assert {"it/accordi/index.html", "it/partner/lisbona/index.html"} <= builder.pending.keys()
    # The data files that show titles wait too; the sitemap shows none: it is current.
    assert builder.waiting({"data/agreements.csv", "sitemap.xml"}) == {"data/agreements.csv"}
    assert "data/agreements/lisbona-2021.json" in builder.pending
    before = (preview / "it/accordi/index.html").read_bytes()
    assert b"Intesa di" not in before  # the previous list stands meanwhile
    waiting = len(builder.pending)
    builder.finish(until=0.0)  # out of time: one, and no more
    assert len(builder.pending) == waiting - 1
    later = builder.finish()
    assert later.rendered >= 5 and "it/accordi/index.html" in later.files
    assert b"Intesa di" in later.files["it/accordi/index.html"]
    same_as_full_build(content, preview, tmp_path)
    again = builder.update(first=set())  # nothing changed since: nothing is made
    assert again.rendered == 0 and not again.files
    rest = builder.finish()  # the data files are looked at, and found the same
    assert rest.rendered == 0 and not rest.files and builder.pending == {}


def test_the_stored_list_of_published_files_follows_every_edit(tmp_path):
    """A live builder saves only the records its updates made anew: what the store holds
    is always what was published, for the next server or build to start from."""
    import random

    from accordi.incremental.store import Store

    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "preview", cache=tmp_path / "cache")
    builder = LiveBuilder(paths, AS_OF)

    def stored() -> dict:
        other = Store(paths.cache)  # another process's view of it
        try:
            return other.files(str(paths.output))
        finally:
            other.close()

    def published() -> dict:
        return {p: tuple(r) for p, r in builder.published.items()}

    assert builder.update().ok
    assert stored() == published() and len(builder.published) > 50
    rng = random.Random(7)
    steps = [rng.choice(sorted(SEQUENCE_EDITS)) for _ in range(5)]
    for step in [*steps, "new agreement", "removal"]:
        if step == "new agreement":
            new = add_agreement(content)
        elif step == "removal":
            new.unlink()
            mark_removed(content, "lisbona-2024")
        else:
            SEQUENCE_EDITS[step](content)
        assert builder.update(first=set()).ok
        assert stored() == published(), step
        builder.finish(until=0.0)  # one file, then the rest
        assert stored() == published(), step
        builder.finish()
        assert stored() == published(), step
    assert "data/agreements/lisbona-2024.json" not in stored()
    same_as_full_build(content, paths.output, tmp_path)
