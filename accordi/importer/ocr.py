"""Scanned pages read by Tesseract, with Debian's Italian and English data.

Tesseract is a system program, not a Python package: `make build` does not need it, and an
editor who never receives a scan never installs it. When a scan arrives without it, the
import stops and says which packages to install.
"""

from __future__ import annotations

from .layout import Word, page_lines
from .parts import Page, Refused

PACKAGES = "tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng"
INSTALL = (f"install Tesseract and its Italian and English data: `sudo apt-get install "
           f"{PACKAGES}` (or `make system-deps`), then import the file again")
LANGUAGES = {"it": "ita+eng", "en": "eng+ita"}  # the document's language first
DPI = 300  # what Tesseract reads best; scans are rarely finer
MIN_CONFIDENCE = 0  # Tesseract's -1 marks boxes that hold no word


def require(lang: str, why: str) -> str:
    """The Tesseract languages to read a document in `lang` with; Refused (saying `why` OCR
    is needed and how to install it) when Tesseract or its data are missing."""
    import pytesseract
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        raise Refused(f"{why}; reading it needs the OCR program Tesseract, which is not "
                      "installed", INSTALL) from None
    except pytesseract.TesseractError as exc:
        raise Refused(f"{why}; the OCR program Tesseract does not work here: "
                      f"{exc.message.strip() or exc.status}", INSTALL) from None
    wanted = LANGUAGES[lang]
    missing = [code for code in wanted.split("+") if code not in installed]
    if missing:
        names = {"ita": "Italian (tesseract-ocr-ita)", "eng": "English (tesseract-ocr-eng)"}
        raise Refused(f"{why}; Tesseract is installed, but not its data for "
                      + " and ".join(names[m] for m in missing), INSTALL)
    return wanted


def read_page(image, languages: str, where: str) -> Page:
    """The lines of one page's picture (a PIL image)."""
    import pytesseract
    data = pytesseract.image_to_data(image, lang=languages,
                                     output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= MIN_CONFIDENCE:
            left, top = data["left"][i], data["top"][i]
            words.append(Word(text, left, left + data["width"][i], top,
                              top + data["height"][i]))
    return page_lines(words, where)
