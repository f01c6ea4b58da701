"""Shared browser plumbing: Debian's Chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services from a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
]


def launch(playwright):
    """A headless Chromium; fails loudly (it is installed by `make test`) when missing."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make test`, which installs it")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
