"""An editable table model over a list of dataclass rows, whose edits go through a callback.

The model never writes to the database itself: `setData` builds the new list of rows and hands
it to `on_edit(rows, description) -> bool` (typically an undo command that calls a service,
then calls `set_rows` with what was stored). Without a callback edits apply locally.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    field: str  # attribute of the row dataclass
    title: str
    kind: str = "text"  # text | number | int | date | choice | bool
    choices: type[Enum] | None = None
    required: bool = False
    tip: str = ""


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.6g}"


class RowsModel(QAbstractTableModel):
    """Rows are immutable-in-place: every edit produces a new list passed to `on_edit`."""

    refused = Signal(str)  # an edit was refused; the message says why

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []
        self.on_edit: Callable[[list[Any], str], bool] | None = None
        self.editable = True

    # ----- data in -------------------------------------------------------------------------

    def rows(self) -> list[Any]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show `rows`; same shape → dataChanged (keeps selection and scroll), else a reset."""
        rows = list(rows)
        if len(rows) == len(self._rows) and rows:
            self._rows = rows
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1)
            )
        elif rows != self._rows:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()

    # ----- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tip:
                return self.columns[section].tip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            if self.columns[index.column()].kind == "bool":
                base |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        col = self.columns[index.column()]
        value = getattr(self._rows[index.row()], col.field)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col.kind == "bool":
                return None
            return self._text(col, value)
        if role == Qt.ItemDataRole.CheckStateRole and col.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind in ("number", "int"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col.kind == "text" and value:
            return str(value)
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

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or not self.editable or not (0 <= index.row() < len(self._rows)):
            return False
        col = self.columns[index.column()]
        if col.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            parsed: Any = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        elif role != Qt.ItemDataRole.EditRole:
            return False
        else:
            try:
                parsed = self.parse(col, value)
            except ValueError as exc:
                self.refused.emit(f"{col.title}: {exc}")
                return False
        row = self._rows[index.row()]
        if getattr(row, col.field) == parsed:
            return True
        new_rows = list(self._rows)
        new_rows[index.row()] = dataclasses.replace(row, **{col.field: parsed})
        ok = self.apply(new_rows, self.tr("Edit %s") % col.title.lower())
        return ok

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
                number = float(text.replace(",", "")) if col.kind == "number" else int(text)
            except ValueError:
                raise ValueError(self.tr("%r is not a number") % text) from None
            return number
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

    def __init__(self, choices: type[Enum], parent: Any = None) -> None:
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
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
