"""The "New evaluation…" dialog: a name, the use case, the pinned bank version and the evaluators."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import banks, usecases
from app.store.workspace import Workspace
from app.ui.widgets.tags import TagEditor


class NewEvaluationDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(self.tr("New evaluation"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Evaluation name"))
        self.name.setPlaceholderText(self.tr("e.g. Ticket triage partner 2026"))
        form.addRow(self.tr("&Name"), self.name)
        self.use_case = QComboBox()
        self.use_case.setAccessibleName(self.tr("Use case"))
        self.use_case.addItem(self.tr("(no use case)"), None)
        for uc in usecases.list_use_cases(ws):
            self.use_case.addItem(f"{uc.title}  [{uc.verdict}]", uc.id)
        if self.use_case.count() > 1:
            self.use_case.setCurrentIndex(1)
        form.addRow(self.tr("&Use case"), self.use_case)
        self.bank = QComboBox()
        self.bank.setAccessibleName(self.tr("Question bank"))
        for b in banks.list_banks(ws):
            self.bank.addItem(
                self.tr("%1 (%n question(s))", "", b.questions).replace("%1", b.name),
                b.id,
            )
        self.version = QComboBox()
        self.version.setAccessibleName(self.tr("Bank version"))
        self.bank.currentIndexChanged.connect(self._versions)
        form.addRow(self.tr("&Question bank"), self.bank)
        form.addRow(self.tr("Bank &version"), self.version)
        self.evaluators = TagEditor(
            self.tr("Evaluators"), self.tr("An evaluator's name, Enter to add")
        )
        self.evaluators.edited.connect(self.evaluators.set_tags)
        form.addRow(self.tr("&Evaluators"), self.evaluators)
        layout.addLayout(form)
        note = QLabel(
            self.tr(
                "The evaluation pins this bank version: later edits to the bank do not change it."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self._versions()
        self._update()

    def _versions(self) -> None:
        self.version.clear()
        bank_id = self.bank.currentData()
        if bank_id is None:
            return
        for v in reversed(banks.versions(self.ws, bank_id)):
            self.version.addItem(
                self.tr("v%1 · %2 · %3")
                .replace("%1", str(v.version))
                .replace("%2", v.hash[:12])
                .replace("%3", v.created_at[:10]),
                v.id,
            )
        self._update()

    def _update(self) -> None:
        ok = bool(self.name.text().strip()) and self.version.currentData() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> tuple[str, int, list[str], int | None]:
        """(name, bank version id, evaluators, use case id)."""
        pending = self.evaluators.entry.text().strip()
        names = self.evaluators.tags() + (
            [pending] if pending and pending not in self.evaluators.tags() else []
        )
        return (
            self.name.text().strip(),
            int(self.version.currentData()),
            names,
            self.use_case.currentData(),
        )
