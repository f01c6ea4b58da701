"""Link previews and machine-readable records: a description and Open Graph tags on every
page, a schema.org Legislation record (JSON-LD) on every agreement page, read as JSON and,
in Chromium, under the page's Content Security Policy."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from accordi.cli import build_once, load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.i18n import strings
from tests.browser import launch
from tests.siteserver import SiteServer
from tests.test_golden import Page

PUBLIC = "https://example.org/accordi/"
AS_OF = dt.date(2026, 1, 1)
OG_LOCALE = {"it": "it_IT", "en": "en_GB"}
LEGAL_FORCE = {"active": "https://schema.org/InForce", "expired": "https://schema.org/NotInForce",
               "superseded": "https://schema.org/NotInForce",
               "pending": "https://schema.org/NotInForce", "unknown": None, "renewed": None,
               "suspended": "https://schema.org/NotInForce",
               "terminated": "https://schema.org/NotInForce"}

SEARCH_PAGES = {"it/cerca/index.html", "en/search/index.html"}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("meta") / "output"
    paths = Paths(content=PROJECT_ROOT / "content", output=out)
    build_once(paths, AS_OF, base_url=PUBLIC)
    site, _ = load_site(paths, AS_OF, PUBLIC)
    return out, site


def pages(out: Path) -> dict[str, Page]:
    return {p.relative_to(out).as_posix(): Page(p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.html")) if p.relative_to(out).parts[0] != "assets"}


def meta(page: Page, **attrs: str) -> list[str]:
    return [m["content"] for m in page.find("meta", **attrs)]


def ld_json(text: str) -> list[dict]:
    """Every JSON-LD block of a page, parsed."""
    out, start = [], 0
    opening = '<script type="application/ld+json">'
    while (i := text.find(opening, start)) >= 0:
        end = text.index("</script>", i)
        out.append(json.loads(text[i + len(opening):end]))
        start = end
    return out


def test_every_page_has_a_meaningful_description_unique_in_its_language(real):
    out, _ = real
    seen: dict[tuple[str, str], str] = {}
    for rel, page in pages(out).items():
        descriptions = meta(page, name="description")
        assert len(descriptions) == 1, rel
        text = descriptions[0]
        assert len(text) >= 40, (rel, text)
        title = page.find("html")[0]
        if rel == "index.html" or rel.endswith("404.html") or rel in SEARCH_PAGES:
            continue  # the root repeats the Italian home; 404 and search pages are noindex
        key = (title["lang"], text)
        assert key not in seen, f"{rel} has the same description as {seen.get(key)}"
        seen[key] = rel
    riga = Page((out / "en/partners/riga/index.html").read_text(encoding="utf-8"))
    assert meta(riga, name="description") == [
        "City of Milan: 1 agreement with Riga (Latvia). Capital of Latvia, on the Baltic Sea "
        "at the mouth of the Daugava river."]


def test_open_graph_tags_on_every_indexable_page(real):
    out, site = real
    titles = site.settings.title
    for rel, page in pages(out).items():
        if rel.endswith("404.html") or rel in SEARCH_PAGES:
            assert meta(page, property="og:title") == [], rel  # not for sharing
            continue
        lang = page.find("html")[0]["lang"]
        canonical = page.find("link", rel="canonical")[0]["href"]
        assert meta(page, property="og:url") == [canonical], rel
        assert meta(page, property="og:type") == ["website"], rel
        assert meta(page, property="og:site_name") == [titles[lang]], rel
        assert meta(page, property="og:locale") == [OG_LOCALE[lang]], rel
        other = "en" if lang == "it" else "it"
        assert meta(page, property="og:locale:alternate") == [OG_LOCALE[other]], rel
        assert meta(page, property="og:description") == meta(page, name="description"), rel
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", (out / rel).read_text(encoding="utf-8"), re.S)
        assert meta(page, property="og:title") == [html.unescape(h1.group(1).strip())], rel


def test_json_ld_of_every_agreement_page_is_a_legislation_record(real):
    out, site = real
    for aid, a in site.agreements.items():
        for lang, section in (("it", "accordi"), ("en", "agreements")):
            text = (out / f"{lang}/{section}/{aid}/index.html").read_text(encoding="utf-8")
            (record,) = ld_json(text)
            url = f"{PUBLIC}{lang}/{section}/{aid}/"
            assert record["@context"] == "https://schema.org"
            assert record["@type"] == "Legislation"
            assert record["@id"] == record["url"] == url
            assert record["identifier"] == aid
            assert record["legislationDate"] == a.signed.iso()
            assert record["legislationType"] == strings(lang)[f"type_{a.type}"]
            assert record["name"] == a.title[lang]
            assert record["inLanguage"] == lang
            assert record.get("legislationLegalForce") == LEGAL_FORCE[a.status.value], aid
            assert record["isPartOf"]["url"] == PUBLIC
            assert record["publisher"]["name"] == site.settings.owner_name[lang]
            assert record["license"] == site.settings.licence["url"]
            assert record["encoding"]["contentUrl"] == f"{PUBLIC}data/agreements/{aid}.json"
            assert (out / f"data/agreements/{aid}.json").is_file()
            twin = f"{PUBLIC}en/agreements/{aid}/" if lang == "it" else f"{PUBLIC}it/accordi/{aid}/"
            key = "workTranslation" if lang == "it" else "translationOfWork"
            linked = record[key] if isinstance(record[key], dict) else record[key][0]
            assert linked == {"@id": twin}
    # The real content has each kind of legal force: claimed, denied, and left unsaid.
    values = {a.status.value for a in site.agreements.values()}
    assert {"expired", "renewed"} <= values
    assert [ld_json((out / f"{p}index.html").read_text(encoding="utf-8")) for p in
            ("it/", "it/temi/cultura/", "en/open-data/")] == [[]] * 3


def test_json_ld_of_every_partner_page_names_the_partner(real):
    out, site = real
    for pid, p in site.partners.items():
        for lang, section in (("it", "partner"), ("en", "partners")):
            (record,) = ld_json((out / f"{lang}/{section}/{pid}/index.html").read_text(
                encoding="utf-8"))
            url = f"{PUBLIC}{lang}/{section}/{pid}/"
            assert record["@id"] == record["url"] == url
            assert record["@type"] == {"city": "City", "institution": "Organization"}[p.kind]
            assert record["address"] == {"@type": "PostalAddress", "addressCountry": p.country}
            name = p.name.get(lang, p.name["it"])
            assert record["name"] in (name, {"@value": name, "@language": "it"})
            assert record.get("alternateName") == (
                [{"@value": n.text, "@language": n.lang} for n in p.name_local] or None)


def test_json_ld_cannot_be_closed_by_content(tmp_path, write_site):
    """A title with markup in it stays inside the data block, as JSON."""
    content = write_site(tmp_path, {})
    src = content / "agreements/lisbona-2021.en.md"
    hostile = 'Agreement </script><script>alert(1)</script> & "more"'
    src.write_text(_retitle(src.read_text(encoding="utf-8"), hostile), encoding="utf-8")
    out = tmp_path / "output"
    build_once(Paths(content=content, output=out), AS_OF)
    text = (out / "en/agreements/lisbona-2021/index.html").read_text(encoding="utf-8")
    (record,) = ld_json(text)
    assert record["name"] == hostile
    assert text.count("<script") == text.count('<script type="module"') + 1  # + the data


def _retitle(front_matter_file: str, title: str) -> str:
    lines = front_matter_file.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            lines[i] = "title: " + json.dumps(title) + "\n"
            break
    return "".join(lines)


def test_chromium_reads_the_json_ld_without_any_csp_violation(real):
    """JSON-LD is a data block, never executed: the CSP (script-src 'self') must not report
    it, and it must still be readable by scripts and crawlers from the DOM."""
    out, site = real
    with SiteServer(out, prefix="/accordi/") as server, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        context.add_init_script("""
            window.__violations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning")
                else None)
        for aid in list(site.agreements)[:3]:
            for rel in (f"it/accordi/{aid}/", f"en/agreements/{aid}/"):
                page.goto(server.base_url + rel)
                csp = page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
                assert "script-src 'self'" in csp and "unsafe-inline" not in csp
                texts = page.eval_on_selector_all(
                    "script[type='application/ld+json']", "els => els.map(e => e.textContent)")
                assert len(texts) == 1
                assert json.loads(texts[0])["identifier"] == aid
                assert page.evaluate("window.__violations") == [], rel
        # The same page with an inline executable script is refused: the policy is active.
        page.goto(server.base_url + f"it/accordi/{aid}/")
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
        assert page.evaluate("window.__ran === undefined")
        assert page.evaluate("window.__violations.length") == 1
        assert [m for m in console if "Content Security Policy" in m] == [
            m for m in console if "inline script" in m]  # only the smuggled one
        assert len([m for m in console if "Content Security Policy" in m]) == 1
        context.close()
        browser.close()
