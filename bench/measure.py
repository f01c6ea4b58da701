"""One measured build in a fresh process: prints wall time and peak memory as JSON.

Memory is sampled four times a second over the whole process tree as proportional set size
(PSS: pages the rendering workers share with the build process count once, split between
them), so the figures add up to what the machine holds. Bundles Pagefind writes into a
memory-backed folder (`accordi.search.SCRATCH`) take memory too, outside any process: what
that file system holds beyond what it held at the start counts as Pagefind's. Reported: the
peak of the whole tree, and of the Pagefind indexer alone (a child process of its own).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path

from accordi import search
from accordi.cli import build_once
from accordi.config import Paths


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _scratch_mb() -> float:
    try:
        st = os.statvfs(search.SCRATCH)
    except OSError:
        return 0.0
    return (st.f_blocks - st.f_bfree) * st.f_frsize / 2**20


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


class Sampler(threading.Thread):
    """Peak PSS of this process and its descendants, and of Pagefind's among them."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.total = self.search = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        before = _scratch_mb()
        while not self.done.wait(0.25):
            held = max(0.0, _scratch_mb() - before)  # bundles in memory, not yet moved
            tree, total, indexer = [os.getpid()], held, held
            while tree:
                pid = tree.pop()
                pss = _pss_mb(pid)
                total += pss
                if _name(pid).startswith("pagefind"):
                    indexer += pss
                tree += _children(pid)
            self.total, self.search = max(self.total, total), max(self.search, indexer)


if __name__ == "__main__":
    content, output, cache, jobs = sys.argv[1:5]
    sampler = Sampler()
    sampler.start()
    started = time.perf_counter()
    report = build_once(Paths(content=Path(content), output=Path(output),
                                  cache=Path(cache)), dt.date(2026, 1, 1), workers=int(jobs))
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    print(json.dumps({"seconds": seconds, "pages": report.pages, "files": report.files,
                      "peak_mb": sampler.total, "search_mb": sampler.search}))
