"""Start the desktop app: QApplication, workspace, main window (or one painted frame for --smoke)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from app import __version__


def bindings_problem() -> str | None:
    """Why this Python and PySide6 cannot run the app for long, or None when they can.

    PySide6 6.12.0 drops a reference to None on every Qt call that returns None. Python 3.12+
    never frees None (it is immortal), but on 3.11 the app would abort ("none_dealloc") after a
    few thousand such calls, in the middle of someone's scoring. So: measure, then refuse to
    start with a message that says what to install (docs/design-decisions.md, Stability).
    """
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QObject

    probe = QObject()
    probe.setObjectName("")  # a first call may run PySide's lazy set-up, which frees objects too
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("")  # returns None
    if sys.getrefcount(None) > before - 10:  # the faulty version loses one reference per call
        return None
    return (
        f"PySide6 {pyside_version} loses track of Python's None on Python "
        f"{sys.version_info.major}.{sys.version_info.minor} and would crash this app within "
        "minutes. Install another PySide6 version (pip install 'PySide6!=6.12.0') or use "
        "Python 3.12 or newer."
    )


def _app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("Diligence")
    QCoreApplication.setApplicationName("Diligence")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    app.setDesktopFileName("diligence")
    from app.ui.theme import NaturalSortArrows

    app.setStyle(NaturalSortArrows())  # the platform style, sort arrows pointing the natural way
    from app.ui.i18n import install_translations

    install_translations(app)
    return app


def run(workspace: str | None = None, smoke: bool = False, demo_if_empty: bool = False) -> int:
    # Until the first paint the process only creates objects that live as long as it does
    # (modules, classes, Qt wrappers): the collector's passes over them are ~10 ms of start-up.
    gc.disable()
    try:
        return _run(workspace, smoke, demo_if_empty)
    finally:
        gc.enable()


def _run(workspace: str | None, smoke: bool, demo_if_empty: bool) -> int:
    from app.store.workspace import WorkspaceError

    problem = bindings_problem()
    if problem is not None:
        print(f"diligence: {problem}", file=sys.stderr)
        return 2
    app = _app()
    terminated = _quit_on_sigterm(app)
    from app.ui.workspace_actions import open_for_window, remember

    try:
        ws, read_only_notice = open_for_window(workspace or default_target())
    except WorkspaceError as exc:
        if smoke:
            print(f"diligence: {exc}", file=sys.stderr)
            return 2
        from app.ui.recovery import offer_recovery

        # Says what is wrong and, for a damaged file with a backup, offers to restore it.
        recovered = offer_recovery(exc, workspace or default_target())
        if recovered is None:
            return 2
        ws, read_only_notice = recovered, recovered.read_only
    demo_loaded = False
    if demo_if_empty and not ws.read_only:
        from app.services.transfer import load_demo, workspace_is_empty

        if workspace_is_empty(ws):
            load_demo(ws)
            demo_loaded = True

    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    ctx = AppContext(ws)
    window = MainWindow(ctx)
    settings = QSettings()
    window.restore_state(settings)
    remember(ws.location, settings)
    window.show()
    from app.ui import stats

    stats.start(window.sidebar, window, ctx.undo_stack)  # only with DILIGENCE_STATS set (make soak)
    # The first paint happens before any page exists: pages load SQLAlchemy and numpy, which
    # start-up defers so the window is up in a fraction of a second (docs/performance.md).
    window.repaint()
    gc.enable()  # from here on objects come and go: the collector runs as usual
    if smoke:
        ws.close()
        return 0
    from app.ui.evidence import leftovers

    leftovers.clean_up(ws)  # what removed documents left, before anything can be undone in it
    QTimer.singleShot(0, lambda: window.sidebar.setCurrentRow(0))
    if read_only_notice:
        QTimer.singleShot(0, window.show_read_only_notice)
    elif not demo_loaded:
        from app.ui.workspace_actions import offer_first_run

        QTimer.singleShot(0, lambda: offer_first_run(window))
    QTimer.singleShot(0, lambda: terminated and app.quit())  # a SIGTERM during start-up
    code = app.exec()
    ctx.workspace.close()
    return int(code)


def _quit_on_sigterm(app: QApplication) -> list[bool]:
    """Quit normally on SIGTERM (logging out, `kill`), so the closing backup is still taken.

    Python runs signal handlers only between bytecodes: a timer lets it in while Qt waits.
    Returns a list that holds True once the signal came (checked when the event loop starts).
    """
    import signal

    came: list[bool] = []

    def on_term(*_args: object) -> None:
        came.append(True)
        app.quit()

    signal.signal(signal.SIGTERM, on_term)
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    return came


def default_location() -> Path:
    from app.store.workspace import default_location as location

    return location()


def default_target() -> str | Path:
    """DILIGENCE_WORKSPACE when it is a team server's address, else the default folder."""
    import os

    from app.store.location import ENV_VAR, is_server_location

    env = os.environ.get(ENV_VAR, "")
    return env if is_server_location(env) else default_location()
