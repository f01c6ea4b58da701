"""Property-based fuzzing of the build: whatever an editor's files hold, the build succeeds or
reports content errors with file and line, never an unexpected exception.

Hypothesis writes front matter (random structures over the schema's field names and random
ones), YAML data files, Markdown bodies (nested lists and quotes, fences, headings, links, raw
HTML, very long lines) and raw bytes (invalid UTF-8, byte order marks, CRLF, tabs, NULs) into
a small copy of the fixture site, then builds it in-process: load, check, render, publish.
The runs are derandomized, so CI sees the same examples every time; the count is printed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accordi import schema
from accordi.cli import build_once, load_site
from accordi.config import Paths
from accordi.converter import INLINE_PATTERNS, Renderer
from accordi.errors import ContentFailure
from accordi.records import Body
from accordi.sources import source
from accordi.text import TextTooDeep, split_body
from accordi.yamlmarks import Marked
from tests.conftest import FIGURES, FIXTURE, render_all

# A fixed count, so that every run tries the same examples; ACCORDI_FUZZ_EXAMPLES explores more.
EXAMPLES = int(os.environ.get("ACCORDI_FUZZ_EXAMPLES", "200"))
settings.register_profile(
    "fuzz", max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.large_base_example])
FUZZ = settings.get_profile("fuzz")
AS_OF = dt.date(2024, 1, 15)
# The smallest fixture tree that still has every kind of file: builds stay quick.
KEEP = ["site.yaml", "themes.yaml", "partners/lisbona.yaml", "agreements/lisbona-2021.it.md",
        "agreements/lisbona-2021.en.md", "pages/about.it.md", "pages/about.en.md",
        "documents/accordo-lisbona.pdf"]
AGREEMENT = "agreements/lisbona-2021.it.md"
TWIN = "agreements/lisbona-2021.en.md"
PAGE = "pages/about.it.md"
RUNS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def tree():
    """A small content tree and an output folder, reused by every example (files restored)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        content = Path(tmp) / "content"
        for rel in KEEP:
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FIXTURE / rel, content / rel)
        yield content, Path(tmp) / "output"
    total = sum(v for k, v in RUNS.items() if "." not in k)
    detail = ", ".join(f"{k} {v}" for k, v in sorted(RUNS.items()))
    FIGURES.append(f"fuzz examples run: {total} ({detail})")


def build(content: Path, output: Path, files: dict[str, bytes], test: str) -> None:
    """Write `files` over the tree, build, check the outcome, then restore the tree."""
    saved = {rel: (content / rel).read_bytes() for rel in files}
    try:
        for rel, data in files.items():
            (content / rel).write_bytes(data)
        RUNS[test] += 1
        site, errors = load_site(Paths(content=content, output=output), AS_OF)
        if site is None:
            RUNS[f"{test}.refused"] += 1
            failed = [e for e in errors.errors if e.severity == "error"]
            assert failed
            for e in failed:
                assert e.path.startswith("content/"), e
                assert e.line >= 1, e.format()
                assert e.message and "\n" not in e.format().split("\n    hint: ")[0], e
        else:
            RUNS[f"{test}.built"] += 1
            pages = render_all(site)
            assert "it/accordi/lisbona-2021/index.html" in pages
    finally:
        for rel, data in saved.items():
            (content / rel).write_bytes(data)


# -- strategies --------------------------------------------------------------------------

FIELDS = sorted(schema.properties_of("agreement") | schema.properties_of("site")
                | schema.properties_of("partner") | {"it", "en", "url", "name", "date"})
dates = st.one_of(st.dates().map(str), st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
                  st.integers(-10, 100_000))
ids = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z")
long_lines = st.integers(1000, 20_000).map(lambda n: "x" * n)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), ids, dates,
    st.sampled_from(["P2Y", "P0Y", "P99999Y", "P", "PT1H", "2021-02-30", "0000", "9999-12-31",
                     "riga", "esempio", "lisbona", "cultura", "https://example.org/x",
                     "javascript:alert(1)", "documents/accordo-lisbona.pdf",
                     "documents/../site.yaml", "../../etc/passwd", "/etc/passwd", "..", "\\x",
                     "it", "en", "active", "expired", "EUR", "IT", "city", "memorandum", ""]),
    long_lines,
)
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=12))
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


@st.composite
def front_matter(draw) -> dict:
    """A mapping over the schema's field names, starting from a valid record and bending it."""
    base = yaml.safe_load((FIXTURE / AGREEMENT).read_text(encoding="utf-8").split("---\n")[1])
    data = {k: (str(v) if isinstance(v, dt.date) else v) for k, v in base.items()}
    for key in draw(st.lists(st.sampled_from(sorted(data)), max_size=4, unique=True)):
        del data[key]
    for key, value in draw(st.dictionaries(keys, structures, max_size=4)).items():
        data[key] = value
    return data


def nested(depth: int, marker: str) -> str:
    return "".join(f"{'    ' * i}{marker} livello {i}\n" for i in range(depth))


markdown_lines = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "## Art. 1 — Oggetto", "## Art. 1 — Ripetuto", "## Premesse {#premesse}", "## {#x}",
        "##", "## Art. 999999999999999999999", "1. primo", "2. secondo", "    1. punto",
        "        1. sotto-punto", "- voce", "* voce", "> citazione", "```", "~~~", "```python",
        "    codice", "[link](https://example.org)", "[rif][1]", "[1]: https://example.org",
        "<div>html</div>", "<script>alert(1)</script>", "![img](/accordi/x.png)", "---",
        "***", "| a | b |", "\t\ttabulato", "&amp; &#0; &#x110000; &bogus;", "\\", "`", "**",
        "[link](javascript:alert(1))", "<javascript:alert(1)>", "{: #id .class }",
        "\x02wzxhzdk:0\x03", "\x02wzxhzdk:99\x03", "\x00", "\u2028", "\r", "\ufeff",
    ]),
    long_lines,
    st.integers(1, 30).map(lambda n: "> " * n + "citazione"),
    st.integers(1, 30).map(lambda n: nested(n, "1.").rstrip("\n")),
    st.integers(1, 30).map(lambda n: nested(n, "-").rstrip("\n")),
    st.integers(25, 600).flatmap(lambda n: st.sampled_from(
        ["> " * n + "profondo", nested(n, "1.").rstrip("\n")])),
)
markdown = st.lists(markdown_lines, max_size=30).map("\n".join)
newline = st.sampled_from(["\n", "\r\n", "\r"])


def document(fm: str, body: str, eol: str, bom: bool) -> bytes:
    text = f"---\n{fm}---\n{body}\n".replace("\n", eol)
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass")


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def broken_yaml(draw, source: str) -> str:
    """A real file's YAML, edited at random: cut, spliced, re-indented, characters added."""
    text = (FIXTURE / source).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["cut", "insert", "tab", "dup", "truncate", "indent"]))
        if edit == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif edit == "insert":
            text = text[:at] + draw(st.one_of(
                st.text(max_size=10), st.sampled_from(
                    [": ", "- ", "[", "{", "]", "}", "&a ", "*a", "!!python/object ", "!!binary ",
                     "? ", "<<: ", "|", ">", "#", "'", '"', "%YAML 1.1\n", "---\n", "...\n",
                     "\t", "\x00", "\x85", "\ud800"]))) + text[at:]
        elif edit == "tab":
            text = text.replace("  ", "\t", 1)
        elif edit == "dup":
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(i, lines[i])
            text = "".join(lines)
        elif edit == "truncate":
            text = text[:at]
        else:
            text = "\n".join(" " * draw(st.integers(0, 3)) + ln for ln in text.split("\n"))
    return text


# -- properties ----------------------------------------------------------------------------


@FUZZ
@given(fm=front_matter(), body=markdown, eol=newline, bom=st.booleans())
def test_random_front_matter(tree, fm, body, eol, bom):
    content, output = tree
    build(content, output, {AGREEMENT: document(dump(fm), body, eol, bom)}, "front-matter")


@FUZZ
@given(body=markdown, twin=markdown, page=markdown, eol=newline)
def test_random_markdown(tree, body, twin, page, eol):
    content, output = tree
    files = {}
    for rel, text in ((AGREEMENT, body), (TWIN, twin), (PAGE, page)):
        original = (FIXTURE / rel).read_text(encoding="utf-8")
        fm = original.split("---\n")[1]
        files[rel] = document(fm, text, eol, False)
    build(content, output, files, "markdown")


@FUZZ
@given(data=st.data(), target=st.sampled_from(["site.yaml", "themes.yaml",
                                               "partners/lisbona.yaml", AGREEMENT, TWIN, PAGE]))
def test_broken_yaml(tree, data, target):
    content, output = tree
    text = data.draw(broken_yaml(target))
    build(content, output, {target: text.encode("utf-8", "surrogatepass")}, "broken-yaml")


@FUZZ
@given(data=st.data(), target=st.sampled_from(["site.yaml", "themes.yaml",
                                               "partners/lisbona.yaml", AGREEMENT, TWIN, PAGE]))
def test_random_structures_in_yaml_files(tree, data, target):
    content, output = tree
    value = data.draw(st.one_of(structures, st.dictionaries(keys, structures, max_size=6)))
    text = dump(value)
    if target.endswith(".md"):
        text = f"---\n{text}---\nTesto.\n"
    build(content, output, {target: text.encode()}, "yaml-structures")


@FUZZ
@given(data=st.data(), target=st.sampled_from(["site.yaml", "themes.yaml",
                                               "partners/lisbona.yaml", AGREEMENT, TWIN, PAGE]))
def test_random_bytes(tree, data, target):
    """Bytes spliced into a real file: invalid UTF-8, BOMs, NULs, CRLF, odd line breaks."""
    content, output = tree
    raw = (FIXTURE / target).read_bytes()
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw)))
        piece = data.draw(st.one_of(
            st.binary(max_size=8),
            st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r\n", b"\r", b"\x00",
                             b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc2\x85",
                             b"\xe2\x80\xa8", b"\t", b"\x0c", b"\x1b[31m"])))
        raw = raw[:at] + piece + raw[at:]
    if data.draw(st.booleans()):
        raw = raw.replace(b"\n", b"\r\n")
    build(content, output, {target: raw}, "bytes")


def test_deep_nesting_is_a_content_error(tree):
    """Found by fuzzing: deep nesting used to crash the Markdown converter and the YAML
    reader with RecursionError; now each is an error with the file and line."""
    content, output = tree
    original = (FIXTURE / AGREEMENT).read_text(encoding="utf-8")
    fm = original.split("---\n")[1]
    for body, yaml_text in ((nested(600, "1."), fm), ("Testo.", fm + "x: " + "[" * 5000)):
        (content / AGREEMENT).write_text(f"---\n{yaml_text}\n---\n{body}\n", encoding="utf-8")
        try:
            with pytest.raises(ContentFailure) as exc:
                build_once(Paths(content=content, output=output), AS_OF)
        finally:
            (content / AGREEMENT).write_text(original, encoding="utf-8")
        report = exc.value.collector.report()
        # libyaml stops on the deep YAML itself (a syntax error at its line); the Markdown
        # nesting limit names the nesting.
        assert f"{AGREEMENT}:" in report and ("nest" in report or "YAML syntax error" in report)


def _without_plain_text_shortcut() -> Renderer:
    r = Renderer()
    r._md.treeprocessors.deregister("accordi_plain_text")
    return r


WITH_SHORTCUT, WITHOUT_SHORTCUT = Renderer(), _without_plain_text_shortcut()
# Text beside each inline trigger, and triggers alone, so every pattern gets its chance.
inline_text = st.lists(st.one_of(
    st.text(max_size=20), st.sampled_from(
        ["*", "**", "_", "__", "`", "``", "\\", "[", "]", "![", "(", ")", "<", ">", "&", "&amp;",
         "&#33;", "  \n", " \n", "<https://example.org>", "<a@example.org>", "[x](/it/)",
         "[x][1]\n\n[1]: /it/", "***x***", "_x_", "a_b_c", "\x02klzzwxh:0\x03"])),
    max_size=20).map("".join)


@FUZZ
@given(body=st.one_of(markdown, inline_text, st.lists(inline_text, max_size=5).map(
    lambda paragraphs: "## Art. 1 — Oggetto\n\n" + "\n".join(
        f"{i}. {p}" for i, p in enumerate(paragraphs, 1)))))
def test_passing_over_plain_text_never_changes_the_html(body):
    """Text without an inline trigger is not given to the inline patterns: the converter's
    result is the same, for any body, with the links to paragraphs and without."""
    for shift, links in ((0, None), (1, "en")):
        try:
            expected = WITHOUT_SHORTCUT.render(body, shift, links, "it")
        except TextTooDeep:
            continue
        assert WITH_SHORTCUT.render(body, shift, links, "it") == expected
    RUNS["inline-shortcut"] += 1


def test_the_shortcut_knows_every_inline_pattern():
    """A new inline pattern (a new Markdown version) would need another trigger: until then
    the shortcut stays out, so the HTML is always the converter's own."""
    assert "accordi_plain_text" in Renderer()._md.treeprocessors
    patterns = Renderer()._md.inlinePatterns
    assert len(patterns) == len(INLINE_PATTERNS) and all(p in patterns for p in INLINE_PATTERNS)


def _split_by_joining(body: str) -> tuple[str, str]:
    """The summary and text as joined lines, the obvious way."""
    lines = body.splitlines(keepends=True)
    fenced, inside = set(), False
    for i, line in enumerate(lines):
        if line.strip().startswith(("```", "~~~")):
            inside = not inside
        elif inside:
            fenced.add(i)
    for i, line in enumerate(lines):
        if line.startswith("## ") and i not in fenced:
            return "".join(lines[:i]).strip(), "".join(lines[i:]).strip()
    return body.strip(), ""


@FUZZ
@given(body=st.one_of(markdown, st.lists(st.sampled_from(
    ["## Art. 1", "testo", "", "  ", "\t", "```", "## dentro", "~~~", "\u2003", "\r"]),
    max_size=12).map("\n".join)))
def test_a_body_splits_where_its_first_heading_is(body, tmp_path_factory):
    """Summary and text are read out of the body by offsets (of its characters, and of the
    body read again from its file, as a page shows it): the same parts as joining its
    lines."""
    expected = _split_by_joining(body)
    assert split_body(body) == expected
    path = tmp_path_factory.mktemp("body") / "x.it.md"
    path.write_bytes(f"---\ntitle: x\n---\n{body}".encode())
    parts = path.read_text(encoding="utf-8-sig").split("---\n", 2)[2]
    held = Body("it", source(path, Marked({}, {}), parts, 4))
    assert (held.summary, held.text) == _split_by_joining(parts)
    RUNS["split"] += 1
