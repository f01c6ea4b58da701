"""The web editor's form fields, one per field of the content schema, and the shapes its
file format writes them in.

Every field comes from `accordi/content.schema.json`: its widget from the field's type (a
text in two languages, a partial date, a fixed list of values, a list of records...), its
required mark from the schema's `required`, its label and hint from `words.it.yaml`. A
field of a shape this module does not know stops the generation: a new kind of field needs
a widget before the editor can be made.

Beside each field, a *shape* tells the editor's file format (`admin/accordi-cms.js`) how to
write the value back the way `build.py new` writes it: free text in double quotes, codes
(ids, dates, enums) plain, texts and small records as `{it: ..., en: ...}`, lists of ids as
`[a, b]`, lists of records one `- {...}` a line; and in which order the keys go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .. import schema as content_schema
from ..i18n import strings

WORDS = Path(__file__).with_name("words.it.yaml")
SCAFFOLDS = Path(__file__).resolve().parent.parent / "scaffolds"
LONG = {"object", "description", "note", "translator_note", "tagline"}  # a text area
RECORD_IDS = {"agreement.id", "partner.id", "theme.id"}  # fixed once the record is saved
# Which collection an id names (the schema says it in words only).
RELATIONS = {
    "agreement.partners": "partners", "agreement.counterparts.partner": "partners",
    "agreement.themes": "themes", "agreement.extends": "agreements",
    "agreement.supersedes": "agreements",
}
LANGS = (("it", "italiano"), ("en", "inglese"))


class UnknownField(Exception):
    """A schema field of a shape the editor has no widget for."""


@dataclass
class Made:
    """One schema field as a form field (Decap's configuration) and as a shape."""

    widget: dict[str, Any]
    shape: dict[str, Any]
    paths: list[str] = field(default_factory=list)  # every schema path it covers


@cache
def words() -> dict[str, Any]:
    return yaml.safe_load(WORDS.read_text(encoding="utf-8"))


def _entry(path: str) -> dict[str, Any]:
    entry = words().get(path)
    if entry is None:
        raise UnknownField(f"{path}: no label in {WORDS.name}")
    return {"label": entry} if isinstance(entry, str) else dict(entry)


def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A schema node with its `$ref`s and `allOf`s merged in (the node's own keys win), and
    the name of the definition it refers to, if any."""
    defs, name = content_schema.schema()["$defs"], None
    merged = dict(node)
    while "$ref" in merged:
        ref = merged.pop("$ref").rsplit("/", 1)[-1]
        name = name or ref
        merged = {**defs[ref], **merged}
    for part in merged.pop("allOf", []):
        inner, inner_name = resolve(part)
        name = name or inner_name
        merged = {**inner, **merged}
    return merged, name


def key_order(kind: str) -> list[str]:
    """The order of a kind's keys: as `build.py new` writes them (its blank record lists
    every field, commented out when optional), then the schema's for the rest."""
    scaffold = {"agreement": "agreement.it.md", "agreementTranslation": "agreement.en.md",
                "partner": "partner.yaml", "theme": "theme.yaml"}.get(kind)
    order: list[str] = []
    if scaffold:
        for line in (SCAFFOLDS / scaffold).read_text(encoding="utf-8").splitlines():
            m = re.match(r"^(?:- |  )?#? ?([a-z_]+):", line)
            if m and m[1] not in order:
                order.append(m[1])
    props = content_schema.schema()["$defs"][kind]["properties"]
    return [k for k in order if k in props] + [k for k in props if k not in order]


def _hint(path: str, own: dict[str, Any], ref: str | None) -> str | None:
    """The field's hint: its own words, else those of the shape it shares with others
    (a date, a text...). `own` is the field's node as the schema writes it."""
    entry = _entry(path)
    if entry.get("hint"):
        return entry["hint"]
    if "description" in own:
        raise UnknownField(f"{path}: the schema describes it, {WORDS.name} has no hint")
    if ref and "description" in content_schema.schema()["$defs"][ref]:
        hint = words().get(f"$defs.{ref}")
        if not hint:
            raise UnknownField(f"$defs.{ref}: the schema describes it, {WORDS.name} has "
                               "no hint")
        return hint
    return None


def _options(path: str, node: dict[str, Any]) -> list[dict[str, str]]:
    entry, values = _entry(path), node["enum"]
    if "locale" in entry:
        pairs = {v: (strings("it")[f"{entry['locale']}_{v}"],
                     strings("en")[f"{entry['locale']}_{v}"]) for v in values}
    elif "options" in entry:
        pairs = {v: tuple(entry["options"][v]) for v in values}
    else:
        raise UnknownField(f"{path}: a list of values needs its words in {WORDS.name}")
    return [{"label": it if it == en else f"{it} / {en}", "value": v}
            for v, (it, en) in pairs.items()]


def _text(name: str, required: bool) -> Made:
    widget = "text" if name in LONG else "string"
    subfields = [{"name": code, "label": word, "widget": widget,
                  "required": required and code == "it"} for code, word in LANGS]
    return Made({"widget": "object", "fields": subfields, "collapsed": False}, {"k": "text"})


def make(path: str, own: dict[str, Any], required: bool) -> Made:
    """The form field and shape of the schema field at `path` (kind.field.subfield)."""
    node, ref = resolve(own)
    name = path.rsplit(".", 1)[-1]
    made = _widget(path, name, node, ref, required)
    made.widget = {"name": name, "label": _entry(path)["label"], **made.widget,
                   "required": required}
    hint = _hint(path, own, ref)
    if hint:
        made.widget["hint"] = hint
    made.paths.insert(0, path)
    return made


def _widget(path: str, name: str, node: dict[str, Any], ref: str | None,
            required: bool) -> Made:
    if ref == "text":
        return _text(name, required)
    if ref == "date":
        return Made({"widget": "accordi-date"}, {"k": "date"})
    kind = node.get("type")
    if kind is None and (one := _one_or_list(node)):
        made = _array(path, one, required)
        made.shape["one"] = True
        return made
    if path in RELATIONS:
        return Made(_relation(RELATIONS[path], kind == "array", node),
                    {"k": "codes" if kind == "array" else "code"})
    if kind == "string":
        return _string(path, name, node)
    if kind in ("number", "integer"):
        widget: dict[str, Any] = {"widget": "number",
                                  "value_type": "float" if kind == "number" else "int"}
        widget.update({k: node[k] for k in ("minimum", "maximum") if k in node})
        widget["min"], widget["max"] = widget.pop("minimum", None), widget.pop("maximum", None)
        return Made({k: v for k, v in widget.items() if v is not None}, {"k": "number"})
    if kind == "boolean":
        return Made({"widget": "boolean"}, {"k": "bool"})
    if kind == "object":
        return _object(path, node, required)
    if kind == "array":
        return _array(path, node, required)
    raise UnknownField(f"{path}: no widget for a field of type {kind!r}")


def _one_or_list(node: dict[str, Any]) -> dict[str, Any] | None:
    """The list of a field written as one item or as a list of them (`oneOf: [X, [X]]`):
    the form always shows a list, which the schema accepts as well."""
    options = node.get("oneOf", [])
    if len(options) == 2 and options[1].get("type") == "array" \
            and options[1].get("items") == options[0]:
        return options[1]
    return None


def _string(path: str, name: str, node: dict[str, Any]) -> Made:
    if "enum" in node:
        return Made({"widget": "select", "options": _options(path, node)}, {"k": "code"})
    if path in RECORD_IDS:
        return Made({"widget": "accordi-id", "pattern": [node["pattern"], _bad(path)]},
                    {"k": "code"})
    if name == "file" and path.startswith("agreement.documents"):
        # chosen from (or uploaded to) content/documents/: the media library names it
        return Made({"widget": "file", "allow_multiple": False}, {"k": "code"})
    widget: dict[str, Any] = {"widget": "text" if name in LONG else "string"}
    if "pattern" in node:
        widget["pattern"] = [node["pattern"], _bad(path)]
    return Made(widget, {"k": "code" if "pattern" in node else "free"})


def _bad(path: str) -> str:
    """The message of a value that does not match a field's pattern."""
    return f"Non è nella forma richiesta per «{_entry(path)['label']}»: vedi la nota."


def _relation(collection: str, multiple: bool, node: dict[str, Any]) -> dict[str, Any]:
    if collection == "themes":
        where = {"file": "themes", "value_field": "themes.*.id",
                 "search_fields": ["themes.*.name.it", "themes.*.id"],
                 "display_fields": ["themes.*.name.it"]}
    else:
        label = "name.it" if collection == "partners" else "title"
        where = {"value_field": "id", "search_fields": [label, "id"],
                 "display_fields": [label]}
    widget = {"widget": "relation", "collection": collection, **where, "multiple": multiple,
              "options_length": 1000}
    if multiple and node.get("minItems"):
        widget["min"] = node["minItems"]
    return widget


def fields_of(kind: str, order: list[str] | None = None, required: bool = True) -> Made:
    """The form fields of a record (an object of the schema), in its keys' order; `required`
    is False inside an optional record, whose fields the form then leaves optional too."""
    node, _ = resolve({"$ref": f"#/$defs/{kind}"})
    return _fields(kind, node, order or key_order(kind), required)


def _fields(path: str, node: dict[str, Any], order: list[str], required: bool) -> Made:
    props, needed = node["properties"], set(node.get("required", []))
    made = [make(f"{path}.{k}", props[k], required and k in needed) for k in order]
    return Made({"fields": [m.widget for m in made]},
                {"k": "map", "keys": order, "props": {k: m.shape for k, m in zip(
                    order, made, strict=True)}},
                [p for m in made for p in m.paths])


def _object(path: str, node: dict[str, Any], required: bool) -> Made:
    inner = _fields(path, node, list(node["properties"]), required)
    inner.widget = {"widget": "object", "collapsed": False, **inner.widget}
    return inner


def _array(path: str, node: dict[str, Any], required: bool) -> Made:
    items, _ = resolve(node["items"])
    if items.get("type") == "object":
        inner = _fields(path, items, list(items["properties"]), True)
        widget = {"widget": "list", "collapsed": False, **inner.widget}
        first = inner.widget["fields"][0]["name"]
        text = inner.shape["props"][first]["k"] == "text"
        widget["summary"] = "{{fields." + first + (".it}}" if text else "}}")
        if node.get("minItems"):
            widget["min"] = node["minItems"]
        return Made(widget, {"k": "list", "of": inner.shape}, inner.paths)
    if "enum" in items:
        limits = {"min": node.get("minItems"), "max": node.get("maxItems")}
        return Made({"widget": "select", "multiple": True, "options": _options(path, items),
                     **{k: v for k, v in limits.items() if v is not None}}, {"k": "codes"})
    if items.get("type") == "string":
        return Made({"widget": "list", "field": {
            "name": "id", "label": _entry(path)["label"], "widget": "string",
            **({"pattern": [items["pattern"], _bad(path)]} if "pattern" in items else {})}},
            {"k": "codes"})
    raise UnknownField(f"{path}: no widget for a list of {items.get('type')!r}")
