"""Unit tests of the core modules: dates, status, routes, YAML marks, Markdown, publishing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accordi.cli import build_once, load_site
from accordi.config import Paths
from accordi.converter import Renderer
from accordi.dates import DateProblem, Duration, PartialDate
from accordi.errors import ContentError, ErrorCollector
from accordi.publish import PublishError, Staging
from accordi.records import Renewal, StatedStatus
from accordi.render import PageRenderer
from accordi.routes import ROUTES, Router, reserved_segments
from accordi.status import ORDER, derive
from accordi.text import anchor_for, headings, slugify, split_body
from accordi.yamlmarks import load

D = dt.date
P = PartialDate.parse


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value, parts, precision, earliest, latest", [
    ("2021-07-06", (2021, 7, 6), "day", D(2021, 7, 6), D(2021, 7, 6)),
    ("2018-02", (2018, 2, None), "month", D(2018, 2, 1), D(2018, 2, 28)),
    ("2020-02", (2020, 2, None), "month", D(2020, 2, 1), D(2020, 2, 29)),
    ("2012", (2012, None, None), "year", D(2012, 1, 1), D(2012, 12, 31)),
    (2012, (2012, None, None), "year", D(2012, 1, 1), D(2012, 12, 31)),
    (" 2019-06-20 ", (2019, 6, 20), "day", D(2019, 6, 20), D(2019, 6, 20)),
])
def test_parse_dates_at_their_precision(value, parts, precision, earliest, latest):
    d = P(value)
    assert (d.year, d.month, d.day) == parts
    assert d.precision == precision
    assert (d.earliest, d.latest) == (earliest, latest)
    assert d.iso() == str(value).strip()


@pytest.mark.parametrize("value, words", [
    ("2021-02-30", "February 2021 has 28 days"),
    ("2021-04-31", "April 2021 has 30 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("1900-02-29", "February 1900 has 28 days"),
    ("2100-02-29", "February 2100 has 28 days"),
    ("2021-02-00", "February 2021 has 28 days"),
    ("2021-13", "has no month 13"),
    ("2021-00-10", "has no month 0"),
    ("21-07-06", "is not a date"),
    ("2021/07/06", "is not a date"),
    ("6 luglio 2021", "is not a date"),
    ("", "is not a date"),
])
def test_impossible_dates_are_problems_with_a_hint(value, words):
    with pytest.raises(DateProblem) as exc:
        P(value)
    message, hint = exc.value.args
    assert words in message
    assert f"`{value.strip()}`" in message
    assert hint


@pytest.mark.parametrize("value", ["2024-02-29", "2000-02-29", "2020-02-29", "1996-02-29"])
def test_leap_days_exist_in_leap_years(value):
    assert P(value).iso() == value


def test_year_zero_is_not_a_date():
    """The schema accepts `"0000"` as text; datetime has no year 0, so parse must refuse it.
    """
    for value in ("0000", "0000-01-01"):
        with pytest.raises(DateProblem):
            P(value)


def test_format_in_each_language():
    assert P("2021-07-06").format("it") == "6 luglio 2021"
    assert P("2021-07-06").format("en") == "6 July 2021"
    assert P("2018-02").format("it") == "febbraio 2018"
    assert P("2018-02").format("en") == "February 2018"
    assert P("2012").format("it") == P(2012).format("en") == "2012"


@pytest.mark.parametrize("text, parts", [
    ("P2Y", (2, 0, 0)), ("P18M", (0, 18, 0)), ("P1Y6M", (1, 6, 0)), ("P90D", (0, 0, 90)),
    ("P1Y2M3D", (1, 2, 3)),
])
def test_parse_durations(text, parts):
    d = Duration.parse(text)
    assert (d.years, d.months, d.days) == parts
    assert d.iso() == text


@pytest.mark.parametrize("text", ["P", "2Y", "P0Y", "P0M0D", "PT1H", "P1.5Y", "p2y", "P2W", ""])
def test_bad_durations(text):
    with pytest.raises(DateProblem) as exc:
        Duration.parse(text)
    assert exc.value.args[1]


@pytest.mark.parametrize("start, duration, end", [
    (D(2020, 2, 29), "P1Y", D(2021, 2, 28)),   # no 29 February in 2021: clamp
    (D(2020, 2, 29), "P4Y", D(2024, 2, 29)),
    (D(2021, 1, 31), "P1M", D(2021, 2, 28)),
    (D(2024, 1, 31), "P1M", D(2024, 2, 29)),
    (D(2021, 8, 31), "P18M", D(2023, 2, 28)),
    (D(2021, 3, 15), "P3Y", D(2024, 3, 15)),
    (D(2021, 7, 6), "P18M", D(2023, 1, 6)),
    (D(2021, 11, 30), "P2M", D(2022, 1, 30)),
    (D(2021, 1, 1), "P90D", D(2021, 4, 1)),
    (D(2020, 1, 31), "P1M1D", D(2020, 3, 1)),
])
def test_calendar_addition_clamps_to_the_month_end(start, duration, end):
    assert Duration.parse(duration).add_to(start) == end


def test_plus_keeps_the_precision():
    assert P("2020-02-29").plus(Duration.parse("P1Y")) == P("2021-02-28")
    assert P("2018-02").plus(Duration.parse("P18M")) == P("2019-08")
    assert P("2012").plus(Duration.parse("P2Y")) == P("2014")


# -- status --------------------------------------------------------------------------------


AS_OF = D(2024, 1, 15)


def status(signed, end=None, renewals=(), stated=None, successors=(), day=AS_OF):
    return derive(P(signed), P(end) if end else None, list(renewals), stated,
                  list(successors), day)


def renewal(date=None, end=None, note=None):
    return Renewal(P(date) if date else None, P(end) if end else None, note)


def test_active_until_the_last_day_then_expired():
    assert status("2021-03-15", "2024-03-15").value == "active"
    assert status("2021-03-15", "2024-01-15").value == "active"  # its last day
    s = status("2021-03-15", "2024-01-14")
    assert (s.value, s.until, s.in_force) == ("expired", P("2024-01-14"), False)
    assert status("2021-03-15", "2024-03-15").in_force is True


def test_pending_before_signing():
    s = status("2024-02-01", "2026-01-31")
    assert (s.value, s.until, s.in_force) == ("pending", P("2026-01-31"), False)
    assert status("2025").value == "pending"
    assert status("2024").value == "unknown"  # signed some day of 2024: may be in force


def test_unknown_without_end():
    s = status("2012")
    assert (s.value, s.until, s.in_force) == ("unknown", None, None)


def test_year_only_end_decides_nothing_inside_its_year():
    assert status("2020", "2024").value == "unknown"               # 2024-01-15 is in 2024
    assert status("2020", "2024", day=D(2023, 12, 31)).value == "active"
    assert status("2020", "2024", day=D(2025, 1, 1)).value == "expired"
    assert status("2020", "2024-01").value == "unknown"            # month precision too
    assert status("2020", "2023-12").value == "expired"


def test_year_only_start_plus_months_is_not_certain():
    """Signed in 2012 for six months: the end is between July 2012 and June 2013.
    """
    end = P("2012").plus(Duration.parse("P6M"))
    s = derive(P("2012"), end, [], None, (), D(2013, 3, 1))
    assert s.value == "unknown"


def test_renewals():
    # the renewed term has an end: it decides
    assert status("2015", "2017", [renewal("2017", "2025-12-31")]).value == "active"
    assert status("2015", "2017", [renewal("2017", "2019-12-31")]).value == "expired"
    # renewed without an end of the term
    s = status("2012", None, [renewal("2014"), renewal("2017-05")])
    assert (s.value, s.in_force) == ("renewed", None)
    # renewed, the first term still running: its end decides
    assert status("2023-01-01", "2025-01-01", [renewal(note={"it": "x"})]).value == "active"
    # the last renewal decides, not the first
    assert status("2010", "2012", [renewal("2012", "2030-01-01"),
                                   renewal("2016", "2018-01-01")]).value == "expired"


def test_a_renewal_after_the_reference_day_does_not_count_yet():
    """As of 2013 the 2014 renewal has not happened: nothing says the agreement continues.

    """
    s = status("2012", None, [renewal("2014")], day=D(2013, 6, 1))
    assert s.value == "unknown"


def test_superseded():
    s = status("2019-06-20", "2030-06-30", successors=[("b", P("2020")), ("a", P("2021-05"))])
    assert (s.value, s.by, s.in_force) == ("superseded", ("a", "b"), False)
    assert status("2030-01-01", successors=[("a", P("2031"))]).value == "pending"


def test_a_successor_signed_after_the_reference_day_does_not_supersede_yet():
    s = status("2019-06-20", "2030-06-30", successors=[("b", P("2024-01-16"))])
    assert (s.value, s.by) == ("active", ())
    s = status("2019-06-20", "2030-06-30", successors=[("b", P("2024"))])
    assert s.value == "active"  # signed some day of 2024: not certainly before the 15th


def test_stated_status_wins():
    stated = StatedStatus("active", P("2019"), None)
    s = status("2012", "2014", stated=stated)
    assert (s.value, s.stated, s.stated_on, s.until) == ("active", True, P("2019"), P("2014"))
    expired = StatedStatus("expired", None, {"it": "Comune di Esempio"})
    s = status("2023-01-01", "2030-01-01", stated=expired, successors=[("x", P("2023-06"))])
    assert (s.value, s.stated, s.source) == ("expired", True, {"it": "Comune di Esempio"})
    assert status("2030", stated=stated).value == "active"


def test_status_order_puts_agreements_in_force_first():
    assert sorted(ORDER, key=ORDER.get)[0] == "active"
    assert sorted(ORDER, key=ORDER.get)[-1] == "expired"
    assert status("2021", "2030-01-01").rank < status("2012").rank


def test_an_agreement_is_superseded_only_once_its_successor_exists(tmp_path):
    """As of 2020 ateneo-2021 is not signed yet, so ateneo-2019 is still in force."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "site"
    site, errors = load_site(Paths(content=fixture, output=tmp_path), D(2020, 1, 1))
    assert site is not None, errors.report()
    assert site.agreements["ateneo-2021"].status.value == "pending"
    assert site.agreements["ateneo-2019"].status.value == "active"


# -- routes --------------------------------------------------------------------------------


@pytest.mark.parametrize("base", ["/", "/accordi/", "/a/b/"])
def test_url_and_output_path_agree_for_every_kind(base):
    router = Router(base, "https://example.org")
    for kind, by_lang in ROUTES.items():
        for lang in by_lang:
            rid = "x-1" if "{id}" in by_lang[lang] else None
            url = router.url_for(kind, lang, rid)
            out = router.output_path(kind, lang, rid)
            assert url.startswith(base + lang + "/")
            assert not out.startswith("/") and ".." not in out.split("/")
            expected = out[: -len("index.html")] if out.endswith("/index.html") else out
            assert url == base + expected, (kind, lang)
            assert router.absolute_url(kind, lang, rid) == "https://example.org" + url


def test_localised_sections_and_stable_ids():
    r = Router("/accordi/", "https://example.org")
    assert r.url_for("agreement", "it", "milano-riga-2018") == (
        "/accordi/it/accordi/milano-riga-2018/")
    assert r.url_for("agreement", "en", "milano-riga-2018") == (
        "/accordi/en/agreements/milano-riga-2018/")
    assert r.output_path("agreement", "en", "x") == "en/agreements/x/index.html"
    assert r.url_for("partner", "it", "riga") == "/accordi/it/partner/riga/"
    assert r.url_for("theme", "en", "cultura") == "/accordi/en/themes/cultura/"
    assert r.url_for("home", "en") == "/accordi/en/"
    assert r.output_path("home", "it") == "it/index.html"
    assert r.url_for("notfound", "en") == "/accordi/en/404.html"
    assert r.output_path("notfound", "it") == "it/404.html"
    assert r.url_for("agreement", "it", "x", fragment="art-1-3") == (
        "/accordi/it/accordi/x/#art-1-3")
    assert r.absolute_url("agreement", "it", "x") == "https://example.org/accordi/it/accordi/x/"
    assert r.asset("css/site.css") == "/accordi/assets/css/site.css"
    assert r.document("documents/a.pdf") == "/accordi/documents/a.pdf"
    assert r.root() == "/accordi/"


def test_page_slugs():
    r = Router("/accordi/")
    assert r.url_for("page", "it", "informazioni") == "/accordi/it/informazioni/"
    assert r.url_for("page", "en", "about") == "/accordi/en/about/"
    assert r.output_path("page", "en", "about") == "en/about/index.html"
    reserved = reserved_segments()
    assert {"accordi", "agreements", "partner", "partners", "temi", "themes",
            "assets", "documents", "data"} <= reserved
    assert "" not in reserved and not any("{" in s for s in reserved)


def test_router_refuses_what_it_cannot_route():
    r = Router("/")
    with pytest.raises(ValueError):
        r.url_for("agreement", "it")
    with pytest.raises(KeyError):
        r.url_for("agreement", "fr", "x")
    with pytest.raises(KeyError):
        r.url_for("calendar", "it")
    assert r.url_for("agreement", "it", "a/b") == "/it/accordi/a%2Fb/"  # never a new folder


# -- YAML with line marks ------------------------------------------------------------------

YAML = """\
a: 1
b:
  c: 2
  d: [x, y]
list:
  - p: 1
  - p: 2
day: 2021-07-06
year: 2012
"""


def test_yaml_lines_of_every_key_path():
    marked, problems = load(YAML)
    assert problems == []
    assert marked.data["day"] == "2021-07-06"  # dates stay text, for accordi.dates
    assert marked.data["year"] == 2012
    assert marked.line(("a",)) == 1
    assert marked.line(("b", "c")) == 3
    assert marked.line(("b", "d", 1)) == 4
    assert marked.line(("list", 1, "p")) == 7
    assert marked.line(("list", 1, "missing")) == 7  # nearest ancestor
    assert marked.line(("nothing",)) == 1
    shifted, _ = load(YAML, first_line=2)  # front matter starts on line 2
    assert shifted.line(("list", 1, "p")) == 8


def test_yaml_duplicate_keys():
    marked, problems = load("a: 1\nb: 2\na: 3\nn:\n  c: 1\n  c: 2\n", first_line=2)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (4, "a", "`a` is set twice (first on line 2)"),
        (7, "n.c", "`c` is set twice (first on line 6)"),
    ]
    assert all(p.hint for p in problems)
    assert marked.data == {"a": 1, "b": 2, "n": {"c": 1}}


def test_yaml_syntax_error_line():
    marked, problems = load("title: ok\nobject: Accordo: con Riga\n", first_line=2)
    assert marked is None
    assert [(p.line, p.field) for p in problems] == [(3, "")]
    assert problems[0].message.startswith("YAML syntax error: ")
    assert "quotes" in problems[0].hint


def test_yaml_refuses_tags_and_odd_keys():
    marked, problems = load("a: !!python/object:os.system x\n")
    assert marked is None and problems[0].message.startswith("YAML error")
    _, problems = load("1.5: x\n")
    assert problems[0].message == "a key must be plain text"


def test_yaml_empty():
    marked, problems = load("")
    assert (marked.data, problems) == ({}, [])


# -- Markdown text and anchors -------------------------------------------------------------


@pytest.mark.parametrize("heading, anchor", [
    ("Art. 4 — Durata", "art-4"),
    ("Art.5 - Recesso", "art-5"),
    ("Articolo 12", "art-12"),
    ("Article 3a — Scope", "art-3a"),
    ("ART. 7", "art-7"),
    ("Foro competente", "foro-competente"),
    ("Perché è così", "perche-e-cosi"),
    ("Premesse", "premesse"),
    ("!!!", "section"),
])
def test_anchor_for(heading, anchor):
    assert anchor_for(heading) == anchor


def test_explicit_anchor_wins():
    assert anchor_for("Art. 4 — Durata", "durata") == "durata"
    assert slugify("Foro  competente!") == "foro-competente"


BODY = """\
Una sintesi.

## Premesse

- primo;
- secondo.

## Art. 1 — Oggetto

1. Primo comma.

2. Secondo comma:

    1. punto a;
    2. punto b.

3. Terzo comma:

    1. solo punto.

## Art. 2 — Durata

Tre anni.

## Firme {#firme}

Milano.
"""


def test_split_body_and_heading_lines():
    summary, text = split_body(BODY)
    assert summary == "Una sintesi."
    assert text.startswith("## Premesse")
    assert split_body("solo sintesi\n") == ("solo sintesi", "")
    found = headings(BODY, first_line=10)
    assert [(h.line, h.anchor) for h in found] == [
        (12, "premesse"), (17, "art-1"), (30, "art-2"), (34, "firme")]


def test_article_paragraph_and_point_anchors():
    r = Renderer().render(split_body(BODY)[1])
    assert r.anchors == ["premesse", "premesse-1", "premesse-2",
                         "art-1", "art-1-1", "art-1-2", "art-1-2-a", "art-1-2-b",
                         "art-1-3", "art-1-3-a", "art-2", "firme"]
    assert r.toc == [("premesse", "Premesse"), ("art-1", "Art. 1 — Oggetto"),
                     ("art-2", "Art. 2 — Durata"), ("firme", "Firme")]
    assert '<h2 id="art-1">Art. 1 — Oggetto</h2>' in r.html
    assert '<ol type="a">' in r.html and '<li id="art-1-3-a">solo punto.</li>' in r.html
    assert '<h2 id="firme">Firme</h2>' in r.html  # the {#firme} itself is not shown


def test_checker_and_renderer_agree_on_headings_in_fences():
    """The duplicate-anchor check (headings) must see the headings the page will have.
    """
    body = "## Art. 1 — Oggetto\n\nTesto.\n\n```\n## Art. 1 — Oggetto\n```\n"
    checked = [h.anchor for h in headings(body, 1)]
    rendered = [anchor for anchor, _ in Renderer().render(body).toc]
    assert checked == rendered


def test_numbering_follows_the_written_numbers():
    r = Renderer().render("## Art. 3 — Seguito\n\n3. terzo;\n4. quarto.\n")
    assert r.anchors == ["art-3", "art-3-3", "art-3-4"]


def test_shift_demotes_headings():
    r = Renderer().render("## Art. 1\n\ntesto\n", shift=1)
    assert '<h3 id="art-1">Art. 1</h3>' in r.html


def test_raw_html_is_shown_as_text():
    r = Renderer().render('<script>alert(1)</script>\n\nUn <b>grassetto</b> e <img src=x '
                          'onerror="alert(1)">.\n')
    assert "<script" not in r.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html
    assert "<b>" not in r.html and "&lt;b&gt;grassetto&lt;/b&gt;" in r.html
    assert "<img" not in r.html


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JavaScript:alert(1)", "  javascript:alert(1)",
    "<javascript:alert(1)>", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
])
def test_dangerous_links_are_neutralised(href):
    r = Renderer().render(f"[clic]({href})\n")
    assert r.html == '<p><a>clic</a></p>'
    assert len(r.unsafe_links) == 1


def test_dangerous_reference_links_are_neutralised():
    r = Renderer().render("[clic][1]\n\n[1]: javascript:alert(1)\n")
    assert "href" not in r.html and "javascript" not in r.html


def test_safe_links_are_kept():
    r = Renderer().render("[a](https://example.org/x) [b](mailto:a@example.org) "
                          "[c](/accordi/it/) [d](#art-1) [e](tel:+390212345)\n")
    for href in ("https://example.org/x", "mailto:a@example.org", "/accordi/it/", "#art-1",
                 "tel:+390212345"):
        assert f'href="{href}"' in r.html
    assert r.unsafe_links == []


def test_attribute_lists_cannot_add_event_handlers():
    """Only `{#id}` after a `##` heading is understood; other attribute lists stay text."""
    import xml.etree.ElementTree as ET

    r = Renderer().render('Un paragrafo.\n{: onclick="alert(1)" }\n\n'
                          '[link](https://example.org){: onmouseover="alert(1)" }\n\n'
                          '## Titolo {: onclick="x" }\n')
    tree = ET.fromstring(f"<root>{r.html}</root>")
    attributes = [name for el in tree.iter() for name in el.attrib]
    assert not [a for a in attributes if a.startswith("on")], r.html


# -- errors --------------------------------------------------------------------------------


def test_error_format():
    e = ContentError("content/a.it.md", 7, "signed", "`2021-02-30` is not a real date",
                     "check the day")
    assert e.format() == ("content/a.it.md:7: error: field `signed`: `2021-02-30` is not a "
                          "real date\n    hint: check the day")
    assert ContentError("content/site.yaml", 0, "", "missing").format() == (
        "content/site.yaml: error: missing")


def test_errors_sorted_by_file_then_line(tmp_path):
    root = tmp_path / "content"
    c = ErrorCollector(root)
    c.add(root / "partners" / "b.yaml", 3, "", "x")
    c.add(root / "agreements" / "z.it.md", 12, "", "y")
    c.add(root / "agreements" / "z.it.md", 2, "", "z")
    c.add(root / "agreements" / "z.it.md", 2, "", "z")  # reported twice, shown once
    c.warn(root / "themes.yaml", 1, "", "w")
    assert [(e.path, e.line) for e in c.sorted()] == [
        ("content/agreements/z.it.md", 2), ("content/agreements/z.it.md", 12),
        ("content/partners/b.yaml", 3), ("content/themes.yaml", 1)]
    assert c.failed
    assert c.report().splitlines()[-1] == "3 error(s), 1 warning(s)"


# -- publishing ----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "", "."])
def test_staging_refuses_paths_outside_the_output(tmp_path, rel):
    staging = Staging(tmp_path / "output")
    with pytest.raises(PublishError):
        staging.write(rel, "x")
    staging.abort()
    assert not (tmp_path / "x").exists()


def test_staging_refuses_two_pages_at_one_path(tmp_path):
    staging = Staging(tmp_path / "output")
    staging.write("it/index.html", "one")
    with pytest.raises(PublishError, match="two pages"):
        staging.write("it/index.html", "two")
    staging.abort()


def test_commit_replaces_the_output_whole(tmp_path):
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    (output / "old" / "page.html").write_text("old")
    staging = Staging(output)
    staging.write("index.html", "new")
    staging.write("it/index.html", b"nuovo")
    staging.commit()
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")
                  if p.is_file()) == ["index.html", "it/index.html"]
    assert (output / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_first_commit_creates_the_output(tmp_path):
    staging = Staging(tmp_path / "site" / "output")
    staging.write("index.html", "x")
    staging.commit()
    assert (tmp_path / "site" / "output" / "index.html").read_text() == "x"


def test_abort_keeps_the_old_output_and_leftovers_are_cleaned(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("old")
    staging = Staging(output)
    staging.write("index.html", "new")
    staging.abort()
    assert (output / "index.html").read_text() == "old"
    killed = tmp_path / ".output.staging-killed"
    killed.mkdir()
    Staging(output).abort()
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_exception_before_commit_keeps_the_old_output(tmp_path, monkeypatch):
    """A page that fails to render stops the build; readers keep the previous site."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_bytes(b"previous")
    real = PageRenderer.render
    calls = []

    def failing(self, spec, *args, **kwargs):
        calls.append(spec.output)
        if len(calls) == 5:
            raise RuntimeError("template bug")
        return real(self, spec, *args, **kwargs)

    monkeypatch.setattr(PageRenderer, "render", failing)
    fixture = Path(__file__).resolve().parent / "fixtures" / "site"
    with pytest.raises(RuntimeError, match="template bug"):
        build_once(Paths(content=fixture, output=output), D(2024, 1, 15))
    assert len(calls) == 5
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_the_compiled_validator_agrees_with_the_reference_one():
    """The quick path may only ever say "valid" when the reference validator would."""
    import fastjsonschema
    from jsonschema import Draft202012Validator

    from accordi import schema as content_schema
    root = content_schema.schema()
    samples = {
        "agreement": [{"id": "a", "title": "t", "type": "memorandum", "object": "o",
                       "partners": ["p"], "signed": 2012, "sources": [{"title": "s"}]},
                      {"id": "A", "title": "t"}, {"signed": "2012-1"}, {"status": {}},
                      {"id": "a", "title": "t", "type": "memorandum", "object": "o",
                       "partners": ["p", "p"], "signed": "2012", "sources": []},
                      {"id": "a", "title": "t", "type": "memorandum", "object": "o",
                       "partners": ["p"], "signed": "2012-01-01", "sources": [{"title": ""}],
                       "renewals": [{}], "expense": {"note": {"en": "x"}}}],
        "partner": [{"id": "x", "kind": "city", "name": "X", "country": "IT",
                     "description": {"it": "d"}, "location": {"lat": 91, "lon": 0}},
                    {"id": "x", "kind": "city", "name": {"it": "X", "de": "X"},
                     "country": "IT", "description": "d"}],
        "site": [{}], "themes": [[], [{"id": "a", "name": "n", "description": "d"}]],
        "page": [{"title": "t", "slug": "a b"}, {"title": "t", "feedback": True}],
    }
    for kind, items in samples.items():
        full = Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})
        fast = fastjsonschema.compile({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})
        for item in items:
            try:
                fast(item)
                fast_ok = True
            except fastjsonschema.JsonSchemaException:
                fast_ok = False
            assert fast_ok == full.is_valid(item), (kind, item)


@pytest.mark.parametrize("level", [
    lambda n: "    " * n + "- x",            # four spaces a level
    lambda n: "\t" * n + "- x",              # a tab a level
    lambda n: "> " * n + "x",                # quotes
    lambda n: ">\t" * n + "x",               # quotes and tabs
    lambda n: "\t" * (n // 2) + "> " * (n - n // 2) + "x",  # indented quotes
])
def test_nesting_is_refused_exactly_beyond_the_limit(level):
    from accordi.bodychecks import body_problems
    from accordi.text import MAX_DEPTH
    fine = body_problems("Testo.\n\n" + level(MAX_DEPTH) + "\n", 5)
    deep = body_problems("Testo.\n\n" + level(MAX_DEPTH + 1) + "\n", 5)
    assert fine == []
    assert [(line, "nested more" in message) for line, message, _ in deep] == [(7, True)]


@pytest.mark.parametrize("expression", [
    "d.name", "d.items", "d.get", "d['items']", "d.missing", "d.name.upper()", "o.real",
    "o.name", "n.x", "d.nested.inner", "d.nested.missing", "s.name"])
def test_templates_read_dicts_as_jinja_does(expression):
    """The page environment's quick way to `dict.name` finds what Jinja finds, and fails
    where Jinja fails, with the same message."""
    from jinja2 import Environment, StrictUndefined

    from accordi.render import environment

    class Sub(dict):
        name = "attribute"

    values = {"d": {"name": "Riga", "items": "key", "nested": {"inner": 1}}, "o": 3,
              "n": None, "s": Sub(name="item")}
    ours = environment(Path(__file__).resolve().parent.parent / "templates")
    theirs = Environment(undefined=StrictUndefined, autoescape=True)

    def outcome(env):
        try:
            return env.from_string("{{ " + expression + " }}").render(values)
        except Exception as exc:  # noqa: BLE001 - the failure itself is compared
            return type(exc), str(exc)

    assert outcome(ours) == outcome(theirs)
    assert type(ours).getattr is not type(theirs).getattr  # the quick way is the one tested
