"""The engagement dashboard: status by month, a chart per locked metric, open flags, promise against delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.conversations import COST_THRESHOLD_MAX_PERCENT, Conversation, spend_series
from app.domain.flags import RedFlag
from app.domain.models import SuccessMetric
from app.domain.oversight import MilestoneState, add_months
from app.services.engagements import Oversight
from app.ui.i18n import rule_title
from app.ui.oversee.charts import MetricChart, SpendChart
from app.ui.tasks import Stages
from app.ui.widgets.allowed import allow_all
from app.ui.widgets.page import hint
from app.ui.widgets.qt import py_date, qdate
from app.ui.widgets.verdict import VerdictChip
from app.ui.widgets.wrapping import WrapLabel

# A staged build adds the open red flags a few at a time (an engagement a year in may have 15).
FLAGS_PER_PART = 4

# (when, who, metric, before, after, reason) as engagements.metric_changes gives them.
MetricChange = tuple[str, str, str, dict[str, object], dict[str, object], str]


def locked_text(m: SuccessMetric) -> str:
    unit = f" {m.unit}" if m.unit else ""
    by = f" by {m.target_date.isoformat()}" if m.target_date else ""
    arrow = "↑" if m.direction.value == "up" else "↓"
    parts = [f"{m.baseline:g}{unit} → {m.target:g}{unit}{by} ({arrow} {m.direction.value})"]
    if m.owner:
        parts.append(m.owner)
    return " · ".join(parts)


_GRAVEYARD: list[QWidget] = []


def retire(w: QWidget) -> None:
    """Take a widget off the page now and delete it later.

    A button may be the sender of the signal that rebuilt the page, so it must not be deleted
    at once; moved to an unseen holder it no longer shows nor turns up in findChild.
    """
    if not _GRAVEYARD:
        _GRAVEYARD.append(QWidget())
    w.hide()
    w.setParent(_GRAVEYARD[0])
    w.deleteLater()


class OptionalDateEdit(QDateEdit):
    """A date that may be unset: the minimum date stands for "not yet" and shows as a dash."""

    def __init__(self, floor: date, text_unset: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self._floor = qdate(floor - timedelta(days=1))
        self.setMinimumDate(self._floor)
        self.setSpecialValueText(text_unset)
        self.set_value(None)

    def set_value(self, value: date | None) -> None:
        self.blockSignals(True)
        self.setDate(qdate(value) if value is not None else self._floor)
        self.blockSignals(False)

    def value(self) -> date | None:
        if self.date() == self._floor:
            return None
        return py_date(self.date())


class Dashboard(QScrollArea):
    change_metric_requested = Signal(str)  # metric name
    acknowledge_requested = Signal(str, str)  # rule, message
    withdraw_requested = Signal(str)  # rule
    milestone_edited = Signal(str, object)  # milestone name, date | None
    production_edited = Signal(object)  # date | None
    decision_decided = Signal(str, int)  # the review month that raised it, its position there
    threshold_edited = Signal(float)  # the cost_overrun threshold, a share (0.25 = 25 %)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget()
        self.setWidget(self.body)
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(0, 4, 8, 8)
        self.oversight: Oversight | None = None
        self.charts: dict[str, MetricChart] = {}
        self.chips: dict[tuple[str, str], VerdictChip] = {}
        self.flag_boxes: list[QFrame] = []
        self.milestone_dates: dict[str, OptionalDateEdit] = {}
        self.production: OptionalDateEdit | None = None
        self.spend_chart: SpendChart | None = None
        self.threshold: QSpinBox | None = None
        self.changes: list[MetricChange] = []
        self.why_not = ""  # why its controls may not change anything ("" when they may): set by the page
        # A staged build (show_oversight(staged=True)) adds one part per turn of the event loop.
        self.stages = Stages(self)

    def set_why_not(self, why: str) -> None:
        self.why_not = why
        self._allow_edits()

    def _allow_edits(self) -> None:
        """Every control that saves something (decided, change metric, acknowledge, withdraw, the
        production and milestone dates, the cost threshold) is off, with the reason, when not allowed."""
        allow_all([*self.body.findChildren(QPushButton), *self.body.findChildren(QAbstractSpinBox)], self.why_not)

    @property
    def building(self) -> bool:
        """Whether parts of a staged build are still to come."""
        return self.stages.busy

    def _clear(self) -> None:
        self.stages.cancel()
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                retire(w)
        self.charts.clear()
        self.chips.clear()
        self.flag_boxes.clear()
        self.milestone_dates.clear()

    def show_oversight(self, o: Oversight, changes: list[MetricChange] | None = None,
                       staged: bool = False, then: Callable[[], None] | None = None) -> None:
        """Build the dashboard of `o`, then call `then`. `staged` adds it part by part, one turn
        of the event loop apart, top first, so the window repaints and reacts in between (a first
        show built it in one go in 50–90 ms); without, it is all there on return (after an edit)."""
        self.oversight = o
        self.changes = changes or []
        self._clear()
        # What needs attention first (the conversation, decisions blocked on the executive, status and
        # flags), then the evidence (charts), then the promises.
        row = QWidget()  # the status by month and the open flags, side by side
        beside = QHBoxLayout(row)
        beside.setContentsMargins(0, 0, 0, 0)
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)

        def top() -> None:
            self.layout_.addWidget(self._conversation(o))
            blocked = self._blocked(o)
            if blocked is not None:
                self.layout_.addWidget(blocked)
            beside.addWidget(self._status_grid(o), 1)
            self.layout_.addWidget(row)
            self.layout_.addWidget(charts)

        def card(i: int, metric: SuccessMetric) -> Callable[[], None]:
            return lambda: grid.addWidget(self._metric_card(o, metric), i // 2, i % 2)

        flags_box, flags_column = self._flags(o)

        def flags(start: int) -> Callable[[], None]:
            def add() -> None:
                for f in o.flags[start:start + FLAGS_PER_PART]:
                    flags_column.addWidget(self._flag(f))
            return add

        parts: list[Callable[[], None]] = [
            top,
            lambda: beside.addWidget(flags_box, 1),
            *(flags(start) for start in range(0, len(o.flags), FLAGS_PER_PART)),
            *(card(i, t.metric) for i, t in enumerate(o.tracks)),
            lambda: self.layout_.addWidget(self._timeline(o)),
            lambda: self.layout_.addWidget(self._costs(o)),
            lambda: self.layout_.addStretch(1),
        ]
        if then is not None:
            parts.append(then)
        if not staged:
            for part in parts:
                part()
            self._allow_edits()
            return

        def step(part: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                part()
                self._allow_edits()  # the controls just added say whether they may be used
            return run

        self.stages.run([step(part) for part in parts])

    # ----- the conversation and decisions waiting on us ----------------------------------

    def _conversation(self, o: Oversight) -> QWidget:
        holder = QWidget()
        h = QHBoxLayout(holder)
        h.setContentsMargins(0, 0, 0, 4)
        h.addWidget(QLabel(self.tr("This month's conversation:")))
        c = o.conversation
        chip = VerdictChip("on track" if c is Conversation.ON_TRACK else "high", self.tr(c.words))
        chip.setObjectName("conversation")
        h.addWidget(chip)
        h.addStretch(1)
        return holder

    def _blocked(self, o: Oversight) -> QGroupBox | None:
        waiting = o.situation.open_decisions if o.situation else []
        if not waiting:
            return None
        box = QGroupBox(self.tr("Blocked on you: decisions waiting"))
        box.setObjectName("blockedOnYou")
        v = QVBoxLayout(box)
        by_month = {r.month: r for r in o.engagement.reviews}
        for month, d in waiting:
            line = QHBoxLayout()
            parts = [d.owner] if d.owner else []
            if d.due:
                parts.append(self.tr("due {d}").replace("{d}", d.due.isoformat()))
            parts.append(self.tr("raised in the {m} review").replace("{m}", month))
            text = WrapLabel(f"{d.text} — {', '.join(parts)}")
            text.setObjectName("waitingDecision")
            line.addWidget(text, 1)
            button = QPushButton(self.tr("Decided"))
            button.setObjectName("decide")
            button.setAccessibleName(self.tr("Mark decided: {d}").replace("{d}", d.text))
            index = by_month[month].decisions.index(d)
            button.clicked.connect(lambda _=False, m=month, i=index: self.decision_decided.emit(m, i))
            line.addWidget(button)
            v.addLayout(line)
        return box

    # ----- costs and the other promises --------------------------------------------------

    def _costs(self, o: Oversight) -> QGroupBox:
        box = QGroupBox(self.tr("Promised against delivered: price, cost growth, adoption"))
        box.setObjectName("promises")
        v = QVBoxLayout(box)
        e = o.engagement
        p = e.promises
        points = spend_series(e.kickoff, e.promised_months, e.reviews, p)
        lines = []
        if p.quote is not None:
            lines.append(self.tr("Quoted price: {a} {c} to production.").replace("{a}", f"{p.quote.amount:,.0f}")
                         .replace("{c}", p.quote.currency))
        else:
            lines.append(self.tr("No price was quoted."))
        if points:
            month, total, due = points[-1]
            spent = self.tr("Spent {a} by {m}").replace("{a}", f"{total:,.0f}").replace("{m}", month)
            if due is not None:
                spent += self.tr(", against {q} of the quote pro rata (the limit is {t} % over).").replace(
                    "{q}", f"{due:,.0f}").replace("{t}", f"{p.cost_threshold * 100:g}")
            lines.append(spent)
        else:
            lines.append(self.tr("No spend recorded yet: record it with each monthly review."))
        if p.cost_growth_pct is not None:
            lines.append(self.tr("Promised running-cost growth, pilot to production: {g} % at most.")
                         .replace("{g}", f"{p.cost_growth_pct:g}"))
        summary = WrapLabel("\n".join(lines))
        summary.setObjectName("spendSummary")
        v.addWidget(summary)
        limit_row = QHBoxLayout()
        limit_row.addWidget(QLabel(self.tr("Raise a cost overrun flag when spend runs more than")))
        self.threshold = QSpinBox()
        self.threshold.setObjectName("costThreshold")
        self.threshold.setAccessibleName(self.tr("Cost overrun threshold, percent over the quote pro rata"))
        self.threshold.setRange(0, COST_THRESHOLD_MAX_PERCENT)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(round(p.cost_threshold * 100))
        self.threshold.editingFinished.connect(self._threshold_edited)
        limit_row.addWidget(self.threshold)
        limit_row.addWidget(QLabel(self.tr("over the quote pro rata")))
        limit_row.addStretch(1)
        v.addLayout(limit_row)
        if points:
            self.spend_chart = SpendChart()
            self.spend_chart.show_spend(points, p.cost_threshold, p.quote.currency if p.quote else "")
            v.addWidget(self.spend_chart)
        for question, answer in p.adoption:
            item = WrapLabel(f"{question}\n→ {answer}")
            item.setObjectName("adoptionPromise")
            v.addWidget(item)
        return box

    # ----- status by month -------------------------------------------------------------

    def _status_grid(self, o: Oversight) -> QGroupBox:
        box = QGroupBox(self.tr("Are we hitting the metrics? Status by monthly review"))
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        months = [r.month for r in sorted(o.engagement.reviews, key=lambda r: r.month)]
        if not months:
            grid.addWidget(
                hint(
                    self.tr(
                        "No monthly review yet. Record the first one on the Monthly review tab."
                    )
                ),
                0,
                0,
            )
            return box
        for c, month in enumerate(months):
            head = QLabel(month)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, c + 1)
        for r, t in enumerate(o.tracks):
            grid.addWidget(QLabel(t.metric.name), r + 1, 0)
            for c, p in enumerate(t.points):
                chip = VerdictChip(p.status.value, self.tr(p.status.value))
                actual = "—" if p.actual is None else f"{p.actual:g}"
                chip.setToolTip(
                    self.tr("actual {a}, expected {e}")
                    .replace("{a}", actual)
                    .replace("{e}", f"{p.expected:.3g}")
                )
                chip.setAccessibleName(f"{t.metric.name} {p.month}: {p.status.value}")
                self.chips[(t.metric.name, p.month)] = chip
                grid.addWidget(chip, r + 1, c + 1)
        grid.setColumnStretch(len(months) + 1, 1)
        grid.setRowStretch(len(o.tracks) + 1, 1)
        return box

    # ----- metrics ---------------------------------------------------------------------

    def _metric_card(self, o: Oversight, m: SuccessMetric) -> QFrame:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        v = QVBoxLayout(card)
        v.setContentsMargins(6, 6, 6, 6)
        chart = MetricChart()
        chart.setFixedHeight(300)
        track = next(t for t in o.tracks if t.metric.name == m.name)
        chart.show_track(track, o.engagement.kickoff)
        chart.setAccessibleName(self.tr("Chart of {m}").replace("{m}", m.name))
        self.charts[m.name] = chart
        v.addWidget(chart, 1)
        row = QHBoxLayout()
        lock = WrapLabel(self.tr("Locked at kickoff: ") + locked_text(m))
        lock.setObjectName("locked")
        lock.setToolTip(m.method)
        row.addWidget(lock, 1)
        change = QPushButton(self.tr("Change metric…"))
        change.setObjectName(f"change:{m.name}")
        change.setAccessibleName(self.tr("Change metric {m}").replace("{m}", m.name))
        change.clicked.connect(lambda _=False, name=m.name: self.change_metric_requested.emit(name))
        row.addWidget(change, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(row)
        for at, who, name, before, after, reason in self.changes:
            if name != m.name:
                continue
            what = ", ".join(f"{k} {before.get(k)} → {after.get(k)}" for k in after)
            note = hint(
                self.tr("Changed after kickoff on {at} by {who}: {what}. Reason: {why}")
                .replace("{at}", at[:10])
                .replace("{who}", who)
                .replace("{what}", what)
                .replace("{why}", reason)
            )
            note.setObjectName("metricChange")
            v.addWidget(note)
        return card

    # ----- flags -----------------------------------------------------------------------

    def _flags(self, o: Oversight) -> tuple[QGroupBox, QVBoxLayout]:
        """The open red flags' box and its column; `_flag` makes each flag's frame."""
        box = QGroupBox(self.tr("Open red flags"))
        v = QVBoxLayout(box)
        if not o.flags:
            v.addWidget(
                hint(
                    self.tr(
                        "No red flags: no metric has been off track two reviews running without a recovery plan."
                    )
                )
            )
        return box, v

    def _flag(self, f: RedFlag) -> QFrame:
        frame = QFrame()
        frame.setObjectName("flag")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        fv = QVBoxLayout(frame)
        top = QHBoxLayout()
        chip = VerdictChip(f.severity.value, self.tr(f.severity.value))
        top.addWidget(chip)
        rule = QLabel(rule_title(f.rule))
        rule.setObjectName("flagTitle")
        font = QFont(rule.font())
        font.setBold(True)
        rule.setFont(font)
        top.addWidget(rule)
        top.addStretch(1)
        if f.acknowledged:
            top.addWidget(VerdictChip("", self.tr("acknowledged")))
        fv.addLayout(top)
        msg = WrapLabel(f.message)
        msg.setObjectName("flagMessage")
        msg.setTextFormat(Qt.TextFormat.PlainText)
        fv.addWidget(msg)
        evidence = WrapLabel("\n".join(f"• {e}" for e in f.evidence))
        evidence.setTextFormat(Qt.TextFormat.PlainText)
        fv.addWidget(evidence)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        if f.acknowledgement is not None:
            a = f.acknowledgement
            fv.addWidget(
                hint(
                    self.tr("Acknowledged by {by} on {at}: {why}")
                    .replace("{by}", a.by)
                    .replace("{at}", a.at[:10])
                    .replace("{why}", a.rationale)
                )
            )
            withdraw = QPushButton(self.tr("Withdraw acknowledgement"))
            withdraw.clicked.connect(
                lambda _=False, r=f.ack_id: self.withdraw_requested.emit(r)
            )
            buttons.addWidget(withdraw)
        else:
            ack = QPushButton(self.tr("Acknowledge…"))
            ack.setObjectName("acknowledge")
            ack.setAccessibleName(self.tr("Acknowledge flag"))
            ack.clicked.connect(
                lambda _=False, r=f.ack_id, m=f.message: self.acknowledge_requested.emit(r, m)
            )
            buttons.addWidget(ack)
        fv.addLayout(buttons)
        self.flag_boxes.append(frame)
        return frame

    # ----- timeline --------------------------------------------------------------------

    def _timeline(self, o: Oversight) -> QGroupBox:
        box = QGroupBox(self.tr("Promised against actual timeline"))
        v = QVBoxLayout(box)
        tl = o.timeline
        kickoff = o.engagement.kickoff
        if tl.promised_months is None:
            promised = self.tr("The vendor promised no kickoff-to-production time.")
        else:
            due = add_months(kickoff, round(tl.promised_months))
            promised = (
                self.tr("Promised: production {n} months after kickoff ({due}).")
                .replace("{n}", f"{tl.promised_months:g}")
                .replace("{due}", due.isoformat())
            )
        if tl.actual_months is not None:
            actual = self.tr("In production after {n} months.").replace(
                "{n}", f"{tl.actual_months:.1f}"
            )
        else:
            actual = (
                self.tr("Not in production yet: {n} months since kickoff ({k}).")
                .replace("{n}", f"{tl.elapsed_months:g}")
                .replace("{k}", kickoff.isoformat())
            )
        summary = WrapLabel(f"{promised}\n{actual}")
        summary.setObjectName("timelineSummary")
        v.addWidget(summary)
        if tl.late:
            v.addWidget(
                VerdictChip("off track", self.tr("later than promised")),
                0,
                Qt.AlignmentFlag.AlignLeft,
            )
        prod_row = QHBoxLayout()
        prod_row.addWidget(QLabel(self.tr("In production since")))
        self.production = OptionalDateEdit(kickoff, self.tr("not yet"))
        self.production.setAccessibleName(self.tr("Production date"))
        self.production.set_value(o.engagement.production_date)
        self.production.editingFinished.connect(self._production_edited)
        prod_row.addWidget(self.production)
        prod_row.addStretch(1)
        v.addLayout(prod_row)

        table = QTableWidget(len(o.milestones), 3)
        table.setObjectName("milestones")
        table.setAccessibleName(self.tr("Milestones promised against reached"))
        table.setHorizontalHeaderLabels(
            [self.tr("Milestone (promised)"), self.tr("Reached on"), self.tr("State")]
        )
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for r, ms in enumerate(o.milestones):
            when = (
                self.tr("month {m}, due {d}")
                .replace("{m}", str(ms.promised_month))
                .replace("{d}", ms.due.isoformat())
                if ms.due
                else self.tr("no month promised")
            )
            item = QTableWidgetItem(f"{ms.name}\n{when}")
            item.setToolTip(f"{ms.name} — {when}")
            table.setItem(r, 0, item)
            editor = OptionalDateEdit(kickoff, self.tr("not reached"))
            editor.setAccessibleName(self.tr("Reached on: {m}").replace("{m}", ms.name))
            editor.set_value(ms.reached_on)
            editor.editingFinished.connect(lambda e=editor, n=ms.name: self._milestone_edited(n, e))
            self.milestone_dates[ms.name] = editor
            table.setCellWidget(r, 1, editor)
            table.setCellWidget(
                r, 2, VerdictChip(milestone_kind(ms.state), self.tr(ms.state.value))
            )
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.resizeRowsToContents()
        height = (
            table.horizontalHeader().height()
            + sum(table.rowHeight(i) for i in range(table.rowCount()))
            + 4
        )
        table.setMinimumHeight(min(height, 320))
        v.addWidget(table)
        return box

    def _milestone_edited(self, name: str, editor: OptionalDateEdit) -> None:
        assert self.oversight is not None
        current = next((ms.reached_on for ms in self.oversight.milestones if ms.name == name), None)
        if editor.value() != current:
            self.milestone_edited.emit(name, editor.value())

    def _threshold_edited(self) -> None:
        assert self.oversight is not None and self.threshold is not None
        share = self.threshold.value() / 100
        if abs(share - self.oversight.engagement.promises.cost_threshold) > 1e-9:
            self.threshold_edited.emit(share)

    def _production_edited(self) -> None:
        assert self.oversight is not None and self.production is not None
        if self.production.value() != self.oversight.engagement.production_date:
            self.production_edited.emit(self.production.value())


def milestone_kind(state: MilestoneState) -> str:
    """The chip colour of a milestone state, the same on the dashboard and in the review form."""
    return {
        MilestoneState.REACHED: "on track",
        MilestoneState.REACHED_LATE: "medium",
        MilestoneState.OVERDUE: "off track",
    }.get(state, "")
