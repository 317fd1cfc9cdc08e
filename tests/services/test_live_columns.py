"""The Evaluate page's in-memory evaluation (`LiveEvaluation`) keeps the answers as columns:
opening it, showing a vendor and editing answers make only that vendor's answer objects, and
everything it shows equals what the same evaluation held as one object per answer shows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.answer_columns import AnswerColumns
from app.domain.bank import QuestionType
from app.domain.models import Answer
from app.services import evaluations
from app.services.live import LiveEvaluation
from app.store.workspace import Workspace
from tests.conftest import DEMO_EVALUATION
from tests.store.test_answer_columns import _generated


def _shown(live: LiveEvaluation, vendor: str) -> tuple[object, ...]:
    people = [e.name for e in live.snapshot.evaluators]
    return (
        {e: live.answers_of(vendor, e) for e in people},
        {e: live.other_answers(vendor, e) for e in people},
        live.progress,
        [(v.vendor, v.rank, v.total, v.gaps, v.question_scores) for v in live.results.ranking],
        {v: [(f.key, f.message) for f in fs] for v, fs in live.results.flags.items()},
        live.results.scoring,
    )


@pytest.mark.parametrize("as_evaluator", [None, 1])
def test_open_show_and_edit_on_columns_as_with_one_object_per_answer(demo: Workspace,
                                                                        as_evaluator: int | None) -> None:
    _generated(demo)
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    people = [e.name for e in evaluations.load_snapshot(demo, eid).evaluators]
    who = None if as_evaluator is None else people[as_evaluator]
    live = LiveEvaluation.load(demo, eid, who)
    snapshot = evaluations.load_snapshot(demo, eid)
    per_answer = LiveEvaluation(eid, replace(snapshot, answers=list(snapshot.answers)), live.evaluator)
    assert isinstance(live.snapshot.answers, AnswerColumns) and live.snapshot.answers.columnar
    assert not isinstance(per_answer.snapshot.answers, AnswerColumns)

    vendors = [v.name for v in live.snapshot.vendors]
    for vendor in vendors:
        assert _shown(live, vendor) == _shown(per_answer, vendor)
    scale = next(q for q in live.snapshot.bank.questions if q.type is QuestionType.SCALE)
    text = next(q for q in live.snapshot.bank.questions if q.type is QuestionType.TEXT)
    answered = next(a for a in live.snapshot.answers.of_vendor(vendors[1]) if a.evaluator == people[0])
    edits = [
        (vendors[0], people[0], scale.id, "1", "changed my mind"),  # replaces, or adds
        (vendors[0], people[1], text.id, "Timeline tbd.", None),  # a text flag
        (answered.vendor, answered.evaluator, answered.question, "", ""),  # removes it
        (vendors[2], people[0], scale.id, "5", None),
        (vendors[0], people[0], scale.id, "2", None),  # the same cell again: keeps its place
    ]
    for vendor, evaluator, qid, value, note in edits:
        live.apply_answer(vendor, evaluator, qid, value, note)
        per_answer.apply_answer(vendor, evaluator, qid, value, note)
        assert live.snapshot.answers.columnar, "an edit must not make an object per answer"
        assert _shown(live, vendor) == _shown(per_answer, vendor)
    assert live.answer(answered.vendor, answered.evaluator, answered.question) is None
    assert live.answer(vendors[0], people[0], scale.id) == per_answer.answer(vendors[0], people[0], scale.id)
    # The whole list, when something does read it, is the same list in the same order.
    assert list(live.snapshot.answers) == per_answer.snapshot.answers


def test_with_answer_replaces_in_place_adds_at_the_end_and_removes(demo: Workspace) -> None:
    snapshot = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    columns = snapshot.answers
    assert isinstance(columns, AnswerColumns)
    as_list = list(evaluations.load_snapshot(demo, DEMO_EVALUATION).answers)
    first, last = as_list[0], as_list[-1]
    new = Answer(first.vendor, first.evaluator, first.question, "n/a", "a new note")
    replaced = columns.with_answer(first.vendor, first.evaluator, first.question, new)
    assert list(replaced) == [new, *as_list[1:]]
    added = Answer(last.vendor, "Someone new", last.question, "yes")
    assert list(columns.with_answer(added.vendor, added.evaluator, added.question, added)) == [*as_list, added]
    assert list(columns.with_answer(last.vendor, last.evaluator, last.question, None)) == as_list[:-1]
    assert columns.columnar and list(columns) == as_list  # the original is untouched
