"""What every page shares: the open workspace, the undo stack, and change notifications.

`changes` is the thin Qt adapter of `app.services.changes.Changes`: whatever saves something
announces what it changed, and each page redraws only what it shows of that.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from app.services import team
from app.services.changes import Changes
from app.store.workspace import Workspace
from app.ui.widgets.qt import setting_list

UNDO_LIMIT = 300  # undo steps kept; older ones are dropped (docs/design-decisions.md)
# The evaluation last worked on in each workspace, as "location#id" entries (the newest last).
LAST_EVALUATION_KEY = "evaluation/last"


class AppContext(QObject):
    """Pages talk to services through the workspace and announce changes through these signals."""

    workspace_changed = Signal()  # a different workspace was opened
    changes = Signal(object)  # a Changes: something was saved, and what
    status_message = Signal(str)  # a short message for the status bar
    evaluation_selected = Signal(int)  # the evaluation the user is working on
    server_unreachable = Signal()  # a save found the team server gone (app/ui/team.py shows a banner)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.undo_stack = QUndoStack(self)
        # Every edit is saved when made; undo keeps the latest UNDO_LIMIT of them, so a day of
        # typing answers does not hold every step (and what each captured) until the app quits.
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.current_evaluation: int | None = None
        self.current_evaluator: str | None = None

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def member(self) -> team.Member | None:
        """On a team workspace, who I am there: login, person and role (the server enforces the
        role; pages only reflect it). None for a workspace folder, whose one user may do anything."""
        if getattr(self, "_member_of", None) is not self.workspace:
            try:
                self._member = team.me(self.workspace)
            except Exception:  # noqa: BLE001 - unreachable server: the server still refuses what is not allowed
                self._member = None
            self._member_of = self.workspace
        return self._member

    def may(self, action: str) -> bool:
        """Whether my role allows `action` (team.MANAGE, team.ANSWER, team.READ)."""
        return team.may(self.member, action)

    def can(self, action: str) -> bool:
        """Whether this window may do `action` now: the workspace is writable here and my role allows it.
        Every control that changes something asks this (and shows `why_not` as its tooltip)."""
        return not self.read_only and self.may(action)

    def why_not(self, action: str) -> str:
        """Why this window may not do `action`, in plain words for a tooltip ("" when it may)."""
        if self.read_only:
            return self.tr("This workspace is open read-only.")
        member = self.member
        if member is None or team.may(member, action):
            return ""
        role = {"lead": self.tr("a lead"), "evaluator": self.tr("an evaluator"), "viewer": self.tr("a viewer")}
        if action == team.ANSWER:
            text = self.tr("You are %1 on this team workspace: viewers read results, reports and oversight; "
                           "only evaluators and leads enter answers.")
        else:
            text = self.tr("You are %1 on this team workspace: only a lead can change this.")
        return text.replace("%1", role[member.role])

    def set_workspace(self, workspace: Workspace) -> None:
        from app.ui.evidence import leftovers

        old = self.workspace
        self.workspace = workspace
        self.current_evaluation = None
        self.undo_stack.clear()
        leftovers.clean_up(old)  # its undo history is gone: so are the files it kept for undo
        old.close()
        leftovers.clean_up(workspace)  # nothing can be undone in it yet
        self.workspace_changed.emit()

    def select_evaluation(self, evaluation_id: int) -> None:
        self.current_evaluation = evaluation_id
        prefix = f"{self.workspace.location}#"
        others = [e for e in setting_list(LAST_EVALUATION_KEY) if not e.startswith(prefix)]
        QSettings().setValue(LAST_EVALUATION_KEY, [*others, f"{prefix}{evaluation_id}"][-50:])
        self.evaluation_selected.emit(evaluation_id)

    def working_evaluation(self) -> int | None:
        """The current evaluation. When none is chosen yet (the workspace was just opened, or the
        current one was deleted), it becomes the one last used in this workspace, else the newest;
        None when there is none. The checklist asks at start-up; the evaluation pickers follow."""
        if self.current_evaluation is None:
            from app.services import progress

            prefix = f"{self.workspace.location}#"
            last = [e[len(prefix):] for e in setting_list(LAST_EVALUATION_KEY) if e.startswith(prefix)]
            remembered = int(last[-1]) if last and last[-1].isdigit() else None
            self.current_evaluation = progress.working_evaluation(self.workspace, remembered)
        return self.current_evaluation

    def announce(self, changes: Changes) -> None:
        self.changes.emit(changes)

    def say(self, message: str) -> None:
        self.status_message.emit(message)
