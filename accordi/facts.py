"""What an agreement states in its own file: dates, terms, renewals, parties, references.

Everything here depends on one file alone (and the owner's id), so it is checked with that
file's lines; what spans files (partners, themes, relations) is `model`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import as_text
from .dates import DateProblem, Duration, PartialDate, Span
from .errors import ErrorCollector
from .records import Reference, Renewal, StatedStatus
from .sources import Source


@dataclass
class Facts:
    """The part of an agreement worked out from its own file alone."""

    counterparts: list[dict[str, Any]]
    signatories: list[dict[str, Any]]
    signed: PartialDate | None
    duration: Duration | None
    expires: PartialDate | None
    end: PartialDate | Span | None
    renewals: list[Renewal]
    stated: StatedStatus | None
    expense: dict[str, Any] | None
    acts: list[Reference]
    sources: list[Reference]


class FileFacts:
    """Reads the facts of one agreement file, reporting its mistakes with their lines."""

    def __init__(self, src: Source, owner_id: str, errors: ErrorCollector):
        self.src, self.owner_id, self.errors = src, owner_id, errors

    def err(self, path: tuple, message: str, hint: str = "") -> None:
        self.errors.add(self.src.path, self.src.line(*path), ".".join(map(str, path)),
                        message, hint)

    def date(self, path: tuple, value: Any) -> PartialDate | None:
        if value is None:
            return None
        try:
            return PartialDate.parse(value)
        except DateProblem as exc:
            self.err(path, exc.args[0], exc.args[1])
            return None

    def duration(self, path: tuple, value: Any) -> Duration | None:
        if value is None:
            return None
        try:
            return Duration.parse(value)
        except DateProblem as exc:
            self.err(path, exc.args[0], exc.args[1])
            return None

    def plus(self, path: tuple, start: PartialDate | None, duration: Duration | None
             ) -> PartialDate | Span | None:
        if not (start and duration):
            return None
        try:
            return start.plus(duration)
        except DateProblem as exc:
            self.err(path, exc.args[0], exc.args[1])
            return None

    def references(self, key: str) -> list[Reference]:
        return [Reference(as_text(item["title"]), self.date((key, i, "date"), item.get("date")),
                          item.get("url"))
                for i, item in enumerate(self.src.data.get(key, []))]

    def parties(self) -> None:
        """Signatories sign for the owner or a partner; counterparts stand for a partner."""
        d = self.src.data
        parties = {self.owner_id, *d["partners"]}
        for i, s in enumerate(d.get("signatories", [])):
            if s["party"] not in parties:
                self.err(("signatories", i, "party"), f"unknown party `{s['party']}`",
                         "use the owner's id (" + self.owner_id +
                         ") or one of this agreement's partners: " + ", ".join(d["partners"]))
        for i, c in enumerate(d.get("counterparts", [])):
            if c["partner"] not in d["partners"]:
                self.err(("counterparts", i, "partner"),
                         f"`{c['partner']}` is not among this agreement's partners",
                         "add it to `partners` or correct the id")

    def term(self) -> tuple[PartialDate | None, Duration | None, PartialDate | None,
                            PartialDate | Span | None]:
        """Signing, duration, expiry, and the end of the first term they give."""
        d = self.src.data
        signed = self.date(("signed",), d.get("signed"))
        expires = self.date(("expires",), d.get("expires"))
        duration = self.duration(("duration",), d.get("duration"))
        if duration and expires:
            self.err(("expires",), "both `duration` and `expires` are given",
                     "keep the one the source states")
        end = expires or self.plus(("duration",), signed, duration)
        if signed and expires and expires.latest < signed.earliest:
            self.err(("expires",), f"expiry {expires.iso()} is before signing "
                     f"{signed.iso()}", "check both dates against the source")
        return signed, duration, expires, end

    def renewals(self, signed: PartialDate | None) -> list[Renewal]:
        out = []
        for i, r in enumerate(self.src.data.get("renewals", [])):
            rdate = self.date(("renewals", i, "date"), r.get("date"))
            rexp = self.date(("renewals", i, "expires"), r.get("expires"))
            rdur = self.duration(("renewals", i, "duration"), r.get("duration"))
            if signed and rdate and rdate.latest < signed.earliest:
                self.err(("renewals", i, "date"), "renewal is before signing",
                         "check the date against the source")
            rend = rexp or self.plus(("renewals", i, "duration"), rdate, rdur)
            out.append(Renewal(rdate, rend, as_text(r["note"]) if r.get("note") else None))
        return out

    def stated(self, signed: PartialDate | None) -> StatedStatus | None:
        st = self.src.data.get("status")
        if not st:
            return None
        since = self.date(("status", "since"), st.get("since"))
        if signed and since and since.latest < signed.earliest:
            self.err(("status", "since"), f"the status holds since {since.iso()}, before "
                     f"signing {signed.iso()}", "check both dates against the source")
        return StatedStatus(st["value"], self.date(("status", "as_of"), st.get("as_of")),
                            as_text(st["source"]) if st.get("source") else None, since,
                            as_text(st["note"]) if st.get("note") else None)

    def facts(self) -> Facts:
        d = self.src.data
        self.parties()
        signed, duration, expires, end = self.term()
        return Facts(
            counterparts=[{"name": as_text(c["name"]), "partner": c["partner"]}
                          for c in d.get("counterparts", [])],
            signatories=[{"name": s["name"], "party": s["party"],
                          "role": as_text(s["role"]) if s.get("role") else None}
                         for s in d.get("signatories", [])],
            signed=signed, duration=duration, expires=expires, end=end,
            renewals=self.renewals(signed), stated=self.stated(signed),
            expense=_expense(d.get("expense")),
            acts=self.references("acts"), sources=self.references("sources"))


def facts(src: Source, owner_id: str, errors: ErrorCollector) -> Facts:
    """What the agreement file `src` states (its mistakes go to `errors`)."""
    return FileFacts(src, owner_id, errors).facts()


def _expense(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    out = dict(value)
    if "note" in out:
        out["note"] = as_text(out["note"])
    return out
