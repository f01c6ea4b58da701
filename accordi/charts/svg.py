"""A few helpers to write SVG elements as escaped text (no template engine needed)."""

from __future__ import annotations

from markupsafe import Markup, escape


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pct(value: float) -> str:
    """A percentage of the chart's width."""
    return num(value) + "%"


def el(tag: str, attrs: dict[str, object] | None = None, *children: str) -> str:
    """`<tag a="v">children</tag>`, or `<tag a="v"/>` when empty; None values are left out."""
    parts = [tag]
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{escape(text)}"')
    head = " ".join(parts)
    if not children:
        return f"<{head}/>"
    return f"<{head}>" + "".join(children) + f"</{tag}>"


def text(value: object) -> str:
    """Escaped character data."""
    return str(escape(str(value)))


def markup(svg: str) -> Markup:
    """The finished SVG, safe to place in a template."""
    return Markup(svg)
