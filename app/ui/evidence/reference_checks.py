"""Evaluate ▸ Evidence ▸ Reference checks: who called which of the vendor's references, and what
the reference confirmed (services.references). A check changes the red flags (an unconfirmed or a
contradicted reference), so the page reloads after each; recording and removing are undoable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import ReferenceCheck, Stage
from app.services import references, team
from app.services.changes import Changes
from app.services.references import StoredCheck
from app.ui import theme
from app.ui.tasks import Task
from app.ui.widgets.allowed import allow
from app.ui.widgets.qt import qdatetime
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tables import DISPLAY, ROW_ROLE, Index, compact_rows, sortable_table

if TYPE_CHECKING:
    from app.ui.evaluate.page import Page

COMPANY, CONFIRMED, STAGE, INDUSTRY, BY, WHEN, NOTE = range(7)


def when_text(at: str) -> str:
    """A check's ISO time (UTC) as the local date and time, minutes precision."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class CheckRow:
    """One line of the checks table: the stored check and its cells as shown."""

    stored: StoredCheck
    company: str
    confirmed: str
    stage: str
    industry: str
    by: str
    when: str
    note: str


class ChecksModel(RowsModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(self.tr("Reference"), field="company"),
                Column(self.tr("In production?"), field="confirmed"),
                Column(self.tr("Stage"), field="stage"),
                Column(self.tr("Industry"), field="industry"),
                Column(self.tr("Called by"), field="by"),
                Column(self.tr("When"), field="when"),
                Column(self.tr("Note"), field="note"),
            ],
            parent,
        )
        self.editable = False

    def set_checks(self, checks: list[StoredCheck]) -> None:
        self.set_rows([
            CheckRow(
                c, c.check.company,
                self.tr("Confirmed") if c.check.confirmed_production else self.tr("Not confirmed"),
                c.check.stage, c.check.industry, c.check.by, when_text(c.check.at), " ".join(c.check.note.split()),
            )
            for c in checks
        ])

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = super().data(index, ROW_ROLE) if index.isValid() else None
        if isinstance(row, CheckRow):
            if role == Qt.ItemDataRole.ForegroundRole and index.column() == CONFIRMED:
                return None if row.stored.check.confirmed_production else theme.tone("high")
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == NOTE:
                return row.stored.check.note or None
        return super().data(index, role)


class ReferenceCheckDialog(QDialog):
    """One call to one of the vendor's references."""

    def __init__(self, vendor: str, companies: list[str], by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record a reference check"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("A call to one of the references %1 gave: what did they confirm?").replace("%1", vendor))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.company = QComboBox()
        self.company.addItems(companies)
        form.addRow(self.tr("&Reference"), self.company)
        self.yes = QRadioButton(self.tr("&Yes, it runs in production"))
        self.no = QRadioButton(self.tr("N&o (a pilot, stopped, or not theirs)"))
        self.answer = QButtonGroup(self)
        for b in (self.yes, self.no):
            self.answer.addButton(b)
        self.yes.setChecked(True)
        answers = QVBoxLayout()
        answers.addWidget(self.yes)
        answers.addWidget(self.no)
        form.addRow(self.tr("Production deployment confirmed?"), answers)
        self.stage = QComboBox()
        self.stage.addItem(self.tr("(not said)"), "")
        for s in Stage:
            self.stage.addItem(s.value, s.value)
        form.addRow(self.tr("&Stage, as they confirmed it"), self.stage)
        self.industry = QLineEdit()
        self.industry.setPlaceholderText(self.tr("e.g. B2B SaaS (empty: not said)"))
        form.addRow(self.tr("&Industry, as they confirmed it"), self.industry)
        self.by = QLineEdit(by)
        form.addRow(self.tr("Called &by"), self.by)
        self.when = QDateTimeEdit(qdatetime(datetime.now()))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        form.addRow(self.tr("&When"), self.when)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("What they said, in their words"))
        self.note.setMaximumHeight(90)
        form.addRow(self.tr("&Note"), self.note)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def values(self) -> ReferenceCheck:
        local = self.when.dateTime().toSecsSinceEpoch()
        at = datetime.fromtimestamp(local, UTC).isoformat(timespec="seconds")
        return ReferenceCheck(
            company=self.company.currentText(),
            confirmed_production=self.yes.isChecked(),
            stage=str(self.stage.currentData() or ""),
            industry=self.industry.text().strip(),
            by=self.by.text().strip(),
            at=at,
            note=self.note.toPlainText().strip(),
        )


class ReferenceChecksPanel(QWidget):
    """The checks of the vendor the Evidence tab shows."""

    def __init__(self, page: Page, vendor: Callable[[], str | None]) -> None:
        super().__init__()
        self.page = page
        self.vendor = vendor
        self.companies: list[str] = []  # the vendor's references a check may name
        self.loader = Task(self)
        self.record_button = QPushButton(self.tr("Record a &check…"))
        self.record_button.clicked.connect(lambda: self.record())
        self.remove_button = QPushButton(self.tr("Remove c&heck"))
        self.remove_button.clicked.connect(lambda: self.remove_current())
        self.model = ChecksModel(self)
        self.table, self.proxy = sortable_table(self.model, self.tr("Reference checks"))
        compact_rows(self.table)
        self.table.verticalHeader().hide()
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table.sortByColumn(WHEN, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        for column in range(NOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.status = QLabel()
        self.status.setWordWrap(True)
        title = QLabel(self.tr("Reference checks"))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.record_button)
        bar.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._enable()

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def reload(self) -> None:
        eid, vendor, ws = self.page.evaluation_id, self.vendor(), self.page.ctx.workspace
        if eid is None or vendor is None:
            self._show([], [])
            return
        self.loader.run(
            lambda: (references.list_checks(ws, eid, vendor), references.companies(ws, eid, vendor)),
            lambda found: self._show(*found),
            lambda exc: self.page.ctx.say(self.tr("Could not read the reference checks: %1").replace("%1", str(exc))),
        )

    def _show(self, checks: list[StoredCheck], companies: list[str]) -> None:
        self.companies = companies
        self.model.set_checks(checks)
        vendor = self.vendor() or ""
        if not companies:
            text = self.tr("%1 lists no references yet: add them to its profile on the Vendors tab.").replace("%1", vendor)
        elif not checks:
            text = self.tr("No reference called yet. A reference nobody confirmed counts as a claim only.")
        else:
            unconfirmed = sum(not c.check.confirmed_production for c in checks)
            text = self.tr("%n check(s) recorded", "", len(checks)) + (
                self.tr("; %1 did not confirm a production deployment.").replace("%1", str(unconfirmed))
                if unconfirmed
                else "."
            )
        self.status.setText(text)
        self._enable()

    def selected(self) -> StoredCheck | None:
        row = self.table.currentIndex().data(ROW_ROLE)
        return row.stored if isinstance(row, CheckRow) else None

    def _enable(self) -> None:
        why = self.page.ctx.why_not(team.MANAGE)  # a lead's on a team workspace (as the server says)
        there = self.vendor() is not None
        allow(self.record_button, why, there and bool(self.companies))
        allow(self.remove_button, why, there and self.selected() is not None)

    def record(self, check: ReferenceCheck | None = None) -> bool:
        """Ask for the call's details (unless given) and store it through the undo stack."""
        vendor, session = self.vendor(), self.page.session
        if vendor is None or session is None:
            return False
        if check is None:
            dialog = ReferenceCheckDialog(vendor, self.companies, self.page.answers_tab.current_evaluator() or "", self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            check = dialog.values()
        made: dict[str, int] = {}

        def apply() -> None:
            stored, _changes = session.record_reference_check(vendor, check)
            made["id"] = stored.id

        def revert() -> None:
            session.remove_reference_check(made["id"])

        error = self.page.push(
            self.tr("Record a check of %1").replace("%1", check.company),
            apply,
            revert,
            lambda _undone: self._changed(),
            Changes(evaluation=session.evaluation_id, vendors=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Record a reference check"), error)
        return error is None

    def remove_current(self) -> bool:
        stored, session = self.selected(), self.page.session
        if stored is None or session is None:
            return False
        current = {"id": stored.id}

        def apply() -> None:
            session.remove_reference_check(current["id"])

        def revert() -> None:
            again, _changes = session.record_reference_check(stored.vendor, stored.check)
            current["id"] = again.id

        error = self.page.push(
            self.tr("Remove the check of %1").replace("%1", stored.check.company),
            apply,
            revert,
            lambda _undone: self._changed(),
            Changes(evaluation=session.evaluation_id, vendors=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Remove check"), error)
        return error is None

    def _changed(self) -> None:
        self.reload()
        self.page.reload()  # the reference flags read the checks
