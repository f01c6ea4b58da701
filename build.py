#!/usr/bin/env python3
"""Accordi command line: `build` the site from content/, or `check` the content only."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from accordi import pipeline
from accordi.config import BASE_URL, PROJECT_ROOT, Paths, normalise_base_url, reference_date
from accordi.errors import ContentFailure
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
    p = argparse.ArgumentParser(prog="build.py", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=PROJECT_ROOT / "content",
                        help="content folder (default: content/)")
    common.add_argument("--as-of", type=_date, default=None,
                        help="reference day for statuses (default: SOURCE_DATE_EPOCH or today)")
    common.add_argument("--base-url", type=_base_url, default=None,
                        help="public URL of the site, may include a sub-path")
    b = sub.add_parser("build", parents=[common], help="build the site into output/")
    b.add_argument("--output", type=Path, default=PROJECT_ROOT / "output",
                   help="output folder (default: output/)")
    sub.add_parser("check", parents=[common], help="validate content without writing")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    as_of = args.as_of or reference_date()
    if args.command == "check":
        paths = Paths(content=args.content, output=PROJECT_ROOT / "output")
        site, errors = pipeline.load_site(paths, as_of, args.base_url)
        if errors.errors:
            print(errors.report(), file=sys.stderr)
        if site is None:
            return 1
        print(f"content OK: {len(site.agreements)} agreements, {len(site.partners)} partners, "
              f"{len(site.themes)} themes, {len(site.pages)} pages")
        return 0
    paths = Paths(content=args.content, output=args.output)
    try:
        report = pipeline.build(paths, as_of, args.base_url)
    except ContentFailure as failure:
        print(failure.collector.report(), file=sys.stderr)
        print(f"build stopped: {args.output} was left as it was", file=sys.stderr)
        return 1
    except PublishError as failure:
        print(f"build stopped: {failure}; {args.output} was left as it was", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(f"built {report.pages} pages ({report.files} files) into {args.output} "
          f"in {report.seconds:.2f} s, statuses as of {as_of.isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
