"""Tools menu: the audit trail (filter, export CSV), back up now, restore from a backup, backup on quit.

The audit service is imported inside the methods that use it: it loads SQLAlchemy, which
start-up defers until the dialog opens.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import team
from app.services.errors import InputError
from app.store.workspace import Workspace, WorkspaceError
from app.ui.save_dialog import ask_save_path
from app.ui.widgets.allowed import allow
from app.ui.widgets.tables import ROW_ROLE, SORT_ROLE

if TYPE_CHECKING:
    from app.services import backups
    from app.services.audit import AuditEntry, AuditFilter
    from app.ui.main_window import MainWindow

_Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """Audit entries as rows; DisplayRole is formatted text, SORT_ROLE the raw value, ROW_ROLE the entry."""

    WHEN, WHO, ACTION, ENTITY, BEFORE, AFTER, REASON = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[AuditEntry] = []
        self._headers = [
            self.tr("When"),
            self.tr("Who"),
            self.tr("Action"),
            self.tr("What"),
            self.tr("Before"),
            self.tr("After"),
            self.tr("Reason"),
        ]

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[AuditEntry]:
        return list(self._entries)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._entries)):
            return None
        e = self._entries[index.row()]
        c = index.column()
        if role == ROW_ROLE:
            return e
        if role == SORT_ROLE:
            return e.at.timestamp() if c == self.WHEN else self._text(e, c)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(e, c)
            # Long before/after values are shortened in the cell; the tooltip holds all of it.
            if role == Qt.ItemDataRole.DisplayRole and len(text) > 120:
                return text[:117] + "…"
            return text
        return None

    def _text(self, e: AuditEntry, column: int) -> str:
        if column == self.WHEN:
            return e.when
        if column == self.WHO:
            return e.actor
        if column == self.ACTION:
            return e.action
        if column == self.ENTITY:
            return f"{e.entity} {e.entity_id}".strip()
        if column == self.BEFORE:
            return e.before_text
        if column == self.AFTER:
            return e.after_text
        if column == self.REASON:
            return e.reason
        return ""


class AuditDialog(QDialog):
    """The audit trail with filters; Export CSV… writes what is shown."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1240, 620)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search who, what, before, after, reason…"))
        self.search.setAccessibleName(self.tr("Search the audit trail"))
        self.search.setClearButtonEnabled(True)
        self.action = QComboBox()
        self.action.setAccessibleName(self.tr("Action"))
        self.actor = QComboBox()
        self.actor.setAccessibleName(self.tr("Who"))
        self.use_since = QCheckBox(self.tr("From"))
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.since.setCalendarPopup(True)
        self.since.setAccessibleName(self.tr("From date"))
        self.use_until = QCheckBox(self.tr("To"))
        self.until = QDateEdit(QDate.currentDate())
        self.until.setCalendarPopup(True)
        self.until.setAccessibleName(self.tr("To date"))
        for box in (self.since, self.until):
            box.setDisplayFormat("yyyy-MM-dd")
            box.setEnabled(False)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.action, 2)
        filters.addWidget(self.actor, 2)
        filters.addWidget(self.use_since)
        filters.addWidget(self.since)
        filters.addWidget(self.use_until)
        filters.addWidget(self.until)

        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Audit entries"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 140), (1, 130), (2, 170), (3, 210), (4, 170), (5, 200)):
            self.table.setColumnWidth(column, width)

        self.count = QLabel()
        self.count.setObjectName("auditCount")
        self.export_button = QPushButton(self.tr("Export CSV…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.export_csv)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._fill_choices()
        self.search.textChanged.connect(self.reload)
        self.action.currentIndexChanged.connect(self.reload)
        self.actor.currentIndexChanged.connect(self.reload)
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_until.toggled.connect(self.until.setEnabled)
        for signal in (
            self.use_since.toggled,
            self.use_until.toggled,
            self.since.dateChanged,
            self.until.dateChanged,
        ):
            signal.connect(self.reload)
        self.reload()

    def _fill_choices(self) -> None:
        from app.services import audit

        self.action.addItem(self.tr("All actions"), None)
        for value in audit.distinct_values(self.workspace, "action"):
            self.action.addItem(value, value)
        self.actor.addItem(self.tr("Everyone"), None)
        for value in audit.distinct_values(self.workspace, "actor"):
            self.actor.addItem(value, value)

    def current_filter(self) -> AuditFilter:
        from app.services import audit

        def day(edit: QDateEdit) -> date:
            d = edit.date()
            return date(d.year(), d.month(), d.day())

        return audit.AuditFilter(
            action=self.action.currentData(),
            actor=self.actor.currentData(),
            since=day(self.since) if self.use_since.isChecked() else None,
            until=day(self.until) if self.use_until.isChecked() else None,
            text=self.search.text() or None,
        )

    @Slot()
    def reload(self) -> None:
        from app.services import audit

        entries = audit.query(self.workspace, self.current_filter())
        self.model.set_entries(entries)
        if entries:
            self.count.setText(self.tr("%n entry(s)", "", len(entries)))
        else:
            self.count.setText(self.tr("No entries match these filters."))
        self.export_button.setEnabled(bool(entries))

    @Slot()
    def export_csv(self, path: str | None = None) -> Path | None:
        from app.services import audit

        if not path:
            chosen = ask_save_path(
                self, self.tr("Export audit trail"), "audit-trail.csv", self.tr("CSV files (*.csv)"), ".csv"
            )
            if chosen is None:
                return None
            path = str(chosen)
        try:
            n = audit.export_csv(self.workspace, Path(path), self.current_filter())
        except InputError as exc:
            QMessageBox.warning(self, self.tr("Export audit trail"), str(exc))
            return None
        self.count.setText(self.tr("Exported %n entry(s) to ", "", n) + path)
        return Path(path)


class RestoreDialog(QDialog):
    """Pick one of the workspace's backups, newest first."""

    def __init__(self, items: list[backups.BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from backup"))
        self.resize(560, 380)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Backups"))
        for b in items:
            item = QListWidgetItem(f"{b.label}  ({b.size / 1024:,.0f} KB)")
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            item.setToolTip(str(b.path))
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        note = QLabel(
            self.tr(
                "The workspace as it is now is kept as a backup first, so a restore can be undone "
                "by restoring that copy."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            self.tr("Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(bool(items))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        if not items:
            layout.addWidget(QLabel(self.tr("This workspace has no backups yet.")))
        layout.addWidget(self.list, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def chosen(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


def reopen(location: Path) -> Workspace:
    """Open a workspace as the app does: locked, or read-only when another window holds it."""
    from app.ui.workspace_actions import open_for_window

    return open_for_window(location)[0]


def restore_into(window: MainWindow, backup_path: Path) -> bool:
    """Close the workspace, restore `backup_path` over it and reopen it in the window."""
    ctx = window.ctx
    location = ctx.workspace.location
    from app.services import backups  # on use, as every backup action: not at start-up

    ctx.workspace.close()  # releases our lock: restore takes it to keep other windows out
    try:
        backups.restore(location, backup_path)
    except (WorkspaceError, InputError) as exc:
        ctx.set_workspace(reopen(location))
        QMessageBox.warning(window, window.tr("Restore from backup"), str(exc))
        return False
    ctx.set_workspace(reopen(location))
    ctx.say(window.tr("Restored the workspace from %1").replace("%1", backup_path.name))
    return True


class Backups(QObject):
    """Owned by the window so Qt drops the quit connection when the window goes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    @Slot()
    def on_quit(self) -> None:
        from app.services import backups
        from app.ui.evidence import leftovers

        leftovers.clean_up(self.window.ctx.workspace)  # undo goes with the app: so do the files kept for it
        try:
            backups.automatic_backup(self.window.ctx.workspace)
        except (WorkspaceError, InputError, OSError):
            pass  # never block quitting over a backup; the previous copies are still there

    @Slot()
    def back_up_now(self) -> Path | None:
        from app.services import backups

        w = self.window
        out = None
        if team.is_team(w.ctx.workspace):  # no backups folder on a server: a copy to a file of my choice
            out = ask_save_path(w, w.tr("Back up now"), "diligence-backup.sqlite",
                                w.tr("Diligence workspace (*.sqlite)"), ".sqlite")
            if out is None:
                return None
        try:
            path = backups.backup(w.ctx.workspace, out)
        except (WorkspaceError, InputError) as exc:
            QMessageBox.warning(w, w.tr("Back up now"), str(exc))
            return None
        w.ctx.say(w.tr("Backup written to %1").replace("%1", str(path)))
        QMessageBox.information(
            w, w.tr("Back up now"), w.tr("Backup written to:\n%1").replace("%1", str(path))
        )
        return path

    @Slot()
    def restore(self) -> None:
        from app.services import backups

        w = self.window
        dialog = RestoreDialog(backups.list_backups(w.ctx.workspace), w)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return
        chosen = dialog.chosen()
        assert chosen is not None
        answer = QMessageBox.question(
            w,
            w.tr("Restore from backup"),
            w.tr(
                "Replace the workspace with the backup from %1? The current contents are kept as a backup first."
            ).replace("%1", dialog.list.currentItem().text()),
        )
        if answer == QMessageBox.StandardButton.Yes:
            restore_into(w, chosen)

    @Slot()
    def show_audit(self) -> None:
        AuditDialog(self.window.ctx.workspace, self.window).exec()


def install(window: MainWindow) -> None:
    helper = Backups(window)
    window.audit_backups = helper  # tests and other extensions reach it here
    menu = window.tools_menu
    menu.addAction(window.tr("Audit trail…"), helper.show_audit).setObjectName("action-audit-trail")
    menu.addSeparator()
    backup = menu.addAction(window.tr("Back up now…"), helper.back_up_now)
    backup.setObjectName("action-backup-now")
    restore = menu.addAction(window.tr("Restore from backup…"), helper.restore)
    restore.setObjectName("action-restore-backup")

    def allow_restore() -> None:
        # A team workspace is restored on its server (pg_restore), by whoever runs it (docs/team.md),
        # and copied to a file only by its owner: nobody else may read every answer.
        ws, member = window.ctx.workspace, window.ctx.member
        allow(restore, window.tr("A team workspace is restored on its server, by whoever runs the server.")
              if team.is_team(ws) else "")
        owner = team.owner(ws) if member is not None else None
        allow(backup, "" if owner is None or member is None or member.login == owner else window.tr(
            "Only %1, who owns this team workspace, can copy it to a file: it holds answers not yet "
            "submitted.").replace("%1", owner))

    window.ctx.workspace_changed.connect(allow_restore)
    allow_restore()
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(helper.on_quit)
