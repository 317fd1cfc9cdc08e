"""Item models of the Compare page: vendors × sections, disagreements, and why A beats B."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFontMetrics

from app.domain.scoring import Comparison
from app.services.evaluation_view import Disagreement, format_total
from app.ui.widgets.tables import DISPLAY, RIGHT, SORT_ROLE, Index


class _Table(QAbstractTableModel):
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class MatrixModel(_Table):
    """Rows are vendors (rank order), columns the total then each section's 0–100 score."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._vendors: list[str] = []
        self._sections: list[str] = []
        self._totals: list[float | None] = []
        self._scores: list[list[float | None]] = []
        # The width a section header has on screen, so its label wraps and elides to fit.
        self._label_fit: tuple[QFontMetrics, int] | None = None

    def fit_labels(self, metrics: QFontMetrics, width: int) -> None:
        """Wrap section labels to `width` pixels (three lines, then elided) in `metrics`' font."""
        if self._label_fit is not None and self._label_fit[1] == width:
            return
        self._label_fit = (metrics, width)
        if self._sections:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, len(self._sections))

    def set_matrix(
        self,
        vendors: Sequence[str],
        sections: Sequence[str],
        totals: Sequence[float | None],
        scores: Sequence[Sequence[float | None]],
    ) -> None:
        same_shape = list(vendors) == self._vendors and list(sections) == self._sections
        if not same_shape:
            self.beginResetModel()
        self._vendors, self._sections = list(vendors), list(sections)
        self._totals = list(totals)
        self._scores = [list(r) for r in scores]
        if not same_shape:
            self.endResetModel()
        elif self._vendors:
            # What-if moves every number but not the shape: one dataChanged, no reset.
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._vendors) - 1, len(self._sections))
            )

    def raw(self, row: int, column: int) -> float | None:
        return self._totals[row] if column == 0 else self._scores[row][column - 1]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._vendors)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._sections) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.columnCount():
            if section == 0:
                return self.tr("Total")
            name = self._sections[section - 1]
            if role == Qt.ItemDataRole.ToolTipRole:
                return name
            if self._label_fit is None:
                return wrap(name, "\n")
            return fit_lines(name, *self._label_fit, lines=3)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._vendors):
            return self._vendors[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        value = self.raw(index.row(), index.column())
        if role == DISPLAY:
            return format_total(value)
        if role == SORT_ROLE:
            return -1.0 if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            where = self.tr("total") if index.column() == 0 else self._sections[index.column() - 1]
            return f"{self._vendors[index.row()]} · {where}: {format_total(value)}"
        return None


class DisagreementsModel(_Table):
    """Questions where evaluators' scores spread by 2 points or more (of 5).

    A large evaluation has thousands of them, so the texts and sort keys are made once in
    `set_rows` and the model sorts itself (a view with sorting enabled calls `sort`): a sort
    proxy would call `data` tens of thousands of times on the GUI thread.
    """

    QUESTION, VENDOR, SCORES, SPREAD = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Disagreement] = []
        self._texts: list[tuple[str, str, str, str]] = []
        self._keys: list[tuple[str, str, float, float]] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Disagreement]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [
            (
                f"{d.question}  {d.question_text}",
                d.vendor,
                " · ".join(f"{who}: {s:.1f}" for who, s in d.scores),
                f"{d.spread:.1f}",
            )
            for d in self._rows
        ]
        self._keys = [
            (d.question, d.vendor.casefold(), min((s for _, s in d.scores), default=0.0), d.spread)
            for d in self._rows
        ]
        if self._sorted is not None:
            self._permute(*self._sorted)
        self.endResetModel()

    def rows(self) -> list[Disagreement]:
        return list(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < 4:
            return
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        moved = self._permute(column, order)
        where = {was: now for now, was in enumerate(moved)}
        self.changePersistentIndexList(old, [self.index(where[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _permute(self, column: int, order: Qt.SortOrder) -> list[int]:
        keys = self._keys
        moved = sorted(
            range(len(keys)),
            key=lambda i: keys[i][column],
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [self._rows[i] for i in moved]
        self._texts = [self._texts[i] for i in moved]
        self._keys = [keys[i] for i in moved]
        return moved

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < 4:
            return (
                self.tr("Question"),
                self.tr("Vendor"),
                self.tr("Evaluator scores (of 5)"),
                self.tr("Spread"),
            )[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == DISPLAY:
            return self._texts[row][col]
        if role == SORT_ROLE:
            return self._keys[row][col]
        if role == Qt.ItemDataRole.ToolTipRole and col == self.QUESTION:
            return self._rows[row].question_text
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.SPREAD:
            return RIGHT
        return None


class ComparisonModel(_Table):
    """Why A beats B: each section's points for A and B (out of the 0–100 totals) and the difference."""

    SECTION, A, B, DIFFERENCE = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() or self._comparison is None else len(self._comparison.sections)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        tip = Qt.ItemDataRole.ToolTipRole
        if orientation != Qt.Orientation.Horizontal or role not in (DISPLAY, tip):
            return None
        if not 0 <= section < 4:
            return None
        c = self._comparison
        a = c.a if c else "A"
        b = c.b if c else "B"
        return (self.tr("Section"), a, b, self.tr("Difference (points)"))[section]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self._comparison is None:
            return None
        g = self._comparison.sections[index.row()]
        raw = (g.section, g.a_points, g.b_points, g.difference)[index.column()]
        if role == DISPLAY:
            if index.column() == self.SECTION:
                return g.section
            if index.column() == self.DIFFERENCE:
                return f"{g.difference:+.1f}"
            return f"{float(raw):.1f}"
        if role == SORT_ROLE:
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != self.SECTION:
            return RIGHT
        return None


def wrap(label: str, newline: str) -> str:
    """Break a long label into two lines near its middle, at a space."""
    words = label.split()
    if len(label) <= 12 or len(words) < 2:
        return label
    best = min(
        range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:])))
    )
    return " ".join(words[:best]) + newline + " ".join(words[best:])


def fit_lines(label: str, metrics: QFontMetrics, width: int, lines: int = 2) -> str:
    """`label` word-wrapped to `width` pixels in at most `lines` lines, the last one elided."""
    words = label.split()
    out: list[str] = []
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        if metrics.horizontalAdvance(line) > width:
            words.insert(0, line)  # one word too long: let the last line elide it
            break
        out.append(line)
    if words:
        out.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width))
    return "\n".join(out)
