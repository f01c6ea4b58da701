"""The invented city of tests/fixtures/world/, built with its search index, in headless
Chromium: names in a right-to-left script keep their own direction without upsetting the
sentence around them, and search finds a partner by its name in its own script.
"""

from __future__ import annotations

import shutil

import pytest

from accordi.cli import build_once
from accordi.config import Paths
from tests.regen_golden import AS_OF, WORLD
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
SEARCH = {"it": "it/cerca/", "en": "en/search/"}
TEL_AVIV = {"it": "it/partner/tel-aviv/", "en": "en/partners/tel-aviv/"}
PARTNERS = {"it": "it/partner/", "en": "en/partners/"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The world fixture built as the build does it, search index included (from a copy:
    the build records its addresses beside the content)."""
    tmp = tmp_path_factory.mktemp("world")
    content = tmp / "content"
    shutil.copytree(WORLD, content)
    out = tmp / "output"
    report = build_once(Paths(content=content, output=out), AS_OF, base_url=PUBLIC)
    assert report.search.pages, "the build made no search index"
    with SiteServer(out, prefix="/accordi/") as server:
        yield out, server


# What the page shows of each right-to-left name, measured by Chromium's layout: the name's
# element, its language and direction, its isolation, and where the text around it is drawn.
MEASURE = """(selector) => {
    const box = (node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    const charBox = (textNode, i) => {
        const range = document.createRange();
        range.setStart(textNode, i);
        range.setEnd(textNode, i + 1);
        const r = range.getBoundingClientRect();
        return {left: r.left, right: r.right};
    };
    return [...document.querySelectorAll(selector)].map((el) => {
        const style = getComputedStyle(el);
        const parent = el.parentElement;
        const text = el.firstChild;
        const after = el.nextSibling, before = el.previousSibling;
        return {
            tag: el.tagName.toLowerCase(), lang: el.getAttribute('lang'),
            dirAttr: el.getAttribute('dir'), direction: style.direction,
            unicodeBidi: style.unicodeBidi, text: el.textContent,
            parentDirection: getComputedStyle(parent).direction,
            box: box(el),
            first: text && text.nodeType === 3 ? charBox(text, 0) : null,
            last: text && text.nodeType === 3 ? charBox(text, text.length - 1) : null,
            before: before && before.textContent.trim() ? box(before) : null,
            after: after && after.textContent.trim() ? box(after) : null,
            afterText: after ? after.textContent : null,
        };
    });
}"""


def rtl_problems(page, selector: str = ".name-local") -> list[str]:
    """Every way a right-to-left name on the page is marked or drawn wrongly, one line each."""
    problems = []
    names = [n for n in page.evaluate(MEASURE, selector) if n["lang"] in ("he", "ar")]
    assert names, f"no Hebrew or Arabic name matched {selector!r}"
    for n in names:
        who = f"{n['lang']} {n['text']!r}"
        if n["dirAttr"] != "rtl":
            problems.append(f"{who}: dir={n['dirAttr']!r}, not 'rtl'")
        if n["direction"] != "rtl":
            problems.append(f"{who}: computed direction {n['direction']!r}")
        if n["tag"] != "bdi" and n["unicodeBidi"] not in ("isolate", "isolate-override"):
            problems.append(f"{who}: a <{n['tag']}> with unicode-bidi {n['unicodeBidi']!r}: "
                            "not isolated from the sentence")
        if n["parentDirection"] != "ltr":
            problems.append(f"{who}: the sentence around it is {n['parentDirection']!r}")
        # Inside the name, right to left: its first letter is drawn at its right end.
        if n["first"] and n["last"] and not n["first"]["left"] > n["last"]["left"]:
            problems.append(f"{who}: its first letter is not right of its last")
        # Around it, left to right: what comes before is to its left, what follows to its
        # right (on the same line).
        b, before, after = n["box"], n["before"], n["after"]
        if before and before["bottom"] > b["top"] and before["right"] > b["left"] + 1:
            problems.append(f"{who}: the text before it is drawn to its right")
        if after and after["top"] < b["bottom"] and after["left"] < b["right"] - 1:
            problems.append(f"{who}: the text after it ({n['afterText']!r}) is drawn to its left")
    return problems


@pytest.mark.parametrize("lang", ["it", "en"])
def test_right_to_left_names_keep_their_direction_and_the_sentence_its_order(
        served, browser, lang):
    """Tel Aviv-Yafo's Hebrew and Arabic names, in the partner page's sentence ("Names in the
    local languages: <he> (Hebrew), <ar> (Arabic).") and on the partner cards (the two names
    side by side, with a dot between: without isolation the dot would join them in one
    right-to-left run and swap them)."""
    _, server = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for rel in (TEL_AVIV[lang], PARTNERS[lang]):
        page.goto(server.base_url + rel)
        assert page.locator(".name-local[lang=he]").count() >= 1, rel
        assert page.locator(".name-local[lang=ar]").count() >= 1, rel
        assert rtl_problems(page) == [], rel
    page.close()


def test_the_check_fails_without_dir_or_isolation(served, browser):
    """The same measures on the same page fail once the names lose `dir`, and once they are
    plain spans, neither marked nor isolated: the test above can fail."""
    _, server = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.base_url + PARTNERS["it"])
    assert rtl_problems(page) == []
    page.evaluate("""() => document.querySelectorAll('.name-local')
                            .forEach((el) => el.removeAttribute('dir'))""")
    without_dir = rtl_problems(page)
    assert any("dir=None" in p for p in without_dir), without_dir
    page.evaluate("""() => document.querySelectorAll('bdi.name-local').forEach((el) => {
        const span = document.createElement('span');
        span.className = el.className;
        span.lang = el.lang;
        span.textContent = el.textContent;
        el.replaceWith(span);
    })""")
    plain = rtl_problems(page)
    assert any("not isolated" in p for p in plain), plain
    # Tel Aviv-Yafo's card: Hebrew, a dot, Arabic; unisolated, the Arabic name is drawn first.
    assert any("drawn to its" in p for p in plain), plain
    page.close()


def search(page, server, lang: str, query: str) -> list[str]:
    """Type `query` into the search page of `lang`; the result links, below the base URL."""
    page.goto(server.base_url + SEARCH[lang])
    page.locator("#search-q").press_sequentially(query, delay=20)
    status = page.locator("#search-status")
    status.filter(has_text=query).wait_for(timeout=15_000)
    return [a.get_attribute("href").removeprefix("/accordi/")
            for a in page.locator("#search-list h3 a").all()]


@pytest.mark.parametrize(("lang", "query", "partner"), [
    ("it", "大阪市", {"it": "it/partner/osaka/", "en": "en/partners/osaka/"}),
    ("en", "大阪市", {"it": "it/partner/osaka/", "en": "en/partners/osaka/"}),
    ("it", "תל אביב-יפו", TEL_AVIV),
    ("en", "تل أبيب", TEL_AVIV),
    ("it", "Київ", {"it": "it/partner/kyiv/", "en": "en/partners/kyiv/"}),
])
def test_search_finds_a_partner_by_its_name_in_its_own_script(
        served, browser, lang, query, partner):
    _, server = served
    page = browser.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    found = search(page, server, lang, query)
    assert partner[lang] in found, (query, found)
    assert all(url.startswith(f"{lang}/") for url in found), found
    assert problems == []
    page.close()


def test_a_name_no_page_has_finds_nothing(served, browser):
    """The searches above find the partner by its name, not any page for any query."""
    _, server = served
    page = browser.new_page()
    assert search(page, server, "it", "東京都") == []
    page.close()
