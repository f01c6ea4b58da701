"""Lighthouse over key pages in both languages (`make audit`; slower, so not in `make test`).

Accessibility, best practices and SEO must score 100; performance is reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pytest

from accordi.cli import build_once
from accordi.config import PROJECT_ROOT, Paths
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.gates import TOOLS, require
from tests.siteserver import SiteServer

PAGES = ["it/", "en/", "it/accordi/milano-cciaa-2021/", "en/agreements/milano-cciaa-2021/",
         "it/partner/riga/", "en/partners/riga/", "it/temi/cultura/", "en/themes/cultura/"]
REPORTS = PROJECT_ROOT / "test-artifacts" / "lighthouse"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit") / "output"
    build_once(Paths(content=PROJECT_ROOT / "content", output=out), dt.date(2026, 1, 1),
                   base_url="https://example.org/accordi/")
    with SiteServer(out, prefix="/accordi/") as srv:
        yield srv


@pytest.mark.parametrize("rel", PAGES)
def test_lighthouse_scores(server, rel):
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / (rel.strip("/").replace("/", "_") + ".json")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run(
        [str(require(TOOLS / ".bin" / "lighthouse")), server.base_url + rel, "--quiet",
         "--output=json", f"--output-path={report}", f"--chrome-flags={flags}",
         "--only-categories=performance,accessibility,best-practices,seo"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300)
    result = json.loads(report.read_text())
    scores = {k: round(c["score"] * 100) for k, c in result["categories"].items()}
    print(f"lighthouse {rel}: {scores}")
    failing = [f"{a['id']}: {a['title']}" for a in result["audits"].values()
               if a.get("score") is not None and a["score"] < 1
               and a.get("scoreDisplayMode") == "binary"]
    assert {k: scores[k] for k in ("accessibility", "best-practices", "seo")} == {
        "accessibility": 100, "best-practices": 100, "seo": 100}, failing
