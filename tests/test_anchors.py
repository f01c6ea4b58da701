"""Deep links never break silently: the anchors an agreement's page published are recorded,
a build that would make one vanish stops at the heading's line, and a recorded renumbering
keeps the old anchor landing on the new place, in a real browser, with or without scripts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from accordi.anchors import HEADER, LEDGER
from accordi.bodymarks import anchors_of
from accordi.cli import build_once, load_site
from accordi.config import Paths
from accordi.converter import Renderer
from accordi.errors import ContentFailure
from accordi.text import split_body
from tests.conftest import FIXTURE, cli, make_site
from tests.live import LiveBuilder
from tests.siteserver import SiteServer

AS_OF = "2024-01-15"
PAGE = "/it/accordi/lisbona-2021/"
SOURCE = "agreements/lisbona-2021.it.md"
SENTINEL = "<!doctype html><title>previous build</title>\n"


def build(content: Path, output: Path, cache: Path) -> tuple[int, str]:
    code, _, stderr = cli("build", "--content", content, "--output", output, "--cache", cache,
                          "--as-of", AS_OF, "--base-url", "https://example.org/accordi/")
    return code, stderr


def edit(content: Path, old: str, new: str) -> int:
    """Replace `old` in the agreement's file; the line `new` is on."""
    path = content / SOURCE
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if new.split("\n")[0] in line)


def note(content: Path, *lines: str) -> None:
    with (content / LEDGER).open("a", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)


def recorded(content: Path, page: str) -> list[str]:
    for line in (content / LEDGER).read_text(encoding="utf-8").splitlines():
        if line.startswith(page + " "):
            return line.split()[1:]
    return []


@pytest.fixture
def published(tmp_path):
    """The fixture site built once from a content without recorded anchors."""
    content = make_site(tmp_path, {LEDGER: None})
    output, cache = tmp_path / "output", tmp_path / "cache"
    code, stderr = build(content, output, cache)
    assert code == 0, stderr
    assert f"content/{LEDGER}: note: recorded 34 new published anchors; commit this file " \
           "with your change" in stderr
    return content, output, cache


def test_the_build_records_every_anchor_of_every_agreement_page(published):
    content, output, _ = published
    lines = (content / LEDGER).read_text(encoding="utf-8").splitlines()
    assert lines[:len(HEADER.splitlines())] == HEADER.splitlines()
    assert recorded(content, PAGE) == [
        "#premesse", "#premesse-1", "#premesse-2", "#art-1", "#art-1-1", "#art-1-2",
        "#art-1-2-a", "#art-1-2-b", "#art-1-3", "#art-1-3-a", "#art-1-3-b", "#art-2", "#firme"]
    html = (output / "it/accordi/lisbona-2021/index.html").read_text(encoding="utf-8")
    assert all(f'id="{a[1:]}"' in html for a in recorded(content, PAGE))
    # the same list as the fixture's, which its own builds keep
    assert (content / LEDGER).read_text(encoding="utf-8") == (FIXTURE / LEDGER).read_text(
        encoding="utf-8")


@pytest.mark.parametrize("level", ["#", "###", "####"])
def test_an_article_heading_at_another_level_stops_the_build(published, level):
    content, output, cache = published
    (output / "index.html").write_text(SENTINEL)
    line = edit(content, "## Art. 2 — Durata", f"{level} Art. 2 — Durata")
    code, stderr = build(content, output, cache)
    assert code == 1
    assert stderr.splitlines()[:2] == [
        f"content/{SOURCE}:{line}: error: field `body`: `{level} Art. 2 — Durata` is an "
        f"article heading at level {len(level)}; articles are `##`",
        "    hint: write `## Art. 2 — Durata`: only a `##` heading gets its anchor (#art-2) "
        "and a place in the contents"]
    assert (output / "index.html").read_text() == SENTINEL


def test_a_section_heading_at_another_level_stops_the_build_at_its_line(published):
    """Not an article, so only the record of published anchors knows `#premesse` is cited."""
    content, output, cache = published
    line = edit(content, "## Premesse", "### Premesse")
    code, stderr = build(content, output, cache)
    assert code == 1
    assert stderr.splitlines() == [
        f"content/{SOURCE}:{line}: error: field `body`: the published anchor `#premesse` would "
        f"vanish from {PAGE}, with the 2 under it (#premesse-1, #premesse-2)",
        f"    hint: make `### Premesse` a `##` heading again; if it was renumbered, add the "
        f"line `{PAGE}#premesse renumbered #<its new anchor>` to content/{LEDGER} (what is "
        f"under it follows); if it was removed, the line `{PAGE}#premesse removed YYYY-MM-DD`",
        "1 error(s), 0 warning(s)",
        f"build stopped: {content.parent / 'output'} was left as it was"]


def test_a_paragraph_that_is_no_longer_numbered_stops_the_build(published):
    content, output, cache = published
    edit(content, "2. La collaborazione riguarda", "La collaborazione riguarda")
    heading = (content / SOURCE).read_text(encoding="utf-8").splitlines().index(
        "## Art. 1 — Oggetto") + 1
    code, stderr = build(content, output, cache)
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"content/{SOURCE}:{heading}: error: field `body`: the published anchor `#art-1-2` "
        f"would vanish from {PAGE}, with the 2 under it (#art-1-2-a, #art-1-2-b)")


@pytest.fixture
def renumbered(published):
    """Art. 1 and 2 become Art. 3 and 4, recorded; one old anchor is noted from before."""
    content, output, cache = published
    edit(content, "## Art. 1 — Oggetto", "## Art. 3 — Oggetto")
    edit(content, "## Art. 2 — Durata", "## Art. 4 — Durata")
    code, stderr = build(content, output, cache)
    assert code == 1 and "the published anchor `#art-1` would vanish" in stderr
    note(content, f"{PAGE}#art-1 renumbered #art-3", f"{PAGE}#art-2 renumbered #art-4")
    code, stderr = build(content, output, cache)
    assert code == 0, stderr
    assert "recorded 9 new published anchors" in stderr
    # Only the list changes now: the page follows it (a build from the same cache).
    note(content, f"{PAGE}#durata renumbered #art-4")
    code, stderr = build(content, output, cache)
    assert code == 0, stderr
    with SiteServer(output, prefix="/accordi/") as server:
        yield content, output, server


def test_a_recorded_renumbering_keeps_the_old_anchors_in_place(renumbered):
    content, output, _ = renumbered
    html = (output / "it/accordi/lisbona-2021/index.html").read_text(encoding="utf-8")
    for old, new in (("art-1", "art-3"), ("art-1-2", "art-3-2"), ("art-1-2-a", "art-3-2-a"),
                     ("art-2", "art-4"), ("durata", "art-4")):
        assert f'<span id="{old}" class="former-anchor"></span>' in html
        inside = html[html.index(">", html.index(f'id="{new}"')) + 1:]  # the new element
        assert re.match(rf'(<span id="[a-z0-9-]+" class="former-anchor"></span>)*'
                        rf'<span id="{old}"', inside), old
    # the old anchors stay recorded, the new ones are added
    assert {"#art-1-2-a", "#art-3-2-a", "#art-4"} <= set(recorded(content, PAGE))
    # the English text was not renumbered: its page is as it was
    english = (output / "en/agreements/lisbona-2021/index.html").read_text(encoding="utf-8")
    assert "former-anchor" not in english and 'id="art-1-2-a"' in english


@pytest.mark.parametrize("scripts", [True, False])
def test_an_old_link_lands_on_the_renumbered_paragraph(renumbered, browser, scripts):
    _, _, server = renumbered
    context = browser.new_context(java_script_enabled=scripts,
                                  viewport={"width": 400, "height": 700})
    page = context.new_page()
    page.goto(server.base_url + "it/accordi/lisbona-2021/#art-1-2-a")
    landed = page.locator("#art-3-2-a")
    assert page.evaluate("() => document.querySelector(':target').id") == "art-1-2-a"
    assert landed.inner_text().startswith("lo scambio di mostre")
    top = landed.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 100, top  # scrolled to it
    # shown as the cited paragraph, as a direct link to it would be
    shown = landed.evaluate("el => getComputedStyle(el).backgroundColor")
    page.goto(server.base_url + "it/accordi/lisbona-2021/#art-3-3-a")
    assert page.locator("#art-3-3-a").evaluate(
        "el => getComputedStyle(el).backgroundColor") == shown != "rgba(0, 0, 0, 0)"
    context.close()


def test_a_recorded_removal_lets_the_build_through(published):
    content, output, cache = published
    path = content / SOURCE
    text = path.read_text(encoding="utf-8")
    start, end = text.index("## Art. 2 — Durata"), text.index("## Firme")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    code, stderr = build(content, output, cache)
    assert code == 1 and "`#art-2` would vanish" in stderr
    note(content, f"{PAGE}#art-2 removed 2024-01-10")
    code, stderr = build(content, output, cache)
    assert code == 0, stderr


def test_the_anchors_found_from_a_text_are_its_pages_own():
    """What a check finds of a body without a page is what its page has, whatever the
    Markdown does."""
    bodies = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
              for p in sorted((FIXTURE / "agreements").glob("*.md"))]
    bodies += [
        "Sintesi.\n\n## Art. 1 \\*bis\\* — *Oggetto* {#oggetto}\n\n1. uno\n\n    1. a\n",
        "## Premesse\n\n- primo\n- secondo\n\n## Art. 2\n\n3. tre\n4. quattro\n",
        "Titolo\n------\n\n1. sotto un titolo sottolineato\n\n## Art. 1\n\n```\n## no\n```\n",
        "## Art. 1\n\n1. voce\n   continua\n\n    1. punto\n    2. punto\n\n2. altra\n",
    ]
    renderer = Renderer()
    for body in bodies:
        summary, text = split_body(body)
        assert anchors_of(summary) == renderer.render(summary).anchors, body
        assert anchors_of(text) == renderer.render(text, 1, "it").anchors, body


def test_the_preview_finds_after_each_edit_what_a_check_finds(published, tmp_path):
    """The preview looks again only at the records an edit made again: after each edit of
    a sequence, what it reports is what a check of the same content from scratch reports,
    including links from a text that did not change to an anchor that went."""
    content, _, _ = published
    builder = LiveBuilder(Paths(content=content, output=tmp_path / "preview"), dt.date(2024, 1, 15))
    assert builder.update().ok
    other = "agreements/ateneo-2021.it.md"
    steps = [
        (SOURCE, "## Premesse", "### Premesse"),   # a published anchor would vanish
        (other, "Il protocollo proroga", "Il protocollo rinnova"),  # and is still missing
        (SOURCE, "### Premesse", "## Premesse"),   # and is back
        (other, "la collaborazione avviata", f"la collaborazione ([durata]({PAGE}#art-2)) avviata"),
        (SOURCE, "## Art. 2 — Durata\n\nIl presente accordo ha durata di tre anni dalla firma."
         "\n\n", ""),  # the linked article goes too
        (LEDGER, None, f"{PAGE}#art-2 removed 2024-01-10"),  # noted: a link to it is kept
        (other, f"{PAGE}#art-2", f"{PAGE}#art-9"),
    ]
    found = []
    for file, old, new in steps:
        if old is None:
            note(content, new)
        else:
            path = content / file
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1),
                            encoding="utf-8")
        live = builder.update()
        _, errors = load_site(Paths(content=content, output=tmp_path / "unused"),
                              dt.date(2024, 1, 15))
        fresh = [e.format() for e in errors.sorted() if e.severity == "error"]
        shown = [e.format() for e in live.errors.sorted() if e.severity == "error"] \
            if live.errors else []
        assert shown == fresh, (file, new)
        found.append([e.split(": error: ")[1].split("\n")[0] for e in fresh])
    vanished = ("field `body`: the published anchor `#premesse` would vanish from "
                "/it/accordi/lisbona-2021/, with the 2 under it (#premesse-1, #premesse-2)")
    assert found == [
        [vanished], [vanished], [], [],
        [f"field `body`: the link `{PAGE}#art-2` points to no anchor `#art-2` on that page",
         "field `body`: the published anchor `#art-2` would vanish from /it/accordi/"
         "lisbona-2021/"],
        [],
        [f"field `body`: the link `{PAGE}#art-9` points to no anchor `#art-9` on that page"]]


def _no_text_parsed(self, source):  # in place of the finder: a build must not need it
    raise AssertionError("a text was parsed for its anchors")


@pytest.mark.parametrize(("incremental", "workers"), [(True, 2), (True, 1), (False, 1)])
def test_a_build_checks_deep_links_against_the_anchors_its_pages_were_made_with(
        tmp_path, monkeypatch, incremental, workers):
    """No text is parsed a second time for its anchors: a build makes its pages, then checks
    the links and the published anchors against what the pages got; an incremental build
    knows the anchors of the pages it did not make again from the last one."""
    content = make_site(tmp_path)
    paths = Paths(content=content, output=tmp_path / "output", cache=tmp_path / "cache")
    as_of = dt.date.fromisoformat(AS_OF)
    monkeypatch.setattr("accordi.bodymarks._AnchorFinder.anchors", _no_text_parsed)
    build_once(paths, as_of, workers=workers, incremental=incremental)
    linker = content / "agreements/ateneo-2019.it.md"
    original = linker.read_text(encoding="utf-8")
    for target in ("#art-2", "#art-1-2-b"):  # the linked page stays as it was
        linker.write_text(original + f"\nVedi [qui]({PAGE}{target}).\n", encoding="utf-8")
        report = build_once(paths, as_of, workers=workers, incremental=incremental)
        assert report.pages >= 1
        html = (paths.output / "it/accordi/ateneo-2019/index.html").read_text(encoding="utf-8")
        assert f'{PAGE}{target}"' in html  # under the site's base path
    linker.write_text(original + f"\nVedi [qui]({PAGE}#art-9).\n", encoding="utf-8")
    with pytest.raises(ContentFailure) as failure:
        build_once(paths, as_of, workers=workers, incremental=incremental)
    assert [e.format() for e in failure.value.collector.sorted()][0].startswith(
        f"content/agreements/ateneo-2019.it.md:{len(original.splitlines()) + 2}: error: "
        f"field `body`: the link `{PAGE}#art-9` points to no anchor `#art-9` on that page")
    assert f'{PAGE}#art-1-2-b"' in (
        paths.output / "it/accordi/ateneo-2019/index.html").read_text(encoding="utf-8")
