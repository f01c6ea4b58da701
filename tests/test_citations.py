"""Citations and deep links: every article and numbered paragraph links to itself (made at
build time, reachable by keyboard, shown on focus or hover), and the citation block offers the
Italian and English forms with their permalinks and the reader's date of access."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from accordi.converter import Renderer
from accordi.dates import PartialDate
from accordi.text import self_link_label, split_body
from tests.gates import axe_violations
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
AS_OF = dt.date(2026, 1, 1)
RIGA = {"it": "it/accordi/milano-riga-2018/", "en": "en/agreements/milano-riga-2018/"}
# The real agreement whose text has numbered articles, paragraphs and points.
CCIAA = {"it": "it/accordi/milano-cciaa-2021/", "en": "en/agreements/milano-cciaa-2021/"}
BODY = """Sintesi.

## Premesse

- primo;
- secondo.

## Art. 1 — Oggetto

1. Primo comma.
2. Secondo comma:

    1. punto a;
    2. punto b.

## Art. 2 — Durata

Tre anni.
"""


# -- built into the HTML by text.py -------------------------------------------------------


def test_labels_name_the_article_paragraph_and_point_in_each_language():
    assert self_link_label("it", "Art. 1 — Oggetto") == "Collegamento all'art. 1"
    assert self_link_label("en", "Art. 1 — Oggetto", 3) == "Link to art. 1, paragraph 3"
    assert (self_link_label("it", "Art. 12 — Foro", 3, "a")
            == "Collegamento all'art. 12, comma 3, lettera a")
    assert self_link_label("en", "Article 4", 2, "b") == "Link to art. 4, paragraph 2, point b"
    assert self_link_label("it", "Premesse", 2) == "Collegamento alla sezione «Premesse», punto 2"
    assert self_link_label("en", "Premises") == "Link to section “Premises”"


def test_every_anchor_gets_exactly_one_link_to_itself():
    r = Renderer().render(split_body(BODY)[1], links="en")
    links = re.findall(r'<a aria-label="([^"]+)" class="self-link" href="#([^"]+)"></a>', r.html)
    assert [href for _, href in links] == [
        "premesse", "premesse-1", "premesse-2", "art-1", "art-1-1", "art-1-2", "art-1-2-a",
        "art-1-2-b", "art-2"]
    assert sorted(href for _, href in links) == sorted(r.anchors)
    assert dict((h, label) for label, h in links)["art-1-2-a"] == \
        "Link to art. 1, paragraph 2, point a"
    # The paragraph's link follows its own words, before its points.
    assert ('<p>Secondo comma:<a aria-label="Link to art. 1, paragraph 2" class="self-link" '
            'href="#art-1-2"></a></p>') in r.html or (
        'Secondo comma:<a aria-label="Link to art. 1, paragraph 2" class="self-link" '
        'href="#art-1-2"></a>\n<ol type="a">') in r.html
    assert r.toc[1] == ("art-1", "Art. 1 — Oggetto")  # the table of contents is unchanged


def test_links_are_opt_in_and_marked_when_the_text_is_in_another_language():
    plain = Renderer().render(split_body(BODY)[1])
    assert "self-link" not in plain.html
    fallback = Renderer().render(split_body(BODY)[1], links="en", text_lang="it")
    assert '<a aria-label="Link to art. 2" class="self-link" href="#art-2" lang="en">' \
        in fallback.html
    same = Renderer().render(split_body(BODY)[1], links="it", text_lang="it")
    assert 'lang="' not in same.html


# -- in the browser, on the real content -------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("cite") / "output"
    build_once(Paths(content=PROJECT_ROOT / "content", output=out), AS_OF, base_url=PUBLIC)
    with SiteServer(out, prefix="/accordi/") as server:
        yield out, server


def test_every_article_and_paragraph_of_the_real_texts_links_to_itself(served):
    out, _ = served
    checked = 0
    for page in sorted(out.glob("*/*/*/index.html")):
        html = page.read_text()
        if 'class="prose agreement-text"' not in html:
            continue
        section = html.split('class="prose agreement-text"', 1)[1].split("</section>", 1)[0]
        text = section.split("</nav>", 1)[1]  # after the table of contents
        ids = re.findall(r'<(?:h3|li) id="([^"]+)"', text)
        links = re.findall(r'class="self-link" href="#([^"]+)"', text)
        assert ids and sorted(links) == sorted(ids), page
        checked += len(ids)
    assert checked >= 80  # both languages of the agreement with numbered articles


def test_links_show_on_focus_and_hover_and_are_reached_by_keyboard(served, browser):
    _, server = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.base_url + CCIAA["en"])
    link = page.locator("a.self-link[href='#art-1']")
    assert link.get_attribute("aria-label") == "Link to art. 1"
    opacity = "el => getComputedStyle(el).opacity"
    assert link.evaluate(opacity) == "0"
    page.hover("#art-1")
    assert link.evaluate(opacity) == "1"
    page.mouse.move(0, 0)
    assert link.evaluate(opacity) == "0"
    # From the heading's table-of-contents entry, Tab walks into the text's links.
    page.focus(".toc li:last-child a")
    seen = []
    for _ in range(3):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.getAttribute('href')"))
    first = page.locator(".agreement-text a.self-link").first.get_attribute("href")
    assert first in seen
    focused = page.locator(":focus")
    assert focused.evaluate(opacity) == "1"
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    box = focused.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24  # a target big enough to hit
    href = focused.get_attribute("href")
    page.keyboard.press("Enter")
    # Following a link within the page is not instant: wait for it (5 s at most).
    page.wait_for_function("h => location.hash === h", arg=href, timeout=5000)
    assert urlsplit_fragment(page.url) == href
    page.close()


def urlsplit_fragment(url: str) -> str:
    return "#" + url.split("#", 1)[1] if "#" in url else ""


def test_a_paragraph_address_lands_on_the_paragraph(served, browser):
    _, server = served
    page = browser.new_page()
    page.goto(server.base_url + CCIAA["it"] + "#art-1-2")
    assert page.evaluate("document.querySelector(':target').id") == "art-1-2"
    link = page.locator("#art-1-2 > a.self-link, #art-1-2 > p > a.self-link")
    assert link.get_attribute("aria-label") == "Collegamento all'art. 1, comma 2"
    page.close()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_citation_in_both_languages_with_the_readers_date_of_access(served, browser, lang):
    _, server = served
    day = dt.datetime(2026, 3, 5, 10, 30)
    page = browser.new_page()
    page.clock.set_fixed_time(day)
    page.goto(server.base_url + RIGA[lang])
    forms = {dd.get_attribute("lang"): dd.inner_text()
             for dd in page.locator(".citations dd").all()}
    assert set(forms) == {"it", "en"}
    assert page.locator(".citations dt").first.inner_text() == (
        "Italiano" if lang == "it" else "English")  # the reader's language first
    for lg, text in forms.items():
        assert PUBLIC + RIGA[lg] in text
        accessed = PartialDate.from_date(day.date()).format(lg)
        assert accessed in ("5 marzo 2026", "5 March 2026")
        want = f"consultato il {accessed}." if lg == "it" else f"accessed {accessed}."
        assert text.endswith(want), text
    assert "«Memorandum di collaborazione tra Milano e Riga»" in forms["it"]
    assert "“Memorandum of collaboration between Milan and Riga”" in forms["en"]
    assert page.locator(".citations time").first.get_attribute("datetime") == "2026-03-05"
    page.close()


def test_without_javascript_the_citation_keeps_a_placeholder(served, browser):
    _, server = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base_url + RIGA["en"])
    texts = page.locator(".citations dd").all_inner_texts()
    assert texts[0].endswith("accessed [date of access].")
    assert texts[1].endswith("consultato il [data di consultazione].")
    context.close()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_axe_passes_with_a_link_focused(served, browser, lang):
    _, server = served
    context = browser.new_context(bypass_csp=True)  # to inject axe only
    page = context.new_page()
    page.goto(server.base_url + CCIAA[lang] + "#art-1-1")
    page.focus("#art-2 a.self-link")
    assert axe_violations(page) == []
    context.close()
