"""The review's meeting record: how long it took (typed, or a start/stop timer), whether progress
was explained, the month's spend, and the decisions it asks of us (owner and due date)."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.conversations import REVIEW_MINUTES
from app.domain.errors import DomainError
from app.domain.oversight import Decision, Money, Review, parse_actual
from app.services.errors import InputError


class MeetingBox(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("The meeting: time, clarity, spend and decisions"), parent)
        self.setObjectName("meetingBox")
        self.currency = "USD"
        grid = QGridLayout(self)
        grid.addWidget(QLabel(self.tr("Minutes the review took")), 0, 0)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("minutes")
        self.minutes.setRange(0, 600)
        self.minutes.setSpecialValueText(self.tr("not recorded"))
        self.minutes.setAccessibleName(self.tr("Minutes the review took"))
        self.minutes.valueChanged.connect(self._changed)
        self.timer_button = QPushButton(self.tr("Start timer"))
        self.timer_button.setObjectName("timer")
        self.timer_button.setCheckable(True)
        self.timer_button.toggled.connect(self._toggle_timer)
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_elapsed)
        row = QHBoxLayout()
        row.addWidget(self.minutes)
        row.addWidget(self.timer_button)
        row.addStretch(1)
        grid.addLayout(row, 0, 1)
        self.explained = QCheckBox(self.tr("The partner explained progress clearly"))
        self.explained.setObjectName("explained")
        self.explained.setChecked(True)
        self.explained.toggled.connect(self._changed)
        grid.addWidget(self.explained, 1, 0, 1, 2)
        self.overrun = QLabel()
        self.overrun.setObjectName("overrunNote")
        self.overrun.setWordWrap(True)
        self.overrun.hide()
        grid.addWidget(self.overrun, 2, 0, 1, 2)
        self.spend_label = QLabel(self.tr("Spend this month"))
        grid.addWidget(self.spend_label, 3, 0)
        self.spend = QLineEdit()
        self.spend.setObjectName("spend")
        self.spend.setAccessibleName(self.tr("Spend this month"))
        self.spend.setPlaceholderText(self.tr("amount, e.g. 29000"))
        self.spend.textChanged.connect(self._changed)
        grid.addWidget(self.spend, 3, 1)

        grid.addWidget(QLabel(self.tr("Decisions needed from us")), 4, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout()
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("decisionItems")
        self.table.setAccessibleName(self.tr("Decisions needed from us"))
        self.table.setHorizontalHeaderLabels([self.tr("Decision"), self.tr("Owner"), self.tr("Due (YYYY-MM-DD)")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(150)
        self.table.itemChanged.connect(self._changed)
        box.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add decision"))
        self.add_button.setObjectName("addDecision")
        self.add_button.clicked.connect(lambda: self.add_decision(Decision("")))
        self.remove_button = QPushButton(self.tr("Remove decision"))
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.earlier = QLabel()
        self.earlier.setObjectName("earlierDecisions")
        self.earlier.setWordWrap(True)
        box.addWidget(self.earlier)
        grid.addLayout(box, 4, 1)
        grid.setColumnStretch(1, 1)

    # ----- the timer ---------------------------------------------------------------------

    def _toggle_timer(self, running: bool) -> None:
        if running:
            self._clock.start()
            self._tick.start()
            self.timer_button.setText(self.tr("Stop timer"))
        else:
            self._tick.stop()
            self._show_elapsed()
            self.timer_button.setText(self.tr("Start timer"))

    def _show_elapsed(self) -> None:
        if self._clock.isValid():
            self.minutes.setValue(max(1, math.ceil(self._clock.elapsed() / 60000)))

    # ----- values ------------------------------------------------------------------------

    def set_currency(self, currency: str) -> None:
        self.currency = currency or "USD"
        self.spend_label.setText(self.tr("Spend this month ({c})").replace("{c}", self.currency))

    def add_decision(self, d: Decision) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        text = QTableWidgetItem(d.text)
        text.setData(Qt.ItemDataRole.UserRole, d.decided_on)
        self.table.setItem(r, 0, text)
        self.table.setItem(r, 1, QTableWidgetItem(d.owner))
        self.table.setItem(r, 2, QTableWidgetItem(d.due.isoformat() if d.due else ""))
        if not d.text:
            self.table.setCurrentCell(r, 0)

    def _remove(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self._changed()

    def load(self, review: Review | None) -> None:
        self.timer_button.setChecked(False)
        self.minutes.setValue(0 if review is None or review.minutes is None else round(review.minutes))
        self.explained.setChecked(True if review is None else review.explained)
        self.spend.setText("" if review is None or review.spend is None else f"{review.spend.amount:g}")
        self.table.setRowCount(0)
        for d in review.decisions if review else ():
            self.add_decision(d)
        self._changed()

    def show_earlier(self, reviews: list[Review], month: str) -> None:
        """Decisions raised in earlier reviews: taken (and when) or still open."""
        lines = []
        for r in reviews:
            if r.month >= month:
                continue
            for d in r.decisions:
                state = (self.tr("decided on {d}").replace("{d}", d.decided_on.isoformat())
                         if d.decided_on else self.tr("still open"))
                lines.append(f"{r.month}: {d.text} — {state}")
        self.earlier.setText(self.tr("From earlier reviews:") + "\n" + "\n".join(lines) if lines else "")
        self.earlier.setVisible(bool(lines))

    def values(self) -> tuple[float | None, bool, Money | None, tuple[Decision, ...]]:
        """What was typed, checked: raises InputError naming the field."""
        minutes = float(self.minutes.value()) if self.minutes.value() else None
        try:
            amount = parse_actual(self.spend.text())
        except DomainError as exc:
            raise InputError(f"the spend: {exc}") from None
        if amount is not None and amount < 0:
            raise InputError("the spend cannot be negative")
        decisions = []
        for r in range(self.table.rowCount()):
            cells = [_text(self.table.item(r, c)) for c in range(3)]
            if not any(cells):
                continue
            if not cells[0]:
                raise InputError(f"decision {r + 1} needs a text saying what is to be decided")
            try:
                due = date.fromisoformat(cells[2]) if cells[2] else None
            except ValueError:
                raise InputError(f"decision {r + 1}: {cells[2]!r} is not a date (YYYY-MM-DD)") from None
            item = self.table.item(r, 0)
            decided = item.data(Qt.ItemDataRole.UserRole) if item else None
            decisions.append(Decision(cells[0], cells[1], due, decided if isinstance(decided, date) else None))
        spend = None if amount is None else Money(amount, self.currency)
        return minutes, self.explained.isChecked(), spend, tuple(decisions)

    def _changed(self, *_: object) -> None:
        over = self.minutes.value() > REVIEW_MINUTES
        unclear = not self.explained.isChecked()
        if over or unclear:
            why = self.tr("over {n} minutes").replace("{n}", str(REVIEW_MINUTES)) if over else ""
            if unclear:
                why = (why + self.tr(" and ") if why else "") + self.tr("progress not explained")
            self.overrun.setText(self.tr("This review raises a yellow flag: {why}.").replace("{why}", why))
            self.overrun.show()
        else:
            self.overrun.hide()
        self.changed.emit()


def _text(item: QTableWidgetItem | None) -> str:
    return item.text().strip() if item is not None else ""
