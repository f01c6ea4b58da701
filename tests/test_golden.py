"""The fixture sites, built as of 2024-01-15, compared byte for byte with their golden pages:
tests/fixtures/site/ with tests/golden/, tests/fixtures/world/ with tests/golden-world/.

The golden files only say "nothing changed". The other tests here say what the golden files
must contain, so that a wrong page cannot become the reference by a careless `make golden`.
"""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from accordi.cli import load_site
from accordi.config import Paths
from accordi.i18n import strings
from tests.regen_golden import AS_OF, FIXTURE, GOLDEN, GOLDENS, ROOT, build_fixture, html_files

ORIGIN = "https://example.org"
BASE = "/accordi/"
AGREEMENTS = ("lisbona-2021", "lisbona-2012", "ateneo-2019", "ateneo-2021")
# What status.py's rules give for each fixture agreement as of 2024-01-15:
EXPECTED_STATUS = {
    "lisbona-2021": "active",       # signed 2021-03-15 + P3Y = 2024-03-15, still ahead
    "lisbona-2012": "renewed",      # renewed in 2014 and 2017-05, no end of the renewed term
    "ateneo-2019": "superseded",    # extended by ateneo-2021
    "ateneo-2021": "expired",       # expired on 2023-06-30 (day precision)
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("golden") / "output"
    build_fixture(output)
    return output


def read(built: Path, rel: str) -> str:
    return (built / rel).read_text(encoding="utf-8")


class Page(HTMLParser):
    """Just enough of an HTML page: elements with attributes, and the language of each text."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, str | None]] = []  # (text, language of nearest lang=)
        self._stack: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag not in self.VOID:
            parent = self._stack[-1][1] if self._stack else None
            self._stack.append((tag, a.get("lang", parent)))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][0] == "script":
            return  # data blocks (JSON-LD) are not text a reader sees; see test_metadata.py
        if data.strip():
            self.texts.append((" ".join(data.split()), self._stack[-1][1] if self._stack else None))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements
                if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if "id" in a}

    def lang_of(self, fragment: str) -> str | None:
        hits = [lang for text, lang in self.texts if fragment in text]
        assert hits, f"{fragment!r} is not on the page"
        assert len(set(hits)) == 1, f"{fragment!r} appears in several languages: {hits}"
        return hits[0]


def url_of(rel: str) -> str:
    """Site-absolute URL served by output file `rel`."""
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


# -- golden --------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(GOLDENS), ids=lambda fixture: fixture.name)
def built_and_golden(request, built, tmp_path_factory) -> tuple[Path, Path]:
    """Each fixture site built (the ordinary one is `built`), with its golden folder."""
    fixture = request.param
    if fixture == FIXTURE:
        return built, GOLDEN
    output = tmp_path_factory.mktemp(f"golden-{fixture.name}") / "output"
    build_fixture(output, fixture=fixture)
    return output, GOLDENS[fixture]


def test_html_matches_golden(built_and_golden):
    built, golden = built_and_golden
    actual, expected = html_files(built), html_files(golden)
    where = golden.relative_to(ROOT).as_posix()
    hint = ("If the change is intended, run `make golden` (python -m tests.regen_golden) "
            f"and review `git diff {where}`.")
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    assert not missing and not extra, (
        f"the set of pages changed: missing {missing}, new {extra}. {hint}")
    for rel in sorted(expected):
        if actual[rel] != expected[rel]:
            diff = difflib.unified_diff(
                expected[rel].decode("utf-8").splitlines(keepends=True),
                actual[rel].decode("utf-8").splitlines(keepends=True),
                fromfile=f"{where}/{rel}", tofile=f"built/{rel}")
            shown = "".join(list(diff)[:200])
            others = [r for r in sorted(expected) if r != rel and actual[r] != expected[r]]
            pytest.fail(f"{rel} differs from the golden file"
                        f"{f' (and {len(others)} more)' if others else ''}:\n{shown}\n{hint}",
                        pytrace=False)


def test_files_besides_html(built):
    """Besides pages and assets, a build holds .nojekyll, the original documents, the feeds,
    the sitemap and robots.txt, the open data and the search index (each checked in its own
    test file)."""
    others = sorted(p.relative_to(built).as_posix() for p in built.rglob("*")
                    if p.is_file() and p.suffix != ".html"
                    and p.relative_to(built).parts[0] not in ("assets", "data", "pagefind")
                    and p.name != "feed.xml")
    assert others == [".nojekyll", "documents/accordo-lisbona.pdf", "robots.txt", "sitemap.xml"]
    feeds = sorted(p.relative_to(built).as_posix() for p in built.rglob("feed.xml"))
    assert len(feeds) == 2 * (1 + 2 + 3)  # per language: all, 2 partners, 3 themes
    assert (built / "documents/accordo-lisbona.pdf").read_bytes() == (
        FIXTURE / "documents/accordo-lisbona.pdf").read_bytes()


def test_golden_pages_are_the_expected_set():
    """Every record has one page per language, at its localised address."""
    pages = set(html_files(GOLDEN))
    for lang, section in (("it", "accordi"), ("en", "agreements")):
        for aid in AGREEMENTS:
            assert f"{lang}/{section}/{aid}/index.html" in pages
    for rel in ("index.html", "404.html", "it/index.html", "en/index.html",
                "it/partner/lisbona/index.html", "en/partners/ateneo-esempio/index.html",
                "it/temi/ricerca/index.html", "en/themes/turismo/index.html",
                "it/informazioni/index.html", "en/about/index.html",
                "it/metodo/index.html", "en/metodo/index.html",
                "it/dati-aperti/index.html", "en/open-data/index.html",
                "it/cronologia/index.html", "en/timeline/index.html"):
        assert rel in pages
    assert {"it/cerca/index.html", "en/search/index.html"} <= pages
    assert len(pages) == 40


# -- what the golden files must say --------------------------------------------------------


def test_untranslated_agreement_shows_italian_text_marked_as_italian(built):
    html = read(built, "en/agreements/ateneo-2019/index.html")
    page = Page(html)
    assert page.find("html", lang="en")
    notice = strings("en")["fallback_notice"]
    assert html.count(notice) == 2  # over the summary and over the text
    assert page.lang_of(notice) == "en"
    # the Italian summary, articles and title are inside elements with lang="it"
    assert page.lang_of("Il Comune e l'Ateneo collaborano") == "it"
    assert page.lang_of("Le Parti svolgono ricerche congiunte.") == "it"
    assert page.lang_of("Il protocollo dura fino al 30 giugno 2021.") == "it"
    assert page.find("h1", id="title", lang="it")
    assert {"art-1", "art-1-1", "art-1-2", "art-2"} <= page.ids()


def test_italian_only_page_in_english_is_marked(built):
    page = Page(read(built, "en/metodo/index.html"))
    assert page.lang_of(strings("en")["fallback_notice"]) == "en"
    assert page.lang_of("Le date sono riportate con la precisione della fonte") == "it"
    assert page.find("h1", id="title", lang="it")


def test_translated_agreement_has_no_fallback(built):
    html = read(built, "en/agreements/lisbona-2021/index.html")
    page = Page(html)
    assert strings("en")["fallback_notice"] not in html
    assert page.lang_of("The Parties collaborate in culture and tourism.") == "en"
    assert page.lang_of("Unofficial courtesy translation.") == "en"
    assert "Le Parti collaborano" not in html


def test_partly_translated_agreement_falls_back_per_part(built):
    """ateneo-2021.en.md has a title only: the title is English, the summary Italian."""
    page = Page(read(built, "en/agreements/ateneo-2021/index.html"))
    assert page.lang_of("Memorandum of understanding between the City of Example") == "en"
    assert page.lang_of("Il protocollo proroga fino al 30 giugno 2023") == "it"
    assert page.lang_of("Proroga della collaborazione in materia di ricerca") == "it"  # object


def test_article_and_paragraph_anchors(built):
    wanted = {"premesse", "premesse-1", "premesse-2", "art-1", "art-1-1", "art-1-2",
              "art-1-2-a", "art-1-2-b", "art-1-3", "art-1-3-a", "art-1-3-b", "art-2", "firme"}
    it = Page(read(built, "it/accordi/lisbona-2021/index.html"))
    en = Page(read(built, "en/agreements/lisbona-2021/index.html"))
    assert wanted <= it.ids()
    # the same article anchors in both languages, so a citation works in either
    assert {i for i in it.ids() if i.startswith("art-")} == {
        i for i in en.ids() if i.startswith("art-")}
    assert "firme" in en.ids()
    html = read(built, "it/accordi/lisbona-2021/index.html")
    toc = re.findall(r'href="(#[^"]+)"', html.split('<nav class="toc"', 1)[1].split("</nav>")[0])
    assert toc == ["#premesse", "#art-1", "#art-2", "#firme"]
    assert it.find("ol", type="a")


def test_every_page_has_canonical_and_alternates(built):
    pages = html_files(built)
    noindex = sorted(rel for rel, data in pages.items()
                     if b'<meta name="robots" content="noindex">' in data)
    # Not-found pages, and the search page, whose results are other pages.
    assert noindex == ["404.html", "en/404.html", "en/search/index.html", "it/404.html",
                       "it/cerca/index.html"]
    for rel, data in pages.items():
        if rel in noindex:
            continue
        page = Page(data.decode("utf-8"))
        canonical = page.find("link", rel="canonical")
        assert len(canonical) == 1, rel
        own = url_of("it/index.html" if rel == "index.html" else rel)
        assert canonical[0]["href"] == ORIGIN + own, rel
        # the typed alternates are feeds (test_feeds.py) and the data catalogue (test_catalog.py)
        alternates = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")
                      if "type" not in a}
        assert set(alternates) == {"it", "en", "x-default"}, rel
        assert alternates["x-default"] == alternates["it"], rel
        lang = page.find("html")[0]["lang"]
        assert alternates[lang] == canonical[0]["href"], rel
        for href in alternates.values():  # every alternate is a page of the build
            path = href.removeprefix(ORIGIN + BASE)
            assert path + ("index.html" if path.endswith("/") else "") in pages, (rel, href)


@pytest.mark.parametrize("aid", AGREEMENTS)
def test_language_switch_points_to_the_twin(built, aid):
    it = Page(read(built, f"it/accordi/{aid}/index.html"))
    en = Page(read(built, f"en/agreements/{aid}/index.html"))
    assert it.find("a", href=f"/accordi/en/agreements/{aid}/", hreflang="en", lang="en")
    assert en.find("a", href=f"/accordi/it/accordi/{aid}/", hreflang="it", lang="it")


def test_language_switch_on_pages_with_localised_slugs(built):
    it = Page(read(built, "it/informazioni/index.html"))
    en = Page(read(built, "en/about/index.html"))
    assert it.find("a", href="/accordi/en/about/", hreflang="en")
    assert en.find("a", href="/accordi/it/informazioni/", hreflang="it")


def test_year_only_date_is_shown_as_the_year(built):
    it = read(built, "it/accordi/lisbona-2012/index.html")
    en = read(built, "en/agreements/lisbona-2012/index.html")
    assert '<time datetime="2012">2012</time>' in it
    assert '<time datetime="2012">2012</time>' in en
    assert "gennaio 2012" not in it and "January 2012" not in en
    assert "1 gennaio" not in it and "1 January" not in en
    assert "<li>2014</li>" in it and "maggio 2017" in it and "May 2017" in en
    listing = read(built, "it/accordi/index.html")
    assert '<time datetime="2012">2012</time>' in listing


def test_statuses_as_of_reference_day(built):
    site, errors = load_site(Paths(content=FIXTURE, output=built), AS_OF)
    assert site is not None, errors.report()
    assert {a.id: a.status.value for a in site.agreements.values()} == EXPECTED_STATUS
    assert site.agreements["ateneo-2019"].status.by == ("ateneo-2021",)
    for aid, status in EXPECTED_STATUS.items():
        for rel in (f"it/accordi/{aid}/index.html", f"en/agreements/{aid}/index.html"):
            header = read(built, rel).split('<p class="status-line">', 1)[1].split("</p>", 1)[0]
            assert f'class="status status-{status}"' in header, rel
            assert re.search(r"15 (gennaio|January) 2024", header), rel


def test_agreements_listed_in_force_first(built):
    listing = read(built, "it/accordi/index.html")
    order = [m for m in re.findall(r'href="/accordi/it/accordi/([a-z0-9-]+)/"', listing)]
    assert order == ["lisbona-2021", "lisbona-2012", "ateneo-2019", "ateneo-2021"]


def test_document_is_linked_under_the_base_path(built):
    for rel in ("it/accordi/lisbona-2021/index.html", "en/agreements/lisbona-2021/index.html"):
        page = Page(read(built, rel))
        assert page.find("a", href="/accordi/documents/accordo-lisbona.pdf", download="")


def test_footer_licence_is_a_link(built):
    """The licence in the footer is a link, not escaped markup shown as text.
    """
    for rel in ("it/index.html", "en/agreements/lisbona-2021/index.html"):
        html = read(built, rel)
        assert "&lt;a href" not in html, f"{rel}: the licence link is escaped"
        assert Page(html).find("a", href="https://creativecommons.org/licenses/by/4.0/",
                               rel="license"), rel


def test_internal_links_resolve(built):
    """Every site-absolute href/src of every page is a file of the build."""
    pages = html_files(built)
    for rel, data in pages.items():
        for tag, attrs in Page(data.decode("utf-8")).elements:
            for key in ("href", "src"):
                url = attrs.get(key, "").split("#")[0]
                if not url.startswith("/"):
                    continue
                assert url.startswith(BASE), (rel, url)
                path = url.removeprefix(BASE)
                path += "index.html" if path == "" or path.endswith("/") else ""
                assert (built / path).is_file(), (rel, tag, url)


def test_base_url_override(tmp_path):
    output = tmp_path / "output"
    build_fixture(output, base_url="https://example.net/")
    page = Page(read(output, "it/accordi/lisbona-2021/index.html"))
    assert page.find("link", rel="canonical")[0]["href"] == (
        "https://example.net/it/accordi/lisbona-2021/")
    for rel, data in html_files(output).items():
        assert b'href="/accordi/' not in data and b'src="/accordi/' not in data, rel
