"""The web editor in the live preview: its files at /admin/, saving through the local
backend to the working copy the content is in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

from . import local
from .config import local as local_backend
from .files import content_type, files

NOT_INSTALLED = """<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">
<title>Redazione</title><body><main><h1>L’editor web non è installato</h1>
<p>{why}.</p><p>Con <code>make serve</code> si installa da sé; i contenuti si possono
sempre modificare come file di testo in <code>content/</code>.</p></main></body></html>"""


class AdminSite:
    """The editor's files at /admin/, in front of the preview (which never reloads them:
    an edit in progress stays on the page while the site behind it is rebuilt). Served
    also while the content has errors: the editor is a way to fix them."""

    def __init__(self, found: dict[str, bytes | Path], preview: Callable) -> None:
        self.files, self.preview = found, preview

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = unquote(environ.get("PATH_INFO", "/"))
        if path == "/admin":
            start_response("301 Moved Permanently", [("Location", "/admin/")])
            return [b""]
        if not path.startswith("/admin/"):
            return self.preview(environ, start_response)
        rel = path[len("/admin/"):] or "index.html"
        found = self.files.get(rel)
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"not found"]
        data = found if isinstance(found, bytes) else found.read_bytes()
        if rel.endswith(".js"):  # livereload adds its script before any `</head>` it sees
            data = data.replace(b"</head>", b"<\\/head>")  # the same in JavaScript
        start_response("200 OK", [("Content-Type", content_type(rel)),
                                  ("Cache-Control", "no-store")])
        return [data]


def serving(preview: Callable, content: Path, site_url: str) -> AdminSite:
    """The preview with the editor in front of it at /admin/, its local backend started.
    `preview.log` says where the editor saves, or why it cannot."""
    log = getattr(preview, "log", print)
    repo = local.repository(content)
    try:
        backend = local.start(repo)
    except local.NotInstalled as missing:
        log(f"web editor: {missing}")
        page = NOT_INSTALLED.replace("{why}", str(missing)).encode("utf-8")
        return AdminSite({"index.html": page}, preview)
    log(f"web editor on {site_url}admin/ (saving to {repo.root}; local backend on "
        f"{backend.api})")
    return AdminSite(files(local_backend(backend.api, repo.folder, site_url), "Accordi"),
                     preview)
