"""Serve a built site under a sub-path, the way a static host would (GitHub Pages style).

`/prefix/x/` serves `x/index.html`; anything outside the prefix or missing gets the site's
404.html with status 404. Used by the browser tests and the link crawl.
"""

from __future__ import annotations

import mimetypes
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class SiteServer:
    """A static file server on 127.0.0.1 with a free port, in a background thread."""

    def __init__(self, root: Path, prefix: str = "/accordi/"):
        self.root, self.prefix = root.resolve(), prefix
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                status, body, ctype = server.resolve(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A browser that stops reading (navigation, closed tab) is not an error here.
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/prefix/`."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"

    def resolve(self, raw_path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) for a request path."""
        path = unquote(urlsplit(raw_path).path)
        if path.startswith(self.prefix):
            rel = path[len(self.prefix):]
            target = (self.root / rel).resolve()
            if target.is_dir():
                target = target / "index.html"
            if target.is_file() and target.is_relative_to(self.root):
                ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if ctype.startswith("text/") or ctype in ("application/javascript",
                                                          "image/svg+xml"):
                    ctype += "; charset=utf-8"
                return 200, target.read_bytes(), ctype
        return 404, (self.root / "404.html").read_bytes(), "text/html; charset=utf-8"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
