"""Every field of the content schema, edited in a live preview, gives the site of a full build.

The full build is the plain session's (`accordi.session`), which reuses nothing: so this is
also the incremental layer held to the spine without it.

The live builder makes again only the outputs that read what an edit changed (see
`accordi.incremental`); nothing lists by hand what each output shows. This holds it to the
result of a build from scratch for an edit of every field the schema defines (of
agreements and their translations, partners, themes, pages and the site's settings), and
for the edit undone. A new field in the schema makes the test fail until an edit of it is
added here.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from accordi import schema
from accordi.build import build
from accordi.config import Paths
from accordi.session import Job, PlainSession
from tests.conftest import make_site
from tests.live import LiveBuilder

AS_OF = dt.date(2024, 1, 15)
Edit = tuple[str, str, str]  # file, text in it, what it becomes

L21, L12, A21, A19 = ("agreements/lisbona-2021.it.md", "agreements/lisbona-2012.it.md",
                      "agreements/ateneo-2021.it.md", "agreements/ateneo-2019.it.md")
AFTER_THEMES = "themes: [cultura, turismo]"

EDITS: dict[tuple[str, str], Edit] = {
    # agreements: every fact, in the Italian source
    ("agreement", "acts"): (L21, "Giunta n. 12 del", "Giunta n. 13 del"),
    ("agreement", "aliases"): (L21, AFTER_THEMES, AFTER_THEMES + "\naliases: [lisbona-vecchio]"),
    ("agreement", "counterparts"): (L21, "Câmara Municipal de Lisboa", "Câmara de Lisboa"),
    ("agreement", "documents"): (L21, "Testo firmato (PDF)", "Testo sottoscritto (PDF)"),
    ("agreement", "draft"): (L21, AFTER_THEMES, AFTER_THEMES + "\ndraft: true"),
    ("agreement", "duration"): (L21, "duration: P3Y", "duration: P1Y"),
    ("agreement", "expense"): (L21, "amount: 12000", "amount: 13500"),
    ("agreement", "expires"): (A19, "expires: 2021-06-30", "expires: 2021-09-30"),
    ("agreement", "extends"): (L21, AFTER_THEMES, AFTER_THEMES + "\nextends: [lisbona-2012]"),
    ("agreement", "id"): (A19, "id: ateneo-2019", "id: ateneo-2019-bis"),  # see _rename
    ("agreement", "object"): (L21, "di cultura e turismo.\"", "di cultura e del turismo.\""),
    ("agreement", "partners"): (A21, "partners: [ateneo-esempio]",
                                "partners: [ateneo-esempio, lisbona]"),
    ("agreement", "renewals"): (L12, "  - {date: 2014}\n", "  - {date: 2014}\n"
                                "  - {date: 2015-02-01, duration: P2Y}\n"),
    ("agreement", "signatories"): (L21, "Maria Rossi", "Maria Bianchi"),
    ("agreement", "signed"): (L21, "signed: 2021-03-15", "signed: 2021-02-10"),
    ("agreement", "sources"): (L21, "atti/lisbona-2021.pdf", "atti/lisbona-2021-firmato.pdf"),
    ("agreement", "status"): (L21, AFTER_THEMES,
                              AFTER_THEMES + "\nstatus: {value: expired, as_of: 2023-06}"),
    ("agreement", "supersedes"): (L21, AFTER_THEMES,
                                  AFTER_THEMES + "\nsupersedes: [lisbona-2012]"),
    ("agreement", "themes"): (L21, AFTER_THEMES, "themes: [cultura, ricerca]"),
    ("agreement", "title"): (L21, 'title: "Accordo di', 'title: "Intesa di'),
    ("agreement", "type"): (L21, "type: accordo-collaborazione", "type: memorandum"),
    # translations: their wording only
    ("agreementTranslation", "object"): ("agreements/lisbona-2021.en.md",
                                         "Collaboration in culture", "Cooperation in culture"),
    ("agreementTranslation", "title"): ("agreements/lisbona-2021.en.md", "City of Lisbon",
                                        "City of Lisboa"),
    ("agreementTranslation", "translator_note"): ("agreements/lisbona-2021.en.md",
                                                  "Unofficial courtesy", "Courtesy"),
    # partners
    ("partner", "country"): ("partners/lisbona.yaml", "country: PT", "country: ES"),
    ("partner", "description"): ("partners/lisbona.yaml", "estuario del Tago",
                                 "estuario del fiume Tago"),
    ("partner", "id"): ("partners/lisbona.yaml", "id: lisbona", "id: lisbona-bis"),  # _rename
    ("partner", "kind"): ("partners/ateneo-esempio.yaml", "kind: institution", "kind: city\n"
                          "location: {lat: 45.46, lon: 9.19}"),
    ("partner", "location"): ("partners/lisbona.yaml", "lat: 38.7223", "lat: 38.7"),
    ("partner", "name"): ("partners/lisbona.yaml", "en: Lisbon}", "en: Lisboa}"),
    ("partner", "name_local"): ("partners/lisbona.yaml", "country: PT",
                                "name_local: {text: Lisboa, lang: pt}\ncountry: PT"),
    # thematic areas
    ("theme", "description"): ("themes.yaml", "Promozione turistica.", "Turismo e viaggi."),
    ("theme", "id"): ("themes.yaml", "- id: ricerca\n", "- id: innovazione\n  name: "
                      "{it: Innovazione, en: Innovation}\n  description: {it: Nuove idee.}\n\n"
                      "- id: ricerca\n"),
    ("theme", "name"): ("themes.yaml", "{it: Cultura, en: Culture}",
                        "{it: Cultura e arte, en: Culture and arts}"),
    # free pages
    ("page", "description"): ("pages/about.it.md", "Che cosa pubblica questo sito.",
                              "Che cosa pubblica il sito."),
    ("page", "feedback"): ("pages/about.it.md", "slug: informazioni",
                           "slug: informazioni\nfeedback: true"),
    ("page", "slug"): ("pages/metodo.it.md", "title: Nota di metodo",
                       "title: Storia\nslug: la-storia"),  # see RENAMED
    ("page", "title"): ("pages/about.it.md", "title: Informazioni sul sito",
                        "title: Informazioni"),
    # the site's settings
    ("site", "base_url"): ("site.yaml", "base_url: https://example.org/accordi/",
                           "base_url: https://example.org/altro/"),
    ("site", "catalogue"): ("site.yaml", "contact: {email: accordi@example.org}",
                            "contact: {email: accordi@example.org}\n"
                            'catalogue: {ipa: c_prova, istat: "000000"}'),
    ("site", "colours"): ("site.yaml", "contact: {email: accordi@example.org}",
                          "contact: {email: accordi@example.org}\n"
                          'colours: {brand: "#8a1c1c", brand_soft: "#fbf3f3"}'),
    ("site", "cms"): ("site.yaml", "contact: {email: accordi@example.org}",
                      "contact: {email: accordi@example.org}\n"
                      "cms: {backend: github, repo: comune/accordi}"),
    ("site", "contact"): ("site.yaml", "accordi@example.org", "redazione@example.org"),
    # The same languages written another way: another set would leave the other
    # language's files and published addresses without a site to go in.
    ("site", "languages"): ("site.yaml", "languages: [it, en]", "languages:\n  - it\n  - en"),
    ("site", "licence"): ("site.yaml", "Attribuzione 4.0 Internazionale",
                          "Attribuzione 4.0"),
    ("site", "logo"): ("site.yaml", "contact: {email: accordi@example.org}",
                       "contact: {email: accordi@example.org}\nlogo: img/favicon.svg"),
    ("site", "owner"): ("site.yaml", "{it: Comune di Esempio, en: City of Example}",
                        "{it: Comune di Prova, en: City of Trial}"),
    ("site", "tagline"): ("site.yaml", "Gli accordi di collaborazione",
                          "Tutti gli accordi di collaborazione"),
    ("site", "title"): ("site.yaml", "{it: Accordi di prova, en: Test agreements}",
                        "{it: Accordi, en: Agreements}"),
}

# Parts of fields, and a field left out: what the schema allows inside a field changes what
# pages show as much as a field does.
OWNER = "  name: {it: Comune di Esempio, en: City of Example}"
PARTS: dict[tuple[str, str], Edit] = {
    ("agreement", "signed (left out)"): (L21, "signed: 2021-03-15\nduration", "duration"),
    ("agreement", "status.since"): (L12, "signed: 2012\n", "signed: 2012\nstatus: {value: "
                                    "suspended, since: 2020-11, as_of: 2020-12-01}\n"),
    ("agreement", "status.note"): (A21, "expires: 2023-06-30\n", "expires: 2023-06-30\n"
                                   "status: {value: terminated, source: Delibera n. 5, note: "
                                   "{it: Uscito dalla rete., en: Left the network.}}\n"),
    ("site", "owner.city"): ("site.yaml", OWNER, OWNER + "\n  city: {it: Esempio}"),
    ("site", "owner.location"): ("site.yaml", OWNER, OWNER + "\n  location: {lat: 45, lon: 9}"),
}

# An id is the name of its record's file: a new id is a new record, in a file of its own.
RENAMED = {("agreement", "id"): (A19, "agreements/ateneo-2019-bis.it.md"),
           ("partner", "id"): ("partners/lisbona.yaml", "partners/lisbona-bis.yaml"),
           # a published slug is an address: a new one is a new page's
           ("page", "slug"): ("pages/metodo.it.md", "pages/storia.it.md")}


def schema_fields() -> set[tuple[str, str]]:
    """Every field the content schema defines, by kind of file."""
    kinds = ("site", "partner", "agreement", "agreementTranslation", "page")
    found = {(kind, field) for kind in kinds for field in schema.properties_of(kind)}
    theme = schema.schema()["$defs"]["theme"]["properties"]
    return found | {("theme", field) for field in theme}


def test_every_field_of_the_schema_has_an_edit():
    assert set(EDITS) == schema_fields()


def tree(root: Path) -> dict[str, bytes]:
    """Every file but the search index, which the live preview makes apart."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "pagefind"}


def apply(content: Path, field: tuple[str, str], undo: bool = False) -> None:
    rel, old, new = EDITS[field] if field in EDITS else PARTS[field]
    if undo:
        old, new = new, old
    if field in RENAMED:  # the new record beside the old one, which keeps its addresses
        source, copy = RENAMED[field]
        target = content / copy
        if undo:
            target.unlink()
            return
        text = (content / source).read_text(encoding="utf-8")
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()  # seen even within one tick of the file system's clock
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def full_build(content: Path, out: Path) -> dict[str, bytes]:
    """The site built from scratch, as the preview builds it (drafts included), by the plain
    session."""
    listed = content / "published-urls.txt"
    before = listed.read_bytes()
    build(Job(Paths(content=content, output=out), AS_OF, history=False, drafts=True),
          PlainSession())
    listed.write_bytes(before)  # the preview never records addresses: neither does this
    return tree(out)


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> tuple[Path, Path, LiveBuilder]:
    root = tmp_path_factory.mktemp("every-field")
    content = make_site(root)
    out = root / "preview"
    builder = LiveBuilder(Paths(content=content, output=out), AS_OF, history=False,
                          drafts=True)
    assert builder.update().ok
    return content, out, builder


FIELDS: list[tuple[str, str]] = sorted(EDITS) + sorted(PARTS)


@pytest.mark.parametrize("field", FIELDS, ids=[f"{k}.{f}" for k, f in FIELDS])
def test_an_edit_of_each_field_gives_the_site_of_a_full_build(preview, tmp_path, field):
    content, out, builder = preview
    for undo in (False, True):
        apply(content, field, undo)
        changes = builder.update()
        assert changes.ok, changes.errors.report() if changes.errors else field
        expected = full_build(content, tmp_path / ("undone" if undo else "edited"))
        assert tree(out) == expected, (field, "undone" if undo else "edited")
