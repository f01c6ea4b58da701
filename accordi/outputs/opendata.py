"""Open data under /data/: JSON and CSV of every table, the schemas, and a README.

Every file carries the licence and the reference date (JSON `metadata`, the README beside the
CSV files), and nothing in them depends on the clock: the same content and reference date give
the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from babel import Locale

from ..dates import PartialDate
from ..i18n import dated, strings, t
from ..output import Context, Output, stated
from ..records import Site
from ..routes import Router
from ..schema import SCHEMA_PATH
from .tables import LIST_SEPARATOR, Dataset, Rows, dataset, describe, tables

SCHEMA = Path(__file__).with_name("opendata.schema.json")
CONTENT_SCHEMA = SCHEMA_PATH  # the package's, wherever it is installed
TOP = ("agreements", "partners", "themes")  # tables with a JSON file of their own
README = "README.txt"
SQLITE = "accordi.sqlite"
DATAPACKAGE = "datapackage.json"  # accordi.outputs.datapackage
CATALOG_TTL, CATALOG_JSONLD = "catalog.ttl", "catalog.jsonld"  # accordi.outputs.catalog
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def catalogue(lang: str, table_names: Iterable[str]) -> list[dict[str, str]]:
    """Every file under /data/ with its format and what it holds, in `lang`."""
    out = [{"name": f"{n}.json", "format": "JSON",
            "description": t(lang, f"opendata_file_{n}_json")} for n in TOP]
    out += [{"name": f"{n}.csv", "format": "CSV",
             "description": t(lang, "opendata_file_csv", table=n)} for n in table_names]
    out += [{"name": SQLITE, "format": "SQLite", "description": t(lang, "opendata_file_sqlite")},
            {"name": DATAPACKAGE, "format": "Frictionless Data Package",
             "description": t(lang, "opendata_file_datapackage")},
            {"name": CATALOG_TTL, "format": "DCAT-AP_IT (Turtle)",
             "description": t(lang, "opendata_file_catalog_ttl")},
            {"name": CATALOG_JSONLD, "format": "DCAT-AP_IT (JSON-LD)",
             "description": t(lang, "opendata_file_catalog_jsonld")},
            {"name": "opendata.schema.json", "format": "JSON Schema",
             "description": t(lang, "opendata_file_schema")},
            {"name": "content.schema.json", "format": "JSON Schema",
             "description": t(lang, "opendata_file_content_schema")},
            {"name": README, "format": "TXT", "description": t(lang, "opendata_file_readme")}]
    return out


def to_json(data: Any) -> bytes:
    """Readable, stable JSON in UTF-8 (indented by two spaces, keys in the order given)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def cell(value: Any) -> str:
    """A value as CSV and SQLite text show it: lists joined, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: text that a spreadsheet would run as a formula when the file
    is opened (`=HYPERLINK(...)`) starts with an apostrophe, which makes it show as text.
    Numbers are left as they are: a negative amount is no formula."""
    text = cell(value)
    if isinstance(value, (str, list)) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _csv(lines: Iterable[list[str]]) -> str:
    """RFC 4180 CSV lines (comma, CRLF, quotes where needed)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue()


def csv_rows(names: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as CSV lines, their values in the order of `names`."""
    return _csv([csv_cell(row[n]) for n in names] for row in rows)


def to_csv(data: Dataset, table: str) -> bytes:
    """A table as CSV with a header row, in UTF-8."""
    names = data.tables[table].names
    return (_csv([names]) + "".join(data.encoded(table, "csv", partial(csv_rows, names)))
            ).encode("utf-8")


def plan(site: Site, router: Router) -> Iterable[Output]:
    """Every file under /data/: a JSON and a CSV file per table, a JSON file per agreement,
    the schemas and the README."""
    for name in TOP:
        path = router.file_output("data", f"{name}.json")
        yield Output(path, stated(path, partial(_table_json, name)), "data")
    for aid in site.agreements:
        yield Output(router.file_output("agreement_data", aid), partial(_agreement_json, aid),
                     "data")
    for name in tables(site.settings.languages):
        path = router.file_output("data", f"{name}.csv")
        yield Output(path, stated(path, partial(table_csv, name)), "data")
    yield Output(router.file_output("data", "opendata.schema.json"), _schema, "data")
    yield Output(router.file_output("data", "content.schema.json"), _content_schema, "data")
    yield Output(router.file_output("data", README),
                 lambda ctx: readme(Rows(ctx)).encode("utf-8"), "data")


def _table_json(name: str, ctx: Context) -> bytes:
    d = dataset(ctx)
    return to_json({"metadata": d.metadata(), name: list(d.records(name))})


def _agreement_json(aid: str, ctx: Context) -> bytes:
    rows = Rows(ctx)
    return to_json({"metadata": rows.metadata(), "agreement": rows.agreement_record(aid)})


def table_csv(name: str, ctx: Context) -> bytes:
    """The CSV file of table `name`."""
    return to_csv(dataset(ctx), name)


def _schema(ctx: Context) -> bytes:
    return SCHEMA.read_bytes()


def _content_schema(ctx: Context) -> bytes:
    return CONTENT_SCHEMA.read_bytes()


def readme(data: Rows) -> str:
    """The companion of the CSV files: licence, attribution, and every column, per language."""
    meta = data.metadata()
    out: list[str] = []
    for lang in data.languages:
        name = Locale.parse(lang).languages[lang]
        out += [f"{meta[f'title_{lang}']} — {t(lang, 'opendata')} ({name})",
                "=" * 72, "",
                t(lang, "opendata_intro"), "",
                t(lang, "opendata_licence", licence=f"{meta[f'licence_name_{lang}']} "
                  f"({meta['licence_id']}, {meta['licence_url']})"),
                f"{t(lang, 'opendata_attribution')} {meta[f'attribution_{lang}']}",
                dated(lang, "opendata_as_of", PartialDate.parse(meta["status_as_of"])),
                f"{t(lang, 'opendata')}: {meta[f'documentation_{lang}']}",
                f"{t(lang, 'opendata_catalogues')}: "
                + " · ".join(data.router.file_absolute("data", name)
                             for name in (CATALOG_TTL, CATALOG_JSONLD, DATAPACKAGE)), "",
                t(lang, "opendata_files"), "-" * len(t(lang, "opendata_files"))]
        out += [f"  {f['name']} ({f['format']}): {f['description']}"
                for f in catalogue(lang, data.tables)]
        out += ["", t(lang, "opendata_metadata"), "-" * len(t(lang, "opendata_metadata")),
                t(lang, "opendata_metadata_intro")]
        out += [f"  {key}: {text}" for key, text in metadata_docs(lang, data.languages)]
        out += ["", t(lang, "opendata_tables_intro"), t(lang, "opendata_formulas"), ""]
        for table in data.tables.values():
            out += [f"{table.name}.csv", "-" * len(f"{table.name}.csv"),
                    strings(lang)["data_tables"][table.name],
                    t(lang, "opendata_key", columns=", ".join(table.key))]
            for column in table.columns:
                kind = t(lang, f"data_type_{column.type}")
                out.append(f"  {column.name} ({kind}): {describe(table.name, column, lang)}")
            out.append("")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def metadata_docs(lang: str, languages: Iterable[str]) -> list[tuple[str, str]]:
    """(key, description) of every metadata entry, in `lang`."""
    out = []
    for key, text in strings(lang)["data_metadata"].items():
        if key.endswith("_*"):
            out += [(f"{key[:-2]}_{lg}", text.format(language=Locale.parse(lang).languages[lg]))
                    for lg in languages]
        else:
            out.append((key, text))
    return out
