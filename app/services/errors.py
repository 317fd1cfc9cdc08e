"""Errors a service raises for a person to read: bad input (exit 2) versus not found."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a person or a file. `where` names file, sheet, row, column or a JSON path."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


class NotFound(InputError):
    pass


class EditConflict(InputError):
    """A save refused because what it edited was saved by someone else since it was read.

    Nothing was written. `fields` lists each clash as (field in plain words, the value saved
    meanwhile, the value this save wanted), already worded for a person; `theirs` is what is
    saved now and `merged` what this save would write if its values win: the other side's
    changes to fields this save did not edit, with this save's value where both edited. A page
    reloads `theirs`, or saves `merged` over `theirs` only when the person chooses to.
    """

    def __init__(self, subject: str, fields: list[tuple[str, str, str]], theirs: object = None,
                 merged: object = None) -> None:
        self.subject = subject
        self.fields = fields
        self.theirs = theirs
        self.merged = merged
        parts = [f"{label}: saved meanwhile {t}, yours {m}" for label, t, m in fields]
        detail = f" ({'; '.join(parts)})" if parts else ""
        super().__init__(
            f"{subject} was changed elsewhere while you edited it{detail}. Nothing was saved; "
            "reload to see the saved values, then enter yours again if they should win.")
