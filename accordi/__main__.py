"""`python -m accordi`: the `accordi` command."""

import sys

from .cli import main

sys.argv[0] = "accordi"  # what the help and the version are printed as
sys.exit(main())
