"""Which Python overrides of Qt virtuals leak a reference to None on this Python and PySide6?

Each probe installs one kind of override the app uses (a style's drawPrimitive, a model's data,
a delegate's paint, an event filter, ...), drives Qt to call it many times, and prints how
sys.getrefcount(None) moved per call. On Python 3.11 None is mortal: a steady negative drift
ends in "Fatal Python error: none_dealloc". On 3.12+ None is immortal and the count never moves,
so run this with the 3.11 interpreter the project supports.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/none_refcount_probe.py [calls]
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QProxyStyle,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)


class Counter:
    calls = 0


def _table(rows: int = 20, cols: int = 5) -> QTableWidget:
    table = QTableWidget(rows, cols)
    for r in range(rows):
        for c in range(cols):
            table.setItem(r, c, QTableWidgetItem(f"{r}.{c}"))
    table.setSortingEnabled(True)
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    table.resize(500, 700)
    return table


def probe_draw_primitive(n: int) -> tuple[int, int]:
    class Style(QProxyStyle):
        def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802, ANN001
            Counter.calls += 1
            super().drawPrimitive(element, option, painter, widget)

    style = Style()
    table = _table()
    table.setStyle(style)
    return _repaint(table, n)


def probe_model_data(n: int) -> tuple[int, int]:
    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: N802, ANN001, B008
            return 20

        def columnCount(self, parent=QModelIndex()):  # noqa: N802, ANN001, B008
            return 5

        def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN001
            Counter.calls += 1
            return str(section) if role == Qt.ItemDataRole.DisplayRole else None

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
            Counter.calls += 1
            return f"{index.row()}" if role == Qt.ItemDataRole.DisplayRole else None

        def flags(self, index):  # noqa: ANN001
            Counter.calls += 1
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    view = QTableView()
    model = Model()
    view.setModel(model)
    view.resize(500, 700)
    return _repaint(view, n)


def probe_delegate(n: int) -> tuple[int, int]:
    class Delegate(QStyledItemDelegate):
        def paint(self, painter, option, index):  # noqa: ANN001
            Counter.calls += 1
            super().paint(painter, option, index)

        def sizeHint(self, option, index):  # noqa: N802, ANN001
            Counter.calls += 1
            return QSize(40, 20)

    table = _table()
    delegate = Delegate(table)
    table.setItemDelegate(delegate)
    return _repaint(table, n, lambda: table.resizeRowsToContents())


def probe_event_filter(n: int) -> tuple[int, int]:
    class Filter(QObject):
        def eventFilter(self, watched, event):  # noqa: N802, ANN001
            Counter.calls += 1
            return False

    table = _table()
    filt = Filter()
    table.viewport().installEventFilter(filt)
    table.installEventFilter(filt)
    return _repaint(table, n)


def probe_widget_events(n: int) -> tuple[int, int]:
    class Widget(QWidget):
        def paintEvent(self, event):  # noqa: N802, ANN001
            Counter.calls += 1
            QPainter(self).drawText(5, 15, "x")

        def sizeHint(self):  # noqa: N802
            Counter.calls += 1
            return QSize(50, 20)

        def changeEvent(self, event):  # noqa: N802, ANN001
            Counter.calls += 1
            super().changeEvent(event)

        def keyPressEvent(self, event):  # noqa: N802, ANN001
            Counter.calls += 1
            super().keyPressEvent(event)

    widget = Widget()
    widget.resize(100, 40)

    def extra() -> None:
        widget.sizeHint()
        widget.setEnabled(not widget.isEnabled())
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
        )

    return _repaint(widget, n, extra)


def probe_move_cursor(n: int) -> tuple[int, int]:
    class View(QTableWidget):
        def moveCursor(self, action, modifiers):  # noqa: N802, ANN001
            Counter.calls += 1
            return super().moveCursor(action, modifiers)

    view = View(20, 5)
    view.setCurrentCell(0, 0)
    down = QAbstractItemView.CursorAction.MoveDown
    return _repeat(n, lambda: view.moveCursor(down, Qt.KeyboardModifier.NoModifier))


def probe_icon_engine(n: int) -> tuple[int, int]:
    class Engine(QIconEngine):
        def paint(self, painter, rect, mode, state):  # noqa: ANN001
            Counter.calls += 1
            painter.fillRect(rect, Qt.GlobalColor.red)

        def pixmap(self, size, mode, state):  # noqa: ANN001
            Counter.calls += 1
            pm = QPixmap(size)
            pm.fill(Qt.GlobalColor.red)
            return pm

        def clone(self):
            return Engine()

    icon = QIcon(Engine())
    target = QPixmap(32, 32)

    def once() -> None:
        icon.pixmap(QSize(16, 16))
        painter = QPainter(target)
        icon.paint(painter, QRect(0, 0, 16, 16))
        painter.end()

    return _repeat(n, once)


def _repaint(widget: QWidget, n: int, extra: Callable[[], Any] | None = None) -> tuple[int, int]:
    def once() -> None:
        widget.grab()
        if extra is not None:
            extra()

    return _repeat(n, once)


def _repeat(n: int, once: Callable[[], None]) -> tuple[int, int]:
    once()  # warm caches (first calls allocate lazily)
    Counter.calls = 0
    before = sys.getrefcount(None)
    for _ in range(n):
        once()
    return sys.getrefcount(None) - before, Counter.calls


PROBES = {
    "QProxyStyle.drawPrimitive": probe_draw_primitive,
    "QAbstractTableModel.data/headerData/flags": probe_model_data,
    "QStyledItemDelegate.paint/sizeHint": probe_delegate,
    "QObject.eventFilter": probe_event_filter,
    "QWidget.paintEvent/sizeHint/changeEvent/keyPressEvent": probe_widget_events,
    "QAbstractItemView.moveCursor": probe_move_cursor,
    "QIconEngine.paint/pixmap": probe_icon_engine,
}


def run_one(name: str, n: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    delta, calls = PROBES[name](n)
    print(f"{delta} {calls}")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--probe":
        run_one(sys.argv[2], int(sys.argv[3]))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"Python {sys.version.split()[0]}, {n} rounds per probe, one process per probe")
    leaking = 0
    for name in PROBES:
        # A leaking probe may abort its process (none_dealloc), so each runs on its own.
        child = subprocess.run(
            [sys.executable, __file__, "--probe", name, str(n)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            leaking += 1
            crash = "none_dealloc" if "none_dealloc" in child.stderr else f"exit {child.returncode}"
            print(f"{name:55} LEAKS: the process died ({crash})")
            continue
        delta, calls = (int(x) for x in child.stdout.split())
        per_call = delta / calls if calls else 0.0
        verdict = "LEAKS" if delta < 0 else "ok"
        leaking += delta < 0
        print(f"{name:55} calls={calls:7}  None refcount {delta:+7}  ({per_call:+.2f}/call) {verdict}")
    return 1 if leaking else 0


if __name__ == "__main__":
    raise SystemExit(main())
