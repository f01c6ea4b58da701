"""The files of the web editor under /admin/: its page, configuration and scripts, and the
vendored Decap CMS and YAML library, the same for the live preview and the published site."""

from __future__ import annotations

import html
import json
import mimetypes
from pathlib import Path

import yaml

from .config import Backend, config, formats

ADMIN = Path(__file__).with_name("admin")
VENDOR = Path(__file__).with_name("vendor")
TYPES = {".js": "text/javascript", ".wasm": "application/wasm", ".yml": "text/yaml",
         ".json": "application/json", ".css": "text/css", ".html": "text/html",
         ".txt": "text/plain"}


class _Dumper(yaml.SafeDumper):
    """Writes shared values out again instead of as YAML anchors."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def csp(backend: Backend) -> str:
    """The editor page's Content Security Policy: scripts from the site only, requests to
    the site and to the backend's own origins only. Decap CMS compiles the schema of its
    configuration at run time and styles its components inline."""
    connect = " ".join(("'self'", *backend.connect))
    return ("default-src 'self'; script-src 'self' 'unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            f"font-src 'self' data:; connect-src {connect} blob:; frame-src 'self' blob:; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'")


def page(backend: Backend, title: str) -> bytes:
    """The editor's page, with its policy and the site's title."""
    text = (ADMIN / "index.html").read_text(encoding="utf-8")
    policy = html.escape(csp(backend), quote=False).replace('"', "&quot;")
    return text.replace("{csp}", policy).replace("{title}", html.escape(title)).encode("utf-8")


def files(backend: Backend, title: str) -> dict[str, bytes | Path]:
    """Every file of /admin/, by its path under it: bytes made here, or a file to copy."""
    settings, shapes = config(backend)
    found: dict[str, bytes | Path] = {
        "index.html": page(backend, title),
        "config.yml": ("# Made by the site's build from accordi/content.schema.json: do not "
                       "edit.\n" + yaml.dump(settings, Dumper=_Dumper, allow_unicode=True,
                                             sort_keys=False, width=100)).encode("utf-8"),
        "shapes.json": json.dumps(formats(shapes), ensure_ascii=False, indent=1,
                                  sort_keys=True).encode("utf-8"),
    }
    for p in sorted(ADMIN.iterdir()):
        if p.is_file() and p.name != "index.html":
            found[p.name] = p
    for p in sorted(VENDOR.glob("*/**/*")):  # the libraries, each with its licence
        if p.is_file():
            found[f"vendor/{p.relative_to(VENDOR).as_posix()}"] = p
    return found


def content_type(name: str) -> str:
    """The type a file of /admin/ is served with."""
    kind = (TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0]
            or "application/octet-stream")
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else kind
