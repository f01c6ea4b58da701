"""Links never die: the manifest of published addresses, redirects for renamed agreements,
notices for removed records, and `check`/`build` refusing to let an address vanish."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from accordi.published import HEADER, MANIFEST
from tests.gates import axe_violations, vnu_messages
from tests.siteserver import SiteServer

AS_OF = "2024-01-15"
OLD, NEW = "lisbona-2012", "lisbona-amicizia-2012"


def renamed(content: Path, alias: bool) -> None:
    """Give the agreement `OLD` the id `NEW`, as an editor would, with or without an alias."""
    for lang in ("it", "en"):
        old = content / "agreements" / f"{OLD}.{lang}.md"
        text = old.read_text(encoding="utf-8")
        if lang == "it":
            text = text.replace(f"id: {OLD}\n", f"id: {NEW}\n" +
                                (f"aliases: [{OLD}]\n" if alias else ""))
        (content / "agreements" / f"{NEW}.{lang}.md").write_text(text, encoding="utf-8")
        old.unlink()


def manifest_lines(content: Path) -> list[str]:
    return (content / MANIFEST).read_text(encoding="utf-8").splitlines()


def line_of(content: Path, address: str) -> int:
    return next(i for i, line in enumerate(manifest_lines(content), 1)
                if line.split()[0:1] == [address])


def mark_removed(content: Path, *addresses: str, day: str = "2024-01-10") -> None:
    lines = [f"{line} removed {day}" if line in addresses else line
             for line in manifest_lines(content)]
    (content / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_fixture_manifest_lists_every_page(tmp_path, write_site, run_cli):
    content = write_site(tmp_path)
    before = manifest_lines(content)
    code, _, stderr = run_cli("build", "--content", content, "--output", tmp_path / "out",
                              "--as-of", AS_OF)
    assert code == 0 and "note:" not in stderr, stderr
    assert manifest_lines(content) == before  # nothing new: nothing written
    pages = {"/" + p.relative_to(tmp_path / "out").as_posix().removesuffix("index.html")
             for p in (tmp_path / "out").rglob("index.html") if "assets" not in p.parts}
    data = {"/" + p.relative_to(tmp_path / "out").as_posix()
            for p in (tmp_path / "out" / "data" / "agreements").glob("*.json")}
    listed = {line for line in before if line.startswith("/")}
    assert len(data) == 4 and listed == pages | data
    assert "/it/accordi/lisbona-2012/" in listed and "/404.html" not in listed


def test_a_renamed_agreement_without_alias_stops_check_and_build(tmp_path, write_site,
                                                                 run_cli):
    content = write_site(tmp_path)
    renamed(content, alias=False)
    code, stdout, stderr = run_cli("check", "--content", content, "--as-of", AS_OF)
    assert (code, stdout) == (1, "")
    for address in (f"/en/agreements/{OLD}/", f"/it/accordi/{OLD}/",
                    f"/data/agreements/{OLD}.json"):
        assert (f"content/{MANIFEST}:{line_of(content, address)}: error: `{address}` was "
                "published and would vanish\n    hint: if its record was renamed, add the old "
                "id to `aliases`") in stderr
    assert "3 error(s)" in stderr and "Traceback" not in stderr

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous")
    code, _, stderr = run_cli("build", "--content", content, "--output", output,
                              "--as-of", AS_OF)
    assert code == 1 and "would vanish" in stderr
    assert [p.name for p in output.iterdir()] == ["index.html"]  # the published site stays


def test_manifest_mistakes_are_reported_with_their_lines(tmp_path, write_site, run_cli):
    content = write_site(tmp_path)
    mark_removed(content, "/en/agreements/lisbona-2021/", day="2024-01-01")
    still = line_of(content, "/en/agreements/lisbona-2021/")
    lines = manifest_lines(content)
    lines += ["it/accordi/no-slash/", "/it/accordi/lisbona-2021/", "/en/x/ removed 2024-02-30"]
    (content / MANIFEST).write_text("\n".join(lines) + "\n")
    n = len(lines)
    first = line_of(content, "/it/accordi/lisbona-2021/")
    code, _, stderr = run_cli("check", "--content", content, "--as-of", AS_OF)
    assert code == 1
    assert stderr.splitlines()[:-1] == [
        f"content/{MANIFEST}:{still}: error: `/en/agreements/lisbona-2021/` is marked removed "
        "but the site still publishes it",
        "    hint: delete `removed 2024-01-01` from the line",
        f"content/{MANIFEST}:{n - 2}: error: `it/accordi/no-slash/` is not an address line",
        "    hint: write one address a line, starting with `/`, optionally followed by "
        "`removed YYYY-MM-DD`",
        f"content/{MANIFEST}:{n - 1}: error: `/it/accordi/lisbona-2021/` is listed twice "
        f"(first on line {first})",
        "    hint: keep one line for each address",
        f"content/{MANIFEST}:{n}: error: `2024-02-30` is not a date",
        "    hint: write the day of removal as YYYY-MM-DD",
    ]


def test_an_alias_must_be_a_former_id(tmp_path, write_site, run_cli):
    content = write_site(tmp_path)
    source = content / "agreements" / "lisbona-2021.it.md"
    text = source.read_text().replace("id: lisbona-2021\n",
                                      "id: lisbona-2021\naliases: [ateneo-2019]\n")
    source.write_text(text)
    code, _, stderr = run_cli("check", "--content", content, "--as-of", AS_OF)
    assert code == 1
    line = text.splitlines().index("aliases: [ateneo-2019]") + 1
    assert stderr.startswith(
        f"content/agreements/lisbona-2021.it.md:{line}: error: field `aliases`, 1st item: "
        "`ateneo-2019` is the id of a published agreement")


def test_content_without_a_manifest_gets_one(tmp_path, write_site, run_cli):
    content = write_site(tmp_path, {MANIFEST: None})
    code, _, _ = run_cli("check", "--content", content, "--as-of", AS_OF)
    assert code == 0 and not (content / MANIFEST).exists()  # check never writes
    code, _, stderr = run_cli("build", "--content", content, "--output", tmp_path / "out",
                              "--as-of", AS_OF)
    assert code == 0
    assert stderr.splitlines()[-1] == (f"content/{MANIFEST}: note: recorded 41 new published "
                                       "addresses; commit this file with your change")
    lines = manifest_lines(content)
    assert lines[:len(HEADER.splitlines())] == HEADER.splitlines()
    addresses = lines[len(HEADER.splitlines()):]
    assert addresses == sorted(addresses) and len(addresses) == 41


def test_a_new_record_is_added_to_the_manifest(tmp_path, write_site, run_cli):
    content = write_site(tmp_path)
    text = (content / "agreements" / "lisbona-2021.it.md").read_text()
    (content / "agreements" / "lisbona-2024.it.md").write_text(
        text.replace("id: lisbona-2021", "id: lisbona-2024"))
    before = manifest_lines(content)
    code, _, stderr = run_cli("build", "--content", content, "--output", tmp_path / "out",
                              "--as-of", AS_OF)
    assert code == 0 and "recorded 3 new published addresses" in stderr
    assert manifest_lines(content) == before + ["/data/agreements/lisbona-2024.json",
                                                "/en/agreements/lisbona-2024/",
                                                "/it/accordi/lisbona-2024/"]


# -- redirects and notices, in the browser ------------------------------------------------


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory):
    """The fixture with one agreement renamed (with its alias) and one removed."""
    from tests.conftest import cli, make_site

    tmp = tmp_path_factory.mktemp("moved")
    content = make_site(tmp, {"agreements/lisbona-2021.it.md": None,
                              "agreements/lisbona-2021.en.md": None})
    renamed(content, alias=True)
    mark_removed(content, "/it/accordi/lisbona-2021/", "/en/agreements/lisbona-2021/",
                 "/data/agreements/lisbona-2021.json")
    code, _, stderr = cli("build", "--content", content, "--output", tmp / "output",
                          "--as-of", AS_OF, "--base-url", "https://example.org/accordi/")
    assert code == 0, stderr
    with SiteServer(tmp / "output", prefix="/accordi/") as server:
        yield content, tmp / "output", server, stderr


def test_the_old_address_redirects_to_the_new_one(moved_site, browser):
    content, out, server, stderr = moved_site
    html = (out / "en" / "agreements" / OLD / "index.html").read_text()
    new = f"/accordi/en/agreements/{NEW}/"
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in html
    assert f'<link rel="canonical" href="https://example.org{new}">' in html
    assert re.search(rf'<a href="{new}">Declaration of friendship', html)  # a visible link
    assert "noindex" not in html
    # The new addresses are recorded; the old ones stay (now served by the redirects).
    lines = manifest_lines(content)
    assert f"/it/accordi/{NEW}/" in lines and f"/it/accordi/{OLD}/" in lines
    assert "recorded 3 new published addresses" in stderr
    for lang, section in (("it", "accordi"), ("en", "agreements")):
        page = browser.new_page()
        page.goto(server.base_url + f"{lang}/{section}/{OLD}/")
        page.wait_for_url(f"**/{lang}/{section}/{NEW}/")
        assert page.locator("h1").inner_text().startswith(
            "Dichiarazione programmatica" if lang == "it" else "Declaration")
        # a deep link to the old address keeps its anchor (with scripts: the refresh alone
        # drops it)
        page.goto(server.base_url + f"{lang}/{section}/{OLD}/#testo")
        page.wait_for_url(f"**/{lang}/{section}/{NEW}/#testo")
        page.close()


def test_a_removed_record_leaves_a_notice(moved_site, browser):
    _, out, server, _ = moved_site
    page = browser.new_page()
    response = page.goto(server.base_url + "it/accordi/lisbona-2021/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Pagina rimossa"
    assert "rimossa dal sito il 10 gennaio 2024" in page.inner_text("main")
    assert page.get_attribute("meta[name=robots]", "content") == "noindex"
    assert page.get_attribute("html", "lang") == "it"
    page.goto(server.base_url + "en/agreements/lisbona-2021/")
    assert "removed from the site on 10 January 2024" in page.inner_text("main")
    page.close()


def test_data_files_of_moved_and_removed_records_say_so(moved_site):
    """A program that fetched an agreement's data file learns where it went, or since when
    it is gone and where the others are: never a 404."""
    _, out, _, _ = moved_site
    data = "https://example.org/accordi/data/"
    assert json.loads((out / "data" / "agreements" / f"{OLD}.json").read_bytes()) == {
        "moved": True, "id": OLD, "now": NEW, "url": f"{data}agreements/{NEW}.json"}
    assert json.loads((out / "data" / "agreements" / "lisbona-2021.json").read_bytes()) == {
        "removed": True, "id": "lisbona-2021", "date": "2024-01-10",
        "agreements": f"{data}agreements.json",
        "documentation": "https://example.org/accordi/it/dati-aperti/"}
    new = json.loads((out / "data" / "agreements" / f"{NEW}.json").read_bytes())
    assert new["agreement"]["id"] == NEW


@pytest.mark.parametrize("rel", [f"en/agreements/{OLD}/", "it/accordi/lisbona-2021/"])
def test_redirect_and_notice_pages_pass_axe(moved_site, browser, rel):
    _, _, server, _ = moved_site
    context = browser.new_context(bypass_csp=True)  # to inject axe only
    page = context.new_page()
    # Stay on the redirect page to check it: the browser is told the target has no content.
    page.route(f"**/{NEW}/", lambda route: route.fulfill(status=204))
    page.goto(server.base_url + rel)
    page.wait_for_timeout(300)
    assert page.url == server.base_url + rel
    assert axe_violations(page) == []  # including meta-refresh: a 0 s refresh passes
    context.close()


def test_redirect_and_notice_pages_are_valid_html(moved_site, tmp_path):
    _, out, _, _ = moved_site
    pages = [out / "it" / "accordi" / OLD, out / "en" / "agreements" / OLD,
             out / "it" / "accordi" / "lisbona-2021", out / "en" / "agreements" / "lisbona-2021"]
    for i, folder in enumerate(pages):
        target = tmp_path / str(i)
        target.mkdir()
        (target / "index.html").write_bytes((folder / "index.html").read_bytes())
    errors = [m for m in vnu_messages(tmp_path)
              if m["type"] in ("error", "fatal", "io", "schema", "internal")]
    assert errors == []
