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
        list.extend(self, self._answers_at(np.arange(len(self.pair_code))))

    def _answers_at(self, rows: IntArray) -> list[Answer]:
        vs, es, ps = self.vendors, self.evaluators, self.pairs
        return [
            Answer(vs[v], es[e], ps[p][0], ps[p][1], n)
            for v, e, p, n in zip(self.vendor_code[rows].tolist(), self.evaluator_code[rows].tolist(),
                                  self.pair_code[rows].tolist(), self.notes[rows].tolist(), strict=True)
        ]

    def of_vendor(self, vendor: str) -> list[Answer]:
        """The answers of `vendor`, in order: only its own objects are made."""
        if self._built:
            return [a for a in list.__iter__(self) if a.vendor == vendor]
        return self._answers_at(np.flatnonzero(self.vendor_code == _code(self.vendors, vendor)))

    def with_answer(self, vendor: str, evaluator: str, question: str, answer: Answer | None) -> list[Answer]:
        """These answers with the one of (vendor, evaluator, question) replaced by `answer` where
        it stands, added at the end when there was none, or left out (`answer` None): new
        columns, these untouched (a few array operations, no object per answer)."""
        if self._built:
            return with_answer(list(list.__iter__(self)), vendor, evaluator, question, answer)
        vendors, evaluators, pairs = list(self.vendors), list(self.evaluators), list(self.pairs)
        at_question = np.array([q == question for q, _ in pairs], dtype=bool)
        hit = ((self.vendor_code == _code(vendors, vendor)) & (self.evaluator_code == _code(evaluators, evaluator))
               & at_question[self.pair_code])
        rows = np.flatnonzero(hit)
        if answer is None:
            return self.where(~hit)
        if (answer.question, answer.value) not in pairs:
            pairs.append((answer.question, answer.value))
        pair = pairs.index((answer.question, answer.value))
        vendor_code, evaluator_code = self.vendor_code.copy(), self.evaluator_code.copy()
        pair_code, notes = self.pair_code.copy(), self.notes.copy()
        if len(rows):
            pair_code[rows[0]], notes[rows[0]] = pair, answer.note
            keep = np.ones(len(pair_code), dtype=bool)
            keep[rows[1:]] = False  # (a key is stored once; any second row goes, as in a dict)
            vendor_code, evaluator_code, pair_code, notes = (
                vendor_code[keep], evaluator_code[keep], pair_code[keep], notes[keep])
        else:
            if answer.vendor not in vendors:
                vendors.append(answer.vendor)
            if answer.evaluator not in evaluators:
                evaluators.append(answer.evaluator)
            vendor_code = np.append(vendor_code, vendors.index(answer.vendor))
            evaluator_code = np.append(evaluator_code, evaluators.index(answer.evaluator))
            pair_code = np.append(pair_code, pair)
            notes = np.append(notes, np.array([answer.note], dtype=object))
        return AnswerColumns(vendors, evaluators, pairs, vendor_code, evaluator_code, pair_code, notes)


def _code(names: list[str], name: str) -> int:
    """The code of `name` among `names` (unique), -1 when absent (no row has it)."""
    return names.index(name) if name in names else -1


def answers_of_vendor(answers: Sequence[Answer], vendor: str) -> list[Answer]:
    """`vendor`'s answers in order (from columns, only that vendor's objects are made)."""
    if isinstance(answers, AnswerColumns):
        return answers.of_vendor(vendor)
    return [a for a in answers if a.vendor == vendor]


def with_answer(answers: list[Answer], vendor: str, evaluator: str, question: str,
                answer: Answer | None) -> list[Answer]:
    """`answers` with the one of (vendor, evaluator, question) replaced by `answer` where it
    stands, added at the end when there was none, or left out (`answer` None); a new list.
    A key is kept once, at its first place, as a dictionary keyed by it would."""
    if isinstance(answers, AnswerColumns):
        return answers.with_answer(vendor, evaluator, question, answer)
    key = (vendor, evaluator, question)
    kept: dict[tuple[str, str, str], Answer] = {(a.vendor, a.evaluator, a.question): a for a in answers}
    if answer is None:
        kept.pop(key, None)
    else:
        kept[key] = answer
    return list(kept.values())


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
