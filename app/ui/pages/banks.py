"""Question banks page (analysts): versions, an in-place validated editor, new versions, diffs."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.bank import FIELDS, Bank, BankDiff, Question, QuestionType, make_question
from app.domain.errors import BankError
from app.domain.models import Layer
from app.domain.wording import TYPE_WORDS, flag_words, num, options_words, scoring_words
from app.services import banks as service
from app.services import team
from app.services.banks import VersionInfo
from app.services.changes import Changes
from app.services.errors import EditConflict
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.tasks import Task
from app.ui.undo import push
from app.ui.widgets.allowed import allow, allow_all
from app.ui.widgets.page import PAGE_MARGINS, heading, hint
from app.ui.widgets.tables import SORT_ROLE

Index = QModelIndex | QPersistentModelIndex

HEADERS = {
    "id": "Id",
    "section": "Section",
    "layer": "Layer",
    "question": "Question",
    "type": "Type",
    "weight": "Weight",
    "guidance": "Guidance",
    "options": "Options",
    "scoring": "Scoring",
    "knockout_min": "Knockout",
    "flag_rule": "Flag rule",
    "allow_na": "N/A allowed",
}
# Cells edited in a multi-line editor.
LONG_FIELDS = ("question", "guidance", "options")


class VersionsModel(QAbstractTableModel):
    """A bank's versions, newest first."""

    COLUMNS = ("Version", "Date", "Hash", "Questions", "Note")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[VersionInfo] = []

    def set_rows(self, rows: list[VersionInfo]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda v: -v.version)
        self.endResetModel()

    def info(self, row: int) -> VersionInfo:
        return self._rows[row]

    def row_of(self, version: int) -> int:
        return next((i for i, v in enumerate(self._rows) if v.version == version), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 5
        ):
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        v = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"v{v.version}", v.created_at[:10], v.hash[:12], str(v.questions), v.note)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"v{v.version}", v.created_at, v.hash, str(v.questions), v.note)[
                index.column()
            ] or None
        if role == Qt.ItemDataRole.UserRole:
            return v.version
        return None


_ROLES = frozenset({Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    SORT_ROLE, Qt.ItemDataRole.TextAlignmentRole})


class QuestionsModel(QAbstractTableModel):
    """The draft's questions as text cells; each edit is validated by the domain before it lands."""

    refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, str]] = []
        self._errors: dict[tuple[str, str], str] = {}  # (question id, field) → last refusal
        self._parsed: dict[int, Question | None] = {}
        self.on_edit: Any = None  # Callable[[list[dict[str, str]], str], bool]
        self.editable = True

    def rows(self) -> list[dict[str, str]]:
        return [dict(r) for r in self._rows]

    def set_rows(self, rows: list[dict[str, str]], questions: tuple[Question, ...] = ()) -> None:
        """Show `rows`; `questions` are those rows already parsed (a saved version's), so the
        rules in words are not parsed again for every row shown."""
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._parsed = dict(enumerate(questions)) if len(questions) == len(rows) else {}
        self.endResetModel()

    def _question(self, row: int) -> Question | None:
        """The row as a question (cached), to say its rules in words; None while a cell is invalid."""
        if row not in self._parsed:
            try:
                self._parsed[row] = make_question(dict(self._rows[row]))
            except BankError:
                self._parsed[row] = None
        return self._parsed[row]

    def _words(self, row: int, field: str, text: str) -> str:
        """What a cell shows: the rules in words (the syntax stays for editing), the type by name."""
        q = self._question(row)
        if q is None or not text:
            return text
        if field == "type":
            return self.tr(TYPE_WORDS[q.type])
        if field == "scoring":
            return scoring_words(q)
        if field == "options":
            return options_words(q)
        if field == "flag_rule":
            return flag_words(q)
        if field == "knockout_min" and q.knockout_min is not None:
            return self.tr("below %1 of 5").replace("%1", num(q.knockout_min))
        return text

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(FIELDS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[FIELDS[section]]) if 0 <= section < len(FIELDS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return f | Qt.ItemFlag.ItemIsEditable if self.editable else f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks each visible cell for eight or more roles on every paint: the others end here.
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        field = FIELDS[index.column()]
        text = row.get(field, "")
        if role == Qt.ItemDataRole.EditRole:
            return text
        if role == Qt.ItemDataRole.DisplayRole:
            return self._words(index.row(), field, text)
        if role == Qt.ItemDataRole.ToolTipRole:
            error = self._errors.get((row["id"], field))
            if error:
                return self.tr("Refused: %s") % error
            return self._words(index.row(), field, text) or None
        if role == SORT_ROLE:
            # Sorting by section keeps the bank's own order inside each section.
            if field == "section":
                return f"{text.casefold()}\0{index.row():06d}"
            if field in ("weight", "knockout_min"):
                try:
                    return float(text)
                except ValueError:
                    return -1.0
            return text.casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and field in ("weight", "knockout_min"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def validate(self, rows: list[dict[str, str]], position: int) -> str | None:
        """The precise reason the row at `position` is not a valid question, or None."""
        try:
            make_question(dict(rows[position]))
        except BankError as exc:
            return str(exc)
        qid = rows[position]["id"].casefold()
        if any(i != position and r["id"].casefold() == qid for i, r in enumerate(rows)):
            return (
                self.tr("question %r, id: this id is already used in the bank")
                % rows[position]["id"]
            )
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        if not 0 <= index.row() < len(self._rows):
            return False
        field = FIELDS[index.column()]
        text = "" if value is None else str(value).strip()
        if self._rows[index.row()].get(field, "") == text:
            return True
        new_rows = self.rows()
        new_rows[index.row()][field] = text
        error = self.validate(new_rows, index.row())
        old_id = self._rows[index.row()]["id"]
        if error is not None:
            self._errors[(old_id, field)] = error
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.ToolTipRole])
            self.refused.emit(error)
            return False
        self._errors.pop((old_id, field), None)
        return self.apply(
            new_rows, self.tr("Edit question %s %s") % (old_id, self.tr(HEADERS[field]).lower())
        )

    def apply(self, rows: list[dict[str, str]], text: str) -> bool:
        if self.on_edit is None:
            self.set_rows(rows)
            return True
        return bool(self.on_edit(rows, text))


class CellEditor(QStyledItemDelegate):
    """Type and layer are picked from a list; long text is edited over several lines."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        field = FIELDS[index.column()]
        if field in ("type", "layer"):
            combo = QComboBox(parent)
            combo.setAccessibleName(self.tr(HEADERS[field]))
            if field == "type":
                for t in QuestionType:
                    combo.addItem(self.tr(TYPE_WORDS[t]), t.value)
            else:
                for layer in Layer:
                    combo.addItem(self.tr(layer.value), layer.value)
            return combo
        if field in LONG_FIELDS:
            editor = QPlainTextEdit(parent)
            editor.setAccessibleName(self.tr(HEADERS[field]))
            editor.setTabChangesFocus(True)
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(text)))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText().strip(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        rect = option.rect
        if isinstance(editor, QPlainTextEdit):
            # Room for several lines of the long text, over the rows below.
            rect = rect.adjusted(0, 0, max(0, 320 - rect.width()), 6 * option.fontMetrics.height())
        editor.setGeometry(rect)


class DiffDialog(QDialog):
    """The difference between two versions of a bank: added, removed, changed fields."""

    def __init__(
        self,
        ws: Any,
        bank: str,
        versions: list[int],
        old: int,
        new: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws, self.bank = ws, bank
        self.setWindowTitle(self.tr("Compare versions — %s") % bank)
        self.old = QComboBox()
        self.new = QComboBox()
        for combo, name in (
            (self.old, self.tr("Older version")),
            (self.new, self.tr("Newer version")),
        ):
            combo.setAccessibleName(name)
            for v in versions:
                combo.addItem(f"v{v}", v)
        self.old.setCurrentIndex(max(0, self.old.findData(old)))
        self.new.setCurrentIndex(max(0, self.new.findData(new)))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Question"), self.tr("Field"), self.tr("Before"), self.tr("After")])
        self.tree.setAccessibleName(self.tr("Differences"))
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        pick = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.old)
        row.addWidget(QLabel("→"))
        row.addWidget(self.new)
        row.addStretch(1)
        pick.addRow(self.tr("Compare"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.old.currentIndexChanged.connect(self.update_diff)
        self.new.currentIndexChanged.connect(self.update_diff)
        self.resize(860, 520)
        self.update_diff()

    def update_diff(self) -> None:
        d: BankDiff = service.diff(
            self.ws, self.bank, int(self.old.currentData()), int(self.new.currentData())
        )
        self.tree.clear()
        new_bank = service.get_bank(self.ws, self.bank, int(self.new.currentData()))
        old_bank = service.get_bank(self.ws, self.bank, int(self.old.currentData()))

        def text_of(bank: Bank, qid: str) -> str:
            try:
                return bank.question(qid).question
            except KeyError:
                return ""

        def line(*cells: str) -> QTreeWidgetItem:
            item = QTreeWidgetItem(list(cells))
            for c, text in enumerate(cells):
                if text:
                    item.setToolTip(c, text)
            return item

        groups: list[tuple[str, list[QTreeWidgetItem]]] = [
            (
                self.tr("Added (%d)") % len(d.added),
                [line(q, self.tr("Question"), "", text_of(new_bank, q)) for q in d.added],
            ),
            (
                self.tr("Removed (%d)") % len(d.removed),
                [line(q, self.tr("Question"), text_of(old_bank, q), self.tr("removed")) for q in d.removed],
            ),
        ]
        changed: list[QTreeWidgetItem] = []
        for qid, _fields in d.changed:
            parent = line(qid, "", "", text_of(new_bank, qid))
            for c in d.changes_of(qid):
                # Old → new for each field, as the bank file writes it (long text wraps; tooltips hold it all).
                parent.addChild(line("", self.tr(HEADERS[c.field]), c.old or "—", c.new or "—"))
            changed.append(parent)
        groups.append((self.tr("Changed (%d)") % len(d.changed), changed))
        for title, items in groups:
            top = QTreeWidgetItem([title, "", "", ""])
            top.addChildren(items)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
            for item in items:
                item.setExpanded(True)
        total = len(d.added) + len(d.removed) + len(d.changed)
        self.summary.setText(
            self.tr("No differences.") if total == 0 else self.tr("Differences in %n question(s).", "", total)
        )


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bank_name: str | None = None
        self.base: Bank | None = None  # the version the draft started from
        self._facts: tuple[Bank, list[dict[str, str]], str] | None = None  # base, its rows, its hash
        self.base_is_newest = True  # … and whether it was the newest then
        self.last_saved: tuple[int, str] | None = None  # (version, hash) of the last save here
        # The banks were read from `_read_from` and none changed since unless `_stale` (a change
        # announced): showing the page again then reads nothing (refresh).
        self._read_from: object | None = None
        self._stale = True
        self._read_task = Task(self)

        self.diff_button = QPushButton(self.tr("Compare versions…"))
        self.diff_button.clicked.connect(self.show_diff)
        self.import_button = QPushButton(self.tr("Import from spreadsheet…"))
        self.import_button.clicked.connect(self._import)
        self.bank_list = QListWidget()
        self.bank_list.setWordWrap(True)
        self.bank_list.setMaximumHeight(110)
        self.bank_list.setAccessibleName(self.tr("Question banks"))
        self.bank_list.currentItemChanged.connect(self._on_bank_changed)
        self.versions = VersionsModel(self)
        self.versions_view = QTableView()
        self.versions_view.setModel(self.versions)
        self.versions_view.setAccessibleName(self.tr("Versions"))
        self.versions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions_view.verticalHeader().setVisible(False)
        self.versions_view.horizontalHeader().setStretchLastSection(True)
        self.versions_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.versions_view.setWordWrap(False)
        self.versions_view.selectionModel().currentRowChanged.connect(self._on_version_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("<b>Banks</b>")))
        left_layout.addWidget(self.bank_list, 1)
        left_layout.addWidget(QLabel(self.tr("<b>Versions</b>")))
        left_layout.addWidget(self.versions_view, 2)
        left_layout.addWidget(hint(self.tr("Evaluations keep the version they were scored with.")))
        left_layout.addWidget(self.diff_button)
        left_layout.addWidget(self.import_button)

        self.questions = QuestionsModel(self)
        self.questions.on_edit = self._edit_draft
        self.questions.refused.connect(self._on_refused)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.questions)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(CellEditor(self.table))
        self.table.setAccessibleName(self.tr("Questions"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(False)
        for col, width in enumerate((60, 150, 80, 380, 70, 60, 200, 160, 150, 70, 150, 80)):
            self.table.setColumnWidth(col, width)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )

        self.draft_label = QLabel()
        self.draft_label.setObjectName("draftStatus")
        self.draft_label.setWordWrap(True)
        self.add_button = QPushButton(icon("add.svg"), self.tr("Add question"))
        self.add_button.clicked.connect(self.add_question)
        self.remove_button = QPushButton(icon("remove.svg"), self.tr("Remove question"))
        self.remove_button.clicked.connect(self.remove_question)
        self.save_button = QPushButton(self.tr("&Save as new version…"))
        self.save_button.clicked.connect(lambda: self.save_draft())
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.clicked.connect(self.discard_draft)
        tools = QHBoxLayout()
        for b in (self.add_button, self.remove_button):
            tools.addWidget(b)
        tools.addStretch(1)
        for b in (self.discard_button, self.save_button):
            tools.addWidget(b)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(tools)
        right_layout.addWidget(self.draft_label)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(
            hint(
                self.tr(
                    "Double-click or type to edit a cell. Each change is checked (type, weight, options, "
                    "scoring rule, knockout, flag rule); a refused change is explained in the status bar. "
                    "Changes collect in a draft until you save them as a new version."
                )
            )
        )

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 750])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.addWidget(
            heading(
                self.tr("Question banks"),
                self.tr(
                    "Sections, weights, scoring rules and red-flag rules. Every saved change is a new version."
                ),
            )
        )
        layout.addWidget(splitter, 1)
        ctx.changes.connect(self._on_changes)

    # ----- loading ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether the version about to be shown is still being read on a worker."""
        return self._read_task.busy

    def refresh(self) -> None:
        """Show the banks: read them again only when something changed since the last read.

        The version to show is parsed on a worker first (`_read_ahead`: a 200-question version
        took 7–10 ms on the GUI thread); `reload` then finds it parsed and only lists."""
        # A read-only window changes nothing; on a team workspace only leads change banks.
        self.questions.editable = self.ctx.can(team.MANAGE)
        allow_all((self.add_button, self.remove_button, self.import_button), self.ctx.why_not(team.MANAGE))
        if self._stale or self._read_from is not self.ctx.workspace:
            self._read_ahead()
        else:
            self._update_draft_state()

    def _read_ahead(self) -> None:
        ws, keep, base = self.ctx.workspace, self.bank_name, self.base
        self._read_from, self._stale = ws, False  # a change announced meanwhile reads again

        def parse() -> tuple[Bank, list[dict[str, str]], str] | None:
            # The version `reload` is about to show (the same choice), parsed once per process.
            names = [b.name for b in service.list_banks(ws)]
            if not names:
                return None
            name = keep if keep in names else names[0]
            infos = service.versions(ws, name)
            version = base.version if base is not None and name == keep else infos[-1].version
            info = next((i for i in infos if i.version == version), None)
            if info is None:
                return None
            bank = service.get_bank_version(ws, info.id)
            return bank, bank.rows(), bank.hash

        def show(facts: tuple[Bank, list[dict[str, str]], str] | None) -> None:
            if ws is not self.ctx.workspace:
                return  # another workspace since: its own refresh reads it
            if facts is not None:
                self._facts = facts  # the rows and hash `_base_rows` would compute again
            self.reload()
            self._update_draft_state()

        def failed(exc: Exception) -> None:
            if ws is self.ctx.workspace:  # say it as the plain read says it
                self.reload()
                self._update_draft_state()

        self._read_task.run(parse, show, failed)

    def reload(self) -> None:
        """Read the banks again and show them, keeping the bank (and its draft) on screen."""
        self._read_from, self._stale = self.ctx.workspace, False
        keep = self.bank_name
        self.bank_list.blockSignals(True)
        self.bank_list.clear()
        for b in service.list_banks(self.ctx.workspace):
            item = QListWidgetItem(b.name)
            item.setToolTip(
                self.tr("%1 — latest v%2, %n question(s)", "", b.questions)
                .replace("%1", b.name)
                .replace("%2", str(b.version))
            )
            item.setData(Qt.ItemDataRole.UserRole, b.name)
            self.bank_list.addItem(item)
        self.bank_list.blockSignals(False)
        names = [
            self.bank_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.bank_list.count())
        ]
        if not names:
            self.bank_name, self.base = None, None
            self.versions.set_rows([])
            self.questions.set_rows([])
            return
        row = names.index(keep) if keep in names else 0
        if self.bank_list.currentRow() == row and keep == names[row]:
            self._load_bank(names[row], keep_draft=True)
        else:
            self.bank_list.setCurrentRow(row)

    def _on_bank_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None:
            self._load_bank(str(current.data(Qt.ItemDataRole.UserRole)))

    def _load_bank(self, name: str, version: int | None = None, keep_draft: bool = False) -> None:
        changed_bank = name != self.bank_name
        self.bank_name = name
        infos = service.versions(self.ctx.workspace, name)
        self.versions.set_rows(infos)
        target = (
            version
            if version is not None
            else (self.base.version if (self.base and not changed_bank) else infos[-1].version)
        )
        row = self.versions.row_of(target)
        self.versions_view.selectionModel().blockSignals(True)
        self.versions_view.selectionModel().setCurrentIndex(
            self.versions.index(max(row, 0), 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.versions_view.selectionModel().blockSignals(False)
        if keep_draft and not changed_bank and self.base is not None:
            self._update_draft_state()
            return
        self.load_version(target)

    def _on_version_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and self.bank_name:
            version = int(current.data(Qt.ItemDataRole.UserRole))
            if self.base is None or version != self.base.version:
                if self.is_draft() and not self._confirm_discard():
                    return
                self.load_version(version)

    def load_version(self, version: int) -> None:
        assert self.bank_name is not None
        row = self.versions.row_of(version)  # the versions listed know their ids: no look-up
        self.base = (service.get_bank_version(self.ctx.workspace, self.versions.info(row).id) if row >= 0
                     else service.get_bank(self.ctx.workspace, self.bank_name, version))
        # A draft of the newest version merges onto a version someone saves meanwhile; a draft
        # of an older version (going back to it on purpose) is saved as it is.
        newest = max((self.versions.info(i).version for i in range(self.versions.rowCount())), default=version)
        self.base_is_newest = version >= newest
        self.questions.set_rows(self._base_rows(), self.base.questions)
        self._update_draft_state()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches_banks() and changes.origin is not self:
            self._stale = True  # shown again, the page reads the banks again (not before)
            if self.isVisible():
                self.refresh()

    # ----- the draft ----------------------------------------------------------------------

    def is_draft(self) -> bool:
        return self.base is not None and self.questions.rows() != self._base_rows()

    def _base_rows(self) -> list[dict[str, str]]:
        """The rows of `base`, kept with its hash while it stays the base: the draft is compared
        with them on every show and every edit (200 questions took 5–15 ms each time)."""
        assert self.base is not None
        if self._facts is None or self._facts[0] is not self.base:
            self._facts = (self.base, self.base.rows(), self.base.hash)
        return self._facts[1]

    def _update_draft_state(self) -> None:
        if self.base is None:
            self.draft_label.setText(
                self.tr("No question bank yet. Import one from a spreadsheet.")
            )
        elif self.is_draft():
            d = self._draft_diff()
            self.draft_label.setText(
                self.tr(
                    "<b>Unsaved draft</b> based on v%d: %d added, %d removed, %d changed. "
                    "Save it as a new version to use it in evaluations."
                )
                % (self.base.version, len(d.added), len(d.removed), len(d.changed))
            )
        else:
            n = len(self.base.questions)
            text = (
                self.tr("v%1 · %n question(s)", "", n).replace("%1", str(self.base.version))
                + self.tr(" · %n section(s)", "", len(self.base.sections))
                + self.tr(" · hash %1").replace("%1", self._base_hash()[:12])
            )
            if self.last_saved and self.last_saved[0] == self.base.version:
                text = (
                    self.tr("Saved as v%d (hash %s). ")
                    % (self.last_saved[0], self.last_saved[1][:12])
                    + text
                )
            self.draft_label.setText(text)
        draft = self.is_draft()
        why = self.ctx.why_not(team.MANAGE)
        allow(self.save_button, why, draft)
        allow(self.discard_button, why, draft)

    def _base_hash(self) -> str:
        self._base_rows()
        assert self._facts is not None
        return self._facts[2]

    def _draft_diff(self) -> BankDiff:
        from app.domain.bank import diff_banks

        assert self.base is not None
        return diff_banks(self.base, self._draft_bank())

    def _draft_bank(self) -> Bank:
        assert self.bank_name is not None
        return Bank.from_rows(self.bank_name, self.questions.rows())

    def _edit_draft(self, rows: list[dict[str, str]], text: str) -> bool:
        """Draft edits are undoable too; each command restores a whole draft, so order never matters."""
        before = (self.bank_name, self.base.version if self.base else None, self.questions.rows())
        after = (self.bank_name, before[1], [dict(r) for r in rows])
        return push(
            self.ctx, text, lambda: self._show_draft(*after), lambda: self._show_draft(*before)
        )

    def _show_draft(
        self, bank: str | None, version: int | None, rows: list[dict[str, str]]
    ) -> None:
        if bank is not None and (
            bank != self.bank_name or self.base is None or self.base.version != version
        ):
            self.bank_name = bank
            self.base = service.get_bank(self.ctx.workspace, bank, version)
        self.questions.set_rows(rows)
        self._update_draft_state()

    def _on_refused(self, message: str) -> None:
        self.ctx.say(self.tr("Not changed — %s") % message)

    def add_question(self) -> None:
        if self.base is None:
            return
        rows = self.questions.rows()
        ids = {r["id"].casefold() for r in rows}
        n = 1
        while f"new{n}" in ids:
            n += 1
        current = self.proxy.mapToSource(self.table.currentIndex())
        section = (
            rows[current.row()]["section"]
            if current.isValid()
            else (rows[-1]["section"] if rows else "General")
        )
        row = make_question(
            {
                "id": f"NEW{n}",
                "section": section,
                "layer": "data",
                "question": self.tr("New question"),
                "type": "yes_no",
                "weight": "1",
            }
        ).as_row()
        if self._edit_draft([*rows, row], self.tr("Add question")):
            index = self.proxy.mapFromSource(
                self.questions.index(len(rows), FIELDS.index("question"))
            )
            self.table.scrollTo(index)
            self.table.setCurrentIndex(index)
            self.table.setFocus()

    def remove_question(self) -> None:
        current = self.proxy.mapToSource(self.table.currentIndex())
        if not current.isValid():
            self.ctx.say(self.tr("Select a question to remove."))
            return
        rows = self.questions.rows()
        gone = rows.pop(current.row())
        self._edit_draft(rows, self.tr("Remove question %s") % gone["id"])

    def discard_draft(self) -> None:
        if self.base is not None and self.is_draft():
            self._edit_draft(self._base_rows(), self.tr("Discard bank draft"))

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved draft"),
            self.tr("The draft has unsaved changes. Open another version and leave the draft?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_draft(self, note: str | None = None) -> tuple[int, str] | None:
        """Save the draft as the bank's next version; returns (version, hash) or None."""
        if self.base is None or not self.is_draft() or self.ctx.read_only:
            return None
        interactive = note is None
        if note is None:
            note, ok = QInputDialog.getText(
                self,
                self.tr("Save as new version"),
                self.tr("What changed, and why? (kept with the version)"),
            )
            if not ok:
                return None
        bank = self._draft_bank()
        base = self.base if self.base_is_newest else None
        try:
            _vid, number, created = service.save(self.ctx.workspace, bank, note=note.strip(), base=base)
        except EditConflict as clash:
            from app.ui.widgets.conflict_dialog import ConflictDialog

            if not interactive or clash.merged is None or ConflictDialog(clash, self).exec() != ConflictDialog.OVERWRITE:
                self.ctx.say(str(clash))
                self._load_bank(bank.name)  # the newest version, as saved (the draft is not kept)
                return None
            bank = cast(Bank, clash.merged)
            _vid, number, created = service.save(self.ctx.workspace, bank, note=note.strip(), base=cast(Bank, clash.theirs))
        digest = bank.hash
        self.last_saved = (number, digest)
        self.ctx.announce(Changes(banks=True).by(self))
        self._load_bank(bank.name, number)
        message = (
            self.tr(
                "Saved as version %d of “%s” (hash %s). Evaluations scored with earlier versions keep theirs."
            )
            % (number, bank.name, digest[:12])
            if created
            else self.tr("Identical to the existing version %d (hash %s); nothing new was saved.")
            % (number, digest[:12])
        )
        self.ctx.say(message)
        if interactive:
            QMessageBox.information(self, self.tr("Bank saved"), message)
        return number, digest

    def show_diff(self) -> None:
        if self.bank_name is None:
            return
        versions = [self.versions.info(i).version for i in range(self.versions.rowCount())][::-1]
        if len(versions) < 2:
            self.ctx.say(self.tr("This bank has only one version so far."))
            return
        new = self.base.version if self.base else versions[-1]
        old = max((v for v in versions if v < new), default=versions[0])
        if old == new:
            new = versions[-1]
        DiffDialog(self.ctx.workspace, self.bank_name, versions, old, new, self).exec()

    def _import(self) -> None:
        from app.ui.questionnaires import open_bank_import_wizard  # on use: start-up stays fast

        open_bank_import_wizard(self, self.ctx)
        self.refresh()
