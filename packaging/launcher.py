"""Entry point of the frozen app: the `diligence` command line, which opens the window by default."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
