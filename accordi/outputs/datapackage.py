"""The CSV files as a Frictionless (Tabular) Data Package: /data/datapackage.json.

Data tools (frictionless, Datasette, OpenRefine, CKAN) read a descriptor beside the CSV files
to know each column's type, which columns identify a row and which name a row of another
table. It is written from the same table specifications as the CSV files (`tables.TABLES`),
with each file's size and digest, so the descriptor and the files cannot disagree unnoticed:
`frictionless validate datapackage.json` checks every row against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from ..i18n import strings, t
from ..output import Context, Facts, Output, file_facts, stated
from ..records import Site
from ..routes import Router
from .opendata import DATAPACKAGE, table_csv, to_json
from .tables import REFERENCES, Column, Dataset, Table, dataset, describe

TABULAR_DATA_PACKAGE = "https://specs.frictionlessdata.io/tabular-data-package/"
# A date at the precision its source gives: YYYY-MM-DD, YYYY-MM or YYYY (see accordi.dates).
PARTIAL_DATE = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
# Where the CSV cells of each column type are read by Table Schema rules.
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "integer": {"type": "integer"},
    "real": {"type": "number"},
    "boolean": {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
    "date": {"type": "string", "constraints": {"pattern": PARTIAL_DATE}},
    "list": {"type": "string"},  # values joined by LIST_SEPARATOR, said in the description
    "url": {"type": "string", "format": "uri"},
}


def bilingual(languages: Iterable[str], text: dict[str, str]) -> str:
    """One text for a field the standard gives a single string: each language, tagged."""
    return "\n".join(f"[{lg}] {text[lg]}" for lg in languages)


def field(table: Table, column: Column, languages: tuple[str, ...]) -> dict[str, Any]:
    """The Table Schema field of one column."""
    spec = {k: dict(v) if isinstance(v, dict) else v
            for k, v in FIELD_TYPES[column.type].items()}
    out: dict[str, Any] = {"name": column.name, **spec}
    out["description"] = bilingual(languages, {
        lg: f"{describe(table.name, column, lg)} ({t(lg, f'data_type_{column.type}')})"
        for lg in languages})
    if column.name in table.key:
        out.setdefault("constraints", {})["required"] = True
    return out


def table_schema(table: Table, languages: tuple[str, ...]) -> dict[str, Any]:
    """Fields, primary key and the references to other tables."""
    schema: dict[str, Any] = {
        "fields": [field(table, c, languages) for c in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.key),
    }
    references = [{"fields": [c.name], "reference": {
        "resource": REFERENCES[c.name][0], "fields": [REFERENCES[c.name][1]]}}
        for c in table.columns if c.name in REFERENCES]
    if references:
        schema["foreignKeys"] = references
    return schema


def resource(data: Dataset, table: Table, facts: Facts) -> dict[str, Any]:
    """A CSV file as a tabular data resource, with its size and SHA-256 digest."""
    langs = data.languages
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "title": f"{table.name}.csv",
        "description": bilingual(langs, {lg: strings(lg)["data_tables"][table.name]
                                         for lg in langs}),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": facts.size,
        "hash": "sha256:" + facts.sha256,
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"',
                    "doubleQuote": True, "header": True},
        "schema": table_schema(table, langs),
    }


def descriptor(ctx: Context, data: Dataset) -> dict[str, Any]:
    """The whole descriptor: who publishes the data, under which licence, and every CSV (its
    size and digest as noted when the CSV file was made)."""
    site, router = ctx.site, ctx.router
    s = site.settings
    langs, src = s.languages, s.source_lang
    meta = data.metadata()
    owner = {lg: meta[f"publisher_{lg}"] for lg in langs}
    title = {lg: meta[f"title_{lg}"] for lg in langs}
    contributors: list[dict[str, Any]] = [
        {"title": owner[src], "path": s.base_url, "role": "publisher"}]
    if s.contact.get("email"):
        name = s.contact.get("name", {}).get(src) or owner[src]
        contributors.append({"title": name, "email": s.contact["email"], "role": "maintainer"})
    return {
        "profile": "tabular-data-package",
        "name": f"{s.owner_id}-accordi",
        "id": router.file_absolute("data", DATAPACKAGE),
        "title": " / ".join(dict.fromkeys(
            t(lg, "catalogue_dataset_title", title=title[lg], owner=owner[lg]) for lg in langs)),
        "description": bilingual(langs, {lg: t(
            lg, "catalogue_dataset_description", title=title[lg], owner=owner[lg])
            for lg in langs}),
        "homepage": meta[f"documentation_{src}"],
        "keywords": list(dict.fromkeys(k for lg in langs
                                      for k in strings(lg)["catalogue_keywords"])),
        "licenses": [{"name": s.licence["id"], "path": s.licence["url"],
                      "title": meta[f"licence_name_{src}"]}],
        "sources": [{"title": title[src], "path": s.base_url}],
        "contributors": contributors,
        "resources": [resource(data, table, file_facts(
            ctx, router.file_output("data", f"{table.name}.csv"), partial(table_csv, table.name)))
            for table in data.tables.values()],
    }


def plan(site: Site, router: Router) -> Iterable[Output]:
    """datapackage.json beside the CSV files."""
    path = router.file_output("data", DATAPACKAGE)
    yield Output(path, stated(path, package), "data")


def package(ctx: Context) -> bytes:
    """The descriptor of the CSV files."""
    return to_json(descriptor(ctx, dataset(ctx)))
