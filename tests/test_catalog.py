"""The catalogue and the Data Package, checked by the standards' own tools, the way harvesters
and data tools read them: the DCAT-AP 3.0.0 SHACL shapes and DCAT-AP_IT shapes (pyshacl),
`frictionless validate`, and every distribution downloaded over HTTP from a served build, on
the real content and on a generated site of 1,000 agreements. Planted defects must fail."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from accordi.outputs.tables import tables
from bench.generate import generate
from tests.conftest import ROOT
from tests.siteserver import SiteServer

PUBLIC = "https://example.org/accordi/"
AS_OF = dt.date(2026, 1, 1)
STANDARDS = ROOT / "tests" / "standards"
DCAT_AP = [STANDARDS / "dcat-ap-3.0.0" / name for name in ("dcat-ap-SHACL.ttl", "range.ttl")]
DCAT_AP_IT = STANDARDS / "dcat-ap_it" / "shapes.ttl"
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
FRICTIONLESS = ROOT / ".venv" / "bin" / "frictionless"
# A test site's administration facts (not a real administration's).
TEST_CATALOGUE = ('catalogue: {ipa: c_prova, istat: "000000", office: Ufficio di prova}\n'
                  "contact: {email: a@example.org}\n")


def shapes(*files: Path) -> Graph:
    g = Graph()
    for f in files:
        g.parse(f)
    return g


def results(data: Graph, shape_graph: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every SHACL result."""
    _, report, _ = validate(data, shacl_graph=shape_graph, allow_warnings=True)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append((str(report.value(r, SH.resultSeverity)).rsplit("#")[-1],
                    str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                    str(report.value(r, SH.resultMessage))))
    return sorted(out)


def build(content: Path, out: Path, history: bool = True) -> Path:
    build_once(Paths(content=content, output=out), AS_OF, base_url=PUBLIC,
                   history=history)
    return out


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """The real content, read with its git history as `make build` reads it."""
    return build(PROJECT_ROOT / "content", tmp_path_factory.mktemp("catalog-real") / "out")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("catalog-1000")
    content = generate(1000, root / "content")
    with (content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(TEST_CATALOGUE)
    commit(content, "2025-03-04T10:00:00+01:00")
    return build(content, root / "out")


def commit(content: Path, when: str) -> None:
    """Put `content` in a git repository of its own, committed on the day `when`."""
    env = {"PATH": "/usr/bin:/bin", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "Redazione", "GIT_AUTHOR_EMAIL": "redazione@example.org",
           "GIT_COMMITTER_NAME": "Redazione", "GIT_COMMITTER_EMAIL": "redazione@example.org",
           "HOME": str(content)}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *cmd], cwd=content, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def sites(real, generated) -> dict[str, Path]:
    return {"real": real, "generated": generated}


def catalogue(out: Path, name: str = "catalog.ttl") -> Graph:
    return Graph().parse(out / "data" / name)


@pytest.mark.parametrize("site", ["real", "generated"])
@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.jsonld"])
def test_the_catalogue_has_no_dcat_ap_violation(sites, site, name):
    found = [r for r in results(catalogue(sites[site], name), shapes(*DCAT_AP))
             if r[0] == "Violation"]
    assert found == []


@pytest.mark.parametrize("site", ["real", "generated"])
def test_the_catalogue_has_every_dcat_ap_it_mandatory_and_recommended_property(sites, site):
    assert results(catalogue(sites[site]), shapes(DCAT_AP_IT)) == []


@pytest.mark.parametrize("site", ["real", "generated"])
def test_turtle_and_json_ld_state_the_same_graph(sites, site):
    assert catalogue(sites[site]).isomorphic(catalogue(sites[site], "catalog.jsonld"))


def _one(g: Graph, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


def test_the_catalogue_says_what_the_content_and_site_yaml_say(real):
    g = catalogue(real)
    base = PUBLIC + "data/catalog.ttl#"
    cat, ds = URIRef(base + "catalog"), URIRef(base + "dataset")
    assert {DCATAPIT.Catalog, DCAT.Catalog} <= set(g.objects(cat, RDF.type))
    assert {DCATAPIT.Dataset, DCAT.Dataset} <= set(g.objects(ds, RDF.type))
    assert {str(v) for v in g.objects(ds, DCTERMS.title)} >= {
        "Accordi di collaborazione internazionale – Comune di Milano",
        "International collaboration agreements – City of Milan"}
    assert {v.language for v in g.objects(ds, DCTERMS.description)} == {"it", "en"}
    assert str(_one(g, ds, DCTERMS.identifier)) == "c_f205:accordi"
    for prop in (DCTERMS.publisher, DCTERMS.rightsHolder):
        agent = _one(g, ds, prop)
        assert DCATAPIT.Agent in set(g.objects(agent, RDF.type))
        assert str(_one(g, agent, DCTERMS.identifier)) == "c_f205"
    contact = _one(g, ds, DCAT.contactPoint)
    assert str(_one(g, contact, VCARD.hasEmail)) == "mailto:accessibilita@accordi.example.org"
    assert _one(g, ds, DCAT.theme) == URIRef(EU + "data-theme/GOVE")
    assert _one(g, ds, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/IRREG")
    place = _one(g, ds, DCTERMS.spatial)
    assert str(_one(g, place, DCATAPIT.geographicalIdentifier)) == "015146"
    subjects = {str(s) for s in g.objects(ds, DCTERMS.subject)}
    themes = yaml.safe_load((PROJECT_ROOT / "content/themes.yaml").read_text(encoding="utf-8"))
    assert subjects == {f"{PUBLIC}it/temi/{th['id']}/" for th in themes}
    keywords = {v.language for v in g.objects(ds, DCAT.keyword)}
    assert keywords == {"it", "en"}
    period = _one(g, ds, DCTERMS.temporal)
    records = json.loads((real / "data/agreements.json").read_text())["agreements"]
    days = sorted(a["signed"] for a in records)
    assert str(_one(g, period, DCAT.startDate)).startswith(days[0][:4])
    assert str(_one(g, period, DCAT.endDate)).startswith(days[-1][:4])
    dists = list(g.objects(ds, DCAT.distribution))
    names = {str(_one(g, d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in dists}
    assert names == {f"{n}.csv" for n in tables(("it", "en"))} | {
        "agreements.json", "partners.json", "themes.json", "accordi.sqlite",
        "opendata.schema.json", "content.schema.json", "datapackage.json"}
    for d in dists:
        licence = _one(g, d, DCTERMS.license)
        assert licence == URIRef(EU + "licence/CC_BY_4_0")
        assert DCATAPIT.LicenseDocument in set(g.objects(licence, RDF.type))
        assert list(g.objects(d, DCTERMS.conformsTo))


def _git_day(*paths: str) -> dt.date:
    proc = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *paths], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return dt.date.fromisoformat(proc.stdout.strip())


def test_modified_is_the_day_the_data_last_changed_not_the_build_day(real, tmp_path):
    g = catalogue(real)
    ds = URIRef(PUBLIC + "data/catalog.ttl#dataset")
    modified = dt.date.fromisoformat(str(_one(g, ds, DCTERMS.modified)))
    # With git history: no earlier than the newest commit touching the files read.
    content = ["content/agreements", "content/partners", "content/themes.yaml",
               "content/site.yaml"]
    assert modified >= _git_day(*content)
    # Without it, and a reference day far ahead: the records' own latest day, not that day.
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    late = tmp_path / "late"
    build_once(Paths(content=copy, output=late), dt.date(2040, 6, 1), base_url=PUBLIC)
    alone = dt.date.fromisoformat(str(_one(catalogue(late), ds, DCTERMS.modified)))
    assert alone < dt.date(2040, 1, 1)
    again = tmp_path / "again"
    build_once(Paths(content=copy, output=again), dt.date(2040, 6, 2), base_url=PUBLIC)
    # (the files change with the reference day, which they state: their checksums do too)
    assert str(_one(catalogue(again), ds, DCTERMS.modified)) == alone.isoformat()


# -- every distribution downloads, and is what it says -------------------------------------

MEDIA = {"text/csv": "CSV", "application/json": "JSON", "application/vnd.sqlite3": "BIN"}


def _readable_as(media: str, body: bytes, tmp: Path) -> bool:
    """Whether `body` opens as `media` says, with the parser for it."""
    try:
        if media == "text/csv":
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
            return len(rows) >= 1 and len({len(r) for r in rows}) == 1
        if media == "application/json":
            json.loads(body)
            return True
        if media == "application/vnd.sqlite3":
            (tmp / "db.sqlite").write_bytes(body)
            with sqlite3.connect(tmp / "db.sqlite") as db:
                return bool(db.execute("SELECT name FROM sqlite_master").fetchall())
    except (ValueError, sqlite3.DatabaseError):
        return False
    return False


def distribution_problems(g: Graph, server: SiteServer, tmp: Path) -> list[str]:
    """What a harvester would find wrong, downloading every distribution."""
    problems = []
    for d in g.subjects(RDF.type, DCATAPIT.Distribution):
        url = str(_one(g, d, DCAT.downloadURL))
        with urllib.request.urlopen(url.replace(PUBLIC, server.base_url)) as resp:
            body = resp.read()
        media = str(_one(g, d, DCAT.mediaType)).removeprefix(IANA)
        file_type = str(_one(g, d, DCTERMS.format)).removeprefix(EU + "file-type/")
        checksum = _one(g, d, SPDX.checksum)
        if int(_one(g, d, DCAT.byteSize)) != len(body):
            problems.append(f"{url}: byte size")
        if str(_one(g, checksum, SPDX.checksumValue)) != hashlib.sha256(body).hexdigest():
            problems.append(f"{url}: checksum")
        if MEDIA.get(media) != file_type:
            problems.append(f"{url}: media type {media} with file type {file_type}")
        if not _readable_as(media, body, tmp):
            problems.append(f"{url}: does not read as {media}")
        if _one(g, d, DCAT.accessURL) != URIRef(url):
            problems.append(f"{url}: access URL")
    return problems


@pytest.mark.parametrize("site", ["real", "generated"])
def test_every_distribution_downloads_as_described(sites, site, tmp_path):
    with SiteServer(sites[site]) as server:
        # the catalogue itself is where the open-data page's head says
        page = urllib.request.urlopen(server.base_url + "it/dati-aperti/").read().decode()
        assert '<link rel="alternate" type="text/turtle"' in page
        g = Graph().parse(data=urllib.request.urlopen(
            server.base_url + "data/catalog.ttl").read(), format="turtle")
        assert distribution_problems(g, server, tmp_path) == []


# -- the Data Package ----------------------------------------------------------------------

def frictionless(folder: Path) -> dict:
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
                          cwd=folder, capture_output=True, text=True, timeout=600)
    return json.loads(proc.stdout)


@pytest.mark.parametrize("site", ["real", "generated"])
def test_frictionless_finds_the_data_package_valid(sites, site):
    report = frictionless(sites[site] / "data")
    assert report["valid"], [e for task in report["tasks"] for e in task["errors"]][:5]
    descriptor = json.loads((sites[site] / "data/datapackage.json").read_text())
    specs = tables(("it", "en"))
    assert [r["name"] for r in descriptor["resources"]] == list(specs)
    for r in descriptor["resources"]:
        assert [f["name"] for f in r["schema"]["fields"]] == specs[r["name"]].names
        header = (sites[site] / "data" / r["path"]).read_text().splitlines()[0]
        assert header.split(",") == specs[r["name"]].names
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    rows = sum(t["stats"].get("rows", 0) for t in report["tasks"])
    assert rows > (5000 if site == "generated" else 10)


# -- planted defects -----------------------------------------------------------------------

def _a_csv_distribution(g: Graph) -> URIRef:
    return URIRef(PUBLIC + "data/catalog.ttl#distribution-agreements-csv")


def test_a_distribution_without_licence_fails(real):
    g = catalogue(real)
    g.remove((_a_csv_distribution(g), DCTERMS.license, None))
    found = results(g, shapes(DCAT_AP_IT))
    assert [r[2] for r in found if r[0] == "Violation"] == [str(DCTERMS.license)]


def test_a_wrong_media_type_fails(real, tmp_path):
    g = catalogue(real)
    d = _a_csv_distribution(g)
    g.set((d, DCAT.mediaType, URIRef(IANA + "application/json")))
    with SiteServer(real) as server:
        assert distribution_problems(g, server, tmp_path) == [
            f"{PUBLIC}data/agreements.csv: media type application/json with file type CSV",
            f"{PUBLIC}data/agreements.csv: does not read as application/json"]
    g.set((d, DCAT.mediaType, Literal("text/csv")))  # a name, not the IANA type
    assert {r[2] for r in results(g, shapes(*DCAT_AP)) if r[0] == "Violation"} == {
        str(DCAT.mediaType)}


def _planted(real: Path, tmp_path: Path, table: str, column: str, value: str) -> dict:
    data = tmp_path / "data"
    shutil.copytree(real / "data", data)
    path = data / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index(column)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return frictionless(data)


def _errors(report: dict) -> list[tuple[str, str, str]]:
    return [(task["name"], e["type"], e.get("fieldName", "")) for task in report["tasks"]
            for e in task["errors"]]


def test_a_csv_row_with_a_bad_date_fails(real, tmp_path):
    report = _planted(real, tmp_path, "agreements", "signed", "2021-13-01")
    assert not report["valid"]
    assert ("agreements", "constraint-error", "signed") in _errors(report)


def test_a_reference_to_no_record_fails(real, tmp_path):
    report = _planted(real, tmp_path, "agreement_themes", "theme_id", "no-such-theme")
    assert ("agreement_themes", "foreign-key", "") in _errors(report)


# -- site.yaml `catalogue` -----------------------------------------------------------------

def test_check_names_the_catalogue_fields_a_site_lacks(write_site, run_cli, tmp_path):
    content = write_site(tmp_path)  # the fixture site: a contact e-mail, nothing else
    code, out, err = run_cli("check", "--content", content)
    assert code == 0, err
    text = out + err
    for name in ("catalogue.ipa", "catalogue.istat", "catalogue.office"):
        assert f"content/site.yaml:1: warning: field `{name}`" in text
    assert "catalogue.email" not in text  # the site's contact is the catalogue's
    code, out, err = run_cli("check", "--content", PROJECT_ROOT / "content")
    assert "catalogue." not in out + err


def test_bad_catalogue_fields_are_explained(write_site, run_cli, tmp_path):
    site = (ROOT / "tests/fixtures/site/site.yaml").read_text(encoding="utf-8")
    content = write_site(tmp_path, {"site.yaml": site + "catalogue:\n  ipa: C F205\n"
                                    "  istat: 015146\n  frequency: sometimes\n"})
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("previous build")
    code, stdout, err = run_cli("build", "--content", content, "--output", out)
    assert code != 0
    text = stdout + err
    assert "field `catalogue.ipa`" in text and "indicepa.gov.it" in text
    assert "field `catalogue.istat`" in text and "quotes" in text
    assert "field `catalogue.frequency`" in text and "IRREG" in text
    assert "Traceback" not in text
    assert (out / "kept.txt").read_text() == "previous build"


def test_a_site_without_catalogue_fields_still_builds_its_catalogue(tmp_path):
    out = build(ROOT / "tests/fixtures/site", tmp_path / "out", history=False)
    g = catalogue(out)
    found = {(r[0], r[2]) for r in results(g, shapes(DCAT_AP_IT))}
    assert ("Violation", str(DCTERMS.identifier)) in found  # no IPA code: as check says
    assert not [r for r in results(g, shapes(*DCAT_AP)) if r[0] == "Violation"]
    assert (FOAF.name in set(g.predicates()))


def test_a_commit_alone_moves_modified_in_a_cached_build(write_site, tmp_path):
    """The day comes from the git history too, which moves with a commit that changes no
    record: the next build (with its cache, as `make build` runs) must remake the catalogue."""
    content = write_site(tmp_path)
    commit(content, "2023-05-06T12:00:00+02:00")
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    ds = URIRef(PUBLIC + "data/catalog.ttl#dataset")

    def modified() -> str:
        build_once(paths, dt.date(2024, 1, 15), base_url=PUBLIC)
        return str(_one(catalogue(paths.output), ds, DCTERMS.modified))

    assert modified() == "2023-07-01"  # ateneo-2021 expired after its term (2023-06-30)
    # a commit that changes no record: a blank line at the end of a partner's file
    (content / "partners" / "lisbona.yaml").write_text(
        (content / "partners" / "lisbona.yaml").read_text(encoding="utf-8") + "\n")
    when = "2023-11-20T09:00:00+01:00"
    env = {"PATH": "/usr/bin:/bin", "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when,
           "GIT_AUTHOR_NAME": "R", "GIT_AUTHOR_EMAIL": "r@example.org",
           "GIT_COMMITTER_NAME": "R", "GIT_COMMITTER_EMAIL": "r@example.org"}
    subprocess.run(["git", "commit", "-qam", "y"], cwd=content, env=env, check=True)
    assert modified() == "2023-11-20"
