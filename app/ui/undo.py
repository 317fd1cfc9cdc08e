"""Undo commands whose redo and undo each call a service, so every edit is saved and reversible.

Use `push()` (or `set_value()`, or `try_push()` for the refusal message) from any page:

    push(ctx, self.tr("Rename use case"),
         apply=lambda: usecases.update(ws, uid, new),
         revert=lambda: usecases.update(ws, uid, old),
         changes=Changes(use_cases=True).by(self), on_done=self.reload)

Each call of `apply`/`revert` is one service call, hence one transaction. When any `apply`
or `revert` fails, for whatever reason (a refused value, a busy or read-only workspace, a full
disk), nothing was saved: the command is dropped from the stack (no phantom undo step), the
message goes to the status bar, and `push` returns False.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from app.domain.errors import DomainError
from app.services.changes import Changes
from app.services.errors import EditConflict, InputError
from app.store.server import ServerUnavailable
from app.store.workspace import WorkspaceError
from app.ui.context import AppContext

T = TypeVar("T")
# Qt merges consecutive commands that share an id(); the key then decides (same field only).
MERGE_ID = 0x4449


def failure_message(ctx: AppContext, exc: Exception, *, undoing: bool) -> str:
    """What a person reads when a save fails: the service's own words, never SQL or a traceback."""
    if isinstance(exc, ServerUnavailable):
        ctx.server_unreachable.emit()  # the banner; the edit is dropped like any failed save
    if isinstance(exc, (InputError, DomainError, WorkspaceError)):
        return str(exc)
    if isinstance(exc, OSError):
        return ctx.tr("The change was not saved (%1).").replace("%1", exc.strerror or str(exc))
    traceback.print_exception(exc)  # for a bug report; the person gets a sentence
    return ctx.tr("The change was not saved because of an unexpected error (%1); nothing else was changed.").replace(
        "%1", type(exc).__name__)


class ServiceCommand(QUndoCommand):
    """redo() calls `apply`, undo() calls `revert`; both then announce `changes` (what they touch).

    When `apply` or `revert` returns a `Changes` (EvaluationSession's methods do), that is what is
    announced, with what was saved, merged with `changes` and made by its origin.

    `merge_key`: consecutive commands with the same key merge into one undo step (typing
    into one field), keeping the first command's `revert` and the latest `apply`.
    `on_done(undone)` runs after every apply/revert so a page can redisplay.
    """

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        apply: Callable[[], Any],
        revert: Callable[[], Any],
        *,
        changes: Changes | None = None,
        merge_key: Hashable | None = None,
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.apply = apply
        self.revert = revert
        self.changes = changes
        self.merge_key = merge_key
        self.on_done = on_done
        self.error: str | None = None
        self.exception: Exception | None = None  # what the last apply/revert raised
        self._first = True

    def redo(self) -> None:
        first, self._first = self._first, False
        try:
            result = self.apply()
        except Exception as exc:  # noqa: BLE001 - every failure reaches the person, none the event loop
            self.exception = exc
            # Nothing was saved (one transaction per call), so the step leaves the stack:
            # Qt deletes a command made obsolete during redo/undo.
            self.error = failure_message(self.ctx, exc, undoing=False)
            self.setObsolete(True)
            self.ctx.say(self.error if first else self.ctx.tr("Redo failed: %1").replace("%1", self.error))
            return
        self._announce(result, undone=False)

    def undo(self) -> None:
        try:
            result = self.revert()
        except Exception as exc:  # noqa: BLE001 - as in redo
            self.exception = exc
            self.error = failure_message(self.ctx, exc, undoing=True)
            self.setObsolete(True)
            self.ctx.say(self.ctx.tr("Undo failed: %1").replace("%1", self.error))
            return
        self._announce(result, undone=True)

    def _announce(self, result: object, undone: bool) -> None:
        changes = self.changes
        if isinstance(result, Changes):
            changes = result if changes is None else (result | changes).by(changes.origin)
        if changes is not None:
            self.ctx.announce(changes)
        if self.on_done is not None:
            self.on_done(undone)

    def id(self) -> int:  # noqa: A003 - Qt override
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, ServiceCommand) or other.merge_key is None:
            return False
        if other.merge_key != self.merge_key or other.error is not None:
            return False
        self.apply = other.apply
        self.on_done = other.on_done
        self.setText(other.text())
        return True


def push(
    ctx: AppContext,
    text: str,
    apply: Callable[[], Any],
    revert: Callable[[], Any],
    *,
    changes: Changes | None = None,
    merge_key: Hashable | None = None,
    on_done: Callable[[bool], None] | None = None,
) -> bool:
    """Apply an edit through the undo stack; False (with a status message) when refused."""
    return (
        try_push(ctx, text, apply, revert, changes=changes, merge_key=merge_key, on_done=on_done)
        is None
    )


def try_push(
    ctx: AppContext,
    text: str,
    apply: Callable[[], Any],
    revert: Callable[[], Any],
    *,
    changes: Changes | None = None,
    merge_key: Hashable | None = None,
    on_done: Callable[[bool], None] | None = None,
) -> str | None:
    """As `push`, but the refusal message (for a dialog or form to show) instead of False; None when saved."""
    if ctx.read_only:
        message = ctx.tr("This workspace is open read-only; the change was not saved.")
        ctx.say(message)
        return message
    command = ServiceCommand(
        ctx, text, apply, revert, changes=changes, merge_key=merge_key, on_done=on_done
    )
    ctx.undo_stack.push(command)
    return command.error


def push_edit(
    ctx: AppContext,
    parent: QWidget | None,
    text: str,
    save: Callable[[T, T], Any],
    mine: T,
    base: T,
    *,
    changes: Changes | None = None,
    on_done: Callable[[bool], None] | None = None,
) -> str | None:
    """Save an edit of something two people may edit at once; the refusal message, or None.

    `save(value, base)` writes the fields of `value` that differ from `base` (what the editor
    loaded) over what is saved now (app/services/concurrency.py); undo is `save(base, mine)`.
    When someone else saved a clashing value meanwhile the person chooses in a ConflictDialog:
    reload (nothing of theirs is written; the message is returned so the page shows the saved
    values) or save theirs over: the merged value, written over what is saved now.
    """
    if ctx.read_only:
        return try_push(ctx, text, lambda: None, lambda: None)
    command = ServiceCommand(
        ctx, text, lambda: save(mine, base), lambda: save(base, mine), changes=changes, on_done=on_done
    )
    ctx.undo_stack.push(command)
    conflict = command.exception
    if not isinstance(conflict, EditConflict) or conflict.merged is None:
        return command.error
    from app.ui.widgets.conflict_dialog import ConflictDialog

    if ConflictDialog(conflict, parent).exec() != ConflictDialog.OVERWRITE:
        return command.error
    merged, theirs = cast(T, conflict.merged), cast(T, conflict.theirs)
    return push_edit(ctx, parent, text, save, merged, theirs, changes=changes, on_done=on_done)


def set_value(
    ctx: AppContext,
    text: str,
    get: Callable[[], Any],
    put: Callable[[Any], Any],
    value: Any,
    *,
    changes: Changes | None = None,
    merge_key: Hashable | None = None,
    on_done: Callable[[bool], None] | None = None,
) -> bool:
    """The common case: remember `get()`, then `put(value)`; undo puts the old value back."""
    before = get()
    if before == value:
        return True
    return push(
        ctx,
        text,
        lambda: put(value),
        lambda: put(before),
        changes=changes,
        merge_key=merge_key,
        on_done=on_done,
    )
