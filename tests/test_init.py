"""`accordi init`: a new site that checks and builds as it is, its examples and TODOs, and a
folder it refuses or never overwrites."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from accordi.cli import main
from accordi.config import PROJECT_ROOT

AS_OF = "2026-01-15"
EXAMPLE_FILES = ("content/partners/ente-esempio.yaml", "content/agreements/esempio-2025.it.md",
                 "content/agreements/esempio-2025.en.md")


def accordi(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """The command as an adopter runs it, in the site folder."""
    return subprocess.run([sys.executable, "-m", "accordi", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT),
                               "LC_ALL": "C.UTF-8"})


@pytest.fixture(scope="module")
def bologna(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("init")
    done = accordi("init", "bologna", "--owner", "Comune di Bologna", "--lang", "it,en",
                   cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "bologna"


def test_init_writes_a_whole_site(bologna):
    for rel in ("content/site.yaml", "content/themes.yaml", "content/published-urls.txt",
                "content/pages/about.it.md", "content/pages/about.en.md",
                "content/pages/licence.it.md", "content/pages/licence.en.md",
                "content/pages/accessibilita.it.md", "content/pages/accessibilita.en.md",
                ".gitignore", "README.md", "requirements.txt", ".github/workflows/site.yml",
                ".gitlab-ci.yml", *EXAMPLE_FILES):
        assert (bologna / rel).is_file(), rel
    site = (bologna / "content" / "site.yaml").read_text(encoding="utf-8")
    assert 'name: "Comune di Bologna"' in site and "id: comune-di-bologna" in site
    assert "languages: [it, en]" in site and "base_url: https://" in site
    assert "CC-BY-4.0" in site
    published = (bologna / "content" / "published-urls.txt").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in published.splitlines())
    assert "Milan" not in "".join(p.read_text(encoding="utf-8")
                                  for p in bologna.rglob("*") if p.is_file())


def test_a_new_site_checks_with_its_todos_and_builds(bologna):
    done = accordi("check", "--as-of", AS_OF, cwd=bologna)
    assert done.returncode == 0, done.stderr
    assert "content OK: 1 agreements, 1 partners, 1 themes, 3 pages" in done.stdout
    todos = [line for line in done.stderr.splitlines() if "still to complete" in line]
    named = {line.split(":")[0] for line in todos}
    assert {"content/site.yaml", "content/pages/about.it.md", "content/pages/licence.en.md",
            "content/pages/accessibilita.it.md", *EXAMPLE_FILES} <= named
    assert "was published and would vanish" not in done.stderr
    strict = accordi("check", "--strict", "--as-of", AS_OF, cwd=bologna)
    assert strict.returncode == 1  # not published before the TODOs are done
    built = accordi("build", "--as-of", AS_OF, "--no-cache", cwd=bologna)
    assert built.returncode == 0, built.stderr
    home = (bologna / "output" / "it" / "index.html").read_text(encoding="utf-8")
    assert "Comune di Bologna" in home and "Protocollo d&#39;intesa di esempio" in home
    recorded = (bologna / "content" / "published-urls.txt").read_text(encoding="utf-8")
    assert "/it/accordi/esempio-2025/" in recorded


def test_todos_done_the_strict_check_passes(tmp_path):
    assert main(["init", str(tmp_path / "s"), "--owner", "Comune di Prova"]) == 0
    site = tmp_path / "s"
    for path in site.joinpath("content").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("TODO:", "Fatto:").replace("TODO", "fatto"),
                            encoding="utf-8")
    (site / "content" / "site.yaml").write_text(
        (site / "content" / "site.yaml").read_text(encoding="utf-8")
        + 'catalogue: {ipa: c_prova, istat: "000000"}\n', encoding="utf-8")
    assert main(["check", "--strict", "--site", str(site), "--as-of", AS_OF]) == 0


def test_no_examples(tmp_path):
    assert main(["init", str(tmp_path / "s"), "--owner", "Comune di Prova",
                 "--no-examples"]) == 0
    site = tmp_path / "s"
    assert not any((site / rel).exists() for rel in EXAMPLE_FILES)
    assert "- id:" not in (site / "content" / "themes.yaml").read_text(encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", AS_OF, "--no-cache"]) == 0
    assert (site / "output" / "en" / "index.html").is_file()


def test_a_folder_that_is_not_empty_is_refused_and_nothing_is_overwritten(tmp_path, capsys):
    site = tmp_path / "s"
    site.mkdir()
    (site / "README.md").write_text("ours\n", encoding="utf-8")
    assert main(["init", str(site), "--owner", "Comune di Prova"]) == 1
    assert "is not empty: nothing was written" in capsys.readouterr().err
    assert [p.name for p in site.iterdir()] == ["README.md"]
    assert main(["init", str(site), "--owner", "Comune di Prova", "--into-existing"]) == 0
    assert "README.md as it was" in capsys.readouterr().err
    assert (site / "README.md").read_text(encoding="utf-8") == "ours\n"
    assert (site / "content" / "site.yaml").is_file()
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert main(["init", str(site), "--owner", "Comune di Altro", "--into-existing"]) == 0
    assert before == {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("lang, said", [("it", "needs at least 2"), ("en,it", "Italian (it)"),
                                        ("it,fr", "is not an allowed value")])
def test_languages_the_schema_refuses_are_refused_before_writing(tmp_path, capsys, lang, said):
    assert main(["init", str(tmp_path / "s"), "--owner", "X", "--lang", lang]) == 1
    assert said in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_the_engine_schema_examples_are_neutral():
    text = (PROJECT_ROOT / "accordi" / "content.schema.json").read_text(encoding="utf-8")
    for word in ("milan", "riga", "c_f205", "015146", "cciaa"):
        assert word not in text.lower(), word
    assert dt.date.today()  # the check above reads the file the build publishes
