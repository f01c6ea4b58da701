"""A seeded synthetic corpus in Accordi's own content format, shaped like real protocols.

N agreements with Italian sources and English twins, about 1,000 words of articles and
numbered paragraphs each, a partner per ~20 agreements and 20 thematic areas.

    python -m bench.generate 1000 /tmp/corpus
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

TEXT_IT = ("le parti si impegnano a promuovere iniziative comuni nel campo della cultura "
            "dell'innovazione e dello sviluppo economico del territorio anche mediante "
            "scambi di buone pratiche progetti congiunti e la partecipazione a bandi "
            "nazionali e internazionali nel rispetto delle rispettive competenze")
TEXT_EN = ("the parties undertake to promote joint initiatives in the field of culture "
            "innovation and the economic development of the area also through exchanges of "
            "good practice joint projects and participation in national and international "
            "calls within their respective competences")
WORDS_IT, WORDS_EN = tuple(TEXT_IT.split()), tuple(TEXT_EN.split())
TYPES = ["protocollo-intesa", "memorandum", "accordo-collaborazione", "accordo-cooperazione",
         "dichiarazione-programmatica"]


def _sentence(rng: random.Random, words: tuple[str, ...], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def _body(rng: random.Random, words: tuple[str, ...], article: str) -> str:
    parts = [_sentence(rng, words, 40), ""]
    for art in range(1, 7):
        parts.append(f"## {article} {art} — {_sentence(rng, words, 3)[:-1]}")
        parts.append("")
        for para in range(1, rng.randint(2, 4) + 1):
            parts.append(f"{para}. {_sentence(rng, words, 30)}")
            parts.append("")
            if para == 2 and art % 2:
                for point in range(1, 4):
                    parts.append(f"    {point}. {_sentence(rng, words, 8)}")
                parts.append("")
    return "\n".join(parts)


def generate(n: int, root: Path, seed: int = 42) -> Path:
    """Write a content tree of `n` agreements under `root`; returns `root`."""
    rng = random.Random(seed)
    (root / "agreements").mkdir(parents=True, exist_ok=True)
    (root / "partners").mkdir(exist_ok=True)
    (root / "pages").mkdir(exist_ok=True)
    (root / "site.yaml").write_text(
        "title: {it: Accordi di prova, en: Test agreements}\n"
        "owner: {id: comune, name: {it: Comune di Prova, en: City of Test}}\n"
        "languages: [it, en]\nbase_url: https://example.org/accordi/\n"
        "licence: {id: CC-BY-4.0, name: CC BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}\n",
        encoding="utf-8")
    themes = [f"tema-{i:02d}" for i in range(20)]
    (root / "themes.yaml").write_text("".join(
        f"- id: {t}\n  name: {{it: Tema {i}, en: Theme {i}}}\n"
        f"  description: {{it: Descrizione del tema {i}., en: Description of theme {i}.}}\n"
        for i, t in enumerate(themes)), encoding="utf-8")
    partners = [f"citta-{i:04d}" for i in range(max(1, n // 20))]
    for i, p in enumerate(partners):
        (root / "partners" / f"{p}.yaml").write_text(
            f"id: {p}\nkind: city\nname: {{it: Città {i}, en: City {i}}}\ncountry: FR\n"
            f"location: {{lat: {rng.uniform(-60, 70):.4f}, lon: {rng.uniform(-180, 180):.4f}}}\n"
            f"description: {{it: Città partner numero {i}., en: Partner city number {i}.}}\n",
            encoding="utf-8")
    for page in ("about",):
        for lang in ("it", "en"):
            (root / "pages" / f"{page}.{lang}.md").write_text(
                f"---\ntitle: {page} {lang}\n---\nTesto.\n", encoding="utf-8")
    for i in range(n):
        aid = f"accordo-{i:05d}"
        year = 2000 + i % 25
        signed = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        folder = root / "agreements" / str(year)
        folder.mkdir(exist_ok=True)
        chosen = sorted(rng.sample(themes, rng.randint(1, 3)))
        (folder / f"{aid}.it.md").write_text(
            f"---\nid: {aid}\ntitle: Accordo di prova numero {i}\ntype: {rng.choice(TYPES)}\n"
            f"object: Collaborazione numero {i}.\npartners: [{partners[i % len(partners)]}]\n"
            f"themes: [{', '.join(chosen)}]\nsigned: {signed}\nduration: P{rng.randint(1, 4)}Y\n"
            f"sources:\n  - {{title: Delibera n. {i}}}\n---\n"
            + _body(rng, WORDS_IT, "Art."), encoding="utf-8")
        (folder / f"{aid}.en.md").write_text(
            f"---\ntitle: Test agreement number {i}\nobject: Collaboration number {i}.\n---\n"
            + _body(rng, WORDS_EN, "Art."), encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
