"""When a workspace cannot be opened: say why in plain words and offer to restore its latest backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services import backups
from app.services.errors import InputError
from app.store.workspace import NewerWorkspaceError, Workspace, WorkspaceError, default_location


def _tr(text: str) -> str:
    return QCoreApplication.translate("recovery", text)


def offer_recovery(
    exc: WorkspaceError, location: str | Path | None, parent: QWidget | None = None
) -> Workspace | None:
    """Show the problem; when a backup exists (and the file is not from a newer version) offer it.

    Returns the reopened workspace after a restore, or None when the person declines or nothing
    can be done. The damaged file is never deleted: a healthy one is kept as a backup, a damaged
    one is renamed beside the workspace.
    """
    loc = Path(location).expanduser() if location else default_location()
    title = _tr("Diligence")
    found = [] if isinstance(exc, NewerWorkspaceError) else backups.list_backups(loc)
    if not found:
        QMessageBox.critical(parent, title, str(exc))
        return None
    latest = found[0]
    box = QMessageBox(
        QMessageBox.Icon.Critical, title, str(exc), QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(
        _tr("The latest backup is from %1 (%2). Restore it? The current file is kept, not deleted.")
        .replace("%1", f"{latest.created:%Y-%m-%d %H:%M}")
        .replace("%2", latest.description)
    )
    restore = box.addButton(_tr("Restore latest backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    return restore_latest(loc, latest.path, parent)


def restore_latest(location: Path, backup: Path, parent: QWidget | None = None) -> Workspace | None:
    from app.ui.audit_view import reopen

    try:
        kept = backups.restore(location, backup)
        ws = reopen(location)
    except (WorkspaceError, InputError) as exc:
        QMessageBox.critical(parent, _tr("Diligence"), str(exc))
        return None
    if kept is not None and ".damaged-" in kept.name:
        QMessageBox.information(
            parent,
            _tr("Diligence"),
            _tr("The damaged file was kept as %1.").replace("%1", str(kept)),
        )
    return ws
