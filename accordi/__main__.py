"""`python -m accordi`: the `accordi` command."""

import sys

from .cli import main

sys.exit(main())
