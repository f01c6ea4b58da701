"""The CI files `accordi init` writes for a content repository: the GitHub Actions workflow
passes actionlint (with ShellCheck on its scripts) and zizmor's security audit; the GitLab
file parses and names every job; every `accordi` command either runs is one the command
line accepts."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from accordi.cli import parser
from accordi.config import PROJECT_ROOT
from accordi.starter import Options, files

BIN = PROJECT_ROOT / ".venv" / "bin"
GITLAB_KEYWORDS = {"stages", "default", "variables", "workflow", "include", "image",
                   "services", "cache", "before_script", "after_script"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ci")
    for rel, text in files(Options("Comune di Prova", "comune-di-prova", ("it", "en"))).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} is installed by make test"
    return str(found)


def test_the_workflow_passes_actionlint_with_shellcheck(repo):
    assert shutil.which("shellcheck"), "ShellCheck is installed by make system-deps"
    done = subprocess.run([_tool("actionlint"), "-no-color", "-shellcheck", "shellcheck",
                           ".github/workflows/site.yml"], cwd=repo, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_fails_a_broken_workflow(repo, tmp_path):
    broken = (repo / ".github/workflows/site.yml").read_text(encoding="utf-8").replace(
        "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon", 1)
    (tmp_path / "w.yml").write_text(broken, encoding="utf-8")
    done = subprocess.run([_tool("actionlint"), "-no-color", str(tmp_path / "w.yml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "timeout-minutes" in done.stdout


def test_the_workflow_passes_zizmor(repo):
    done = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--config",
                           ".github/zizmor.yml", ".github/workflows/site.yml"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_zizmor_fails_a_workflow_that_writes_an_expression_into_a_script(repo, tmp_path):
    risky = (repo / ".github/workflows/site.yml").read_text(encoding="utf-8").replace(
        'run: accordi build --base-url "${BASE_URL%/}/"',
        'run: accordi build --base-url "${{ github.event.head_commit.message }}"')
    (tmp_path / "w.yml").write_text(risky, encoding="utf-8")
    done = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--config",
                           str(repo / ".github/zizmor.yml"), str(tmp_path / "w.yml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "template-injection" in done.stdout


def test_the_workflow_checks_builds_warm_deploys_and_rebuilds_daily(repo):
    flow = yaml.safe_load((repo / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"] and "push" in triggers
    steps = flow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("accordi check --strict" in r for r in runs)
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert ".cache/build" in cache["with"]["path"] and "restore-keys" in cache["with"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the history every record's page shows
    deploy = flow["jobs"]["deploy"]["steps"]
    assert deploy[0]["uses"].startswith("actions/deploy-pages@")


def test_the_gitlab_file_parses_and_names_every_job(repo):
    ci = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    jobs = {k: v for k, v in ci.items() if k not in GITLAB_KEYWORDS and not k.startswith(".")}
    assert set(jobs) == {"check", "build", "pages"}
    for name, job in jobs.items():
        assert job["stage"] in ci["stages"], name
        assert job["script"], name
    assert "accordi check --strict" in jobs["check"]["script"]
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]  # what GitLab Pages serves
    assert ".cache/build" in jobs["pages"]["cache"]["paths"]
    assert ci["variables"]["GIT_DEPTH"] == "0"


def _accordi_commands(text: str) -> list[list[str]]:
    found = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").removeprefix("run: ")
        if line.startswith("accordi "):
            found.append(shlex.split(line)[1:])
    return found


def test_every_accordi_command_of_the_ci_files_is_accepted(repo):
    commands = []
    for rel in (".github/workflows/site.yml", ".gitlab-ci.yml"):
        commands += _accordi_commands((repo / rel).read_text(encoding="utf-8"))
    assert len(commands) >= 5
    for argv in commands:
        args = parser(repo).parse_args([a.replace("${BASE_URL%/}", "https://x.example")
                                        .replace("${CI_PAGES_URL%/}", "https://x.example")
                                        for a in argv])
        assert args.command in ("check", "build")
