"""Dialogs of the Oversee page: select the partner, change a locked metric, acknowledge a flag."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import SuccessMetric
from app.domain.wording import rule_title
from app.services.engagements import PartnerProposal
from app.ui import theme
from app.ui.evaluate.severity import severity_icon
from app.ui.widgets.page import callout
from app.ui.widgets.qt import py_date
from app.ui.widgets.tables import wrapped_rows

# Returns an error message to show in the dialog, or None when the work was done.
Submit = Callable[..., str | None]


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, theme.tone("off track", pal))
    label.setPalette(pal)
    label.hide()
    return label


def _tr(text: str) -> str:
    return QCoreApplication.translate("Oversee", text)


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def metrics_table(metrics: list[SuccessMetric], parent: QWidget | None = None) -> QTableWidget:
    headers = [
        _tr("Metric"),
        _tr("Baseline"),
        _tr("Target"),
        _tr("Direction"),
        _tr("Target date"),
        _tr("Measurement method"),
        _tr("Owner"),
    ]
    table = QTableWidget(len(metrics), len(headers), parent)
    table.setObjectName("lockedMetrics")
    table.setAccessibleName(_tr("Success metrics locked at kickoff"))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    for r, m in enumerate(metrics):
        unit = f" {m.unit}" if m.unit else ""
        cells = [
            m.name,
            _num(m.baseline) + (unit if m.baseline is not None else ""),
            _num(m.target) + (unit if m.target is not None else ""),
            m.direction.value,
            m.target_date.isoformat() if m.target_date else "—",
            m.method,
            m.owner,
        ]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
    # Compact: each metric on at most two lines (the whole text is the tooltip), every row shown.
    wrapped_rows(table, lines=2, most=6)
    return table


class SelectPartnerDialog(QDialog):
    """Shows what will be locked at kickoff, asks for a name and a kickoff date, then creates it."""

    def __init__(
        self, proposal: PartnerProposal, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("selectPartnerDialog")
        self.proposal = proposal
        self.submit = submit
        self.setWindowTitle(
            self.tr("Select {vendor} as the partner").replace("{vendor}", proposal.vendor)
        )
        layout = QVBoxLayout(self)
        self.warnings: QWidget | None = None
        if proposal.warnings:
            # Before anything else: what the choice rests on (provisional, too close to call …).
            self.warnings = callout("<br>".join(html.escape(w) for w in proposal.warnings))
            self.warnings.setObjectName("selectionWarnings")
            layout.addWidget(self.warnings)

        form = QFormLayout()
        self.name = QLineEdit(proposal.default_name)
        self.name.setAccessibleName(self.tr("Engagement name"))
        self.kickoff = QDateEdit(QDate.currentDate())
        self.kickoff.setCalendarPopup(True)
        self.kickoff.setDisplayFormat("yyyy-MM-dd")
        self.kickoff.setAccessibleName(self.tr("Kickoff date"))
        form.addRow(self.tr("Engagement name"), self.name)
        form.addRow(self.tr("Kickoff"), self.kickoff)
        form.addRow(self.tr("Use case"), QLabel(proposal.use_case_title or self.tr("(none)")))
        layout.addLayout(form)

        lock = QLabel(
            self.tr(
                "These success metrics are copied from the use case and locked at kickoff. Changing one "
                "later needs a written reason and is recorded in the audit log."
            )
        )
        lock.setWordWrap(True)
        layout.addWidget(lock)
        self.metrics = metrics_table(proposal.metrics, self)
        layout.addWidget(self.metrics)

        months = (
            self.tr("not promised")
            if proposal.promised_months is None
            else self.tr("{n} months").replace("{n}", f"{proposal.promised_months:g}")
        )
        promise = [self.tr("Promised kickoff to production: {months}").replace("{months}", months)]
        for ms in proposal.milestones:
            when = (
                self.tr("month {m}").replace("{m}", str(ms.month))
                if ms.month is not None
                else self.tr("no month")
            )
            promise.append(f"  • {when}: {ms.name}")
        self.promise = QLabel("\n".join(promise))
        self.promise.setObjectName("promise")
        self.promise.setTextFormat(Qt.TextFormat.PlainText)
        self.promise.setWordWrap(True)
        layout.addWidget(self.promise)

        self.flags = QListWidget()
        self.flags.setObjectName("openFlags")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("selectionReason")
        if proposal.serious_flags:
            count = len(proposal.serious_flags)
            heading = QLabel(
                self.tr("<b>{vendor} has {n} open critical or high red flags.</b> Read them before you choose.")
                if count != 1
                else self.tr("<b>{vendor} has an open critical or high red flag.</b> Read it before you choose.")
            )
            heading.setText(
                heading.text().replace("{vendor}", html.escape(proposal.vendor)).replace("{n}", str(count))
            )
            heading.setWordWrap(True)
            layout.addWidget(heading)
            for f in proposal.serious_flags:
                item = QListWidgetItem(
                    severity_icon(f.severity.value),
                    f"{f.severity.value.capitalize()} · {rule_title(f.rule)}: {f.message}",
                )
                item.setToolTip("\n".join([f.message, *f.evidence]))
                self.flags.addItem(item)
            self.flags.setWordWrap(True)
            self.flags.setMaximumHeight(min(30 * count + 8, 130))  # until shown: _fit_flags knows the width
            self.flags.setAccessibleName(self.tr("Open red flags"))
            layout.addWidget(self.flags)
            ask = QLabel(
                self.tr("Why choose {vendor} anyway? (required; kept in the audit log)").replace(
                    "{vendor}", proposal.vendor
                )
            )
            ask.setTextFormat(Qt.TextFormat.PlainText)
            ask.setBuddy(self.reason)
            layout.addWidget(ask)
            self.reason.setPlaceholderText(
                self.tr("For example: the references were checked by phone; the timeline is in the contract.")
            )
            self.reason.setAccessibleName(self.tr("Reason for choosing this partner"))
            self.reason.setMaximumHeight(70)
            layout.addWidget(self.reason)
        else:
            self.flags.hide()
            self.reason.hide()

        layout.addStretch(1)  # a taller window leaves its room above the buttons, not between the parts
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Start engagement"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if proposal.problems:
            self.show_error(
                self.tr("The engagement cannot start yet:")
                + "\n"
                + "\n".join(f"• {p}" for p in proposal.problems)
            )
            self.ok.setEnabled(False)
        self.engagement_id: int | None = None
        self.resize(900, self.sizeHint().height())  # as tall as its content (a small laptop has 768 px)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_flags()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_flags()

    def _fit_flags(self) -> None:
        """The flags list as tall as its wrapped items at the dialog's width, up to about eight lines:
        each flag is read whole, not cut mid-line."""
        if self.flags.isHidden() or not self.flags.count():
            return
        self.flags.doItemsLayout()
        model = self.flags.model()
        first, last = self.flags.visualRect(model.index(0, 0)), self.flags.visualRect(model.index(self.flags.count() - 1, 0))
        rows = last.bottom() - first.top() + 1  # the items as laid out, wrapped (sizeHintForRow is not)
        most = 8 * self.flags.fontMetrics().lineSpacing()
        self.flags.setFixedHeight(min(rows, most) + 2 * self.flags.frameWidth())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def kickoff_date(self) -> date:
        return py_date(self.kickoff.date())

    def accept(self) -> None:
        reason = self.reason.toPlainText().strip()
        if self.proposal.needs_reason and not reason:
            self.show_error(self.tr("Give a reason for choosing this partner despite its red flags."))
            self.reason.setFocus()
            return
        error = self.submit(self.name.text(), self.kickoff_date(), reason)
        if error:
            self.show_error(error)
            return
        super().accept()


class ChangeMetricDialog(QDialog):
    """Edit a locked metric; the reason is required and lands in the audit log."""

    FIELDS = ("baseline", "target", "direction", "target_date", "unit", "method", "owner")

    def __init__(
        self, metric: SuccessMetric, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeMetricDialog")
        self.locked = metric
        self.submit = submit
        self.setWindowTitle(self.tr("Change locked metric: {name}").replace("{name}", metric.name))
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "This metric was locked at kickoff. Say why it changes: the reason, the old and the new "
                "values go to the audit log."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit | QComboBox] = {}
        labels = {
            "baseline": self.tr("Baseline"),
            "target": self.tr("Target"),
            "direction": self.tr("Direction"),
            "target_date": self.tr("Target date (YYYY-MM-DD)"),
            "unit": self.tr("Unit"),
            "method": self.tr("Measurement method"),
            "owner": self.tr("Owner"),
        }
        for key in self.FIELDS:
            if key == "direction":
                combo = QComboBox()
                combo.addItem(self.tr("up (higher is better)"), "up")
                combo.addItem(self.tr("down (lower is better)"), "down")
                combo.setCurrentIndex(0 if metric.direction.value == "up" else 1)
                widget: QLineEdit | QComboBox = combo
            else:
                widget = QLineEdit(self._text(key))
            widget.setAccessibleName(labels[key])
            self.edits[key] = widget
            form.addRow(labels[key], widget)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName(self.tr("Reason for the change"))
        self.reason.setPlaceholderText(self.tr("Why does this locked metric change? (required)"))
        self.reason.setMaximumHeight(80)
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Change metric"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _text(self, key: str) -> str:
        v = getattr(self.locked, key)
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:g}"
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.reason.toPlainText().strip()))

    def changes(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, w in self.edits.items():
            value = w.currentData() if isinstance(w, QComboBox) else w.text().strip()
            current = self.locked.direction.value if key == "direction" else self._text(key)
            if value != current:
                out[key] = value
        return out

    def accept(self) -> None:
        changes = self.changes()
        if not changes:
            self.error.setText(self.tr("Nothing was changed."))
            self.error.show()
            return
        error = self.submit(changes, self.reason.toPlainText().strip())
        if error:
            self.error.setText(error)
            self.error.show()
            return
        super().accept()


class AcknowledgeDialog(QDialog):
    """A written rationale for keeping an oversight flag acknowledged (it stays visible)."""

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("acknowledgeDialog")
        self.setWindowTitle(self.tr("Acknowledge red flag"))
        self.resize(520, 280)
        layout = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(text)
        self.rationale = QPlainTextEdit()
        self.rationale.setAccessibleName(self.tr("Rationale"))
        self.rationale.setPlaceholderText(
            self.tr("Why is this acceptable for now? (required; shown with the flag)")
        )
        layout.addWidget(self.rationale)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Acknowledge"))
        self.ok.setEnabled(False)
        self.rationale.textChanged.connect(
            lambda: self.ok.setEnabled(bool(self.rationale.toPlainText().strip()))
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
