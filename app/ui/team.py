"""Team workspaces in the window: File ▸ Open team workspace…, the password prompt, which
workspace this is, the "server cannot be reached" banner, and live updates from other clients.

Live updates: a ServerWorkspace's listener connection LISTENs for what other clients commit;
its socket is watched with a QSocketNotifier (no thread), and each notice is announced as the
same typed `Changes` a local edit announces. A ping every few seconds finds a dropped
connection when nothing arrives; while the server cannot be reached, a banner says so and the
listener is made again every few seconds; once back, every page redraws (what was missed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QSocketNotifier, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import EVERYTHING
from app.store.server import (
    ChangeListener,
    PasswordNeeded,
    ServerWorkspace,
    open_server_workspace,
    parse_address,
)
from app.store.workspace import Workspace, WorkspaceError

if TYPE_CHECKING:
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

PING_MS = 3000
RETRY_MS = 2000
LAST_ADDRESS_KEY = "team/last_address"


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("team", text)


# ----- opening -------------------------------------------------------------------------------


def ask_password(parent: QWidget | None, where: str, wrong: bool) -> str | None:
    """The server's password for this login, asked for in a masked field; None when cancelled."""
    prompt = _tr("The server at %1 asks for the password of your login.").replace("%1", where)
    if wrong:
        prompt = _tr("That password was not accepted.") + "\n" + prompt
    text, ok = QInputDialog.getText(parent, _tr("Password for the team workspace"), prompt,
                                    QLineEdit.EchoMode.Password)
    return text if ok else None


def open_server(address: str, parent: QWidget | None = None) -> ServerWorkspace | None:
    """Open a team workspace, asking for the password when libpq finds none; None if cancelled.

    The password lives only in memory, with the open workspace (for reconnecting): it is
    never written to the settings, a log or a message.
    """
    password: str | None = None
    for attempt in range(4):
        try:
            return open_server_workspace(address, password=password)
        except PasswordNeeded:
            if attempt == 3:
                raise
            password = ask_password(parent, parse_address(address).display, wrong=password is not None)
            if password is None:
                return None
    return None


def open_team_workspace(window: MainWindow, address: str | None = None) -> bool:
    """File ▸ Open team workspace…: ask for the address (and a password if needed), then open it."""
    from app.ui.workspace_actions import remember

    settings = QSettings()
    if address is None:
        last = settings.value(LAST_ADDRESS_KEY, "")
        text, ok = QInputDialog.getText(
            window, window.tr("Open team workspace"),
            window.tr("Server address of the team workspace\n(postgresql://login@server:port/database; "
                      "no password here: the app asks for it)"),
            QLineEdit.EchoMode.Normal, last if isinstance(last, str) and last else "postgresql://")
        if not ok or not text.strip():
            return False
        address = text.strip()
    try:
        canonical = parse_address(address).url
        ws = open_server(address, window)
    except WorkspaceError as exc:
        QMessageBox.warning(window, window.tr("Cannot open team workspace"), str(exc))
        return False
    if ws is None:
        return False
    settings.setValue(LAST_ADDRESS_KEY, canonical)
    window.ctx.set_workspace(ws)
    remember(canonical, settings)
    return True


# ----- which workspace, and whether the server is there -------------------------------------


def describe(ws: Workspace) -> tuple[str, str]:
    """(short label for the status bar, longer tooltip) naming the workspace without secrets."""
    if isinstance(ws, ServerWorkspace):
        return (_tr("Team server: %1").replace("%1", ws.label),
                _tr("A team workspace on a PostgreSQL server. Other people's changes appear here as they save them."))
    return _tr("Folder: %1").replace("%1", ws.location.name or str(ws.location)), str(ws.location)


class ServerBanner(QFrame):
    """A strip above the pages while the team server cannot be reached."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        from PySide6.QtGui import QPalette

        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_lost(self, where: str) -> None:
        self.label.setText(_tr(
            "The team server (%1) cannot be reached: it may be restarting, or the network is down. "
            "Changes are not saved until it is back; Diligence reconnects by itself.").replace("%1", where))
        self.show()


class LiveUpdates(QObject):
    """Watches the open team workspace for other clients' saves and for the server going away."""

    def __init__(self, ctx: AppContext, banner: ServerBanner) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.banner = banner
        self.listener: ChangeListener | None = None
        self.notifier: QSocketNotifier | None = None
        self.lost = False
        self.ping_timer = QTimer(self)
        self.ping_timer.setInterval(PING_MS)
        self.ping_timer.timeout.connect(self.ping)
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self.reconnect)
        ctx.workspace_changed.connect(self.follow)
        ctx.server_unreachable.connect(self.connection_lost)
        self.follow()

    def follow(self) -> None:
        """Start watching the window's workspace (nothing to watch for a folder)."""
        self.stop()
        self.lost = False
        self.banner.hide()
        if isinstance(self.ctx.workspace, ServerWorkspace):
            self.start()

    def start(self) -> bool:
        ws = self.ctx.workspace
        assert isinstance(ws, ServerWorkspace)
        try:
            self.listener = ws.listener()
        except WorkspaceError:
            self.connection_lost()
            return False
        self.notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.read)
        self.ping_timer.start()
        return True

    def stop(self) -> None:
        self.ping_timer.stop()
        self.retry_timer.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def read(self) -> None:
        from app.services.team_live import changes_from

        if self.listener is None:
            return
        try:
            notices = self.listener.poll()
        except WorkspaceError:
            self.connection_lost()
            return
        for notice in notices:
            for changes in changes_from(notice):
                self.ctx.announce(changes)

    def ping(self) -> None:
        if self.listener is None:
            return
        try:
            self.listener.ping()
        except WorkspaceError:
            self.connection_lost()
            return
        self.read()

    def connection_lost(self) -> None:
        ws = self.ctx.workspace
        if not isinstance(ws, ServerWorkspace) or self.lost:
            return
        self.stop()
        self.lost = True
        self.banner.show_lost(ws.label)
        self.retry_timer.start()

    def reconnect(self) -> None:
        if not isinstance(self.ctx.workspace, ServerWorkspace):
            self.retry_timer.stop()
            return
        self.retry_timer.stop()
        if not self.start():
            self.retry_timer.start()
            return
        self.lost = False
        self.banner.hide()
        self.ctx.say(self.ctx.tr("The team server is back; showing what changed meanwhile."))
        self.ctx.announce(EVERYTHING)  # whatever others saved while we could not hear it


# ----- the window ----------------------------------------------------------------------------


def install(window: MainWindow) -> None:
    menu = window.file_menu
    open_action = getattr(window, "open_workspace_action", None)
    actions = menu.actions()
    after = actions[actions.index(open_action) + 1] if open_action in actions and actions.index(open_action) + 1 < len(actions) else None
    window.open_team_action = QAction(window.tr("Open &team workspace…"), window)
    window.open_team_action.triggered.connect(lambda: open_team_workspace(window))
    if after is not None:
        menu.insertAction(after, window.open_team_action)
    else:
        menu.addAction(window.open_team_action)
    # The banner sits above the pages: the central widget is wrapped once.
    banner = ServerBanner()
    central = window.takeCentralWidget()
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(holder)
    window.server_banner = banner
    window.workspace_label = QLabel()
    window.workspace_label.setObjectName("workspaceLabel")
    window.statusBar().addPermanentWidget(window.workspace_label)

    def show_workspace() -> None:
        text, tip = describe(window.ctx.workspace)
        window.workspace_label.setText(text)
        window.workspace_label.setToolTip(tip)

    window.ctx.workspace_changed.connect(show_workspace)
    show_workspace()
    window.live_updates = LiveUpdates(window.ctx, banner)
