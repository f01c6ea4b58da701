"""Atom feeds read by a real feed parser (feedparser): valid, the right entries, links that
lead to real pages, dates from the content rather than the clock, in both languages."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from accordi.cli import build_once, load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.routes import Router
from tests.regen_golden import AS_OF, FIXTURE, build_fixture
from tests.test_golden import Page

PUBLIC = "https://example.org/accordi/"
REAL_AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The real content, built as of REAL_AS_OF under a sub-path; with its model."""
    out = tmp_path_factory.mktemp("feeds-real") / "output"
    paths = Paths(content=PROJECT_ROOT / "content", output=out)
    build_once(paths, REAL_AS_OF, base_url=PUBLIC)
    site, _ = load_site(paths, REAL_AS_OF, PUBLIC)
    return out, site


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("feeds-fixture") / "output"
    build_fixture(out)
    site, _ = load_site(Paths(content=FIXTURE, output=out), AS_OF)
    return out, site


def local_file(out: Path, url: str, origin_base: str) -> Path:
    """The built file that serves an absolute URL of the site."""
    assert url.startswith(origin_base), url
    rel = url[len(origin_base):]
    return out / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)


def feeds_of(out: Path) -> list[Path]:
    return sorted(out.rglob("feed.xml"))


def parse(path: Path):
    return feedparser.parse(path.read_bytes())


def test_every_feed_is_valid_atom_and_every_link_is_a_real_file(real):
    out, site = real
    feeds = feeds_of(out)
    langs = site.settings.languages
    assert len(feeds) == len(langs) * (1 + len(site.partners) + len(site.themes))
    for path in feeds:
        rel = path.relative_to(out).as_posix()
        d = parse(path)
        assert d.bozo == 0, (rel, d.get("bozo_exception"))
        assert d.version == "atom10", rel
        lang = rel.split("/")[0]
        assert d.feed.language == lang, rel
        self_links = [lk.href for lk in d.feed.links if lk.rel == "self"]
        assert self_links == [PUBLIC + rel], rel
        assert d.feed.id == PUBLIC + rel
        page = [lk.href for lk in d.feed.links if lk.rel == "alternate" and lk.type == "text/html"]
        assert len(page) == 1 and local_file(out, page[0], PUBLIC).is_file(), rel
        assert d.feed.link == page[0], rel  # what a reader opens from the feed
        assert d.feed.author_detail.name and d.feed.rights and d.feed.updated_parsed
        ids = [e.id for e in d.entries]
        assert len(ids) == len(set(ids)), rel
        for e in d.entries:
            assert e.id == e.link  # the permalink
            assert local_file(out, e.link, PUBLIC).is_file(), (rel, e.link)
            for lk in e.links:  # the twin page and the JSON record exist too
                assert local_file(out, lk.href, PUBLIC).is_file(), (rel, lk.href)
            assert e.title and e.summary and e.published_parsed and e.updated_parsed


def test_feeds_hold_the_right_agreements_newest_first(real):
    out, site = real
    router = Router(site.settings.base_path, site.settings.origin)
    for lang in site.settings.languages:
        groups = [("feed", None, site.agreements.values())]
        groups += [("partner_feed", p.id, [site.agreements[x] for x in p.agreements])
                   for p in site.partners.values()]
        groups += [("theme_feed", th.id, [site.agreements[x] for x in th.agreements])
                   for th in site.themes.values()]
        for kind, rid, agreements in groups:
            d = parse(out / router.output_path(kind, lang, rid))
            expected = {router.absolute_url("agreement", lang, a.id) for a in agreements}
            assert {e.id for e in d.entries} == expected, (kind, rid, lang)
            published = [e.published_parsed for e in d.entries]
            assert published == sorted(published, reverse=True), (kind, rid, lang)
    # Journalists following one city get only its agreements.
    riga = parse(out / "en/partners/riga/feed.xml")
    assert [e.id for e in riga.entries] == [PUBLIC + "en/agreements/milano-riga-2018/"]
    assert riga.feed.title == "City of Milan: agreements with Riga"
    riga_it = parse(out / "it/partner/riga/feed.xml")
    assert riga_it.feed.title == "Comune di Milano: accordi con Riga"


def test_entries_carry_themes_status_and_both_languages(real):
    out, _ = real
    d = parse(out / "en/agreements/feed.xml")
    riga = next(e for e in d.entries if e.id.endswith("/milano-riga-2018/"))
    assert riga.title == "Memorandum of collaboration between Milan and Riga"
    assert "Expired" in riga.summary and "2 February 2018" in riga.summary
    assert {t.term for t in riga.tags} >= {"cultura", "moda", "design"}
    assert "Culture" in {t.label for t in riga.tags}
    assert riga.link == PUBLIC + "en/agreements/milano-riga-2018/"
    related = {(lk.get("hreflang"), lk.type): lk.href for lk in riga.links if lk.rel == "related"}
    assert related == {("it", "text/html"): PUBLIC + "it/accordi/milano-riga-2018/",
                       (None, "application/json"):
                       PUBLIC + "data/agreements/milano-riga-2018.json"}
    it = parse(out / "it/accordi/feed.xml")
    riga_it = next(e for e in it.entries if e.id.endswith("/milano-riga-2018/"))
    assert riga_it.title == "Memorandum di collaborazione tra Milano e Riga"
    assert "Scaduto" in riga_it.summary


def test_untranslated_title_is_marked_italian_in_the_english_feed(fixture_site):
    out, _ = fixture_site
    d = parse(out / "en/agreements/feed.xml")
    assert d.bozo == 0
    untranslated = next(e for e in d.entries if e.id.endswith("/ateneo-2019/"))
    assert untranslated.title_detail.language == "it"
    translated = next(e for e in d.entries if e.id.endswith("/lisbona-2021/"))
    assert translated.title_detail.language == "en"
    assert "xml:lang=\"it\"" in (out / "en/agreements/feed.xml").read_text(encoding="utf-8")


def test_entry_dates_come_from_the_content(fixture_site):
    """`published` is the signing; `updated` the latest event by the reference day."""
    out, _ = fixture_site
    d = parse(out / "it/accordi/feed.xml")
    dates = {e.id.rsplit("/", 2)[1]: (e.published[:10], e.updated[:10]) for e in d.entries}
    assert dates == {
        "lisbona-2021": ("2021-03-15", "2021-03-15"),  # signed, still in force
        "ateneo-2021": ("2021-07-06", "2023-07-01"),   # expired after 30 June 2023
        "ateneo-2019": ("2019-06-20", "2021-07-06"),   # extended by ateneo-2021
        "lisbona-2012": ("2012-01-01", "2017-05-01"),  # year-only signing; renewed 2017-05
    }
    assert d.feed.updated[:10] == "2023-07-01"
    assert AS_OF.isoformat() not in (out / "it/accordi/feed.xml").read_text(encoding="utf-8")


def _cli_build(output: Path, env_extra: dict[str, str], *args: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", **env_extra}
    subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--content",
                    str(FIXTURE), "--output", str(output), *args],
                   check=True, capture_output=True, env=env, cwd=PROJECT_ROOT, timeout=120)


def test_feeds_are_reproducible_from_the_reference_day(tmp_path):
    """--as-of and SOURCE_DATE_EPOCH of the same day give the same bytes, whenever built."""
    a, b = tmp_path / "a", tmp_path / "b"
    _cli_build(a, {}, "--as-of", "2024-01-15")
    epoch = int(dt.datetime(2024, 1, 15, 12, tzinfo=dt.UTC).timestamp())
    _cli_build(b, {"SOURCE_DATE_EPOCH": str(epoch)})
    feeds = [p.relative_to(a) for p in feeds_of(a)]
    assert feeds and feeds == [p.relative_to(b) for p in feeds_of(b)]
    for rel in feeds:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_pages_link_their_feeds(real):
    out, _ = real
    cases = {
        "it/partner/riga/index.html": "/accordi/it/partner/riga/feed.xml",
        "en/partners/riga/index.html": "/accordi/en/partners/riga/feed.xml",
        "it/temi/cultura/index.html": "/accordi/it/temi/cultura/feed.xml",
        "en/themes/cultura/index.html": "/accordi/en/themes/cultura/feed.xml",
        "it/accordi/index.html": "/accordi/it/accordi/feed.xml",
        "en/agreements/index.html": "/accordi/en/agreements/feed.xml",
    }
    for rel, feed in cases.items():
        page = Page((out / rel).read_text(encoding="utf-8"))
        head = [a["href"] for a in page.find("link", rel="alternate", type="application/atom+xml")]
        assert feed in head, rel
        visible = page.find("a", href=feed, type="application/atom+xml")
        assert len(visible) == 1, rel
        assert (out / feed.removeprefix("/accordi/")).is_file()
    # Every page offers the feed of all agreements in its language to feed readers.
    home = Page((out / "en/index.html").read_text(encoding="utf-8"))
    assert [a["href"] for a in home.find("link", type="application/atom+xml")] == [
        "/accordi/en/agreements/feed.xml"]
