"""Opening an evaluation loads its answers as columns; the scores equal the per-answer path's."""

from __future__ import annotations

import random
import sqlite3

import pytest

from app.domain.answer_columns import AnswerColumns
from app.domain.bank import QuestionType
from app.domain.evaluation import SELF_ASSESSMENT, TEAM, EvaluationSnapshot, Results, evaluate
from app.services import evaluations, knowledge
from app.store.reader import reading
from app.store.workspace import Workspace
from bench.generate import answer_values
from tests.conftest import DEMO_EVALUATION


def _generated(ws: Workspace) -> None:
    """The demo evaluation with many more answers: n/a, notes, cleared (unanswered) cells, a
    vendor's self-assessment, one evaluator submitted and the others still scoring."""
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    rnd = random.Random(20)
    people = [e.name for e in snap.evaluators]
    for vendor in snap.vendors:
        for question in rnd.sample(list(snap.bank.questions), 12):
            for evaluator in rnd.sample(people, min(2, len(people))):
                value = "n/a" if question.allow_na and rnd.random() < 0.3 else rnd.choice(answer_values(question))
                note = rnd.choice([None, "", "Asked twice; vague answer."])
                evaluations.record_answer(ws, DEMO_EVALUATION, vendor.name, evaluator, question.id, value, note)
    text = next(q for q in snap.bank.questions if q.type is QuestionType.TEXT)
    if SELF_ASSESSMENT in people:
        evaluations.record_answer(ws, DEMO_EVALUATION, snap.vendors[0].name, SELF_ASSESSMENT, text.id,
                                  "We handle everything.")
    answered = next(a for a in snap.answers if a.evaluator != SELF_ASSESSMENT)
    evaluations.record_answer(ws, DEMO_EVALUATION, answered.vendor, answered.evaluator, answered.question, "")
    for e in snap.evaluators:
        evaluations.set_submitted(ws, DEMO_EVALUATION, e.name, False)
    evaluations.set_submitted(ws, DEMO_EVALUATION, people[0])


def _per_answer(ws: Workspace) -> EvaluationSnapshot:
    """The evaluation read the way it was before: one Answer object per row."""
    with reading(ws) as r:
        ev = r.evaluation(DEMO_EVALUATION)
        snap = r.snapshot(ev)
        snap.answers = [a for a, _ in r.answers(ev.id)]
    return snap


def _seen(res: Results) -> tuple[object, ...]:
    return (
        [(v.vendor, v.rank, v.total, v.knocked_out, v.knockout_reasons, v.sections, v.layers, v.gaps,
          v.disagreements, v.question_scores, v.na, v.scored) for v in res.ranking],
        res.flags,
        res.sensitivity,
        res.scoring,
        res.board.text,
    )


@pytest.mark.parametrize("reader_index", [None, 0, 1])
def test_columns_score_rank_and_flag_as_one_object_per_answer(demo: Workspace, reader_index: int | None) -> None:
    _generated(demo)
    columns = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    old = _per_answer(demo)
    assert isinstance(columns.answers, AnswerColumns) and columns.answers.columnar
    people = [e.name for e in old.evaluators]
    reader = TEAM if reader_index is None else people[reader_index]
    lex, syn = knowledge.lexicons(), knowledge.synonyms()

    new_res = evaluate(columns, lex, syn, reader=reader)
    old_res = evaluate(old, lex, syn, reader=reader)

    assert columns.answers.columnar, "scoring must not build an object per answer"
    assert _seen(new_res) == _seen(old_res)
    # The blind rule held: an unsubmitted evaluator's answers reach only that evaluator.
    allowed = {people[0], SELF_ASSESSMENT} if reader_index in (None, 0) else {reader, SELF_ASSESSMENT}
    assert {a.evaluator for a in new_res.snapshot.answers} <= allowed
    assert any(v.total is not None for v in new_res.ranking)
    # What a view reads as a list is every answer, notes included, in the same order.
    assert list(new_res.snapshot.answers) == list(old_res.snapshot.answers)
    assert list(columns.answers) == old.answers
    assert any(a.note for a in old.answers) and any(a.value == "n/a" for a in old.answers)


def test_answers_read_as_a_list_behave_as_a_list(demo: Workspace) -> None:
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    expected = _per_answer(demo).answers
    answers = snap.answers
    assert len(answers) == len(expected) and answers[0] == expected[0] and bool(answers)
    assert not isinstance(answers, AnswerColumns) or not answers.columnar
    answers.pop()
    assert answers == expected[:-1]
    assert evaluations.results_for(snap).ranking  # a list edited by hand is scored as a list


def test_two_unread_column_lists_compare_by_their_answers(demo: Workspace) -> None:
    one = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    two = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    assert one == two and not (one.answers != two.answers)
    assert two.answers == one.answers and len(two.answers) > 0


def _same_as_per_answer(ws: Workspace) -> None:
    columns = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    old = _per_answer(ws)
    assert isinstance(columns.answers, AnswerColumns) and columns.answers.columnar
    lex, syn = knowledge.lexicons(), knowledge.synonyms()
    assert _seen(evaluate(columns, lex, syn)) == _seen(evaluate(old, lex, syn))
    assert list(columns.answers) == old.answers


@pytest.mark.parametrize("text", ["one\x1etwo", "question\x1fvalue", "a\x1eb\x1fc"])
def test_an_answer_holding_the_separators_reads_as_typed(demo: Workspace, text: str) -> None:
    """The grouped read joins each answer as question + US + value, rows by RS: a text answer
    holding those characters is still read exactly (row by row)."""
    _generated(demo)
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    question = next(q for q in snap.bank.questions if q.type is QuestionType.TEXT)
    vendor, evaluator = snap.vendors[1].name, snap.evaluators[0].name
    evaluations.record_answer(demo, DEMO_EVALUATION, vendor, evaluator, question.id, text, "see RS\x1e here")
    _same_as_per_answer(demo)
    answers = evaluations.load_snapshot(demo, DEMO_EVALUATION).answers
    assert [(a.value, a.note) for a in answers if (a.vendor, a.evaluator, a.question) == (vendor, evaluator, question.id)] \
        == [(text, "see RS\x1e here")]


def test_evaluators_in_the_same_position_keep_the_answer_order(demo: Workspace) -> None:
    """Answers are ordered by vendor, evaluator position, then the order they were first saved:
    evaluators sharing a position interleave by that order, as the per-answer read has it."""
    _generated(demo)
    with sqlite3.connect(demo.db) as con:
        con.execute("UPDATE evaluator SET position = 0")
        con.execute("UPDATE vendor SET position = 7 - id")  # vendors listed in reverse
    _same_as_per_answer(demo)
    answers = list(evaluations.load_snapshot(demo, DEMO_EVALUATION).answers)
    first_vendor = answers[0].vendor
    assert len({a.evaluator for a in answers if a.vendor == first_vendor}) > 1


def test_the_latest_answer_change_read_with_the_answers_is_the_one_queried(demo: Workspace) -> None:
    """The grouped read notes the latest answer change on the way; the report's date (as_of)
    then comes from it instead of another pass over every answer, and must be the same."""
    _generated(demo)
    with reading(demo) as r:
        ev = r.evaluation(DEMO_EVALUATION)
        queried = r.last_changes(ev.id)
        r.answer_columns(ev.id)
        assert r._latest_answer, "the grouped read ran"
        assert r.last_changes(ev.id) == queried
