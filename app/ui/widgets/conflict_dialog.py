"""The choice after a save was refused because someone else saved the same thing meanwhile.

Shows each clashing field with the value saved meanwhile and the value this person wanted,
and asks: reload the saved values (nothing of mine is written), or save mine over theirs
deliberately. Fields only the other side changed are kept either way (the service merged them).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import EditConflict


class ConflictDialog(QDialog):
    RELOAD = 0  # QDialog.Rejected: Escape and closing the window reload too (nothing is written)
    OVERWRITE = 1

    def __init__(self, conflict: EditConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(self.tr("Changed by someone else"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "%1 was saved by someone else (or in another window) while you were editing it. "
                "Nothing of yours has been saved yet."
            ).replace("%1", conflict.subject)
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.table = QTableWidget(len(conflict.fields), 3)
        self.table.setObjectName("conflictFields")
        self.table.setAccessibleName(self.tr("Fields changed on both sides"))
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Saved meanwhile"), self.tr("Yours")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        for r, (label, theirs, mine) in enumerate(conflict.fields):
            for c, text in enumerate((label, theirs, mine)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(conflict.fields))
        layout.addWidget(self.table)
        kept = QLabel(
            self.tr(
                "Fields that only one of you changed are kept as they are. Reload to see the saved "
                "values, or save yours over theirs where you both changed the same field."
            )
        )
        kept.setWordWrap(True)
        layout.addWidget(kept)
        buttons = QDialogButtonBox()
        self.reload_button = QPushButton(self.tr("Reload saved values"))
        self.reload_button.setDefault(True)
        self.overwrite_button = QPushButton(self.tr("Save mine over theirs"))
        self.overwrite_button.setToolTip(
            self.tr("Writes your values for the fields listed above; the other changes stay.")
        )
        # Overwriting needs something to write: a save overtaken with nothing to compare can only reload.
        self.overwrite_button.setEnabled(conflict.merged is not None)
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
