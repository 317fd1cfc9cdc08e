"""Use cases page (Audit): specific use cases with live feedback, data sources and success metrics."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import (
    Access,
    DataSource,
    Direction,
    Impact,
    ImpactKind,
    SuccessMetric,
    UseCase,
)
from app.domain.specificity import BAD_EXAMPLE, GOOD_EXAMPLE, SpecificityResult
from app.services import organization as org_service
from app.services import team
from app.services import usecases as service
from app.services.changes import Changes
from app.services.usecases import DeletedUseCase, UseCaseSummary
from app.ui import theme
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.tasks import Task
from app.ui.undo import push, push_edit
from app.ui.widgets.allowed import allow_all, allow_typing
from app.ui.widgets.page import heading, hint, page_layout
from app.ui.widgets.qt import set_bar_value
from app.ui.widgets.rows import ChoiceDelegate, Column, RowsModel
from app.ui.widgets.tables import fit_columns_to_text
from app.ui.widgets.verdict import VerdictChip

Index = QModelIndex | QPersistentModelIndex


class UseCaseListModel(QAbstractTableModel):
    """The workspace's use cases with their specificity verdict; UserRole gives the id."""

    TITLE, VERDICT = range(2)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[UseCaseSummary] = []

    def set_rows(self, rows: list[UseCaseSummary]) -> None:
        """The list; a row whose verdict is "" is still being checked (on a worker)."""
        if [r.id for r in rows] == [r.id for r in self._rows] and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 1))
        else:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()

    def row_of(self, use_case_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == use_case_id), -1)

    def set_summaries(self, summaries: list[UseCaseSummary]) -> None:
        """Rows' titles and verdicts, once checked (the rows stay where they are): one update for
        all of them, as the verdict column sizes itself to its contents on each."""
        changed = []
        for summary in summaries:
            row = self.row_of(summary.id)
            if row >= 0 and self._rows[row] != summary:
                self._rows[row] = summary
                changed.append(row)
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), 1))

    def summary(self, row: int) -> UseCaseSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Use case"), self.tr("Verdict"))[section] if 0 <= section < 2 else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if index.column() == self.TITLE:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return r.title
        elif not r.verdict:  # being checked: a moment after the page shows
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Checking…")
        else:
            if role == Qt.ItemDataRole.DisplayRole:
                return r.verdict
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Specificity %d / 100") % r.score
            if role == Qt.ItemDataRole.ForegroundRole:
                return theme.tone(r.verdict)
            if role == Qt.ItemDataRole.BackgroundRole:
                return theme.chip_colors(r.verdict)[0]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
        return None


def source_model() -> RowsModel:
    return RowsModel(
        [
            Column(
                "System",
                field="system",
                required=True,
                tip="Where the data lives (Salesforce, Snowflake …)",
            ),
            Column("Access", "choice", "access", Access, tip="Do we have access to it today?"),
        ]
    )


def metric_model() -> RowsModel:
    return RowsModel(
        [
            Column("Metric", field="name", required=True),
            Column("Unit", field="unit"),
            Column("Baseline", "number", "baseline", tip="Where we are today"),
            Column("Target", "number", "target", tip="Where the partner must get us"),
            Column(
                "Direction",
                "choice",
                "direction",
                Direction,
                tip="up: higher is better; down: lower is better",
            ),
            Column("Target date", "date", "target_date", tip="YYYY-MM-DD"),
            Column("Measurement method", field="method"),
            Column("Owner", field="owner"),
        ]
    )


class SpecificityPanel(QGroupBox):
    """The live verdict: chip, 0–100 bar, the reasons, and a good and a bad example."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Specificity check"))
        self.chip = VerdictChip()
        self.chip.setObjectName("verdictChip")
        self.chip.setMinimumWidth(90)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName(self.tr("Specificity score"))
        self.bar.setFormat(self.tr("%v / 100"))
        self.reasons = QLabel()
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.setAccessibleName(self.tr("Reasons"))
        good = QLabel(self.tr("<b>Specific:</b> “%s”") % GOOD_EXAMPLE)
        bad = QLabel(self.tr("<b>Slogan:</b> “%s”") % BAD_EXAMPLE)
        for label in (good, bad):
            label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.chip)
        top.addWidget(self.bar, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.reasons)
        layout.addWidget(
            hint(
                self.tr(
                    "A use case names the decision it improves, for which objects, who acts, "
                    "the data it needs and how success is measured. For example:"
                )
            )
        )
        layout.addWidget(good)
        layout.addWidget(bad)

    def show_result(self, result: SpecificityResult) -> None:
        self.chip.set_kind(result.verdict.value)
        set_bar_value(self.bar, result.score)
        items = "".join(f"<li>{_escape(r)}</li>" for r in result.reasons)
        self.reasons.setText(f"<ul style='margin-left:-20px'>{items}</ul>" if items else "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(model: RowsModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    for i, col in enumerate(model.columns):
        if col.choices is not None:
            view.setItemDelegateForColumn(i, ChoiceDelegate(col.choices, view))
    return view


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current_id: int | None = None
        self._uc: UseCase | None = None
        self._loading = False
        # The list was read from `_read_from` and nothing it shows changed since unless `_stale`
        # (a change announced): showing the page again then reads nothing (refresh).
        self._read_from: object | None = None
        self._stale = True
        self._read: dict[int, UseCase] = {}  # the use cases as last read, by id
        # Each use case is checked once for what it says: the list shows the titles at once and
        # the verdicts not known yet come from a worker (21 checks took 10–40 ms).
        self._checked: dict[int, tuple[UseCase, UseCaseSummary]] = {}
        self._checks = Task(self)
        # The use cases whose verdicts the worker is to check, once the page has painted.
        self._to_check: list[tuple[int, UseCase]] | None = None

        # ----- the list -------------------------------------------------------------------
        self.list_model = UseCaseListModel(self)
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setAccessibleName(self.tr("Use cases"))
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The verdicts fit their text, measured when they change (not at every layout pass).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.list_view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.add_button = QPushButton(icon("add.svg"), self.tr("&New use case"))
        self.add_button.clicked.connect(self.add_use_case)
        self.delete_button = QPushButton(icon("remove.svg"), self.tr("Delete"))
        self.delete_button.setAccessibleName(self.tr("Delete use case"))
        self.delete_button.clicked.connect(self.delete_use_case)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        list_layout.addLayout(buttons)

        # ----- the editor -----------------------------------------------------------------
        self.title = QLineEdit()
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setPlaceholderText(GOOD_EXAMPLE)
        self.decision = QLineEdit()
        self.decision.setAccessibleName(self.tr("Decision or process improved"))
        self.decision.setPlaceholderText(
            self.tr("e.g. The order in which SDRs work the inbound queue")
        )
        self.actors = QLineEdit()
        self.actors.setAccessibleName(self.tr("Who acts on it"))
        self.actors.setPlaceholderText(self.tr("e.g. SDR team (12 people), sales operations"))
        for field, edit in (
            ("title", self.title),
            ("decision", self.decision),
            ("actors", self.actors),
        ):
            edit.textEdited.connect(self._live_check)
            edit.editingFinished.connect(lambda f=field, e=edit: self._save_field(f, e.text()))
        self.impact_kind = QComboBox()
        self.impact_kind.setAccessibleName(self.tr("Impact kind"))
        for kind in ImpactKind:
            self.impact_kind.addItem(kind.value, kind.value)
        self.impact_kind.activated.connect(lambda _i: self._save_impact())
        self.impact_amount = QDoubleSpinBox()
        self.impact_amount.setAccessibleName(self.tr("Estimated annual impact"))
        self.impact_amount.setRange(0, 1e12)
        self.impact_amount.setDecimals(0)
        self.impact_amount.setGroupSeparatorShown(True)
        # Sized for real amounts, not for the 1e12 upper bound (a small laptop needs the room).
        self.impact_amount.setMinimumWidth(100)
        self.impact_amount.setKeyboardTracking(False)
        self.impact_amount.editingFinished.connect(self._save_impact)
        self.impact_unit = QLineEdit()
        self.impact_unit.setAccessibleName(self.tr("Impact unit"))
        self.impact_unit.setPlaceholderText("USD/year")
        self.impact_unit.editingFinished.connect(self._save_impact)
        impact = QHBoxLayout()
        impact.addWidget(self.impact_kind)
        impact.addWidget(self.impact_amount, 1)
        impact.addWidget(self.impact_unit, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("&Title"), self.title)
        form.addRow(self.tr("&Decision"), self.decision)
        form.addRow(self.tr("&Who acts"), self.actors)
        form.addRow(self.tr("Impact"), impact)

        self.feedback = SpecificityPanel()

        self.sources = source_model()
        self.sources.setParent(self)
        self.sources.on_edit = lambda rows, what: self._save_rows("data_sources", rows, what)
        self.sources.refused.connect(self.ctx.say)
        self.sources_view = _table(self.sources, self.tr("Data sources"))
        self.sources_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sources_view.horizontalHeader().setStretchLastSection(False)
        self.sources_view.setColumnWidth(1, 110)
        self.add_source_button = QPushButton(icon("add.svg"), self.tr("Add data source"))
        self.add_source_button.clicked.connect(self.add_source)
        self.remove_source_button = QPushButton(icon("remove.svg"), self.tr("Remove"))
        self.remove_source_button.setAccessibleName(self.tr("Remove data source"))
        self.remove_source_button.clicked.connect(
            lambda: self._remove_current(self.sources_view, self.sources)
        )

        self.metrics = metric_model()
        self.metrics.setParent(self)
        self.metrics.on_edit = lambda rows, what: self._save_rows("success_metrics", rows, what)
        self.metrics.refused.connect(self.ctx.say)
        self.metrics_view = _table(self.metrics, self.tr("Success metrics"))
        for col, width in enumerate((170, 60, 75, 75, 80, 100, 170)):
            self.metrics_view.setColumnWidth(col, width)
        self.add_metric_button = QPushButton(icon("add.svg"), self.tr("Add success metric"))
        self.add_metric_button.clicked.connect(self.add_metric)
        self.remove_metric_button = QPushButton(icon("remove.svg"), self.tr("Remove"))
        self.remove_metric_button.setAccessibleName(self.tr("Remove success metric"))
        self.remove_metric_button.clicked.connect(
            lambda: self._remove_current(self.metrics_view, self.metrics)
        )

        sources_box = self._group(
            self.tr("Data sources"),
            self.tr("The data the use case needs, and whether we can get at it today."),
            self.sources_view,
            self.add_source_button,
            self.remove_source_button,
        )
        self.sources_view.setMinimumHeight(100)
        self.sources_view.setMaximumHeight(150)
        metrics_box = self._group(
            self.tr("Success metrics"),
            self.tr(
                "Agreed before kickoff: baseline, target, direction, date, how it is measured and who owns it."
            ),
            self.metrics_view,
            self.add_metric_button,
            self.remove_metric_button,
        )
        self.metrics_view.setMinimumHeight(140)

        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addWidget(self.feedback, 2)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 4, 0)
        editor_layout.addLayout(top)
        editor_layout.addWidget(sources_box)
        editor_layout.addWidget(metrics_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The editor follows the width it is given (tables scroll inside); never sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(editor)

        self.empty = QLabel(
            self.tr(
                "<h3>No use cases yet</h3><p>Start with one decision you want AI to improve — "
                "for example “%s”.</p><p>Press <b>New use case</b>.</p>"
            )
            % GOOD_EXAMPLE
        )
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.editor_stack = QStackedWidget()
        self.editor_stack.addWidget(self.empty)
        self.editor_stack.addWidget(scroll)

        splitter = QSplitter()
        splitter.addWidget(list_box)
        splitter.addWidget(self.editor_stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 850])
        splitter.setChildrenCollapsible(False)
        layout = page_layout(self)
        layout.addWidget(
            heading(
                self.tr("Use cases"),
                self.tr(
                    "Audit: own the strategy. Name the decision AI should improve, the data it needs, and how success is measured."
                ),
            )
        )
        layout.addWidget(splitter, 1)
        ctx.changes.connect(self._on_changes)

    def _group(
        self, title: str, text: str, view: QTableView, add: QPushButton, remove: QPushButton
    ) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(hint(text))
        layout.addWidget(view, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # ----- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what is saved: read again only when something changed since the last read."""
        if self._stale or self._read_from is not self.ctx.workspace:
            self.reload()
        # A lead's on a team workspace; nothing on a read-only window.
        why = self.ctx.why_not(team.MANAGE)
        editable = not why
        allow_all((self.add_button, self.delete_button, self.add_source_button, self.remove_source_button,
                   self.add_metric_button, self.remove_metric_button, self.impact_kind), why)
        allow_typing((self.title, self.decision, self.actors, self.impact_unit, self.impact_amount), why)
        self.sources.editable = self.metrics.editable = editable

    def reload(self) -> None:
        """Read the use cases again and show them, keeping the one selected."""
        keep = self.current_id
        self._read_list()
        if self.list_model.rowCount() == 0:
            self.current_id = None
            self.editor_stack.setCurrentIndex(0)
        else:
            row = self.list_model.row_of(keep) if keep is not None else -1
            self.select(self.list_model.summary(row if row >= 0 else 0).id)

    @property
    def busy(self) -> bool:
        """Whether verdicts of the list are still being checked on a worker."""
        return self._checks.busy or self._to_check is not None

    def _read_list(self) -> None:
        ws = self.ctx.workspace
        if self._read_from is not ws:
            self._checked.clear()
        self._read_from, self._stale = ws, False
        found = service.read_use_cases(ws)
        self._read = dict(found)
        rows, unknown = [], []
        for use_case_id, uc in found:
            known = self._checked.get(use_case_id)
            if known is not None and known[0] == uc:
                rows.append(known[1])
            else:
                rows.append(UseCaseSummary(use_case_id, uc.title, "", 0))
                unknown.append((use_case_id, uc))
        self.list_model.set_rows(rows)
        fit_columns_to_text(self.list_view, (UseCaseListModel.VERDICT,))
        self._checks.cancel(quiet=True)
        if unknown:
            # The checks are Python and hold the GIL on their worker; the GUI thread needs it back
            # for each call into Python while it lays out and paints the page (up to the switch
            # interval each, ~50 ms in all on a first show), so the worker starts after the paint
            # (a 1 ms timer runs after the posted paint).
            if self._to_check is None:
                QTimer.singleShot(1, self, self._start_checks)
        self._to_check = unknown or None

    def _start_checks(self) -> None:
        unknown, self._to_check = self._to_check, None
        if unknown:
            self._checks.run(lambda: [(uc, service.summary(i, uc)) for i, uc in unknown], self._know)

    def _know(self, results: list[tuple[UseCase, UseCaseSummary]]) -> None:
        """Verdicts, for the list, of the use cases as read last."""
        current = [(uc, s) for uc, s in results if self._read.get(s.id) == uc]
        for uc, summary in current:
            self._checked[summary.id] = (uc, summary)
        self.list_model.set_summaries([s for _uc, s in current])
        fit_columns_to_text(self.list_view, (UseCaseListModel.VERDICT,))

    def select(self, use_case_id: int) -> None:
        row = self.list_model.row_of(use_case_id)
        if row < 0:
            return
        index = self.list_model.index(row, 0)
        if self.list_view.currentIndex().row() != row:
            self.list_view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._load(use_case_id)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._load(int(current.data(Qt.ItemDataRole.UserRole)))

    def _load(self, use_case_id: int) -> None:
        self.current_id = use_case_id
        uc = self._read.get(use_case_id) or service.get(self.ctx.workspace, use_case_id)
        self._uc = uc
        self._loading = True
        try:
            for edit, text in (
                (self.title, uc.title),
                (self.decision, uc.decision),
                (self.actors, uc.actors),
                (self.impact_unit, uc.impact.unit),
            ):
                if edit.text() != text:
                    edit.setText(text)
                    edit.setCursorPosition(0)  # show the start of a long title, not its end
            self.impact_kind.setCurrentIndex(
                max(0, self.impact_kind.findData(uc.impact.kind.value))
            )
            self.impact_amount.setValue(uc.impact.amount)
            self.sources.set_rows(uc.data_sources)
            self.metrics.set_rows(uc.success_metrics)
        finally:
            self._loading = False
        self.editor_stack.setCurrentIndex(1)
        result = service.check(uc)
        self.feedback.show_result(result)
        self._know([(uc, UseCaseSummary(use_case_id, uc.title, result.verdict.value, result.score))])

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches_use_cases() and changes.origin is not self:
            self._stale = True  # shown again, the page reads the list again (not before)
            if self.isVisible():
                self.refresh()

    # ----- live feedback ------------------------------------------------------------------

    def form_use_case(self) -> UseCase:
        """What the editor shows right now, saved or not."""
        base = self._uc or UseCase("")
        return replace(
            base, title=self.title.text(), decision=self.decision.text(), actors=self.actors.text()
        )

    def _live_check(self) -> None:
        self.feedback.show_result(service.check(self.form_use_case()))

    # ----- edits --------------------------------------------------------------------------

    def _update(self, new: UseCase, text: str, merge_key: object = None) -> bool:
        if self.current_id is None or self._loading:
            return False
        ws, uid = self.ctx.workspace, self.current_id
        if self._uc is None or new == self._uc:
            return True
        # Only what was edited here is written; a clash with a save made meanwhile asks first.
        ok = push_edit(
            self.ctx,
            self,
            text,
            lambda uc, base: service.update(ws, uid, uc, base=base),
            new,
            self._uc,
            changes=Changes(use_cases=True).by(self),
            on_done=lambda _undone: self._after(uid),
        ) is None
        if not ok and self._uc is not None:
            self._read_list()
            self._load(uid)  # refused: show what is stored again
        return ok

    def _after(self, use_case_id: int) -> None:
        self._read_list()
        self.select(use_case_id)
        if self.current_id == use_case_id:
            self._load(use_case_id)
        self.ctx.say(self.tr("Use case saved."))

    def _save_field(self, field: str, text: str) -> None:
        if self._uc is None or self._loading:
            return
        text = text.strip()
        if getattr(self._uc, field) == text:
            return
        labels = {
            "title": self.tr("title"),
            "decision": self.tr("decision"),
            "actors": self.tr("who acts"),
        }
        uc = self._uc
        edited = {
            "title": lambda: replace(uc, title=text),
            "decision": lambda: replace(uc, decision=text),
            "actors": lambda: replace(uc, actors=text),
        }[field]()
        self._update(edited, self.tr("Edit use case %s") % labels[field])

    def _save_impact(self) -> None:
        if self._uc is None or self._loading:
            return
        impact = Impact(
            ImpactKind(self.impact_kind.currentData()),
            float(self.impact_amount.value()),
            self.impact_unit.text().strip() or "USD/year",
        )
        if impact != self._uc.impact:
            self._update(replace(self._uc, impact=impact), self.tr("Edit use case impact"))

    def _save_rows(self, field: str, rows: list[Any], what: str) -> bool:
        if self._uc is None:
            return False
        name = self.tr("data sources") if field == "data_sources" else self.tr("success metrics")
        edited = (
            replace(self._uc, data_sources=rows)
            if field == "data_sources"
            else replace(self._uc, success_metrics=rows)
        )
        return self._update(edited, f"{what} ({name})")

    def add_source(self) -> None:
        if self._uc is None:
            return
        used = {d.system.casefold() for d in self._uc.data_sources}
        systems = [
            s for s in org_service.get(self.ctx.workspace).systems if s.casefold() not in used
        ]
        name = systems[0] if systems else self.tr("New data source")
        if self.sources.append_row(DataSource(name, Access.YES)):
            self._edit_last(self.sources_view, self.sources)

    def add_metric(self) -> None:
        if self._uc is None:
            return
        if self.metrics.append_row(SuccessMetric(self.tr("New metric"))):
            self._edit_last(self.metrics_view, self.metrics)

    @staticmethod
    def _edit_last(view: QTableView, model: RowsModel) -> None:
        index = model.index(model.rowCount() - 1, 0)
        view.setCurrentIndex(index)
        view.setFocus()
        view.edit(index)

    @staticmethod
    def _remove_current(view: QTableView, model: RowsModel) -> None:
        row = view.currentIndex().row()
        if row < 0 and model.rowCount():
            row = model.rowCount() - 1
        model.remove_row_at(row)

    def add_use_case(self) -> None:
        ws = self.ctx.workspace
        new = UseCase(self.tr("New use case"))
        state: dict[str, Any] = {"id": None, "gone": None}

        def apply() -> None:
            gone: DeletedUseCase | None = state["gone"]
            state["id"] = service.restore(ws, gone) if gone is not None else service.create(ws, new)

        def revert() -> None:
            state["gone"] = service.delete(ws, state["id"])

        def done(undone: bool) -> None:
            self.reload() if undone else self._after_add(state["id"])

        push(self.ctx, self.tr("Add use case"), apply, revert, changes=Changes(use_cases=True).by(self), on_done=done)

    def _after_add(self, use_case_id: int) -> None:
        self._read_list()
        self.select(use_case_id)
        self.editor_stack.setCurrentIndex(1)
        self.title.setFocus()
        self.title.selectAll()

    def delete_use_case(self) -> None:
        if self.current_id is None:
            return
        ws, uid = self.ctx.workspace, self.current_id
        state: dict[str, Any] = {"gone": None}

        def apply() -> None:
            state["gone"] = service.delete(ws, uid)

        def revert() -> None:
            service.restore(ws, state["gone"])

        def done(undone: bool) -> None:
            if undone:
                self.current_id = uid
            else:
                self.current_id = None
            self.reload()

        if push(
            self.ctx, self.tr("Delete use case"), apply, revert, changes=Changes(use_cases=True).by(self), on_done=done
        ):
            self.ctx.say(self.tr("Use case deleted (Ctrl+Z brings it back)."))
