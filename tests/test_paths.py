"""No id, slug, document or asset path can make the build read or write outside its folder.

Ids and slugs are checked by the schema (with `$` meaning the end of the text, as JSON Schema
means it), page names by the model, document paths by the model against the files actually
found under content/documents/, and links (symbolic links) anywhere in content/ by the reader.
The publisher refuses any output path that leaves the staging folder, and an output folder
that is a symbolic link is published where it leads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml

from accordi.cli import build_once, load_site
from accordi.config import Paths
from accordi.publish import PublishError, Staging
from accordi.routes import Router

AS_OF = dt.date(2024, 1, 15)
HOSTILE_IDS = ["..", "../x", "a/b", "a\\b", "/etc", "x\n", "\u2024\u2024", "\uff0e\uff0e",
               "a\u2215b", "x%2fy", ".", "a..b", "A", "a b", "ａ", "-a", "a-", "a--b", ""]


def errors_of(content: Path) -> list:
    site, errors = load_site(Paths(content=content, output=content.parent / "out"),
                                      AS_OF)
    assert site is None, "the content should have been refused"
    return [e for e in errors.errors if e.severity == "error"]


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_theme_ids_are_refused(bad, tmp_path, write_site):
    content = write_site(tmp_path, {})
    themes = yaml.safe_load((content / "themes.yaml").read_text(encoding="utf-8"))
    themes[0]["id"] = bad
    (content / "themes.yaml").write_text(yaml.safe_dump(themes, allow_unicode=True),
                                         encoding="utf-8")
    found = errors_of(content)
    assert any(e.path == "content/themes.yaml" and e.field == "0.id" for e in found), found


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_page_slugs_are_refused(bad, tmp_path, write_site):
    content = write_site(tmp_path, {})
    page = content / "pages" / "metodo.it.md"
    head, front, body = page.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    data["slug"] = bad
    page.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body,
                    encoding="utf-8")
    found = errors_of(content)
    assert any(e.path == "content/pages/metodo.it.md" and e.field == "slug" for e in found)


@pytest.mark.parametrize("name", ["a b", "\u00e9t\u00e9", "x\\y", "Maiuscola", "\u2024", "a_b"])
def test_page_file_names_that_are_not_ids_are_refused(name, tmp_path, write_site):
    """Without a `slug`, a page's address is its file name: it must be an id too."""
    content = write_site(tmp_path, {f"pages/{name}.it.md": "---\ntitle: Pagina\n---\nTesto.\n"})
    found = errors_of(content)
    assert [e.format() for e in found] == [
        f"content/pages/{name}.it.md: error: `{name}` cannot name a page\n"
        "    hint: name pages <name>.it.md, the name in lowercase letters, digits and single "
        "hyphens (it is the page's address)"]


@pytest.mark.parametrize("bad", ["..", "x\n", "a/b", "\u2024"])
def test_agreement_and_partner_ids_are_refused(bad, tmp_path, write_site):
    content = write_site(tmp_path, {})
    for rel in ("agreements/ateneo-2021.it.md", "partners/lisbona.yaml"):
        path = content / rel
        text = path.read_text(encoding="utf-8")
        stem = path.name.split(".")[0]
        path.write_text(text.replace(f"id: {stem}\n", f"id: {json.dumps(bad)}\n", 1),
                        encoding="utf-8")
    found = {(e.path, e.field) for e in errors_of(content)}
    assert ("content/agreements/ateneo-2021.it.md", "id") in found
    assert ("content/partners/lisbona.yaml", "id") in found


@pytest.mark.parametrize("bad", ["documents/../site.yaml", "documents/./accordo-lisbona.pdf",
                                 "documents/x/../../site.yaml", "/etc/passwd",
                                 "../documents/accordo-lisbona.pdf", "documents//x.pdf",
                                 "documents\\..\\site.yaml", "documents/\u2024\u2024/x.pdf",
                                 "site.yaml"])
def test_document_paths_that_leave_the_folder_are_refused(bad, tmp_path, write_site):
    content = write_site(tmp_path, {})
    path = content / "agreements" / "lisbona-2021.it.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("file: documents/accordo-lisbona.pdf",
                                 f"file: {json.dumps(bad)}", 1), encoding="utf-8")
    found = errors_of(content)
    assert any(e.path == "content/agreements/lisbona-2021.it.md"
               and e.field == "documents.0.file" for e in found), [e.format() for e in found]


def test_links_out_of_content_are_refused_and_nothing_is_published(tmp_path, write_site,
                                                                   run_cli):
    """A symbolic link that leads out of content/ (a file, a folder, a loop) is refused,
    wherever it is, with the link's own path; a link that stays inside is fine."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("hunter2\n", encoding="utf-8")
    (secret / "x.it.md").write_text((tmp_path / "x").as_posix(), encoding="utf-8")
    content = write_site(tmp_path, {})
    docs = content / "documents"
    (docs / "leak.pdf").symlink_to(secret / "passwords.txt")
    (docs / "leaks").symlink_to(secret, target_is_directory=True)
    (docs / "same.pdf").symlink_to(docs / "accordo-lisbona.pdf")  # inside: fine
    (docs / "loop.pdf").symlink_to(docs / "loop.pdf")
    (content / "agreements" / "esterno.it.md").symlink_to(secret / "x.it.md")
    (content / "agreements" / "archivio").symlink_to(secret, target_is_directory=True)
    (content / "partners" / "fuori.yaml").symlink_to(secret / "passwords.txt")
    output = tmp_path / "output"
    code, stdout, stderr = run_cli("build", "--content", content, "--output", output,
                                   "--as-of", "2024-01-15")
    assert code == 1 and "Traceback" not in stderr
    diagnostics = [ln for ln in stderr.splitlines() if ": error: " in ln]
    assert diagnostics == [
        "content/agreements/archivio: error: is a link to a folder outside content/",
        "content/agreements/esterno.it.md: error: is a link to a file outside content/",
        "content/documents/leak.pdf: error: is a link to a file outside content/documents/",
        "content/documents/leaks: error: is a link to a folder outside content/documents/",
        "content/documents/loop.pdf: error: is a link that leads back to itself",
        "content/partners/fuori.yaml: error: is a link to a file outside content/",
    ], stderr
    assert not output.exists()
    assert "hunter2" not in stderr


def test_a_document_link_inside_the_folder_is_published_as_a_file(tmp_path, write_site):
    content = write_site(tmp_path, {})
    (content / "documents" / "copia.pdf").symlink_to(content / "documents" /
                                                     "accordo-lisbona.pdf")
    output = tmp_path / "output"
    build_once(Paths(content=content, output=output), AS_OF)
    published = output / "documents" / "copia.pdf"
    assert published.is_file() and not published.is_symlink()
    assert published.read_bytes() == (content / "documents" / "accordo-lisbona.pdf").read_bytes()


@pytest.mark.parametrize("rel", ["../x.html", "/etc/x", "a/../../x", "a\\..\\x", "", ".",
                                 "it/\0.html"])
def test_the_publisher_refuses_paths_out_of_the_output(rel, tmp_path):
    staging = Staging(tmp_path / "output")
    try:
        with pytest.raises(PublishError):
            staging.write(rel, "x")
    finally:
        staging.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_asset_links_out_of_the_folder_are_refused(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("a{}")
    (tmp_path / "private").write_text("secret")
    (assets / "leak.css").symlink_to(tmp_path / "private")
    staging = Staging(tmp_path / "output")
    try:
        with pytest.raises(PublishError, match="outside"):
            staging.copy_tree(assets, "assets")
    finally:
        staging.abort()


@pytest.mark.parametrize("bad", [".", ".."])
def test_the_router_refuses_dot_ids(bad):
    with pytest.raises(ValueError):
        Router("/").output_path("agreement", "it", bad)


def test_router_quotes_every_other_character():
    r = Router("/")
    assert r.output_path("agreement", "it", "a/../b") == "it/accordi/a%2F..%2Fb/index.html"
    assert r.output_path("agreement", "it", "a\\b") == "it/accordi/a%5Cb/index.html"


def test_an_output_symlink_is_published_where_it_leads(tmp_path, write_site):
    """A deploy link (output -> /srv/www/site) keeps pointing at the site, now updated."""
    content = write_site(tmp_path, {})
    real = tmp_path / "srv" / "site"
    real.mkdir(parents=True)
    (real / "old.html").write_text("old")
    link = tmp_path / "output"
    link.symlink_to(real, target_is_directory=True)
    build_once(Paths(content=content, output=link), AS_OF)
    assert link.is_symlink() and Path(os.readlink(link)) == real
    assert (real / "index.html").is_file() and not (real / "old.html").exists()
    assert sorted(p.name for p in real.parent.iterdir()) == ["site"]  # no leftovers there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output", "srv"]


def test_an_output_that_is_a_file_is_a_clear_error(tmp_path, write_site, run_cli):
    content = write_site(tmp_path, {})
    output = tmp_path / "output"
    output.write_text("not a folder")
    code, stdout, stderr = run_cli("build", "--content", content, "--output", output,
                                   "--as-of", "2024-01-15")
    assert code == 1 and "Traceback" not in stderr
    assert stderr == (f"build stopped: {output} exists and is not a folder: move it away "
                      f"first; {output} was left as it was\n")
    assert output.read_text() == "not a folder"
