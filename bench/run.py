"""`make bench`: cold, warm and one-file-edit builds of synthetic corpora, with peak memory.

    python -m bench.run                 # N = 1,000 and 10,000
    python -m bench.run 200 --runs 1    # any sizes, fewer runs

Each figure is the median of several runs. Cold: empty cache and output. Warm: the same
build again, nothing changed (it finds so from the files' sizes and times alone). Touched:
the same again after every content file got a new modification time, bytes unchanged (as
after a checkout), so every file is read again, from the cache. Peak memory: the whole
build, workers and indexer included (see bench/measure.py). Edit: one agreement changed,
rebuilt the way the live server does it (a long-lived builder, in process): a paragraph of
its text, or its title in the front matter. The edit's figure is the time until its pages
are published (the live server then reloads the tabs); the rest it changes (lists, feeds,
data files) is made after, and "rest" is the time that takes. The floor is what
Python-Markdown alone takes to convert every body on this machine, shared by its cores.
Tests run this at a tiny size to prove it works; they never assert its timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown

from accordi import anchors, deeplinks, manifest
from accordi.cli import load_site
from accordi.config import PROJECT_ROOT, Paths
from accordi.errors import ErrorCollector
from accordi.incremental import IncrementalSession
from accordi.published import MANIFEST, record
from accordi.serve import IdleCollector, Live
from accordi.session import Job
from bench.generate import generate


def measured_build(content: Path, output: Path, cache: Path, jobs: int) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.measure", str(content), str(output),
                           str(cache), str(jobs)], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


AS_OF = dt.date(2026, 1, 1)

EDITS = {  # what an editor changes: a paragraph of the text, or a field of the front matter
    "text": lambda text, i: text.replace("## Art. 1 —", f"Modifica {i}.\n\n## Art. 1 —", 1),
    "data": lambda text, i: text.replace("title: Accordo di prova", f"title: Accordo {i}", 1),
}


def edit_times(content: Path, work: Path, runs: int) -> dict[str, list[float]]:
    """Seconds per one-file rebuild in a long-lived builder, as the live server runs it
    (no tab open): until the edited pages are out, and then for the rest."""
    workers = os.cpu_count() or 1
    paths = Paths(content=content, output=work / "edit-out", cache=work / "edit-cache")
    live = Live(Job(paths, AS_OF, workers=workers),
                IncrementalSession(paths, workers, paths.cache, lasting=True))
    collector = IdleCollector()  # the server collects garbage between edits, so does this
    with collector.deferred():
        live.refresh()
        collector.collect()
        target = sorted((content / "agreements").rglob("*.it.md"))[
            len(live.session.ledger.files) % 7]
        original = target.read_text(encoding="utf-8")
        times: dict[str, list[float]] = {k: [] for kind in EDITS for k in (kind, kind + "+")}
        try:
            for kind, edit in EDITS.items():
                for i in range(runs + 1):  # a kind's first edit also undoes the other kind's
                    target.write_text(edit(original, i), encoding="utf-8")
                    started = time.perf_counter()
                    made = live.refresh(first=set())
                    shown = time.perf_counter()
                    live.finish()
                    if i:
                        times[kind].append(shown - started)
                        times[kind + "+"].append(time.perf_counter() - shown)
                    assert not isinstance(made, ErrorCollector), made.report()
                    assert made.rendered >= 1 and not live.unfinished
                    collector.collect()  # the idle time before the next edit
        finally:
            target.write_text(original, encoding="utf-8")
            live.session.store and live.session.store.close()
    return times


def markdown_seconds(corpus: Path, sample: int = 200) -> float:
    """Seconds Python-Markdown alone takes for one body of the corpus, on one core."""
    files = sorted(corpus.rglob("*.md"))[:sample]
    bodies = [f.read_text(encoding="utf-8").split("\n---\n", 1)[1] for f in files]
    converter = markdown.Markdown()
    started = time.perf_counter()
    for body in bodies:
        converter.reset().convert(body)
    return (time.perf_counter() - started) / len(bodies)


def touch(corpus: Path) -> None:
    """Give every content file a new modification time, bytes unchanged (as a checkout
    of another branch and back does): the build must read them all again."""
    for path in corpus.rglob("*"):
        if path.is_file():
            os.utime(path)


def settle(corpus: Path) -> None:
    """List the corpus's page addresses and anchors, as its first build would (the build
    reads those files too): every measured build then starts from the same content."""
    site, errors = load_site(Paths(content=corpus, output=corpus / "unused"), AS_OF)
    assert site is not None, errors.report()
    record(corpus, set(manifest.published(site)))
    anchors.record(corpus, deeplinks.current_anchors(site))


def bench(n: int, runs: int, jobs: int, keep: Path) -> dict:
    corpus = keep / f"corpus-{n}"
    if not (corpus / MANIFEST).exists():
        shutil.rmtree(corpus, ignore_errors=True)
        generate(n, corpus)
        settle(corpus)
    with tempfile.TemporaryDirectory(prefix="accordi-bench-") as tmp:
        work = Path(tmp)
        cold, warm, touched = [], [], []
        for i in range(runs):
            out, cache = work / f"out{i}", work / f"cache{i}"
            cold.append(measured_build(corpus, out, cache, jobs))
            warm.append(measured_build(corpus, out, cache, jobs))
            touch(corpus)
            touched.append(measured_build(corpus, out, cache, jobs))
        edits = edit_times(corpus, work, max(3, runs))
        floor = markdown_seconds(corpus) * len(list(corpus.rglob("*.md"))) / jobs
    return {
        "n": n, "pages": cold[0]["pages"],
        "cold": statistics.median(r["seconds"] for r in cold),
        "warm": statistics.median(r["seconds"] for r in warm),
        "warm_pages": max(r["pages"] for r in warm + touched),
        "touched": statistics.median(r["seconds"] for r in touched),
        "floor": floor, "text": statistics.median(edits["text"]),
        "data": statistics.median(edits["data"]),
        "text_rest": statistics.median(edits["text+"]),
        "data_rest": statistics.median(edits["data+"]),
        "peak": max(r["peak_mb"] for r in cold + warm + touched),
        "search": max(r["search_mb"] for r in cold + warm + touched),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--corpora", type=Path, default=PROJECT_ROOT / ".cache" / "bench")
    args = p.parse_args(argv)
    args.corpora.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, build with {args.jobs} processes, "
          f"median of {args.runs} runs")
    print(f"{'agreements':>10} {'pages':>7} {'floor s':>8} {'cold s':>8} {'warm s':>8} "
          f"{'touched s':>10} "
          f"{'edit text s':>12} {'rest s':>7} "
          f"{'edit data s':>12} {'rest s':>7} {'peak MB':>9} {'of it Pagefind':>14}")
    for n in args.sizes:
        r = bench(n, args.runs, args.jobs, args.corpora)
        print(f"{r['n']:>10,} {r['pages']:>7,} {r['floor']:>8.2f} {r['cold']:>8.2f} "
              f"{r['warm']:>8.2f} {r['touched']:>10.2f} "
              f"{r['text']:>12.3f} {r['text_rest']:>7.3f} {r['data']:>12.3f} "
              f"{r['data_rest']:>7.3f} {r['peak']:>9.0f} "
              f"{r['search']:>14.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
