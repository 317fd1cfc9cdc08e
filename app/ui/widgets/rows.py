"""The one table model of small records: `Column` and `RowsModel`, used by every plain table.

Rows are either dataclasses (each column names its `field`) or sequences (a column without a
field is its position in the row). The model never writes to the database: an edit builds the
new list of rows and hands it to `on_edit(rows, description) -> bool` (an undo command that calls
a service, then shows what was stored with `set_rows`). Without a callback, edits apply locally.
Roles are those of `app.ui.widgets.tables`: SORT_ROLE gives the raw value, ROW_ROLE the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.ui.widgets.tables import DISPLAY, EDIT, RIGHT, ROW_ROLE, SORT_ROLE, Index

KINDS = ("text", "number", "int", "date", "choice", "bool")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # one of KINDS
    field: str = ""  # attribute of a dataclass row; "" when rows are sequences (by position)
    choices: type[Enum] | None = None  # kind "choice": the allowed values
    required: bool = False
    tip: str = ""  # the header's tooltip (e.g. the full name behind initials)
    align: int = 0  # a Qt.AlignmentFlag for the cells; 0: numbers right, the rest as the view

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.6g}"


class RowsModel(QAbstractTableModel):
    """Rows are never changed in place: every edit produces a new list passed to `on_edit`."""

    refused = Signal(str)  # an edit was refused; the message says why

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []
        self.on_edit: Callable[[list[Any], str], bool] | None = None
        self.editable = True

    # ----- data in -------------------------------------------------------------------------

    def rows(self) -> list[Any]:
        """The rows shown (a copy of the list; sequence rows copied too, so callers may edit it)."""
        return [list(r) if isinstance(r, list) else r for r in self._rows]

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show `rows`; same count → only the rows that differ repaint (selection and scroll stay)."""
        new = list(rows)
        if len(new) == len(self._rows):
            changed = [i for i, (a, b) in enumerate(zip(new, self._rows, strict=True)) if a != b]
            self._rows = new
            for i in changed:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Other columns: the rows go too (they no longer fit); `set_rows` brings new ones."""
        self.beginResetModel()
        self.columns = list(columns)
        self._rows = []
        self.endResetModel()

    def value(self, row: Any, column: int) -> Any:
        col = self.columns[column]
        return getattr(row, col.field) if col.field else row[column]

    def _with(self, row: Any, column: int, value: Any) -> Any:
        col = self.columns[column]
        if col.field:
            return dataclasses.replace(row, **{col.field: value})
        new = list(row)
        new[column] = value
        return new

    # ----- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == DISPLAY:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].tip or None
        if orientation == Qt.Orientation.Vertical and role == DISPLAY:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return base
        if self.columns[index.column()].kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        col = self.columns[index.column()]
        value = self.value(row, index.column())
        if role == SORT_ROLE:
            return bool(value) if col.kind == "bool" else value
        if col.kind == "bool":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if role in (DISPLAY, EDIT):
            if col.kind == "int" and value is not None:
                return int(value)  # a spin box edits it
            return self._text(col, value)
        if role == Qt.ItemDataRole.ToolTipRole and col.kind == "text" and value:
            return str(value)  # the whole text when the column elides it
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.align:
                return col.align
            return RIGHT if col.kind in ("number", "int") else None
        return None

    @staticmethod
    def _text(col: Column, value: Any) -> str:
        if value is None:
            return ""
        if col.kind == "number":
            return format_number(float(value))
        if col.kind == "date":
            return value.isoformat() if isinstance(value, date) else str(value)
        if isinstance(value, Enum):
            return str(value.value)
        return str(value)

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:  # noqa: N802
        if not index.isValid() or not self.editable or not 0 <= index.row() < len(self._rows):
            return False
        col = self.columns[index.column()]
        if col.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            parsed: Any = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, True)
        elif role != EDIT:
            return False
        else:
            try:
                parsed = self.parse(col, value)
            except ValueError as exc:
                self.refused.emit(f"{col.title}: {exc}")
                return False
        row = self._rows[index.row()]
        if self.value(row, index.column()) == parsed:
            return True
        new_rows = list(self._rows)
        new_rows[index.row()] = self._with(row, index.column(), parsed)
        return self.apply(new_rows, self.tr("Edit %s") % col.title.lower())

    def parse(self, col: Column, value: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if col.required and not text:
            raise ValueError(self.tr("this cannot be empty"))
        if col.kind == "text":
            return text
        if col.kind in ("number", "int"):
            if not text:
                return None
            try:
                return float(text.replace(",", "")) if col.kind == "number" else int(text)
            except ValueError:
                raise ValueError(self.tr("%r is not a number") % text) from None
        if col.kind == "date":
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(self.tr("%r is not a date like 2027-06-30") % text) from None
        if col.kind == "choice" and col.choices is not None:
            for member in col.choices:
                if text.casefold() in (str(member.value).casefold(), member.name.casefold()):
                    return member
            allowed = ", ".join(str(m.value) for m in col.choices)
            raise ValueError(self.tr("%r is not one of %s") % (text, allowed))
        return text

    # ----- whole-row edits -----------------------------------------------------------------

    def apply(self, rows: list[Any], description: str) -> bool:
        if self.on_edit is None:
            self.set_rows(rows)
            return True
        return self.on_edit(rows, description)

    def append_row(self, row: Any) -> bool:
        return self.apply([*self._rows, row], self.tr("Add row"))

    def remove_row_at(self, position: int) -> bool:
        if not 0 <= position < len(self._rows):
            return False
        return self.apply(self._rows[:position] + self._rows[position + 1 :], self.tr("Remove row"))


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor for enum columns, so a keyboard user picks rather than types."""

    def __init__(self, choices: type[Enum], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        for member in self.choices:
            combo.addItem(str(member.value), str(member.value))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(EDIT))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), EDIT)
