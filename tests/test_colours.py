"""Every status has its own colour, and every colour a status is told in meets WCAG 2.1 AA
contrast (4.5:1) on each background it is drawn on: a badge on a card or the page, a label
of the timeline on its row, hovered and focused. Read from site.css itself, so a new status
without its colour, or a colour too pale, fails here as well as in axe-core's pages."""

from __future__ import annotations

import re

import pytest

from accordi.config import PROJECT_ROOT
from accordi.status import ORDER

CSS = (PROJECT_ROOT / "assets" / "css" / "site.css").read_text(encoding="utf-8")
BACKGROUNDS = {"page": "#ffffff", "hover": "#f2f7fc", "focus": "#fff5d6"}  # site.css


def variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS, re.S)
    assert root is not None
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def colour_of(selector: str, prop: str) -> str:
    """The colour `prop` of the rule whose selector list names `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        names = [s.strip() for s in selectors.split(",")]
        found = re.search(rf"(?<![-\w]){prop}:\s*var\(--([a-z-]+)\)", body)
        if selector in names and found:
            return variables()[found.group(1)]
    raise AssertionError(f"no {prop} for {selector} in site.css")


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("status", sorted(ORDER))
def test_each_status_badge_and_label_is_readable_on_every_background(status):
    for selector, prop in ((f".status-{status}", "color"), (f".tl-status-{status}", "fill")):
        colour = colour_of(selector, prop)
        for name, background in BACKGROUNDS.items():
            ratio = contrast(colour, background)
            assert ratio >= 4.5, f"{selector} {colour} on {name} {background}: {ratio:.2f}:1"


def test_statuses_a_source_states_have_colours_of_their_own():
    """Suspended and terminated are told apart from every other status by colour too."""
    colours = {s: colour_of(f".status-{s}", "color") for s in ORDER}
    for status in ("suspended", "terminated"):
        others = {s for s, c in colours.items() if c == colours[status] and s != status}
        assert others == set(), (status, others)
