"""ReportLab's start-up, without the work our reports never use.

`reportlab.platypus.paragraph` compiles, when it is imported, a case-insensitive pattern over
most of Unicode that recognises web addresses (`uri_pat`, derived from Django's URL validator):
~25 ms of CPU, 4 % of `diligence report`. It is only read when ReportLab hyphenates a long web
address at a line end, which our styles never ask for. `defer_uri_pattern()` imports the module
with that one pattern left to compile on its first use; every other pattern, and that one's
behaviour, stay exactly as ReportLab made them.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

# How ReportLab's pattern starts (4.x and 5.x); another pattern is compiled as usual.
URI_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
_MODULE = "reportlab.platypus.paragraph"
_lock = threading.Lock()


class LazyPattern:
    """A compiled pattern made on first use: attribute reads go to `re.compile(pattern, flags)`."""

    def __init__(self, pattern: str, flags: int, compile_: Any) -> None:
        self._args = (pattern, flags)
        self._compile = compile_
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = self._compile(*self._args)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled(), name)


def defer_uri_pattern() -> bool:
    """Import ReportLab's paragraph module with its web-address pattern compiled on first use.

    False when the module was already imported (then nothing changes) or ReportLab is absent.
    """
    with _lock:
        if _MODULE in sys.modules:
            return False
        real = re.compile

        def compile_(pattern: Any, flags: Any = 0) -> Any:
            if isinstance(pattern, str) and pattern.startswith(URI_PATTERN_START):
                return LazyPattern(pattern, flags, real)
            return real(pattern, flags)

        re.compile = compile_  # only while the one module runs
        try:
            __import__(_MODULE)
        except ImportError:
            return False
        finally:
            re.compile = real
        return True
