"""Evaluate ▸ Vendors: the candidate vendors and the profile of each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluation import EvaluationSnapshot
from app.domain.models import Vendor
from app.services import team
from app.services.changes import Changes
from app.services.evaluations import DeletedVendor, load_snapshot
from app.store.workspace import WorkspaceError
from app.ui.evaluate.vendor_editor import VendorEditor
from app.ui.undo import push_edit

if TYPE_CHECKING:
    from app.ui.evaluate.page import Page


class VendorsTab(QWidget):
    """The vendor list (add, remove) beside the profile editor of the selected vendor."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        self.vendor_list = QListWidget()
        self.vendor_list.setAccessibleName(self.tr("Vendors"))
        self.vendor_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.vendor_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.vendor_list.currentRowChanged.connect(lambda _r: self.show_vendor())
        self.add_vendor_button = QPushButton(self.tr("Add &vendor…"))
        self.add_vendor_button.clicked.connect(lambda: self.add_vendor())
        self.remove_vendor_button = QPushButton(self.tr("&Remove vendor"))
        self.remove_vendor_button.clicked.connect(lambda: self.remove_vendor())
        left = QVBoxLayout()
        left.addWidget(self.vendor_list, 1)
        left.addWidget(self.add_vendor_button)
        left.addWidget(self.remove_vendor_button)
        lw = QWidget()
        lw.setLayout(left)
        lw.setMaximumWidth(160)
        self.vendor_editor = VendorEditor()
        self.vendor_editor.edited.connect(self.save_vendor)
        layout = QHBoxLayout(self)
        layout.addWidget(lw)
        layout.addWidget(self.vendor_editor, 1)

    @property
    def snapshot(self) -> EvaluationSnapshot | None:
        return self.page.snapshot

    # ----- what is shown ------------------------------------------------------------------

    def fill(self, snapshot: EvaluationSnapshot) -> None:
        """The vendors of a freshly loaded evaluation; the selection stays where it was."""
        names = [v.name for v in snapshot.vendors]
        current = self.vendor_list.currentItem().text() if self.vendor_list.currentItem() else None
        if [self.vendor_list.item(i).text() for i in range(self.vendor_list.count())] != names:
            self.vendor_list.blockSignals(True)
            self.vendor_list.clear()
            for n in names:
                item = QListWidgetItem(n)
                item.setToolTip(n)  # a long name ends in "…" in the list
                self.vendor_list.addItem(item)
            self.vendor_list.blockSignals(False)
            row = names.index(current) if current in names else (0 if names else -1)
            self.vendor_list.setCurrentRow(row)
        ctx = self.page.ctx
        read_only = not ctx.can(team.MANAGE)  # on a team workspace leads manage vendors
        self.vendor_editor.set_capabilities(snapshot.organization.infrastructure)
        self.vendor_editor.set_read_only(read_only)
        self.remove_vendor_button.setEnabled(bool(names) and not read_only)
        self.add_vendor_button.setEnabled(not read_only)
        why = ctx.why_not(team.MANAGE)
        for button in (self.add_vendor_button, self.remove_vendor_button):
            button.setToolTip(why)
        self.vendor_editor.body.setToolTip(why)
        self.show_vendor()

    def show_vendor(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        item = self.vendor_list.currentItem()
        vendor = None
        if item is not None:
            try:
                vendor = snapshot.vendor(item.text())
            except KeyError:
                vendor = None
        shown = self.vendor_editor.vendor
        focus = QApplication.focusWidget()
        if (
            vendor is not None
            and shown is not None
            and shown.name == vendor.name
            and focus is not None
            and self.vendor_editor.isAncestorOf(focus)
        ):
            # A reload landed while the person edits this vendor: keep what they are typing.
            return
        self.vendor_editor.set_vendor(vendor)

    # ----- edits --------------------------------------------------------------------------

    def add_vendor(self, name: str | None = None) -> bool:
        page = self.page
        session = page.session
        if session is None:
            return False
        eid = session.evaluation_id
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add vendor"), self.tr("Vendor name:"))
            if not ok:
                return False
        name = name.strip()
        error = page.push(
            self.tr("Add vendor %1").replace("%1", name),
            lambda: session.save_vendor(Vendor(name)),
            lambda: session.remove_vendor(name),
            lambda undone: self._after_vendor(eid, None if undone else name),
            Changes(evaluation=eid, vendors=True),
        )
        if error:
            QMessageBox.warning(self, self.tr("Add vendor"), error)
        return error is None

    def remove_vendor(self) -> bool:
        page = self.page
        session, snap = page.session, self.snapshot
        item = self.vendor_list.currentItem()
        if session is None or snap is None or item is None:
            return False
        eid = session.evaluation_id
        name = item.text()
        # Counted in the database: reading `snap.answers` as a list would make every answer an object.
        try:
            answers = session.answer_count(name)
        except WorkspaceError as exc:  # e.g. the team server is gone: nothing was removed
            page.ctx.say(self.tr("Could not remove %1: %2").replace("%1", name).replace("%2", str(exc)))
            return False
        if (
            QMessageBox.question(
                self,
                self.tr("Remove vendor"),
                self.tr("Remove %1 and its %n answer(s)? You can undo this.", "", answers)
                .replace("%1", name),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        # What the service removed, captured in its transaction: undo puts back exactly that
        # (each answer's source and time, the vendor's place in the list).
        removed: list[DeletedVendor] = []

        def apply() -> None:
            deleted, _changes = session.remove_vendor(name)
            removed[:] = [deleted]

        error = page.push(
            self.tr("Remove vendor %1").replace("%1", name),
            apply,
            lambda: session.restore_vendor(removed[0]),
            lambda undone: self._after_vendor(eid, name if undone else None),
            Changes(evaluation=eid, vendors=True, answers=True, acknowledgements=True),
        )
        return error is None

    def save_vendor(self, old_name: str, new: Vendor) -> bool:
        page = self.page
        session, snap = page.session, self.snapshot
        if session is None or snap is None:
            return False
        eid = session.evaluation_id
        old = snap.vendor(old_name)
        error = push_edit(
            page.ctx,
            self,
            self.tr("Edit vendor %1").replace("%1", new.name or old_name),
            # Only the fields edited here are written (base = as loaded): changes saved meanwhile
            # by the command line, another window or a colleague stay; a clash asks (ConflictDialog).
            lambda value, base: session.save_vendor(value, old_name=base.name.strip(), base=base),
            new,
            old,
            changes=Changes(evaluation=eid, vendors=True).by(page),
            on_done=lambda undone: self._profile_saved(
                eid, new.name.strip() if undone else old_name, old if undone else new
            ),
        )
        if error:
            # The form shows what is saved now (after a clash: the other side's values).
            self.vendor_editor.set_vendor(self._saved_vendor(eid, old_name) or old)
            page.ctx.say(error)
        return error is None

    def _saved_vendor(self, eid: int, name: str) -> Vendor | None:
        try:
            return load_snapshot(self.page.ctx.workspace, eid).vendor(name)
        except Exception:  # noqa: BLE001 - the form then keeps what it had; the message is already shown
            return None

    def _profile_saved(self, eid: int, old_name: str, vendor: Vendor) -> None:
        """`vendor` was just saved over the vendor called `old_name`."""
        # A profile edit under the same name changes flags only: the session has put it into
        # memory; redraw now and leave the form alone (the person may be typing in the next field).
        page = self.page
        session = page.session
        name = vendor.name.strip()
        if eid == page.evaluation_id and session is not None and session.current and name == old_name:
            assert session.live is not None
            shown = self.vendor_editor.vendor
            if shown is not None and shown.name == name:
                # As after any save: the form shows what is saved now (tables rely on it).
                self.vendor_editor.set_vendor(session.live.snapshot.vendor(name))
            page.update_results()
            return
        self._after_vendor(eid, name)

    def _after_vendor(self, eid: int, select: str | None) -> None:
        if eid != self.page.evaluation_id:
            return

        def reselect() -> None:
            if select is not None:
                items = self.vendor_list.findItems(select, Qt.MatchFlag.MatchExactly)
                if items:
                    self.vendor_list.setCurrentItem(items[0])
            self.show_vendor()

        self.page.reload(then=reselect)
