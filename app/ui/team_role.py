"""The role I am in on a team workspace, shown in the status bar beside the workspace's name.

A small label (app/ui/team.py shows which workspace; this shows who I am in it). Hidden for a
workspace folder, which has no roles. The tooltip says what the role lets me do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

from app.ui import theme

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class RoleBadge(QLabel):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("roleBadge")
        self.ctx = window.ctx
        self.ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        member = self.ctx.member
        self.setVisible(member is not None)
        if member is None:
            return
        words = {
            "lead": (self.tr("Lead"), self.tr("You manage banks, evaluations, vendors and engagements, and grant roles.")),
            "evaluator": (self.tr("Evaluator"), self.tr(
                "You enter and submit your own answers; the rest you can read. Until you submit, nobody "
                "else can read your answers, not even with the server's own tools.")),
            "viewer": (self.tr("Viewer"), self.tr("You read results, reports and oversight; you change nothing.")),
        }
        role, what = words[member.role]
        self.setText(self.tr("%1 · %2").replace("%1", member.person).replace("%2", role))
        self.setToolTip(self.tr("Signed in to the team server as %1. %2").replace("%1", member.login).replace("%2", what))
        bg, fg = theme.chip_colors("info")
        self.setStyleSheet(f"QLabel#roleBadge {{ background: {theme.css(bg)}; color: {theme.css(fg)}; "
                           "border-radius: 8px; padding: 0px 8px; }")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.refresh()  # colours follow a light/dark switch
        super().changeEvent(event)


def install(window: MainWindow) -> None:
    window.role_badge = RoleBadge(window)
    window.statusBar().addPermanentWidget(window.role_badge)
