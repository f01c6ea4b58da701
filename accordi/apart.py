"""Work done in a forked child process that never outlives the process that wants it.

A build killed at any moment must leave nothing running: a child still writing into a
staging folder, or holding the lock of the output's folder, would stall or spoil the next
build. On Linux the system kills such a child as soon as its parent dies, and `guarded()`
asks the same for a program the build runs (the search indexer).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import NamedTuple, TypeVar

T = TypeVar("T")


class _Failure(NamedTuple):
    """How the work failed, as the child sends it: its exception (None when that does not
    pickle) and the child's traceback."""

    exc: BaseException | None
    trace: str

_PR_SET_PDEATHSIG = 1


class ChildError(Exception):
    """The traceback of an exception raised in the child (the cause of the one re-raised)."""


def die_with_parent(parent: int | None = None) -> None:
    """Ask the system to kill this process when its parent dies (Linux; elsewhere nothing).

    `parent`: the pid expected as parent, to catch one that died before the request.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def guarded(command: list[str]) -> list[str]:
    """`command` as run by a small Python process that asks to die with the process calling
    this, then becomes the program (the request survives `exec`).

    For programs started from threads, where a `preexec_fn` is unsafe. The request is tied
    to the thread that starts the program: it must wait for it (as `subprocess.run` does).
    """
    return [sys.executable, "-I", "-S", __file__, str(os.getpid()), *command]


def _defer_full_collections() -> None:
    """A child lives for one piece of work and gives all its memory back when it ends, so
    the collector's full passes over the millions of objects a large site holds would only
    cost time: the cycles it finds are few, and young (the young generations are collected
    as usual). The processes it forks to share work out inherit the setting."""
    young0, young1, _ = gc.get_threshold()
    gc.set_threshold(young0, young1, 2**31 - 1)


def _flush_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def run(work: Callable[[], T]) -> T:
    """`work()` in a forked child: its value, or its exception raised here.

    Whatever the work held in memory goes back to the system when the child ends. The
    value must pickle.
    """
    parent = os.getpid()
    _flush_stdio()  # or what is waiting in this process's buffers would be written twice
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
        code = 1
        try:
            os.close(read)
            die_with_parent(parent)
            _defer_full_collections()
            outcome: tuple[bool, object]  # (True, the value) or (False, a _Failure)
            trace = ""
            try:
                outcome = (True, work())
            except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
                trace = traceback.format_exc()
                outcome = (False, _Failure(exc, trace))
            try:
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - a value or an exception that does not pickle
                data = pickle.dumps((False, _Failure(None, trace + traceback.format_exc())))
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0
        finally:
            _flush_stdio()  # what the work printed: exiting this way flushes nothing
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise ChildError(f"the child process ended without an answer (wait status {status})")
    ok, value = pickle.loads(data)
    if ok:
        return value
    if value.exc is None:
        raise ChildError(value.trace)
    raise value.exc from ChildError(value.trace)


if __name__ == "__main__":  # pragma: no cover - run by guarded(), as a separate process
    die_with_parent(int(sys.argv[1]))
    os.execv(sys.argv[2], sys.argv[2:])
