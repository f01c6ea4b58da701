"""Drafts (`draft: true`, as `build.py import` writes records): checked like every record,
shown by the preview with a banner in both languages (in real Chromium, without an axe-core
violation), and never published by a build: no page, list, feed, data file or relation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accordi.cli import build_once
from accordi.config import Paths
from accordi.errors import ContentFailure
from tests.conftest import FIXTURE, make_site
from tests.gates import axe_violations
from tests.live import LiveBuilder
from tests.siteserver import SiteServer

AS_OF = dt.date(2024, 1, 15)
SOURCE = (FIXTURE / "agreements" / "lisbona-2021.it.md").read_text(encoding="utf-8")
DRAFT = SOURCE.replace("id: lisbona-2021", "id: lisbona-2024\ndraft: true").replace(
    "signed: 2021-03-15", "signed: 2024-01-10\nextends: [lisbona-2021]").replace(
    "hanno firmato un accordo", "hanno firmato la bozza di un accordo")
TWIN = "---\ntitle: Draft agreement with Lisbon\n---\nA summary.\n\n## Art. 1\n\n1. Text.\n"
FILES = {"agreements/lisbona-2024.it.md": DRAFT, "agreements/lisbona-2024.en.md": TWIN}


def _published(out: Path) -> str:
    """Every text file of a built site, joined."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt", ".csv"))


def test_a_build_leaves_a_draft_out(tmp_path):
    assert "hanno firmato la bozza" in DRAFT  # the draft's own words, to look for
    content = make_site(tmp_path, FILES)
    out = tmp_path / "out"
    build_once(Paths(content=content, output=out), AS_OF)
    assert not (out / "it" / "accordi" / "lisbona-2024").exists()
    assert not (out / "en" / "agreements" / "lisbona-2024").exists()
    everything = _published(out)
    assert "lisbona-2024" not in everything and "la bozza di un accordo" not in everything
    assert "lisbona-2024" not in (content / "published-urls.txt").read_text()
    # The agreement it extends is not shown as extended by it.
    page = (out / "it" / "accordi" / "lisbona-2021" / "index.html").read_text()
    plain = tmp_path / "plain"
    build_once(Paths(content=make_site(tmp_path / "p"), output=plain), AS_OF)
    assert page == (plain / "it" / "accordi" / "lisbona-2021" / "index.html").read_text()


def test_a_broken_draft_stops_the_build_like_any_record(tmp_path):
    content = make_site(tmp_path, {**FILES, "agreements/lisbona-2024.it.md": DRAFT.replace(
        "signed: 2024-01-10", "signed: 2024-02-30")})
    with pytest.raises(ContentFailure) as failure:
        build_once(Paths(content=content, output=tmp_path / "out"), AS_OF)
    assert "lisbona-2024.it.md" in failure.value.collector.report()
    assert "February 2024 has 29 days" in failure.value.collector.report()


def test_a_published_record_may_not_name_a_draft(tmp_path):
    later = SOURCE.replace("id: lisbona-2021", "id: lisbona-2026").replace(
        "signed: 2021-03-15", "signed: 2026-01-10\nsupersedes: [lisbona-2024]")
    content = make_site(tmp_path, {**FILES, "agreements/lisbona-2026.it.md": later})
    with pytest.raises(ContentFailure) as failure:
        build_once(Paths(content=content, output=tmp_path / "out"), AS_OF)
    report = failure.value.collector.report()
    assert "lisbona-2026.it.md" in report and "field `supersedes`, 1st item" in report
    assert "`lisbona-2024` is a draft, which the published site leaves out" in report
    preview = LiveBuilder(Paths(content=content, output=tmp_path / "pre"), AS_OF, drafts=True)
    assert preview.update().ok  # the preview shows both


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafts")
    content = make_site(root, FILES)
    out = root / "preview"
    changes = LiveBuilder(Paths(content=content, output=out), AS_OF, drafts=True).update()
    assert changes.ok, changes.errors.report() if changes.errors else ""
    with SiteServer(out, prefix="/accordi/") as server:  # the fixture's base_url
        yield out, server


@pytest.mark.parametrize("address, banner", [
    ("it/accordi/lisbona-2024/", "Bozza."), ("en/agreements/lisbona-2024/", "Draft.")])
def test_the_preview_shows_a_draft_with_a_banner(preview, browser, address, banner):
    out, server = preview
    context = browser.new_context(bypass_csp=True)  # to inject axe only
    page = context.new_page()
    try:
        page.goto(server.base_url + address)
        note = page.locator(".draft-banner")
        assert note.is_visible() and note.inner_text().startswith(banner)
        assert note.get_attribute("role") == "note"
        assert page.locator("#art-1").count() == 1  # its articles are linkable
        assert axe_violations(page) == []
        other = context.new_page()
        other.goto(server.base_url + address.replace("lisbona-2024", "lisbona-2021"))
        assert other.locator(".draft-banner").count() == 0  # published records have none
        other.close()
    finally:
        context.close()
