"""Start the desktop app: QApplication, workspace, main window (or one painted frame for --smoke)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__


def _app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("Diligence")
    QCoreApplication.setApplicationName("Diligence")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    app.setDesktopFileName("diligence")
    return app


def run(workspace: str | None = None, smoke: bool = False, demo_if_empty: bool = False) -> int:
    from app.services.banks import ensure_default_bank
    from app.store.workspace import WorkspaceError, open_workspace

    app = _app()
    try:
        ws = open_workspace(workspace, lock=True)
    except WorkspaceError as exc:
        if smoke:
            print(f"diligence: {exc}", file=sys.stderr)
            return 2
        QMessageBox.critical(None, "Diligence", str(exc))
        return 2
    if ws.lock is not None and not ws.lock.held:
        # Another window has this workspace: open it read-only rather than risk two writers.
        location = ws.location
        ws.close()
        ws = open_workspace(location, read_only=True)
        read_only_notice = True
    else:
        read_only_notice = False
    if ws.created:
        ensure_default_bank(ws)
    if demo_if_empty and not ws.read_only:
        from app.services.transfer import load_demo, workspace_is_empty

        if workspace_is_empty(ws):
            load_demo(ws)

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    ctx = AppContext(ws)
    window = MainWindow(ctx)
    settings = QSettings()
    window.restore_state(settings)
    _remember(settings, ws.location)
    if smoke:
        window.show()
        window.repaint()
        app.processEvents()
        ws.close()
        return 0
    window.show()
    window.sidebar.setCurrentRow(0)
    if read_only_notice:
        QTimer.singleShot(0, lambda: QMessageBox.information(
            window, window.tr("Workspace in use"),
            window.tr("This workspace is open in another Diligence window, so it was opened read-only here. "
                      "Close the other window to make changes."),
        ))
    code = app.exec()
    ws.close()
    return int(code)


def _remember(settings: QSettings, location: Path) -> None:
    recent = settings.value("recent/workspaces", [])
    items = [str(x) for x in (recent if isinstance(recent, list) else [recent] if recent else [])]
    path = str(location)
    items = [path] + [p for p in items if p != path]
    settings.setValue("recent/workspaces", items[:8])
