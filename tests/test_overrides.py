"""A site folder's own templates, assets and messages replace the theme's; its logo and
colours come from site.yaml; mistakes in any of them are told as file:line, all at once,
and the previous output stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accordi.cli import build_once
from accordi.config import Paths
from accordi.errors import ContentFailure
from accordi.theme import contrast
from tests.conftest import make_site

AS_OF = dt.date(2024, 1, 15)


def _site(tmp_path: Path, files: dict[str, str], content: dict | None = None) -> Paths:
    make_site(tmp_path, content)
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return Paths(content=tmp_path / "content", output=tmp_path / "output", site=tmp_path)


def _errors(paths: Paths, incremental: bool = False) -> list[str]:
    with pytest.raises(ContentFailure) as failure:
        build_once(paths, AS_OF, history=False, incremental=incremental)
    return [e.format() for e in failure.value.collector.sorted()]


def _read(paths: Paths, rel: str) -> str:
    return (paths.output / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("incremental", [False, True])
def test_a_template_an_asset_and_a_message_replace_the_theme_s(tmp_path, incremental):
    paths = _site(tmp_path, {
        "templates/home.html": '{% extends "theme/home.html" %}\n'
                               '{% block main %}<p class="ours">Benvenuti</p>{{ super() }}'
                               '{% endblock %}\n',
        "assets/css/print.css": "/* ours */\n",
        "messages/en.yaml": 'home_latest: "Signed lately"\n'})
    build_once(paths, AS_OF, history=False, incremental=incremental)
    for lang in ("it", "en"):
        home = _read(paths, f"{lang}/index.html")
        assert '<p class="ours">Benvenuti</p>' in home
        assert 'class="brand-title"' in home  # the rest of the theme's page is there
    assert "Signed lately" in _read(paths, "en/index.html")
    assert "Signed lately" not in _read(paths, "it/index.html")
    assert _read(paths, "assets/css/print.css") == "/* ours */\n"
    assert "--brand:" in _read(paths, "assets/css/site.css")  # the theme's, not replaced
    assert "ours" not in _read(paths, "it/accordi/lisbona-2021/index.html")


def test_logo_colours_and_the_owner_s_name_from_site_yaml(tmp_path):
    paths = _site(tmp_path, {"assets/img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"'
                                                    ' viewBox="0 0 1 1"/>\n'})
    site_yaml = paths.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "{it: Comune di Esempio, en: City of Example}", "Comune di Altrove")
        + 'logo: img/logo.svg\ncolours: {brand: "#8a1c1c", brand_deep: "#4a0e0e"}\n',
        encoding="utf-8")
    build_once(paths, AS_OF, history=False)
    page = _read(paths, "it/index.html")
    assert '<img class="brand-logo" src="/accordi/assets/img/logo.svg" alt="">' in page
    assert '<link rel="stylesheet" href="/accordi/assets/css/colours.css">' in page
    assert '<span class="brand-owner">Comune di Altrove</span>' in page
    css = _read(paths, "assets/css/colours.css")
    assert "--brand: #8a1c1c;" in css and "--brand-deep: #4a0e0e;" in css


def test_without_logo_or_colours_the_page_links_neither(tmp_path):
    paths = _site(tmp_path, {})
    build_once(paths, AS_OF, history=False)
    page = _read(paths, "it/index.html")
    assert "brand-logo" not in page and "colours.css" not in page
    assert not (paths.output / "assets/css/colours.css").exists()


def test_mistakes_of_templates_messages_logo_and_colours_all_at_once(tmp_path):
    paths = _site(tmp_path, {
        "templates/home.html": '{% extends "theme/home.html" %}\n{% block main %}\n'
                               '{% if %}{% endblock %}\n',
        "templates/partials/bit.html": "{% for x in y %}\n",
        "messages/it.yaml": 'home_latst: "x"\nhome_counts: "{agreements} accordi"\n'
                            'data_columns: "x"\n',
        "messages/fr.yaml": "home: Accueil\n"})
    site_yaml = paths.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8")
                         + 'logo: img/none.svg\ncolours: {brand: "#77aaff"}\n', "utf-8")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "kept.txt").write_text("previous\n", encoding="utf-8")
    found = "\n".join(_errors(paths))
    assert "templates/home.html:3: error: Expected an expression" in found
    assert "templates/partials/bit.html:" in found
    assert "messages/it.yaml:1: error: field `home_latst`: no such message" in found
    assert "did you mean `home_latest`?" in found
    assert "messages/it.yaml:2: error: field `home_counts`: its {placeholders} differ" in found
    assert "{agreements}, {partners}, {themes}" in found
    assert "messages/it.yaml:3: error: field `data_columns`: cannot be changed" in found
    assert "messages/fr.yaml: error: not a file of interface wording" in found
    assert "content/site.yaml:" in found and "no file `img/none.svg`" in found
    assert "#77aaff and white (#ffffff) are 2.34:1" in found
    assert (tmp_path / "output" / "kept.txt").read_text(encoding="utf-8") == "previous\n"


@pytest.mark.parametrize("incremental", [False, True])
def test_a_template_that_fails_while_rendering_is_told_by_file_and_line(tmp_path, incremental):
    paths = _site(tmp_path, {
        "templates/agreement.html": '{% extends "theme/agreement.html" %}\n'
                                    "{% block main %}\n\n<p>{{ nothing.here }}</p>\n"
                                    "{% endblock %}\n"})
    found = _errors(paths, incremental)
    assert len(found) == 1
    assert found[0].startswith("templates/agreement.html:4: error: 'nothing' is undefined")
    assert "docs/adopters.md" in found[0]


def test_contrast_is_wcag_s():
    assert round(contrast("#0066cc", "#ffffff"), 2) == 5.57
    assert round(contrast("#000000", "#ffffff"), 0) == 21
