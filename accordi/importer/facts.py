"""The facts of an agreement as its text states them, proposed for the front matter.

Each proposal says where it was read (`line 451`, `page 5`) so that an editor can check it
against the signed document; what the text does not state is left empty, with a TODO.
Parties are matched against the site's owner and `content/partners/` by the words of their
names; a party matched by nobody is reported, never invented.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import accordi.importer.patterns as pt

from .structure import Article, Structure

TYPES = [  # the words of a heading, and the type they name
    (r"protocoll[oi] (?:d[’']|di )intesa|protocollo\b", "protocollo-intesa"),
    (r"memorandum", "memorandum"),
    (r"accordo quadro|framework agreement", "accordo-quadro"),
    (r"accordo di cooperazione|cooperation agreement|agreement (?:of|on) cooperation",
     "accordo-cooperazione"),
    (r"accordo di collaborazione|collaboration agreement|accordo\b|agreement\b",
     "accordo-collaborazione"),
    (r"dichiarazione programmatica|dichiarazione d[’']intenti|joint declaration",
     "dichiarazione-programmatica"),
    (r"lettera d[’']intenti|letter of intent", "lettera-intenti"),
    (r"gemellaggio|twinning|sister cit", "gemellaggio"),
]
STOPWORDS = {"di", "del", "della", "dello", "dei", "degli", "delle", "e", "ed", "la", "il",
             "lo", "l", "i", "gli", "le", "of", "the", "and", "de", "da", "in", "a"}
NAME_ENDS = re.compile(r",?\s+(?:con sede|c\.f\.|codice fiscale|p\.\s?iva|partita iva|"
                       r"di seguito|successivamente|in seguito|qui rappresentat|rappresentat|"
                       r"nella persona|in persona|\(|domiciliat|represented|hereinafter|"
                       r"with (?:its )?(?:seat|headquarters))", re.IGNORECASE)
LEADING_ARTICLE = re.compile(r"^(?:(?:il|la|lo|i|gli|le|the)\s+|l[’'])", re.IGNORECASE)
REPRESENTED = re.compile(
    r"rappresentat[oaie]\s+(?:dal(?:la)?|da|nella persona del(?:la)?)?\s*(?:(?:il|la)\s+)?"
    r"(?:(?:dott|dott\.ssa|dr|avv|ing|prof|arch|sig|sig\.ra)\.?\s+)*"
    r"(?P<name>[A-ZÀ-Ý][\w’'-]+(?:\s+[A-ZÀ-Ý][\w’'-]+){1,3})"
    r"(?:,?\s+in\s+qualità\s+di\s+(?P<role>[^,;]+?)(?=\s+che\s|,|;|$))?")
NUMBER_WORDS = {"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
                "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "one": 1, "two": 2,
                "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
ADJECTIVES = {"annuale": "P1Y", "biennale": "P2Y", "triennale": "P3Y", "quadriennale": "P4Y",
              "quinquennale": "P5Y"}
COUNT = r"(?P<n>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")(?:\s*\(\w+\))?"
DURATION = re.compile(r"\b(?:durata|periodo|validit[àa]|efficacia|valido|valida|per|for|"
                      r"period)\s+(?:di\s+|pari\s+a\s+|of\s+|a\s+period\s+of\s+)?" + COUNT +
                      r"\s+(?P<unit>anni|anno|mesi|mese|years?|months?)\b", re.IGNORECASE)
DURATION_WORD = re.compile(r"\bdurata\s+(?P<word>" + "|".join(ADJECTIVES) + r")\b", re.I)
UNTIL = re.compile(r"\b(?:fino|sino)\s+(?:al|a tutto il|a)\s+|\bscadenza\s+(?:il|al)\s+|"
                   r"\bscad(?:e|rà)\s+il\s+|\buntil\s+(?:the\s+)?", re.IGNORECASE)
DATE = re.compile(pt.DATE, re.IGNORECASE)
TERM_TITLE = re.compile(r"durata|validit|decorrenza|vigore|scadenza|duration|term|validity",
                        re.IGNORECASE)
OBJECT_TITLE = re.compile(r"oggetto|finalit|obiettiv|object|purpose|scope", re.IGNORECASE)
EXTENDS = re.compile(r"\b(?:prorog|rinnov|extend|renew)\w*", re.IGNORECASE)


@dataclass
class Fact:
    """A proposed value (None: the text does not say) and where it was read."""

    value: Any
    note: str


@dataclass
class Known:
    """What the content already holds: the owner, the partners, the agreements."""

    owner_id: str = ""
    owner_names: list[str] = field(default_factory=list)
    partners: dict[str, list[str]] = field(default_factory=dict)  # id -> its names
    agreements: dict[str, dict] = field(default_factory=dict)  # id -> front matter


@dataclass
class Party:
    name: str       # as the text writes it, without `Il`/`La`
    written: str    # with it (`il Comune di Milano`), for a title
    where: str
    match: str | None = None  # the owner's or a partner's id
    close: list[str] = field(default_factory=list)  # partners nearly matching


@dataclass
class Facts:
    title: Fact
    type: Fact
    object: Fact
    parties: list[Party]
    signatories: list[dict[str, Any]]
    signatory_notes: list[str]
    signed: Fact
    place: str
    expires: Fact
    duration: Fact
    extends: Fact


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".md":
            text = text.split("\n---", 1)[0].removeprefix("---")
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # a broken file: `build.py check` reports it


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in (value or {}).values()
                                                     if isinstance(v, str)]


def read_known(content: Path) -> Known:
    """The owner, partners and agreements of a content folder, read leniently."""
    known = Known()
    site = _load(content / "site.yaml")
    if isinstance(site, dict) and isinstance(site.get("owner"), dict):
        known.owner_id = str(site["owner"].get("id", ""))
        known.owner_names = _names(site["owner"].get("name"))
    for path in sorted((content / "partners").glob("*.yaml")):
        data = _load(path)
        if isinstance(data, dict):
            known.partners[path.stem] = _names(data.get("name")) + [path.stem]
    for path in sorted((content / "agreements").rglob("*.it.md")):
        data = _load(path)
        if isinstance(data, dict):
            known.agreements[path.name[:-6]] = data
    return known


def words(text: str) -> set[str]:
    """The significant words of a name, lowercase and without accents."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in STOPWORDS}


def _score(name: str, candidate: str) -> float:
    """How much of `candidate`'s name the party's name holds."""
    wanted = words(candidate)
    return len(wanted & words(name)) / len(wanted) if wanted else 0.0


def match_party(party: Party, known: Known) -> None:
    """Match a party to the owner, else to a partner (all its name's words in the party's)."""
    if any(_score(party.name, n) == 1.0 and _score(n, party.name) >= 0.5
           for n in known.owner_names):
        party.match = known.owner_id
        return
    scores = {pid: max(_score(party.name, n) for n in names)
              for pid, names in known.partners.items()}
    best = sorted((s, pid) for pid, s in scores.items() if s >= 0.5)[::-1]
    if best and best[0][0] == 1.0 and (len(best) == 1 or best[1][0] < 1.0):
        party.match = best[0][1]
    else:
        party.close = [pid for _, pid in best[:3]]


def party_name(text: str) -> tuple[str, str]:
    """(name, name as written with its article) of a paragraph naming a party."""
    written = NAME_ENDS.split(text, maxsplit=1)[0].strip(" ,;:")
    return LEADING_ARTICLE.sub("", written).strip(), written


def iso(m: re.Match) -> str | None:
    """A date matched by `patterns.DATE` as YYYY-MM-DD, or None if it is no real date."""
    import datetime as dt
    if m["day"]:
        day, month, year = int(m["day"]), pt.MONTHS[m["month"].lower()], int(m["year"])
    else:
        day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _article_texts(articles: list[Article]) -> list[tuple[Article, str, str]]:
    """(article, text, where) of every paragraph and point of the articles."""
    out = []
    for a in articles:
        for b in a.blocks:
            out.append((a, b.text, b.where))
            for x in (getattr(b, "points", None) or []):
                out.append((a, x.text, x.where))
            out += [(a, more, b.where) for more in (getattr(b, "more", None) or [])]
    return out


def _term(articles: list[Article]) -> tuple[Fact, Fact]:
    """(expires, duration), read in the article about the term first."""
    texts = _article_texts(articles)
    ordered = [t for t in texts if TERM_TITLE.search(t[0].title)] + texts
    for a, text, where in ordered:
        for until in UNTIL.finditer(text):
            m = DATE.match(text, until.end())
            if m and iso(m):
                quote = text[until.start():m.end()]
                return Fact(iso(m), f"art. {a.number}: “{quote}” ({where})"), Fact(None, "")
        if m := DURATION.search(text):
            n = NUMBER_WORDS.get(m["n"].lower()) or int(m["n"])
            unit = "Y" if m["unit"].lower().startswith(("ann", "year")) else "M"
            return Fact(None, ""), Fact(f"P{n}{unit}", f"art. {a.number}: “{m[0]}” ({where})")
        if m := DURATION_WORD.search(text):
            return Fact(None, ""), Fact(ADJECTIVES[m["word"].lower()],
                                        f"art. {a.number}: “{m[0]}” ({where})")
    return Fact(None, "TODO: the articles state no end date or duration"), Fact(None, "")


def _type(structure: Structure) -> Fact:
    if structure.title:
        for pattern, kind in TYPES:
            if re.search(pattern, structure.title.text, re.IGNORECASE):
                return Fact(kind, f"“{structure.title.text}” ({structure.title.where})")
    body = " ".join(t for _, t, _ in _article_texts(structure.articles))
    for pattern, kind in TYPES:
        if m := re.search(r"presente\s+(" + pattern + ")", body, re.IGNORECASE):
            return Fact(kind, f"the articles call it “{m[1]}”")
    return Fact(None, "TODO: the text does not say what kind of agreement it is")


def _sentence_case(text: str) -> str:
    """An all-capitals heading as a title is written (`Protocollo d’intesa`)."""
    return text[:1].upper() + text[1:].lower() if text.isupper() else text


def _title(structure: Structure, parties: list[Party]) -> Fact:
    heading = structure.title
    if heading is None:
        return Fact(None, "TODO: the text has no title; write the agreement's title")
    text = " ".join(heading.text.split())
    if len(parties) >= 2 and not re.search(r"\b(?:tra|fra|between)\b", text, re.I):
        names = [p.written[:1].lower() + p.written[1:] if LEADING_ARTICLE.match(p.written)
                 else p.written for p in parties]
        joined = ", ".join(names[:-1]) + " e " + names[-1]
        return Fact(f"{_sentence_case(text)} tra {joined}",
                    f"the heading ({heading.where}) and the parties")
    return Fact(_sentence_case(text), f"the heading ({heading.where})")


def _object(structure: Structure) -> Fact:
    articles = structure.articles
    chosen = [a for a in articles if OBJECT_TITLE.search(a.title)] or articles[:1]
    for a in chosen:
        for b in a.blocks:
            text = b.text.rstrip(" ;:,")
            if text:
                return Fact(text if text.endswith(".") else text + ".",
                            f"art. {a.number} ({b.where}): shorten it to one sentence")
    return Fact(None, "TODO: the object of the agreement in one sentence (required)")


def _signatories(structure: Structure, parties: list[Party], known: Known
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Signatories with their roles and parties, from the paragraphs naming the parties,
    else from the signatures; and a note for each."""
    found: list[tuple[str, str, Party | None, str]] = []  # name, role, party, where
    for named, para in zip(parties, structure.parties, strict=False):
        if m := REPRESENTED.search(para.text):
            found.append((m["name"], (m["role"] or "").strip(), named, para.where))
    if not found:
        for s in structure.signatures:
            signing = Party(*party_name(s.party), s.where) if s.party else None
            if signing:
                match_party(signing, known)
            if s.name:
                found.append((s.name, s.role, signing, s.where))
    out, notes = [], []
    for name, role, party, where in found:
        if party is None or party.match is None:
            notes.append(f"TODO: {name} ({where}) signs for a party that is not matched")
            continue
        entry: dict[str, Any] = {"name": name}
        if role:
            entry["role"] = role
        entry["party"] = party.match
        out.append(entry)
        notes.append(f"{where}")
    return out, notes


def _signed(structure: Structure) -> tuple[Fact, str]:
    pd = structure.place_date
    if pd and (m := pt.PLACE_DATE.match(pd.text)) and (
            date := DATE.search(pd.text)) and iso(date):
        return Fact(iso(date), f"“{pd.text}” ({pd.where})"), m["place"]
    return Fact(None, "TODO: the text gives no date of signing (required)"), ""


def _extends(structure: Structure, partners: list[str], known: Known) -> Fact:
    """An earlier agreement with the same partner that the text says this one extends."""
    for a, text, where in _article_texts(structure.articles):
        for m in EXTENDS.finditer(text):
            for d in DATE.finditer(text, m.end(), m.end() + 120):
                day = iso(d)
                for aid, data in sorted(known.agreements.items()):
                    if str(data.get("signed")) == day and set(partners) & set(
                            data.get("partners") or []):
                        return Fact([aid], f"art. {a.number}: “{text[m.start():d.end()]}” "
                                    f"({where})")
    return Fact(None, "")


def propose(structure: Structure, known: Known) -> Facts:
    """The front matter's facts as the text states them."""
    parties = []
    for para in structure.parties:
        name, written = party_name(para.text)
        party = Party(name, written, para.where)
        match_party(party, known)
        parties.append(party)
    signatories, notes = _signatories(structure, parties, known)
    signed, place = _signed(structure)
    expires, duration = _term(structure.articles)
    partner_ids = [p.match for p in parties if p.match and p.match != known.owner_id]
    return Facts(_title(structure, parties), _type(structure), _object(structure), parties,
                 signatories, notes, signed, place, expires, duration,
                 _extends(structure, partner_ids, known))
