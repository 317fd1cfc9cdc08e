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
            if not f.compare:  # a form derived from other fields (a parsed rule): the caller rebuilds it
                continue
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


def merge_keyed(base: tuple[T, ...], mine: tuple[T, ...], theirs: tuple[T, ...], key: Any,
                path: str = "") -> tuple[tuple[T, ...], list[Conflict]]:
    """Three-way merge of a list of items that each carry a key (a bank's questions by id).

    An item is merged field by field with `merge`; one added, removed or edited on one side only
    is taken from that side. Removed on one side and edited on the other is a conflict (with the
    missing side shown as None). Order follows `mine`, with items only `theirs` added after
    the item they follow there.
    """
    b = {key(i): i for i in base}
    m = {key(i): i for i in mine}
    t = {key(i): i for i in theirs}
    merged: dict[Any, T] = {}
    conflicts: list[Conflict] = []
    for k in [*m, *(k for k in t if k not in m), *(k for k in b if k not in m and k not in t)]:
        where = f"{path}[{k}]"
        bi, mi, ti = b.get(k), m.get(k), t.get(k)
        if mi == bi:
            result = ti
        elif ti == bi or ti == mi:
            result = mi
        elif mi is None or ti is None or bi is None:
            conflicts.append(Conflict(where, ti, mi))
            result = mi
        else:
            result, found = merge(bi, mi, ti, where)
            conflicts.extend(found)
        if result is not None:
            merged[k] = result
    # Items only the other side added go after the item they follow on that side.
    order = [k for k in m if k in merged]
    for i, k in enumerate(t):
        if k in merged and k not in order:
            before = next((p for p in reversed(list(t)[:i]) if p in order), None)
            order.insert(order.index(before) + 1 if before is not None else 0, k)
    return tuple(merged[k] for k in order), conflicts
