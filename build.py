#!/usr/bin/env python3
"""Accordi command line.

  build    build the site from content/ into output/
  check    validate the content without writing; warnings too (`--strict` fails on them)
  serve    live preview on 127.0.0.1 that rebuilds and reloads on every edit
  new      create a blank agreement, partner or theme, ready to fill in
  schema   write the per-file JSON Schemas editors' editors use (schema/)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from accordi import check, pipeline, scaffold
from accordi import schema as content_schema
from accordi.config import BASE_URL, PROJECT_ROOT, Paths, normalise_base_url, reference_date
from accordi.errors import ContentFailure, warnings_summary
from accordi.publish import PublishError


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
    b.add_argument("--no-cache", action="store_true", help="build from scratch")
    c = sub.add_parser("check", parents=[common], help="validate content without writing")
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    s = sub.add_parser("serve", parents=[common], help="live preview with reload")
    s.add_argument("--host", default="127.0.0.1",
                   help="interface to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--output", type=Path, default=PROJECT_ROOT / ".cache" / "preview",
                   help="preview folder (default: .cache/preview/, never output/)")
    n = sub.add_parser("new", help="create a blank record, ready to fill in")
    n.add_argument("kind", choices=["agreement", "partner", "theme"])
    n.add_argument("id", help="permanent id: lowercase letters, digits, hyphens")
    n.add_argument("--content", type=Path, default=PROJECT_ROOT / "content")
    w = sub.add_parser("schema", help="write the JSON Schemas of content files")
    w.add_argument("--write", type=Path, default=PROJECT_ROOT / "schema",
                   help="folder to write them into (default: schema/)")
    return p


def run_check(args: argparse.Namespace, as_of: dt.date) -> int:
    site, errors = pipeline.load_site(Paths(content=args.content, output=Path("-")), as_of)
    if site is not None:
        check.warnings(site, errors)
    if errors.errors:
        print(errors.report(), file=sys.stderr)
    warned = any(e.severity == "warning" for e in errors.errors)
    if site is None or (args.strict and warned):
        return 1
    print(f"content OK: {len(site.agreements)} agreements, {len(site.partners)} partners, "
          f"{len(site.themes)} themes, {len(site.pages)} pages"
          + (" (with warnings)" if warned else ""))
    return 0


def run_build(args: argparse.Namespace, as_of: dt.date) -> int:
    paths = Paths(content=args.content, output=args.output,
                  cache=None if args.no_cache else args.cache)
    try:
        report = pipeline.build(paths, as_of, args.base_url, workers=max(1, args.jobs))
    except ContentFailure as failure:
        print(failure.collector.report(), file=sys.stderr)
        print(f"build stopped: {args.output} was left as it was", file=sys.stderr)
        return 1
    except PublishError as failure:
        print(f"build stopped: {failure}; {args.output} was left as it was", file=sys.stderr)
        return 1
    for line in warnings_summary(report.warnings) + report.notes:
        print(line, file=sys.stderr)
    print(f"built {report.pages} pages, {report.files} files into {args.output} "
          f"in {report.seconds:.2f} s, statuses as of {as_of.isoformat()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
        from accordi.serve import serve  # livereload is only needed here
        serve(Paths(content=args.content, output=args.output,
                    cache=PROJECT_ROOT / ".cache" / "build"), as_of, args.host, args.port)
        return 0
    return run_build(args, as_of)


if __name__ == "__main__":
    sys.exit(main())
