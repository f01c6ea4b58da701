"""Word (.docx) and OpenDocument (.odt) documents as lines.

Their paragraphs are already whole, so each becomes one line followed by a paragraph break.
The numbers and bullets of automatic lists are not in a paragraph's text: they are worked
out from the list's definition and written in front of it, as a reader sees them. A
table's cells become columns (separated by a tab), as signatures laid out side by side are.
"""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from .parts import Extracted, Line, Page

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BULLET = "•"


def _label(fmt: str, text: str, n: int) -> str:
    """What a Word list level writes before an item: `3.`, `c)`, a bullet."""
    if fmt == "bullet" or not fmt:
        return BULLET
    if fmt in ("lowerLetter", "upperLetter"):
        value = chr(ord("a") + (n - 1) % 26)
        value = value.upper() if fmt == "upperLetter" else value
    elif fmt in ("lowerRoman", "upperRoman"):
        value = _roman(n).lower() if fmt == "lowerRoman" else _roman(n)
    else:
        value = str(n)
    return text.replace("%1", value).replace("%2", value).replace("%3", value) or value


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


class _WordLists:
    """Counts the items of Word's numbered lists, as Word numbers them."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str]] = {}
        self.counts: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return
        abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
        for num in numbering.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            definition = abstract.get(ref.get(f"{W}val")) if ref is not None else None
            for lvl in definition.iter(f"{W}lvl") if definition is not None else ():
                fmt, text = lvl.find(f"{W}numFmt"), lvl.find(f"{W}lvlText")
                self.levels[num.get(f"{W}numId"), int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val", "") if fmt is not None else "",
                    text.get(f"{W}val", "") if text is not None else "")

    def label(self, paragraph) -> str:
        """The number or bullet in front of a paragraph, or '' when it is in no list."""
        num_pr = _num_pr(paragraph)
        if num_pr is None:
            return ""
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        key = num_id.get(f"{W}val") if num_id is not None else None
        level = int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
        if not key or key == "0":
            return ""
        fmt, text = self.levels.get((key, level), ("bullet", ""))
        counts = self.counts.setdefault(key, [0] * 9)
        counts[level] += 1
        counts[level + 1:] = [0] * (8 - level)
        return _label(fmt, text, counts[level])


def _num_pr(paragraph):
    """A paragraph's list properties, its own or its style's."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return ppr.numPr
    style = paragraph.style
    while style is not None:
        sppr = style.element.pPr
        if sppr is not None and sppr.numPr is not None:
            return sppr.numPr
        style = style.base_style
    return None


def read_docx(path: Path) -> Extracted:
    import docx
    from docx.table import Table
    document = docx.Document(str(path))
    lists = _WordLists(document)
    page: Page = []
    count = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [[p.text for p in cell.paragraphs if p.text.strip()]
                         for cell in _unique(row.cells)]
                count += 1
                _add_row(page, cells, f"table row {count}")
            continue
        count += 1
        label = lists.label(block)
        text = f"{label} {block.text}" if label and block.text.strip() else block.text
        _add_paragraph(page, text, f"paragraph {count}")
    return Extracted("docx", [page])


def _unique(cells: list) -> list:
    """A row's cells, each once (a merged cell is listed once per column it spans)."""
    out: list = []
    for cell in cells:
        if not any(cell._tc is c._tc for c in out):
            out.append(cell)
    return out


def _add_paragraph(page: Page, text: str, where: str) -> None:
    for part in text.split("\n"):
        if part.strip():
            page.append(Line(part.replace("\t", "   "), where))
    page.append(None)


def _add_row(page: Page, cells: list[list[str]], where: str) -> None:
    """A table row as lines whose columns are the row's cells, separated by tabs."""
    for parts in zip_longest(*cells, fillvalue=""):
        if any(p.strip() for p in parts):
            page.append(Line("\t".join(p.replace("\t", " ") for p in parts), where))
    page.append(None)


def read_odt(path: Path) -> Extracted:
    from odfdo import Document
    document = Document(str(path))
    page: Page = []
    _OdfWalk(document, page).walk(document.body, prefix="")
    return Extracted("odt", [page])


class _OdfWalk:
    """The paragraphs, lists and tables of an OpenDocument body, in order."""

    def __init__(self, document, page: Page) -> None:
        self.document, self.page, self.count = document, page, 0

    def walk(self, element, prefix: str) -> None:
        for child in element.children:
            tag = child.tag
            if tag in ("text:p", "text:h"):
                self.count += 1
                text = child.text_recursive
                _add_paragraph(self.page, f"{prefix} {text}" if prefix and text.strip()
                               else text, f"paragraph {self.count}")
                prefix = ""  # an item's further paragraphs have no label of their own
            elif tag == "text:list":
                numbered = self._numbered(child)
                items = [c for c in child.children if c.tag == "text:list-item"]
                for n, item in enumerate(items, 1):
                    self.walk(item, prefix=f"{n}." if numbered else BULLET)
            elif tag == "table:table":
                for row in child.get_elements("descendant::table:table-row"):
                    self.count += 1
                    cells = [[p.text_recursive for p in cell.get_elements("descendant::text:p")
                              if p.text_recursive.strip()]
                             for cell in row.get_elements("table:table-cell")]
                    _add_row(self.page, cells, f"table row {self.count}")
            elif tag in ("text:section", "text:list-header") or (
                    tag.startswith("text:") and child.children):
                self.walk(child, prefix)

    def _numbered(self, lst) -> bool:
        """Whether a list's style numbers its items (else they have bullets)."""
        name = lst.get_attribute("text:style-name")
        if not name:
            return False
        try:
            style = self.document.get_style("list", name)
        except Exception:  # noqa: BLE001 - a style that cannot be found: bullets
            return False
        return style is not None and "list-level-style-number" in style.serialize()
