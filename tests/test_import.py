"""`build.py import`: the seed text (what copying a signed PDF's text gives), the same text
as a PDF with page furniture, as a scan read by OCR, as Word and OpenDocument files, all
give the record that `content/agreements/milano-cciaa-2021.it.md` holds; bad input gets a
clear message and an exit code, never a traceback; nothing existing is ever replaced."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from accordi.config import PROJECT_ROOT
from tests.conftest import FIGURES, cli
from tests.importer import documents
from tests.importer.compare import compare

EXPECTED = PROJECT_ROOT / "content" / "agreements" / "milano-cciaa-2021.it.md"
THRESHOLD = 0.95


def _content(tmp_path: Path) -> Path:
    """The real content without the record the import should make."""
    content = tmp_path / f"run{len(list(tmp_path.glob('run*')))}" / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    for path in content.glob("agreements/milano-cciaa-2021.*"):
        path.unlink()
    manifest = content / "published-urls.txt"
    manifest.write_text("".join(line for line in manifest.read_text().splitlines(True)
                                if "milano-cciaa-2021" not in line))
    return content


def _import(tmp_path: Path, document: Path, *args: str) -> tuple[int, str, str, Path]:
    content = _content(tmp_path)
    code, out, err = cli("import", document, "--content", content, *args)
    assert "Traceback" not in err
    return code, out, err, content


def _front_matter(record: Path) -> str:
    return record.read_text(encoding="utf-8").split("\n---\n", 1)[0]


def _check_record(name: str, code: int, out: str, err: str, content: Path,
                  threshold: float = THRESHOLD) -> None:
    assert code == 0, err
    record = content / "agreements" / "milano-cciaa-2021.it.md"
    match = compare(EXPECTED.read_text(encoding="utf-8"), record.read_text(encoding="utf-8"))
    FIGURES.append(f"import of the seed as {name}: {match}")
    assert match.share >= threshold, (match.missing, match.different)
    front = _front_matter(record)
    assert "draft: true" in front
    assert "signed: 2021-07-06" in front and "expires: 2023-06-30" in front
    assert 'partners: ["cciaa-milano"]' in front
    assert '"name": "Renato Galliano"' in front and '"name": "Elena Vasco"' in front
    assert "found: 6 articles, 9 numbered paragraphs, 16 points" in out
    assert "wrote" in out and "preview:" in out


def test_the_seed_text_gives_the_record(tmp_path):
    seed = tmp_path / "protocollo.txt"
    shutil.copyfile(documents.SEED, seed)
    code, out, err, content = _import(tmp_path, seed)
    _check_record("text", code, out, err, content, threshold=1.0)
    front = _front_matter(content / "agreements" / "milano-cciaa-2021.it.md")
    assert "type: \"protocollo-intesa\"" in front
    assert 'extends: ["milano-cciaa-2019"]' in front
    assert "(line 451)" in front  # where the date of signing was read
    assert (content / "documents" / "milano-cciaa-2021.txt").read_bytes() == seed.read_bytes()
    # The draft passes every check, and a build leaves it out.
    code, out, err = cli("check", "--content", content)
    assert code == 0, err
    code, out, err = cli("build", "--content", content, "--output", tmp_path / "out",
                         "--no-cache")
    assert code == 0, err
    assert not (tmp_path / "out" / "it" / "accordi" / "milano-cciaa-2021").exists()
    assert "milano-cciaa-2021" not in (tmp_path / "out" / "sitemap.xml").read_text()


@pytest.mark.parametrize("name", ["pdf", "docx", "odt"])
def test_the_same_text_as_a_document_gives_the_same_record(tmp_path, name):
    make = {"pdf": documents.make_pdf, "docx": documents.make_docx,
            "odt": documents.make_odt}[name]
    document = make(tmp_path / f"protocollo.{name}")
    code, out, err, content = _import(tmp_path, document)
    _check_record(name, code, out, err, content)
    if name == "pdf":  # the header and footer of every page are gone
        text = (content / "agreements" / "milano-cciaa-2021.it.md").read_text()
        assert "Pagina" not in text and "Protocollo d’intesa Comune di Milano – CCIAA" not in text


def _tesseract_missing() -> str:
    if shutil.which("tesseract") is None:
        return "Tesseract is not installed (`make test` installs it: tesseract-ocr)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    missing = [x for x in ("ita", "eng") if x not in langs.stdout.split()]
    return f"Tesseract's data for {', '.join(missing)} is missing" if missing else ""


@pytest.mark.skipif(bool(_tesseract_missing()), reason=_tesseract_missing() or "-")
def test_a_scan_is_read_by_ocr(tmp_path):
    scan = documents.make_scan(documents.make_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf")
    code, out, err, content = _import(tmp_path, scan)
    assert code == 0, err
    assert "read by OCR" in err
    record = content / "agreements" / "milano-cciaa-2021.it.md"
    match = compare(EXPECTED.read_text(encoding="utf-8"), record.read_text(encoding="utf-8"))
    anchors = (match.expected - len(match.missing)) / match.expected
    FIGURES.append(f"import of the seed as a scan (OCR): {anchors:.1%} of the anchors, {match}")
    assert anchors >= THRESHOLD, match.missing


def test_a_scan_without_ocr_says_how_to_install_it(tmp_path):
    scan = documents.make_scan(documents.make_pdf(tmp_path / "text.pdf"), tmp_path / "scan.pdf",
                               dpi=50)
    content = _content(tmp_path)
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    proc = subprocess.run([str(python), str(PROJECT_ROOT / "build.py"), "import", str(scan),
                           "--content", str(content)], capture_output=True, text=True,
                          env={"PATH": str(tmp_path), "LC_ALL": "C.UTF-8"}, timeout=120)
    assert proc.returncode == 1
    assert "is a scan" in proc.stderr and "Tesseract, which is not installed" in proc.stderr
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng" in \
        proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((content / "agreements").glob("milano-cciaa-2021*"))


def _refused(tmp_path: Path, document: Path, *args: str) -> str:
    code, out, err, content = _import(tmp_path, document, *args)
    assert code == 1 and err.startswith("not imported: ") and "hint: " in err, (code, err)
    assert not list((content / "agreements").glob("milano-cciaa-2021*"))
    assert not (content / "documents").exists() or not list(
        (content / "documents").glob("milano-cciaa-2021*"))
    return err


def _pdf(path: Path, pages: int = 1, text: str = "Testo", password: str | None = None) -> Path:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_font("body", fname=str(documents.FONT))
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font("body", size=11)
        if text:
            pdf.cell(0, 10, text)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.output(str(path))
    return path


def test_an_encrypted_pdf_is_refused(tmp_path):
    err = _refused(tmp_path, _pdf(tmp_path / "secret.pdf", password="segreta"))
    assert "protected by a password" in err and "without a password" in err


def test_an_empty_pdf_is_refused(tmp_path):
    err = _refused(tmp_path, _pdf(tmp_path / "empty.pdf", text=""))
    assert "has no text and no pictures of text" in err


def test_a_corrupt_docx_is_refused(tmp_path):
    good = documents.make_docx(tmp_path / "good.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    assert "cannot be read as a Word document: the file is damaged" in _refused(tmp_path,
                                                                                broken)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a document")
    assert "is named like a DOCX file but is not one" in _refused(tmp_path, fake)


def test_a_500_page_file_is_refused(tmp_path):
    err = _refused(tmp_path, _pdf(tmp_path / "register.pdf", pages=500))
    assert "has 500 pages, more than the 200" in err
    long_text = tmp_path / "register.txt"
    long_text.write_text("Art. 1\n\nTesto del registro.\n\n" * 40000)
    assert "does not look like one agreement" in _refused(tmp_path, long_text)


def test_other_kinds_of_file_are_refused(tmp_path):
    picture = tmp_path / "firma.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert "files of this kind cannot be imported" in _refused(tmp_path, picture)
    assert "does not exist" in _refused(tmp_path, tmp_path / "missing.pdf")
    assert "cannot be an id" in _refused(tmp_path, documents.SEED, "--id", "Not An Id")


def test_a_text_without_articles_goes_in_as_paragraphs_with_a_warning(tmp_path):
    letter = tmp_path / "lettera.txt"
    letter.write_text("LETTERA D’INTENTI\n\nIl Comune di Milano e la Città di Riga intendono "
                      "collaborare nel campo della cultura.\n\nLe Parti si incontreranno "
                      "ogni anno.\n\nMilano, 3 marzo 2025\n", encoding="utf-8")
    code, out, err, content = _import(tmp_path, letter, "--id", "milano-riga-2025")
    assert code == 0, err
    assert "warning: no articles were found" in err
    text = (content / "agreements" / "milano-riga-2025.it.md").read_text(encoding="utf-8")
    assert "## Testo dell’accordo\n\nIl Comune di Milano e la Città di Riga intendono" in text
    assert "Le Parti si incontreranno ogni anno." in text
    assert 'type: "lettera-intenti"' in text and "signed: 2025-03-03" in text


def test_an_existing_record_is_never_replaced(tmp_path):
    content = _content(tmp_path)
    code, out, err = cli("import", documents.SEED, "--content", content)
    assert code == 0, err
    record = content / "agreements" / "milano-cciaa-2021.it.md"
    before = record.read_bytes()
    code, out, err = cli("import", documents.SEED, "--content", content)
    assert code == 1 and "already exists: nothing was written" in err
    assert "choose its id with --id" in err
    code, out, err = cli("import", documents.SEED, "--content", content, "--id",
                         "milano-cciaa-2019")
    assert code == 1 and "milano-cciaa-2019.it.md already exists" in err
    assert record.read_bytes() == before
    code, out, err = cli("import", documents.SEED, "--content", content, "--id",
                         "milano-cciaa-2021-bis")
    assert code == 0 and (content / "agreements" / "milano-cciaa-2021-bis.it.md").exists()
