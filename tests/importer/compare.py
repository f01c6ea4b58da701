"""Two records' texts compared as readers see them: for every anchor (`#art-1-3-a`), the
words of its heading or paragraph, whitespace-normalised."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from accordi.converter import Renderer
from accordi.sources import split_front_matter
from accordi.text import split_body


def anchored(markdown_file: str) -> dict[str, str]:
    """anchor -> the words of its heading or item (without the items nested in it)."""
    parts = split_front_matter(markdown_file)
    assert parts is not None
    _, text = split_body(parts[1])
    html = Renderer().render(text).html
    root = ET.fromstring(f"<div>{html}</div>")
    out = {}
    for el in root.iter():
        if el.get("id"):
            out[el.get("id")] = " ".join(_own_text(el).split())
    return out


def _own_text(el: ET.Element) -> str:
    text = el.text or ""
    for child in el:
        if child.tag not in ("ol", "ul"):
            text += _own_text(child)
        text += child.tail or ""
    return text


@dataclass
class Match:
    expected: int
    same: int
    missing: list[str]
    different: list[str]

    @property
    def share(self) -> float:
        return self.same / self.expected

    def __str__(self) -> str:
        return f"{self.same}/{self.expected} anchors with the same words ({self.share:.1%})"


def compare(expected_file: str, imported_file: str) -> Match:
    expected, got = anchored(expected_file), anchored(imported_file)
    same = [a for a in expected if got.get(a) == expected[a]]
    return Match(len(expected), len(same), [a for a in expected if a not in got],
                 [a for a in expected if a in got and got[a] != expected[a]])
