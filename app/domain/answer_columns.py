"""An evaluation's answers held as columns, made into `Answer` objects only when read as a list.

Opening an evaluation of 100 vendors × 500 questions × 8 evaluators reads 400,000 answers; one
object each was most of the time it took (docs/performance.md). The store hands the answers over
as columns (small integer codes per row, and each distinct question/value pair once); scoring
(`ScoreBoard.load_columns`), the blind rule (`visible_to`) and progress counts work on the
columns. Code that reads `snapshot.answers` as a list still gets every `Answer`, in the same
order: they are built on first use, and from then on this is an ordinary list (the columns are
no longer consulted, so later edits of the list are what counts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from app.domain.models import Answer

IntArray = npt.NDArray[np.intp]


class AnswerColumns(list[Answer]):
    """Answers as columns: row i is (vendors[vendor_code[i]], evaluators[evaluator_code[i]],
    pairs[pair_code[i]] = (question, value), notes[i])."""

    def __init__(
        self,
        vendors: Sequence[str],
        evaluators: Sequence[str],
        pairs: Sequence[tuple[str, str]],
        vendor_code: IntArray,
        evaluator_code: IntArray,
        pair_code: IntArray,
        notes: Sequence[str] | npt.NDArray[np.object_],
    ) -> None:
        super().__init__()
        self.vendors = list(vendors)
        self.evaluators = list(evaluators)
        self.pairs = list(pairs)
        self.vendor_code = np.asarray(vendor_code, dtype=np.intp)
        self.evaluator_code = np.asarray(evaluator_code, dtype=np.intp)
        self.pair_code = np.asarray(pair_code, dtype=np.intp)
        self.notes = np.asarray(notes, dtype=object)
        self._built = False

    @property
    def columnar(self) -> bool:
        """True while no one has read the answers as objects (the columns are still the truth)."""
        return not self._built

    def rows(self) -> int:
        return len(self.pair_code) if not self._built else list.__len__(self)

    def where(self, keep: npt.NDArray[np.bool_]) -> AnswerColumns:
        """The rows where `keep` is true, in order (still columns)."""
        rows = np.flatnonzero(keep)
        return AnswerColumns(self.vendors, self.evaluators, self.pairs, self.vendor_code[rows],
                             self.evaluator_code[rows], self.pair_code[rows], self.notes[rows])

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        vs, es, ps = self.vendors, self.evaluators, self.pairs
        list.extend(self, (
            Answer(vs[v], es[e], ps[p][0], ps[p][1], n)
            for v, e, p, n in zip(self.vendor_code.tolist(), self.evaluator_code.tolist(),
                                  self.pair_code.tolist(), self.notes.tolist(), strict=True)
        ))


def _building(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def wrapper(self: AnswerColumns, *args: Any, **kwargs: Any) -> Any:
        self._build()
        for other in args:  # list's own code reads another list's items directly
            if isinstance(other, AnswerColumns):
                other._build()
        return method(self, *args, **kwargs)

    wrapper.__name__ = name
    return wrapper


# Every way of reading or changing the list builds the objects first.
for _name in (
    "__iter__", "__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__", "__reversed__",
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__iadd__", "__mul__", "__imul__",
    "__rmul__", "__repr__", "append", "extend", "insert", "remove", "pop", "clear", "index", "count", "sort",
    "reverse", "copy",
):
    setattr(AnswerColumns, _name, _building(_name))


def _reduce(self: AnswerColumns) -> tuple[type, tuple[list[Answer]]]:
    self._build()
    return (list, (list(list.__iter__(self)),))


AnswerColumns.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
