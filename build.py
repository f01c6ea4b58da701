#!/usr/bin/env python3
"""Accordi's command line for this repository: `python build.py --help`.

The same entry point as the installed `accordi` command (`accordi.cli.main`), with this
repository as the site folder wherever it is run from.
"""

import sys
from pathlib import Path

from accordi.cli import main

if __name__ == "__main__":
    sys.exit(main(home=Path(__file__).resolve().parent))
