"""The one content schema, and its failures translated into editors' words."""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from . import characters
from .dates import form_problem
from .yamlmarks import Marked

SCHEMA_PATH = Path(__file__).with_name("content.schema.json")


@cache
def schema() -> dict[str, Any]:
    """The whole schema document (also published with the open data)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _python_pattern(pattern: str) -> re.Pattern[str]:
    """A schema pattern with ECMA-262 meaning: `$` is the end of the text.

    In Python `$` also matches before a final newline, so `"riga\\n"` would pass `^[a-z]+$`
    and reach the router as an id; `\\Z` is the end ECMA-262 means.
    """
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any):
    if validator.is_type(instance, "string") and not _python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def _validator(kind: str) -> Any:
    root = schema()
    return _Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})


def is_id(value: str) -> bool:
    """True when `value` could be a record id (and so a segment of an address)."""
    return bool(_python_pattern(schema()["$defs"]["id"]["pattern"]).search(value))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s so that descriptions and examples can be quoted in hints."""
    seen = 0
    while "$ref" in node and seen < 10:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        seen += 1
    return node


# Published per-record schemas, for editors' editors: file name -> definition.
PUBLISHED = {"site": "site", "themes": "themes", "partner": "partner",
             "agreement": "agreement", "agreement-translation": "agreementTranslation",
             "page": "page"}


def standalone(name: str) -> dict[str, Any]:
    """A self-contained schema for one kind of file (what `schema/<name>.schema.json` holds)."""
    root, kind = schema(), PUBLISHED[name]
    return {"$schema": root["$schema"], "$id": root["$id"].replace(
                "content.schema.json", f"{name}.schema.json"),
            "title": f"Accordi: {name}", "description": root["$defs"][kind]["description"]
            if "description" in root["$defs"][kind] else root["description"],
            "$ref": f"#/$defs/{kind}", "$defs": root["$defs"]}


def published_files() -> dict[str, str]:
    """File name -> JSON text of every published schema."""
    return {f"{name}.schema.json": json.dumps(standalone(name), ensure_ascii=False, indent=2)
            + "\n" for name in PUBLISHED}


def properties_of(kind: str) -> set[str]:
    """Names of the fields a record of `kind` may have."""
    return set(schema()["$defs"][kind].get("properties", {}))


def _example(prop: dict[str, Any]) -> str:
    node = _resolve(prop)
    examples = prop.get("examples") or node.get("examples")
    if not examples:
        return ""
    return json.dumps(examples[0], ensure_ascii=False)


def _about(prop: dict[str, Any]) -> str:
    node = _resolve(prop)
    return prop.get("description") or node.get("description") or ""


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


Problem = tuple[int, str, str, str]  # line, field, message, hint


def _node_at(kind: str, path: tuple) -> tuple[dict[str, Any], bool]:
    """The definition of the field at `path` in a `kind` file, and whether it is required
    (an empty definition when the path leads nowhere the schema describes)."""
    node, required = _resolve(schema()["$defs"][kind]), True
    for part in path:
        if isinstance(part, int):
            node, required = _resolve(node.get("items", {})), False
        else:
            required = part in node.get("required", [])
            node = _resolve(node.get("properties", {}).get(part, {}))
    return node, required


def _empty(kind: str, path: tuple, line: int) -> Problem:
    """An empty value (`signed:` with nothing after it): what to write, or what to delete.

    Every keyword the empty value fails gives this same problem, so it is reported once."""
    node, required = _node_at(kind, path)
    field = _dotted(path)
    if "enum" in node:
        hint = "write one of: " + ", ".join(map(str, node["enum"]))
    elif (ex := _example(node)) and path and isinstance(path[-1], str):
        hint = f"write the value, for example `{path[-1]}: {ex}`"
    else:
        hint = "write the value"
    if not required:
        hint += (", or delete the empty item" if isinstance(path[-1], int)
                 else ", or remove the field if the source does not give it")
    return (line, field, "is empty", hint)


def _declared(kind: str, schema_path: Any) -> dict[str, Any]:
    """The declaration of the field an error is about: its own description and examples,
    which the shared definition it refers to (an id, a date) does not carry."""
    node: Any = schema()["$defs"][kind]
    found: dict[str, Any] = {}
    keys = list(schema_path)
    for i, key in enumerate(keys[:-1]):
        if isinstance(node, dict) and key not in node:
            node = _resolve(node)
        node = node[key]
        if i and keys[i - 1] == "properties" and isinstance(node, dict):
            found = node
    return found


def _explain(err: ValidationError, marked: Marked, kind: str) -> list[Problem]:
    path = tuple(err.absolute_path)
    line = marked.line(path)
    field = _dotted(path)
    kw, value, inst, sch = err.validator, err.validator_value, err.instance, err.schema
    if inst is None and kw not in ("required", "additionalProperties"):
        return [_empty(kind, path, line)]
    if kw in ("oneOf", "anyOf") and inst != "" and sch == schema()["$defs"]["date"]:
        return [(line, field, *form_problem(inst))]
    declared = _declared(kind, err.schema_path)
    if kw == "required":
        out = []
        for name in value:
            if isinstance(inst, dict) and name not in inst:
                prop = sch.get("properties", {}).get(name, {})
                hint = f"add `{name}:`"
                if ex := _example(prop):
                    hint += f", for example `{name}: {ex}`"
                if about := _about(prop):
                    hint += f" ({about})"
                out.append((line, _dotted(path + (name,)), "missing required field", hint))
        return out
    if kw == "additionalProperties":
        allowed = sorted(sch.get("properties", {}))
        out = []
        for name in inst:
            if name in allowed:
                continue
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = (f"did you mean `{close[0]}`?" if close
                    else "allowed fields: " + ", ".join(allowed))
            out.append((marked.line(path + (name,)), _dotted(path + (name,)),
                        "unknown field", hint))
        return out
    if kw == "enum":
        return [(line, field, f"`{inst}` is not an allowed value",
                 "use one of: " + ", ".join(map(str, value)))]
    if kw == "pattern":
        about = sch.get("description", "")
        ex = _example(declared) if declared.get("examples") else ""
        return [(line, field, f"`{inst}` is not valid here",
                 (about or f"it must match {value}") + (f" Example: {ex}" if ex else ""))]
    if kw in ("oneOf", "anyOf") and inst == "":
        return [(line, field, "must not be empty", sch.get("description", ""))]
    if kw in ("oneOf", "anyOf") and "properties" not in sch:
        about = sch.get("description", "")
        ex = _example(sch)
        hint = about + (f" Example: {ex}" if ex else "")
        shown = inst if not isinstance(inst, (dict, list)) else _type_name(inst)
        return [(line, field, f"`{shown}` is not valid here", hint.strip())]
    if kw == "anyOf":
        options = " or ".join("`" + "` and `".join(o.get("required", [])) + "`" for o in value)
        return [(line, field, f"needs {options}", "add the missing field")]
    if kw == "type":
        wanted = value if isinstance(value, str) else " or ".join(value)
        names = {"string": "text", "array": "a list", "object": "a mapping",
                 "number": "a number", "integer": "a whole number", "boolean": "true or false"}
        return [(line, field, f"expected {names.get(wanted, wanted)}, found {_type_name(inst)}",
                 "a list is written `[a, b]` or as `- item` lines; text may need quotes")]
    if kw == "minItems":
        return [(line, field, f"needs at least {value} item(s)", "add the missing item")]
    if kw == "maxItems":
        return [(line, field, f"allows at most {value} item(s)", "remove the extra items")]
    if kw == "uniqueItems":
        return [(line, field, "lists the same value twice", "remove the repeated value")]
    if kw == "minLength":
        return [(line, field, "must not be empty", "write the value or remove the field")]
    if kw in ("minimum", "maximum"):
        return [(line, field, f"`{inst}` is out of range ({kw} {value})", "check the value")]
    if kw == "maxLength":
        return [(line, field, f"is longer than {value} characters", "shorten it")]
    return [(line, field, err.message, "")]  # pragma: no cover - keywords we do not use


@cache
def _fast(kind: str):
    """The same definition compiled to Python: the quick yes for the common valid file."""
    root = schema()
    return fastjsonschema.compile({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})


def validate(kind: str, marked: Marked) -> list[Problem]:
    """Every way `marked.data` breaks the `kind` definition, with lines.

    A compiled validator answers for valid files; the reference validator runs only when
    there is something to explain, because its errors carry the paths editors need. Text
    holding a character content must not hold (see `accordi.characters`) is reported as
    that, not also as a value the schema refuses.
    """
    refused = characters.field_problems(marked.data, marked.line)
    try:
        _fast(kind)(marked.data)
        return sorted(set(refused))
    except fastjsonschema.JsonSchemaException:
        pass
    fields = {p[1] for p in refused}
    problems: list[Problem] = list(refused)
    for err in _validator(kind).iter_errors(marked.data):
        problems.extend(p for p in _explain(err, marked, kind) if p[1] not in fields)
    return sorted(set(problems))
