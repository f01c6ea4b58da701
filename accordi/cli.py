"""Accordi command line.

  build    build the site from content/ into output/
  check    validate the content without writing; warnings too (`--strict` fails on them)
  serve    live preview on 127.0.0.1 that rebuilds and reloads on every edit
  new      create a blank agreement, partner or theme, ready to fill in
  schema   write the per-file JSON Schemas editors' editors use (schema/)
  import   turn a signed document (PDF, scan, Word, OpenDocument, text) into a draft record
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import check, manifest, scaffold
from . import schema as content_schema
from .build import Report, build
from .config import BASE_URL, PROJECT_ROOT, Paths, normalise_base_url, reference_date
from .errors import ContentFailure, ErrorCollector
from .incremental import IncrementalSession
from .publish import PublishError
from .records import Site
from .search import SearchIndexError
from .session import BuildSession, Job, PlainSession
from .sources import SourceChanged


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _base_url(value: str) -> str:
    if not BASE_URL.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) URL")
    return normalise_base_url(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=PROJECT_ROOT / "content",
                        help="content folder (default: content/)")
    common.add_argument("--as-of", type=_date, default=None,
                        help="reference day for statuses (default: SOURCE_DATE_EPOCH or today)")
    b = sub.add_parser("build", parents=[common], help="build the site into output/")
    b.add_argument("--base-url", type=_base_url, default=None,
                   help="public URL of the site, may include a sub-path")
    b.add_argument("--output", type=Path, default=PROJECT_ROOT / "output",
                   help="output folder (default: output/)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="processes for rendering (default: one per core)")
    b.add_argument("--cache", type=Path, default=PROJECT_ROOT / ".cache" / "build",
                   help="persistent build cache (default: .cache/build/)")
    b.add_argument("--no-cache", action="store_true", help="use no persistent cache")
    b.add_argument("--no-incremental", action="store_true",
                   help="build everything in one process, reusing nothing (slower; the same "
                        "bytes)")
    b.add_argument("--verbose", action="store_true", help="print each step and its time")
    c = sub.add_parser("check", parents=[common], help="validate content without writing")
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    s = sub.add_parser("serve", parents=[common], help="live preview with reload")
    s.add_argument("--host", default=None,
                   help="interface to listen on (default: 127.0.0.1, this machine only, "
                        "answering only its own names: localhost, 127.0.0.1); given, "
                        "requests under any name are answered")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--output", type=Path, default=PROJECT_ROOT / ".cache" / "preview",
                   help="preview folder (default: .cache/preview/, never output/)")
    s.add_argument("--cache", type=Path, default=PROJECT_ROOT / ".cache" / "build",
                   help="persistent build cache (default: .cache/build/)")
    n = sub.add_parser("new", help="create a blank record, ready to fill in")
    n.add_argument("kind", choices=["agreement", "partner", "theme"])
    n.add_argument("id", help="permanent id: lowercase letters, digits, hyphens")
    n.add_argument("--content", type=Path, default=PROJECT_ROOT / "content")
    i = sub.add_parser("import", help="turn a signed document into a draft record")
    i.add_argument("file", type=Path, help="the signed document: .pdf, .docx, .odt, .txt, .md")
    i.add_argument("--id", default=None, help="the record's id (default: proposed from the "
                   "partner and the year)")
    i.add_argument("--lang", choices=["it", "en"], default="it",
                   help="the document's language (default: it); en imports the English "
                   "text of a draft as its translation")
    i.add_argument("--content", type=Path, default=PROJECT_ROOT / "content")
    w = sub.add_parser("schema", help="write the JSON Schemas of content files")
    w.add_argument("--write", type=Path, default=PROJECT_ROOT / "schema",
                   help="folder to write them into (default: schema/)")
    return p


def load_site(paths: Paths, as_of: dt.date, base_url: str | None = None
              ) -> tuple[Site | None, ErrorCollector]:
    """Read, validate and cross-check the content: the site (None when its mistakes would
    stop a build) and every mistake found."""
    content = paths.content
    job = Job(paths, as_of, base_url)
    session = PlainSession()
    errors = ErrorCollector(content)
    site = session.load(session.read(content, errors), job, errors)
    if site is not None:
        manifest.check(site, content, errors)
    return (None if errors.failed else site), errors


def build_once(paths: Paths, as_of: dt.date, base_url: str | None = None, workers: int = 1,
               history: bool = True, incremental: bool = True, verbose: bool = False
               ) -> Report:
    """One build, as the command line runs it (raises ContentFailure, PublishError)."""
    job = Job(paths, as_of, base_url, workers, history, verbose)
    session: BuildSession = (IncrementalSession(paths, workers, paths.cache) if incremental
                             else PlainSession())
    return build(job, session)


def run_check(args: argparse.Namespace, as_of: dt.date) -> int:
    site, errors = load_site(Paths(content=args.content, output=Path("-")), as_of)
    if site is not None:
        check.warnings(site, errors)
    if errors.errors:
        print(errors.report(), file=sys.stderr)
    warned = any(e.severity == "warning" for e in errors.errors)
    if site is None or (args.strict and any(e.severity == "warning" and not e.gap
                                            for e in errors.errors)):
        return 1
    print(f"content OK: {len(site.agreements)} agreements, {len(site.partners)} partners, "
          f"{len(site.themes)} themes, {len(site.pages)} pages"
          + (" (with warnings)" if warned else ""))
    return 0


def run_build(args: argparse.Namespace, as_of: dt.date) -> int:
    paths = Paths(content=args.content, output=args.output,
                  cache=None if args.no_cache else args.cache)
    try:
        report = build_once(paths, as_of, args.base_url, max(1, args.jobs),
                            incremental=not args.no_incremental, verbose=args.verbose)
    except ContentFailure as failure:
        print(failure.collector.report(), file=sys.stderr)
        print(f"build stopped: {args.output} was left as it was", file=sys.stderr)
        return 1
    except SourceChanged as changed:
        print(f"build stopped: {changed}; build again. {args.output} was left as it was",
              file=sys.stderr)
        return 1
    except (PublishError, SearchIndexError) as failure:
        print(f"build stopped: {failure}; {args.output} was left as it was", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(f"built {report.pages} pages, {report.files} files into {args.output} "
          f"in {report.seconds:.2f} s, statuses as of {as_of.isoformat()}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from . import importer  # the document libraries are only needed here
    try:
        imported = importer.run(args.file, args.content, args.id, args.lang)
    except importer.Refused as refused:
        print(f"not imported: {refused.message}", file=sys.stderr)
        if refused.hint:
            print(f"    hint: {refused.hint}", file=sys.stderr)
        return 1
    for line in importer.summary(imported):
        print(line, file=sys.stderr if line.startswith("warning:") else sys.stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "import":
        return run_import(args)
    if args.command == "new":
        try:
            written = scaffold.new(args.kind, args.id, args.content)
        except scaffold.ScaffoldRefused as refused:
            print(f"not created: {refused}", file=sys.stderr)
            return 1
        for path in written:
            print(f"wrote {path}")
        print("fill in the fields, then run `python build.py check`")
        return 0
    if args.command == "schema":
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in content_schema.published_files().items():
            (args.write / name).write_text(text, encoding="utf-8")
            print(f"wrote {args.write / name}")
        return 0
    as_of = args.as_of or reference_date()
    if args.command == "check":
        return run_check(args, as_of)
    if args.command == "serve":
        from .serve import serve  # livereload is only needed here
        serve(Paths(content=args.content, output=args.output, cache=args.cache), as_of,
              args.host or "127.0.0.1", args.port, check_host=args.host is None)
        return 0
    return run_build(args, as_of)
