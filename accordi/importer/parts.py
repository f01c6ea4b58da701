"""What the steps of an import hand each other: lines as the document lays them out, the
paragraphs the clean-up makes of them, and the refusal that stops an import.

Every line and paragraph keeps where it was found (`page 3`, `line 120`, `paragraph 14`),
so that each fact the import proposes can say where an editor will find it in the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Refused(Exception):
    """The file cannot be imported: `message` says why in an editor's words, `hint` what to
    do about it. Nothing has been written when it is raised."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Line:
    """One line of a document. A gap between columns is a tab (a table's cells) or a run
    of three or more spaces (a page's columns, about one space per character's width)."""

    text: str
    where: str


# A page is a list of lines, with None where the document leaves a gap between paragraphs.
Page = list[Line | None]


@dataclass
class Extracted:
    """The text of a document as the reading of its format found it."""

    kind: str  # "pdf", "scan" (read by OCR), "docx", "odt", "text"
    pages: list[Page] = field(default_factory=list)
    text: str | None = None  # a plain text file, laid out into pages by the clean-up
    pages_read_by_ocr: int = 0


@dataclass
class Paragraph:
    """One paragraph after the clean-up: its words on one line, the lines it was made of
    (for the columns of a block of signatures), and whether it began with a bullet."""

    text: str
    where: str
    lines: list[str] = field(default_factory=list)
    bullet: bool = False
