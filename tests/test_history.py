"""Record history from git: a real repository made here, with commits at fixed dates."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest

from accordi import history as history_module
from accordi.cli import build_once
from accordi.config import Paths
from accordi.history import parse_log, read_history

AS_OF = dt.date(2024, 6, 1)


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), "LC_ALL": "C",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Redazione",
           "GIT_AUTHOR_EMAIL": "redazione@example.org", "GIT_COMMITTER_NAME": "Redazione",
           "GIT_COMMITTER_EMAIL": "redazione@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    proc = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env,
                          capture_output=True, text=True, check=True)
    return proc.stdout


def commit(repo: Path, message: str, when: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path, write_site) -> Path:
    """A repository whose `content/` folder is the fixture site, edited over four commits."""
    content = write_site(tmp_path)
    (tmp_path / "README").write_text("outside the content\n")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Prima pubblicazione", "2024-01-10T10:00:00+01:00")
    twin = content / "agreements" / "lisbona-2021.en.md"
    twin.write_text(twin.read_text().replace("Collaboration agreement", "Cooperation agreement"))
    commit(tmp_path, "Titolo inglese corretto", "2024-02-01T09:30:00+01:00")
    partner = content / "partners" / "lisbona.yaml"
    partner.write_text(partner.read_text() + "# fonte: sito del Comune\n")
    (tmp_path / "README").write_text("changed, but not content\n")
    commit(tmp_path, "Fonte del partner Lisbona", "2024-03-05T18:00:00+01:00")
    themes = content / "themes.yaml"
    themes.write_text(themes.read_text() + "\n")
    commit(tmp_path, "Temi: riga finale", "2024-04-20T23:30:00+02:00")
    return content


def test_parse_log_reads_commits_and_their_files():
    text = ("\x1eaaa\x1f2024-02-01T09:30:00+01:00\x1fTitle fixed\n\nagreements/x.en.md\n"
            "\x1ebbb\x1f2024-01-10T10:00:00+01:00\x1fFirst: a subject\x1fwith a separator\n\n"
            "agreements/x.it.md\nagreements/x.en.md\n")
    changes = parse_log(text)
    assert [c.commit for c in changes["agreements/x.en.md"]] == ["aaa", "bbb"]
    assert changes["agreements/x.it.md"][0].date == dt.date(2024, 1, 10)
    assert changes["agreements/x.it.md"][0].subject == "First: a subject\x1fwith a separator"


def test_one_git_log_gives_every_records_history(repo, monkeypatch):
    calls = []
    real = subprocess.run

    def counting(cmd, *args, **kwargs):
        calls.append(cmd)
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(history_module.subprocess, "run", counting)
    h = read_history(repo)
    assert len(calls) == 1 and "log" in calls[0]  # one process for the whole tree
    agreement = h.of([repo / "agreements" / "lisbona-2021.it.md",
                      repo / "agreements" / "lisbona-2021.en.md"])
    assert [(c.date, c.subject) for c in agreement] == [
        (dt.date(2024, 2, 1), "Titolo inglese corretto"),
        (dt.date(2024, 1, 10), "Prima pubblicazione")]
    assert [c.subject for c in h.of([repo / "partners" / "lisbona.yaml"])] == [
        "Fonte del partner Lisbona", "Prima pubblicazione"]
    # The date is the committer's own day, not shifted to another time zone.
    assert h.of([repo / "themes.yaml"])[0].date == dt.date(2024, 4, 20)
    assert all("README" not in path for path in h.changes)  # only the content tree


def build(content: Path, out: Path) -> Path:
    build_once(Paths(content=content, output=out), AS_OF)
    return out


def section(html: str) -> str:
    m = re.search(r'<section class="history".*?</section>', html, re.S)
    return m.group(0) if m else ""


def test_record_pages_show_last_update_and_changes(repo, tmp_path):
    out = build(repo, tmp_path / "output")
    en = section((out / "en/agreements/lisbona-2021/index.html").read_text())
    assert 'Last updated: <time datetime="2024-02-01">1 February 2024</time>' in en
    assert re.findall(r"<li><time datetime=\"([\d-]+)\">[^<]+</time>: ([^<]+)</li>", en) == [
        ("2024-02-01", "Titolo inglese corretto"), ("2024-01-10", "Prima pubblicazione")]
    it = section((out / "it/accordi/lisbona-2021/index.html").read_text())
    assert 'Ultimo aggiornamento: <time datetime="2024-02-01">1 febbraio 2024</time>' in it
    assert "Cronologia delle modifiche (2)" in it
    # An agreement untouched since its first commit.
    other = section((out / "en/agreements/ateneo-2019/index.html").read_text())
    assert 'datetime="2024-01-10"' in other and "(1)" in other
    partner = section((out / "it/partner/lisbona/index.html").read_text())
    assert 'datetime="2024-03-05"' in partner and "Fonte del partner Lisbona" in partner
    theme = section((out / "en/themes/cultura/index.html").read_text())
    assert 'Last updated: <time datetime="2024-04-20">20 April 2024</time>' in theme
    # Lists and pages that are not records have no history.
    assert section((out / "it/accordi/index.html").read_text()) == ""


def test_history_is_deterministic(repo, tmp_path):
    first = build(repo, tmp_path / "one")
    second = build(repo, tmp_path / "two")
    for page in sorted(first.rglob("*.html")):
        assert page.read_bytes() == (second / page.relative_to(first)).read_bytes(), page


def test_content_outside_a_repository_has_no_history(tmp_path, write_site):
    content = write_site(tmp_path)
    assert read_history(content).changes == {}
    out = build(content, tmp_path / "output")
    assert section((out / "it/accordi/lisbona-2021/index.html").read_text()) == ""


def test_a_machine_without_git_builds_without_history(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert read_history(repo).changes == {}
    out = build(repo, tmp_path / "output")
    assert section((out / "en/agreements/lisbona-2021/index.html").read_text()) == ""


def test_a_repository_without_commits_has_no_history(tmp_path, write_site):
    content = write_site(tmp_path)
    git(tmp_path, "init", "-q")
    assert read_history(content).changes == {}
