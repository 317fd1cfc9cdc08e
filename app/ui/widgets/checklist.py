"""The flow as a visible checklist under the sidebar: profile → use case → vendors → answers
submitted → compare → select; a click on a step opens the page where it is done."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.services import progress
from app.services.changes import Changes
from app.ui import theme
from app.ui.context import AppContext
from app.ui.widgets.qt import setting_list

COMPARED_KEY = "flow/compared"


class FlowChecklist(QWidget):
    def __init__(self, ctx: AppContext, go_to: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("flowChecklist")
        self.setAccessibleName(self.tr("Your progress"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.setSpacing(0)
        title = QLabel(self.tr("<b>Your progress</b>"))
        layout.addWidget(title)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, page in progress.STEPS:
            button = QPushButton(self.tr(label))
            button.setObjectName(f"step-{key}")
            button.setFlat(True)
            button.setStyleSheet("text-align: left; padding: 2px 2px;")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, p=page: go_to(p))
            layout.addWidget(button)
            self.buttons[key] = button
        self.steps: list[progress.FlowStep] = []
        # What the signals ask for is read on a turn of its own (a few SQL queries, 5-10 ms),
        # not inside the slot that opened a workspace or chose an evaluation, and once for a
        # burst of them. 1 ms, not 0: it waits behind the window's own overdue timers (painting).
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(1)
        self._later.timeout.connect(self.refresh)
        ctx.changes.connect(self._on_changes)
        ctx.evaluation_selected.connect(self.refresh_soon)
        ctx.workspace_changed.connect(self.refresh_soon)
        # After the first paint: the window shows before the database is read (start-up time).
        QTimer.singleShot(0, self.refresh)

    def _on_changes(self, changes: Changes) -> None:
        # Answers (most edits) tick nothing here: skip the queries for them.
        if (
            changes.everything
            or changes.organization
            or changes.use_cases
            or changes.evaluations
            or changes.vendors
            or changes.evaluators
            or changes.engagements
        ):
            self.refresh_soon()

    def refresh_soon(self, *_args: object) -> None:
        """`refresh` on a coming turn of the event loop (see `__init__`)."""
        self._later.start()

    def _compared_key(self) -> str:
        return f"{self.ctx.workspace.location}#{self.ctx.current_evaluation}"

    def compared(self) -> bool:
        return self._compared_key() in setting_list(COMPARED_KEY)

    def mark_compared(self) -> None:
        """The person looks at the comparison of the current evaluation (counted once everyone submitted)."""
        if self.ctx.current_evaluation is None:
            return
        self.refresh()
        if not any(s.key == "submitted" and s.done for s in self.steps):
            return  # a look at provisional results is not yet the comparison
        seen = setting_list(COMPARED_KEY)
        if self._compared_key() not in seen:
            QSettings().setValue(COMPARED_KEY, [*seen, self._compared_key()][-200:])
        self.refresh()

    def refresh(self, *_args: object) -> None:
        self._later.stop()  # (read now: a pending one would read the same again)
        try:
            # At start-up no page has chosen an evaluation yet: the one last used, or the newest.
            evaluation = self.ctx.working_evaluation()
            self.steps = progress.flow(self.ctx.workspace, evaluation, self.compared())
        except Exception:  # noqa: BLE001 - a checklist must never break the window (e.g. a closing workspace)
            return
        self._show()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._show()  # the greyed steps follow a light/dark switch
        super().changeEvent(event)

    def _show(self) -> None:
        marks = {progress.StepState.DONE: "✓", progress.StepState.TO_DO: "○", progress.StepState.NOT_APPLICABLE: "–"}
        states = {
            progress.StepState.DONE: self.tr("Done"),
            progress.StepState.TO_DO: self.tr("To do"),
            progress.StepState.NOT_APPLICABLE: self.tr("Not applicable"),
        }
        muted = theme.css(theme.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText))
        for step in self.steps:
            button = self.buttons[step.key]
            button.setText(f"{marks[step.state]}  {self.tr(step.label)}")
            tip = states[step.state]
            if step.detail:
                tip += f" — {step.detail}"
            button.setToolTip(tip)
            button.setAccessibleName(f"{self.tr(step.label)}: {tip}")
            # A step that does not apply yet is greyed, but stays a link to where it starts.
            color = f" color: {muted};" if step.state is progress.StepState.NOT_APPLICABLE else ""
            sheet = f"text-align: left; padding: 2px 2px;{color}"
            if sheet != button.styleSheet():  # a new style sheet is parsed and the button re-polished
                button.setStyleSheet(sheet)
            font = button.font()
            font.setBold(False)
            button.setFont(font)
        nxt = next((s for s in self.steps if not s.done), None)
        if nxt is not None:
            font = self.buttons[nxt.key].font()
            font.setBold(True)  # the next thing to do
            self.buttons[nxt.key].setFont(font)
