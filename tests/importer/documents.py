"""The test documents, made from the seed text (what copying a signed PDF's text gives):
a PDF with a text layer and page furniture in two columns, the same PDF rasterised as a
scan, a Word and an OpenDocument file. Nothing is downloaded."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE / "000_46a0d2e553a37065.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # `make test` installs it
HEADER = ("Comune di Milano", "Camera di Commercio di Milano Monza Brianza Lodi")
# The signatures as the signed document lays them out, side by side (the seed's words).
SIGNATURES = (["Per Camera di commercio di Milano Monza Brianza Lodi", "Il Segretario Generale",
               "Dott.ssa Elena Vasco", "(firmato digitalmente)"],
              ["Per il Comune di Milano", "Il Direttore", "Direzione Economia Urbana e Lavoro",
               "Dott. Renato Galliano", "(firmato digitalmente)"])


def seed_pages() -> list[list[str | None]]:
    """The seed's pages (a run of blank lines ends one) of lines, None where a line holds
    only spaces (a paragraph's end)."""
    pages: list[list[str | None]] = [[]]
    empty = 0
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        if line == "":
            empty += 1
            continue
        if empty >= 2 and any(pages[-1]):
            pages.append([])
        empty = 0
        pages[-1].append(line if line.strip() else None)
    return pages


def seed_paragraphs() -> list[list[str]]:
    """The seed's paragraphs, each the list of its lines (stripped)."""
    out: list[list[str]] = [[]]
    for page in seed_pages():
        for line in page:
            if line is None:
                out.append([])
            else:
                out[-1].append(line.strip())
    return [p for p in out if p]


def make_pdf(path: Path) -> Path:
    """The seed's pages as PDF pages, each line where the seed puts it (a character's
    width per space), with a header and a footer in two columns on every page."""
    from fpdf import FPDF

    pages = seed_pages()

    class Protocol(FPDF):
        def header(self) -> None:
            self.set_font("body", size=8)
            self.set_xy(40, 20)
            self.cell(0, 10, HEADER[0])
            self.set_xy(300, 20)
            self.cell(255, 10, HEADER[1], align="R")

        def footer(self) -> None:
            self.set_font("body", size=8)
            self.set_xy(40, 805)
            self.cell(0, 10, "Protocollo d’intesa Comune di Milano – CCIAA")
            self.set_xy(300, 805)
            self.cell(255, 10, f"Pagina {self.page_no()} di {len(pages)}", align="R")

    pdf = Protocol(unit="pt", format="A4")
    pdf.add_font("body", fname=str(FONT))
    pdf.set_auto_page_break(False)
    size, step = 9, 12.5
    for page in pages:
        pdf.add_page()
        pdf.set_font("body", size=size)
        width = pdf.get_string_width("n")
        y = 50.0
        for line in page:
            if line is not None:
                for m in re.finditer(r"\S+(?: {1,2}\S+)*", line):  # columns: 3+ spaces
                    pdf.set_xy(40 + m.start() * width, y)
                    pdf.cell(0, step, m[0])
            y += step
            if y > 790:
                pdf.add_page()
                pdf.set_font("body", size=size)
                y = 50.0
    pdf.output(str(path))
    return path


def make_scan(pdf: Path, path: Path, dpi: int = 200) -> Path:
    """`pdf` rasterised: a PDF of pictures of its pages, without any text."""
    import pypdfium2
    document = pypdfium2.PdfDocument(str(pdf))
    images = [document[i].render(scale=dpi / 72).to_pil().convert("L")
              for i in range(len(document))]
    document.close()
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    return path


def _parts() -> list[tuple[str, list[str]]]:
    """The seed's paragraphs as a word processor holds them: ("p", [text]), an article's
    heading and title as two ("p", ...), recitals as ("item", [text]), the signatures as
    ("table", [])."""
    out: list[tuple[str, list[str]]] = []
    recitals = False
    for lines in seed_paragraphs():
        first = lines[0]
        if first.startswith("Per Camera"):
            out.append(("table", []))
            continue
        if first.startswith(("Brianza Lodi", "Il Segretario Generale")):
            continue  # the rest of the signatures, in the table
        if first.startswith("Considerate"):
            recitals = False
        if re.match(r"Art\. \d", first):
            out += [("p", [line]) for line in lines]
            continue
        # a point that the seed's copy ran into the point before is a paragraph of its own
        pieces: list[list[str]] = []
        for line in lines:
            if not pieces or re.match(r"[a-h]\. ", line):
                pieces.append([])
            pieces[-1].append(line)
        out += [("item" if recitals else "p", [" ".join(piece)]) for piece in pieces]
        recitals = recitals or first.startswith("PREMESSO CHE")
    return out


def make_docx(path: Path) -> Path:
    import docx
    document = docx.Document()
    for kind, text in _parts():
        if kind == "table":
            table = document.add_table(rows=1, cols=2)
            for cell, lines in zip(table.rows[0].cells, SIGNATURES, strict=True):
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
        else:
            document.add_paragraph(text[0], style="List Bullet" if kind == "item" else None)
    document.save(str(path))
    return path


def make_odt(path: Path) -> Path:
    from odfdo import Cell, Document, List, Paragraph, Row, Table
    document = Document("text")
    body = document.body
    body.clear()
    items: list[str] = []
    for kind, text in [*_parts(), ("end", [])]:
        if kind == "item":
            items += text
            continue
        if items:
            body.append(List(items))
            items = []
        if kind == "table":
            table = Table("firme")
            row = Row()
            for lines in SIGNATURES:
                cell = Cell()
                for line in lines:
                    cell.append(Paragraph(line))
                row.append(cell)
            table.append(row)
            body.append(table)
        elif kind == "p":
            body.append(Paragraph(text[0]))
    document.save(str(path))
    return path
