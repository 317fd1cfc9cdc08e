"""The start-up baseline: a bare PySide6 window, shown and painted once, then exit.

`diligence gui --smoke` is budgeted as a ratio to this, timed in the same run, so the budget
holds on a machine twice as slow as ours (docs/performance.md).
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Baseline")
    window.setCentralWidget(QLabel("A bare window, painted once."))
    window.resize(1280, 720)
    window.show()
    window.repaint()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
