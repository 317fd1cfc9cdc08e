"""The evaluation picker of Evaluate and Compare: one combo box, one way to label and choose."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.services import evaluations
from app.ui.context import AppContext
from app.ui.widgets.eliding import ElidingComboBox


class EvaluationPicker(ElidingComboBox):
    """Lists the workspace's evaluations as "name — use case"; `picked(id)` when the person chooses one.

    Choosing one also makes it the app's current evaluation, so every page follows.
    """

    picked = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName(self.tr("Evaluation"))
        self.setMinimumWidth(300)
        # Long "evaluation — use case" labels end in "…" instead of pushing the bar wide.
        self.setMinimumContentsLength(30)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activated.connect(self._activated)

    def reload(self) -> int | None:
        """Re-read the evaluations and select the current one (or the first); its id, or None."""
        items = evaluations.list_evaluations(self.ctx.workspace)
        self.blockSignals(True)
        self.clear()
        for e in items:
            label = f"{e.name} — {e.use_case}" if e.use_case else e.name
            self.addItem(label, e.id)
            self.setItemData(self.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.blockSignals(False)
        return self.show_current()

    def show_current(self) -> int | None:
        """Like `reload` without reading the list again (nothing was added, removed or renamed
        since): select the current evaluation, or the first; its id, or None."""
        current = self.ctx.working_evaluation()  # (the checklist usually chose it at start-up)
        index = self.findData(current) if current is not None else -1
        if index < 0:
            index = 0 if self.count() else -1
        if index < 0:
            return None
        self.setCurrentIndex(index)  # (the combo box's own tooltip follows)
        return int(self.itemData(index))

    def _activated(self, index: int) -> None:
        eid = self.itemData(index)
        if eid is not None:
            self.ctx.select_evaluation(int(eid))
            self.picked.emit(int(eid))
