"""The main window: a sidebar with the guided flow and one page per step."""

from __future__ import annotations

import importlib
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import theme
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.tasks import Task

if TYPE_CHECKING:
    from app.ui.audit_view import Backups
    from app.ui.export import ExportJob
    from app.ui.team import LiveUpdates, ServerBanner

__all__ = ["EXTENSIONS", "PAGES", "MainWindow", "PageSpec", "icon"]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str  # file name in resources/icons
    module: str  # module holding a `Page` class: Page(ctx: AppContext, parent=None)
    hint: str = ""  # what the step is for, shown as the sidebar tooltip
    # Built hidden during idle time after start-up, so its first show does not also pay for
    # building it. Only for a page whose constructor is short (one idle slice, well under
    # 25 ms) and reads nothing: a page reads its data in `refresh`, when it is shown.
    ahead: bool = False


# Modules that add menu actions, drop handling or dialogs to the window, in menu order. Each
# defines `install(window: MainWindow) -> None`; `MainWindow._install_extensions` calls them.
EXTENSIONS: tuple[str, ...] = (
    "app.ui.workspace_actions",  # File: new / open / recent workspaces, first run
    "app.ui.team",  # File: open team workspace; which workspace; server banner; live updates
    "app.ui.export",  # File: export PDF reports
    "app.ui.questionnaires",  # File: bank import wizard, questionnaires out and in (menu, drag-and-drop)
    "app.ui.audit_view",  # Tools: audit trail, backups
    "app.ui.help",  # Help: the three steps, F1 on each page, shortcuts, About
)

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "organization",
        "Organization",
        "organization.svg",
        "app.ui.pages.organization",
        "Your industry, stage, systems and infrastructure: what the red-flag checks compare against",
    ),
    PageSpec(
        "usecases",
        "Use cases",
        "usecases.svg",
        "app.ui.pages.usecases",
        "Audit: define specific use cases with data sources and success metrics",
        ahead=True,
    ),
    PageSpec(
        "evaluations",
        "Evaluate",
        "evaluate.svg",
        "app.ui.evaluate.page",
        "Score candidate partners against the question bank, with red-flag checks",
        ahead=True,
    ),
    PageSpec(
        "compare",
        "Compare",
        "compare.svg",
        "app.ui.compare.page",
        "Ranking, section matrix, sensitivity and why one vendor beats another",
        ahead=True,
    ),
    PageSpec(
        "oversee",
        "Oversee",
        "oversee.svg",
        "app.ui.oversee.page",
        "Monthly reviews of the chosen partner against the agreed metrics",
        ahead=True,
    ),
    PageSpec(
        "banks",
        "Question banks",
        "banks.svg",
        "app.ui.pages.banks",
        "Versioned question banks: sections, weights, scoring rules and red-flag rules",
        ahead=True,
    ),
)



def _warm_steps(
    pages: list[tuple[str, str, bool]], loaded: set[str], plan: bool = True
) -> list[tuple[str, str]]:
    """On a worker: the idle-time steps for `pages` (key, module, built ahead), page by page:
    ("import", module) for each of the app's and Qt's modules the page needs that is not `loaded`
    yet, dependencies first, then ("build", key) for a page built ahead. Other packages the
    pages need (numpy, SQLAlchemy …) are imported here, on the worker."""
    from app.ui.import_plan import import_plan

    steps: list[tuple[str, str]] = []
    done = set(loaded)
    for key, module, ahead in pages:
        modules = import_plan([module], done) if plan else [module]
        done.update(modules)
        for name in modules:
            if name.split(".")[0] in ("app", "PySide6", "shiboken6"):
                steps.append(("import", name))  # on the GUI thread, a slice at a time
                continue
            # numpy, SQLAlchemy …: a package imports whole (its __init__ runs first), ~50–150 ms
            # that would be one long slice; they define no Qt objects, so they load here.
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # not installed: opening the page that needs it says so
        if ahead:
            steps.append(("build", key))
    return steps


def _prepare_specificity() -> None:
    """On a worker: load the specificity check's word list (imports the services lazily)."""
    from app.services.usecases import prepare

    prepare()

WARM_INTERVAL_MS = 15  # between two slices of idle-time work (MainWindow._warm_up), each a few ms
WARM_BUSY_S = 0.015  # the GUI thread's CPU on other work since the last tick that means busy
WARM_SLICE_S = 0.008  # a slice imports modules until it has taken this long (each is atomic)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        from app.ui.i18n import install_translations

        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_translations(app)  # counted strings read "1 review", whoever made the application
        self.ctx = ctx
        # Installed by the extensions (EXTENSIONS), declared here so they are typed.
        self.new_workspace_action: QAction
        self.open_workspace_action: QAction
        self.recent_menu: QMenu
        self.load_demo_action: QAction
        self.quit_action: QAction
        self.export_actions: tuple[QAction, QAction]
        self.last_export: ExportJob | None = None  # the latest PDF export (tests follow it)
        self.questionnaire_actions: tuple[QAction, QAction, QAction]
        self.drop_filter: QObject
        self.audit_backups: Backups
        self.help_dialog: QDialog | None = None
        self.open_team_action: QAction  # team workspaces (app/ui/team.py)
        self.server_banner: ServerBanner
        self.workspace_label: QLabel
        self.role_badge: QLabel  # the role I am in on a team workspace (app/ui/team_role.py)
        self.live_updates: LiveUpdates
        self.setObjectName("MainWindow")
        theme.fit_tooltips()  # a dark desktop's palette may keep Qt's pale tooltips (and on a change below)
        # The logo in the accent colour; the other icons follow the text colour.
        self.setWindowIcon(icon("diligence.svg", QPalette.ColorRole.Highlight))
        self._pages: dict[str, QWidget] = {}
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Steps"))
        self.sidebar.setIconSize(QSize(20, 20))
        # Wide enough for "Question banks", and no wider: a small laptop needs the room.
        self.sidebar.setMinimumWidth(150)
        self.sidebar.setMaximumWidth(220)
        self.stack = QStackedWidget()
        for spec in PAGES:
            item = QListWidgetItem(icon(spec.icon), self.tr(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            if spec.hint:
                item.setToolTip(self.tr(spec.hint))
            item.setSizeHint(QSize(0, 36))
            self.sidebar.addItem(item)
            placeholder = QLabel()
            placeholder.setObjectName(f"placeholder-{spec.key}")
            self.stack.addWidget(placeholder)
        from app.ui.widgets.checklist import FlowChecklist

        self.checklist = FlowChecklist(ctx, self.show_page)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(self.sidebar, 1)
        side_layout.addWidget(self.checklist)
        side.setMinimumWidth(150)
        side.setMaximumWidth(220)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 1110])
        self.setCentralWidget(splitter)
        self.sidebar.currentRowChanged.connect(self.show_page_at)
        self._build_menus()
        self._install_extensions()
        # During idle time after start-up, page by page: import the page's modules one per
        # idle moment (in the order of an import plan read from the sources on a worker), then
        # build it if it is marked `ahead`, so that opening a page costs only showing it (see
        # _warm_up). None until the plan arrives.
        self._warm: list[tuple[str, str]] | None = None
        self._planner = Task(self)
        QTimer.singleShot(0, self._plan_warm_up)
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(WARM_INTERVAL_MS)
        self._warm_timer.timeout.connect(self._warm_up)
        self._warm_cpu = time.thread_time()  # the GUI thread's CPU time at the last tick
        self._warm_skipped = 0
        self._warm_timer.start()
        # The specificity check's word list takes about half a second to read: read it on a
        # worker once the event loop runs (not before the first paint, which start-up time is
        # judged by), so the Use cases page never waits for it on the GUI thread.
        self._prepare = Task(self)
        QTimer.singleShot(0, lambda: self._prepare.run(_prepare_specificity, lambda _result: None))
        self.read_only_badge = QLabel(self.tr("Read-only"))
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.setToolTip(
            self.tr("Another Diligence window has this workspace open; changes are disabled here.")
        )
        self.statusBar().addPermanentWidget(self.read_only_badge)
        self.statusBar().showMessage(self.tr("Ready"), 3000)
        # Bound methods (not lambdas) so the connections die with the window.
        ctx.status_message.connect(self._show_message)
        ctx.undo_stack.cleanChanged.connect(self._on_clean_changed)
        ctx.workspace_changed.connect(self._on_workspace_changed)
        self._update_title()
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """A first-run size from the screen's free area: all of a 1366×768 laptop's but the frame,
        about 80 % of a large screen (at least 1280×820 where that fits, at most 1600×1000)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 820)
            return
        free = screen.availableGeometry()
        # Leave room for the title bar and frame, which the window's size does not include.
        width = min(int(free.width() * 0.96), max(1280, int(free.width() * 0.8)), 1600)
        height = min(int(free.height() * 0.92), max(820, int(free.height() * 0.85)), 1000)
        self.resize(width, height)

    # ----- pages -------------------------------------------------------------------------

    def _warm_up(self) -> None:
        """One slice of idle-time work, following the plan page by page: import the page's
        next modules (for up to WARM_SLICE_S), or build the page if it is marked `ahead` (hidden:
        it reads its data when it is first shown, so whatever changes meanwhile is read then);
        stops when there is nothing left.

        A slice waits for a quiet turn: when the GUI thread spent more than WARM_BUSY_S of CPU
        on something else since the last tick (opening a workspace, a page's first show, its
        staged parts), a slice now could lengthen that stall; it runs at a later tick instead
        (after three skips at the latest). CPU time, not lateness: on a busy machine every timer
        is late."""
        cpu = time.thread_time()
        busy, self._warm_cpu = cpu - self._warm_cpu, cpu
        if self._warm is None:
            return  # the plan is still being read on a worker
        if busy > WARM_BUSY_S and self._warm_skipped < 3:
            self._warm_skipped += 1
            return
        self._warm_skipped = 0
        start, imported = time.perf_counter(), False
        while self._warm:
            kind, name = self._warm[0]
            if kind == "build":
                if imported:
                    break  # a page is built in a slice of its own
                self._warm.pop(0)
                if name not in self._pages:
                    self.page(name)
                    break
                continue
            self._warm.pop(0)
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # not installed: opening the page that needs it says so
            imported = True
            if time.perf_counter() - start > WARM_SLICE_S:
                break  # more in the next slice
        else:
            self._warm_timer.stop()
        self._warm_cpu = time.thread_time()  # the slice's own CPU is not someone else's work

    def _plan_warm_up(self) -> None:
        pages = [(spec.key, spec.module, spec.ahead) for spec in PAGES]
        loaded = set(sys.modules)

        def fallback(_exc: Exception) -> None:  # no plan: each page module in one step
            self._set_warm_steps(_warm_steps(pages, loaded, plan=False))

        self._planner.run(lambda: _warm_steps(pages, loaded), self._set_warm_steps, fallback)

    def _set_warm_steps(self, steps: list[tuple[str, str]]) -> None:
        self._warm = steps

    def page(self, key: str) -> QWidget:
        """The page for `key`, created on first use (or ahead, see PageSpec.ahead) so start-up
        stays fast."""
        if key not in self._pages:
            index = next(i for i, s in enumerate(PAGES) if s.key == key)
            spec = PAGES[index]
            module = importlib.import_module(spec.module)
            widget: QWidget = module.Page(self.ctx)
            widget.setObjectName(f"page-{key}")
            old = self.stack.widget(index)
            current = old is not None and old is self.stack.currentWidget()
            if old is not None:  # the placeholder shown until the page is first opened
                self.stack.removeWidget(old)
                old.deleteLater()
            self.stack.insertWidget(index, widget)
            if current:
                self.stack.setCurrentWidget(widget)
            self._pages[key] = widget
        return self._pages[key]

    @property
    def warming(self) -> bool:
        """True while idle-time work (page imports, pages built ahead) is still to come: it
        allocates, so anything that measures memory waits for it to end."""
        return self._warm is None or self._warm_timer.isActive()

    @property
    def built(self) -> list[str]:
        """The keys of the pages built so far (on first show, or ahead of it)."""
        return list(self._pages)

    def show_page(self, key: str) -> QWidget:
        index = next(i for i, s in enumerate(PAGES) if s.key == key)
        if self.sidebar.currentRow() != index:
            self.sidebar.setCurrentRow(index)  # calls show_page_at
        else:
            self.show_page_at(index)
        return self._pages[key]

    def show_page_at(self, index: int) -> None:
        if index < 0:
            return
        widget = self.page(PAGES[index].key)
        self.stack.setCurrentWidget(widget)
        if PAGES[index].key == "compare":
            self.checklist.mark_compared()
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    # ----- menus -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = self.ctx.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")])
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        self.view_menu = bar.addMenu(self.tr("&View"))
        for i, spec in enumerate(PAGES):
            act = QAction(icon(spec.icon), self.tr(spec.title), self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, k=spec.key: self.show_page(k))
            self.view_menu.addAction(act)
        self.tools_menu = bar.addMenu(self.tr("&Tools"))
        self.help_menu = bar.addMenu(self.tr("&Help"))

    def _install_extensions(self) -> None:
        # Imported here, not at the top: each imports this module for its type hints.
        from app.ui import (
            audit_view,
            export,
            help,
            questionnaires,
            team,
            team_role,
            workspace_actions,
        )

        for module in (workspace_actions, team, team_role, export, questionnaires, audit_view, help):
            module.install(self)
        # Extensions append to File; Quit belongs at the very bottom.
        self.file_menu.removeAction(self.quit_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

    def _update_title(self) -> None:
        ws = self.ctx.workspace
        suffix = self.tr(" (read-only)") if ws.read_only else ""
        name = ws.label if ws.kind == "server" else ws.location.name or str(ws.location)
        self.setWindowTitle(f"{name}{suffix}[*] — Diligence")
        self.setWindowFilePath("" if ws.kind == "server" else str(ws.location))
        self.read_only_badge.setVisible(ws.read_only)

    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 5000)

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def refresh_pages(self) -> None:
        """Redisplay the page on screen after the data changed wholesale. Every other page
        reads what it shows when it is next shown (show_page_at refreshes it): a hidden page
        built ahead never reads a workspace nobody looks at."""
        current = self.stack.currentWidget()
        if current in self._pages.values():
            refresh = getattr(current, "refresh", None)
            if callable(refresh):
                refresh()

    def _on_workspace_changed(self) -> None:
        self.refresh_pages()
        self._update_title()
        self.statusBar().showMessage(self.tr("Opened %s") % self.ctx.workspace.label, 5000)

    def show_read_only_notice(self) -> None:
        QMessageBox.information(
            self,
            self.tr("Workspace in use"),
            self.tr(
                "This workspace is open in another Diligence window, so it was opened read-only "
                "here. Close the other window and open it again to make changes."
            ),
        )

    # ----- state -------------------------------------------------------------------------

    def restore_state(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            QTimer.singleShot(0, theme.fit_tooltips)  # a light/dark switch: tooltips follow (not mid-change)
            # Icons read the palette when drawn: a repaint recolours them for the new scheme.
            self.sidebar.viewport().update()
            self.setWindowIcon(icon("diligence.svg", QPalette.ColorRole.Highlight))
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
