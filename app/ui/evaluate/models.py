"""Qt item models of the Evaluate and Compare pages, each a read view over a snapshot of plain objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from app.domain.bank import Question, QuestionType
from app.domain.flags import RedFlag
from app.domain.wording import knockout_words, points_of_5, scoring_words
from app.services.evaluation_view import RankingRow
from app.ui.evaluate.severity import severity_color, severity_icon
from app.ui.widgets.tables import DISPLAY, EDIT, ROW_ROLE, SORT_ROLE, Index


def value_label(q: Question, value: str) -> str:
    """An answer as a person reads it: scale levels show their rubric text."""
    if not value:
        return ""
    if q.type is QuestionType.SCALE and value.isdigit() and int(value) in q.rubric:
        return f"{value} — {q.rubric[int(value)]}"
    return value


# ----- answers -------------------------------------------------------------------------------


@dataclass
class AnswerCell:
    value: str = ""
    note: str = ""


_NO_ANSWER = AnswerCell()  # shared: nothing changes a cell in place


class AnswersModel(QAbstractItemModel):
    """Sections (top level) holding questions; one evaluator's answers for one vendor.

    Edits are not stored here: `setData` hands them to `on_edit(qid, value, note)` (which
    pushes an undo command), and the page writes the saved result back with `set_answer`.
    """

    QUESTION, ANSWER, NOTE, OTHERS = range(4)
    _SECTION_ID = 0  # internalId of section rows; question rows carry section index + 1
    # A view asks every visible cell for a dozen roles at each repaint: the others are
    # answered without looking anything up, and the flags are built once.
    _ROLES = frozenset({DISPLAY, EDIT, SORT_ROLE, ROW_ROLE, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.FontRole, Qt.ItemDataRole.AccessibleTextRole,
                        Qt.ItemDataRole.DecorationRole})
    _READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    _EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sections: list[str] = []
        self._questions: list[list[Question]] = []
        self._cells: dict[str, AnswerCell] = {}
        self._others: dict[str, list[tuple[str, str]]] | None = None
        self._disagreements: set[str] = set()
        self._editable = False
        self.on_edit: Callable[[str, str, str], bool] | None = None

    # -- loading

    def load(
        self,
        questions: Sequence[Question],
        cells: dict[str, AnswerCell],
        others: dict[str, list[tuple[str, str]]] | None,
        disagreements: set[str],
        editable: bool,
    ) -> None:
        self.beginResetModel()
        self._sections = list(dict.fromkeys(q.section for q in questions))
        self._questions = [[q for q in questions if q.section == s] for s in self._sections]
        self._cells = dict(cells)
        self._others = others
        self._disagreements = set(disagreements)
        self._editable = editable
        self.endResetModel()

    def set_answer(self, qid: str, value: str, note: str) -> None:
        """One answer changed: refresh its row and its section's progress, nothing else."""
        self._cells[qid] = AnswerCell(value, note)
        index = self.index_of(qid)
        if index.isValid():
            self.dataChanged.emit(
                index.siblingAtColumn(self.ANSWER), index.siblingAtColumn(self.NOTE)
            )
            section = index.parent()
            self.dataChanged.emit(section, section)

    def set_others(
        self, others: dict[str, list[tuple[str, str]]] | None, disagreements: set[str]
    ) -> None:
        self._others = others
        self._disagreements = set(disagreements)
        for si, qs in enumerate(self._questions):
            if qs:
                parent = self.index(si, 0)
                self.dataChanged.emit(
                    self.index(0, 0, parent), self.index(len(qs) - 1, self.OTHERS, parent)
                )

    def cell(self, qid: str) -> AnswerCell:
        return self._cells.get(qid, _NO_ANSWER)

    def question_at(self, index: Index) -> Question | None:
        if not index.isValid() or index.internalId() == self._SECTION_ID:
            return None
        return self._questions[index.internalId() - 1][index.row()]

    def index_of(self, qid: str, column: int = 0) -> QModelIndex:
        for si, qs in enumerate(self._questions):
            for qi, q in enumerate(qs):
                if q.id == qid:
                    return self.createIndex(qi, column, si + 1)
        return QModelIndex()

    def question_indexes(self, column: int = ANSWER) -> list[QModelIndex]:
        """Every question row in display order (keyboard navigation walks this list)."""
        return [
            self.createIndex(qi, column, si + 1)
            for si, qs in enumerate(self._questions)
            for qi in range(len(qs))
        ]

    def section_progress(self, si: int) -> tuple[int, int]:
        qs = self._questions[si]
        return sum(1 for q in qs if self.cell(q.id).value), len(qs)

    # -- Qt model API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= 4 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return (
                self.createIndex(row, column, self._SECTION_ID)
                if row < len(self._sections)
                else QModelIndex()
            )
        if parent.internalId() != self._SECTION_ID or parent.column() != 0:
            return QModelIndex()
        si = parent.row()
        if row >= len(self._questions[si]):
            return QModelIndex()
        return self.createIndex(row, column, si + 1)

    # PySide6's stubs merge QObject.parent() into this overload set, so no override of
    # QAbstractItemModel.parent(index) can match them: a stub limitation, not a type error here.
    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == self._SECTION_ID:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, self._SECTION_ID)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        if not parent.isValid():
            return len(self._sections)
        if parent.internalId() == self._SECTION_ID and parent.column() == 0:
            return len(self._questions[parent.row()])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < 4:
            return (
                self.tr("Question"),
                self.tr("My answer"),
                self.tr("Note"),
                self.tr("Other evaluators"),
            )[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if (
            self._editable
            and index.internalId() != self._SECTION_ID
            and index.column() in (self.ANSWER, self.NOTE)
        ):
            return self._EDITABLE
        return self._READ_ONLY

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role not in self._ROLES or not index.isValid():
            return None
        col = index.column()
        if index.internalId() == self._SECTION_ID:
            si = index.row()
            if role == DISPLAY and col == self.QUESTION:
                done, total = self.section_progress(si)
                return f"{self._sections[si]}   {done} / {total}"
            if role == DISPLAY and col == self.ANSWER:
                return ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.AccessibleTextRole and col == self.QUESTION:
                done, total = self.section_progress(si)
                return (
                    self.tr("Section %1, %2 of %3 answered")
                    .replace("%1", self._sections[si])
                    .replace("%2", str(done))
                    .replace("%3", str(total))
                )
            return None
        q = self._questions[index.internalId() - 1][index.row()]
        cell = self.cell(q.id)
        if role == ROW_ROLE:
            return q
        if col == self.QUESTION:
            if role == DISPLAY:
                return f"{q.id}  {q.question}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return question_help(q, self.tr)
            return None
        if col == self.ANSWER:
            if role == DISPLAY:
                return value_label(q, cell.value)
            if role in (EDIT, SORT_ROLE):
                return cell.value
            if role == Qt.ItemDataRole.ToolTipRole:
                return question_help(q, self.tr)
            return None
        if col == self.NOTE:
            if role in (DISPLAY, EDIT, SORT_ROLE):
                return cell.note
            return None
        if col == self.OTHERS:
            if role == DISPLAY:
                if self._others is None:
                    return self.tr("hidden until you submit")
                values = self._others.get(q.id, [])
                return " · ".join(
                    f"{who.split()[0] if who.split() else who}: {v}" for who, v in values
                )
            if role == Qt.ItemDataRole.ToolTipRole and self._others is not None:
                tip = "\n".join(
                    f"{who}: {value_label(q, v)}" for who, v in self._others.get(q.id, [])
                )
                if q.id in self._disagreements:
                    tip += "\n\n" + self.tr(
                        "Evaluators disagree on this question: discuss it before deciding."
                    )
                return tip or None
            if role == Qt.ItemDataRole.FontRole and self._others is None:
                font = QFont()
                font.setItalic(True)
                return font
            if (
                role == Qt.ItemDataRole.DecorationRole
                and self._others is not None
                and q.id in self._disagreements
            ):
                return severity_icon("medium")
            return None
        return None

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:  # noqa: N802 - Qt override
        q = self.question_at(index)
        if (
            q is None
            or role != EDIT
            or index.column() not in (self.ANSWER, self.NOTE)
            or self.on_edit is None
        ):
            return False
        cell = self.cell(q.id)
        text = "" if value is None else str(value)
        if index.column() == self.ANSWER:
            if text == cell.value:
                return False
            return self.on_edit(q.id, text, cell.note)
        if text == cell.note:
            return False
        return self.on_edit(q.id, cell.value, text)


def question_help(q: Question, tr: Callable[[str], str]) -> str:
    """Guidance and the allowed answers (the rubric for a 0–5 scale), as plain text."""
    lines = [q.question]
    if q.guidance:
        lines += ["", q.guidance]
    if q.type is QuestionType.SCALE:
        lines += ["", tr("Scale 0–5:")]
        lines += [f"{k} = {v}" for k, v in sorted(q.rubric.items())] or ["0 = none … 5 = excellent"]
    elif q.type is QuestionType.CHOICE:
        lines += ["", tr("Options:")] + [f"• {label} ({points_of_5(points)})" for label, points in q.choices]
    elif q.type is QuestionType.NUMBER:
        lines += ["", tr("A number. ") + scoring_words(q)]
    elif q.type is QuestionType.YES_NO:
        lines += ["", tr("Yes or no") + (tr(" (a “no” is the good answer)") if q.inverted else "")]
    else:
        lines += ["", tr("Free text, not scored")]
    if q.allow_na:
        lines.append(tr("n/a is allowed"))
    if q.knockout_min is not None:
        lines.append(tr("Knockout: ") + knockout_words(q.knockout_min))
    return "\n".join(lines)


# ----- ranking -------------------------------------------------------------------------------


class RankingModel(QAbstractTableModel):
    """Rank, vendor, total (one decimal), knockout and open flags by severity."""

    RANK, VENDOR, TOTAL, STATUS, CRITICAL, HIGH, MEDIUM = range(7)

    def __init__(self, parent: Any = None, compact: bool = False) -> None:
        super().__init__(parent)
        self._rows: list[RankingRow] = []
        self._compact = compact  # severity columns titled by their icon only

    def set_rows(self, rows: Sequence[RankingRow]) -> None:
        new = list(rows)
        if [r.vendor for r in new] == [r.vendor for r in self._rows]:
            changed = [i for i, (a, b) in enumerate(zip(new, self._rows, strict=True)) if a != b]
            self._rows = new
            for i in changed:
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    def row(self, i: int) -> RankingRow:
        return self._rows[i]

    def rows(self) -> list[RankingRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole):
            return None
        titles = (
            self.tr("#"),
            self.tr("Vendor"),
            self.tr("Total"),
            self.tr("Status"),
            self.tr("Critical"),
            self.tr("High"),
            self.tr("Medium"),
        )
        if role == DISPLAY:
            return "" if self._compact and section >= self.CRITICAL else titles[section]
        if role == Qt.ItemDataRole.ToolTipRole and section >= self.CRITICAL:
            return self.tr("Open %1 red flags").replace("%1", titles[section].lower())
        if role == Qt.ItemDataRole.DecorationRole and section >= self.CRITICAL:
            return severity_icon(("critical", "high", "medium")[section - self.CRITICAL])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return AnswersModel._READ_ONLY

    # The roles `data` answers: the others (asked for every cell at each repaint) return at once.
    _ROLES = frozenset({DISPLAY, SORT_ROLE, ROW_ROLE, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.FontRole})

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role not in self._ROLES or not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return r
        if role == DISPLAY:
            if col == self.RANK:
                return "" if r.rank is None else str(r.rank)
            if col == self.VENDOR:
                return r.vendor
            if col == self.TOTAL:
                return r.total_text
            if col == self.STATUS:
                if r.not_scored_yet:
                    return self.tr("not scored yet")
                return self.tr("knocked out") if r.knocked_out else ""
            return str(r.flag_counts[("critical", "high", "medium")[col - self.CRITICAL]] or "")
        if role == SORT_ROLE:
            if col == self.RANK:
                return len(self._rows) + 1 if r.rank is None else r.rank  # unranked last
            if col == self.VENDOR:
                return r.vendor.casefold()
            if col == self.TOTAL:
                return -1.0 if r.total is None else r.total
            if col == self.STATUS:
                return int(r.knocked_out)
            return r.flag_counts[("critical", "high", "medium")[col - self.CRITICAL]]
        if role == Qt.ItemDataRole.ToolTipRole:
            # The full name (a long one ends in "…" in the column), and why a vendor is out.
            tip = r.vendor if col == self.VENDOR else ""
            if r.knocked_out:
                tip += ("\n\n" if tip else "") + self.tr("Knocked out:") + "\n" + "\n".join(r.knockout_reasons)
            elif r.not_scored_yet:
                tip += ("\n\n" if tip else "") + self.tr(
                    "Nobody has scored this vendor yet, so it has no total and no rank."
                )
            return tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (self.RANK, self.TOTAL) or col >= self.CRITICAL:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS and r.knocked_out:
            return severity_color("critical")
        if role == Qt.ItemDataRole.FontRole and col == self.STATUS and r.not_scored_yet:
            font = QFont()
            font.setItalic(True)  # a state, not an alarm (as "hidden until you submit")
            return font
        if role == Qt.ItemDataRole.FontRole and col == self.TOTAL:
            font = QFont()
            font.setBold(True)
            return font
        return None


# ----- flags ---------------------------------------------------------------------------------


class FlagsModel(QAbstractTableModel):
    """Red flags, worst first: severity (icon and colour), vendor, message, acknowledgement."""

    SEVERITY, VENDOR, MESSAGE, STATUS = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._flags: list[RedFlag] = []  # in the order shown
        self._sort_column, self._sort_order = self.SEVERITY, Qt.SortOrder.AscendingOrder

    def set_flags(self, flags: Sequence[RedFlag]) -> None:
        new = self._sorted(flags)
        if [f.key for f in new] == [f.key for f in self._flags]:
            changed = [
                i
                for i, (a, b) in enumerate(zip(new, self._flags, strict=True))
                if a != b or a.acknowledgement != b.acknowledgement
            ]
            self._flags = new
            for i in changed:
                self.dataChanged.emit(self.index(i, 0), self.index(i, 3))
            return
        self.beginResetModel()
        self._flags = new
        self.endResetModel()

    def _sorted(self, flags: Sequence[RedFlag]) -> list[RedFlag]:
        # The model sorts itself, with one key per flag: a sort proxy would call `data` from C++
        # for every comparison (thousands of Python calls for a large evaluation's flags).
        col = self._sort_column
        keys: Callable[[RedFlag], tuple[Any, ...]] = (
            (lambda f: (f.severity.rank, f.vendor, f.rule)) if col == self.SEVERITY
            else (lambda f: (f.vendor, f.severity.rank, f.rule)) if col == self.VENDOR
            else (lambda f: (f.message, f.vendor)) if col == self.MESSAGE
            else (lambda f: (int(f.acknowledged), f.severity.rank, f.vendor))
        )
        return sorted(flags, key=keys, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < 4:
            return
        self._sort_column, self._sort_order = column, order
        new = self._sorted(self._flags)
        if new == self._flags:
            return
        self.layoutAboutToBeChanged.emit()
        place = {f.key: row for row, f in enumerate(new)}
        old = self.persistentIndexList()  # the selection and the current row follow their flag
        self.changePersistentIndexList(
            old, [self.index(place[self._flags[i.row()].key], i.column()) for i in old]
        )
        self._flags = new
        self.layoutChanged.emit()

    def flag(self, row: int) -> RedFlag:
        return self._flags[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._flags)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < 4:
            return (
                self.tr("Severity"),
                self.tr("Vendor"),
                self.tr("Red flag"),
                self.tr("Acknowledged"),
            )[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        f = self._flags[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return f
        if role == DISPLAY:
            if col == self.SEVERITY:
                return f.severity.value
            if col == self.VENDOR:
                return f.vendor
            if col == self.MESSAGE:
                return f.message
            if f.acknowledgement is None:
                return ""
            return (
                self.tr("%1, %2")
                .replace("%1", f.acknowledgement.by)
                .replace("%2", f.acknowledgement.at[:10])
            )
        if role == Qt.ItemDataRole.DecorationRole and col == self.SEVERITY:
            return severity_icon(f.severity.value)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.SEVERITY and not f.acknowledged:
            return severity_color(f.severity.value)
        if role == Qt.ItemDataRole.FontRole and col == self.MESSAGE and f.acknowledged:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{f.vendor}\n\n{f.message}\n\n" + "\n".join(f"• {e}" for e in f.evidence)
            if f.acknowledgement is not None:
                tip += "\n\n" + self.tr("Acknowledged by %1 on %2: %3").replace(
                    "%1", f.acknowledgement.by
                ).replace("%2", f.acknowledgement.at[:10]).replace(
                    "%3", f.acknowledgement.rationale
                )
            return tip
        return None
