"""Work shared out among forked processes, one per core, that die with the build.

The processes inherit the building process's memory (the site, the outputs to make) when
they are forked, so nothing but the chunks' numbers goes to them and only their results
come back, through a pipe each. Each asks the system to kill it when its parent dies: a
killed build leaves no worker running (nor any helper process: no queue or lock of
`multiprocessing` is used, which would start one).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import struct
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from .. import apart
from ..errors import ContentFailure

T = TypeVar("T")
R = TypeVar("R")
HEADER = struct.Struct("!Q")  # the length of the message that follows


class WorkerError(Exception):
    """A worker failed: its traceback, or how it ended."""


def forks(workers: int) -> bool:
    """Work may go to forked processes: there are several cores to use, and fork."""
    return workers > 1 and os.name == "posix"


def _send(fd: int, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> Any:
    """What the other end sent (whatever it pickled)."""
    def exactly(n: int) -> bytes:
        parts, left = [], n
        while left:
            part = os.read(fd, min(left, 1 << 20))
            if not part:
                raise EOFError
            parts.append(part)
            left -= len(part)
        return b"".join(parts)
    (length,) = HEADER.unpack(exactly(HEADER.size))
    return pickle.loads(exactly(length))


def _serve(work: Callable[[T], R], chunks: Sequence[T], tasks: int, results: int,
           parent: int) -> None:  # pragma: no cover - runs in the forked worker
    apart.die_with_parent(parent)
    code = 0
    try:
        while (i := _receive(tasks)) is not None:
            try:
                _send(results, (True, work(chunks[i])))
            except ContentFailure as failure:  # an editor's mistake (a template's), told
                _send(results, (False, failure))
            except BaseException:  # noqa: BLE001 - every failure goes to the parent
                _send(results, (False, traceback.format_exc()))
    except BaseException:  # noqa: BLE001 - the parent went away
        code = 1
    finally:
        os._exit(code)


def fork_map(work: Callable[[T], R], chunks: Sequence[T], workers: int) -> Iterator[R]:
    """`work(chunk)` for every chunk, in `workers` forked processes, as they are done.

    The parent's objects are set aside from the garbage collector first: it would write to
    every object it looks at, and so copy into each process the memory they share."""
    parent, started = os.getpid(), []
    gc.freeze()
    try:
        for _ in range(min(workers, len(chunks))):
            task_r, task_w = os.pipe()
            result_r, result_w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker
                os.close(task_w)
                os.close(result_r)
                _serve(work, chunks, task_r, result_w, parent)
            os.close(task_r)
            os.close(result_w)
            started.append((pid, task_w, result_r))
    finally:
        gc.unfreeze()
    try:
        yield from _share(started, len(chunks))
    finally:
        for pid, task_w, result_r in started:
            for fd in (task_w, result_r):
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _share(started: list[tuple[int, int, int]], count: int) -> Iterator[R]:
    """Hand out chunk numbers, one to a worker at a time, and yield the results."""
    following = iter(range(count))
    busy: dict[int, int] = {}  # result pipe -> task pipe
    for _, task_w, result_r in started:
        _send(task_w, next(following))
        busy[result_r] = task_w
    done = 0
    while done < count:
        ready, _, _ = select.select(list(busy), [], [])
        for result_r in ready:
            try:
                ok, value = _receive(result_r)
            except EOFError:
                raise WorkerError("a worker process ended before its work was done") from None
            if not ok:
                if isinstance(value, ContentFailure):
                    raise value
                raise WorkerError(value)
            done += 1
            task = next(following, None)
            _send(busy[result_r], task)
            if task is None:  # that worker ends: its pipe has nothing more to say
                del busy[result_r]
            yield value
