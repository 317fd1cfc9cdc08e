"""The monthly review, laid out as the 30-minute agenda: metrics, blockers, executive decisions, recovery plan."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.conversations import Conversation
from app.domain.oversight import (
    MilestoneProgress,
    MilestoneState,
    Review,
    has_plan,
    milestones_as_of,
    month_end,
    month_of,
    tolerance_words,
)
from app.services import engagements
from app.services.engagements import EngagementSnapshot, ReviewPreview
from app.services.errors import InputError
from app.ui import theme
from app.ui.oversee.charts import Sparkline
from app.ui.oversee.dashboard import milestone_kind, retire
from app.ui.oversee.dialogs import error_label
from app.ui.oversee.meeting import MeetingBox
from app.ui.widgets.page import hint
from app.ui.widgets.qt import py_date
from app.ui.widgets.verdict import VerdictChip

# Saves a checked review (replace=True when editing a saved month); returns an error or None.
SaveReview = Callable[[Review, bool], str | None]


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


class MetricRow:
    """The widgets of one metric in section 1."""

    def __init__(self, form: ReviewForm, name: str, unit: str) -> None:
        self.name = name
        self.label = QLabel(f"{name}" + (f" ({unit})" if unit else ""))
        self.expected = QLabel("—")
        self.expected.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.actual = QLineEdit()
        self.actual.setObjectName(f"actual:{name}")
        self.actual.setAccessibleName(form.tr("Actual: {m}").replace("{m}", name))
        self.actual.setPlaceholderText(form.tr("not measured"))
        self.actual.setMaximumWidth(120)
        self.status = VerdictChip("no data", form.tr("no data"))
        self.status.setAccessibleName(form.tr("Status: {m}").replace("{m}", name))
        self.trend = Sparkline()
        self.trend.setAccessibleName(form.tr("Trend: {m}").replace("{m}", name))


class ReviewForm(QScrollArea):
    def __init__(self, save: SaveReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewForm")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.save_review = save
        self.snapshot: EngagementSnapshot | None = None
        self.milestones: list[MilestoneProgress] = []
        self.editing = False  # True while a saved month is loaded for changes
        self.preview: ReviewPreview | None = None
        self.rows: dict[str, MetricRow] = {}
        self._loading = False

        body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 4, 8, 8)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Review for the month of")))
        self.month = QDateEdit()
        self.month.setObjectName("reviewMonth")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setAccessibleName(self.tr("Review month"))
        self.month.setCalendarPopup(False)
        self.month.dateChanged.connect(self._month_changed)
        top.addWidget(self.month)
        self.month_note = QLabel()
        top.addWidget(self.month_note)
        self.edit_saved = QPushButton(self.tr("Edit the saved review"))
        self.edit_saved.setObjectName("editSaved")
        self.edit_saved.clicked.connect(self._load_saved)
        self.edit_saved.hide()
        top.addWidget(self.edit_saved)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("This month's conversation:")))
        self.conversation = VerdictChip("on track", "")
        self.conversation.setObjectName("conversation")
        top.addWidget(self.conversation)
        outer.addLayout(top)
        outer.addWidget(
            hint(
                self.tr(
                    "Thirty minutes, three questions. Type each metric's actual value: the expected value follows "
                    "the straight line from baseline at kickoff to target at the target date, and a metric is on "
                    "track within 10 % of the way from baseline to target of it (hover over a status for the margin)."
                )
            )
        )

        q1 = QGroupBox(self.tr("1. Are we hitting the metrics?"))
        q1.setObjectName("metricsSection")
        self.grid = QGridLayout(q1)
        self.grid.setHorizontalSpacing(14)
        for c, head in enumerate(
            [
                self.tr("Metric"),
                self.tr("Expected"),
                self.tr("Actual"),
                self.tr("Status"),
                self.tr("Trend"),
            ]
        ):
            label = QLabel(head)
            label.setFont(_bold(label.font()))
            self.grid.addWidget(label, 0, c)
        self.grid.setColumnStretch(5, 1)
        outer.addWidget(q1)

        pair = QHBoxLayout()
        self.blockers = self._text_box(
            self.tr("2. What is blocking progress?"),
            self.tr("Blockers"),
            self.tr("Data access, systems, people: what stands in the way?"),
            pair,
        )
        self.decisions = self._text_box(
            self.tr("3. What decisions need the executive?"),
            self.tr("Decisions needed"),
            self.tr("Decisions only the executive can take, with their cost."),
            pair,
        )
        outer.addLayout(pair)

        pair2 = QHBoxLayout()
        self.plan_box = QGroupBox(self.tr("Recovery plan"))
        self.plan_box.setObjectName("planBox")
        pv = QVBoxLayout(self.plan_box)
        self.plan_warning = QLabel()
        self.plan_warning.setObjectName("planWarning")
        self.plan_warning.setWordWrap(True)
        self.plan_warning.hide()
        pv.addWidget(self.plan_warning)
        self.plan = QPlainTextEdit()
        self.plan.setObjectName("recoveryPlan")
        self.plan.setAccessibleName(self.tr("Recovery plan"))
        self.plan.setPlaceholderText(
            self.tr("Who does what by when to get an off-track metric back on its line.")
        )
        self.plan.setMinimumHeight(70)
        self.plan.setMaximumHeight(120)
        self.plan.setTabChangesFocus(True)
        self.plan.textChanged.connect(self._update)
        pv.addWidget(self.plan)
        pair2.addWidget(self.plan_box, 3)
        self.milestone_box = QGroupBox(self.tr("Milestones: reached against promised"))
        self.milestone_layout = QVBoxLayout(self.milestone_box)
        pair2.addWidget(self.milestone_box, 2)
        outer.addLayout(pair2)
        self.meeting = MeetingBox()
        outer.addWidget(self.meeting)

        bottom = QHBoxLayout()
        self.error = error_label()
        bottom.addWidget(self.error, 1)
        bottom.addStretch(1)  # keeps the buttons at their natural size while no message shows
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(lambda: self.reset())
        bottom.addWidget(self.clear_button)
        self.save_button = QPushButton(self.tr("Save review"))
        self.save_button.setObjectName("saveReview")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        outer.addStretch(1)

    def _text_box(
        self, title: str, name: str, placeholder: str, row: QHBoxLayout
    ) -> QPlainTextEdit:
        box = QGroupBox(title)
        v = QVBoxLayout(box)
        edit = QPlainTextEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(70)
        edit.setMaximumHeight(110)
        edit.setTabChangesFocus(True)
        v.addWidget(edit)
        row.addWidget(box, 1)
        return edit

    # ----- loading -----------------------------------------------------------------------

    def set_engagement(self, snapshot: EngagementSnapshot) -> None:
        changed = self.snapshot is None or self.snapshot.id != snapshot.id
        self.snapshot = snapshot
        quote = snapshot.promises.quote
        self.meeting.set_currency(quote.currency if quote else "USD")
        if changed or set(self.rows) != {m.name for m in snapshot.metrics}:
            for row in self.rows.values():
                for w in (row.label, row.expected, row.actual, row.status, row.trend):
                    self.grid.removeWidget(w)
                    retire(w)
            self.rows.clear()
            for i, m in enumerate(snapshot.metrics):
                row = MetricRow(self, m.name, m.unit)
                row.actual.textChanged.connect(self._update)
                cells: tuple[QWidget, ...] = (
                    row.label,
                    row.expected,
                    row.actual,
                    row.status,
                    row.trend,
                )
                for c, cell in enumerate(cells):
                    self.grid.addWidget(cell, i + 1, c)
                self.rows[m.name] = row
            self.reset()
        else:
            self._update()

    def reset(self, month: str | None = None) -> None:
        """An empty form for `month` (by default the month after the last review)."""
        if self.snapshot is None:
            return
        self._loading = True
        self.editing = False
        for row in self.rows.values():
            row.actual.clear()
        for edit in (self.blockers, self.decisions, self.plan):
            edit.clear()
        self.meeting.load(None)
        self.set_month(month or engagements.default_month(self.snapshot))
        self._loading = False
        self.error.hide()
        self._update()

    def set_month(self, month: str) -> None:
        d = month_end(month)
        self.month.setDate(QDate(d.year, d.month, 1))

    def current_month(self) -> str:
        d = py_date(self.month.date())
        return month_of(d)

    def _month_changed(self) -> None:
        if self._loading:
            return
        self.editing = False
        self._update()

    def _load_saved(self) -> None:
        assert self.snapshot is not None
        saved = next((r for r in self.snapshot.reviews if r.month == self.current_month()), None)
        if saved is None:
            return
        self._loading = True
        for name, row in self.rows.items():
            v = saved.actuals.get(name)
            row.actual.setText("" if v is None else f"{v:g}")
        self.blockers.setPlainText(saved.blockers)
        self.decisions.setPlainText(saved.decisions_needed)
        self.plan.setPlainText(saved.recovery_plan)
        self.meeting.load(saved)
        self.editing = True
        self._loading = False
        self._update()

    # ----- live status -------------------------------------------------------------------

    def typed_actuals(self) -> dict[str, str]:
        return {name: row.actual.text() for name, row in self.rows.items()}

    def _update(self) -> None:
        if self._loading or self.snapshot is None:
            return
        snap = self.snapshot
        month = self.current_month()
        readable: dict[str, float | None] = {}
        unreadable: dict[str, str] = {}
        for name, text in self.typed_actuals().items():
            try:
                readable.update(engagements.read_actuals(snap.metrics, {name: text}))
            except InputError as exc:
                unreadable[name] = str(exc)
        review = Review(
            month,
            readable,
            self.blockers.toPlainText(),
            self.decisions.toPlainText(),
            self.plan.toPlainText(),
        )
        self.preview = p = engagements.preview_review(snap, review, replace=self.editing)
        talk = p.conversation
        self.conversation.set_kind("on track" if talk is Conversation.ON_TRACK else "high", self.tr(talk.words))
        by_name = {mp.name: mp for mp in p.metrics}
        for name, row in self.rows.items():
            mp = by_name.get(name)
            if mp is None:
                row.expected.setText("—")
                row.status.set_kind("no data", self.tr("no data"))
                row.trend.set_values([])
                continue
            row.expected.setText(f"{mp.expected:.3g}")
            metric = next((m for m in snap.metrics if m.name == name), None)
            if metric is not None:
                # The margin in the metric's own unit: "within 0.4 percentage points of the expected 9.67 (…)".
                tip = self.tr("On track: %1").replace("%1", tolerance_words(metric, mp.expected))
                row.status.setToolTip(tip)
                row.expected.setToolTip(tip)
            if name in unreadable:
                row.status.set_kind("off track", self.tr("not a number"))
            else:
                row.status.set_kind(mp.status.value, self.tr(mp.status.value))
            values = [v for _, v in mp.history if v is not None]
            if mp.actual is not None:
                values.append(mp.actual)
            row.trend.set_values(values, mp.status.value if mp.actual is not None else "")
        exists = any(r.month == month for r in snap.reviews)
        self.edit_saved.setVisible(exists and not self.editing)
        self.month_note.setText(self.tr("(editing the saved review)") if self.editing else "")
        self.save_button.setText(
            self.tr("Save changes") if self.editing else self.tr("Save review")
        )
        problems = list(unreadable.values())
        if p.problem:
            problems.insert(0, p.problem[0].upper() + p.problem[1:] + ".")
        if problems:
            self.show_error("\n".join(problems))
        else:
            self.error.hide()
        self._highlight_plan(p)
        self._show_milestones(month)

    def _highlight_plan(self, p: ReviewPreview) -> None:
        required = bool(p.plan_required_for) and not has_plan(self.plan.toPlainText())
        pal = self.palette()
        if p.plan_required_for:
            names = ", ".join(p.plan_required_for)
            self.plan_warning.setText(
                self.tr(
                    "Required: {m} off track for the second review running. Without a recovery plan "
                    "this review raises the “Metrics off track” red flag."
                ).replace("{m}", names)
            )
            self.plan_warning.show()
        else:
            self.plan_warning.hide()
        self.plan.setProperty("required", required)
        if required:
            tone = theme.tone("off track", pal)
            self.plan_box.setStyleSheet(
                f"QGroupBox#planBox {{ border: 2px solid {theme.css(tone)}; border-radius: 4px;"
                " margin-top: 1.2em; padding-top: 4px; }"
                " QGroupBox#planBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }"
            )
            wp = self.plan_warning.palette()
            wp.setColor(QPalette.ColorRole.WindowText, tone)
            self.plan_warning.setPalette(wp)
        else:
            self.plan_box.setStyleSheet("")
            wp = self.plan_warning.palette()
            wp.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.WindowText))
            self.plan_warning.setPalette(wp)

    def plan_required(self) -> bool:
        return bool(self.plan.property("required"))

    def _show_milestones(self, month: str) -> None:
        while self.milestone_layout.count():
            item = self.milestone_layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                retire(w)
        if self.snapshot is None:
            return
        try:
            end = month_end(month)
        except Exception:  # noqa: BLE001 - a malformed month is reported above
            return
        self.meeting.show_earlier(self.snapshot.reviews, month)
        # As of the reviewed month's last day: the same state the dashboard and the PDF show.
        self.milestones = milestones_as_of(self.snapshot.kickoff, self.snapshot.milestones, end)
        if not self.milestones:
            self.milestone_layout.addWidget(hint(self.tr("The vendor promised no milestones.")))
            return
        reached = sum(1 for m in self.milestones if m.reached_on is not None)
        overdue = sum(1 for m in self.milestones if m.state is MilestoneState.OVERDUE)
        summary = self.tr("At the end of {m}: {r} of %n milestone(s) reached, {o} overdue.", "", len(self.milestones))
        self.milestone_layout.addWidget(
            QLabel(
                summary.replace("{m}", month)
                .replace("{r}", str(reached))
                .replace("{o}", str(overdue))
            )
        )
        for m in self.milestones:
            line = QHBoxLayout()
            holder = QWidget()
            holder.setLayout(line)
            line.setContentsMargins(0, 0, 0, 0)
            word = self.tr(m.state.value)
            if m.months_late:
                late = self.tr("{n} month late") if m.months_late == 1 else self.tr("{n} months late")
                word = f"{word}, " + late.replace("{n}", f"{m.months_late:g}")
            line.addWidget(VerdictChip(milestone_kind(m.state), word))
            when = f"M{m.promised_month}" if m.promised_month is not None else "—"
            text = QLabel(f"{when} · {m.name}")
            text.setWordWrap(True)
            line.addWidget(text, 1)
            self.milestone_layout.addWidget(holder)
        self.milestone_layout.addWidget(
            hint(self.tr("Mark milestones reached on the Dashboard tab."))
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # ----- saving ------------------------------------------------------------------------

    def review(self) -> Review:
        """The typed review, checked: raises InputError naming what is wrong."""
        assert self.snapshot is not None
        actuals = engagements.read_actuals(self.snapshot.metrics, self.typed_actuals())
        return Review(
            self.current_month(),
            actuals,
            self.blockers.toPlainText().strip(),
            self.decisions.toPlainText().strip(),
            self.plan.toPlainText().strip(),
            *self.meeting.values(),
        )

    def save(self) -> bool:
        if self.snapshot is None:
            return False
        try:
            review = self.review()
        except InputError as exc:
            self.show_error(str(exc)[0].upper() + str(exc)[1:] + ".")
            return False
        error = self.save_review(review, self.editing)
        if error:
            self.show_error(error[0].upper() + error[1:] + ("" if error.endswith(".") else "."))
            return False
        return True


def _bold(font: QFont) -> QFont:
    f = QFont(font)
    f.setBold(True)
    return f
