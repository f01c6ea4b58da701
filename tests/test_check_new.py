"""`build.py check` (warnings, --strict), `build.py new` (scaffolds) and the published schemas."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from accordi import schema
from accordi.config import PROJECT_ROOT
from tests.conftest import cli, make_site


def test_check_lists_warnings_and_strict_fails_on_them(tmp_path):
    content = make_site(tmp_path, {
        "agreements/lisbona-2021.it.md": (
            make_site(tmp_path / "x") / "agreements/lisbona-2021.it.md").read_text("utf-8")
        .replace("duration: P3Y", "duration: P1Y\nstatus: {value: active, as_of: 2021-06-01}"),
    })
    output = tmp_path / "never"
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0, err
    assert "(with warnings)" in out
    lines = err.splitlines()
    assert ("content/agreements/ateneo-2019.it.md:1: warning: no en translation: readers see "
            "the Italian text") in lines
    assert "    hint: add ateneo-2019.en.md beside this file" in lines
    assert ("content/pages/metodo.it.md:1: warning: no en translation: readers see the Italian "
            "text") in lines
    assert any(line.startswith("content/agreements/lisbona-2021.it.md:15: warning: field "
                               "`status.value`: stated as in force, but its term ended on "
                               "2022-03-15") for line in lines), err
    assert lines[-1] == "0 error(s), 6 warning(s)"  # and what the catalogue lacks
    assert not output.exists()
    code, _, err_strict = cli("check", "--strict", "--content", content, "--as-of", "2024-01-15")
    assert code == 1 and err_strict == err


def test_links_into_the_site_that_lead_nowhere_are_errors(tmp_path):
    """`check` says where they are and what to write, and fails, as the build does."""
    source = (make_site(tmp_path / "x") / "agreements/lisbona-2021.it.md").read_text("utf-8")
    content = make_site(tmp_path, {"agreements/lisbona-2021.it.md": source.replace(
        "## Premesse", "Vedi [l'altro accordo](/it/accordi/ateneo-2019/#art-9), "
        "[una pagina](/it/accordi/non-esiste/) e [più sotto](#art-77).\n\n## Premesse")})
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert (code, out) == (1, "")
    line = source.splitlines().index("## Premesse") + 1
    where = f"content/agreements/lisbona-2021.it.md:{line}: error: field `body`: the link "
    anchors = "    hint: anchors are art-N, art-N-P (paragraph) and art-N-P-x (point)"
    assert err.splitlines() == [
        where + "`#art-77` points to no anchor of this page", anchors,
        where + "`/it/accordi/ateneo-2019/#art-9` points to no anchor `#art-9` on that page",
        anchors,
        where + "`/it/accordi/non-esiste/` points to no page of this site",
        "    hint: copy the address of an existing page, e.g. /it/accordi/<id>/",
        "3 error(s), 0 warning(s)"]
def test_a_missing_date_of_signing_is_a_warning_strict_lets_pass(tmp_path):
    """No source gives the date: the site says so, check says so, and --strict does not
    fail on it, since the only way to silence it would be to make a date up."""
    source = (make_site(tmp_path / "x") / "agreements/lisbona-2012.it.md").read_text("utf-8")
    en = (make_site(tmp_path / "y") / "agreements/lisbona-2012.en.md").read_text("utf-8")
    content = make_site(tmp_path, {
        "agreements/lisbona-2012.it.md": source.replace("signed: 2012\n", ""),
        "agreements/ateneo-2019.en.md": en.replace("Declaration of friendship between "
                                                   "Esempio and Lisbon", "Memorandum"),
        "pages/metodo.en.md": "---\ntitle: Method\n---\nDates as the sources give them.\n",
        "site.yaml": (make_site(tmp_path / "z") / "site.yaml").read_text("utf-8") + (
            'catalogue: {ipa: c_prova, istat: "000000", office: {it: Ufficio}}\n')})
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0, err
    assert err.splitlines() == [
        "content/agreements/lisbona-2012.it.md:2: warning: field `signed`: no date of signing: "
        "the site says it is not known",
        "    hint: add `signed:` if a source gives the date (YYYY-MM-DD, YYYY-MM or YYYY); "
        "never a guessed one",
        "0 error(s), 1 warning(s)"]
    assert "(with warnings)" in out
    code, out, err_strict = cli("check", "--strict", "--content", content, "--as-of",
                                "2024-01-15")
    assert code == 0 and err_strict == err, err_strict
    # A warning that an edit can fix still fails --strict beside it.
    (content / "pages/metodo.en.md").unlink()
    assert cli("check", "--strict", "--content", content, "--as-of", "2024-01-15")[0] == 1


def test_check_reports_errors_without_writing(tmp_path):
    content = make_site(tmp_path, {"themes.yaml": "- id: Cultura\n"})
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 1 and out == ""
    assert "content/themes.yaml:1: error: 1st item, field `id`: `Cultura` is not valid here" in err
    assert "Traceback" not in err


def test_internal_links_and_anchors_that_exist_pass(tmp_path):
    source = (make_site(tmp_path / "x") / "agreements/lisbona-2012.it.md").read_text("utf-8")
    content = make_site(tmp_path, {"agreements/lisbona-2012.it.md": source.replace(
        "\n---\n", "\n---\nVedi [l'art. 1](/it/accordi/lisbona-2021/#art-1-2), "
        "[i temi](/en/themes/), [il testo](/it/accordi/lisbona-2021/#testo), "
        "[il PDF](/documents/accordo-lisbona.pdf), [i dati](/data/agreements.csv), "
        "[la scheda](/data/agreements/lisbona-2021.json), "
        "[il foglio di stile](/assets/css/site.css), "
        "[il metodo](/en/about/#how-the-status-is-worked-out) e `[non un link](/x/)`.\n\n"
        "[nota]: /it/temi/cultura/\n\n", 1)})
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0, err
    assert "points to no" not in err


def test_new_agreement_writes_both_files_and_check_says_what_is_missing(tmp_path):
    content = make_site(tmp_path)
    code, out, err = cli("new", "agreement", "lisbona-2025", "--content", content)
    assert code == 0, err
    it, en = content / "agreements/lisbona-2025.it.md", content / "agreements/lisbona-2025.en.md"
    assert it.is_file() and en.is_file()
    text = it.read_text(encoding="utf-8")
    for field in schema.properties_of("agreement") - {"aliases"}:
        assert f"{field}:" in text, f"scaffold lacks `{field}`"
    code, _, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 1
    missing = [line for line in err.splitlines() if "lisbona-2025.it.md" in line]
    assert any("field `title`: must not be empty" in line for line in missing), err
    assert any("field `signed`: must not be empty" in line for line in missing), err
    assert any("field `partners`: needs at least 1 item(s)" in line for line in missing), err
    # Filled in, the record is valid.
    filled = (text.replace('title: ""', "title: Accordo con Lisbona")
              .replace('object: ""', "object: Cultura.")
              .replace("partners: []", "partners: [lisbona]")
              .replace('signed: ""', "signed: 2025-01-10")
              .replace('  - {title: ""}', '  - {title: "Delibera n. 1"}'))
    it.write_text(filled, encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8").replace('title: ""', "title: Lisbon")
                  .replace('object: ""', "object: Culture."), encoding="utf-8")
    code, out, err = cli("check", "--content", content, "--as-of", "2025-02-01")
    assert code == 0, err
    assert "5 agreements" in out


def test_new_refuses_to_overwrite_and_bad_ids(tmp_path):
    content = make_site(tmp_path)
    before = (content / "agreements/lisbona-2021.it.md").read_bytes()
    code, out, err = cli("new", "agreement", "lisbona-2021", "--content", content)
    assert code == 1 and "already exists: nothing was written" in err
    assert (content / "agreements/lisbona-2021.it.md").read_bytes() == before
    assert not (content / "agreements/lisbona-2021.en.md").read_text().startswith("---\n#")
    code, _, err = cli("new", "partner", "lisbona", "--content", content)
    assert code == 1 and "already exists" in err
    code, _, err = cli("new", "theme", "cultura", "--content", content)
    assert code == 1 and "theme `cultura` already exists" in err
    code, _, err = cli("new", "partner", "../evil", "--content", content)
    assert code == 1 and "is not a valid id" in err
    assert not (tmp_path / "evil.yaml").exists()


def test_new_partner_and_theme_are_valid_once_filled(tmp_path):
    content = make_site(tmp_path)
    assert cli("new", "partner", "madrid", "--content", content)[0] == 0
    assert cli("new", "theme", "mobilita", "--content", content)[0] == 0
    code, _, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 1
    assert "content/partners/madrid.yaml:" in err and "content/themes.yaml:" in err
    partner = content / "partners/madrid.yaml"
    partner.write_text(partner.read_text().replace('name: {it: "", en: ""}',
                                                   "name: {it: Madrid, en: Madrid}")
                       .replace('country: ""', "country: ES")
                       .replace("location: {lat: 0, lon: 0}",
                                "location: {lat: 40.4168, lon: -3.7038}")
                       .replace('description: {it: "", en: ""}',
                                "description: {it: Capitale della Spagna., en: Capital of Spain.}"))
    themes = content / "themes.yaml"
    blank = '  name: {it: "", en: ""}\n  description: {it: "", en: ""}'
    themes.write_text(themes.read_text().replace(blank, "  name: {it: Mobilità, en: Mobility}\n"
                                                 "  description: {it: Trasporti., en: Transport.}"))
    code, out, err = cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0, err
    assert "3 partners, 4 themes" in out


def test_published_schemas_are_in_sync_and_accept_the_real_content():
    folder = PROJECT_ROOT / "schema"
    for name, text in schema.published_files().items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"schema/{name} is out of date: run `python build.py schema`")
    content = PROJECT_ROOT / "content"

    def validate(name, data):
        validator = Draft202012Validator(json.loads((folder / name).read_text()))
        assert list(validator.iter_errors(data)) == []

    validate("site.schema.json", _yaml(content / "site.yaml"))
    validate("themes.schema.json", _yaml(content / "themes.yaml"))
    for p in (content / "partners").glob("*.yaml"):
        validate("partner.schema.json", _yaml(p))
    for p in (content / "agreements").rglob("*.it.md"):
        validate("agreement.schema.json", _front(p))
    for p in (content / "agreements").rglob("*.en.md"):
        validate("agreement-translation.schema.json", _front(p))
    for p in (content / "pages").glob("*.md"):
        validate("page.schema.json", _front(p))
    settings = json.loads((PROJECT_ROOT / ".vscode" / "settings.json").read_text())
    assert set(settings["yaml.schemas"]) <= {f"./schema/{n}" for n in schema.published_files()}


def _yaml(path):
    from accordi.yamlmarks import load
    marked, problems = load(path.read_text(encoding="utf-8"))
    assert not problems
    return marked.data


def _front(path):
    from accordi.sources import split_front_matter
    from accordi.yamlmarks import load
    front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    marked, _ = load(front)
    return marked.data
