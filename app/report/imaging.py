"""Pillow, loaded only if a report draws an image.

ReportLab imports `PIL.Image` when it starts (reportlab.lib.utils), whether or not the document
has an image; with its plug-in tables that is ~10-15 ms of CPU, about 2 % of `diligence report`.
Our reports draw charts and text, no raster images. `defer_pillow()` puts a lazily loaded
`PIL.Image` in place (the standard library's `importlib.util.LazyLoader`): the name exists, and
the module runs the moment anything reads from it.

Only a single-threaded, one-document process uses this (`diligence report` run as a program):
before Python 3.12 a lazily loaded module could be loaded by two threads at once.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any


def defer_pillow() -> bool:
    """Put a lazily loaded PIL.Image in sys.modules; False when it is already loaded or absent."""
    if "PIL.Image" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec("PIL.Image")
    except ImportError:
        return False
    if spec is None or spec.loader is None:
        return False
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    loader.exec_module(module)
    package: Any = sys.modules["PIL"]
    package.Image = module  # what `from PIL import Image` reads
    return True
