"""Editors' mistakes: each case under tests/invalid/ is the fixture site with a few files
changed; the command line must print exactly the diagnostics in its expected.txt, exit with 1,
and leave the previous output folder as it was.

A case folder holds `files/` (laid over a copy of tests/fixtures/site, same relative paths),
optionally `remove.txt` (fixture files to delete, one relative path a line), `expected.txt`
(the exact stderr; `<output>` stands for the output folder) and, when the package is known to
get the case wrong, `known-bug.txt` (shown with the failure).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

INVALID = Path(__file__).resolve().parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
REQUIRED = {
    "yaml-syntax-error", "missing-required-field", "unknown-partner", "unknown-theme",
    "impossible-date", "expiry-before-signing", "duplicate-id", "id-leaves-folder",
    "document-leaves-folder", "twin-sets-source-field", "twin-without-source", "many-errors",
    "control-character-in-field", "bidi-control-in-field", "line-break-in-one-line-field",
    "control-character-in-body", "yaml-anchor-bomb",
    # deep links: anchors that would vanish, the list of anchors, links that lead nowhere
    "article-heading-wrong-level", "published-anchor-vanishes", "anchor-list-mistakes",
    "link-to-missing-page", "link-to-missing-anchor", "same-page-link-to-missing-anchor",
    "removed-record-unmarked",
    # messages in an editor's words
    "front-matter-not-closed", "tab-in-yaml", "copied-file-keeps-its-id", "misspelled-partner",
    "list-item-field", "empty-value", "date-not-in-iso-form",
    "unknown-language", "party-not-an-id",
}
SENTINEL = b"<!doctype html><title>previous build</title>\n"


def case_files(case: Path) -> dict[str, bytes | None]:
    files: dict[str, bytes | None] = {
        p.relative_to(case / "files").as_posix(): p.read_bytes()
        for p in sorted((case / "files").rglob("*")) if p.is_file()}
    remove = case / "remove.txt"
    if remove.exists():
        files.update({line.strip(): None for line in remove.read_text().splitlines()
                      if line.strip()})
    return files


def previous_output(tmp_path: Path) -> Path:
    """An output folder from an earlier build: the sentinel page and one more file."""
    output = tmp_path / "output"
    (output / "it").mkdir(parents=True)
    (output / "index.html").write_bytes(SENTINEL)
    (output / "it" / "index.html").write_bytes(SENTINEL * 2)
    return output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir()
                  if p.name.startswith(f".{output.name}.staging-"))


def normalise(stderr: str, output: Path) -> str:
    """Replace the output folder's path in the last line, the only one that names it."""
    lines = stderr.split("\n")
    tail = 2 if stderr.endswith("\n") else 1
    if len(lines) >= tail:
        lines[-tail] = lines[-tail].replace(str(output), "<output>")
    return "\n".join(lines)


def test_every_required_case_exists():
    assert not REQUIRED - set(CASES), sorted(REQUIRED - set(CASES))
    for name in CASES:
        case = INVALID / name
        assert (case / "files").is_dir() or (case / "remove.txt").is_file(), name
        assert (case / "expected.txt").is_file(), name


@pytest.mark.parametrize("name", CASES)
def test_invalid_case(name, tmp_path, write_site, run_cli):
    case = INVALID / name
    content = write_site(tmp_path, case_files(case))
    output = previous_output(tmp_path)
    before = snapshot(output)

    code, stdout, stderr = run_cli("build", "--content", content, "--output", output,
                                   "--as-of", "2024-01-15")

    assert "Traceback" not in stderr, stderr
    assert code == 1, stderr
    assert stdout == ""
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    bug = case / "known-bug.txt"
    note = f"known package bug: {bug.read_text(encoding='utf-8')}" if bug.exists() else ""
    assert normalise(stderr, output) == expected, note
    assert snapshot(output) == before, "the previous output was changed"
    assert (output / "index.html").read_bytes() == SENTINEL
    assert leftovers(output) == []


def test_expected_files_are_well_formed():
    """Each expected.txt is diagnostics, a summary whose counts match, and the stop line."""
    for name in CASES:
        lines = (INVALID / name / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert lines[-1] == "build stopped: <output> was left as it was", name
        diagnostics = [ln for ln in lines[:-2] if not ln.startswith("    hint: ")]
        assert diagnostics, name
        assert all(ln.startswith("content/") and ": error: " in ln for ln in diagnostics), name
        assert lines[-2] == f"{len(diagnostics)} error(s), 0 warning(s)", name
        # An editor never wrote `None`: an empty value is said in words.
        assert "`None`" not in "\n".join(lines), name
        assert all(ln.startswith("    hint: ") and len(ln) > 12 for ln in lines[:-2]
                   if not ln.startswith("content/")), name


def test_many_errors_are_reported_in_one_run_sorted():
    lines = (INVALID / "many-errors" / "expected.txt").read_text(encoding="utf-8").splitlines()
    where = [ln.split(": error: ")[0] for ln in lines if ": error: " in ln]
    keys = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where]
    assert len(keys) >= 5
    assert len({k[0] for k in keys}) >= 4  # several files
    assert keys == sorted(keys)


def test_check_prints_the_same_diagnostics_without_writing(tmp_path, write_site, run_cli):
    case = INVALID / "many-errors"
    content = write_site(tmp_path, case_files(case))
    code, stdout, stderr = run_cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 1
    assert stdout == ""
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    assert stderr.splitlines() == expected


def test_valid_fixture_checks_and_builds(tmp_path, write_site, run_cli):
    content = write_site(tmp_path, {})
    code, stdout, stderr = run_cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0
    assert " error:" not in stderr  # the fixture's two untranslated records are warnings
    assert stdout == "content OK: 4 agreements, 2 partners, 3 themes, 2 pages (with warnings)\n"

    output = previous_output(tmp_path)
    (output / "stale.html").write_bytes(SENTINEL)
    _, _, checked = run_cli("check", "--content", content, "--as-of", "2024-01-15")
    code, stdout, stderr = run_cli("build", "--content", content, "--output", output,
                                   "--as-of", "2024-01-15")
    assert code == 0, stderr
    # the warnings `check` gives, all of them here (they are few)
    assert stderr.splitlines() == ["5 warning(s), as `build.py check` reports them:",
                                   *checked.splitlines()[:-1]], stderr
    assert re.fullmatch(rf"built 40 pages, \d+ files into {re.escape(str(output))} "
                        r"in \d+\.\d\d s, statuses as of 2024-01-15\n", stdout), stdout
    assert (output / "index.html").read_bytes() != SENTINEL
    assert not (output / "stale.html").exists()  # the new build replaces the old one whole
    assert (output / "en" / "agreements" / "lisbona-2021" / "index.html").is_file()
    assert leftovers(output) == []


def diagnostics(stderr: str) -> list[str]:
    """Each diagnostic of a report, with its hint."""
    return re.findall(r"^content/.*\n    hint: .*$", stderr, re.MULTILINE)


def test_the_build_lists_the_warnings_check_prints(tmp_path, write_site, run_cli):
    """A summary line, then the first few of the warnings `check` prints, in its order."""
    fixture = write_site(tmp_path / "x") / "agreements"
    stated = "\nstatus: {value: active, as_of: 2021-06-01}\n"  # each term has ended since
    content = write_site(tmp_path, {
        "agreements/lisbona-2012.en.md": None, "agreements/ateneo-2021.en.md": None,
        **{f"agreements/{id}.it.md": (fixture / f"{id}.it.md").read_text("utf-8").replace(
            "\n---\n", stated + "---\n", 1)
           for id in ("lisbona-2021", "ateneo-2021", "ateneo-2019")}})
    code, _, checked = run_cli("check", "--content", content, "--as-of", "2024-01-15")
    assert code == 0 and checked.splitlines()[-1] == "0 error(s), 9 warning(s)", checked
    warned = diagnostics(checked)
    assert len(warned) == 9 and any("stated as in force" in w for w in warned), checked

    code, _, stderr = run_cli("build", "--content", content, "--output", tmp_path / "out",
                              "--as-of", "2024-01-15")
    assert code == 0, stderr
    lines = stderr.splitlines()
    assert lines[0] == "9 warning(s), as `build.py check` reports them:"
    assert diagnostics(stderr) == warned[:5]
    assert lines[11] == "... and 4 more: `build.py check` lists them all"
    assert lines[12:] == [], stderr  # the fixture's published addresses and anchors: none new


def test_next_build_removes_an_interrupted_staging_folder(tmp_path, write_site, run_cli):
    """Leftovers of a killed build are removed by the next successful one."""
    content = write_site(tmp_path, {})
    output = previous_output(tmp_path)
    stale = tmp_path / ".output.staging-killed"
    (stale / "it").mkdir(parents=True)
    (stale / "it" / "index.html").write_bytes(b"half a page")
    code, _, stderr = run_cli("build", "--content", content, "--output", output,
                              "--as-of", "2024-01-15")
    assert code == 0, stderr
    assert leftovers(output) == []


def test_year_zero_is_a_content_error(tmp_path, write_site, run_cli):
    """`signed: "0000"` passes the schema's date pattern; it must be reported, not crash.
    """
    source = (write_site(tmp_path, {}) / "agreements" / "ateneo-2021.it.md")
    source.write_text(source.read_text(encoding="utf-8").replace(
        "signed: 2021-07-06", 'signed: "0000"'), encoding="utf-8")
    output = previous_output(tmp_path)
    code, _, stderr = run_cli("build", "--content", tmp_path / "content", "--output", output,
                              "--as-of", "2024-01-15")
    assert "Traceback" not in stderr, stderr.splitlines()[-1]
    assert code == 1
    assert stderr.startswith("content/agreements/ateneo-2021.it.md:8: error: field `signed`: ")
    assert snapshot(output)["index.html"] == SENTINEL
