"""Characters: what content may hold, and what published files never do.

Invisible controls and bidirectional overrides are refused by `check` with the field and the
code point (the cases are under tests/invalid/); right-to-left text is welcome as it is. And
whatever passes validation (here noncharacters, which Unicode allows in text but XML and
HTML do not), no file of the built site holds a character its format forbids: the feeds
and the sitemap parse as XML, the pages and the data hold none.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from accordi import characters
from tests.conftest import cli, make_site

AS_OF = "2024-01-15"
# Controls but tab and line breaks, surrogates, noncharacters: what no output may hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       "\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")


def test_the_names_of_controls_are_unicodes():
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        label = characters.name(chr(code)).split(" ", 1)[1]
        assert unicodedata.lookup(label) == chr(code), (hex(code), label)
    assert characters.name("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert characters.name("\u2066") == "U+2066 LEFT-TO-RIGHT ISOLATE"


def built(tmp_path: Path, files: dict[str, str]) -> Path:
    content = make_site(tmp_path, files)
    code, _, err = cli("build", "--content", content, "--output", tmp_path / "out",
                       "--as-of", AS_OF)
    assert code == 0, err
    assert " error:" not in err, err
    return tmp_path / "out"


def agreement(text: str, title: str, body_extra: str) -> str:
    return text.replace(
        'title: "Accordo di collaborazione tra il Comune di Esempio e la Città di Lisbona"',
        f'title: "{title}"', 1) + body_extra


def test_right_to_left_names_and_text_are_welcome(tmp_path):
    source = Path(make_site(tmp_path / "probe") / "agreements/lisbona-2021.it.md")
    text = source.read_text(encoding="utf-8")
    out = built(tmp_path, {
        "agreements/lisbona-2021.it.md": agreement(
            text, "Accordo con بلدية دبي e עיריית תל אביב-יפו",
            "\nIl sindaco di دبي ha scritto: «שלום» (‏نص‏).\n"),
        "partners/lisbona.yaml": (tmp_path / "probe/content/partners/lisbona.yaml").read_text(
            encoding="utf-8").replace("name: {it: Lisbona, en: Lisbon}",
                                      "name: {it: لشبونة, en: Lisbon}"),
    })
    page = (out / "it/accordi/lisbona-2021/index.html").read_text(encoding="utf-8")
    assert "بلدية دبي" in page and "עיריית תל אביב-יפו" in page and "שלום" in page
    assert "لشبونة" in page


def test_no_published_file_holds_a_character_its_format_forbids(tmp_path):
    """Noncharacters pass validation (escaped in YAML, or in a Markdown body): the build
    succeeds and leaves them out of every file, so that the XML still parses."""
    source = Path(make_site(tmp_path / "probe") / "agreements/lisbona-2021.it.md")
    text = source.read_text(encoding="utf-8")
    title = "Accordo\\uFFFE con Lisbona\\uFFFF e\\U0010FFFF\\U0001FFFE oltre"
    body = "\nUn paragrafo con \ufdd0 e \ufdef dentro, e 𠀀 e 🙂 restano.\n"
    out = built(tmp_path, {"agreements/lisbona-2021.it.md": agreement(text, title, body)})
    checked = 0
    for path in sorted(out.rglob("*")):
        if path.suffix not in (".html", ".xml", ".json", ".csv", ".txt"):
            continue
        found = FORBIDDEN.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.relative_to(out).as_posix(), [hex(ord(c)) for c in found[:5]])
        checked += 1
    assert checked > 50
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) >= 6
    for feed in [*feeds, out / "sitemap.xml"]:
        ET.parse(feed)  # well-formed, or it raises
    parsed = feedparser.parse((out / "it/accordi/feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert any(e.title == "Accordo con Lisbona e oltre" for e in parsed.entries)
    data = json.loads((out / "data/agreements.json").read_text(encoding="utf-8"))
    assert {a["title_it"] for a in data["agreements"]} >= {"Accordo con Lisbona e oltre"}
    with (out / "data/agreements.csv").open(encoding="utf-8", newline="") as f:
        assert "Accordo con Lisbona e oltre" in {r["title_it"] for r in csv.DictReader(f)}
    db = sqlite3.connect(out / "data/accordi.sqlite")
    titles = {r[0] for r in db.execute("SELECT title_it FROM agreements")}
    db.close()
    assert "Accordo con Lisbona e oltre" in titles
    page = (out / "it/accordi/lisbona-2021/index.html").read_text(encoding="utf-8")
    assert "Accordo con Lisbona e oltre" in page
    assert "Un paragrafo con  e  dentro, e 𠀀 e 🙂 restano." in page


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066"])
def test_check_refuses_a_control_in_a_name_and_says_which(tmp_path, char):
    content = make_site(tmp_path)
    partner = content / "partners/lisbona.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace(
        "name: {it: Lisbona, en: Lisbon}",
        'name: {it: "Lis' + f"\\u{ord(char):04x}" + 'bona", en: Lisbon}'), encoding="utf-8")
    code, out, err = cli("check", "--content", content, "--as-of", AS_OF)
    assert code == 1 and out == ""
    assert err.startswith("content/partners/lisbona.yaml:3: error: field `name.it`: "
                          f"{characters.name(char)}"), err
    assert "Traceback" not in err
