"""Compare page: ranking with knockouts, sections, disagreements, sensitivity, why A beats B, and what-if."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluation import EvaluationSnapshot, Results, format_points, format_total
from app.domain.sensitivity import CLOSE_CALL_POINTS, DRAWS, STABILITY_RANGE
from app.domain.wording import share_words
from app.services import evaluation_view as view
from app.services import live, team
from app.services.changes import Changes
from app.services.errors import NotFound
from app.ui import theme
from app.ui.compare.chart import SectionChart
from app.ui.compare.models import ComparisonModel, DisagreementsModel, MatrixModel
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import Stages, Task
from app.ui.widgets.eliding import ElidingComboBox
from app.ui.widgets.evaluation_picker import EvaluationPicker
from app.ui.widgets.page import empty_state, heading, hint, page_layout
from app.ui.widgets.qt import set_bar_value
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tables import ROW_ROLE, compact_rows, fit_columns_to_text, sortable_table

SLIDER_MIN, SLIDER_MAX = 0, 200  # percent of each section's weight in what-if mode
RANKING_FITTED = tuple(c for c in range(RankingModel.MEDIUM + 1) if c != RankingModel.VENDOR)  # sized to their text


def _banner(kind: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAutoFillBackground(True)
    label.setMargin(8)
    bg, fg = theme.chip_colors(kind)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.Window, bg)
    pal.setColor(QPalette.ColorRole.WindowText, fg)
    label.setPalette(pal)
    label.hide()
    return label


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id: int | None = None
        # The evaluation in memory (loaded on a worker) and the results on screen.
        self.loaded: live.CompareView | None = None
        self.results: Results | None = None
        # Saved edits reach `loaded` as typed Changes, applied in place (live.CompareView.
        # with_changes), on screen or not. `_stale`: one could not be applied, so the
        # evaluation is read again when shown; `_unshown`: applied but not drawn yet.
        self._stale = False
        self._unshown = False
        # The picker's list of evaluations must be read again (an evaluation was created,
        # renamed or deleted, or the workspace changed): `_list_pending` while that waits for
        # the page's paint, `_load_pending` while the evaluation's read does (see `refresh`).
        self._list_stale = True
        self._list_pending = False
        self._load_pending = False
        self.loader = Task(self)  # snapshot + full results of the evaluation
        self.sensitivity_task = Task(self)  # 10,000 draws after a what-if change
        # After a load, parts are shown one event-loop turn apart so the window repaints in between.
        self.stages = Stages(self)
        # What the page reads (the list, the evaluation) waits a turn: the page paints first.
        self.reads = Stages(self)
        self._win_rows: list[tuple[QLabel, QProgressBar]] = []
        self.factors: dict[str, float] = {}
        self.sliders: dict[str, QSlider] = {}
        self._slider_labels: dict[str, QLabel] = {}
        # Sensitivity (10,000 draws) waits until the slider rests; totals follow every step.
        self._sensitivity_timer = QTimer(self)
        self._sensitivity_timer.setSingleShot(True)
        self._sensitivity_timer.setInterval(250)
        self._sensitivity_timer.timeout.connect(lambda: self.recompute(with_sensitivity=True))

        self.picker = EvaluationPicker(ctx)
        self.picker.picked.connect(lambda eid: self.open_evaluation(eid))
        self.whatif_button = QPushButton(self.tr("&What-if…"))
        self.whatif_button.setCheckable(True)
        self.whatif_button.setToolTip(
            self.tr("Move section weights and watch the ranking change, without saving")
        )
        self.whatif_button.toggled.connect(self.set_whatif)
        self.export_button = QPushButton(self.tr("&Export PDF…"))
        self.export_button.clicked.connect(self.export_pdf)
        self.select_button = QPushButton(self.tr("&Select this partner…"))
        self.select_button.setToolTip(self.tr("Start an engagement with the selected vendor"))
        self.select_button.clicked.connect(self.select_partner)
        self.loading = QLabel(self.tr("Loading…"))
        self.loading.setAccessibleName(self.tr("Loading the evaluation"))
        self.loading.hide()
        # In place of the results while those of the evaluation chosen are read: no empty
        # tables, nor another evaluation's results, in the meantime.
        self.waiting = hint(self.tr("Loading the evaluation…"))
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.waiting.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Evaluation:")))
        top.addWidget(self.picker)
        top.addWidget(self.loading)
        top.addStretch(1)
        top.addWidget(self.whatif_button)
        top.addWidget(self.export_button)
        top.addWidget(self.select_button)

        # Page 1 of the PDF in one paragraph: winner, margin, robustness, open critical flags.
        self.headline = QLabel()
        self.headline.setObjectName("compareHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setAccessibleName(self.tr("The result in one paragraph"))
        self.whatif_banner = _banner("needs work")
        self.close_banner = _banner("high")
        self.open_banner = _banner("")

        self.ranking = RankingModel(self)
        self.ranking_view, self.ranking_proxy = sortable_table(self.ranking, self.tr("Ranking"))
        self.ranking_view.sortByColumn(RankingModel.RANK, Qt.SortOrder.AscendingOrder)
        self.ranking_view.verticalHeader().setVisible(False)
        header = self.ranking_view.horizontalHeader()
        # The vendor takes the room left; the other columns fit their text, measured when the
        # rows change (fit_columns_to_text), not at every layout pass as ResizeToContents does.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(RankingModel.VENDOR, QHeaderView.ResizeMode.Stretch)
        compact_rows(self.ranking_view)
        self.ranking_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_buttons()
        )
        self.knockouts = QLabel()
        self.knockouts.setWordWrap(True)
        ranking_box = QWidget()
        rl = QVBoxLayout(ranking_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.ranking_view, 1)
        rl.addWidget(self.knockouts)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_sections(), self.tr("Sections"))
        self.tabs.addTab(self._build_sensitivity(), self.tr("Sensitivity"))
        self.tabs.addTab(self._build_why(), self.tr("Why A beats B"))
        self.disagreements = DisagreementsModel(self)
        # No sort proxy: the model sorts itself (thousands of rows in a large evaluation).
        self.disagreements_view = QTableView()
        self.disagreements_view.setModel(self.disagreements)
        self.disagreements_view.setAccessibleName(self.tr("Disagreements"))
        self.disagreements_view.setSortingEnabled(True)
        self.disagreements_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.disagreements_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.disagreements_view.setWordWrap(False)
        self.disagreements_view.verticalHeader().setVisible(False)
        dh = self.disagreements_view.horizontalHeader()
        # Column widths from the first rows only: measuring thousands would stall the window.
        dh.setResizeContentsPrecision(200)
        dh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        dh.setSectionResizeMode(DisagreementsModel.QUESTION, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.disagreements_view, self.tr("Disagreements"))

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(ranking_box)
        left.addWidget(self.tabs)
        left.setSizes([190, 480])
        left.setChildrenCollapsible(False)
        self.whatif_panel = self._build_whatif()
        self.whatif_panel.hide()
        body = QHBoxLayout()
        body.addWidget(left, 1)
        body.addWidget(self.whatif_panel)

        self.empty = empty_state(
            self.tr("Nothing to compare yet"),
            self.tr(
                "Compare ranks the vendors of an evaluation once they are scored. Create an "
                "evaluation and score its vendors on the Evaluate page."
            ),
            self.tr("Go to Evaluate"),
            lambda: self._go_to("evaluations"),
        )
        layout = page_layout(self)
        layout.addWidget(
            heading(
                self.tr("Compare"),
                self.tr(
                    "Who wins, by how much, why — and whether the result survives a change of priorities."
                ),
            )
        )
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(self.whatif_banner)
        layout.addWidget(self.close_banner)
        layout.addWidget(self.open_banner)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.waiting, 1)
        self.body = QWidget()
        self.body.setLayout(body)
        body.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body, 1)
        ctx.changes.connect(self._on_changes)
        ctx.workspace_changed.connect(self._on_workspace_changed)

    # ----- building ---------------------------------------------------------------------

    def _go_to(self, key: str) -> None:
        show = getattr(self.window(), "show_page", None)
        if callable(show):
            show(key)

    def _build_sections(self) -> QWidget:
        self.chart = SectionChart()
        self.matrix = MatrixModel(self)
        self.matrix_view, _ = sortable_table(self.matrix, self.tr("Vendors by section"))
        # Sections share the width so every one is on screen without scrolling sideways, even
        # with the what-if panel open; a header too long for its share is elided (full name in
        # its tooltip). The total keeps the width of its numbers.
        header = self.matrix_view.horizontalHeader()
        header.setMinimumSectionSize(56)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)  # (fitted to its text: _show_results)
        # The model wraps and elides each label to its column (Qt would elide the whole
        # two-line label); the header draws it as given.
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(self._fit_matrix_labels)
        self.matrix_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Rows run from the best total down; the arrow says so.
        self.matrix_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        # Vendor names: as wide as they need up to a limit, then elided (tooltip has the name).
        self.matrix_view.verticalHeader().setMaximumWidth(190)
        self.matrix_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        compact_rows(self.matrix_view)
        self.matrix_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.matrix_view)
        split.setSizes([300, 150])
        return split

    def _fit_matrix_labels(self, logical: int, _old: int = 0, size: int = 0) -> None:
        if logical == 1:
            header = self.matrix_view.horizontalHeader()
            # The style's margins around the text (an arrow shows only on the sorted column).
            margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
            self.matrix.fit_labels(header.fontMetrics(), max(20, size - 2 * margin - 4))

    def _build_sensitivity(self) -> QWidget:
        w = QWidget()
        self.win_box = QGroupBox(
            self.tr("Win share in %1 random section-weight draws").replace("%1", f"{DRAWS:,}")
        )
        self.win_layout = QGridLayout(self.win_box)
        self.stability = RowsModel(
            [Column(self.tr("Section")), Column(self.tr("Winner holds when its weight moves"))],
            self,
        )
        self.stability.editable = False
        self.stability_view = QTableView()
        self.stability_view.setModel(self.stability)
        self.stability_view.setAccessibleName(self.tr("Weight stability per section"))
        self.stability_view.verticalHeader().setVisible(False)
        self.stability_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.margin_label = QLabel()
        self.margin_label.setWordWrap(True)
        layout = QHBoxLayout(w)
        left = QVBoxLayout()
        left.addWidget(self.margin_label)
        left.addWidget(self.win_box)
        left.addStretch(1)
        layout.addLayout(left, 1)
        layout.addWidget(self.stability_view, 1)
        return w

    def _build_why(self) -> QWidget:
        w = QWidget()
        self.vendor_a = ElidingComboBox()
        self.vendor_a.setAccessibleName(self.tr("Vendor A"))
        self.vendor_b = ElidingComboBox()
        self.vendor_b.setAccessibleName(self.tr("Vendor B"))
        self.vendor_a.activated.connect(lambda _i: self._update_why())
        self.vendor_b.activated.connect(lambda _i: self._update_why())
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Why does")))
        row.addWidget(self.vendor_a)
        row.addWidget(QLabel(self.tr("beat")))
        row.addWidget(self.vendor_b)
        row.addStretch(1)
        self.why_summary = QLabel()
        self.why_summary.setWordWrap(True)
        self.comparison = ComparisonModel(self)
        self.comparison_view, _ = sortable_table(self.comparison, self.tr("Points by section"))
        self.comparison_view.verticalHeader().setVisible(False)
        # Four columns sharing the width: long vendor names elide (tooltip has them) rather
        # than push the table into sideways scrolling on a small screen.
        self.comparison_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.comparison_view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.top_questions = RowsModel(
            [Column(self.tr("Question")), Column(self.tr("Points (A − B)"))], self
        )
        self.top_questions.editable = False
        self.top_view = QTableView()
        self.top_view.setModel(self.top_questions)
        self.top_view.setAccessibleName(self.tr("Questions that make the difference"))
        self.top_view.verticalHeader().setVisible(False)
        self.top_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.top_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        tables = QHBoxLayout()
        tables.addWidget(self.comparison_view, 1)
        tables.addWidget(self.top_view, 1)
        layout = QVBoxLayout(w)
        layout.addLayout(row)
        layout.addWidget(self.why_summary)
        layout.addLayout(tables, 1)
        return w

    def _build_whatif(self) -> QWidget:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        # Narrow enough to leave every section column of the matrix on screen at 1280 px.
        frame.setMinimumWidth(220)
        frame.setMaximumWidth(260)
        self.whatif_grid = QVBoxLayout()
        inner = QWidget()
        inner.setLayout(self.whatif_grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.reset_button = QPushButton(self.tr("&Reset weights"))
        self.reset_button.clicked.connect(self.reset_factors)
        layout = QVBoxLayout(frame)
        title = QLabel(self.tr("<b>Section weights</b> (100 % = as in the bank)"))
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.reset_button)
        return frame

    def _build_sliders(self) -> None:
        assert self.snapshot is not None
        sections = [s for s, w in self.snapshot.bank.section_weights().items() if w > 0]
        if list(self.sliders) == sections:
            return
        while self.whatif_grid.count():
            item = self.whatif_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.sliders, self._slider_labels = {}, {}
        for s in sections:
            label = QLabel()
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(SLIDER_MIN, SLIDER_MAX)
            slider.setSingleStep(5)
            slider.setPageStep(25)
            slider.setValue(100)
            slider.setAccessibleName(self.tr("Weight of %1, percent").replace("%1", s))
            slider.valueChanged.connect(lambda v, s=s: self.set_factor(s, v / 100.0))
            label.setBuddy(slider)
            self.whatif_grid.addWidget(label)
            self.whatif_grid.addWidget(slider)
            self.sliders[s] = slider
            self._slider_labels[s] = label
            self._label_slider(s)
        self.whatif_grid.addStretch(1)

    def _label_slider(self, section: str) -> None:
        pct = round(self.factors.get(section, 1.0) * 100)
        # "&" would turn into a keyboard mnemonic on a label with a buddy.
        self._slider_labels[section].setText(f"{section.replace('&', '&&')}: {pct} %")

    # ----- loading ----------------------------------------------------------------------

    @property
    def snapshot(self) -> EvaluationSnapshot | None:
        return self.loaded.snapshot if self.loaded is not None else None

    @property
    def busy(self) -> bool:
        """Whether the evaluation or its sensitivity is still being computed on a worker."""
        return self.loader.busy or self.sensitivity_task.busy or self.stages.busy or self.reads.busy

    def refresh(self) -> None:
        """The page was shown (or must redraw): read again only what changed since it was drawn.

        The list of evaluations is read when one was created, renamed or deleted since (or the
        page is new to the workspace); the evaluation when another one is current or it changed
        in a way that cannot be applied in place. Both are read once the page has painted (as
        Evaluate does): until then it shows its results if they are still the right ones, else
        a calm "Loading the evaluation…", never empty tables nor another evaluation's results.
        """
        if self._list_stale:
            self._list_pending = True
            self._load_pending = False  # (a load still waiting to start waits for the list now)
            self._set_busy()
            self.reads.run([self.refresh_now])
            return
        self.refresh_now()

    def refresh_now(self) -> None:
        """`refresh`, without waiting for the page's paint to read the list of evaluations."""
        if self._list_stale:
            wanted = self.picker.reload()
            self._list_stale = False
        else:
            wanted = self.picker.show_current()
        self._list_pending = False
        if wanted is None:
            self.loader.cancel()
            self.sensitivity_task.cancel()
            self.stages.cancel()
            self._load_pending = False
            self.evaluation_id = self.loaded = self.results = None
            self._set_busy()
            return
        if wanted == self.evaluation_id and not self._stale and (
            self.loaded is not None or self.loader.busy or self._load_pending
        ):
            # Every saved edit since the load is in `loaded` already: nothing to read again.
            if self._unshown and self.loaded is not None:
                self._show_applied()
            self._set_busy()
            return
        self.open_evaluation(wanted)

    def _on_workspace_changed(self) -> None:
        self.loader.cancel()
        self.sensitivity_task.cancel()
        self.stages.cancel()
        self.reads.cancel()
        self.evaluation_id = self.loaded = self.results = None
        self._list_stale, self._load_pending = True, False
        self.picker.clear()  # nothing of the closed workspace, even for the frame before the read
        if self.isVisible():
            self.refresh()  # hidden, the page reads the new workspace when it is next shown

    def _on_changes(self, changes: Changes) -> None:
        """Apply what another page saved to the evaluation in memory; read it again only when
        the change cannot be applied (a vendor removed, a submission, a new bank …)."""
        if changes.touches_evaluation_list():
            self._list_stale = True  # read again when the page is next shown …
            if self.isVisible() and not self._list_pending:
                self.picker.reload()  # … or now, when it is on screen
                self._list_stale = False
        if self.evaluation_id is None or not changes.touches_evaluation(self.evaluation_id):
            return
        applied = (
            self.loaded.with_changes(changes)
            if self.loaded is not None and not self.loader.busy and not self._load_pending and not self._stale
            else None
        )
        if applied is None:
            self._stale = True
            if self.isVisible():
                self.open_evaluation(self.evaluation_id, keep_factors=True)
            return
        if applied is self.loaded:
            return  # nothing this page shows (an answer still hidden from the team, say)
        self.loaded = applied
        self._unshown = True
        if self.isVisible():
            self._show_applied()

    def _show_applied(self) -> None:
        """Rescore the evaluation in memory after edits applied in place: totals, flags and
        progress now, disagreements from them, the sensitivity on a worker."""
        self._unshown = False
        assert self.loaded is not None
        self.recompute(with_sensitivity=True)
        assert self.results is not None
        self._show_scoring_state(self.results)
        self._show_disagreements(view.disagreements(self.results))

    def open_evaluation(self, evaluation_id: int, keep_factors: bool = False) -> None:
        """Load the evaluation and its full results on a worker, started once the page has
        painted that it is loading; a newer request drops this one."""
        if evaluation_id != self.evaluation_id or not keep_factors:
            self.factors = {}
        forget = evaluation_id != self.evaluation_id
        if forget:
            self.loaded = self.results = None  # nothing of the previous evaluation stays usable
            self.stages.cancel()  # (nor the parts of it still to be drawn)
        self.evaluation_id = evaluation_id
        self._stale = self._unshown = False  # what the load reads has every edit saved so far
        factors = dict(self.factors)
        self.sensitivity_task.cancel()
        self.loader.cancel(quiet=True)  # a result on its way was read before this request
        # The worker holds the GIL while it reads, and the GUI thread needs it for each call into
        # Python while it lays the page out and paints it: it starts after that paint (a part of
        # `reads` runs on a 1 ms timer, after the paint Qt has posted).
        self._load_pending = True
        self.reads.run([lambda: self._start_load(evaluation_id, factors)])
        self._set_busy()
        if forget:
            self._forget_results()

    def _forget_results(self) -> None:
        """Empty what the page shows of an evaluation (hidden while another one loads), so that
        none of it shows with the next one: the tabs it draws a turn or two after its ranking
        show nothing until then, never the previous evaluation's numbers."""
        self.ranking.set_rows([])
        self.knockouts.setText("")
        self.headline.setText("")
        self.matrix.set_matrix([], [], [], [])
        self.chart.set_data([], [], [])
        self._fill_why_combos([])
        self._update_why()
        self.margin_label.setText("")
        for name, bar in self._win_rows:
            name.hide()
            bar.hide()
        self.stability.set_rows([])
        self._show_disagreements([])

    def _start_load(self, evaluation_id: int, factors: dict[str, float]) -> None:
        self._load_pending = False
        ws = self.ctx.workspace
        self.loader.run(
            lambda: live.load_compare(ws, evaluation_id, factors or None),
            lambda cv: self._loaded(cv, factors),
            self._load_failed,
        )
        self._set_busy()

    def _set_busy(self) -> None:
        """Show the results, "Loading the evaluation…" in their place, or the empty state, and
        "Loading…" beside the picker while results still shown are read again."""
        reading = self.loader.busy or self._load_pending or self._list_pending
        # Nothing right to show yet: results of the evaluation chosen are not read, or the list
        # is, and the results shown may not be those of the evaluation that will be chosen.
        waiting = (self.evaluation_id is not None and self.loaded is None) or (
            self._list_pending and (self.loaded is None or self.evaluation_id != self.ctx.current_evaluation)
        )
        chosen = self.evaluation_id is not None
        if reading:
            self.waiting.setText(self.tr("Loading the evaluation…"))  # (not why the last read failed)
        self.waiting.setVisible(waiting)
        self.empty.setVisible(not waiting and not chosen)
        self.body.setVisible(not waiting and chosen)
        self.headline.setVisible(not waiting and chosen)
        if waiting or not chosen:
            for banner in (self.close_banner, self.open_banner, self.whatif_banner):
                banner.hide()  # (each is shown again with the results it is about)
        self.loading.setVisible(reading and not waiting)
        # Until the first result arrives there is nothing to move, pick, export or select. (Not
        # the whole body: re-enabling a tree of widgets restyles every one of them, itself a
        # visible pause.)
        ready = self.loaded is not None and not waiting
        for w in (self.whatif_button, self.whatif_panel, self.vendor_a, self.vendor_b):
            w.setEnabled(ready)
        if ready:
            self._update_buttons()
        else:
            self.export_button.setEnabled(False)
            self.select_button.setEnabled(False)

    def _load_failed(self, exc: Exception) -> None:
        if isinstance(exc, NotFound):  # deleted meanwhile: the list is read again
            self.ctx.current_evaluation = None
            self.loaded = None
            self._list_stale = True
            self.refresh()
            return
        message = self.tr("Could not load the evaluation: %1").replace("%1", str(exc))
        self._set_busy()
        self.waiting.setText(message)  # in place of the results, if nothing of them is shown
        self.ctx.say(message)

    def _loaded(self, loaded: live.CompareView, factors: dict[str, float]) -> None:
        if loaded.evaluation_id != self.evaluation_id:
            return
        self.loaded = loaded
        self._show_scoring_state(loaded.results)
        self.results = loaded.results

        def sliders_and_disagreements() -> None:
            if self.loaded is not loaded:
                return  # another evaluation took its place
            self._build_sliders()
            for s, slider in self.sliders.items():
                slider.blockSignals(True)
                slider.setValue(round(self.factors.get(s, 1.0) * 100))
                slider.blockSignals(False)
                self._label_slider(s)
            # Disagreements do not depend on weights: computed once, on the worker, shown once.
            self._show_disagreements(loaded.disagreements)

        # The ranking and the headline now; on later turns of the event loop, so that the window
        # repaints in between (each part well under the 50 ms stall budget): the results shown
        # in place of "Loading the evaluation…" (a first show lays out and paints the whole
        # body), the what-if sliders and the disagreements, matrix, chart, why and sensitivity.
        self._show_results(sensitivity_fresh=True, staged=True, first=[self._set_busy, sliders_and_disagreements])
        if self.factors != factors:
            self.recompute()  # a slider moved while this was loading

    def _show_disagreements(self, rows: list[view.Disagreement]) -> None:
        self.disagreements.set_rows(rows)
        self.tabs.setTabText(
            3, self.tr("Disagreements (%1)").replace("%1", str(self.disagreements.rowCount()))
        )

    def _show_scoring_state(self, res: Results) -> None:
        """Provisional results say so, name who is still scoring and how far they are (no values)."""
        state = res.scoring
        waiting = ", ".join(
            self.tr("%1 (%2 of %3 answers)")
            .replace("%1", e.name)
            .replace("%2", str(e.answered))
            .replace("%3", str(e.expected))
            for e in state.still_scoring
        )
        if not state.provisional:
            text = ""
        elif state.submitted:
            text = (
                self.tr(
                    "Provisional: the scores below use only the answers of %1, who submitted. Still scoring: %2."
                )
                .replace("%1", ", ".join(state.submitted))
                .replace("%2", waiting)
            )
        else:
            text = self.tr(
                "Provisional: no evaluator has submitted yet, so no scores are shown. Still scoring: %1."
            ).replace("%1", waiting)
        self.open_banner.setText(text)
        self.open_banner.setVisible(bool(text))

    # ----- what-if ----------------------------------------------------------------------

    @property
    def whatif(self) -> bool:
        return self.whatif_button.isChecked()

    def set_whatif(self, on: bool) -> None:
        if self.whatif_button.isChecked() != on:
            self.whatif_button.setChecked(on)  # re-enters through toggled
            return
        self.whatif_panel.setVisible(on)
        if not on and self.factors:
            self.reset_factors()
        self._update_banner()

    def set_factor(self, section: str, factor: float) -> None:
        """Change one section's weight factor (1.0 = as saved); recomputes without saving."""
        if abs(factor - 1.0) < 1e-9:
            self.factors.pop(section, None)
        else:
            self.factors[section] = factor
        if section in self.sliders:
            slider = self.sliders[section]
            if slider.value() != round(factor * 100):
                slider.blockSignals(True)
                slider.setValue(round(factor * 100))
                slider.blockSignals(False)
            self._label_slider(section)
        # Totals now (a few ms); the 10,000-draw sensitivity once the slider rests.
        self.recompute(with_sensitivity=False)
        self._sensitivity_timer.start()

    def reset_factors(self) -> None:
        self.factors = {}
        for s, slider in self.sliders.items():
            slider.blockSignals(True)
            slider.setValue(100)
            slider.blockSignals(False)
            self._label_slider(s)
        self.recompute(with_sensitivity=True)

    def _update_banner(self) -> None:
        if not self.whatif:
            self.whatif_banner.hide()
            return
        changed = ", ".join(f"{s} {round(f * 100)} %" for s, f in self.factors.items())
        self.whatif_banner.setText(
            self.tr(
                "What-if — not saved. Section weights: %1. Reset or leave what-if to return to the saved weights."
            ).replace("%1", changed or self.tr("as saved"))
        )
        self.whatif_banner.show()

    # ----- results ----------------------------------------------------------------------

    def recompute(self, with_sensitivity: bool = True) -> None:
        """Totals under the current what-if factors now; the sensitivity then follows on a worker."""
        cv = self.loaded
        if cv is None:
            return
        keep = self.results.sensitivity if self.results is not None else None
        # Reweighting reuses the loaded answers: ranking and flags in a few milliseconds.
        self.results = live.quick(cv, self.factors or None, keep)
        self._show_results(sensitivity_fresh=False)
        self.sensitivity_task.cancel()
        if with_sensitivity:
            factors = dict(self.factors)
            self.margin_label.setText(self.tr("Recomputing sensitivity…"))
            self.sensitivity_task.run(
                lambda: live.with_sensitivity(cv, factors or None),
                lambda res: self._sensitivity_arrived(cv, factors, res),
                lambda exc: self.ctx.say(str(exc)),
            )
        else:
            # Keep showing the last sensitivity (marked stale) while weights move.
            self.margin_label.setText(self.tr("Recomputing sensitivity…"))

    def _sensitivity_arrived(
        self, cv: live.CompareView, factors: dict[str, float], res: Results
    ) -> None:
        if cv is not self.loaded or factors != self.factors:
            return  # the weights moved on meanwhile; a newer computation follows
        self.results = res
        self._show_results(sensitivity_fresh=True)

    def _show_results(
        self, sensitivity_fresh: bool, staged: bool = False, first: list[Callable[[], None]] | None = None
    ) -> None:
        """Show self.results; `staged` spreads the parts over turns of the event loop (after a
        load), after the parts `first` (run whatever results are current by then)."""
        res = self.results
        assert res is not None
        selected = self.selected_vendor()
        rows = view.ranking_rows(res)
        self.ranking.set_rows(rows)
        fit_columns_to_text(self.ranking_view, RANKING_FITTED)
        # The leader is selected by default, so "Select this partner…" is ready for it.
        leader = next((r.vendor for r in rows if r.rank is not None and not r.knocked_out), None)
        if selected or leader:
            self.select_vendor(selected or leader or "")
        ko = [
            f"<b>{html.escape(r.vendor)}</b> — {html.escape(self.tr('knocked out'))}: "
            + html.escape("; ".join(r.knockout_reasons))
            for r in rows
            if r.knocked_out
        ]
        self.knockouts.setText("<br>".join(ko))
        self._update_banner()
        self._update_buttons()
        if sensitivity_fresh:
            # What changes the page's layout above the tabs (the headline's lines, the banner)
            # comes with the ranking, so the tables and chart are laid out once, at their size.
            self._show_headline()
        vendors, sections, scores = view.section_matrix(res)
        totals = [next(r.total for r in rows if r.vendor == v) for v in vendors]

        def matrix() -> None:
            self.matrix.set_matrix(vendors, sections, totals, scores)
            # The total's column fits its numbers when they change, not at every layout pass as
            # ResizeToContents does (it measured every row again each time the page was laid out).
            fit_columns_to_text(self.matrix_view, (0,))

        def why() -> None:
            self._fill_why_combos(vendors)
            self._update_why()

        parts: list[Callable[[], None]] = [
            matrix,
            lambda: self.chart.set_data(vendors, sections, scores),
            why,
        ]
        if sensitivity_fresh:
            parts.append(self._show_sensitivity)
        if not staged:
            for part in parts:
                part()
            return

        def current(part: Callable[[], None]) -> Callable[[], None]:
            # A newer result (what-if, another evaluation) makes the rest of this one moot.
            return lambda: part() if self.results is res else None

        self.stages.run([*(first or []), *(current(part) for part in parts)])

    def headline_text(self, res: Results) -> str:
        """The winner, the margin, how robust the lead is and the winner's open critical red flags
        (the facts of the PDF's first page, from app.domain), as rich text."""
        e = html.escape
        sens = res.sensitivity
        leader = res.leader
        if leader is None or leader.knocked_out:
            return e(self.tr("No winner yet: no vendor has a total that is not knocked out."))
        if not res.comparable:
            return e(self.tr("Only %1 has a total so far: score another vendor before comparing or choosing.").replace(
                "%1", leader.vendor))
        text = self.tr("<b>%1</b> leads with %2").replace("%1", e(leader.vendor)).replace(
            "%2", format_total(leader.total)
        )
        runner_up = res.runner_up
        if runner_up is not None and sens.margin is not None:
            text += self.tr(", %1 points ahead of %2 (%3)").replace("%1", format_points(sens.margin)).replace(
                "%2", e(runner_up.vendor)
            ).replace("%3", format_total(runner_up.total))
            if sens.too_close_to_call:
                text += self.tr(": too close to call")
        text += ". "
        share = sens.win_share.get(leader.vendor)
        if share is not None and runner_up is not None:
            text += self.tr("Wins %1 of %2 random weightings").replace("%1", share_words(share)).replace(
                "%2", f"{sens.draws:,}"
            )
            fragile = res.fragile_sections
            if fragile:
                section, change = fragile[0]
                text += self.tr("; the winner changes if the weight of %1 moves by %2 %").replace(
                    "%1", e(section)
                ).replace("%2", str(round(change * 100)))
            else:
                text += self.tr("; stable within ±%1 % of every section weight").replace(
                    "%1", str(round(STABILITY_RANGE * 100))
                )
            text += ". "
        critical = res.flag_counts(leader.vendor).open.get("critical", 0)
        if critical:
            text += "<b>" + self.tr("%n open critical red flag(s)", "", critical) + "</b>."
        else:
            text += self.tr("No open critical red flags.")
        return text

    def _show_headline(self) -> None:
        """The headline and the too-close-to-call banner, from the current results' sensitivity."""
        res = self.results
        assert res is not None
        self.headline.setText(self.headline_text(res))
        self.close_banner.setText(
            self.tr(
                "Too close to call: the top two are less than %1 points apart. Treat them as equal and decide on "
                "references, red flags and the demo."
            ).replace("%1", f"{CLOSE_CALL_POINTS:g}")
        )
        self.close_banner.setVisible(res.sensitivity.too_close_to_call)

    def _show_sensitivity(self) -> None:
        res = self.results
        assert res is not None
        self._show_headline()
        sens = res.sensitivity
        leader = res.leader
        if sens.margin is None or leader is None:
            self.margin_label.setText(
                self.tr("Sensitivity needs at least two vendors with totals.")
            )
        else:
            self.margin_label.setText(
                self.tr("%1 leads by %2 points.")
                .replace("%1", leader.vendor)
                .replace("%2", format_points(sens.margin))
            )
        # Rows are reused: creating 30 label + bar pairs at every what-if step costs ~30 ms.
        while len(self._win_rows) < len(res.ranking):
            i = len(self._win_rows)
            name, bar = QLabel(), QProgressBar()
            bar.setRange(0, 1000)
            self.win_layout.addWidget(name, i, 0)
            self.win_layout.addWidget(bar, i, 1)
            self._win_rows.append((name, bar))
        for i, (name, bar) in enumerate(self._win_rows):
            shown = i < len(res.ranking)
            name.setVisible(shown)
            bar.setVisible(shown)
            if not shown:
                continue
            r = res.ranking[i]
            share = sens.win_share.get(r.vendor, 0.0)
            name.setText(r.vendor)
            set_bar_value(bar, round(share * 1000))
            bar.setFormat(f"{share * 100:.1f} %")
            bar.setAccessibleName(self.tr("Win share of %1").replace("%1", r.vendor))
        rows = []
        for st in view.stability(res):
            if st.change is None:
                text = self.tr("stable within ±%1 %").replace(
                    "%1", str(round(STABILITY_RANGE * 100))
                )
            else:
                pct = round(st.change * 100) * (1 if st.direction >= 0 else -1)
                text = self.tr("winner changes at %1 %").replace(
                    "%1", f"{pct:+d}".replace("-", "−")
                )
            rows.append([st.section, text])
        self.stability.set_rows(rows)

    def _fill_why_combos(self, vendors: list[str]) -> None:
        for combo, default in ((self.vendor_a, 0), (self.vendor_b, 1)):
            current = combo.currentData()
            if [combo.itemData(i) for i in range(combo.count())] == vendors:
                continue
            combo.clear()
            for v in vendors:
                combo.addItem(v, v)
            i = combo.findData(current)
            combo.setCurrentIndex(i if i >= 0 else min(default, len(vendors) - 1))

    def _update_why(self) -> None:
        res = self.results
        a, b = self.vendor_a.currentData(), self.vendor_b.currentData()
        if res is None or not a or not b or a == b:
            self.comparison.set_comparison(None)
            self.top_questions.set_rows([])
            self.why_summary.setText(self.tr("Pick two different vendors."))
            return
        c = res.comparison(a, b)
        self.comparison.set_comparison(c)
        bank = res.snapshot.bank
        self.top_questions.set_rows(
            [[f"{qid}  {bank.question(qid).question}", f"{d:+.1f}"] for qid, d in c.top_questions]
        )
        diff = c.difference
        if c.a_total is None or c.b_total is None:
            self.why_summary.setText(self.tr("One of them has no total yet."))
        else:
            lead = c.sections[0] if c.sections else None
            text = (
                self.tr("%1 scores %2, %3 scores %4: a difference of %5 points.")
                .replace("%1", a)
                .replace("%2", format_total(c.a_total))
                .replace("%3", b)
                .replace("%4", format_total(c.b_total))
                .replace("%5", f"{diff:+.1f}")
            )
            if lead is not None:
                text += " " + self.tr("The largest gap is in %1 (%2 points).").replace(
                    "%1", lead.section
                ).replace("%2", f"{lead.difference:+.1f}")
            self.why_summary.setText(text)

    # ----- selection and actions ----------------------------------------------------------

    def selected_vendor(self) -> str | None:
        index = self.ranking_view.currentIndex()
        if not index.isValid():
            return None
        row = index.data(ROW_ROLE)
        return row.vendor if row is not None else None

    def select_vendor(self, vendor: str) -> None:
        for r in range(self.ranking_proxy.rowCount()):
            index = self.ranking_proxy.index(r, RankingModel.VENDOR)
            if index.data(ROW_ROLE).vendor == vendor:
                self.ranking_view.setCurrentIndex(index)
                return

    def _update_buttons(self) -> None:
        row = (
            self.ranking_view.currentIndex().data(ROW_ROLE)
            if self.ranking_view.currentIndex().isValid()
            else None
        )
        why_not = self._why_not_selectable(row)
        self.select_button.setEnabled(why_not is None)
        # Never silently disabled: the tooltip says what is missing.
        self.select_button.setToolTip(
            why_not
            or self.tr("Start an engagement with %1 (its open red flags are shown first)").replace(
                "%1", row.vendor if row is not None else ""
            )
        )
        self.export_button.setEnabled(self.evaluation_id is not None)

    def _why_not_selectable(self, row: view.RankingRow | None) -> str | None:
        why = self.ctx.why_not(team.MANAGE)  # a read-only window; on a team workspace, leads start engagements
        if why:
            return why
        if row is None:
            return self.tr("Select a vendor in the ranking first.")
        if row.not_scored_yet:
            return self.tr("Nobody has scored %1 yet.").replace("%1", row.vendor)
        if row.knocked_out:
            return self.tr("%1 is knocked out, so it cannot be chosen.").replace("%1", row.vendor)
        if row.total is None:
            return self.tr("%1 has no total.").replace("%1", row.vendor)
        return None

    def export_pdf(self) -> None:
        from app.ui.export import export_evaluation_pdf  # on use: start-up stays fast

        if self.evaluation_id is not None:
            export_evaluation_pdf(self, self.ctx, self.evaluation_id)

    def select_partner(self) -> None:
        from app.ui.oversee import page as oversee  # on use: start-up stays fast

        vendor = self.selected_vendor()
        if self.evaluation_id is not None and vendor:
            oversee.select_partner(self, self.ctx, self.evaluation_id, vendor)
