"""Help menu: a short guide to the three steps, help for the current page (F1), keyboard
shortcuts, and About (version, workspace, question-bank hashes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


GUIDE = (
    "Diligence follows three steps.",
    "1 · Audit. Describe your organization (industry, stage, systems, regulations) and write each use "
    "case as something specific: which decision, for whom, with what data, measured how. A slogan is "
    "not a use case.",
    "2 · Evaluate. Create an evaluation on a question bank, add the candidate partners, send each a "
    "questionnaire or score them yourself. Every evaluator scores blind and submits; red flags appear "
    "as you go. Compare the ranking, how robust it is, and why the leader wins; export the PDF for "
    "the decision makers; select the partner.",
    "3 · Oversee. The selected partner's metrics are locked at kickoff. Each month, a thirty-minute "
    "review records the actual values, blockers and decisions; off-track metrics without a recovery "
    "plan raise a red flag.",
)

# What each page is for and how to use it, shown by F1 on that page.
PAGE_HELP: dict[str, str] = {
    "organization": "Organization: your industry, stage, systems, infrastructure and regulations. The red-flag "
    "checks compare every vendor's references, timeline and assumptions with this profile, so fill it "
    "in first.",
    "usecases": "Use cases: write what the AI will decide or do, for whom, with which data, and the success "
    "metrics with a baseline and a target. The check beside the title says whether it is specific "
    "enough to evaluate vendors against.",
    "evaluations": "Evaluate: pick or create an evaluation, add vendors and their profiles, then answer the "
    "questions (type the answer; Tab moves on). Submit your scoring when done: until then you see only "
    "your own answers. Red flags lists what the checks found; acknowledge one with a written reason.",
    "compare": "Compare: the ranking, each section's scores, how far the weights can move before the winner "
    "changes, and why the leader beats the runner-up. Try other weights without saving them, export "
    "the PDF, and select the partner.",
    "oversee": "Oversee: the selected partner's engagement. Record each month's review (actual values, "
    "blockers, decisions needed, recovery plan); the dashboard shows each metric against its straight "
    "line from baseline to target, and the promise against delivery.",
    "banks": "Question banks: sections, questions, weights, scoring and red-flag rules. Double-click a cell "
    "to edit it; changes collect in a draft until you save a new version. Evaluations keep the "
    "version they were scored with.",
}


class _TextDialog(QDialog):
    def __init__(self, title: str, paragraphs: list[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("help-dialog")
        self.setMinimumWidth(480)
        import html  # here, not at start-up

        layout = QVBoxLayout(self)
        self.text = QLabel("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))
        self.text.setObjectName("helpText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _shortcuts(window: MainWindow) -> list[tuple[str, str]]:
    """Every menu action with a shortcut, as (keys, what it does), in menu order."""
    out: list[tuple[str, str]] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub)
            elif not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                out.append((keys, action.text().replace("&", "").rstrip("…")))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu)
    out += [
        (tr("Tab / Shift+Tab"), tr("Next / previous field or answer")),
        (tr("Enter"), tr("Confirm the answer and go to the next question")),
        (tr("Esc"), tr("Cancel the edit or close the dialog")),
    ]
    return out


class ShortcutsDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.setObjectName("shortcuts-dialog")
        rows = _shortcuts(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([tr("Keys"), tr("Does")])
        self.table.setAccessibleName(tr("Keyboard shortcuts"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (keys, what) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, min(560, 80 + 30 * len(rows)))


def about_text(window: MainWindow) -> list[str]:
    from app.services import banks

    ws = window.ctx.workspace
    lines = [
        tr("Diligence %1 — choose an AI implementation partner and hold them to results.").replace("%1", __version__),
        tr("Workspace: %1").replace("%1", str(ws.location)),
    ]
    for b in banks.list_banks(ws):
        lines.append(
            tr("Question bank “%1”, version %2: content hash %3")
            .replace("%1", b.name)
            .replace("%2", str(b.version))
            .replace("%3", b.hash[:12])
        )
    return lines


def current_page_key(window: MainWindow) -> str:
    from app.ui.main_window import PAGES

    row = window.sidebar.currentRow()
    return PAGES[row].key if 0 <= row < len(PAGES) else PAGES[0].key


def show_page_help(window: MainWindow) -> QDialog:
    from app.ui.main_window import PAGES

    key = current_page_key(window)
    title = next(tr(s.title) for s in PAGES if s.key == key)
    dialog = _TextDialog(tr("Help — %1").replace("%1", title), [tr(PAGE_HELP[key])], window)
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """Help ▸ Guide to the three steps, Help on this page (F1), Keyboard shortcuts, About Diligence."""
    menu = window.help_menu

    def guide() -> None:
        window.help_dialog = _TextDialog(tr("The three steps"), [tr(p) for p in GUIDE], window)
        window.help_dialog.open()

    def page_help() -> None:
        window.help_dialog = show_page_help(window)

    def shortcuts() -> None:
        window.help_dialog = ShortcutsDialog(window)
        window.help_dialog.open()

    def about() -> None:
        window.help_dialog = _TextDialog(tr("About Diligence"), about_text(window), window)
        window.help_dialog.open()

    entries = (
        ("action-help-page", tr("&Help on this page"), QKeySequence(QKeySequence.StandardKey.HelpContents), page_help),
        ("action-help-guide", tr("The three &steps"), QKeySequence(), guide),
        ("action-help-shortcuts", tr("&Keyboard shortcuts"), QKeySequence("Ctrl+/"), shortcuts),
        ("action-help-about", tr("&About Diligence"), QKeySequence(), about),
    )
    for name, text, keys, slot in entries:
        action = QAction(text, window)
        action.setObjectName(name)
        if not keys.isEmpty():
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
