"""A link checker: follow every internal link from the homes, check pages, assets, fragments."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical", "alternate")):
                self.links.append((tag, a[key]))


@dataclass
class CrawlResult:
    """Pages reached and every problem found, as (page, link, reason)."""

    pages: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)
    broken: list[tuple[str, str, str]] = field(default_factory=list)
    external: list[tuple[str, str, str]] = field(default_factory=list)  # (page, tag, url)


def crawl(base_url: str, starts: list[str], public_base: str = "") -> CrawlResult:
    """Breadth-first crawl of everything under `base_url`.

    Absolute links under `public_base` (the site's public URL, as in permalinks) are checked
    against the local server, because they are the same site.
    """
    result = CrawlResult()
    pages: dict[str, _Links] = {}
    status: dict[str, int] = {}
    queue = deque(urljoin(base_url, s) for s in starts)
    fragments: list[tuple[str, str, str]] = []
    while queue:
        url = queue.popleft()
        if url in status:
            continue
        code, body, ctype = _fetch(url)
        status[url] = code
        if code != 200 or "text/html" not in ctype:
            if code == 200:
                result.assets.add(url)
            continue
        result.pages.add(url)
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser
        for doc, frag in _internal(result, url, parser.links, base_url, public_base):
            if doc not in status:
                queue.append(doc)
            fragments.append((url, doc, frag))
    for page, doc, frag in fragments:
        if status.get(doc) != 200:
            result.broken.append((page, doc, f"HTTP {status.get(doc)}"))
        elif frag and doc in pages and frag not in pages[doc].ids:
            result.broken.append((page, f"{doc}#{frag}", "no element with this id"))
    result.broken = sorted(set(result.broken))
    return result


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urlopen(url) as resp:  # noqa: S310 - local test server only
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except HTTPError as err:
        return err.code, b"", ""


def _internal(result: CrawlResult, page: str, links: list[tuple[str, str]], base_url: str,
              public_base: str) -> list[tuple[str, str]]:
    """The links of `page` to be followed, as (document, fragment): those to another
    origin are noted as external, those outside the site's sub-path as broken."""
    base_path = urlsplit(base_url).path
    local_origin = base_url[: -len(base_path)] if base_path != "/" else base_url[:-1]
    out = []
    for tag, link in links:
        if link.startswith(("mailto:", "tel:")):
            continue
        if public_base and link.startswith(public_base):
            link = base_url + link[len(public_base):]
        target = urljoin(page, link)
        if not target.startswith(local_origin):
            result.external.append((page, tag, link))
            continue
        if not target.startswith(base_url):
            result.broken.append((page, link, "outside the site's sub-path"))
            continue
        doc, frag = urldefrag(target)
        out.append((doc, frag))
    return out
