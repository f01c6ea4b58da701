"""The benchmark runs (at a tiny size): its corpus is valid content and its table prints."""

from __future__ import annotations

import datetime as dt

from accordi.cli import build_once, load_site
from accordi.config import Paths
from bench import run
from bench.generate import generate


def test_the_synthetic_corpus_is_valid_and_shaped_like_real_protocols(tmp_path):
    content = generate(40, tmp_path / "content")
    site, errors = load_site(Paths(content=content, output=tmp_path / "o"),
                                      dt.date(2026, 1, 1))
    assert site is not None, errors.report()
    assert len(site.agreements) == 40 and len(site.themes) == 20 and len(site.partners) == 2
    assert all(set(a.bodies) == {"it", "en"} for a in site.agreements.values())
    words = len(next(iter(site.agreements.values())).bodies["it"].text.split())
    assert 500 < words < 1500


def test_the_benchmark_prints_its_table(tmp_path, capsys):
    assert run.main(["12", "--runs", "1", "--corpora", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("machine: ")
    row = out[2].split()
    assert row[0] == "12" and int(row[1].replace(",", "")) > 24
    assert len(row) == 12 and all(float(x) > 0 for x in row[2:7])
    assert float(row[8]) > 0 and float(row[9]) > 0  # a title edit, and the lists after it


def test_a_settled_corpus_lists_every_address_its_build_publishes(tmp_path):
    content = generate(12, tmp_path / "content")
    run.settle(content)
    paths = Paths(content=content, output=tmp_path / "out", cache=tmp_path / "cache")
    first = build_once(paths, run.AS_OF)
    assert not first.notes, first.notes
    assert build_once(paths, run.AS_OF).inputs_unchanged  # so warm runs measure that
