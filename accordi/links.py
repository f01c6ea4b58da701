"""Which addresses content may link to or embed, judged the way a browser reads them.

A browser decodes character references in an attribute (`javascript&colon;`), drops tabs and
newlines anywhere in a URL and spaces or control characters around it, and matches the scheme
in any case. A check that looks at the text as written misses `java&#x09;script:`; this one
undoes all of that first, then allows links to web, mail and phone addresses or to this site,
and pictures only from this site (a picture from another host would be loaded from it).
"""

from __future__ import annotations

import html
import re

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


def browser_view(url: str) -> str:
    """`url` as a browser's URL parser receives it from an HTML attribute."""
    seen = None
    while seen != url:  # references inside references (`&amp;colon;`) count too: be strict
        seen, url = url, html.unescape(url)
    url = re.sub(r"[\t\n\r]", "", url)
    return url.strip(_C0_OR_SPACE)


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see (lowercase), or None for a relative address."""
    m = _SCHEME.match(browser_view(url))
    return m.group(1).lower() if m else None


def _leaves_site(view: str) -> bool:
    """True for `//host/...` (and `\\host`, which browsers read the same way)."""
    return view[:2].replace("\\", "/") == "//"


def link_problem(url: str) -> str | None:
    """Why `url` may not be the target of a link (None when it may)."""
    view = browser_view(url)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in view):
        return "contains control characters"
    scheme = scheme_of(url)
    if scheme is not None and scheme not in LINK_SCHEMES:
        return f"uses the `{scheme}:` scheme"
    return None


def embed_problem(url: str) -> str | None:
    """Why `url` may not be the source of a picture (None when it may)."""
    if problem := link_problem(url):
        return problem
    view = browser_view(url)
    if scheme_of(url) is not None or _leaves_site(view):
        return "is on another site"
    return None
