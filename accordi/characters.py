"""Characters that content must not hold, and characters that no published file may.

Two rules. Content: an editor's text never needs an invisible control character (a NUL, an
escape, a tab or a line break inside a one-line field) nor a bidirectional override, embedding
or isolate: those make "evil" show as "live" (the "Trojan Source" trick), and names in
right-to-left scripts need none, since every page marks their language and direction. `check`
refuses them, naming the field and the code point. Output: whatever passed, no file of the site
holds a character its format forbids (XML 1.0 refuses C0 controls and U+FFFE/U+FFFF, HTML
counts every control and noncharacter as an error, CSV readers stop at a NUL); every writer
passes its text through `for_output`, which removes them, the same for all formats so that
the data files agree with each other and with the pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from .errors import Problem

# Unicode's names for the C0 and C1 controls and DELETE (aliases: unicodedata has no name
# for them).
C0 = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
      "ENQUIRY", "ACKNOWLEDGE", "ALERT", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
      "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
      "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
      "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
      "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
      "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
      "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")
C1 = ("PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE",
      "INDEX", "NEXT LINE", "START OF SELECTED AREA", "END OF SELECTED AREA",
      "CHARACTER TABULATION SET", "CHARACTER TABULATION WITH JUSTIFICATION",
      "LINE TABULATION SET", "PARTIAL LINE FORWARD", "PARTIAL LINE BACKWARD",
      "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE", "DEVICE CONTROL STRING",
      "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE", "CANCEL CHARACTER",
      "MESSAGE WAITING", "START OF GUARDED AREA", "END OF GUARDED AREA", "START OF STRING",
      "SINGLE GRAPHIC CHARACTER INTRODUCER", "SINGLE CHARACTER INTRODUCER",
      "CONTROL SEQUENCE INTRODUCER", "STRING TERMINATOR", "OPERATING SYSTEM COMMAND",
      "PRIVACY MESSAGE", "APPLICATION PROGRAM COMMAND")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # embeddings, overrides, isolates

# Fields whose text may run over several lines (and so hold tabs and line breaks).
MULTILINE = frozenset({"description", "note", "translator_note"})

_CONTROLS = "\x00-\x1f\x7f-\x9f"
_ONE_LINE = re.compile(f"[{_CONTROLS}{BIDI}]")
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
# What no published format takes: controls but tab and line breaks, surrogates and the
# noncharacters (U+FDD0-U+FDEF and the last two code points of every plane). Beyond the
# first plane one range stands for those two of each plane (a class of scattered characters
# out there makes every search many times slower); what it finds is looked at one by one.
_UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                            "\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")


def _unpublishable(char: str) -> bool:
    return ord(char) < 0x10000 or ord(char) & 0xFFFE == 0xFFFE


def name(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: the code point and its Unicode name."""
    code = ord(char)
    if code < 0x20:
        label = C0[code]
    elif code == 0x7F:
        label = "DELETE"
    elif 0x80 <= code < 0xA0:
        label = C1[code - 0x80]
    else:
        label = unicodedata.name(char, "")
    return f"U+{code:04X} {label}".rstrip()


def refused(text: str, multiline: bool) -> list[str]:
    """The characters of `text` content must not hold, each once, in order of appearance. A
    one-line field may end with line breaks (what a YAML `>` block leaves), not hold one."""
    if not multiline:
        text = text.rstrip("\n")
    found = (_MULTI_LINE if multiline else _ONE_LINE).findall(text)
    return list(dict.fromkeys(found))


def _kind(char: str, multiline: bool) -> tuple[str, str, str]:
    """(what one such character is, what several are, the hint) for an editor."""
    if char in BIDI:
        return ("an invisible character that changes the order in which the text around it "
                "is shown", "invisible characters that change the order in which the text "
                "around them is shown", "remove them; names in right-to-left scripts need no "
                "control characters")
    if char == "\t" and not multiline:
        return "in a one-line field", "in a one-line field", "replace it with a space"
    if char in "\n\r" and not multiline:
        return "in a one-line field", "in a one-line field", "write the value on one line"
    return ("an invisible control character", "invisible control characters",
            "remove them: they were probably pasted with the text")


def advice(chars: list[str], multiline: bool) -> list[tuple[str, str]]:
    """(message, hint) for an editor about the refused characters of one text: one for each
    kind of character, naming each code point."""
    kinds: dict[tuple[str, str, str], list[str]] = {}
    for char in chars:
        kinds.setdefault(_kind(char, multiline), []).append(name(char))
    out = []
    for (one, several, hint), names in kinds.items():
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if len(names) == 1:
            hint = hint.replace("them; ", "it; ").replace("them: they were", "it: it was")
        separator = " " if one.startswith("in ") else ": "
        out.append((listed + separator + (one if len(names) == 1 else several), hint))
    return out


def field_problems(data: Any, line_of: Callable[[tuple], int]) -> list[Problem]:
    """Every refused character in the text values of parsed YAML `data`; `line_of(path)`
    gives the line of a key path."""
    out: list[Problem] = []
    for path, text in _texts(data, ()):
        keys = [p for p in path if isinstance(p, str) and p not in ("it", "en")]
        multiline = bool(keys) and keys[-1] in MULTILINE
        chars = refused(text, multiline)
        if chars:
            out += [Problem(line_of(path), ".".join(map(str, path)), message, hint)
                    for message, hint in advice(chars, multiline)]
    return out


def _texts(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, path + (i,))


def body_problems(body: str, first_line: int) -> list[tuple[int, str, str]]:
    """(line, message, hint) of every refused character of a Markdown body, by line."""
    out: list[tuple[int, str, str]] = []
    if not _MULTI_LINE.search(body):
        return out
    for number, line in enumerate(body.split("\n"), first_line):
        chars = refused(line, multiline=True)
        if chars:
            out += [(number, message, hint) for message, hint in advice(chars, True)]
    return out


def for_output(text: str) -> str:
    """`text` without the characters no published format allows (see the module's doc)."""
    if _UNPUBLISHABLE.search(text) is None:
        return text
    return _UNPUBLISHABLE.sub(lambda m: "" if _unpublishable(m.group()) else m.group(), text)


def clean(value: Any) -> Any:
    """`for_output` over a value of a data row: text, or a list of texts."""
    if isinstance(value, str):
        return for_output(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
