"""Hostile content is inert: markup in any field is text, dangerous addresses are refused.

The hostile fixture site (tests/fixtures/hostile/, written by tests/hostile.py) carries every
string of the corpus in every field of its records and in every Markdown construct. It must
build, and in headless Chromium, with the page's CSP switched off so that escaping alone is on
trial, no page may open a dialog, run a payload, log an error, load anything from another
host, or contain an element or attribute that the templates and Markdown do not make.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from accordi.bodychecks import link_problems
from accordi.cli import build_once, load_site
from accordi.config import Paths
from accordi.converter import Renderer
from accordi.links import embed_problem, link_problem
from tests.browser import launch
from tests.conftest import FIGURES
from tests.hostile import (
    FORMULA_START,
    FORMULAS,
    HOSTILE_SITE,
    LINK_FORMS,
    PAYLOADS,
    UNSAFE_LINKS,
    UNSAFE_PICTURES,
    UNSAFE_YAML_URLS,
    write_site,
)
from tests.siteserver import SiteServer

AS_OF = dt.date(2024, 1, 15)
# Every element the templates and the Markdown renderer make; nothing else may appear.
ELEMENTS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "div", "span", "nav", "ul",
    "ol", "li", "main", "h1", "h2", "h3", "h4", "h5", "h6", "p", "section", "dl", "dt", "dd",
    "time", "article", "strong", "em", "code", "pre", "blockquote", "hr", "br", "footer",
    # the search box, the filters and the agreements table
    "form", "label", "input", "button", "select", "option", "fieldset", "legend", "table",
    "caption", "thead", "tbody", "tr", "th", "td", "details", "summary", "figure", "figcaption",
    # the map and the timeline (inline SVG)
    "svg", "g", "path", "circle", "rect", "line", "text", "tspan", "defs", "pattern", "mask",
    "linearGradient", "lineargradient", "stop",
    # external module scripts and the JSON-LD data block (that nothing injected runs is
    # checked on its own, below)
    "script",
}
SCAN = """() => {
  const out = {tags: [], handlers: [], links: [], metas: [],
               text: document.documentElement.textContent,
               xss: window.__xss === undefined ? null : String(window.__xss)};
  for (const el of document.querySelectorAll('*')) {
    out.tags.push(el.localName);
    for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) out.handlers.push(
      el.localName + '[' + a.name + ']');
    // (new URL: the links of the inline SVG map have no .protocol of their own)
    if (el.localName === 'a' && el.hasAttribute('href')) out.links.push(
      new URL(el.getAttribute('href'), location.href).protocol);
    if (el.localName === 'link' && !['canonical', 'alternate'].includes(el.rel))
      out.links.push(new URL(el.href).origin === location.origin ? 'same-origin:'
                                                                 : 'other:' + el.href);
    if (el.localName === 'meta' && el.httpEquiv) out.metas.push(el.httpEquiv.toLowerCase());
  }
  return out;
}"""


def test_fixture_is_written_by_the_generator(tmp_path):
    """tests/fixtures/hostile/ is exactly what tests/hostile.py writes (run it after edits)."""
    fresh = write_site(tmp_path / "hostile")
    files = {p.relative_to(fresh).as_posix(): p.read_bytes()
             for p in sorted(fresh.rglob("*")) if p.is_file()}
    committed = {p.relative_to(HOSTILE_SITE).as_posix(): p.read_bytes()
                 for p in sorted(HOSTILE_SITE.rglob("*")) if p.is_file()}
    assert committed == files, "run `python -m tests.hostile` and commit the result"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    content = tmp / "hostile"  # a copy: the build records its addresses beside the content
    shutil.copytree(HOSTILE_SITE, content)
    out = tmp / "output"
    report = build_once(Paths(content=content, output=out), AS_OF)
    assert [w for w in report.warnings if "`catalogue." not in w] == [], report.warnings
    return out


def test_every_payload_is_in_every_kind_of_field():
    """Sanity of the corpus placement: each string is in each record kind's files."""
    text = {p.relative_to(HOSTILE_SITE).as_posix(): p.read_text(encoding="utf-8")
            for p in HOSTILE_SITE.rglob("*") if p.suffix in (".md", ".yaml")}
    import yaml

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    for kind in ("agreements/", "partners/", "pages/", "themes.yaml"):
        found = set()
        for rel, body in text.items():
            if rel.startswith(kind):
                data = body.split("---\n")[1] if rel.endswith(".md") else body
                values = list(strings(yaml.safe_load(data)))
                found |= {p for p in PAYLOADS if any(p in v for v in values)}
        assert found == set(PAYLOADS), (kind, set(PAYLOADS) - found)


class _Markup(HTMLParser):
    """What an HTML parser finds in a file: elements, handlers, addresses, comments."""

    def __init__(self, allowed: set[str] = ELEMENTS) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed:
            self.found.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"handler {tag}[{name}]")
            if name in ("href", "src", "action", "formaction") and value is not None and (
                    problem := link_problem(value)):
                self.found.append(f"{tag}[{name}={value!r}] {problem}")

    def handle_comment(self, data):
        self.found.append(f"comment {data[:40]!r}")


def test_payloads_are_escaped_in_the_html(hostile_site):
    """Parsed as HTML, no file has an element, handler, address or comment a payload made."""
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 60
    problems = []
    for path in pages:
        parser = _Markup()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        problems += [(path.relative_to(hostile_site).as_posix(), f) for f in parser.found]
    assert problems == []


def test_no_csv_cell_starts_a_formula_and_the_other_formats_keep_the_text(hostile_site):
    """Every field of the hostile site starts with a formula (or a tab): in the CSV files
    such a cell starts with an apostrophe, as OWASP advises, and a spreadsheet shows it as
    text; JSON and SQLite hold the text as written."""
    import csv
    import json
    import sqlite3

    neutralised, cells = 0, 0
    for path in sorted((hostile_site / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in list(csv.reader(f))[1:]:
                for value in row:
                    cells += 1
                    assert not value.startswith(FORMULA_START), (path.name, value[:60])
                    if value[:1] == "'" and value[1:].startswith(FORMULA_START):
                        neutralised += 1
    assert cells > 500 and neutralised > 100, (cells, neutralised)
    agreements = json.loads((hostile_site / "data/agreements.json").read_text())["agreements"]
    titles = [a["title_it"] for a in agreements]
    assert all(t.startswith(tuple(FORMULAS)) for t in titles), titles[:2]
    db = sqlite3.connect(hostile_site / "data/accordi.sqlite")
    assert sorted(r[0] for r in db.execute("SELECT title_it FROM agreements")) == sorted(titles)
    descriptions = [r[0] for r in db.execute("SELECT description_it FROM partners")]
    assert descriptions and all(d.startswith("\t") for d in descriptions)
    db.close()
    with (hostile_site / "data/agreements.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["title_it"] for r in rows) == sorted("'" + t for t in titles)


@pytest.mark.browser
def test_hostile_pages_run_nothing_in_chromium(hostile_site):
    """Every page, CSP off and on: no dialog, no payload run, no error, nothing foreign."""
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    shown: set[str] = set()
    problems: list[tuple[str, str]] = []
    loads = 0
    with SiteServer(hostile_site, prefix="/accordi/") as server, sync_playwright() as pw:
        browser = launch(pw)
        for bypass_csp in (True, False):
            context = browser.new_context(bypass_csp=bypass_csp)
            page = context.new_page()
            events: list[str] = []
            page.on("dialog", lambda d, box=events: (box.append(f"dialog {d.message}"),
                                                     d.dismiss()))
            page.on("console", lambda m, box=events: box.append(f"console {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e, box=events: box.append(f"pageerror {e}"))
            page.on("request", lambda r, box=events: box.append(f"request {r.url}")
                    if not r.url.startswith(server.base_url) else None)
            for rel in pages:
                response = page.goto(server.base_url + rel, wait_until="load")
                loads += 1
                page.wait_for_timeout(20)  # let autofocus, animations and timers fire
                if response is None or response.status != 200:
                    events.append(f"HTTP {response.status if response else None}")
                scan = page.evaluate(SCAN)
                events += [f"element <{t}>" for t in sorted(set(scan["tags"]) - ELEMENTS)]
                events += [f"handler {h}" for h in scan["handlers"]]
                events += [f"link {p}" for p in scan["links"]
                           if p not in ("http:", "https:", "mailto:", "tel:", "same-origin:")]
                events += [f"meta {m}" for m in scan["metas"]
                           if m != "content-security-policy"]
                if scan["xss"] is not None:
                    events.append(f"window.__xss = {scan['xss']}")
                shown |= {p for p in PAYLOADS if p in scan["text"]}
                problems += [(rel, e) for e in events]
                events.clear()
            context.close()
        browser.close()
    FIGURES.append(f"hostile strings tried: {len(PAYLOADS)}, each in every field; "
                   f"{len(pages)} pages x 2 (CSP off, CSP on) = {loads} page loads in Chromium")
    assert problems == []
    assert shown == set(PAYLOADS), sorted(set(PAYLOADS) - shown)  # shown as text, not eaten


# -- refused addresses ------------------------------------------------------------------------


def _cases():
    for url in UNSAFE_LINKS:
        for form, template in LINK_FORMS.items():
            yield pytest.param(template.format(url=url), id=f"{form}:{url}")
    for url in UNSAFE_PICTURES:
        for form in ("image", "image-reference"):
            yield pytest.param(LINK_FORMS[form].format(url=url), id=f"{form}:{url}")


UNSAFE_CASES = list(_cases())


@pytest.mark.parametrize("body", UNSAFE_CASES)
def test_unsafe_addresses_are_found_and_neutralised(body):
    """Refused with the line that writes the address; never an address in the HTML.

    Where Markdown cannot read the address as one (spaces or `<` inside), it stays text
    and there is nothing to refuse; it must then not have become a link or a picture either.
    """
    problems = link_problems(body, 10)
    html = Renderer().render(body).html
    parser = _Markup(ELEMENTS | {"img"})
    parser.feed(html)
    assert parser.found == [], html  # every address left in the HTML is a harmless one
    if problems:
        assert all(p.line in (10, 12) for p in problems)
        assert "href" not in html and "src" not in html, html
    else:
        assert "<img" not in html, html
        assert any(c in body for c in " <>"), body


def test_unsafe_address_is_a_content_error_with_its_line(tmp_path, write_site, run_cli):
    """Through the command line: file, line, field, message and hint; nothing published."""
    content = write_site(tmp_path, {})
    source = content / "agreements" / "ateneo-2021.it.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + "\n[Sito](java&#x09;script:alert(1))\n\n![Mappa][m]\n\n"
                      "[m]: https://evil.example/map.png\n", encoding="utf-8")
    lines = source.read_text(encoding="utf-8").split("\n")
    link_line = lines.index("[Sito](java&#x09;script:alert(1))") + 1
    pic_line = lines.index("[m]: https://evil.example/map.png") + 1
    code, stdout, stderr = run_cli("build", "--content", content, "--output", tmp_path / "out",
                                   "--as-of", "2024-01-15")
    assert code == 1 and stdout == ""
    assert stderr.splitlines()[:4] == [
        f"content/agreements/ateneo-2021.it.md:{link_line}: error: field `body`: the link "
        "`java&#x09;script:alert(1)` uses the `javascript:` scheme: it is not allowed",
        "    hint: links may only point to http(s) addresses, mailto: or tel:, or to pages of "
        "this site",
        f"content/agreements/ateneo-2021.it.md:{pic_line}: error: field `body`: the picture "
        "`https://evil.example/map.png` is on another site",
        "    hint: pictures must be files of this site, e.g. /documents/map.png",
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", UNSAFE_YAML_URLS)
def test_unsafe_urls_in_yaml_fields_are_refused(url, tmp_path, write_site):
    """sources[].url, acts[].url and licence.url: a web address with a host, nothing else."""
    import yaml

    content = write_site(tmp_path, {})
    source = content / "agreements" / "ateneo-2021.it.md"
    head, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    data["sources"][0]["url"] = url
    data["acts"] = [{"title": "Delibera", "url": url}]
    source.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body,
                      encoding="utf-8")
    site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    site["licence"]["url"] = url
    (content / "site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True),
                                       encoding="utf-8")
    _, errors = load_site(Paths(content=content, output=tmp_path / "out"), AS_OF)
    fields = {(e.path, e.field) for e in errors.errors if e.severity == "error"}
    assert {("content/agreements/ateneo-2021.it.md", "sources.0.url"),
            ("content/agreements/ateneo-2021.it.md", "acts.0.url"),
            ("content/site.yaml", "licence.url")} <= fields, errors.report()


@pytest.mark.parametrize("url", ["https://example.org/a?b=1&c=2#d", "mailto:a@example.org",
                                 "tel:+39021234", "/accordi/it/", "#art-1", "../x/", "x.pdf",
                                 "https://example.org/java script:"])
def test_ordinary_links_are_allowed(url):
    assert link_problem(url) is None


@pytest.mark.parametrize("url", ["/accordi/documents/map.png", "map.png", "../img/x.svg"])
def test_pictures_of_this_site_are_allowed(url):
    assert embed_problem(url) is None


def test_counts_are_reported():
    """The figures of this file, for the record (shown at the end of the run)."""
    FIGURES.append(f"unsafe addresses tried: {len(UNSAFE_CASES)} Markdown forms "
                   f"({len(UNSAFE_LINKS)} addresses x {len(LINK_FORMS)} forms + "
                   f"{len(UNSAFE_PICTURES)} pictures x 2) and {len(UNSAFE_YAML_URLS)} YAML URLs")
    assert len(PAYLOADS) >= 80 and len(UNSAFE_CASES) >= 150


def test_hostile_site_is_big_enough(hostile_site: Path):
    assert len(list(hostile_site.rglob("*.html"))) >= 60


def test_every_template_escapes_by_default():
    """Autoescaping is on for every template, whatever its name, and no template opts out."""
    from accordi.config import PROJECT_ROOT
    from accordi.render import environment

    templates = PROJECT_ROOT / "templates"
    env = environment(templates)
    names = env.list_templates()
    assert len(names) >= 10
    assert all(env.autoescape(name) is True for name in [*names, "future.txt", "feed.j2"])
    for name in names:
        source = env.loader.get_source(env, name)[0]  # also the theme's, as `theme/<name>`
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\bMarkup\b", source), name
