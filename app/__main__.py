"""`python -m app` runs the Diligence command line."""

import sys

from app.cli import main

sys.exit(main())
