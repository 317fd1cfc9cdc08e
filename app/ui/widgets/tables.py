"""What every table of the app shares: the item roles, row heights and a sortable table view."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView

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


def wrapped_rows(table: QTableView, lines: int, most: int) -> None:
    """Rows as tall as their wrapped text needs up to `lines` lines (longer text ends in "…"; give
    its cells a tooltip), and the table exactly as tall as its first `most` rows. Refitted whenever
    a column changes width, since wrapping depends on it."""
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)

    def fit() -> None:
        table.resizeRowsToContents()
        cap = lines * table.fontMetrics().lineSpacing() + 8
        rows = table.model().rowCount()
        for r in range(rows):
            table.setRowHeight(r, min(table.rowHeight(r), cap))
        header = table.horizontalHeader()
        height = (
            (header.sizeHint().height() if not header.isHidden() else 0)
            + sum(table.rowHeight(r) for r in range(min(rows, most)))
            + 2 * table.frameWidth()
        )
        if rows > most:
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        else:
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setFixedHeight(height)

    fit()
    table.horizontalHeader().sectionResized.connect(lambda *_: fit())


def fit_columns_to_text(table: QTableView, columns: Sequence[int]) -> None:
    """Size `columns` to their header and their widest cell text (in the cell's own font), measured
    now. Use it instead of QHeaderView's ResizeToContents where rows are many or the view is
    resized often: that mode measures every row again at each resize, and each layout pass of a
    page resizes its tables (30 vendors: ~10 ms a pass). Call it again when the rows change."""
    model = table.model()
    header = table.horizontalHeader()
    # What QStyledItemDelegate adds around a cell's text, and the grid line.
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    margin += 1 if table.showGrid() else 0
    plain = QFontMetricsF(table.font())
    metrics: dict[str, QFontMetricsF] = {}
    rows = model.rowCount()
    for column in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        width = header.sectionSizeHint(column)
        for row in range(rows):
            index = model.index(row, column)
            text = index.data(DISPLAY)
            if not text:
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            fm = plain
            if isinstance(font, QFont):
                font = font.resolve(table.font())
                fm = metrics.setdefault(font.key(), QFontMetricsF(font))
            # Qt lays the text out and rounds its width up.
            width = max(width, math.ceil(fm.horizontalAdvance(str(text))) + margin)
        if header.sectionSize(column) != width:
            header.resizeSection(column, width)


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
