"""Site settings: content/site.yaml plus command-line overrides, frozen for one build."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE.parent
# The default theme: package data once installed (the wheel carries this repository's
# top-level templates/ and assets/ as accordi/theme/), the top-level folders here.
THEME = PACKAGE / "theme" if (PACKAGE / "theme").is_dir() else PROJECT_ROOT


@dataclass(frozen=True)
class Paths:
    """Where the build reads and writes.

    `templates` and `assets` are the default theme's folders; a site folder (`site`) may
    hold `templates/`, `assets/` and `messages/` of its own, whose files replace the
    theme's files of the same name: the `*_folders` properties are the chains every lookup
    goes through, the site's first.
    """

    content: Path
    output: Path
    templates: Path = THEME / "templates"
    assets: Path = THEME / "assets"
    cache: Path | None = None  # persistent build cache; None builds from scratch
    site: Path | None = None   # the site folder whose overrides apply; None: the theme alone

    def _chain(self, name: str, theme: Path | None) -> tuple[Path, ...]:
        own = self.site / name if self.site is not None else None
        found = [p for p in (own, theme) if p is not None]
        if own is not None and theme is not None and own.absolute() == theme.absolute():
            found = [theme]  # this repository: the site's folder is the theme's source
        return tuple(p for p in found if p.is_dir() or p is theme)

    @property
    def template_folders(self) -> tuple[Path, ...]:
        """Where templates are looked up, the site's first (a Jinja loader chain)."""
        return self._chain("templates", self.templates)

    @property
    def asset_folders(self) -> tuple[Path, ...]:
        """Where assets are looked up, the site's first."""
        return self._chain("assets", self.assets)

    @property
    def message_folders(self) -> tuple[Path, ...]:
        """The site's own interface wording (`messages/<lang>.yaml`), when it has some;
        the package's messages (`accordi/locales/`) stand behind them."""
        return self._chain("messages", None)


@dataclass(frozen=True)
class Settings:
    """Everything a build needs to know besides the content records."""

    title: dict[str, str]
    tagline: dict[str, str]
    owner_id: str
    owner_name: dict[str, str]
    languages: tuple[str, ...]
    base_url: str
    licence: dict[str, Any]
    contact: dict[str, Any]
    as_of: dt.date
    catalogue: dict[str, Any] = field(default_factory=dict)  # site.yaml `catalogue`
    logo: str | None = None  # site.yaml `logo`: a file of the site's assets, beside its name
    colours: dict[str, str] = field(default_factory=dict)  # site.yaml `colours`
    cms: dict[str, Any] = field(default_factory=dict)  # site.yaml `cms`: the web editor
    owner_location: tuple[float, float] | None = None  # (lat, lon) of the owner's city
    owner_city: dict[str, str] = field(default_factory=dict)  # its name, for the map
    drafts: bool = False  # the preview's: records marked `draft: true` are part of the site

    @property
    def source_lang(self) -> str:
        """Italian: every fact is recorded first in this language."""
        return self.languages[0]

    @property
    def base_path(self) -> str:
        """The sub-path the site is served under, `/` or `/accordi/`."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        """Scheme and host of the public site."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def as_text(value: Any) -> dict[str, str]:
    """A schema `text` (one string, or one per language) as a language -> string mapping."""
    return {"it": value} if isinstance(value, str) else dict(value)


def normalise_base_url(url: str) -> str:
    """Accept a base URL with or without its closing slash."""
    return url if url.endswith("/") else url + "/"


BASE_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


def reference_date(option: str | None = None) -> dt.date:
    """The day statuses are computed for: `--as-of`, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if option:
        return dt.date.fromisoformat(option)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def settings_from(site: dict[str, Any], as_of: dt.date, base_url: str | None = None,
                  drafts: bool = False) -> Settings:
    """Freeze validated site.yaml data, applying a `--base-url` override; `drafts` keeps
    the records marked as drafts in the site (the preview), else they are left out."""
    return Settings(
        title=as_text(site["title"]),
        tagline=as_text(site.get("tagline", "")) if site.get("tagline") else {},
        owner_id=site["owner"]["id"],
        owner_name=as_text(site["owner"]["name"]),
        languages=tuple(site["languages"]),
        base_url=normalise_base_url(base_url or site["base_url"]),
        licence={**site["licence"], "name": as_text(site["licence"]["name"])},
        contact={**site.get("contact", {}),
                 **({"name": as_text(site["contact"]["name"])}
                    if site.get("contact", {}).get("name") else {})},
        as_of=as_of,
        catalogue={**site.get("catalogue", {}),
                   **({"office": as_text(site["catalogue"]["office"])}
                      if site.get("catalogue", {}).get("office") else {})},
        logo=site.get("logo"),
        colours=dict(site.get("colours", {})),
        cms=dict(site.get("cms", {})),
        drafts=drafts,
        owner_location=((site["owner"]["location"]["lat"], site["owner"]["location"]["lon"])
                        if site["owner"].get("location") else None),
        owner_city=as_text(site["owner"]["city"]) if site["owner"].get("city") else {},
    )
