"""The web editor's local backend for the live preview: decap-server (from tools/cms/),
listening on loopback only, reading and writing the content files of the git working copy
the content folder is in, with no account and no network.

It writes the files and commits nothing (its `fs` mode): the editor's changes show in
`git diff` like any other, to be reviewed and committed as usual.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..config import PROJECT_ROOT

SERVER = PROJECT_ROOT / "tools" / "cms" / "node_modules" / "decap-server" / "dist" / "index.js"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Repository:
    """The working copy the editor saves into, and where the content folder is in it."""

    root: Path
    folder: str  # the content folder's path under root, `content` for this project


def repository(content: Path) -> Repository:
    """The git working copy holding `content`; the folder above it when there is none."""
    content = content.resolve()
    try:
        top = subprocess.run(["git", "-C", str(content), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
        root = Path(top).resolve()
    except (OSError, subprocess.CalledProcessError):
        root = content.parent
    return Repository(root, content.relative_to(root).as_posix())


@dataclass
class LocalBackend:
    """A running decap-server and the address of its API."""

    process: subprocess.Popen
    api: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class NotInstalled(Exception):
    """node or decap-server is missing: the preview works without its editor."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start(repo: Repository, log: Path | None = None,
          wait: float = 15.0) -> LocalBackend:
    """Start decap-server on a free loopback port for `repo` (it accepts requests from
    pages on this computer only); stopped when this process ends."""
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        raise NotInstalled("the web editor's local backend is not installed: run `make cms` "
                           "(it installs decap-server from npm under tools/cms/)")
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": HOST, "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(repo.root), "LOG_LEVEL": "warn"}
    out = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen([node, str(SERVER)], cwd=SERVER.parent, env=env,
                               stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    backend = LocalBackend(process, f"http://{HOST}:{port}/api/v1")
    atexit.register(backend.stop)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NotInstalled(f"decap-server stopped at once (exit {process.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return backend
        except OSError:
            time.sleep(0.1)
    backend.stop()
    raise NotInstalled(f"decap-server did not answer on {HOST}:{port} within {wait:.0f} s")
