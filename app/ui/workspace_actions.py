"""File menu: new, open and recent workspaces, the demo, quit; and the first-run welcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import team
from app.services.changes import EVERYTHING
from app.store.location import is_server_location
from app.store.server import parse_address
from app.store.workspace import Workspace, WorkspaceError, open_workspace
from app.ui.widgets.allowed import allow

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

RECENT_KEY = "recent/workspaces"
RECENT_MAX = 8


# ----- recent workspaces ---------------------------------------------------------------------


def recent_workspaces(settings: QSettings | None = None) -> list[str]:
    settings = settings or QSettings()
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        return [value] if value else []
    return [str(x) for x in value] if isinstance(value, list) else []


def remember(location: Path | str, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    path = str(location)
    items = [path] + [p for p in recent_workspaces(settings) if p != path]
    settings.setValue(RECENT_KEY, items[:RECENT_MAX])


# ----- opening -------------------------------------------------------------------------------


def open_for_window(location: str | Path, create: bool = True) -> tuple[Workspace, bool]:
    """Open with the lock; fall back to read-only when another process holds it.

    Returns (workspace, opened read-only because it is in use).
    """
    if is_server_location(location):
        # A team workspace: no lock and no read-only second window (the server serves everyone);
        # the password is asked for when libpq finds none.
        from app.ui.team import open_server

        server = open_server(str(location))
        if server is None:
            raise WorkspaceError(f"{parse_address(str(location)).display}: no password was given; nothing was opened")
        if server.created:
            from app.services.banks import ensure_default_bank

            ensure_default_bank(server)
        return server, False
    ws = open_workspace(location, create=create, lock=True)
    if ws.lock is not None and not ws.lock.held:
        where = ws.location
        ws.close()
        return open_workspace(where, read_only=True), True
    if ws.created:
        # Imported here, not above: the services pull in SQLAlchemy, which start-up defers.
        from app.services.banks import ensure_default_bank

        ensure_default_bank(ws)
    return ws, False


def switch_workspace(window: MainWindow, location: str | Path, create: bool = True) -> bool:
    """Make `location` the window's workspace; False (with a message) if it cannot be opened."""
    ctx = window.ctx
    if is_server_location(location):
        from app.ui.team import open_team_workspace

        return open_team_workspace(window, str(location))
    target = Path(location).expanduser()
    if _same(target, ctx.workspace.location):
        ctx.say(window.tr("That workspace is already open."))
        return True
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        ws, in_use = open_for_window(target, create=create)
    except WorkspaceError as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(window, window.tr("Cannot open workspace"), str(exc))
        return False
    QGuiApplication.restoreOverrideCursor()
    ctx.set_workspace(ws)
    remember(ws.location)
    if in_use:
        window.show_read_only_notice()
    elif window.isVisible():
        offer_first_run(window)
    return True


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# ----- the demo and the first run ------------------------------------------------------------


def load_demo(window: MainWindow) -> bool:
    from app.services.errors import InputError
    from app.services.transfer import load_demo as load

    ctx = window.ctx
    if ctx.read_only:
        QMessageBox.information(
            window, window.tr("Read-only"), window.tr("This workspace is open read-only.")
        )
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        summary = load(ctx.workspace)
    except InputError as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.information(window, window.tr("Demo data"), str(exc))
        return False
    QGuiApplication.restoreOverrideCursor()
    # Loading is not undoable: the stack's earlier commands may no longer apply cleanly.
    ctx.undo_stack.clear()
    ctx.announce(EVERYTHING)
    window.refresh_pages()
    ctx.say(
        window.tr("Demo loaded: evaluation “%s” with %d vendors.")
        % (summary.evaluation, summary.vendors)
    )
    return True


class WelcomeDialog(QDialog):
    """First run on an empty workspace: explore the demo, or start with a blank profile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Diligence"))
        self.choice = ""
        title = QLabel(self.tr("<h2>Welcome to Diligence</h2>"))
        text = QLabel(
            self.tr(
                "<p>Diligence helps you choose an AI implementation partner and hold them to results, "
                "in three steps:</p>"
                "<ol><li><b>Audit</b> — describe your organization and a <i>specific</i> use case, "
                "with its data and success metrics.</li>"
                "<li><b>Evaluate</b> — score candidate partners against a weighted question bank, "
                "with automatic red-flag checks, and compare them.</li>"
                "<li><b>Oversee</b> — review the chosen partner monthly against the agreed metrics.</li></ol>"
                "<p>This workspace is empty. Explore a complete example first, or start fresh.</p>"
            )
        )
        text.setWordWrap(True)
        self.demo_button = QPushButton(self.tr("Explore the &demo"))
        self.demo_button.setDefault(True)
        self.demo_button.setAccessibleName(self.tr("Explore the demo"))
        self.fresh_button = QPushButton(self.tr("&Start fresh"))
        self.fresh_button.setAccessibleName(self.tr("Start fresh"))
        self.demo_button.clicked.connect(lambda: self._choose("demo"))
        self.fresh_button.clicked.connect(lambda: self._choose("fresh"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.fresh_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def offer_first_run(window: MainWindow) -> str:
    """Show the welcome on an empty, writable workspace; returns "demo", "fresh" or ""."""
    from app.services.progress import workspace_is_empty

    ctx = window.ctx
    if not ctx.can(team.MANAGE) or not workspace_is_empty(ctx.workspace):
        return ""
    dialog = WelcomeDialog(window)
    dialog.exec()
    if dialog.choice == "demo":
        load_demo(window)
        window.show_page("usecases")
    elif dialog.choice == "fresh":
        window.show_page("organization")
        ctx.say(window.tr("Start with your organization profile, then describe a use case."))
    return dialog.choice


# ----- menu ----------------------------------------------------------------------------------


def _choose_folder(window: MainWindow, title: str) -> str:
    start = str(window.ctx.workspace.location.parent)
    return QFileDialog.getExistingDirectory(window, title, start, QFileDialog.Option.ShowDirsOnly)


def new_workspace(window: MainWindow) -> None:
    folder = _choose_folder(window, window.tr("New workspace: choose an empty folder"))
    if folder:
        switch_workspace(window, folder, create=True)


def open_existing(window: MainWindow) -> None:
    folder = _choose_folder(window, window.tr("Open workspace folder"))
    if folder:
        switch_workspace(window, folder, create=False)


def _fill_recent(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    paths = recent_workspaces()
    for path in paths:
        act = menu.addAction(path)
        from app.store.workspace import database_path

        act.setEnabled(is_server_location(path) or database_path(Path(path)).exists())
        act.triggered.connect(lambda _=False, p=path: switch_workspace(window, p, create=False))
    if not paths:
        empty = menu.addAction(window.tr("No recent workspaces"))
        empty.setEnabled(False)
    else:
        menu.addSeparator()
        clear = menu.addAction(window.tr("Clear list"))
        clear.triggered.connect(lambda: QSettings().remove(RECENT_KEY))


def install(window: MainWindow) -> None:
    menu = window.file_menu
    first = menu.actions()[0] if menu.actions() else None

    def action(
        text: str, slot: Callable[[], object], shortcut: QKeySequence | QKeySequence.StandardKey | None = None
    ) -> QAction:
        act = QAction(text, window)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.triggered.connect(slot)
        menu.insertAction(first, act) if first else menu.addAction(act)
        return act

    window.new_workspace_action = action(
        window.tr("&New workspace…"), lambda: new_workspace(window), QKeySequence.StandardKey.New
    )
    window.open_workspace_action = action(
        window.tr("&Open workspace…"), lambda: open_existing(window), QKeySequence.StandardKey.Open
    )
    window.recent_menu = QMenu(window.tr("Open &recent"), window)
    window.recent_menu.aboutToShow.connect(lambda: _fill_recent(window, window.recent_menu))
    menu.insertMenu(first, window.recent_menu) if first else menu.addMenu(window.recent_menu)
    _fill_recent(window, window.recent_menu)
    window.load_demo_action = action(window.tr("Load &demo data"), lambda: load_demo(window))
    # A lead's on a team workspace; nothing on a read-only window.
    window.ctx.workspace_changed.connect(lambda: allow(window.load_demo_action, window.ctx.why_not(team.MANAGE)))
    allow(window.load_demo_action, window.ctx.why_not(team.MANAGE))
    if first:
        menu.insertSeparator(first)
    menu.addSeparator()
    window.quit_action = QAction(window.tr("&Quit"), window)
    window.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.quit_action.triggered.connect(lambda: (window.close(), QApplication.quit()))
    menu.addAction(window.quit_action)
