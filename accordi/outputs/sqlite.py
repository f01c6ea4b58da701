"""The open data as one SQLite database, for people who explore data with SQL tools.

The tables are the CSV files', with keys and references declared, plus three tables that
describe the rest (metadata, metadata_tables, metadata_columns) in both languages. The
database is built in memory in one transaction and serialised, so the same data give the same
bytes with the same SQLite library.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from itertools import chain

from ..i18n import strings, t
from ..output import Output, stated
from ..records import Site
from ..routes import Router
from .opendata import SQLITE, cell
from .tables import REFERENCES, Dataset, Table, dataset, describe

SQL_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "REAL", "boolean": "INTEGER",
             "date": "TEXT", "list": "TEXT", "url": "TEXT"}


def value(column_type: str, v: object) -> object:
    """A Python value as SQLite stores it: booleans 0/1, lists as text, None as NULL."""
    if v is None:
        return None
    if column_type == "boolean":
        return int(bool(v))
    if column_type == "list":
        return cell(v)
    return v


def create(table: Table) -> str:
    """CREATE TABLE for a published table, with its key and references."""
    cols = [f'"{c.name}" {SQL_TYPES[c.type]}' + (" NOT NULL" if c.name in table.key else "")
            for c in table.columns]
    cols.append(f"PRIMARY KEY ({', '.join(table.key)})")
    cols += [f'FOREIGN KEY ("{c.name}") REFERENCES {REFERENCES[c.name][0]}'
             f'({REFERENCES[c.name][1]})' for c in table.columns if c.name in REFERENCES]
    return f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def database(data: Dataset) -> bytes:
    """The whole dataset as the bytes of an SQLite database file."""
    db = sqlite3.connect(":memory:")
    try:
        with db:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.executemany("INSERT INTO metadata VALUES (?, ?)", data.metadata().items())
            langs = data.languages
            db.execute("CREATE TABLE metadata_tables (table_name TEXT PRIMARY KEY, "
                       + ", ".join(f"description_{lg} TEXT NOT NULL" for lg in langs)
                       + ")")
            db.execute("CREATE TABLE metadata_columns (table_name TEXT NOT NULL, "
                       "position INTEGER NOT NULL, column_name TEXT NOT NULL, "
                       "type TEXT NOT NULL, "
                       + ", ".join(f"type_{lg} TEXT NOT NULL, description_{lg} TEXT NOT NULL"
                                   for lg in langs)
                       + ", PRIMARY KEY (table_name, column_name))")
            for table in data.tables.values():
                db.execute(create(table))
                marks = ", ".join("?" for _ in table.columns)
                def values(rows: list[dict], table: Table = table) -> list[list]:
                    return [[value(c.type, row[c.name]) for c in table.columns]
                            for row in rows]
                db.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})',
                               chain.from_iterable(data.encoded(table.name, "sql", values)))
                db.execute("INSERT INTO metadata_tables VALUES (" + ", ".join(
                    "?" for _ in range(1 + len(langs))) + ")",
                    [table.name, *(strings(lg)["data_tables"][table.name] for lg in langs)])
                for i, c in enumerate(table.columns, 1):
                    docs: list[str] = []
                    for lg in langs:
                        docs += [t(lg, f"data_type_{c.type}"), describe(table.name, c, lg)]
                    db.execute("INSERT INTO metadata_columns VALUES (" + ", ".join(
                        "?" for _ in range(4 + len(docs))) + ")",
                        [table.name, i, c.name, c.type, *docs])
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:  # the model guarantees references; this would be a bug
                raise AssertionError(f"dangling references in the database: {problems}")
        db.execute("VACUUM")
        return db.serialize()
    finally:
        db.close()


def plan(site: Site, router: Router) -> Iterable[Output]:
    """The SQLite database under /data/."""
    path = router.file_output("data", SQLITE)
    yield Output(path, stated(path, lambda ctx: database(dataset(ctx))), "data")
