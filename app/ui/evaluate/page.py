"""Evaluate page: the evaluation picker, the Answers / Vendors / Red flags tabs, and live results.

The open evaluation is an `EvaluationSession` (services.session): every edit goes through it,
and it keeps the scores in memory (loaded off the GUI thread). The page holds the session and
the undo push; each tab (answers_tab, vendors_tab, flags_tab) owns its widgets and its edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluation import EvaluationSnapshot, Results, open_flags
from app.domain.flags import RedFlag, sort_flags
from app.services import evaluations, team
from app.services.changes import Changes
from app.services.errors import NotFound
from app.services.live import LiveEvaluation
from app.services.session import EvaluationSession
from app.ui.context import AppContext
from app.ui.evaluate.answers_tab import AnswersTab
from app.ui.evaluate.dialogs import NewEvaluationDialog
from app.ui.evaluate.flags_tab import FlagsPanel
from app.ui.evaluate.results_panel import ResultsPanel
from app.ui.evaluate.vendors_tab import VendorsTab
from app.ui.evidence.documents_panel import DocumentsPanel
from app.ui.tasks import Stages, Task
from app.ui.undo import try_push
from app.ui.widgets.allowed import allow
from app.ui.widgets.evaluation_picker import EvaluationPicker
from app.ui.widgets.page import ElidedLabel, empty_state, heading, page_layout

VENDORS_TAB, FLAGS_TAB, DOCUMENTS_TAB = 1, 2, 3
_Panel = TypeVar("_Panel", bound=QWidget)


class _Tabs(QTabWidget):
    """The page's tabs. A tab's page may be a stand-in holding its panel, which is built when
    first needed (`Page._place`): `indexOf` and `setCurrentWidget` take the panel too."""

    def indexOf(self, widget: QWidget) -> int:  # noqa: N802 - QTabWidget's name
        index = super().indexOf(widget)
        holder = widget.parentWidget()
        return super().indexOf(holder) if index < 0 and holder is not None else index

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 - QTabWidget's name
        self.setCurrentIndex(self.indexOf(widget))


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # The open evaluation: its edits and its scores in memory (None: nothing open).
        self.session: EvaluationSession | None = None
        self.loader = Task(self)
        self.stages = Stages(self)  # a loaded evaluation is drawn in parts (see `_loaded`)
        # What changed elsewhere while the page was hidden (see `_on_changes`): shown again with
        # neither set, the page reads and redraws nothing.
        self._list_stale = True  # the list of evaluations (names, use cases)
        self._stale = False  # the open evaluation's data

        # --- evaluation picker
        self.picker = EvaluationPicker(ctx)
        self.picker.setMinimumWidth(320)
        self.picker.picked.connect(self.open_evaluation)
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

        self.answers_tab = AnswersTab(self)
        # The other tabs are hidden at first: each panel is built (and filled) when first
        # needed, shown or asked for, not with the page (see `_place`).
        self._vendors_tab: VendorsTab | None = None
        self._flags: FlagsPanel | None = None
        self._documents: DocumentsPanel | None = None
        self.tabs = _Tabs()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.answers_tab, self.tr("&Answers"))
        for text in (self.tr("&Vendors"), self.tr("Red &flags"), self.tr("Ev&idence")):
            stand_in = QWidget()
            QVBoxLayout(stand_in).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(stand_in, text)
        self.tabs.currentChanged.connect(self._tab_shown)

        split = QSplitter()
        split.addWidget(self.tabs)
        # The results scroll rather than squeeze their tables on a small screen.
        self.results_panel = ResultsPanel()
        results = QScrollArea()
        results.setWidget(self.results_panel)
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
        self.empty_action = self.empty.findChild(QPushButton, "emptyStateAction")
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
        layout.addStretch(0)  # keeps the bar at the top while neither is shown (stretch 0: else nothing)
        self.body = split
        self.empty.hide()  # until the list of evaluations has been read: one or the other
        self.body.hide()
        ctx.workspace_changed.connect(self._on_workspace_changed)
        ctx.changes.connect(self._on_changes)

    # ----- tabs built on first use ---------------------------------------------------------

    @property
    def vendors_tab(self) -> VendorsTab:
        if self._vendors_tab is None:
            self._vendors_tab = self._place(VENDORS_TAB, VendorsTab(self))
            if self.live is not None:
                self._vendors_tab.fill(self.live.snapshot)
        return self._vendors_tab

    @property
    def flags(self) -> FlagsPanel:
        if self._flags is None:
            flags = FlagsPanel()
            flags.acknowledge_requested.connect(self.acknowledge)
            flags.withdraw_requested.connect(self.withdraw)
            self._flags = self._place(FLAGS_TAB, flags)
            if self.live is not None:
                self.show_flags(self.live)
        return self._flags

    @property
    def documents(self) -> DocumentsPanel:
        if self._documents is None:
            documents = DocumentsPanel(self)
            documents.open_requested.connect(lambda d: self.answers_tab.evidence.open_document(d))
            documents.documents_added.connect(lambda _docs: self.reload())
            self._documents = self._place(DOCUMENTS_TAB, documents)
            if self.live is not None:
                self._fill_documents(self.live)
        return self._documents

    def _place(self, index: int, panel: _Panel) -> _Panel:
        """Put `panel` in the stand-in page of the tab at `index`.

        Into the stand-in, not in its place: inserting a tab relays out and repaints the whole
        tab widget, the Answers tab on screen included (5–10 ms on a large evaluation).
        """
        stand_in = self.tabs.widget(index)
        layout = stand_in.layout() if stand_in is not None else None
        assert layout is not None
        layout.addWidget(panel)
        if stand_in is not None and stand_in.isVisible():
            panel.show()  # (the layout would show it a turn later: an empty tab for a frame)
        return panel

    # ----- loading ----------------------------------------------------------------------
    # ----- loading ----------------------------------------------------------------------

    @property
    def evaluation_id(self) -> int | None:
        return self.session.evaluation_id if self.session is not None else None

    @property
    def live(self) -> LiveEvaluation | None:
        """The open evaluation in memory, as the current evaluator sees it."""
        return self.session.live if self.session is not None else None

    @live.setter
    def live(self, live: LiveEvaluation | None) -> None:
        if self.session is not None:
            self.session.live = live

    @property
    def snapshot(self) -> EvaluationSnapshot | None:
        return self.live.snapshot if self.live is not None else None

    @property
    def results(self) -> Results | None:
        return self.live.results if self.live is not None else None

    @property
    def busy(self) -> bool:
        """Whether the evaluation (or another evaluator's view of it) is still loading or being drawn."""
        return self.loader.busy or self.stages.busy

    def refresh(self) -> None:
        """The page was shown (or must redraw): read again only what changed since it was drawn.

        The list of evaluations is read again when one was created, deleted or renamed; the open
        evaluation when it changed elsewhere or another one became current (on Compare, say).
        Shown again with nothing changed, it reads and redraws nothing. When the list must be
        read (the page was just built, say), that happens on the next turn of the event loop,
        so that the page paints first, saying "Loading…".
        """
        if self._list_stale:
            self.set_busy(True)
            self.stages.run([self.refresh_now])  # (opening another evaluation meanwhile cancels it)
            return
        self.refresh_now()

    def refresh_now(self) -> None:
        """`refresh`, all of it at once."""
        self.set_busy(self.loader.busy)
        if self._list_stale:
            wanted = self.picker.reload()
            self._list_stale = False
        else:
            wanted = self.picker.show_current()
        why = self.ctx.why_not(team.MANAGE)  # a lead's on a team workspace
        allow(self.new_button, why)
        allow(self.add_evaluator_button, why, wanted is not None)
        if self.empty_action is not None:
            allow(self.empty_action, why)
        if wanted is None:
            self.loader.cancel()
            self.session = None
            self.empty.show()
            self.body.hide()
            return
        self.empty.hide()
        self.body.show()
        if self.ctx.current_evaluation != wanted:
            self.ctx.select_evaluation(wanted)
        if wanted == self.evaluation_id and not self._stale and (self.live is not None or self.busy):
            return  # everything saved since it was read is on screen already
        self.open_evaluation(wanted)

    def _on_workspace_changed(self) -> None:
        self.loader.cancel()
        self.stages.cancel()
        self.session = None  # nothing of the closed workspace stays editable
        self._list_stale = True
        if self.isVisible():  # (hidden, built ahead or left: it reads the new workspace when shown)
            self.refresh()

    def open_evaluation(self, evaluation_id: int) -> None:
        if evaluation_id != self.evaluation_id:
            # Nothing of the previous evaluation may be edited while the new one loads.
            self.session = EvaluationSession(self.ctx.workspace, evaluation_id)
            self.stages.cancel()
        self.answers_tab.forget()
        self.reload()

    def _on_changes(self, changes: Changes) -> None:
        # Another part of the app saved something (an import, a bank, the demo): redraw what
        # this page shows of it, now if it is on screen, else when it is shown again. Its own
        # edits redraw through their undo commands (also when undone from another page).
        if changes.origin is self:
            return
        if changes.touches_evaluation_list():
            self._list_stale = True
        if changes.touches_evaluation(self.evaluation_id):
            self._stale = True
        if not self.isVisible():
            return
        if self._list_stale:
            self.refresh()
        elif self._stale:
            self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Re-read the evaluation on a worker, then redisplay everything that may have changed.

        A newer reload (or another evaluation picked meanwhile) drops this one's result.
        """
        eid = self.evaluation_id
        if eid is None:
            return
        self._stale = False  # the read below sees every change saved so far
        ws = self.ctx.workspace
        evaluator = self.answers_tab.current_evaluator() or self.ctx.current_evaluator

        self.start_load(lambda: LiveEvaluation.load(ws, eid, evaluator), lambda live: self._loaded(live, then))

    def start_load(
        self, fn: Callable[[], LiveEvaluation], on_done: Callable[[LiveEvaluation], None]
    ) -> None:
        self.set_busy(True)
        self.loader.run(fn, on_done, self._load_failed)

    def set_busy(self, busy: bool) -> None:
        if self.session is not None:
            self.session.loading = busy
        self.loading.setVisible(busy)
        # Until the first result arrives there is nothing valid to edit; a reload of the same
        # evaluation keeps the page usable (an edit meanwhile restarts the reload).
        self.body.setEnabled(not busy or self.live is not None)
        self.answers_tab.set_busy(busy)

    def _load_failed(self, exc: Exception) -> None:
        self.set_busy(False)
        if isinstance(exc, NotFound):
            self.ctx.current_evaluation = None
            self.session = None
            self._list_stale = True  # it was deleted meanwhile
            self.refresh()
            return
        self.ctx.say(self.tr("Could not load the evaluation: %1").replace("%1", str(exc)))

    def _loaded(self, live: LiveEvaluation, then: Callable[[], None] | None = None) -> None:
        if live.evaluation_id != self.evaluation_id:
            return
        self.live = live
        self.set_busy(False)
        snap = live.snapshot
        self.info.setText(
            self.tr("Bank: %1 v%2 (%3)")
            .replace("%1", snap.bank.name)
            .replace("%2", str(snap.bank.version))
            .replace("%3", snap.bank.hash[:12])
        )
        self.answers_tab.fill(live)
        self.answers_tab.selection_changed(force=False)
        self.answers_tab.evidence.refresh(force=True)  # citations may have changed elsewhere
        self.answers_tab.show_vendor_progress(live)

        # The rest in turns of the event loop, so that the window repaints in between: each of
        # a large evaluation's tables takes a while to fill. Each part draws the evaluation as it
        # is by its turn (an edit, or another evaluator's view, may have arrived meanwhile).
        eid = live.evaluation_id

        def now(part: Callable[[LiveEvaluation], object]) -> Callable[[], None]:
            def run() -> None:
                if self.live is not None and self.evaluation_id == eid:
                    part(self.live)

            return run

        self.stages.run([
            now(self.results_panel.show_results),
            now(self.show_flags),
            now(self._fill_vendors),
            now(self._fill_documents),
            # Idle, once: the Evidence panel (hidden) is built ahead, so adding a document to a
            # vendor does not also build it; the other tabs wait until they are opened.
            now(lambda _live: self.documents),
            *([now(lambda _live: then())] if then is not None else []),
        ])

    def _fill_vendors(self, live: LiveEvaluation) -> None:
        if self._vendors_tab is not None:  # (else filled when built)
            self._vendors_tab.fill(live.snapshot)

    def _fill_documents(self, live: LiveEvaluation) -> None:
        if self._documents is not None:  # (else filled when built)
            self._documents.fill([v.name for v in live.snapshot.vendors], self.answers_tab.current_vendor())

    def _tab_shown(self, index: int) -> None:
        # A tab shown for the first time builds its panel (filled with what is loaded).
        if index == VENDORS_TAB:
            self.vendors_tab  # noqa: B018 - built on first use
        elif index == FLAGS_TAB:
            self.flags  # noqa: B018 - built on first use
        elif index == DOCUMENTS_TAB:
            # The documents of the vendor being scored on the Answers tab.
            self.documents.show_vendor(self.answers_tab.current_vendor())

    # ----- results and flags ------------------------------------------------------------

    def visible_results(self) -> Results | None:
        return self.results

    def update_results(self) -> None:
        live = self.live
        if live is None:
            return
        self.results_panel.show_results(live)
        self.show_flags(live)
        self.answers_tab.show_vendor_progress(live)

    def show_flags(self, live: LiveEvaluation) -> None:
        """The Red flags tab's count, and its panel once it was built."""
        flags: list[RedFlag] = sort_flags([f for fl in live.results.flags.values() for f in fl])
        if self._flags is not None:
            self._flags.why_not = self.ctx.why_not(team.MANAGE)  # acknowledging is a lead's on a team workspace
            self._flags.set_flags(flags, [v.name for v in live.snapshot.vendors])
        text = self.tr("Red &flags (%1)").replace("%1", str(len(open_flags(flags))))
        if self.tabs.tabText(FLAGS_TAB) != text:  # (a new text lays the tab bar out again)
            self.tabs.setTabText(FLAGS_TAB, text)

    def acknowledge(self, flag: RedFlag, rationale: str) -> bool:
        session = self.session
        if session is None:
            return False
        eid = session.evaluation_id
        by = self.answers_tab.current_evaluator()
        old = flag.acknowledgement
        error = self.push(
            self.tr("Acknowledge flag"),
            lambda: session.acknowledge(flag.vendor, flag.rule, rationale, by),
            lambda: session.restore_acknowledgement(flag.vendor, flag.rule, old, by),
            lambda _u: self._after_flag(eid, flag),
            Changes(evaluation=eid, acknowledgements=True),
        )
        return error is None

    def withdraw(self, flag: RedFlag) -> bool:
        session = self.session
        ack = flag.acknowledgement
        if session is None or ack is None:
            return False
        eid = session.evaluation_id
        by = self.answers_tab.current_evaluator()
        error = self.push(
            self.tr("Withdraw acknowledgement"),
            lambda: session.withdraw(flag.vendor, flag.rule, by),
            lambda: session.restore_acknowledgement(flag.vendor, flag.rule, ack, by),
            lambda _u: self._after_flag(eid, flag),
            Changes(evaluation=eid, acknowledgements=True),
        )
        return error is None

    def _after_flag(self, eid: int, flag: RedFlag) -> None:
        if eid != self.evaluation_id:
            return
        self.reload(then=lambda: None if self.flags.select(flag.vendor, flag.rule) else None)

    # ----- evaluations ------------------------------------------------------------------

    def add_evaluator(self, name: str | None = None) -> bool:
        session = self.session
        if session is None:
            return False
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Add evaluator"), self.tr("Name of the new evaluator (they score blind until they submit):")
            )
            if not ok:
                return False
        name = name.strip()
        error = self.push(
            self.tr("Add evaluator %1").replace("%1", name),
            lambda: session.add_evaluator(name),
            lambda: session.remove_evaluator(name),
            lambda undone: self.reload(),
            Changes(evaluation=session.evaluation_id, evaluators=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Add evaluator"), error)
        return error is None

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
            self._list_stale = True  # this page's own change: `_on_changes` skips it
            self.refresh_now()

        error = self.push(
            self.tr("Create evaluation %1").replace("%1", name),
            apply,
            lambda: evaluations.delete_evaluation(ws, created["id"]),
            done,
            Changes(evaluations=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("New evaluation"), error)
        return error is None

    # ----- plumbing ---------------------------------------------------------------------

    def push(
        self,
        text: str,
        apply: Callable[[], Any],
        revert: Callable[[], Any],
        on_done: Callable[[bool], None],
        changes: Changes,
    ) -> str | None:
        """Apply through the undo stack, announcing `changes` as this page's; the service's
        message when it refuses, else None."""
        return try_push(self.ctx, text, apply, revert, changes=changes.by(self), on_done=on_done)
