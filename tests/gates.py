"""Quality gates shared by the tests: axe-core in the page, the Nu HTML Checker on the files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from accordi.config import PROJECT_ROOT

TOOLS = PROJECT_ROOT / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require(path: Path) -> Path:
    """A tool the gates need; missing means `make test` was bypassed, which is an error."""
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run `make test`, which installs it")
    return path


def axe_violations(page) -> list[dict]:
    """Run axe-core in a loaded page; a list of {rule, impact, help, targets}."""
    page.add_script_tag(path=str(require(AXE)))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
               runOnly: {type: 'tag', values: tags},
               resultTypes: ['violations']})""", AXE_TAGS)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def vnu_messages(root: Path) -> list[dict]:
    """The Nu HTML Checker's errors and warnings for every HTML and CSS file under `root`."""
    cmd = ["java", "-jar", str(require(VNU)), "--format", "json", "--exit-zero-always",
           "--also-check-css", "--skip-non-html", str(root)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    report = json.loads(proc.stderr or proc.stdout)
    out = []
    for m in report["messages"]:
        out.append({"file": m.get("url", "").replace(f"file:{root.resolve()}/", ""),
                    "type": m.get("subType") or m["type"], "line": m.get("lastLine"),
                    "message": m["message"]})
    return out
