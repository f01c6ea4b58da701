"""The open data as tables: one column list, used by every format and by its documentation.

CSV files, SQLite tables, JSON records and the open-data page all read `TABLES` and
`Dataset`, so a column cannot be published without being documented or documented without
being published. Descriptions live in the locales (`data_columns`), in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from types import MappingProxyType
from typing import Any, TypeVar

from babel import Locale

from ..characters import clean
from ..dates import PartialDate, Span
from ..i18n import country_name, strings, t
from ..output import Context, data, whole
from ..records import Agreement, Reference

T = TypeVar("T")
LIST_SEPARATOR = " | "  # joins list values in CSV cells and SQLite text
# Columns that name a record of another table: column -> (that table, its key column). The
# SQLite database declares them as foreign keys, the Data Package as foreignKeys.
REFERENCES: dict[str, tuple[str, str]] = {
    "agreement_id": ("agreements", "id"), "partner_id": ("partners", "id"),
    "theme_id": ("themes", "id")}


@dataclass(frozen=True)
class Column:
    """One column: its name, its value type, and the locale key of its description."""

    name: str
    type: str           # text | integer | real | boolean | date | list | url
    key: str            # description key in the locale's data_columns.<table>
    lang: str | None = None


@dataclass(frozen=True)
class Table:
    """A published table; `parent` tables nest it in their JSON records."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    parent: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _columns(languages: tuple[str, ...], spec: str) -> tuple[Column, ...]:
    """`name:type` words; a name ending in `_*` gives one column per language."""
    out = []
    for word in spec.split():
        name, kind = word.split(":")
        if name.endswith("_*"):
            out += [Column(f"{name[:-2]}_{lg}", kind, name, lg) for lg in languages]
        else:
            out.append(Column(name, kind, name))
    return tuple(out)


SPECS: dict[str, tuple[str, str, str | None]] = {  # name -> (columns, key, parent)
    "agreements": (
        "id:text type:text type_label_*:text title_*:text object_*:text "
        "partners:list partner_names_*:list partner_names_local:list countries:list "
        "themes:list theme_names_*:list signed:date signed_precision:text "
        "duration:text expires:date term_end:text status:text status_label_*:text "
        "status_as_of:date status_stated:boolean status_stated_on:date "
        "status_since:date status_source_*:text status_note_*:text in_force:boolean "
        "extends:list supersedes:list expense_amount:real expense_currency:text "
        "expense_note_*:text principal_documents:list languages:list url_*:url "
        "data_url:url", "id", None),
    "partners": (
        "id:text kind:text name_*:text name_local:list name_local_lang:list "
        "country:text country_name_*:text latitude:real longitude:real "
        "description_*:text agreements:list agreement_count:integer url_*:url "
        "feed_url_*:url", "id", None),
    "themes": (
        "id:text name_*:text description_*:text agreements:list agreement_count:integer "
        "url_*:url feed_url_*:url", "id", None),
    "agreement_partners": (
        "agreement_id:text position:integer partner_id:text signed_for_*:text",
        "agreement_id position", "agreements"),
    "agreement_themes": (
        "agreement_id:text position:integer theme_id:text", "agreement_id position",
        "agreements"),
    "documents": (
        "agreement_id:text position:integer role:text title_*:text date:date url:url",
        "agreement_id position", "agreements"),
    "signatories": (
        "agreement_id:text position:integer name:text role_*:text party:text",
        "agreement_id position", "agreements"),
    "renewals": (
        "agreement_id:text position:integer date:date term_end:text note_*:text",
        "agreement_id position", "agreements"),
}


@cache  # every agreement's data file asks (read-only: the same tables each time)
def tables(languages: tuple[str, ...]) -> Mapping[str, Table]:
    """Every published table for a site's languages, in publishing order."""
    return MappingProxyType({name: Table(name, _columns(languages, cols), tuple(key.split()),
                                         parent) for name, (cols, key, parent) in SPECS.items()})


def describe(table: str, column: Column, lang: str) -> str:
    """A column's description in `lang`, from the locale."""
    docs = strings(lang)["data_columns"]
    text = docs.get(table, {}).get(column.key) or docs["common"][column.key]
    if column.lang:
        text = text.format(language=Locale.parse(lang).languages[column.lang])
    return text


def _iso(date: PartialDate | Span | None) -> str | None:
    return date.iso() if date else None


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """A row as every data file holds it: without the characters no format may hold."""
    return {key: clean(value) for key, value in row.items()}


def dataset(ctx: Context) -> Dataset:
    """The tables of the site (their rows made once for every file they go into)."""
    return Dataset(ctx)


class Rows:
    """The rows of one record at a time, and the metadata that travels with each file: what
    a file about one agreement needs, without the tables of all of them."""

    def __init__(self, ctx: Context):
        self.site, self.router, self.remember = ctx.site, ctx.router, ctx.session.remember
        self.languages = self.site.settings.languages
        self.tables = tables(self.languages)

    def own(self, aid: str) -> dict[str, list[dict[str, Any]]]:
        """The rows of agreement `aid` in every table, remembered with it for every file."""
        return self.remember(data(aid), ("data-rows",),
                             lambda: self._agreement(self.site.agreements[aid]))

    def agreement_record(self, aid: str) -> dict[str, Any]:
        """The JSON record of agreement `aid`: its row, with its rows of the nested tables
        (without the link)."""
        return self.remember(data(aid), ("json-record",), lambda: self._agreement_record(aid))

    def _agreement_record(self, aid: str) -> dict[str, Any]:
        own = self.own(aid)
        out = dict(own["agreements"][0])
        for child in self.children("agreements"):
            out[child.name] = [{k: v for k, v in r.items() if k != "agreement_id"}
                               for r in own[child.name]]
        return out

    def children(self, table: str) -> list[Table]:
        """Tables nested in `table`'s JSON records."""
        return [tb for tb in self.tables.values() if tb.parent == table]

    # -- helpers ---------------------------------------------------------------------------

    def _text(self, column: str, text: dict[str, str] | None) -> dict[str, str | None]:
        """One column per language; empty where the source gives no text in that language."""
        return {f"{column}_{lg}": (text or {}).get(lg) for lg in self.languages}

    def _label(self, column: str, key: str) -> dict[str, str]:
        return {f"{column}_{lg}": t(lg, key) for lg in self.languages}

    def _urls(self, column: str, kind: str, id: str | None = None) -> dict[str, str]:
        return {f"{column}_{lg}": self.router.absolute_url(kind, lg, id)
                for lg in self.languages}

    def _names(self, column: str, ids: list[str], records: dict) -> dict[str, list[str]]:
        source = self.site.settings.source_lang
        return {f"{column}_{lg}": [records[i].name.get(lg, records[i].name[source])
                                   for i in ids] for lg in self.languages}

    def _reference(self, a: Agreement, position: int, role: str, r: Reference) -> dict:
        url = self.router.origin + self.router.document(r.file) if r.file else r.url
        return {"agreement_id": a.id, "position": position, "role": role,
                **self._text("title", r.title), "date": _iso(r.date), "url": url}

    # -- rows ------------------------------------------------------------------------------

    def _agreement(self, a: Agreement) -> dict[str, list[dict[str, Any]]]:
        """The rows of `a` in every table that holds agreements."""
        counterparts = {c["partner"]: c["name"] for c in a.counterparts}
        refs = ([("act", r) for r in a.acts] + [("document", r) for r in a.documents]
                + [("source", r) for r in a.sources])
        rows = {
            "agreements": [self._agreement_row(a)],
            "agreement_partners": [
                {"agreement_id": a.id, "position": i, "partner_id": pid,
                 **self._text("signed_for", counterparts.get(pid))}
                for i, pid in enumerate(a.partners, 1)],
            "agreement_themes": [{"agreement_id": a.id, "position": i, "theme_id": tid}
                                 for i, tid in enumerate(a.themes, 1)],
            "documents": [self._reference(a, i, role, r) for i, (role, r) in enumerate(refs, 1)],
            "signatories": [
                {"agreement_id": a.id, "position": i, "name": sg["name"],
                 **self._text("role", sg["role"]), "party": sg["party"]}
                for i, sg in enumerate(a.signatories, 1)],
            "renewals": [
                {"agreement_id": a.id, "position": i, "date": _iso(r.date),
                 "term_end": _iso(r.end), **self._text("note", r.note)}
                for i, r in enumerate(a.renewals, 1)],
        }
        return {name: [_clean(row) for row in found] for name, found in rows.items()}

    def _agreement_row(self, a: Agreement) -> dict[str, Any]:
        """The row of `a` in the table of agreements."""
        st = a.status
        assert st is not None
        s = self.site
        source = s.settings.source_lang
        expense = a.expense or {}
        return {
            "id": a.id, "type": a.type, **self._label("type_label", f"type_{a.type}"),
            **self._text("title", a.title), **self._text("object", a.object),
            "partners": list(a.partners), **self._names("partner_names", a.partners, s.partners),
            "partner_names_local": [n.text for p in a.partners for n in s.partners[p].name_local],
            "countries": list(dict.fromkeys(s.partners[p].country for p in a.partners)),
            "themes": list(a.themes), **self._names("theme_names", a.themes, s.themes),
            "signed": _iso(a.signed), "signed_precision": a.signed.precision if a.signed else None,
            "duration": a.duration.iso() if a.duration else None,
            "expires": _iso(a.expires), "term_end": _iso(st.until),
            "status": st.value, **self._label("status_label", f"status_{st.value}"),
            "status_as_of": st.as_of.isoformat(), "status_stated": st.stated,
            "status_stated_on": _iso(st.stated_on), "status_since": _iso(st.since),
            **self._text("status_source", st.source), **self._text("status_note", st.note),
            "in_force": st.in_force,
            "extends": list(a.extends), "supersedes": list(a.supersedes),
            "expense_amount": float(expense["amount"]) if "amount" in expense else None,
            "expense_currency": expense.get("currency"),
            **self._text("expense_note", expense.get("note")),
            "principal_documents": [r.title[source] for r in a.acts + a.documents],
            "languages": [lg for lg in self.languages if lg in a.languages],
            **self._urls("url", "agreement", a.id),
            "data_url": self.router.file_absolute("agreement_data", a.id),
        }

    def metadata(self) -> dict[str, str]:
        """What every file says about itself: title, publisher, licence, date, where documented."""
        s = self.site.settings
        src = s.source_lang
        out: dict[str, str] = {}
        for lg in self.languages:
            out[f"title_{lg}"] = s.title.get(lg, s.title[src])
        for lg in self.languages:
            out[f"publisher_{lg}"] = s.owner_name.get(lg, s.owner_name[src])
        out["licence_id"] = s.licence["id"]
        for lg in self.languages:
            out[f"licence_name_{lg}"] = s.licence["name"].get(lg, s.licence["name"][src])
        out["licence_url"] = s.licence["url"]
        for lg in self.languages:
            out[f"attribution_{lg}"] = t(lg, "data_attribution", owner=out[f"publisher_{lg}"],
                                         title=out[f"title_{lg}"], url=s.base_url)
        out["status_as_of"] = s.as_of.isoformat()
        out["site_url"] = s.base_url
        for lg in self.languages:
            out[f"documentation_{lg}"] = self.router.absolute_url("opendata", lg)
        out["schema_url"] = self.router.file_absolute("data", "opendata.schema.json")
        out["content_schema_url"] = self.router.file_absolute("data", "content.schema.json")
        return _clean(out)


class Dataset(Rows):
    """Every row of every table."""

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        # Plain rows, remembered: what is remembered must not hold the site it came from.
        self.rows, self.owned = self.remember(whole("dataset"), "rows", self._all)

    def _all(self) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, list]]]:
        """The rows of every table, and each agreement's rows."""
        self.rows = {name: [] for name in self.tables}
        owned: dict[str, dict[str, list[dict[str, Any]]]] = {}  # agreement -> its rows
        for aid in self.site.agreements:
            own = owned[aid] = self.own(aid)
            for name, rows in own.items():
                self.rows[name] += rows
        self._partners_and_themes()
        for name in ("partners", "themes"):
            self.rows[name] = [_clean(row) for row in self.rows[name]]
        for name, rows in self.rows.items():
            expected = self.tables[name].names
            for row in rows:
                if list(row) != expected:  # a programming error, not a content one
                    raise AssertionError(f"{name}: row keys {list(row)} != {expected}")
        return self.rows, owned

    def encoded(self, table: str, form: str,
                encode: Callable[[list[dict[str, Any]]], T]) -> list[T]:
        """`encode(rows)` of the rows of `table` in a `form` (CSV, SQL): per agreement, in
        order, each remembered with its agreement, for the tables of agreements; else all
        at once."""
        if table != "agreements" and self.tables[table].parent != "agreements":
            return [encode(self.rows[table])]
        return [self.remember(data(aid), (form, table), partial(encode, own[table]))
                for aid, own in self.owned.items()]

    def records(self, table: str) -> Iterable[dict[str, Any]]:
        """Every JSON record of a top-level table."""
        if table == "agreements":
            return (self.agreement_record(aid) for aid in self.owned)
        return (dict(row) for row in self.rows[table])

    def _partners_and_themes(self) -> None:
        site = self.site
        for p in sorted(site.partners.values(), key=lambda p: p.id):
            self.rows["partners"].append({
                "id": p.id, "kind": p.kind, **self._text("name", p.name),
                "name_local": [n.text for n in p.name_local],
                "name_local_lang": [n.lang for n in p.name_local],
                "country": p.country,
                **{f"country_name_{lg}": country_name(p.country, lg) for lg in self.languages},
                "latitude": p.location[0] if p.location else None,
                "longitude": p.location[1] if p.location else None,
                **self._text("description", p.description),
                "agreements": list(p.agreements),
                "agreement_count": len(p.agreements),
                **self._urls("url", "partner", p.id),
                **self._urls("feed_url", "partner_feed", p.id),
            })
        for th in sorted(site.themes.values(), key=lambda th: th.id):
            self.rows["themes"].append({
                "id": th.id, **self._text("name", th.name),
                **self._text("description", th.description),
                "agreements": list(th.agreements),
                "agreement_count": len(th.agreements),
                **self._urls("url", "theme", th.id),
                **self._urls("feed_url", "theme_feed", th.id),
            })
