"""The web editor's configuration against the content schema, without a browser: a widget
for every field and a field for every widget, the right widget for each shape, Italian words
for every field, the order `build.py new` writes, the vendored files as released, and the
editor published only when site.yaml turns it on. (The editor in use: test_cms_browser.py.)"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from accordi import schema as content_schema
from accordi.cms import config, fields, files
from tests.conftest import ROOT, make_site

DEFS = content_schema.schema()["$defs"]
KINDS = {"agreements": ("agreement", "agreementTranslation"), "partners": ("partner",),
         "themes": ("theme",), "pages": ("page",), "site": ("site",)}


def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    ref = None
    while "$ref" in node:
        ref = ref or node["$ref"].rsplit("/", 1)[-1]
        node = {**DEFS[node["$ref"].rsplit("/", 1)[-1]],
                **{k: v for k, v in node.items() if k != "$ref"}}
    for part in node.get("allOf", []):
        inner, name = _resolve(part)
        ref = ref or name
        node = {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
    return node, ref


def schema_fields(kind: str) -> dict[str, tuple[dict[str, Any], str | None, bool]]:
    """Every field of a kind of file, walked here from the schema itself: path -> (node,
    the definition it uses, required). A text (one string or one per language) is one."""
    found: dict[str, tuple[dict[str, Any], str | None, bool]] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        node, _ = _resolve(node)
        if "oneOf" in node and "type" not in node:  # one item, or a list of them
            for option in node["oneOf"]:
                walk(option, path)
            return
        if node.get("type") == "array":
            node, _ = _resolve(node["items"])
        if node.get("type") != "object":
            return
        for key, child in node["properties"].items():
            resolved, ref = _resolve(child)
            found[f"{path}.{key}"] = (resolved, ref, key in node.get("required", []))
            if ref != "text":
                walk(child, f"{path}.{key}")

    walk({"$ref": f"#/$defs/{kind}"}, kind)
    return found


def widget_fields(widgets: list[dict[str, Any]], prefix: str) -> dict[str, dict[str, Any]]:
    """Every field of the generated configuration, by the same paths."""
    found = {}
    for w in widgets:
        path = f"{prefix}.{w['name']}"
        found[path] = w
        inner = w.get("fields", [])
        if inner and {f["name"] for f in inner} != {"it", "en"}:
            found.update(widget_fields(inner, path))
    return found


def collection(settings: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in settings["collections"] if c["name"] == name)


def widgets_of(settings: dict[str, Any], name: str) -> list[dict[str, Any]]:
    c = collection(settings, name)
    found = c["fields"] if "fields" in c else c["files"][0]["fields"]
    if name == "themes":
        found = found[0]["fields"]
    return [w for w in found if w["name"] != "body"]


SETTINGS, SHAPES = config.config(config.local("http://127.0.0.1:9/api/v1", "content",
                                              "http://127.0.0.1:8000/"))


def generated(name: str) -> dict[str, dict[str, Any]]:
    """The configuration's fields of a collection, by schema path (an agreement's field the
    twin has too counts for both)."""
    kinds = KINDS[name]
    found: dict[str, dict[str, Any]] = {}
    for path, w in widget_fields(widgets_of(SETTINGS, name), "x").items():
        top = path.split(".")[1]
        for kind in kinds:
            if top in DEFS[kind]["properties"]:
                found[kind + path[1:]] = w
    return found


@pytest.mark.parametrize("name", KINDS)
def test_every_schema_field_has_a_widget_and_every_widget_a_field(name):
    wanted = {p for kind in KINDS[name] for p in schema_fields(kind)}
    made = set(generated(name))
    assert wanted - made == set(), "schema fields without a widget"
    assert made - wanted == set(), "widgets without a schema field"


def _expect_widget(path: str, node: dict[str, Any], ref: str | None, w: dict[str, Any]) -> None:
    items, _ = _resolve(node["items"]) if node.get("type") == "array" else ({}, None)
    if not _expect_chosen_widget(path, node, ref, items, w):
        _expect_widget_of_type(path, node, items, w)


def _expect_chosen_widget(path: str, node: dict[str, Any], ref: str | None,
                          items: dict[str, Any], w: dict[str, Any]) -> bool:
    """The widgets a field has for what it refers to or allows, whatever its type; False
    for a field that has none of them."""
    if ref == "date":
        assert w["widget"] == "accordi-date", path
    elif ref == "text":
        assert w["widget"] == "object" and [f["name"] for f in w["fields"]] == ["it", "en"]
    elif path in fields.RELATIONS:
        assert w["widget"] == "relation" and w["multiple"] == (node.get("type") == "array")
        if node.get("minItems"):
            assert w["min"] == node["minItems"], path
    elif "enum" in node or "enum" in items:
        values = node.get("enum") or items["enum"]
        assert w["widget"] == "select" and [o["value"] for o in w["options"]] == values
        assert w.get("multiple", False) == ("enum" in items), path
    elif path in fields.RECORD_IDS:
        assert w["widget"] == "accordi-id" and w["pattern"][0] == node["pattern"]
    else:
        return False
    return True


def _expect_widget_of_type(path: str, node: dict[str, Any], items: dict[str, Any],
                           w: dict[str, Any]) -> None:
    if node.get("type") == "string":
        assert w["widget"] in ("string", "text", "file", "accordi-translation"), path
        if w["widget"] != "file":  # a file is picked from content/documents/
            assert w.get("pattern", [None])[0] == node.get("pattern"), path
    elif node.get("type") == "number":
        assert w["widget"] == "number" and w["value_type"] == "float", path
        assert (w.get("min"), w.get("max")) == (node.get("minimum"), node.get("maximum"))
    elif node.get("type") == "boolean":
        assert w["widget"] == "boolean", path
    elif items.get("type") == "object":
        assert w["widget"] == "list" and w.get("min") == node.get("minItems"), path
    elif "oneOf" in node and "type" not in node:  # one item or a list: the form has a list
        assert w["widget"] == "list" and "fields" in w, path
    elif node.get("type") == "array":
        assert w["widget"] == "list" and "field" in w, path
    else:
        assert node.get("type") == "object" and w["widget"] == "object", path


@pytest.mark.parametrize("name", KINDS)
def test_each_field_has_the_widget_of_its_shape_and_is_required_as_the_schema_says(name):
    made = generated(name)
    for kind in KINDS[name]:
        for path, (node, ref, required) in schema_fields(kind).items():
            w = made[path]
            _expect_widget(path, node, ref, w)
            if kind == "agreementTranslation" and path.split(".")[1] in DEFS["agreement"][
                    "properties"]:
                continue  # one widget for both files: the Italian source's says
            depth = path.count(".")
            if depth == 1 or path.split(".")[1] in ("counterparts", "signatories", "renewals",
                                                    "documents", "acts", "sources",
                                                    "name_local"):
                assert w["required"] is required, path
            else:  # inside an optional record, what it needs is said by `check`
                parent = schema_fields(kind)[path.rsplit(".", 1)[0]]
                assert w["required"] is (required and parent[2]), path


def test_enum_options_carry_both_languages_words():
    agreement = generated("agreements")
    labels = {o["value"]: o["label"] for o in agreement["agreement.type"]["options"]}
    assert labels["protocollo-intesa"] == "Protocollo d'intesa / Memorandum of understanding"
    assert labels["memorandum"] == "Memorandum"  # the same word in both
    kinds = {o["value"]: o["label"] for o in generated("partners")["partner.kind"]["options"]}
    assert kinds == {"city": "Città / City", "region": "Regione / Region",
                     "country": "Paese / Country", "university": "Università / University",
                     "institution": "Istituzione / Institution",
                     "organisation": "Organizzazione / Organisation"}


def test_every_field_has_italian_words_and_every_described_field_a_hint():
    words = yaml.safe_load(fields.WORDS.read_text(encoding="utf-8"))
    paths = {p for kinds in KINDS.values() for k in kinds for p in schema_fields(k)}
    assert {k for k in words if not k.startswith("$defs.")} == paths
    for name in KINDS:
        for kind in KINDS[name]:
            for path, (_, ref, _) in schema_fields(kind).items():
                w = generated(name)[path]
                entry = words[path] if isinstance(words[path], str) else words[path]["label"]
                shared = kind == "agreementTranslation" and path.split(".")[1] in DEFS[
                    "agreement"]["properties"]
                assert shared or w["label"] == entry, path
                own = _own(kind, path)
                if "description" in own or (ref and "description" in DEFS[ref]):
                    assert w.get("hint"), f"{path}: described in the schema, no hint"


def _own(kind: str, path: str) -> dict[str, Any]:
    """A field's node as the schema writes it, before its definition is merged in."""
    node: dict[str, Any] = {"$ref": f"#/$defs/{kind}"}
    for key in path.split(".")[1:]:
        resolved, _ = _resolve(node)
        if "oneOf" in resolved and "type" not in resolved:  # one item, or a list of them
            resolved, _ = _resolve(resolved["oneOf"][0])
        if resolved.get("type") == "array":
            resolved, _ = _resolve(resolved["items"])
        node = resolved["properties"][key]
    return node


def test_a_field_of_an_unknown_shape_or_without_words_stops_the_generation(monkeypatch):
    changed = json.loads(json.dumps(content_schema.schema()))
    changed["$defs"]["partner"]["properties"]["fax"] = {"type": "string"}
    monkeypatch.setattr(fields.content_schema, "schema", lambda: changed)
    with pytest.raises(fields.UnknownField, match="partner.fax: no label"):
        fields.fields_of("partner")
    monkeypatch.setitem(fields.words(), "partner.fax", "Fax")
    fields.fields_of("partner")  # a string with words: a text box
    changed["$defs"]["partner"]["properties"]["fax"] = {"type": "null"}
    with pytest.raises(fields.UnknownField, match="no widget for a field of type 'null'"):
        fields.fields_of("partner")


def _scaffold_keys(name: str) -> list[str]:
    text = (ROOT / "accordi" / "scaffolds" / name).read_text(encoding="utf-8")
    keys = re.findall(r"^(?:- |  )?#? ?([a-z_]+):", text, re.MULTILINE)
    return list(dict.fromkeys(keys))


def test_files_and_form_follow_the_key_order_of_build_py_new():
    form = [w["name"] for w in widgets_of(SETTINGS, "agreements")]
    facts = [k for k in form if k in DEFS["agreement"]["properties"]]
    scaffold = [k for k in _scaffold_keys("agreement.it.md")
                if k in DEFS["agreement"]["properties"]]
    assert facts[:len(scaffold)] == scaffold
    twin = [k for k in form if k in DEFS["agreementTranslation"]["properties"]]
    assert twin == ["title", "object", "translator_note"]
    assert SHAPES["accordi-agreement"]["keys"] == form
    assert [w["name"] for w in widgets_of(SETTINGS, "partners")] == _scaffold_keys(
        "partner.yaml")
    assert [w["name"] for w in widgets_of(SETTINGS, "themes")] == _scaffold_keys("theme.yaml")


def test_collections_one_per_kind_of_file_with_the_twin_through_i18n():
    names = [c["name"] for c in SETTINGS["collections"]]
    assert names == ["agreements", "partners", "themes", "pages", "site"]
    assert SETTINGS["i18n"] == {"structure": "multiple_files", "locales": ["it", "en"],
                                "default_locale": "it"}
    agreements = collection(SETTINGS, "agreements")
    assert agreements["i18n"] is True and agreements["folder"] == "content/agreements"
    translated = {w["name"] for w in agreements["fields"] if w["i18n"]}
    assert translated == set(DEFS["agreementTranslation"]["properties"]) | {"body"}
    assert collection(SETTINGS, "themes")["files"][0]["file"] == "content/themes.yaml"
    assert collection(SETTINGS, "site")["files"][0]["file"] == "content/site.yaml"
    assert all(c.get("delete") is False for c in SETTINGS["collections"])  # addresses stay
    assert SETTINGS["locale"] == "it"


def test_the_vendored_libraries_are_the_released_files_with_their_licences():
    vendor = ROOT / "accordi" / "cms" / "vendor"
    sums = dict(reversed(line.split("  ", 1)) for line in
                (vendor / "SHA256SUMS").read_text().splitlines())
    present = {p.relative_to(vendor).as_posix() for p in vendor.glob("*/**/*") if p.is_file()}
    assert set(sums) == present
    for rel, digest in sums.items():
        assert hashlib.sha256((vendor / rel).read_bytes()).hexdigest() == digest, rel
    assert "MIT License" in (vendor / "decap-cms" / "LICENSE").read_text()
    assert "ISC" in (vendor / "yaml" / "LICENSE").read_text() or "Permission to use" in (
        vendor / "yaml" / "LICENSE").read_text()
    versions = (vendor / "VERSIONS").read_text()
    assert re.search(r"^decap-cms 3\.16\.3 sha512-", versions, re.MULTILINE)
    assert re.search(r"^yaml 2\.9\.1 sha512-", versions, re.MULTILINE)


def test_the_editor_page_allows_requests_to_the_site_and_its_backend_only():
    page = files.page(config.local("http://127.0.0.1:9/api/v1", "content", "x"), "T")
    policy = re.search(rb'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    assert b"connect-src 'self' http://127.0.0.1:9 blob:;" in policy
    gh = config.published({"backend": "github", "repo": "a/b",
                           "base_url": "https://oauth.example.org/x"}, "https://s.org/")
    assert gh.connect == ("https://api.github.com", "https://oauth.example.org")
    gl = config.published({"backend": "gitlab", "repo": "a/b", "app_id": "k"}, "u")
    assert gl.settings["auth_type"] == "pkce" and gl.connect == ("https://gitlab.com",)


def _build(tmp_path: Path, site_extra: str) -> Path:
    from accordi.cli import build_once
    from accordi.config import Paths

    content = make_site(tmp_path)
    if site_extra:
        with (content / "site.yaml").open("a", encoding="utf-8") as f:
            f.write(site_extra)
    out = tmp_path / "out"
    build_once(Paths(content=content, output=out), content_schema_date(), history=False)
    return out


def content_schema_date():
    import datetime as dt
    return dt.date(2024, 1, 15)


def test_the_published_site_has_the_editor_only_when_site_yaml_turns_it_on(tmp_path):
    assert not (_build(tmp_path / "off", "") / "admin").exists()
    out = _build(tmp_path / "on", "cms: {backend: gitlab, repo: comune/accordi, "
                 "app_id: abc123, branch: pubblicato, editorial_workflow: true}\n")
    settings = yaml.safe_load((out / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert settings["backend"] == {"name": "gitlab", "repo": "comune/accordi",
                                   "branch": "pubblicato", "app_id": "abc123",
                                   "auth_type": "pkce"}
    assert settings["publish_mode"] == "editorial_workflow"
    assert settings["site_url"] == "https://example.org/accordi/"
    assert (out / "admin" / "vendor" / "decap-cms" / "decap-cms.js").is_file()
    assert (out / "admin" / "vendor" / "decap-cms" / "LICENSE").is_file()
    shapes = json.loads((out / "admin" / "shapes.json").read_text(encoding="utf-8"))
    assert set(shapes) == set(config.FILES)
