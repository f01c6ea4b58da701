"""The text of a signed document, whatever its format: PDF (its text layer, or OCR for
pages that are pictures), Word (.docx), OpenDocument (.odt), plain text or Markdown.

The format is told by the file's first bytes, not only by its name, so that a file with
the wrong extension gets a message about what it really is. Files too long to be an
agreement are refused before they are read: the limit is a guard against importing the
wrong file (a whole register, a bundle of annexes), not against large agreements.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import accordi.importer.ocr as ocr

from .layout import Word, page_lines
from .parts import Extracted, Page, Refused

MAX_PAGES = 200
MAX_CHARACTERS = 200 * 4000  # about as many pages of dense text
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
FORMATS = "PDF, Word (.docx), OpenDocument (.odt), plain text (.txt) or Markdown (.md)"
CID_SHARE = 0.3  # a text layer with more unmapped glyphs than this is read as a picture


def kind_of(path: Path) -> str:
    """"pdf", "docx", "odt" or "text", from the file's first bytes and its name."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except IsADirectoryError:
        raise Refused(f"{path} is a folder, not a document", "name the file itself") from None
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror}", "check the name and its "
                      "permissions") from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zipped(path, suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(f"{path.name} is an old Word document (.doc), which cannot be read "
                      "reliably", "open it in Word or LibreOffice and save it as .docx, "
                      ".odt or PDF, then import that file")
    if suffix in (".pdf", ".docx", ".odt"):
        raise Refused(f"{path.name} is named like a {suffix[1:].upper()} file but is not one "
                      "(it may be damaged or only partly downloaded)",
                      "ask for the file again, or open it and save it anew")
    if suffix in TEXT_SUFFIXES or not suffix:
        return "text"
    raise Refused(f"{path.name}: files of this kind cannot be imported",
                  f"import a {FORMATS} file")


def _zipped(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace").strip() \
                if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise _damaged(path, {".docx": "Word", ".odt": "OpenDocument"}.get(
            suffix, "Word or OpenDocument")) from None
    if "word/document.xml" in names:
        return "docx"
    if mimetype == "application/vnd.oasis.opendocument.text":
        return "odt"
    if suffix in (".docx", ".odt"):
        raise _damaged(path, "Word" if suffix == ".docx" else "OpenDocument")
    raise Refused(f"{path.name} is a compressed archive, not a document",
                  f"import the agreement itself, a {FORMATS} file")


def _damaged(path: Path, what: str) -> Refused:
    return Refused(f"{path.name} cannot be read as a {what} document: the file is damaged",
                   "open it in Word or LibreOffice and save it again (or export it as PDF), "
                   "then import the new file")


def extract(path: Path, lang: str) -> Extracted:
    """The text of the document at `path` (Refused when it cannot be imported)."""
    kind = kind_of(path)
    if kind == "pdf":
        return read_pdf(path, lang)
    if kind in ("docx", "odt"):
        import accordi.importer.office as office
        try:
            found = office.read_docx(path) if kind == "docx" else office.read_odt(path)
        except Refused:
            raise
        except Exception:  # noqa: BLE001 - any failure of a damaged file's parts
            raise _damaged(path, "Word" if kind == "docx" else "OpenDocument") from None
        _not_too_long(path, sum(len(line.text) for p in found.pages for line in p if line))
        return found
    return read_text(path)


def read_text(path: Path) -> Extracted:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise Refused(f"{path.name} is not a text file", f"import a {FORMATS} file")
    for encoding in ("utf-8-sig", "cp1252"):  # Windows' encoding is what else arrives
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    _not_too_long(path, len(text))
    return Extracted("text", text=text)


def _not_too_long(path: Path, characters: int) -> None:
    if characters > MAX_CHARACTERS:
        raise Refused(f"{path.name} holds {characters:,} characters, more than {MAX_PAGES} "
                      "pages of text: it does not look like one agreement",
                      "import the agreement alone (without annexes or other acts)")


def read_pdf(path: Path, lang: str) -> Extracted:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _pdf_problem(path, exc) from None
    with pdf:
        try:
            pages = pdf.pages
        except PdfminerException as exc:
            raise _pdf_problem(path, exc) from None
        if len(pages) > MAX_PAGES:
            raise Refused(f"{path.name} has {len(pages)} pages, more than the {MAX_PAGES} an "
                          "import reads: it does not look like one agreement",
                          "import the agreement alone (without annexes or other acts)")
        found = Extracted("pdf")
        pictures: list[int] = []
        for number, page in enumerate(pages, 1):
            lines, has_pictures = _pdf_page(page, f"page {number}")
            found.pages.append(lines)
            if not lines and has_pictures:
                pictures.append(number)
    if not any(found.pages) and not pictures:
        raise Refused(f"{path.name} has no text and no pictures of text: it is empty",
                      "check that this is the signed document")
    if pictures:
        _read_pictures(path, found, pictures, lang)
    return found


def _pdf_page(page, where: str) -> tuple[Page, bool]:
    """The page's lines from its text layer, and whether it holds pictures."""
    chars = page.chars
    unmapped = sum(c["text"].startswith("(cid:") for c in chars)
    if chars and unmapped > CID_SHARE * len(chars):
        return [], True
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
             for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)]
    return page_lines(words, where), bool(page.images)


def _read_pictures(path: Path, found: Extracted, numbers: list[int], lang: str) -> None:
    """OCR for the pages that are pictures only."""
    why = (f"{path.name} is a scan (its pages are pictures, without text)" if
           len(numbers) == len(found.pages) else
           f"{len(numbers)} pages of {path.name} are pictures without text")
    languages = ocr.require(lang, why)
    import pypdfium2
    document = pypdfium2.PdfDocument(str(path))
    try:
        for number in numbers:
            image = document[number - 1].render(scale=ocr.DPI / 72).to_pil()
            found.pages[number - 1] = ocr.read_page(image, languages, f"page {number}")
    finally:
        document.close()
    found.pages_read_by_ocr = len(numbers)
    if len(numbers) == len(found.pages):
        found.kind = "scan"
    if not any(found.pages):
        raise Refused(f"{path.name}: OCR found no text on its pages",
                      "check that the scan is of the signed text and legible")


def _pdf_problem(path: Path, exc: Exception) -> Refused:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return Refused(f"{path.name} is protected by a password, so its text cannot be read",
                       "ask the sender for a copy without a password (or open it, print it "
                       "to a new PDF and import that)")
    return Refused(f"{path.name} cannot be read as a PDF: the file is damaged",
                   "ask for the file again, or open it and save it as a new PDF")
