"""The web editor as an editor uses it: `build.py serve` with its local backend on a copy of
the content in a git repository of its own, /admin/ in real Chromium, and the files, `git
diff`, `check` and the live preview after each save. No request may leave this computer.

Screenshots of the form and of the saved page go to test-artifacts/cms/.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser import launch
from tests.conftest import FIXTURE, PYTHON, ROOT, make_site
from tests.test_serve import fetch, free_port, wait_for

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "cms"
LOOPBACK = {"127.0.0.1", "localhost"}
SIGNED = re.compile(r"^Data di firma")  # optional: the form adds its word for that


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


@dataclass
class Editor:
    repo: Path
    content: Path
    base: str
    log: Path
    requests: list[str] = field(default_factory=list)

    def far_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname not in LOOPBACK]


@pytest.fixture
def editor(tmp_path):
    repo = tmp_path / "repo"
    content = make_site(repo)
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=Redazione", "-c", "user.email=redazione@example.org",
        "add", "-A")
    git(repo, "-c", "user.name=Redazione", "-c", "user.email=redazione@example.org",
        "commit", "-qm", "content")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(PYTHON), str(ROOT / "build.py"), "serve", "--content", str(content),
             "--port", str(port), "--output", str(tmp_path / "preview"),
             "--as-of", "2024-01-15"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base + "it/")[0] == 200, timeout=60)
        assert "local backend on http://127.0.0.1:" in log.read_text(), log.read_text()
        yield Editor(repo, content, base, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@pytest.fixture
def page(editor):
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="it-IT")
        tab = context.new_page()
        tab.on("request", lambda r: editor.requests.append(r.url))
        tab.on("websocket", lambda ws: editor.requests.append(ws.url))
        tab.goto(editor.base + "admin/")
        tab.get_by_role("button", name="Accedi").click()
        tab.get_by_text("Raccolte").wait_for()
        yield tab
        assert editor.far_requests() == []  # nothing but this computer, ever
        browser.close()


def choose(page: Page, label: str, text: str) -> None:
    """Pick `text` in a select or relation field (a search box with a list)."""
    box = page.get_by_label(re.compile(f"^{re.escape(label)}( \\(opzionale\\))?$")).first
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text, exact=True).click()


def publish(page: Page) -> None:
    page.get_by_role("button", name="Pubblica", exact=True).click()
    page.get_by_text("Pubblica ora").click()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


NEW_IT = """---
id: lisbona-2024
title: "Gemellaggio tra il Comune di Esempio e la Città di Lisbona"
type: gemellaggio
object: "Gemellaggio in materia di cultura e ricerca."
partners: [lisbona, ateneo-esempio]
themes: [cultura, ricerca]
signed: 2024-03
sources:
  - {title: "Delibera di Giunta n. 7 del 2024"}
---
Il Comune di Esempio e la Città di Lisbona si gemellano.
"""
NEW_EN = """---
title: "Twinning between the Municipality of Esempio and the City of Lisbon"
---
"""


def test_a_new_agreement_from_the_form_is_the_files_a_developer_would_write(editor, page):
    page.goto(editor.base + "admin/#/collections/agreements/new")
    page.get_by_label("Identificativo", exact=True).first.fill("lisbona-2024")
    titles = page.get_by_label("Titolo", exact=True)
    titles.nth(0).fill("Gemellaggio tra il Comune di Esempio e la Città di Lisbona")
    titles.nth(1).fill("Twinning between the Municipality of Esempio and the City of Lisbon")
    choose(page, "Tipo di strumento", "Gemellaggio / Twinning")
    page.get_by_label("Oggetto", exact=True).first.fill(
        "Gemellaggio in materia di cultura e ricerca.")
    choose(page, "Partner", "Lisbona")
    choose(page, "Partner", "Ateneo di Esempio")
    choose(page, "Ambiti tematici", "Cultura")
    choose(page, "Ambiti tematici", "Ricerca")
    page.get_by_label(SIGNED).first.fill("2024")
    page.get_by_label("Mese").first.select_option(label="marzo")
    page.get_by_role("button", name="Aggiungi fonti").click()
    page.get_by_label("italiano", exact=True).first.fill("Delibera di Giunta n. 7 del 2024")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Il Comune di Esempio e la Città di Lisbona si gemellano.")
    shot(page, "new-agreement-form")

    publish(page)
    it, en = (editor.content / "agreements" / f"lisbona-2024.{lang}.md" for lang in ("it", "en"))
    wait_for(lambda: it.is_file() and en.is_file(), timeout=30)
    wait_for(lambda: "lisbona-2024" in git(editor.repo, "status", "--short"))
    assert it.read_text(encoding="utf-8") == NEW_IT
    assert en.read_text(encoding="utf-8") == NEW_EN
    assert sorted(git(editor.repo, "status", "--short").split()) == [
        "??", "??", "content/agreements/lisbona-2024.en.md",
        "content/agreements/lisbona-2024.it.md"]

    checked = subprocess.run([str(PYTHON), str(ROOT / "build.py"), "check", "--content",
                              str(editor.content), "--as-of", "2024-01-15"],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "content OK: 5 agreements" in checked.stdout

    wait_for(lambda: "Gemellaggio tra il Comune di Esempio" in fetch(
        editor.base + "it/accordi/lisbona-2024/")[1], timeout=30)
    wait_for(lambda: "Twinning between the Municipality" in fetch(
        editor.base + "en/agreements/lisbona-2024/")[1], timeout=30)
    for lang, url, title, month in (
            ("it", "it/accordi/lisbona-2024/", "Gemellaggio tra il Comune", "marzo 2024"),
            ("en", "en/agreements/lisbona-2024/", "Twinning between the", "March 2024")):
        site = page.context.new_page()
        site.goto(editor.base + url)
        assert title in site.inner_text("h1")
        assert month in site.inner_text("main").lower().replace("march", "March")
        shot(site, f"new-agreement-page-{lang}")
        site.close()


def test_editing_a_title_changes_one_line_and_the_id_stays_fixed(editor, page):
    page.goto(editor.base + "admin/#/collections/agreements/entries/lisbona-2021")
    ident = page.get_by_label("Identificativo", exact=True).first
    ident.wait_for()
    assert ident.get_attribute("readonly") is not None  # the record's address
    title = page.get_by_label("Titolo", exact=True).first
    assert title.input_value().startswith("Accordo di collaborazione")
    title.fill("Intesa di collaborazione tra il Comune di Esempio e la Città di Lisbona")
    publish(page)
    wait_for(lambda: git(editor.repo, "diff", "--numstat").strip(), timeout=30)
    time.sleep(1)  # both files of the record are written by then
    assert git(editor.repo, "diff", "--numstat").split() == [
        "1", "1", "content/agreements/lisbona-2021.it.md"]
    changed = [ln for ln in git(editor.repo, "diff", "-U0").splitlines()
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == [
        '-title: "Accordo di collaborazione tra il Comune di Esempio e la Città di Lisbona"',
        '+title: "Intesa di collaborazione tra il Comune di Esempio e la Città di Lisbona"']


def test_a_save_without_a_change_changes_no_file(editor, page):
    page.goto(editor.base + "admin/#/collections/partners/entries/lisbona")
    name = page.get_by_label("italiano", exact=True).first
    name.wait_for()
    name.fill("Lisbona!")
    name.fill("Lisbona")  # back as it was: nothing to save
    assert page.get_by_role("button", name="Pubblicato", exact=True).is_visible()
    assert git(editor.repo, "status", "--porcelain") == ""


def test_the_file_of_a_record_whose_fields_did_not_change_is_written_back_as_it_was(
        editor, page):
    """A save writes both files of an agreement: the Italian one, unchanged, stays so."""
    page.goto(editor.base + "admin/#/collections/agreements/entries/lisbona-2021")
    en = page.get_by_label("Titolo", exact=True).nth(1)
    en.wait_for()
    en.fill("Collaboration agreement between the City of Example and Lisbon")
    publish(page)
    wait_for(lambda: git(editor.repo, "diff", "--numstat").strip(), timeout=30)
    time.sleep(1)
    assert git(editor.repo, "diff", "--numstat").split() == [
        "1", "1", "content/agreements/lisbona-2021.en.md"]
    assert git(editor.repo, "status", "--porcelain").split() == [
        "M", "content/agreements/lisbona-2021.en.md"]


def test_every_content_file_reads_and_writes_back_as_it_is(editor, page):
    """The editor's file format on every file of the real content and of the fixture site:
    read into the form's values and written back, byte for byte."""
    kinds = {"agreements": "accordi-agreement", "partners": "accordi-partner",
             "pages": "accordi-page", "themes.yaml": "accordi-themes",
             "site.yaml": "accordi-site"}
    files = {}
    for root in (ROOT / "content", FIXTURE):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            kind = kinds.get(rel.split("/")[0])
            if kind and path.suffix in (".md", ".yaml"):
                files[f"{root.name}/{rel}"] = (kind, path.read_text(encoding="utf-8"))
    assert len(files) > 40
    changed = page.evaluate("""async files => {
        const { fromFile, toFile } = await import('./format.js');
        const formats = await (await fetch('shapes.json')).json();
        const out = [];
        for (const [name, [kind, text]] of Object.entries(files)) {
            const f = formats[kind];
            const o = { frontMatter: f.front_matter, list: f.list, twin: f.twin };
            const form = JSON.parse(JSON.stringify(fromFile(text, f.shape, o)));
            if (toFile(form, f.shape, o) !== text) out.push(name);
        }
        return out;
    }""", files)
    assert changed == []


def test_a_record_without_a_required_field_is_refused(editor, page):
    page.goto(editor.base + "admin/#/collections/agreements/new")
    page.get_by_label("Identificativo", exact=True).first.fill("senza-titolo-2024")
    page.get_by_label("Oggetto", exact=True).first.fill("Un oggetto.")
    publish(page)
    page.get_by_text("Oops, hai saltato un campo obbligatorio").wait_for(timeout=15_000)
    for label in ("Titolo", "Tipo di strumento", "Partner"):  # a date of signing may be unknown
        assert page.get_by_text(f"{label} è richiesto.", exact=True).first.is_visible()
    shot(page, "required-field-refused")
    time.sleep(1)
    assert not list((editor.content / "agreements").glob("senza-titolo-2024.*"))
    assert git(editor.repo, "status", "--porcelain") == ""


def test_the_preview_pane_uses_the_site_style(editor, page):
    page.goto(editor.base + "admin/#/collections/agreements/entries/lisbona-2021")
    page.get_by_label("Identificativo", exact=True).first.wait_for()
    page.get_by_role("button", name="Anteprima").click() if page.get_by_role(
        "button", name="Anteprima").count() else None
    frame = page.frame_locator("iframe").first
    frame.locator("h1").wait_for(timeout=15_000)
    sheets = frame.locator("link[rel=stylesheet]").evaluate_all(
        "links => links.map(l => l.href)")
    assert any(s.endswith("/assets/css/site.css") for s in sheets), sheets
    assert "Accordo di collaborazione" in frame.locator("h1").inner_text()
    shot(page, "preview-pane")


def test_an_agreement_left_untranslated_has_no_english_file(editor, page):
    """The English column left empty writes no English file: the site then shows the
    Italian text, marked as such (docs/editors.md)."""
    page.goto(editor.base + "admin/#/collections/agreements/new")
    page.get_by_label("Identificativo", exact=True).first.fill("lisbona-2025")
    page.get_by_label("Titolo", exact=True).first.fill("Memorandum con Lisbona")
    choose(page, "Tipo di strumento", "Memorandum")
    page.get_by_label("Oggetto", exact=True).first.fill("Collaborazione.")
    choose(page, "Partner", "Lisbona")
    page.get_by_label(SIGNED).first.fill("2025")
    page.get_by_role("button", name="Aggiungi fonti").click()
    page.get_by_label("italiano", exact=True).first.fill("Comunicato stampa")
    publish(page)
    it = editor.content / "agreements" / "lisbona-2025.it.md"
    wait_for(it.is_file, timeout=30)
    time.sleep(1)
    assert not (editor.content / "agreements" / "lisbona-2025.en.md").exists()
    assert "signed: 2025\n" in it.read_text(encoding="utf-8")  # a year, as the guide writes
    wait_for(lambda: "Memorandum con Lisbona" in fetch(
        editor.base + "en/agreements/lisbona-2025/")[1], timeout=30)
