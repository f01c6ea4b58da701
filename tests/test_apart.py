"""Work in a forked child (a one-off build's update): its value or its exception comes back,
and the child never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from accordi import apart
from tests.conftest import ROOT


def test_the_value_comes_back_and_the_work_ran_elsewhere():
    here = os.getpid()
    pid, value = apart.run(lambda: (os.getpid(), {"pages": [1, 2, 3]}))
    assert pid != here and value == {"pages": [1, 2, 3]}


def test_an_exception_is_raised_here_with_the_childs_traceback():
    def work():
        raise KeyError("missing-record")

    with pytest.raises(KeyError, match="missing-record") as info:
        apart.run(work)
    assert isinstance(info.value.__cause__, apart.ChildError)
    assert "in work" in str(info.value.__cause__)


def test_an_exception_that_does_not_pickle_still_comes_back_as_text():
    class Local(Exception):  # a local class cannot be pickled
        pass

    def work():
        raise Local("cannot travel")

    with pytest.raises(apart.ChildError, match="cannot travel"):
        apart.run(work)


def test_what_either_process_printed_is_written_once():
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from accordi import apart
        print("before the child")
        apart.run(lambda: print("from the child"))
        print("after the child")
    """)
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=buffered, check=True).stdout  # a pipe: block-buffered
    assert out.splitlines() == ["before the child", "from the child", "after the child"]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _kill_starter(script: str, marker: Path) -> tuple[int, int, bool]:
    """Run `script`, which starts a process that writes its pid into `marker`, and SIGKILL
    the script's process once it has: (the script's pid, the parent pid of the process it
    started, whether that process is still alive after up to 10 s)."""
    starter = subprocess.Popen([sys.executable, "-c", script])
    pid = None
    try:
        for _ in range(500):
            if marker.exists() and marker.read_text().strip():
                break
            time.sleep(0.02)
        pid = int(marker.read_text())
        assert _alive(pid)
        with open(f"/proc/{pid}/stat") as f:
            parent = int(f.read().split(") ")[1].split()[1])
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        for _ in range(500):
            if not _alive(pid):
                break
            time.sleep(0.02)
        return starter.pid, parent, _alive(pid)
    finally:
        starter.kill()
        if pid and _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal "
                    "is Linux's; elsewhere a killed build's child ends with its work")
def test_the_child_dies_when_its_parent_is_killed(tmp_path: Path):
    marker = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from accordi import apart
        def work():
            open({str(marker)!r}, "w").write(str(os.getpid()))
            time.sleep(600)
        apart.run(work)
    """)
    _, _, alive = _kill_starter(script, marker)
    assert not alive, "the child outlived its killed parent"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal "
                    "is Linux's")
def test_a_guarded_program_started_from_a_thread_dies_with_its_caller(tmp_path: Path):
    marker = tmp_path / "program.pid"
    script = textwrap.dedent(f"""
        import subprocess, sys, threading
        sys.path.insert(0, {str(ROOT)!r})
        from accordi import apart
        command = ["/bin/sh", "-c", "echo $$ > {marker}; exec sleep 600"]
        worker = threading.Thread(target=subprocess.run, args=(apart.guarded(command),))
        worker.start()
        worker.join()
    """)
    caller, parent, alive = _kill_starter(script, marker)
    assert parent == caller  # the program became the process the caller started
    assert not alive, "the program outlived its killed caller"
