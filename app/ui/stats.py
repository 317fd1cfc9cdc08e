"""Figures for `make soak`: with DILIGENCE_STATS=<file>, one JSON line per second about the process.

Each line: seconds since start, references to None (on Python 3.11 a steady fall ends in
"none_dealloc"), resident memory in KiB, the objects Python's collector tracks, the page switches
seen so far, the page shown (its sidebar row) and the undo steps kept (and their limit); a line
is also written on each page switch.
Every TYPES_EVERY seconds a line also counts the live objects by type (after a collection), so
the soak can tell which kind grows. Nothing is written without the variable; the file is the
soak driver's, not the user's.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QListWidget

ENV = "DILIGENCE_STATS"
TYPES_EVERY = 10.0  # seconds between counts by type (a full collection: ~50 ms on the GUI thread)


def resident_kib() -> int:
    """Resident set size of this process in KiB (0 where /proc is not available)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class StatsWriter(QObject):
    def __init__(
        self, path: Path, sidebar: QListWidget, parent: QObject | None = None, undo: QUndoStack | None = None
    ) -> None:
        super().__init__(parent)
        self.undo = undo
        self.path = path
        self.started = time.monotonic()
        self.switches = 0
        self.types_at = float("-inf")
        self.sidebar = sidebar
        sidebar.currentRowChanged.connect(self._switched)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.write)
        self.timer.start()
        self.write()

    def _switched(self, _row: int) -> None:
        self.switches += 1
        self.write()  # the soak driver waits for the page it asked for before typing

    def write(self) -> None:
        now = time.monotonic()
        line: dict[str, object] = {
            "seconds": round(now - self.started, 1),
            "none_refs": sys.getrefcount(None),
            "rss_kib": resident_kib(),
            "objects": len(gc.get_objects()) + gc.get_freeze_count(),
            "page_switches": self.switches,
            "page": self.sidebar.currentRow(),
        }
        if self.undo is not None:  # the undo steps kept, and how many at most
            line["undo_steps"], line["undo_limit"] = self.undo.count(), self.undo.undoLimit()
        # Counted only while no background task has the heap frozen (app/ui/tasks.py).
        if now - self.types_at >= TYPES_EVERY and gc.get_freeze_count() == 0:
            self.types_at = now
            line["types"] = live_types()
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def live_types() -> dict[str, int]:
    """Live objects by type ("module.Name"), after a full collection: what a leak is made of."""
    gc.collect()
    by_type = Counter(type(o) for o in gc.get_objects())
    named: Counter[str] = Counter()
    for t, n in by_type.items():
        module = t.__module__ if isinstance(t.__module__, str) else "?"
        named[f"{module}.{t.__qualname__}"] += n
    return dict(named)


def start(sidebar: QListWidget, parent: QObject, undo: QUndoStack | None = None) -> StatsWriter | None:
    """A stats writer when DILIGENCE_STATS names a file, else None."""
    target = os.environ.get(ENV)
    if not target:
        return None
    writer = StatsWriter(Path(target), sidebar, parent, undo)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(writer.write)
    return writer
