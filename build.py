#!/usr/bin/env python3
"""Accordi's command line for this repository: `python build.py --help`."""

import sys

from accordi.cli import main

if __name__ == "__main__":
    sys.exit(main())
