"""What every table of the app shares: the item roles, row heights and a sortable table view."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # raw value for sorting
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the row object (question, ranking row, flag …)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def compact_rows(table: QTableView) -> None:
    """Rows as tall as the text needs, so small tables show every row without scrolling."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


def fit_rows(table: QTableView, most: int) -> None:
    """Make `table` exactly as tall as its rows (up to `most` of them), leaving no blank band."""
    rows = min(max(table.model().rowCount(), 1), most)
    header = table.horizontalHeader()
    height = (
        (header.sizeHint().height() if header.isVisible() else 0)
        + rows * table.verticalHeader().defaultSectionSize()
        + 2 * table.frameWidth()
    )
    table.setFixedHeight(height)


def sortable_table(model: QAbstractItemModel, name: str) -> tuple[QTableView, QSortFilterProxyModel]:
    """A read-only table over `model` sorted by SORT_ROLE, one row selected at a time."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table = QTableView()
    table.setModel(proxy)
    proxy.setParent(table)
    table.setAccessibleName(name)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    return table, proxy
