"""How Italian (and English) agreements write their parts: article headings, numbered
paragraphs and points, recitals, the formula before the articles, place and date, the
start of a signature. Shared by the clean-up (which must not join such lines to the line
before) and by the recognition of the structure."""

from __future__ import annotations

import re

BULLET_SYMBOLS = "•◦▪▫■□●○►▸▶➢➤✓✔❖·\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf02d"
DASH_BULLETS = "-–—*"

ARTICLE = re.compile(
    r"^(?:ART(?:ICOLO|ICLE)?|Art(?:icolo|icle)?)\.?\s*(?P<number>\d{1,3})"
    r"(?:\s*(?P<suffix>bis|ter|quater)\b)?\s*[°º]?\s*(?:[-–—:.)]\s*)?(?P<title>.*)$")
NUMBERED = re.compile(r"^(?P<number>\d{1,2})\s?[.)]\s+(?P<text>\S.*)$")
LETTERED = re.compile(r"^\(?(?P<letter>[a-zA-Z])\s?[.)]\s+(?P<text>\S.*)$")
RECITAL = re.compile(
    r"^(?:premess[oaie]|considerat[oaie]|vist[oaie]|rilevat[oaie]|ritenut[oaie]|"
    r"atteso|preso atto|dato atto|tenuto conto|richiamat[oaie]|whereas|considering|"
    r"recalling|noting|recognizing|recognising)\b(?:\s+(?:che|inoltre|altresì|that))?\s*:?$",
    re.IGNORECASE)
AGREE = re.compile(r"^(?:tutto ci[oò] premesso\W*)?.{0,60}\b(?:quanto segue|as follows)\W{0,3}$",
                   re.IGNORECASE)
PARTIES_OPEN = re.compile(r"^(?:tra|fra|between)\b[:\s]*", re.IGNORECASE)
PARTIES_AND = re.compile(r"^(?:e|ed|and|nonché)[:\s]*$", re.IGNORECASE)

MONTHS = {m: i for i, m in enumerate(
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
     "settembre", "ottobre", "novembre", "dicembre"], 1)}
MONTHS.update({m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], 1)})
DATE = (r"(?P<day>\d{1,2})\s*(?:°|º)?\s+(?P<month>" + "|".join(MONTHS) +
        r")\s+(?P<year>\d{4})|(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})")
PLACE_DATE = re.compile(
    r"^(?:letto,?\s+confermato\s+e\s+sottoscritto[.,:]?\s*)?"
    r"(?:(?:fatto|firmato|sottoscritto|done|signed)\s+(?:a|ad|in|at)\s+)?"
    r"(?P<place>[A-ZÀ-Ý][\w’'.-]*(?:\s+[A-ZÀ-Ý][\w’'.-]*){0,3})\s*[,;]?\s*"
    r"(?:(?:lì|li|addì|il|on|the|in data)\s+)*(?:" + DATE + r")\b", re.IGNORECASE)
SIGNATURE = re.compile(r"^(?:per|for|p\.|f\.to|firmato)\s", re.IGNORECASE)
TERMINAL = ".;:!?"
KIND = re.compile(r"\b(?:protocoll[oi]|memorandum|accord[oi]|agreement|dichiarazione|"
                  r"declaration|letter[a]?|gemellaggio|twinning|intesa|convenzione)\b",
                  re.IGNORECASE)


def is_article(text: str) -> bool:
    """A line that heads an article: `Art. 3`, `ARTICOLO 3 - DURATA`, `Articolo 3 (Durata)`."""
    m = ARTICLE.match(text)
    return m is not None and len(m["title"]) <= 90 and not m["title"].endswith((";", ","))


def is_marker(text: str) -> bool:
    """A line that starts a numbered paragraph, a point or a bulleted item."""
    return bool(NUMBERED.match(text) or LETTERED.match(text)) or text[:1] in BULLET_SYMBOLS


def stands_alone(text: str) -> bool:
    """A line that is a paragraph of its own: a recital's opening, the formula before the
    articles, the `Tra` and `e` around the parties."""
    return bool(RECITAL.match(text) or AGREE.match(text) or PARTIES_AND.match(text)
                or text.lower().rstrip(":") in ("tra", "fra", "between"))
