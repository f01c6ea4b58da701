"""Work shared out among forked processes, one per core, that die with the build.

The processes inherit the building process's memory (the site, the outputs to make) when
they are forked, so nothing but the chunks' numbers goes to them and only their results
come back. Each asks the system to kill it when its parent dies: a killed build leaves no
worker running.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.queues
import os
import queue
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .. import apart
from ..errors import ContentFailure

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(Exception):
    """A worker failed: its traceback."""


def forks(workers: int) -> bool:
    """Work may go to forked processes: there are several cores to use, and fork."""
    return workers > 1 and os.name == "posix"


def fork_map(work: Callable[[T], R], chunks: Sequence[T], workers: int) -> Iterator[R]:
    """`work(chunk)` for every chunk, in `workers` forked processes, as they are done.

    The parent's objects are set aside from the garbage collector first: it would write to
    every object it looks at, and so copy into each process the memory they share."""
    context = multiprocessing.get_context("fork")
    tasks = context.SimpleQueue()
    results = context.Queue()
    parent = os.getpid()

    def serve() -> None:
        apart.die_with_parent(parent)
        while (i := tasks.get()) is not None:
            try:
                results.put((True, work(chunks[i])))
            except ContentFailure as failure:  # an editor's mistake (a template's), told
                results.put((False, failure))
            except BaseException:  # noqa: BLE001 - every failure goes to the parent
                results.put((False, traceback.format_exc()))

    gc.freeze()
    try:
        processes = [context.Process(target=serve, daemon=True) for _ in range(workers)]
        for p in processes:
            p.start()
    finally:
        gc.unfreeze()
    try:
        for i in range(len(chunks)):
            tasks.put(i)
        for _ in processes:
            tasks.put(None)
        for _ in chunks:
            ok, value = _next(results, processes)
            if isinstance(value, ContentFailure):
                raise value
            if not ok:
                raise WorkerError(value)
            yield value
    finally:
        for p in processes:
            if p.is_alive():
                p.terminate()
            p.join()


def _next(results: multiprocessing.queues.Queue, processes: list) -> tuple[bool, object]:
    """The next result; a worker that died without one fails the work."""
    while True:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise WorkerError(f"a worker process ended with code {dead[0].exitcode}"
                                  ) from None
