"""Compare keeps its evaluation current from typed Changes: applied in place, it shows exactly
what reading the evaluation again would, and it says when an edit needs that reading."""

from __future__ import annotations

from dataclasses import replace

from app.domain.answer_columns import AnswerColumns
from app.domain.models import Answer, Vendor
from app.services import evaluation_view as view
from app.services import evaluations, live
from app.services.changes import Changes
from app.services.session import EvaluationSession
from tests.conftest import DEMO_EVALUATION

MAYA, DANIEL = "Maya Chen (RevOps)", "Daniel Okafor (Data)"
LEADER = "Signal & Scale Partners"


def shown(cv: live.CompareView) -> tuple[object, ...]:
    """What the Compare page draws from a view: ranking, totals, flags, progress, disagreements."""
    res = live.quick(cv, None, None)
    ranking = [(r.vendor, r.rank, r.total, r.knocked_out) for r in res.ranking]
    flags = sorted((f.vendor, f.rule, f.acknowledged) for fl in res.flags.values() for f in fl)
    progress = [(e.name, e.submitted, e.answered, e.expected) for e in res.scoring.evaluators]
    return ranking, flags, progress, view.disagreements(res)


def _key(a: Answer) -> tuple[str, ...]:
    return a.vendor, a.evaluator, a.question, a.value, a.note


def test_answers_vendors_and_acknowledgements_applied_in_place_match_a_fresh_load(demo) -> None:
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    evaluations.set_submitted(demo, eid, DANIEL, False)  # Daniel still scores: hidden from the team
    cv = live.load_compare(demo, eid)
    before = shown(cv)
    session = EvaluationSession(demo, eid)
    edits: list[Changes] = [
        session.record_answer(LEADER, MAYA, "TR03", "0", None)[1],  # a visible score drops
        session.record_answer(LEADER, MAYA, "TR01", "", "")[1],  # a visible answer removed
        session.record_answer(LEADER, DANIEL, "TR03", "", "")[1],  # hidden: progress only
        session.save_vendor(Vendor("Newcomer Analytics")),
        session.record_answer("Newcomer Analytics", MAYA, "TR03", "4", None)[1],
        session.save_vendor(replace(cv.snapshot.vendor(LEADER), references=[]), old_name=LEADER),  # a flag
    ]
    first, second = [f for fl in cv.results.flags.values() for f in fl if not f.acknowledged][:2]
    edits.append(session.acknowledge(first.vendor, first.rule, "Discussed with them", "Maya"))
    edits.append(session.acknowledge(second.vendor, second.rule, "In the contract", "Maya"))
    edits.append(session.withdraw(first.vendor, first.rule, "Maya"))
    current = cv
    for changes in edits:
        applied = current.with_changes(changes)
        assert applied is not None, changes.kinds()
        current = applied
    after = shown(current)
    fresh = live.load_compare(demo, eid)
    assert after == shown(fresh)  # the same as reading it all again
    # The answers stayed columns (no object per answer made) and hold what a fresh load holds.
    assert isinstance(current.snapshot.answers, AnswerColumns) and current.snapshot.answers.columnar
    assert sorted(current.snapshot.answers, key=_key) == sorted(fresh.snapshot.answers, key=_key)
    assert current.snapshot.acknowledgements == fresh.snapshot.acknowledgements  # who, when, why
    assert after != before
    assert shown(cv) == before  # the loaded view is left as it was (a worker may be reading it)
    assert "Newcomer Analytics" in [v for v, *_ in after[0]]  # type: ignore[index]


def test_edits_that_cannot_be_applied_in_place_ask_for_a_reload(demo) -> None:
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    cv = live.load_compare(demo, eid)
    session = EvaluationSession(demo, eid)
    renamed = replace(cv.snapshot.vendor(LEADER), name="Signal and Scale")
    assert cv.with_changes(session.save_vendor(renamed, old_name=LEADER)) is None
    assert cv.with_changes(session.remove_vendor("Signal and Scale")[1]) is None
    assert cv.with_changes(session.set_submitted(MAYA, False)) is None
    assert cv.with_changes(Changes(evaluation=eid, acknowledgements=True)) is None  # which one, not said
    assert cv.with_changes(Changes(evaluation=eid, answers=True)) is None  # no saved answers said
    assert cv.with_changes(Changes(banks=True)) is None
    # Another evaluation's edit leaves this one alone.
    assert cv.with_changes(Changes(evaluation=eid + 1000, answers=True)) is None
