"""Typed bridges between Python values and Qt's, where PySide6's stubs are looser than its runtime.

PySide6 converts `date`/`datetime` to `QDate`/`QDateTime` at run time, but its stubs list no
such overloads; `QSettings.value` is typed `object`; `QComboBox.lineEdit()` may be None. These
helpers say what the app relies on, once, so the rest of app/ui type-checks without ignores.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QSettings, QTime
from PySide6.QtWidgets import QComboBox, QLineEdit, QProgressBar


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def py_date(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def qdatetime(moment: datetime) -> QDateTime:
    """Local time, as PySide6's own conversion of a naive datetime."""
    return QDateTime(qdate(moment.date()), QTime(moment.hour, moment.minute, moment.second))


def line_edit(combo: QComboBox) -> QLineEdit:
    """The text field of an editable combo box (set editable before calling)."""
    edit = combo.lineEdit()
    assert edit is not None, "the combo box is not editable"
    return edit


def setting_text(key: str) -> str:
    value = QSettings().value(key, "", str)
    return value if isinstance(value, str) else ""


def setting_list(key: str) -> list[str]:
    """A list of strings saved under `key` (QSettings returns a bare string for one item)."""
    value = QSettings().value(key, [], list)
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def set_bar_value(bar: QProgressBar, value: int) -> None:
    """`bar.setValue(value)`, painted with the next paint rather than at once.

    QProgressBar.setValue calls repaint(), which paints synchronously everything of the window
    still waiting to be painted: when a page is being shown, its whole first paint happened
    inside the call that set a bar (docs/performance.md). Updates off, then on, turn that into
    an ordinary update().
    """
    if bar.value() == value:
        return
    enabled = bar.updatesEnabled()
    bar.setUpdatesEnabled(False)
    try:
        bar.setValue(value)
    finally:
        bar.setUpdatesEnabled(enabled)
