"""The preview's HTTP side: which file a request path names, who may ask, and HEAD.

Requests come from a browser on the editor's machine, but also from whatever else can reach
the port: link checkers, `curl -I`, and pages of other sites. A path names a file of the
preview folder or nothing (never a 500, whatever bytes it holds); only GET and HEAD are
answered; and unless the server was started with `--host`, only requests addressed to this
machine's own names are, so that a page of another site whose name was pointed at 127.0.0.1
(DNS rebinding) cannot read the unpublished preview or reach its reload channel.
"""

from __future__ import annotations

import ipaddress
from asyncio import Future
from collections.abc import Callable
from pathlib import Path
from typing import Any

from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer, LiveScriptInjector
from tornado import escape, httputil, web

METHODS = ("GET", "HEAD")
NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)


class BadPath(ValueError):
    """A request path that no file name can hold (a NUL byte, bytes that are not UTF-8)."""


def place(root: Path, path_info: str) -> Path | None:
    """Where under `root` (resolved) the request path points, whether or not a file is
    there yet; None when it points nowhere a published file can be.

    `path_info` is the WSGI path: already percent-decoded once, its bytes carried as Latin-1
    characters. It is decoded once more only as UTF-8, never percent-decoded again (`%2e%2e`
    stays a name, not `..`). Hidden names (`.x`, and so `..`) are never published.
    """
    try:
        path = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadPath("the path is not UTF-8") from None
    if "\0" in path:
        raise BadPath("the path holds a NUL byte")
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if any(p.startswith(".") or len(p.encode("utf-8")) > NAME_MAX for p in parts):
        return None
    try:
        target = root.joinpath(*parts).resolve()
    except (OSError, RuntimeError):  # a name too long for the system, a loop of links
        return None
    return target if target.is_relative_to(root) else None


def existing(target: Path) -> Path | None:
    """The file to serve for `target`: itself, or its `index.html` if it is a folder."""
    try:
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None
    except OSError:
        return None


def plain(start_response: Callable, status: str, text: str,
          headers: tuple[tuple[str, str], ...] = ()) -> list[bytes]:
    """A short plain-text answer."""
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Cache-Control", "no-store"), *headers])
    return [text.encode("utf-8")]


def loopback(host_name: str) -> bool:
    """`host_name` (from a Host header, without the port) names this machine."""
    name = host_name.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


REFUSED = ("This preview answers only at this machine's own names (127.0.0.1, localhost).\n"
           "To reach it under another name, start it with --host.\n")


class _LoopbackOnly(web.RequestHandler):
    """Put before a handler class: it answers 400 to a request addressed to a name other
    than loopback, and leaves the others to that handler."""

    def prepare(self) -> Any:
        if not loopback(self.request.host_name):
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(REFUSED)
            return None
        return super().prepare()


def checked(handler: type[web.RequestHandler]) -> type[web.RequestHandler]:
    """`handler`, answering 400 to a request addressed to a name other than loopback."""
    return type(f"Checked{handler.__name__}", (_LoopbackOnly, handler), {})


class _Headers(httputil.HTTPConnection):
    """A connection that sends the headers it is given and no body: the answer to HEAD
    (the headers, Content-Length among them, are those of the answer to GET)."""

    def __init__(self, connection: httputil.HTTPConnection) -> None:
        self._connection = connection

    def write_headers(self, start_line: Any, headers: httputil.HTTPHeaders,
                      chunk: bytes | None = None) -> Future[None]:
        return self._connection.write_headers(start_line, headers)

    def write(self, chunk: bytes) -> Future[None]:
        return self._connection.write(chunk)

    def finish(self) -> None:
        self._connection.finish()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class Container(LiveScriptContainer):
    """livereload's WSGI container, answering HEAD with GET's headers and no body."""

    def __call__(self, request: httputil.HTTPServerRequest) -> None:
        if request.method == "HEAD" and request.connection is not None:
            request.connection = _Headers(request.connection)
        super().__call__(request)


class PreviewServer(Server):
    """livereload's server with `Container` for the preview, every handler behind the host
    check when `check_host`, and nothing else changed."""

    def __init__(self, app: Callable, check_host: bool = True) -> None:
        super().__init__(app)
        self.check_host = check_host

    def application(self, port: int, host: str, liveport: int | None = None,
                    debug: bool | None = None, live_css: bool = True) -> None:
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        script = escape.utf8(LIVE_SCRIPT)
        guard = checked if self.check_host else (lambda handler: handler)
        handlers: list[tuple[str, Any] | tuple[str, Any, dict[str, Any]]] = [
            (r"/livereload", guard(LiveReloadHandler)),
            (r"/forcereload", guard(ForceReloadHandler)),
            (r"/livereload.js", guard(LiveReloadJSHandler)),
            (r".*", guard(web.FallbackHandler), {"fallback": Container(self.app, script)})]

        class Transform(LiveScriptInjector):
            pass

        Transform.script = script
        web.Application(handlers=handlers, debug=bool(debug), transforms=[Transform]
                        ).listen(port, address=host)


# The snippet livereload adds to every HTML page (as its own server writes it): the preview
# allows this one inline script by its hash (see accordi.serve).
LIVE_SNIPPET = (
    '(function(){var s=document.createElement("script");'
    'var port=(window.location.port || (window.location.protocol == \'https:\' ? 443: 80));'
    's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
    'document.head.appendChild(s);})();'
)
LIVE_SCRIPT = f'<script type="text/javascript">{LIVE_SNIPPET}</script>'
