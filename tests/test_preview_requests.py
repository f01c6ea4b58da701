"""The preview against odd and hostile requests: a real `build.py serve` process, raw HTTP.

Whatever the request path, method or Host header, the preview answers with a status below
500 and no traceback in its log, never serves a file from outside its folder or a source
file, and answers HEAD as GET without the body. Paths are sent as raw bytes on a socket, so
that no client library tidies them up first.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PYTHON, ROOT, make_site
from tests.test_serve import free_port, wait_for

OUTSIDE = "canary-outside-the-preview-4f1d"  # in a file beside the preview folder
SOURCE = "canary-in-a-source-file-9b2e"  # in a comment of content/site.yaml: never published


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def ask(port: int, method: str, target: bytes, host: bytes | None = None) -> Reply:
    """One request, as raw bytes, on a fresh connection; the reply as the server sent it."""
    host = b"127.0.0.1:%d" % port if host is None else host
    request = (method.encode() + b" " + target + b" HTTP/1.1\r\nHost: " + host
               + b"\r\nConnection: close\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), f"no reply to {method} {target[:80]!r}: {data[:200]!r}"
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(lines[0].split()[1]), headers, body)


@dataclass
class Preview:
    port: int
    folder: Path
    log: Path
    files: set[str]  # SHA-256 of every file in the preview folder once it is complete
    seen: int = 0  # bytes of the log already looked at
    marks: int = 0

    def ask(self, method: str, target: bytes | str, host: bytes | None = None) -> Reply:
        return ask(self.port, method, target.encode() if isinstance(target, str) else target,
                   host)

    def logged(self) -> str:
        """What the server logged since the last look: a marked request is asked for, and
        the log read once it shows it (the server logs after it answers)."""
        self.marks += 1
        mark = f"/logged-up-to-{self.marks}"
        self.ask("GET", mark)
        wait_for(lambda: mark in self.log.read_text(encoding="utf-8", errors="replace"),
                 step=0.01)
        data = self.log.read_bytes()
        text, self.seen = data[self.seen:].decode("utf-8", errors="replace"), len(data)
        return text

    def traceless(self) -> None:
        """No traceback was logged since the last look."""
        text = self.logged()
        assert "Traceback" not in text and "Uncaught exception" not in text, text[-3000:]


def start(tmp: Path, *extra: str) -> tuple[subprocess.Popen, Preview]:
    content = make_site(tmp)
    site = content / "site.yaml"
    site.write_text(f"# {SOURCE}\n" + site.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp / "outside.txt").write_text(OUTSIDE, encoding="utf-8")
    port = free_port()
    log = tmp / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(PYTHON), str(ROOT / "build.py"), "serve", "--content", str(content), "--port",
             str(port), "--output", str(tmp / "preview"), "--as-of", "2024-01-15", *extra],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    preview = Preview(port, tmp / "preview", log, set())
    wait_for(lambda: "search index:" in log.read_text(), timeout=60)  # every file is made
    wait_for(lambda: preview.ask("GET", "/it/").status == 200)
    preview.traceless()
    preview.files = {hashlib.sha256(p.read_bytes()).hexdigest()
                     for p in preview.folder.rglob("*") if p.is_file()}
    return proc, preview


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    proc, running = start(tmp_path_factory.mktemp("preview"))
    try:
        yield running
    finally:
        stop(proc)


@pytest.fixture(autouse=True)
def _log_from_here(request):
    """Each test looks only at what the server logged while it ran."""
    if "preview" in request.fixturenames:
        request.getfixturevalue("preview").logged()


ODD_PATHS = [
    b"/%00", b"/it/%00/", b"/it/accordi/lisbona-2021/index.html%00.txt", b"/%00/../etc/passwd",
    b"/" + b"a" * 9000, b"/it/" + b"x/" * 3000, b"/" + b"%61" * 3000, b"/%ff%fe/", b"/it/%c0%ae/",
    b"/%01%02%1b[31m", b"/it/accordi/%0a%0d", b"/%e2%80%ae/", b"/" + b"\xff\xfe",
]
TRAVERSALS = [
    b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/%2E%2E%2F%2E%2E%2Fetc/passwd", b"/..%2f..%2f..%2fetc/passwd",
    b"/%252e%252e/%252e%252e/etc/passwd", b"/.%2e/.%2e/outside.txt",
    b"/%c0%ae%c0%ae/%c0%ae%c0%ae/outside.txt", b"/..\\..\\outside.txt", b"/..%5c..%5coutside.txt",
    b"/../outside.txt", b"/%2e%2e/outside.txt", b"/%252e%252e/outside.txt",
    b"/../content/site.yaml", b"/%2e%2e/content/site.yaml", b"//etc/passwd",
    b"/it/../../outside.txt", b"/it/%2e%2e/%2e%2e/content/site.yaml", b"/..;/outside.txt",
    b"/%2e%2e%00/outside.txt", b"http://127.0.0.1/../outside.txt",
]


@pytest.mark.parametrize("target", ODD_PATHS, ids=lambda t: repr(t[:24]))
def test_odd_request_paths_get_400_or_404(preview, target):
    reply = preview.ask("GET", target)
    assert reply.status in (400, 404), (reply.status, reply.body[:300])
    preview.traceless()


@pytest.mark.parametrize("target", TRAVERSALS, ids=lambda t: repr(t[:32]))
def test_path_traversal_in_every_encoding_gets_nothing_from_outside(preview, target):
    reply = preview.ask("GET", target)
    assert reply.status in (400, 404), (reply.status, reply.body[:300])
    assert OUTSIDE.encode() not in reply.body and SOURCE.encode() not in reply.body
    assert b"root:" not in reply.body
    preview.traceless()


@pytest.mark.parametrize("target", ["/", "/it/", "/en/agreements/lisbona-2021/",
                                    "/assets/css/site.css", "/data/agreements.csv",
                                    "/no/such/page/"])
def test_head_answers_as_get_without_the_body(preview, target):
    got = preview.ask("GET", target)
    head = preview.ask("HEAD", target)
    assert head.status == got.status == (404 if target == "/no/such/page/" else 200)
    assert head.body == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert int(head.headers["content-length"]) == len(got.body) > 0
    preview.traceless()


def test_other_methods_are_refused_with_405(preview):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        reply = preview.ask(method, "/it/")
        assert reply.status == 405, (method, reply.status)
        assert "GET" in reply.headers.get("allow", ""), method
    preview.traceless()


@pytest.mark.parametrize("host", [b"127.0.0.1", b"localhost", b"LOCALHOST", b"[::1]",
                                  b"127.1.2.3", b"preview.localhost"])
def test_loopback_names_are_answered(preview, host):
    assert preview.ask("GET", "/it/", host + b":%d" % preview.port).status == 200


@pytest.mark.parametrize("target", ["/it/", "/livereload.js", "/forcereload", "/livereload"])
@pytest.mark.parametrize("host", [b"evil.example", b"evil.example:80", b"127.0.0.1.evil.example",
                                  b"localhost.evil.example", b"192.168.1.20"])
def test_other_host_names_are_refused(preview, host, target):
    """A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) must not
    read the preview, nor reach its reload channel."""
    reply = preview.ask("GET", target, host)
    assert reply.status == 400, (host, target, reply.status)
    assert b"--host" in reply.body and b"<html" not in reply.body.lower()
    preview.traceless()


def test_with_host_given_any_name_is_answered(tmp_path):
    proc, running = start(tmp_path, "--host", "127.0.0.1")
    try:
        assert running.ask("GET", "/it/", b"accordi.test:%d" % running.port).status == 200
        assert running.ask("HEAD", "/it/", b"evil.example").status == 200
    finally:
        stop(proc)


SEGMENTS = st.one_of(
    st.sampled_from(["..", ".", "", "%2e%2e", "%2E%2e", "%252e%252e", "..%2f", "%2f", "%5c", "\\",
                     "%00", "%ff", "%c0%ae", "it", "en", "accordi", "agreements", "index.html",
                     "lisbona-2021", "assets", "css", "site.css", "data", "agreements.csv",
                     "404.html",
                     "..;", "~", "content", "site.yaml", "outside.txt", "etc", "passwd",
                     "build.py", "accordi", "%2e%2e%2f", "..%00", "%0a", "pagefind", ".cache"]),
    st.text(max_size=12).map(lambda s: quote(s, safe="")),
    st.text(alphabet="!$&'()*+,;=:@-._~", max_size=6),
    st.integers(200, 6000).map(lambda n: "b" * n),
)
PATHS = st.tuples(st.lists(SEGMENTS, max_size=7), st.booleans(),
                  st.sampled_from(["", "?x=1", "?../../outside.txt", "#frag", "?%00"])).map(
    lambda t: "/" + "/".join(t[0]) + ("/" if t[1] else "") + t[2])
METHODS = st.sampled_from(["GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "DELETE",
                           "OPTIONS", "PATCH", "TRACE", "CONNECT", "FOO"])


@settings(max_examples=int(os.environ.get("ACCORDI_FUZZ_EXAMPLES", "300")), deadline=None,
          derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(method=METHODS, path=PATHS)
def test_no_request_gets_a_5xx_a_file_from_outside_or_a_source_file(preview, method, path):
    reply = preview.ask(method, path)
    assert reply.status < 500, (method, path, reply.status, reply.body[:300])
    assert OUTSIDE.encode() not in reply.body and SOURCE.encode() not in reply.body
    if reply.status == 200 and method == "GET":
        if reply.headers["content-type"].startswith("text/html"):
            assert reply.body.lstrip().lower().startswith(b"<!doctype html"), path
        else:  # served as it is in the preview folder
            assert hashlib.sha256(reply.body).hexdigest() in preview.files, path
    if method == "HEAD":
        assert reply.body == b""
    preview.traceless()


def test_many_requests_at_once_and_a_half_open_connection_do_not_disturb_it(preview):
    """A connection that sends half a request and waits, and 300 requests at once: every
    request is answered in full, and the half-open connection holds up nothing."""
    from concurrent.futures import ThreadPoolExecutor

    stalled = socket.create_connection(("127.0.0.1", preview.port), timeout=20)
    stalled.sendall(b"GET /it/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end
    try:
        targets = ["/it/", "/en/", "/it/accordi/lisbona-2021/", "/assets/css/site.css",
                   "/data/agreements.csv", "/no/such/page/"] * 50
        with ThreadPoolExecutor(30) as pool:
            replies = list(pool.map(lambda t: preview.ask("GET", t), targets))
        assert [r.status for r in replies] == [404 if t == "/no/such/page/" else 200
                                               for t in targets]
        sizes: dict[str, set[int]] = {}
        for target, reply in zip(targets, replies, strict=True):
            sizes.setdefault(target, set()).add(len(reply.body))
        assert all(len(s) == 1 for s in sizes.values()), sizes  # every reply whole
    finally:
        stalled.close()
    preview.traceless()
