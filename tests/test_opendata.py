"""The open data, read the way its users read it: JSON against the published JSON Schema,
CSV with the csv module, the database with sqlite3; and the page that documents it all."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from accordi.cli import build_once, load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.i18n import strings
from accordi.outputs.tables import LIST_SEPARATOR, describe, tables
from accordi.pages.lists import sql_example
from tests.regen_golden import AS_OF, build_fixture
from tests.test_golden import Page

PUBLIC = "https://example.org/accordi/"
REAL_AS_OF = dt.date(2026, 1, 1)
LANGS = ("it", "en")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("data-real") / "output"
    paths = Paths(content=PROJECT_ROOT / "content", output=out)
    build_once(paths, REAL_AS_OF, base_url=PUBLIC)
    site, _ = load_site(paths, REAL_AS_OF, PUBLIC)
    return out, site


@pytest.fixture(scope="module")
def fixture_built(tmp_path_factory):
    out = tmp_path_factory.mktemp("data-fixture") / "output"
    build_fixture(out)
    return out


@pytest.fixture(scope="module")
def validator(real):
    out, _ = real
    schema = json.loads((out / "data/opendata.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(out: Path, rel: str):
    return json.loads((out / "data" / rel).read_text(encoding="utf-8"))


def read_csv(out: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = (out / "data" / f"{name}.csv").read_bytes().decode("utf-8")  # strict UTF-8
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def as_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


# -- JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["real", "fixture"])
def test_every_json_file_is_valid_against_the_published_schema(which, real, fixture_built,
                                                                validator):
    out = real[0] if which == "real" else fixture_built
    # datapackage.json follows the Data Package standard instead (see test_catalog.py)
    files = sorted(p for p in (out / "data").rglob("*.json")
                   if "schema" not in p.name and p.name != "datapackage.json")
    assert len(files) == 3 + len(list((out / "data/agreements").glob("*.json")))
    for path in files:
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], f"{path.relative_to(out)}: {errors}"


def test_the_schema_refuses_what_it_does_not_describe(real, validator):
    out, _ = real
    good = load(out, "agreements/milano-riga-2018.json")
    assert validator.is_valid(good)
    for change in (lambda r: r["agreement"].update(status="valid"),
                   lambda r: r["agreement"].update(extra="x"),
                   lambda r: r["agreement"].update(signed="2018-2-2"),
                   lambda r: r["agreement"]["documents"][0].pop("role"),
                   lambda r: r["metadata"].pop("licence_url")):
        bad = copy.deepcopy(good)
        change(bad)
        assert not validator.is_valid(bad)


def test_json_records_say_what_the_content_says(real):
    out, site = real
    data = load(out, "agreements.json")
    meta = data["metadata"]
    s = site.settings
    assert meta["licence_id"] == "CC-BY-4.0" == s.licence["id"]
    assert meta["licence_url"] == s.licence["url"]
    assert meta["status_as_of"] == REAL_AS_OF.isoformat()
    assert meta["schema_url"] == PUBLIC + "data/opendata.schema.json"
    assert meta["documentation_en"] == PUBLIC + "en/open-data/"
    records = {r["id"]: r for r in data["agreements"]}
    assert list(records) == list(site.agreements)
    for aid, a in site.agreements.items():
        r = records[aid]
        assert r["title_it"] == a.title["it"] and r["title_en"] == a.title.get("en")
        assert r["partners"] == a.partners and r["themes"] == a.themes
        assert r["signed"] == a.signed.iso()
        assert r["status"] == a.status.value and r["in_force"] == a.status.in_force
        assert r["url_en"] == PUBLIC + f"en/agreements/{aid}/"
        assert r["data_url"] == PUBLIC + f"data/agreements/{aid}.json"
        assert [p["partner_id"] for p in r["agreement_partners"]] == a.partners
        assert len(r["documents"]) == len(a.acts) + len(a.documents) + len(a.sources)
        # Each agreement's own file is the same record with the same metadata.
        own = load(out, f"agreements/{aid}.json")
        assert own == {"metadata": meta, "agreement": r}
    riga = records["milano-riga-2018"]
    assert riga["status"] == "expired" and riga["term_end"] == "2020-02-02"
    assert [s["name"] for s in riga["signatories"]] == ["Giuseppe Sala", "Nils Ušakovs"]
    partners = {p["id"]: p for p in load(out, "partners.json")["partners"]}
    assert partners["riga"]["country_name_it"] == "Lettonia"
    assert partners["riga"]["agreements"] == ["milano-riga-2018"]
    assert partners["riga"]["feed_url_en"] == PUBLIC + "en/partners/riga/feed.xml"
    themes = load(out, "themes.json")["themes"]
    assert {th["id"] for th in themes} == set(site.themes)


def test_untranslated_text_is_null_not_a_copy_of_the_italian(fixture_built):
    record = load(fixture_built, "agreements/ateneo-2019.json")["agreement"]
    assert record["title_en"] is None and record["object_en"] is None
    assert record["languages"] == ["it"]
    assert record["status_as_of"] == AS_OF.isoformat()
    translated = load(fixture_built, "agreements/lisbona-2021.json")["agreement"]
    assert translated["title_en"] and translated["languages"] == ["it", "en"]


# -- CSV ---------------------------------------------------------------------------------


def test_csv_files_have_the_documented_columns_and_the_json_values(real):
    out, _ = real
    published = tables(LANGS)
    agreements = load(out, "agreements.json")["agreements"]
    for name, table in published.items():
        header, rows = read_csv(out, name)
        assert header == table.names, name
        if name in ("agreements", "partners", "themes"):
            records = load(out, f"{name}.json")[name]
        else:  # nested in the agreements' records
            records = [{"agreement_id": a["id"], **row} for a in agreements for row in a[name]]
        assert len(rows) == len(records), name
        for row, record in zip(rows, records, strict=True):
            assert row == {k: as_cell(record[k]) for k in table.names}, name
    _, rows = read_csv(out, "agreements")
    riga = next(r for r in rows if r["id"] == "milano-riga-2018")
    assert riga["themes"].split(LIST_SEPARATOR)[:2] == ["istruzione", "cultura"]
    assert riga["status"] == "expired" and riga["status_as_of"] == "2026-01-01"
    assert (out / "data/agreements.csv").read_bytes().count(b"\r\n") == len(rows) + 1


def test_csv_readme_states_the_licence_and_every_column(real):
    out, _ = real
    text = (out / "data/README.txt").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Creative Commons Attribuzione 4.0 Internazionale" in text
    assert "Creative Commons Attribution 4.0 International" in text
    for name, table in tables(LANGS).items():
        assert f"{name}.csv" in text
        for column in table.columns:
            for lang in LANGS:
                assert f"  {column.name} ({strings(lang)['data_type_' + column.type]}): " \
                       f"{describe(name, column, lang)}" in text


# -- SQLite ------------------------------------------------------------------------------


def test_sqlite_holds_the_same_tables_described_in_both_languages(real):
    out, _ = real
    db = sqlite3.connect(f"file:{out / 'data/accordi.sqlite'}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        meta = dict(db.execute("SELECT key, value FROM metadata"))
        assert meta == load(out, "agreements.json")["metadata"]
        for name, table in tables(LANGS).items():
            cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
            assert cols == table.names, name
            _, rows = read_csv(out, name)
            got = db.execute(f'SELECT * FROM "{name}"').fetchall()
            assert len(got) == len(rows), name
            for row, values in zip(rows, got, strict=True):
                as_text = ["" if v is None else
                           ("true" if v == 1 else "false") if c.type == "boolean" else str(v)
                           for c, v in zip(table.columns, values, strict=True)]
                assert as_text == [row[c] for c in table.names], name
            documented = db.execute("SELECT column_name, description_it, description_en "
                                    "FROM metadata_columns WHERE table_name = ? "
                                    "ORDER BY position", (name,)).fetchall()
            assert documented == [(c.name, describe(name, c, "it"), describe(name, c, "en"))
                                  for c in table.columns]
        assert db.execute("SELECT COUNT(*) FROM metadata_tables").fetchone() == (
            len(tables(LANGS)),)
        # What a journalist would ask: which agreements with Riga, and are they in force?
        assert db.execute("SELECT a.id, a.in_force FROM agreements a JOIN agreement_partners "
                          "ap ON ap.agreement_id = a.id WHERE ap.partner_id = 'riga'"
                          ).fetchall() == [("milano-riga-2018", 0)]
    finally:
        db.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_example_query_of_the_open_data_page_runs(real, lang):
    out, _ = real
    db = sqlite3.connect(f"file:{out / 'data/accordi.sqlite'}?mode=ro", uri=True)
    try:
        got = db.execute(sql_example(lang)).fetchall()
    finally:
        db.close()
    expected: dict[str, int] = {}
    themes = {th["id"]: th[f"name_{lang}"] for th in load(out, "themes.json")["themes"]}
    for a in load(out, "agreements.json")["agreements"]:
        if a["in_force"] is True:
            for tid in a["themes"]:
                expected[themes[tid]] = expected.get(themes[tid], 0) + 1
    assert got and dict(got) == expected
    page = (out / ("it/dati-aperti" if lang == "it" else "en/open-data") / "index.html")
    assert sql_example(lang).replace("\n", " ") in " ".join(
        page.read_text(encoding="utf-8").split("\n"))


def test_data_files_are_reproducible(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_fixture(a)
    build_fixture(b)
    files = sorted(p.relative_to(a) for p in (a / "data").rglob("*") if p.is_file())
    assert any(p.suffix == ".sqlite" for p in files)
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_schemas_are_published_as_they_are(real):
    out, _ = real
    assert (out / "data/opendata.schema.json").read_bytes() == (
        PROJECT_ROOT / "accordi/outputs/opendata.schema.json").read_bytes()
    assert (out / "data/content.schema.json").read_bytes() == (
        PROJECT_ROOT / "accordi/content.schema.json").read_bytes()


# -- the open-data page and the record pages ---------------------------------------------


@pytest.mark.parametrize("lang,rel", [("it", "it/dati-aperti/index.html"),
                                      ("en", "en/open-data/index.html")])
def test_open_data_page_documents_every_file_and_column(real, lang, rel):
    out, _ = real
    page = Page((out / rel).read_text(encoding="utf-8"))
    assert page.find("html", lang=lang)
    links = {a["href"] for a in page.find("a")}
    data_files = {p.relative_to(out).as_posix() for p in (out / "data").iterdir() if p.is_file()}
    assert {"/accordi/" + f for f in data_files} <= links  # every file is linked
    for href in links:
        if href.startswith("/accordi/data/"):
            assert (out / href.removeprefix("/accordi/")).is_file(), href
    texts = [text for text, _ in page.texts]
    for name, table in tables(LANGS).items():
        assert page.find("section", id=name), name
        for column in table.columns:
            assert column.name in texts, (name, column.name)
            description = describe(name, column, lang)
            assert description and any(description in text for text in texts), column.name
            other = describe(name, column, "en" if lang == "it" else "it")
            assert other != description, f"{name}.{column.name} is not translated"
    assert page.find("a", rel="license", href="https://creativecommons.org/licenses/by/4.0/")


def test_open_data_page_is_in_every_footer_and_has_its_twin(real):
    out, _ = real
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("assets/"):
            continue
        page = Page(path.read_text(encoding="utf-8"))
        lang = page.find("html")[0]["lang"]
        target = "/accordi/it/dati-aperti/" if lang == "it" else "/accordi/en/open-data/"
        footer_links = [a for a in page.find("a", href=target)]
        assert footer_links, rel
    it = Page((out / "it/dati-aperti/index.html").read_text(encoding="utf-8"))
    assert it.find("a", href="/accordi/en/open-data/", hreflang="en")


def test_record_pages_state_the_licence_and_agreements_link_their_json(real):
    out, site = real
    licence = site.settings.licence["url"]
    pages = [(f"{lg}/{sec}/{a}/index.html", a) for a in site.agreements
             for lg, sec in (("it", "accordi"), ("en", "agreements"))]
    pages += [(f"{lg}/{sec}/{p}/index.html", None) for p in site.partners
              for lg, sec in (("it", "partner"), ("en", "partners"))]
    pages += [(f"{lg}/{sec}/{th}/index.html", None) for th in site.themes
              for lg, sec in (("it", "temi"), ("en", "themes"))]
    for rel, aid in pages:
        html = (out / rel).read_text(encoding="utf-8")
        section = html[html.index('<section class="record-data"'):]
        section = section[:section.index("</section>")]
        record = Page(section)
        assert record.find("a", rel="license", href=licence), rel
        if aid:
            json_links = record.find("a", href=f"/accordi/data/agreements/{aid}.json")
            assert len(json_links) == 1, rel
            assert (out / f"data/agreements/{aid}.json").is_file()
