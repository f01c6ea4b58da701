"""The web editor's configuration (Decap CMS's `config.yml`), made from the content schema.

One collection per kind of file: agreements (the Italian facts and the English twin, one
file per language through the editor's i18n), partners, the thematic areas, the free pages
and the site's settings. Nothing in it is written by hand: the fields come from
`fields.py`, the folders from where the content is in its git repository, and the backend
from where the editor saves: the preview's local backend on this computer, or the git host
that site.yaml's `cms` names for the published site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fields import Made, fields_of, key_order

LOCALES = ["it", "en"]
FORMATS = {"agreements": "accordi-agreement", "partners": "accordi-partner",
           "themes": "accordi-themes", "pages": "accordi-page", "site": "accordi-site"}


@dataclass(frozen=True)
class Backend:
    """Where the editor reads and saves the content files."""

    settings: dict[str, Any]  # Decap's `backend`
    folder: str               # the content folder's path in the repository
    site_url: str             # the site the editor's "view" links open
    connect: tuple[str, ...] = ()  # origins the editor talks to, besides its own
    workflow: bool = False  # changes on branches of their own, published when approved


def local(api: str, folder: str, site_url: str) -> Backend:
    """The live preview's: decap-server at `api` (on loopback) writing to the working copy."""
    origin = api.split("/api/", 1)[0]
    return Backend({"name": "proxy", "proxy_url": api, "branch": "main"}, folder, site_url,
                   (origin,))


def published(cms: dict[str, Any], site_url: str) -> Backend:
    """The published site's: the git host of site.yaml's `cms`."""
    name = cms["backend"]
    settings: dict[str, Any] = {"name": name, "repo": cms["repo"],
                                "branch": cms.get("branch", "main")}
    for key in ("base_url", "auth_endpoint", "api_root", "app_id"):
        if key in cms:
            settings[key] = cms[key]
    if name == "gitlab" and "app_id" in cms:
        settings["auth_type"] = "pkce"
    api = cms.get("api_root") or {"github": "https://api.github.com",
                                  "gitlab": "https://gitlab.com"}[name]
    origins = {_origin(api)} | ({_origin(cms["base_url"])} if "base_url" in cms else set())
    return Backend(settings, cms.get("folder", "content"), site_url, tuple(sorted(origins)),
                   bool(cms.get("editorial_workflow")))


def _origin(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _i18n(made: Made, translated: set[str]) -> Made:
    for f in made.widget["fields"]:
        f["i18n"] = f["name"] in translated
    return made


def agreements() -> Made:
    """The agreement's facts and, translated, what its English twin holds: a field only the
    twin has goes after the one before it in the twin."""
    twin_order, order = key_order("agreementTranslation"), key_order("agreement")
    for i, key in enumerate(twin_order):
        if key not in order:
            order.insert(order.index(twin_order[i - 1]) + 1 if i else 0, key)
    facts, twin = fields_of("agreement"), fields_of("agreementTranslation")
    widgets = {f["name"]: f for f in facts.widget["fields"]}
    for f in twin.widget["fields"]:
        widgets.setdefault(f["name"], {**f, "widget": "accordi-translation"})
    shape = {**facts.shape, "keys": order,
             "props": {**twin.shape["props"], **facts.shape["props"]}}
    made = Made({"fields": [widgets[k] for k in order]}, shape, facts.paths + twin.paths)
    return _i18n(made, set(twin_order))


def _body(label: str) -> dict[str, Any]:
    return {"name": "body", "label": label, "widget": "markdown", "required": False,
            "i18n": True, "modes": ["raw"]}


def collections(folder: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The editor's collections, and the shape of each kind of file by format name."""
    at = f"{folder}/" if folder else ""
    made = {"agreements": agreements(), "partners": fields_of("partner"),
            "themes": fields_of("theme"), "pages": _i18n(fields_of("page"), {
                "title", "description", "slug", "feedback"}), "site": fields_of("site")}
    common = {"create": True, "delete": False, "editor": {"preview": True}}
    result = [
        {"name": "agreements", "label": "Accordi", "label_singular": "accordo",
         "folder": f"{at}agreements", "extension": "md", "format": FORMATS["agreements"],
         "slug": "{{fields.id}}", "identifier_field": "id", "summary": "{{title}}",
         "sortable_fields": ["title", "signed"], "i18n": True, **common,
         "fields": made["agreements"].widget["fields"] + [_body("Testo")]},
        {"name": "partners", "label": "Partner", "label_singular": "partner",
         "folder": f"{at}partners", "extension": "yaml", "format": FORMATS["partners"],
         "slug": "{{fields.id}}", "identifier_field": "id", "summary": "{{name.it}}",
         **common, "fields": made["partners"].widget["fields"]},
        {"name": "themes", "label": "Ambiti tematici", "format": FORMATS["themes"],
         "delete": False, "editor": {"preview": False}, "files": [{
             "name": "themes", "label": "Ambiti tematici", "file": f"{at}themes.yaml",
             "fields": [{"name": "themes", "label": "Ambiti tematici", "widget": "list",
                         "min": 1, "summary": "{{fields.name.it}}", "collapsed": True,
                         "fields": made["themes"].widget["fields"]}]}]},
        {"name": "pages", "label": "Pagine", "label_singular": "pagina",
         "folder": f"{at}pages", "extension": "md", "format": FORMATS["pages"],
         "slug": "{{slug}}", "identifier_field": "title", "i18n": True, **common,
         "fields": made["pages"].widget["fields"] + [_body("Testo")]},
        {"name": "site", "label": "Impostazioni del sito", "format": FORMATS["site"],
         "delete": False, "editor": {"preview": False}, "files": [{
             "name": "site", "label": "Impostazioni del sito", "file": f"{at}site.yaml",
             "fields": made["site"].widget["fields"]}]},
    ]
    shapes = {FORMATS[name]: m.shape for name, m in made.items()}
    shapes[FORMATS["themes"]] = {"k": "list", "of": made["themes"].shape}
    return result, shapes


def paths() -> dict[str, list[str]]:
    """Every schema field each collection has a widget for (kind.field.subfield)."""
    return {"agreements": agreements().paths, "partners": fields_of("partner").paths,
            "themes": fields_of("theme").paths, "pages": fields_of("page").paths,
            "site": fields_of("site").paths}


def config(backend: Backend) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decap's configuration for `backend`, and the shapes of the files it writes."""
    folder = backend.folder.strip("/")
    found, shapes = collections(folder)
    settings: dict[str, Any] = {
        "locale": "it",
        "backend": backend.settings,
        "site_url": backend.site_url,
        "display_url": backend.site_url,
        "media_folder": f"{folder}/documents" if folder else "documents",
        "public_folder": "documents",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "i18n": {"structure": "multiple_files", "locales": LOCALES, "default_locale": "it"},
        "collections": found,
    }
    if backend.workflow:
        settings["publish_mode"] = "editorial_workflow"
    return settings, shapes


# How each format reads its files: their extension, whether they are Markdown with front
# matter, and the key of the form's value that holds a file that is one list.
FILES = {"accordi-agreement": ("md", True, None), "accordi-partner": ("yaml", False, None),
         "accordi-themes": ("yaml", False, "themes"), "accordi-page": ("md", True, None),
         "accordi-site": ("yaml", False, None)}


def formats(shapes: dict[str, Any]) -> dict[str, Any]:
    """What the editor's file format needs to know of each kind of file (shapes.json). An
    agreement's English twin (its file has no `id`) holds only what is translated: the
    form's hidden fact fields may hand it their values, and the build refuses them there."""
    found = {name: {"extension": ext, "front_matter": front, "list": key,
                    "shape": shapes[name]} for name, (ext, front, key) in FILES.items()}
    found["accordi-agreement"]["twin"] = key_order("agreementTranslation")
    return found
