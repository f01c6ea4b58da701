"""Accordi command line, run in a site folder (content/, and the site's own templates/,
assets/ and messages/ if it has them).

  build    build the site from content/ into output/
  check    validate the content without writing; warnings too (`--strict` fails on them)
  serve    live preview on 127.0.0.1 that rebuilds and reloads on every edit
  new      create a blank agreement, partner or theme, ready to fill in
  import   turn a signed document (PDF, scan, Word, OpenDocument, text) into a draft record
  schema   write the per-file JSON Schemas editors' editors use (schema/)
  init     create a new site folder, ready to build
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import __version__, check, deeplinks, manifest, scaffold, starter
from . import schema as content_schema
from .build import OUTPUTS, Report, build
from .config import BASE_URL, Paths, normalise_base_url, reference_date
from .errors import ContentFailure, ErrorCollector, warnings_summary
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


def parser(home: Path | None = None) -> argparse.ArgumentParser:
    """The command line; `home` is the site folder options default to (the current one)."""
    site, common = _shared(home or Path.cwd())
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    _build_arguments(sub.add_parser("build", parents=[common],
                                    help="build the site into output/"))
    c = sub.add_parser("check", parents=[common], help="validate content without writing")
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    _serve_arguments(sub.add_parser("serve", parents=[common], help="live preview with reload"))
    n = sub.add_parser("new", parents=[common], help="create a blank record, ready to fill in")
    n.add_argument("kind", choices=["agreement", "partner", "theme"])
    n.add_argument("id", help="permanent id: lowercase letters, digits, hyphens")
    _import_arguments(sub.add_parser("import", parents=[common],
                                     help="turn a signed document into a draft record"))
    w = sub.add_parser("schema", parents=[site], help="write the JSON Schemas of content files")
    w.add_argument("--write", type=Path, default=None,
                   help="folder to write them into (default: schema/ in the site folder)")
    starter.arguments(sub.add_parser(
        "init", help="create a new site folder, ready to build",
        description=starter.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))
    return p


def _shared(home: Path) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The options of every command on a site (`--site`), and those of the commands that
    read its content too (`--content`, `--as-of`), as parents of their parsers."""
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--site", type=Path, default=home,
                      help="site folder, whose templates/, assets/ and messages/ replace the "
                      "theme's files of the same name (default: the current folder)")
    common = argparse.ArgumentParser(add_help=False, parents=[site])
    common.add_argument("--content", type=Path, default=None,
                        help="content folder (default: content/ in the site folder)")
    common.add_argument("--as-of", type=_date, default=None,
                        help="reference day for statuses (default: SOURCE_DATE_EPOCH or today)")
    return site, common


def _build_arguments(b: argparse.ArgumentParser) -> None:
    b.add_argument("--base-url", type=_base_url, default=None,
                   help="public URL of the site, may include a sub-path")
    b.add_argument("--output", type=Path, default=None,
                   help="output folder (default: output/ in the site folder)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="processes for rendering (default: one per core)")
    b.add_argument("--cache", type=Path, default=None,
                   help="persistent build cache (default: .cache/build/ in the site folder)")
    b.add_argument("--no-cache", action="store_true", help="use no persistent cache")
    b.add_argument("--no-incremental", action="store_true",
                   help="build everything in one process, reusing nothing (slower; the same "
                        "bytes)")
    b.add_argument("--verbose", action="store_true", help="print each step and its time")


def _serve_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--host", default=None,
                   help="interface to listen on (default: 127.0.0.1, this machine only, "
                        "answering only its own names: localhost, 127.0.0.1); given, "
                        "requests under any name are answered")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--output", type=Path, default=None,
                   help="preview folder (default: .cache/preview/ in the site folder, never "
                   "output/)")
    s.add_argument("--cache", type=Path, default=None,
                   help="persistent build cache (default: .cache/build/ in the site folder)")


def _import_arguments(i: argparse.ArgumentParser) -> None:
    i.add_argument("file", type=Path, help="the signed document: .pdf, .docx, .odt, .txt, .md")
    i.add_argument("--id", default=None, help="the record's id (default: proposed from the "
                   "partner and the year)")
    i.add_argument("--lang", choices=["it", "en"], default="it",
                   help="the document's language (default: it); en imports the English "
                   "text of a draft as its translation")


def _defaults(args: argparse.Namespace) -> None:
    """Folders not given on the command line, in the site folder."""
    site = getattr(args, "site", None)
    if site is None:
        return
    for name, default in (("content", "content"), ("cache", ".cache/build"),
                          ("write", "schema")):
        if getattr(args, name, "") is None:
            setattr(args, name, site / default)
    if getattr(args, "output", "") is None:
        args.output = site / (".cache/preview" if args.command == "serve" else "output")


def load_site(paths: Paths, as_of: dt.date, base_url: str | None = None
              ) -> tuple[Site | None, ErrorCollector]:
    """Read, validate and cross-check the content: the site (None when its mistakes would
    stop a build) and every mistake found."""
    content = paths.content
    job = Job(paths, as_of, base_url, history=False)
    session = PlainSession()
    errors = ErrorCollector(content)
    site = session.load(session.read(content, errors), job, errors)
    if site is not None:
        manifest.check(site, content, errors)
        outputs = session.plan(OUTPUTS, session.context(site, job))
        deeplinks.check(site, outputs, paths.template_folders, errors)
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
    site, errors = load_site(Paths(content=args.content, output=Path("-"), site=args.site),
                             as_of)
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
                  cache=None if args.no_cache else args.cache, site=args.site)
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
    for line in warnings_summary(report.warnings) + report.notes:
        print(line, file=sys.stderr)
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


def main(argv: list[str] | None = None, home: Path | None = None) -> int:
    """Run one command; `home` is the site folder options default to (the current one)."""
    args = parser(home).parse_args(argv)
    _defaults(args)
    if args.command == "init":
        return starter.run(args)
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
        print(f"fill in the fields, then run `{'make' if home else 'accordi'} check`")
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
        serve(Paths(content=args.content, output=args.output, cache=args.cache,
                    site=args.site),
              as_of, args.host or "127.0.0.1", args.port, check_host=args.host is None)
        return 0
    return run_build(args, as_of)
