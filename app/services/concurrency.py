"""Optimistic concurrency: two people (or two windows) editing the same thing.

A save carries what it read (`base`: the profile, draft or metric as the editor loaded it). In
its transaction the service reads what is saved now (`theirs`) and merges field by field
(app/domain/merge.py): a field only this save changed is written, a field only the other side
changed is kept, a field both changed to different values refuses the whole save with an
EditConflict showing both values. The row's version column (repo.claim) closes the gap between
that read and the write: a save overtaken there is run again on a fresh read, once or twice,
and only then refused. Nothing is ever overwritten unseen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import ParamSpec, TypeVar

from app.domain.merge import Conflict
from app.services.errors import EditConflict

P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 3  # a save overtaken between its read and its write is retried on a fresh read


def show(value: object) -> str:
    """A value as a conflict message quotes it: short, on one line, "(empty)" for nothing."""
    if value is None or value == "" or value == [] or value == ():
        return "(empty)"
    if isinstance(value, (list, tuple)):
        text = ", ".join(map(str, value))
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:,.10g}"
    else:
        text = str(getattr(value, "value", value))  # an enum by its value
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:59] + "…")


def conflict(subject: str, conflicts: list[Conflict], words: Mapping[str, str] | None = None,
             theirs: object = None, merged: object = None) -> EditConflict:
    """The refusal for `conflicts`, each field named in plain words (`words` by dotted path)."""
    words = words or {}

    def label(path: str) -> str:
        if path in words:
            return words[path]
        # "questions[Q3].weight" -> "question Q3, weight"
        head, _, rest = path.partition("[")
        if rest:
            key, _, field = rest.partition("]")
            field = field.lstrip(".")
            item = words.get(head, head.rstrip("s"))
            return f"{item} {key}, {words.get(field, field.replace('_', ' '))}" if field else f"{item} {key}"
        return path.rsplit(".", 1)[-1].replace("_", " ") if "." in path else path.replace("_", " ")

    return EditConflict(subject, [(label(c.path), show(c.theirs), show(c.mine)) for c in conflicts], theirs, merged)


def retry_overtaken(subject: Callable[..., str]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a one-transaction save again when another save overtook it between read and write.

    `subject(*args, **kwargs)` names the thing for the refusal after the last attempt.
    """

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            # Here, not at the top: a module that decorates its saves is imported by commands
            # that only read, which never load the ORM (app/services/engagements.py).
            from app.store.repo import Overtaken

            for _ in range(ATTEMPTS - 1):
                try:
                    return fn(*args, **kwargs)
                except Overtaken:
                    continue
            try:
                return fn(*args, **kwargs)
            except Overtaken:
                raise EditConflict(subject(*args, **kwargs), []) from None

        return run

    return wrap
