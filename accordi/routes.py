"""The router: the one place that decides every URL and every output path.

`url_for` and `output_path` read the same table, so an address and the file that serves it
can never drift apart. Section names are localised; record ids never are, so a permalink
survives a corrected title and the language switch always finds the twin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

# The folder Pagefind writes its index and scripts into, at the site's root.
SEARCH_BUNDLE = "pagefind"

# kind -> language -> path pattern below the language prefix ("" is the language home).
ROUTES: dict[str, dict[str, str]] = {
    "home": {"it": "", "en": ""},
    "agreements": {"it": "accordi/", "en": "agreements/"},
    "agreement": {"it": "accordi/{id}/", "en": "agreements/{id}/"},
    "partners": {"it": "partner/", "en": "partners/"},
    "partner": {"it": "partner/{id}/", "en": "partners/{id}/"},
    "themes": {"it": "temi/", "en": "themes/"},
    "theme": {"it": "temi/{id}/", "en": "themes/{id}/"},
    "timeline": {"it": "cronologia/", "en": "timeline/"},
    "search": {"it": "cerca/", "en": "search/"},
    "page": {"it": "{id}/", "en": "{id}/"},
    "notfound": {"it": "404.html", "en": "404.html"},
    "opendata": {"it": "dati-aperti/", "en": "open-data/"},
    # Atom feeds: every agreement, one partner's, one thematic area's.
    "feed": {"it": "accordi/feed.xml", "en": "agreements/feed.xml"},
    "partner_feed": {"it": "partner/{id}/feed.xml", "en": "partners/{id}/feed.xml"},
    "theme_feed": {"it": "temi/{id}/feed.xml", "en": "themes/{id}/feed.xml"},
}

# kind -> path at the site's root, for files that have no language.
FILES: dict[str, str] = {
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "data": "data/{id}",                        # agreements.csv, accordi.sqlite, ...
    "agreement_data": "data/agreements/{id}.json",
}


def reserved_segments() -> set[str]:
    """First path segments owned by a section: a page slug may not take them."""
    sections = {pattern.split("/")[0] for by_lang in ROUTES.values()
                for pattern in by_lang.values() if pattern and not pattern.startswith("{")}
    return sections | {"assets", "data", "documents", SEARCH_BUNDLE}


@lru_cache(maxsize=1 << 17)
def _route(kind: str, lang: str, id: str | None) -> str:
    """`it/accordi/x/`: the address of a page below the base path (remembered: every build
    asks for every page's address several times)."""
    try:
        pattern = ROUTES[kind][lang]
    except KeyError:
        raise KeyError(f"no route for {kind!r} in {lang!r}") from None
    if "{id}" in pattern:
        if not id or id in (".", ".."):
            raise ValueError(f"route {kind!r} needs an id, not {id!r}")
        pattern = pattern.replace("{id}", quote(id, safe=""))
    return f"{lang}/{pattern}"


@dataclass(frozen=True)
class Router:
    """Builds site-absolute URLs under the base path, and the files that serve them."""

    base_path: str          # "/" or "/accordi/"
    origin: str = ""        # "https://example.org", for canonical and feed URLs

    def _relative(self, kind: str, lang: str, id: str | None = None) -> str:
        return _route(kind, lang, id)

    def url_for(self, kind: str, lang: str, id: str | None = None, fragment: str = "") -> str:
        """Site-absolute URL (`/accordi/it/accordi/x/`), what links inside the site use."""
        url = self.base_path + self._relative(kind, lang, id)
        return f"{url}#{fragment}" if fragment else url

    def absolute_url(self, kind: str, lang: str, id: str | None = None,
                     fragment: str = "") -> str:
        """Full URL with scheme and host, for canonical links, citations and feeds."""
        return self.origin + self.url_for(kind, lang, id, fragment)

    def output_path(self, kind: str, lang: str, id: str | None = None) -> str:
        """File path inside the output folder that serves `url_for(kind, lang, id)`."""
        rel = self._relative(kind, lang, id)
        return rel + "index.html" if rel.endswith("/") else rel

    def _file(self, kind: str, id: str | None = None) -> str:
        pattern = FILES[kind]
        if "{id}" in pattern:
            if not id:
                raise ValueError(f"file {kind!r} needs an id")
            pattern = pattern.replace("{id}", quote(id, safe=""))
        return pattern

    def file_url(self, kind: str, id: str | None = None) -> str:
        """Site-absolute URL of a language-free file (`/accordi/data/agreements.csv`)."""
        return self.base_path + self._file(kind, id)

    def file_absolute(self, kind: str, id: str | None = None) -> str:
        """Full URL of a language-free file, for the sitemap, robots.txt and data records."""
        return self.origin + self.file_url(kind, id)

    def file_output(self, kind: str, id: str | None = None) -> str:
        """Path inside the output folder of a language-free file."""
        return self._file(kind, id)

    def asset(self, path: str) -> str:
        """URL of a file copied from assets/."""
        return f"{self.base_path}assets/{path}"

    def search_bundle(self, path: str = "") -> str:
        """URL of a file of the search index (`pagefind/pagefind.js`)."""
        return f"{self.base_path}{SEARCH_BUNDLE}/{path}"

    def document(self, path: str) -> str:
        """URL of an original document copied from content/documents/ (`documents/x.pdf`)."""
        return f"{self.base_path}{path}"

    def address_url(self, address: str) -> str:
        """URL of an address recorded as published (`/it/accordi/x/`, below the base path)."""
        return self.base_path + address.lstrip("/")

    def address_output(self, address: str) -> str:
        """Output file that serves a recorded address."""
        rel = address.lstrip("/")
        return rel + "index.html" if rel.endswith("/") or not rel else rel

    def root(self) -> str:
        """URL of the site's root, which leads to the Italian home."""
        return self.base_path
