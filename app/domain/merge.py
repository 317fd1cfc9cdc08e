"""Three-way merge of a profile: keep what others saved meanwhile, write only what was edited.

`base` is the profile as the editor loaded it, `mine` the editor's version, `theirs` what is
saved now. A field the editor did not change keeps the saved value exactly (no rounding or
clamping by a widget, no stale copy written back); a field changed on both sides to different
values is a conflict, reported with both values so that nothing is overwritten unseen.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Conflict:
    path: str  # dotted field path, e.g. "pricing.amount"
    theirs: Any  # saved meanwhile by someone else
    mine: Any  # what the editor wanted to save


def merge(base: T, mine: T, theirs: T, path: str = "") -> tuple[T, list[Conflict]]:
    """The merged value (with `mine` where both changed) and the conflicts found."""
    if dataclasses.is_dataclass(base) and not isinstance(base, type):
        values: dict[str, Any] = {}
        conflicts: list[Conflict] = []
        for f in dataclasses.fields(base):
            merged, found = merge(getattr(base, f.name), getattr(mine, f.name), getattr(theirs, f.name),
                                  f"{path}.{f.name}" if path else f.name)
            values[f.name] = merged
            conflicts.extend(found)
        return dataclasses.replace(base, **values), conflicts
    if mine == base:
        return theirs, []
    if theirs == base or theirs == mine:
        return mine, []
    return mine, [Conflict(path, theirs, mine)]
