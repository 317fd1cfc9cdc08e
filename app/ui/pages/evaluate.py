"""Evaluate page: vendors and their profiles, answers per evaluator (blind), live results and red flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluation import EvaluationSnapshot, Results
from app.domain.flags import RedFlag, sort_flags
from app.domain.models import Vendor
from app.services import evaluation_view as view
from app.services import evaluations
from app.services.errors import NotFound
from app.services.live import LiveEvaluation
from app.ui.context import AppContext
from app.ui.evaluate.answers import AnswersView, question_html
from app.ui.evaluate.dialogs import NewEvaluationDialog
from app.ui.evaluate.flags import FlagsPanel
from app.ui.evaluate.models import (
    SORT_ROLE,
    AnswerCell,
    AnswersModel,
    Column,
    RankingModel,
    RowsModel,
)
from app.ui.evaluate.vendors import VendorEditor
from app.ui.tasks import Task
from app.ui.undo import ServiceCommand
from app.ui.widgets.page import ElidedLabel, empty_state, heading, hint, page_layout


def short_name(name: str, everyone: list[str]) -> str:
    """A first name when it tells the evaluators apart, else the full name."""
    first = name.split()[0] if name.split() else name
    return first if sum(1 for n in everyone if n.split()[:1] == [first]) == 1 else name


def initials(name: str) -> str:
    """Initials for a column: "MC" for "Maya Chen (RevOps)", the name without the role."""
    words = [w for w in name.split("(")[0].split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:3]) or name[:2]


def column_names(names: list[str]) -> list[str]:
    """Short evaluator names for narrow columns: first names, or initials when there are many."""
    firsts = [short_name(n, names) for n in names]
    if len(names) <= 3:
        return firsts
    inits = [initials(n) for n in names]
    # Initials only when they still tell everyone apart.
    return inits if len(set(inits)) == len(inits) else firsts


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


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id: int | None = None
        # The evaluation in memory, loaded and rescored off the GUI thread (services.live).
        self.live: LiveEvaluation | None = None
        self._answers_key: tuple[int, str, str] | None = None
        self.loader = Task(self)

        # --- evaluation picker
        self.picker = QComboBox()
        self.picker.setAccessibleName(self.tr("Evaluation"))
        self.picker.setMinimumWidth(320)
        # Long "evaluation — use case" labels elide in the combo instead of pushing the bar wide.
        self.picker.setMinimumContentsLength(30)
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.activated.connect(self._picked)
        self.new_button = QPushButton(self.tr("&New evaluation…"))
        self.new_button.clicked.connect(lambda: self.new_evaluation())
        self.add_evaluator_button = QPushButton(self.tr("Add e&valuator…"))
        self.add_evaluator_button.setAccessibleName(self.tr("Add an evaluator to this evaluation"))
        self.add_evaluator_button.clicked.connect(lambda: self.add_evaluator())
        self.info = ElidedLabel()
        self.loading = QLabel(self.tr("Loading…"))
        self.loading.setAccessibleName(self.tr("Loading the evaluation"))
        self.loading.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Evaluation:")))
        top.addWidget(self.picker, 2)
        top.addWidget(self.new_button)
        top.addWidget(self.add_evaluator_button)
        top.addWidget(self.loading)
        top.addSpacing(8)
        top.addWidget(self.info, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_answers(), self.tr("&Answers"))
        self.tabs.addTab(self._build_vendors(), self.tr("&Vendors"))
        self.flags = FlagsPanel()
        self.flags.acknowledge_requested.connect(self.acknowledge)
        self.flags.withdraw_requested.connect(self.withdraw)
        self.tabs.addTab(self.flags, self.tr("Red &flags"))

        split = QSplitter()
        split.addWidget(self.tabs)
        # The results scroll rather than squeeze their tables on a small screen.
        results = QScrollArea()
        results.setWidget(self._build_results())
        results.setWidgetResizable(True)
        results.setFrameShape(QFrame.Shape.NoFrame)
        results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        results.setMinimumWidth(300)
        split.addWidget(results)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 330])
        split.setChildrenCollapsible(False)
        self.empty = empty_state(
            self.tr("No evaluation yet"),
            self.tr(
                "An evaluation scores candidate partners for one use case against a question bank. "
                "Create one, or load the demo from the File menu to look around first."
            ),
            self.tr("New evaluation…"),
            lambda: self.new_evaluation(),
        )
        layout = page_layout(self)
        layout.addWidget(
            heading(
                self.tr("Evaluate"),
                self.tr(
                    "Profile each vendor, score their answers independently, and watch totals and red flags update."
                ),
            )
        )
        layout.addLayout(top)
        layout.addWidget(self.empty, 1)
        layout.addWidget(split, 1)
        self.body = split
        ctx.workspace_changed.connect(self.refresh)

    # ----- building ---------------------------------------------------------------------

    def _build_answers(self) -> QWidget:
        w = QWidget()
        self.evaluator = QComboBox()
        self.evaluator.setAccessibleName(self.tr("I am (evaluator)"))
        self.evaluator.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.evaluator.activated.connect(lambda _i: self._answers_selection_changed())
        self.answer_vendor = QComboBox()
        self.answer_vendor.setAccessibleName(self.tr("Vendor to score"))
        self.answer_vendor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.answer_vendor.activated.connect(lambda _i: self._answers_selection_changed())
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Answered questions"))
        self.progress.setFormat(self.tr("%v / %m answered"))
        self.progress.setMinimumWidth(150)
        self.progress.setMaximumWidth(190)
        self.submit = QPushButton(self.tr("&Submit my scoring"))
        self.submit.setToolTip(
            self.tr("After submitting you see the other evaluators' scores and disagreements.")
        )
        self.submit.clicked.connect(lambda: self.submit_scoring())
        # Who scores which vendor on the first line (names can be long); where they stand and
        # the submit button on the second, next to what submitting means.
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("I am")))
        bar.addWidget(self.evaluator, 2)
        bar.addSpacing(8)
        bar.addWidget(QLabel(self.tr("scoring")))
        bar.addWidget(self.answer_vendor, 3)
        bar.addStretch(1)
        for combo in (self.evaluator, self.answer_vendor):
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.blind = QLabel()
        self.blind.setWordWrap(True)
        status = QHBoxLayout()
        status.addWidget(self.blind, 1)
        status.addWidget(self.progress)
        status.addWidget(self.submit)
        self.answers_model = AnswersModel(self)
        self.answers_model.on_edit = self.record
        self.answers = AnswersView()
        self.answers.setModel(self.answers_model)
        self.answers.quick_answer.connect(lambda qid, value: self.record(qid, value, None))
        self.answers.selectionModel().currentChanged.connect(lambda *_: self._show_question())
        self.guide = QTextBrowser()
        self.guide.setAccessibleName(self.tr("Guidance and rubric"))
        self.guide.setMinimumHeight(90)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("answerError")
        from app.ui import theme

        pal = self.error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, theme.tone("critical"))
        self.error.setPalette(pal)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.answers)
        split.addWidget(self.guide)
        split.setSizes([420, 150])
        layout = QVBoxLayout(w)
        layout.addLayout(bar)
        layout.addLayout(status)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addWidget(
            hint(
                self.tr(
                    "Keyboard: type 0–5 for a scale and y/n for yes/no; Enter edits other answers; "
                    "Tab or Enter moves to the next question; Delete clears."
                )
            )
        )
        return w

    def _build_vendors(self) -> QWidget:
        w = QWidget()
        self.vendor_list = QListWidget()
        self.vendor_list.setAccessibleName(self.tr("Vendors"))
        self.vendor_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.vendor_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.vendor_list.currentRowChanged.connect(lambda _r: self._show_vendor())
        add = QPushButton(self.tr("Add &vendor…"))
        add.clicked.connect(lambda: self.add_vendor())
        self.remove_vendor_button = QPushButton(self.tr("&Remove vendor"))
        self.remove_vendor_button.clicked.connect(lambda: self.remove_vendor())
        self.add_vendor_button = add
        left = QVBoxLayout()
        left.addWidget(self.vendor_list, 1)
        left.addWidget(add)
        left.addWidget(self.remove_vendor_button)
        lw = QWidget()
        lw.setLayout(left)
        lw.setMaximumWidth(160)
        self.vendor_editor = VendorEditor()
        self.vendor_editor.edited.connect(self.save_vendor)
        layout = QHBoxLayout(w)
        layout.addWidget(lw)
        layout.addWidget(self.vendor_editor, 1)
        return w

    def _build_results(self) -> QWidget:
        box = QGroupBox(self.tr("Live results"))
        self.results_note = QLabel()
        self.results_note.setWordWrap(True)
        self.ranking = RankingModel(self, compact=True)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.ranking)
        proxy.setSortRole(SORT_ROLE)
        self.ranking_view = QTableView()
        self.ranking_view.setModel(proxy)
        self.ranking_view.setAccessibleName(self.tr("Live ranking"))
        self.ranking_view.setSortingEnabled(True)
        self.ranking_view.sortByColumn(RankingModel.RANK, Qt.SortOrder.AscendingOrder)
        self.ranking_view.verticalHeader().setVisible(False)
        self.ranking_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ranking_view.setWordWrap(False)
        self.ranking_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.ranking_view.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(RankingModel.VENDOR, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (RankingModel.RANK, 28),
            (RankingModel.TOTAL, 50),
            (RankingModel.CRITICAL, 30),
            (RankingModel.HIGH, 30),
            (RankingModel.MEDIUM, 30),
        ):
            self.ranking_view.setColumnWidth(col, width)
        compact_rows(self.ranking_view)
        self.ranking_view.setColumnHidden(RankingModel.STATUS, True)
        self.ranking_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.knockouts = QLabel()
        self.knockouts.setWordWrap(True)
        self.progress_model = RowsModel([Column(self.tr("Vendor"))], self)
        self.progress_model.editable = False
        self.progress_view = QTableView()
        self.progress_view.setModel(self.progress_model)
        self.progress_view.setAccessibleName(self.tr("Progress per evaluator and vendor"))
        self.progress_view.verticalHeader().setVisible(False)
        # Evaluator columns as wide as "50/50" or their (short) name; the vendor takes the rest
        # and is elided, with the full name in the tooltip.
        ph = self.progress_view.horizontalHeader()
        ph.setMinimumSectionSize(36)
        ph.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ph.setStretchLastSection(False)
        # In the middle: vendors often differ only at the end ("… Partners #12").
        self.progress_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.progress_view.setWordWrap(False)
        compact_rows(self.progress_view)
        self.progress_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(box)
        layout.addWidget(self.results_note)
        layout.addWidget(self.ranking_view)
        layout.addWidget(self.knockouts)
        self.progress_title = QLabel(self.tr("<b>Progress</b> (answered / total)"))
        layout.addWidget(self.progress_title)
        layout.addWidget(self.progress_view)
        layout.addStretch(1)
        return box

    # ----- loading ----------------------------------------------------------------------

    @property
    def snapshot(self) -> EvaluationSnapshot | None:
        return self.live.snapshot if self.live is not None else None

    @property
    def results(self) -> Results | None:
        return self.live.results if self.live is not None else None

    @property
    def busy(self) -> bool:
        """Whether the evaluation (or another evaluator's view of it) is still loading."""
        return self.loader.busy

    def refresh(self) -> None:
        """Reload the list of evaluations and the current one (the page was shown)."""
        items = evaluations.list_evaluations(self.ctx.workspace)
        self.picker.blockSignals(True)
        self.picker.clear()
        for e in items:
            label = f"{e.name} — {e.use_case}" if e.use_case else e.name
            self.picker.addItem(label, e.id)
            self.picker.setItemData(self.picker.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.picker.blockSignals(False)
        ids = [e.id for e in items]
        wanted = (
            self.ctx.current_evaluation
            if self.ctx.current_evaluation in ids
            else (ids[0] if ids else None)
        )
        ro = self.ctx.read_only
        self.new_button.setEnabled(not ro)
        self.add_evaluator_button.setEnabled(not ro and wanted is not None)
        if wanted is None:
            self.loader.cancel()
            self.evaluation_id = None
            self.live = None
            self.empty.show()
            self.body.hide()
            return
        self.empty.hide()
        self.body.show()
        self.picker.setCurrentIndex(ids.index(wanted))
        if self.ctx.current_evaluation != wanted:
            self.ctx.select_evaluation(wanted)
        self.open_evaluation(wanted)

    def _picked(self, index: int) -> None:
        eid = self.picker.itemData(index)
        if eid is not None:
            self.ctx.select_evaluation(int(eid))
            self.open_evaluation(int(eid))

    def open_evaluation(self, evaluation_id: int) -> None:
        if evaluation_id != self.evaluation_id:
            # Nothing of the previous evaluation may be edited while the new one loads.
            self.live = None
        self.evaluation_id = evaluation_id
        self._answers_key = None
        self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Re-read the evaluation on a worker, then redisplay everything that may have changed.

        A newer reload (or another evaluation picked meanwhile) drops this one's result.
        """
        eid = self.evaluation_id
        if eid is None:
            return
        ws, evaluator = self.ctx.workspace, self.current_evaluator() or self.ctx.current_evaluator

        def loaded(live: LiveEvaluation) -> None:
            self._loaded(live)
            if then is not None:
                then()

        self._start(lambda: LiveEvaluation.load(ws, eid, evaluator), loaded)

    def _start(
        self, fn: Callable[[], LiveEvaluation], on_done: Callable[[LiveEvaluation], None]
    ) -> None:
        self._set_busy(True)
        self.loader.run(fn, on_done, self._load_failed)

    def _set_busy(self, busy: bool) -> None:
        self.loading.setVisible(busy)
        # Until the first result arrives there is nothing valid to edit; a reload of the same
        # evaluation keeps the page usable (an edit meanwhile restarts the reload).
        self.body.setEnabled(not busy or self.live is not None)
        for w in (self.evaluator, self.answer_vendor):
            w.setEnabled(not busy)

    def _load_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, NotFound):
            self.ctx.current_evaluation = None
            self.live = None
            self.refresh()
            return
        self.ctx.say(self.tr("Could not load the evaluation: %1").replace("%1", str(exc)))

    def _loaded(self, live: LiveEvaluation) -> None:
        if live.evaluation_id != self.evaluation_id:
            return
        self.live = live
        self._set_busy(False)
        snap = live.snapshot
        self.info.setText(
            self.tr("Bank: %1 v%2 (%3)")
            .replace("%1", snap.bank.name)
            .replace("%2", str(snap.bank.version))
            .replace("%3", snap.bank.hash[:12])
        )
        self._fill_combo(self.evaluator, [e.name for e in snap.evaluators], live.evaluator)
        self.ctx.current_evaluator = self.evaluator.currentData()
        self._fill_combo(self.answer_vendor, [v.name for v in snap.vendors])
        self._fill_vendor_list()
        self._answers_selection_changed(force=False)
        self._update_results()

    def _fill_combo(self, combo: QComboBox, names: list[str], prefer: str | None = None) -> None:
        current = prefer if prefer in names else combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for n in names:
            combo.addItem(n, n)
        combo.setCurrentIndex(max(combo.findData(current), 0) if names else -1)
        combo.blockSignals(False)

    def _fill_vendor_list(self) -> None:
        assert self.snapshot is not None
        names = [v.name for v in self.snapshot.vendors]
        current = self.vendor_list.currentItem().text() if self.vendor_list.currentItem() else None
        if [self.vendor_list.item(i).text() for i in range(self.vendor_list.count())] != names:
            self.vendor_list.blockSignals(True)
            self.vendor_list.clear()
            for n in names:
                self.vendor_list.addItem(QListWidgetItem(n))
            self.vendor_list.blockSignals(False)
            row = names.index(current) if current in names else (0 if names else -1)
            self.vendor_list.setCurrentRow(row)
        self.vendor_editor.set_capabilities(self.snapshot.organization.infrastructure)
        self.vendor_editor.set_read_only(self.ctx.read_only)
        self.remove_vendor_button.setEnabled(bool(names) and not self.ctx.read_only)
        self.add_vendor_button.setEnabled(not self.ctx.read_only)
        self._show_vendor()

    def _show_vendor(self) -> None:
        if self.snapshot is None:
            return
        item = self.vendor_list.currentItem()
        vendor = None
        if item is not None:
            try:
                vendor = self.snapshot.vendor(item.text())
            except KeyError:
                vendor = None
        shown = self.vendor_editor.vendor
        focus = QApplication.focusWidget()
        if (
            vendor is not None
            and shown is not None
            and shown.name == vendor.name
            and focus is not None
            and self.vendor_editor.isAncestorOf(focus)
        ):
            # A reload landed while the person edits this vendor: keep what they are typing.
            return
        self.vendor_editor.set_vendor(vendor)

    # ----- answers ----------------------------------------------------------------------

    def current_evaluator(self) -> str | None:
        data = self.evaluator.currentData()
        return str(data) if data else None

    def current_vendor(self) -> str | None:
        data = self.answer_vendor.currentData()
        return str(data) if data else None

    def _answers_selection_changed(self, force: bool = True) -> None:
        live = self.live
        if live is None or self.evaluation_id is None:
            return
        snap = live.snapshot
        evaluator, vendor = self.current_evaluator(), self.current_vendor()
        self.ctx.current_evaluator = evaluator
        if evaluator != live.evaluator:
            # Another evaluator sees other totals (blind scoring): rescore on a worker, and
            # meanwhile show no totals at all rather than the previous evaluator's.
            self.ranking.set_rows([])
            self.knockouts.clear()
            self._start(lambda: live.for_evaluator(evaluator), self._evaluator_loaded)
        key = (self.evaluation_id, evaluator or "", vendor or "")
        others = live.other_answers(vendor, evaluator) if evaluator and vendor else None
        disagreements: set[str] = set()
        if others is not None and vendor and evaluator == live.evaluator:
            disagreements = live.disagreements(vendor)
        if key != self._answers_key or force:
            mine = live.answers_of(vendor, evaluator) if evaluator and vendor else {}
            cells = {qid: AnswerCell(a.value, a.note) for qid, a in mine.items()}
            editable = bool(evaluator and vendor) and not self.ctx.read_only
            current = self.answers_model.question_at(self.answers.currentIndex())
            self.answers_model.load(snap.bank.questions, cells, others, disagreements, editable)
            self._answers_key = key
            if current is not None:
                self.answers.go_to(current.id)
            else:
                self.answers.first_question()
            if force and evaluator == live.evaluator:
                self._update_results()
        else:
            self.answers_model.set_others(others, disagreements)
        self._update_answer_header()

    def _evaluator_loaded(self, live: LiveEvaluation) -> None:
        if live.evaluation_id != self.evaluation_id or live.evaluator != self.current_evaluator():
            return
        self.live = live
        self._set_busy(False)
        vendor = self.current_vendor()
        if vendor and live.evaluator:
            self.answers_model.set_others(
                live.other_answers(vendor, live.evaluator), live.disagreements(vendor)
            )
        self._update_results()

    def _update_answer_header(self) -> None:
        snap = self.snapshot
        evaluator, vendor = self.current_evaluator(), self.current_vendor()
        if snap is None or not evaluator or not vendor:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.submit.setEnabled(False)
            self.blind.setText(
                self.tr("Add a vendor (Vendors tab) and evaluators to start scoring.")
                if snap is not None
                else ""
            )
            return
        assert self.live is not None
        p = self.live.progress.get((evaluator, vendor), view.Progress(0, len(snap.bank.questions)))
        self.progress.setRange(0, max(p.total, 1))
        self.progress.setValue(p.answered)
        submitted = view.has_submitted(snap, evaluator)
        self.submit.setEnabled(not submitted and not self.ctx.read_only)
        self.submit.setText(self.tr("Submitted") if submitted else self.tr("&Submit my scoring"))
        self.blind.setText(
            self.tr("You have submitted: other evaluators' answers and disagreements are shown.")
            if submitted
            else self.tr(
                "Blind scoring: you see only your own answers and totals until you press “Submit my scoring”."
            )
        )

    def _show_question(self) -> None:
        q = self.answers_model.question_at(self.answers.currentIndex())
        self.guide.setHtml(question_html(q, self.tr) if q else "")

    def record(self, qid: str, value: str, note: str | None) -> bool:
        """Save one answer through the undo stack; a refused value shows the service's message."""
        evaluator, vendor, eid = self.current_evaluator(), self.current_vendor(), self.evaluation_id
        if not evaluator or not vendor or eid is None:
            return False
        ws = self.ctx.workspace
        previous: dict[str, Any] = {}

        def apply() -> None:
            change = evaluations.record_answer(ws, eid, vendor, evaluator, qid, value or None, note)
            previous.setdefault("value", change.before)
            previous.setdefault("note", change.before_note)

        def revert() -> None:
            evaluations.record_answer(
                ws, eid, vendor, evaluator, qid, previous["value"], previous["note"] or ""
            )

        def done(undone: bool) -> None:
            # What was just saved, mirrored in memory: the same arguments the service got.
            if undone:
                self._answer_saved(
                    eid, vendor, evaluator, qid, previous["value"], previous["note"] or "", True
                )
            else:
                self._answer_saved(eid, vendor, evaluator, qid, value or None, note, False)

        error = self._push(
            self.tr("Answer %1 for %2").replace("%1", qid).replace("%2", vendor),
            apply,
            revert,
            done,
        )
        self.error.setText(
            self.tr("%1: %2").replace("%1", qid).replace("%2", error) if error else ""
        )
        return error is None

    def _answer_saved(
        self,
        eid: int,
        vendor: str,
        evaluator: str,
        qid: str,
        value: str | None,
        note: str | None,
        undone: bool,
    ) -> None:
        if eid != self.evaluation_id:
            return
        live = self.live
        if live is None or self.loader.busy:
            # A load in flight may have read the database before this edit: read again.
            self.reload()
            return
        # One cell of the ScoreBoard changes; ranking and flags follow in a few milliseconds.
        live.apply_answer(vendor, evaluator, qid, value, note)
        if (vendor, evaluator) == (self.current_vendor(), self.current_evaluator()):
            mine = live.answer(vendor, evaluator, qid)
            self.answers_model.set_answer(
                qid, mine.value if mine else "", mine.note if mine else ""
            )
            if undone:
                self.answers.go_to(qid)
        self._update_answer_header()
        self._update_results()

    def submit_scoring(self) -> None:
        evaluator, eid = self.current_evaluator(), self.evaluation_id
        if not evaluator or eid is None or self.snapshot is None:
            return
        progress = self.live.progress if self.live is not None else {}
        missing = [
            v.name
            for v in self.snapshot.vendors
            if not progress.get((evaluator, v.name), view.Progress(0, 0)).complete
        ]
        text = self.tr(
            "Submit %1's scoring? You will then see the other evaluators' scores."
        ).replace("%1", evaluator)
        if missing:
            text += "\n\n" + self.tr("Not every question is answered yet for: %1.").replace(
                "%1", ", ".join(missing)
            )
        if (
            QMessageBox.question(self, self.tr("Submit my scoring"), text)
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.set_submitted(evaluator, True)

    def set_submitted(self, evaluator: str, submitted: bool) -> bool:
        eid = self.evaluation_id
        if eid is None:
            return False
        ws = self.ctx.workspace
        error = self._push(
            self.tr("Submit %1's scoring").replace("%1", evaluator),
            lambda: evaluations.set_submitted(ws, eid, evaluator, submitted),
            lambda: evaluations.set_submitted(ws, eid, evaluator, not submitted),
            lambda _u: self.reload() if eid == self.evaluation_id else None,
        )
        return error is None

    # ----- results and flags ------------------------------------------------------------

    def visible_results(self) -> Results | None:
        return self.results

    def _update_results(self) -> None:
        live = self.live
        if live is None:
            return
        snap = live.snapshot
        evaluator = live.evaluator
        blind = live.blind
        ranked = view.ranking_rows(live.results)
        self.ranking.set_rows(ranked)
        self.results_note.setText(
            self.tr("Totals from your answers only (blind until you submit).")
            if blind
            else self.tr("Totals from every evaluator's answers.")
        )
        out = [
            f"<b>{r.vendor}</b> {self.tr('knocked out')}: " + "; ".join(r.knockout_reasons)
            for r in ranked
            if r.knocked_out
        ]
        if len(out) > 3:
            # A long list would push progress off the panel; Compare lists every knockout.
            more = self.tr("… and %1 more knocked out (see Compare)").replace(
                "%1", str(len(out) - 3)
            )
            out = [*out[:3], more]
        self.knockouts.setText("<br>".join(out))
        flags: list[RedFlag] = sort_flags([f for fl in live.results.flags.values() for f in fl])
        self.flags.read_only = self.ctx.read_only
        self.flags.set_flags(flags, [v.name for v in snap.vendors])
        open_count = sum(1 for f in flags if not f.acknowledged)
        self.tabs.setTabText(2, self.tr("Red &flags (%1)").replace("%1", str(open_count)))
        table = live.progress
        vendors = [v.name for v in snap.vendors]
        # Columns carry first names or initials (full names in the tooltip) so the narrow panel
        # stays readable with many evaluators.
        everyone = [e.name for e in snap.evaluators]
        centre = int(Qt.AlignmentFlag.AlignCenter)
        columns = [Column(self.tr("Vendor"))] + [
            Column(
                short + (" ✓" if e.submitted else ""),
                tip=e.name
                + " — "
                + (self.tr("submitted") if e.submitted else self.tr("not submitted yet")),
                align=centre,
            )
            for short, e in zip(column_names(everyone), snap.evaluators, strict=True)
        ]
        if self.progress_model.columns != columns:
            self.progress_model.beginResetModel()
            self.progress_model.columns = columns
            self.progress_model.endResetModel()
            header = self.progress_view.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.progress_title.setText(
            self.tr("<b>Progress</b> (answered / total)")
            + (self.tr(" · ✓ submitted") if any(e.submitted for e in snap.evaluators) else "")
        )
        rows = []
        for v in vendors:
            rows.append(
                [v]
                + [
                    f"{table[(e.name, v)].answered}/{table[(e.name, v)].total}"
                    for e in snap.evaluators
                ]
            )
        self.progress_model.set_rows(rows)
        fit_rows(self.progress_view, 8)
        fit_rows(self.ranking_view, 8)
        for i in range(self.answer_vendor.count()):
            v = self.answer_vendor.itemData(i)
            if evaluator:
                p = table.get((evaluator, v))
                self.answer_vendor.setItemText(i, f"{v}  ({p.answered}/{p.total})" if p else v)

    def acknowledge(self, flag: RedFlag, rationale: str) -> bool:
        eid = self.evaluation_id
        if eid is None:
            return False
        ws = self.ctx.workspace
        by = self.current_evaluator()
        old = flag.acknowledgement

        def revert() -> None:
            if old is None:
                evaluations.withdraw_acknowledgement(ws, eid, flag.vendor, flag.rule, by=by)
            else:
                evaluations.acknowledge_flag(
                    ws, eid, flag.vendor, flag.rule, old.rationale, by=old.by
                )

        error = self._push(
            self.tr("Acknowledge flag"),
            lambda: evaluations.acknowledge_flag(ws, eid, flag.vendor, flag.rule, rationale, by=by),
            revert,
            lambda _u: self._after_flag(eid, flag),
        )
        return error is None

    def withdraw(self, flag: RedFlag) -> bool:
        eid = self.evaluation_id
        ack = flag.acknowledgement
        if eid is None or ack is None:
            return False
        ws = self.ctx.workspace
        error = self._push(
            self.tr("Withdraw acknowledgement"),
            lambda: evaluations.withdraw_acknowledgement(
                ws, eid, flag.vendor, flag.rule, by=self.current_evaluator()
            ),
            lambda: evaluations.acknowledge_flag(
                ws, eid, flag.vendor, flag.rule, ack.rationale, by=ack.by
            ),
            lambda _u: self._after_flag(eid, flag),
        )
        return error is None

    def _after_flag(self, eid: int, flag: RedFlag) -> None:
        if eid != self.evaluation_id:
            return
        self.reload(then=lambda: None if self.flags.select(flag.vendor, flag.rule) else None)

    # ----- vendors ----------------------------------------------------------------------

    def add_evaluator(self, name: str | None = None) -> bool:
        eid = self.evaluation_id
        if eid is None:
            return False
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Add evaluator"), self.tr("Name of the new evaluator (they score blind until they submit):")
            )
            if not ok:
                return False
        name = name.strip()
        ws = self.ctx.workspace
        error = self._push(
            self.tr("Add evaluator %1").replace("%1", name),
            lambda: evaluations.add_evaluator(ws, eid, name),
            lambda: evaluations.remove_evaluator(ws, eid, name),
            lambda undone: self.reload(),
        )
        if error:
            QMessageBox.warning(self, self.tr("Add evaluator"), error)
        return error is None

    def add_vendor(self, name: str | None = None) -> bool:
        eid = self.evaluation_id
        if eid is None:
            return False
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add vendor"), self.tr("Vendor name:"))
            if not ok:
                return False
        name = name.strip()
        ws = self.ctx.workspace
        error = self._push(
            self.tr("Add vendor %1").replace("%1", name),
            lambda: evaluations.save_vendor(ws, eid, Vendor(name)),
            lambda: evaluations.delete_vendor(ws, eid, name),
            lambda undone: self._after_vendor(eid, None if undone else name),
        )
        if error:
            QMessageBox.warning(self, self.tr("Add vendor"), error)
        return error is None

    def remove_vendor(self) -> bool:
        eid, snap = self.evaluation_id, self.snapshot
        item = self.vendor_list.currentItem()
        if eid is None or snap is None or item is None:
            return False
        name = item.text()
        vendor = snap.vendor(name)
        answers = [a for a in snap.answers if a.vendor == name]
        if (
            QMessageBox.question(
                self,
                self.tr("Remove vendor"),
                self.tr("Remove %1 and its %2 answers? You can undo this.")
                .replace("%1", name)
                .replace("%2", str(len(answers))),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        ws = self.ctx.workspace

        acks = {k: v for k, v in snap.acknowledgements.items() if k[0] == name}

        def restore() -> None:
            # One transaction: the profile, every answer and acknowledgement come back together.
            evaluations.restore_vendor(ws, eid, vendor, answers, acks)

        error = self._push(
            self.tr("Remove vendor %1").replace("%1", name),
            lambda: evaluations.delete_vendor(ws, eid, name),
            restore,
            lambda undone: self._after_vendor(eid, name if undone else None),
        )
        return error is None

    def save_vendor(self, old_name: str, new: Vendor) -> bool:
        eid, snap = self.evaluation_id, self.snapshot
        if eid is None or snap is None:
            return False
        old = snap.vendor(old_name)
        ws = self.ctx.workspace
        error = self._push(
            self.tr("Edit vendor %1").replace("%1", new.name or old_name),
            lambda: evaluations.save_vendor(ws, eid, new, old_name=old_name),
            lambda: evaluations.save_vendor(ws, eid, old, old_name=new.name.strip()),
            lambda undone: self._profile_saved(
                eid, new.name.strip(), old if undone else new, undone
            ),
        )
        if error:
            self.vendor_editor.set_vendor(old)
            self.ctx.say(error)
        return error is None

    def _profile_saved(self, eid: int, name: str, vendor: Vendor, undone: bool) -> None:
        # A profile edit under the same name changes flags only: update them in memory, now,
        # and leave the form alone (the person may already be typing in the next field).
        live = self.live
        if eid == self.evaluation_id and live is not None and not self.loader.busy:
            if live.replace_vendor(name, vendor):
                shown = self.vendor_editor.vendor
                if shown is not None and shown.name == name:
                    # As after any save: the form shows what is saved now (tables rely on it).
                    self.vendor_editor.set_vendor(live.snapshot.vendor(name))
                self._update_results()
                return
        self._after_vendor(eid, vendor.name.strip())

    def _after_vendor(self, eid: int, select: str | None) -> None:
        if eid != self.evaluation_id:
            return

        def reselect() -> None:
            if select is not None:
                items = self.vendor_list.findItems(select, Qt.MatchFlag.MatchExactly)
                if items:
                    self.vendor_list.setCurrentItem(items[0])
            self._show_vendor()

        self.reload(then=reselect)

    # ----- evaluations ------------------------------------------------------------------

    def new_evaluation(self) -> bool:
        dialog = NewEvaluationDialog(self.ctx.workspace, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.create_evaluation(*dialog.values())

    def create_evaluation(
        self, name: str, version_id: int, evaluators: list[str], use_case: int | None
    ) -> bool:
        ws = self.ctx.workspace
        created: dict[str, int] = {}

        def apply() -> None:
            created["id"] = evaluations.create_evaluation(
                ws, name, version_id, evaluators, use_case
            )

        def done(undone: bool) -> None:
            if not undone:
                self.ctx.select_evaluation(created["id"])
            self.refresh()

        error = self._push(
            self.tr("Create evaluation %1").replace("%1", name),
            apply,
            lambda: evaluations.delete_evaluation(ws, created["id"]),
            done,
        )
        if error:
            QMessageBox.warning(self, self.tr("New evaluation"), error)
        return error is None

    # ----- plumbing ---------------------------------------------------------------------

    def _push(
        self,
        text: str,
        apply: Callable[[], Any],
        revert: Callable[[], Any],
        on_done: Callable[[bool], None],
    ) -> str | None:
        """Apply through the undo stack; the service's message when it refuses, else None."""
        if self.ctx.read_only:
            message = self.tr("This workspace is open read-only; the change was not saved.")
            self.ctx.say(message)
            return message
        command = ServiceCommand(
            self.ctx,
            text,
            apply,
            revert,
            changed=f"evaluation:{self.evaluation_id}",
            on_done=on_done,
        )
        self.ctx.undo_stack.push(command)
        return command.error
