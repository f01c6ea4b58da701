"""The one content schema, and its failures translated into editors' words."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import fastjsonschema
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from . import characters
from .dates import form_problem
from .errors import Problem
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


def _ecma_pattern(validator: Any, pattern: str, instance: Any,
                  _schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def _validator(kind: str) -> Any:
    root = schema()
    return _Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})


def is_id(value: str) -> bool:
    """True when `value` could be a record id (and so a segment of an address)."""
    return bool(_python_pattern(schema()["$defs"]["id"]["pattern"]).search(value))


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
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


def _example(prop: Mapping[str, Any]) -> str:
    node = _resolve(prop)
    examples = prop.get("examples") or node.get("examples")
    if not examples:
        return ""
    return json.dumps(examples[0], ensure_ascii=False)


def _about(prop: Mapping[str, Any]) -> str:
    node = _resolve(prop)
    return prop.get("description") or node.get("description") or ""


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _node_at(kind: str, path: tuple) -> tuple[Mapping[str, Any], bool]:
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
    return Problem(line, field, "is empty", hint)


class _Failure(NamedTuple):
    """One failure of the reference validator, in the terms its explanations read."""

    path: tuple
    line: int
    keyword: str
    value: Any  # what the schema asks under `keyword`
    instance: Any  # the value that does not give it
    schema: Mapping[str, Any]  # the definition holding `keyword`
    message: str  # the validator's own words, for a keyword not explained here

    @property
    def field(self) -> str:
        return _dotted(self.path)

    def problem(self, message: str, hint: str) -> Problem:
        return Problem(self.line, self.field, message, hint)


def _failure(err: ValidationError, marked: Marked) -> _Failure:
    """The failure of `err`; every error the validator yields names its keyword and the
    definition holding it (the library's own `Unset` is only for errors made by hand)."""
    path = tuple(err.absolute_path)
    keyword = err.validator if isinstance(err.validator, str) else ""
    definition = err.schema if isinstance(err.schema, Mapping) else {}
    value: Any = err.validator_value
    instance: Any = err.instance
    return _Failure(path, marked.line(path), keyword, value, instance, definition, err.message)


def _missing(f: _Failure) -> list[Problem]:
    """`required`: each missing field, with an example of it when the schema has one."""
    out = []
    for name in f.value:
        if isinstance(f.instance, dict) and name not in f.instance:
            prop = f.schema.get("properties", {}).get(name, {})
            hint = f"add `{name}:`"
            if ex := _example(prop):
                hint += f", for example `{name}: {ex}`"
            if about := _about(prop):
                hint += f" ({about})"
            out.append(Problem(f.line, _dotted(f.path + (name,)), "missing required field",
                               hint))
    return out


def _unknown(f: _Failure, marked: Marked) -> list[Problem]:
    """`additionalProperties`: each unknown field at its own line, with the allowed name
    closest to it (a misspelling) or the list of allowed ones."""
    allowed = sorted(f.schema.get("properties", {}))
    out = []
    for name in f.instance:
        if name in allowed:
            continue
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = (f"did you mean `{close[0]}`?" if close
                else "allowed fields: " + ", ".join(allowed))
        out.append(Problem(marked.line(f.path + (name,)), _dotted(f.path + (name,)),
                           "unknown field", hint))
    return out


def _alternative(f: _Failure) -> Problem:
    """`oneOf` and `anyOf`: a date in another form, an empty text, a value of none of the
    allowed forms, or an object missing one of the sets of fields it may have."""
    if f.instance == "":
        return f.problem("must not be empty", f.schema.get("description", ""))
    if f.schema == schema()["$defs"]["date"]:
        return f.problem(*form_problem(f.instance))
    if "properties" not in f.schema:
        about = f.schema.get("description", "")
        ex = _example(f.schema)
        hint = about + (f" Example: {ex}" if ex else "")
        shown = f.instance if not isinstance(f.instance, (dict, list)) else _type_name(f.instance)
        return f.problem(f"`{shown}` is not valid here", hint.strip())
    if f.keyword == "anyOf":
        options = " or ".join("`" + "` and `".join(o.get("required", [])) + "`"
                              for o in f.value)
        return f.problem(f"needs {options}", "add the missing field")
    return f.problem(f.message, "")  # pragma: no cover - no definition with fields has these


_TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping",
               "number": "a number", "integer": "a whole number", "boolean": "true or false"}


def _wrong_type(f: _Failure) -> tuple[str, str]:
    wanted = f.value if isinstance(f.value, str) else " or ".join(f.value)
    return (f"expected {_TYPE_NAMES.get(wanted, wanted)}, found {_type_name(f.instance)}",
            "a list is written `[a, b]` or as `- item` lines; text may need quotes")


def _out_of_range(f: _Failure) -> tuple[str, str]:
    return f"`{f.instance}` is out of range ({f.keyword} {f.value})", "check the value"


# (message, hint) for the keywords whose failure is one problem at the value's own line
_WORDS: dict[str, Callable[[_Failure], tuple[str, str]]] = {
    "enum": lambda f: (f"`{f.instance}` is not an allowed value",
                       "use one of: " + ", ".join(map(str, f.value))),
    "type": _wrong_type,
    "minItems": lambda f: (f"needs at least {f.value} item(s)", "add the missing item"),
    "maxItems": lambda f: (f"allows at most {f.value} item(s)", "remove the extra items"),
    "uniqueItems": lambda f: ("lists the same value twice", "remove the repeated value"),
    "minLength": lambda f: ("must not be empty", "write the value or remove the field"),
    "minimum": _out_of_range,
    "maximum": _out_of_range,
    "maxLength": lambda f: (f"is longer than {f.value} characters", "shorten it"),
}


def _pattern(f: _Failure, declared: dict[str, Any]) -> Problem:
    """A value not in the form its field asks: the form's description, and the field's own
    example (a party's, not that of the shared id it is written as)."""
    about = f.schema.get("description", "") or f"it must match {f.value}"
    ex = _example(declared) if declared.get("examples") else ""
    return f.problem(f"`{f.instance}` is not valid here", about + (f" Example: {ex}" if ex else ""))


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
    f = _failure(err, marked)
    if f.instance is None and f.keyword not in ("required", "additionalProperties"):
        return [_empty(kind, f.path, f.line)]
    if f.keyword == "required":
        return _missing(f)
    if f.keyword == "additionalProperties":
        return _unknown(f, marked)
    if f.keyword in ("oneOf", "anyOf"):
        return [_alternative(f)]
    if f.keyword == "pattern":
        return [_pattern(f, _declared(kind, err.schema_path))]
    words = _WORDS.get(f.keyword)
    if words is None:  # pragma: no cover - keywords we do not use
        return [f.problem(f.message, "")]
    return [f.problem(*words(f))]


@cache
def _fast(kind: str) -> Callable[[Any], Any]:
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
    fields = {p.field for p in refused}
    problems: list[Problem] = list(refused)
    for err in _validator(kind).iter_errors(marked.data):
        problems.extend(p for p in _explain(err, marked, kind) if p.field not in fields)
    return sorted(set(problems))
