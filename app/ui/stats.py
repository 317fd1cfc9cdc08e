"""Figures for `make soak`: with DILIGENCE_STATS=<file>, one JSON line per second about the process.

Each line: seconds since start, references to None (on Python 3.11 a steady fall ends in
"none_dealloc"), resident memory in KiB, the page switches seen so far and the page shown (its sidebar row); a
line is also written on each page switch. Nothing is written
without the variable; the file is the soak driver's, not the user's.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QListWidget

ENV = "DILIGENCE_STATS"


def resident_kib() -> int:
    """Resident set size of this process in KiB (0 where /proc is not available)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class StatsWriter(QObject):
    def __init__(self, path: Path, sidebar: QListWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.started = time.monotonic()
        self.switches = 0
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
        line = {
            "seconds": round(time.monotonic() - self.started, 1),
            "none_refs": sys.getrefcount(None),
            "rss_kib": resident_kib(),
            "page_switches": self.switches,
            "page": self.sidebar.currentRow(),
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def start(sidebar: QListWidget, parent: QObject) -> StatsWriter | None:
    """A stats writer when DILIGENCE_STATS names a file, else None."""
    target = os.environ.get(ENV)
    if not target:
        return None
    writer = StatsWriter(Path(target), sidebar, parent)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(writer.write)
    return writer
