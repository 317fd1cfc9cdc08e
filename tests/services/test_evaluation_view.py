"""View-shaped evaluation facts: blind views, progress, ranking rows, disagreements, what-if."""

from __future__ import annotations

from app.services import evaluation_view as view
from app.services import evaluations
from tests.conftest import DEMO_EVALUATION

MAYA = "Maya Chen (RevOps)"
DANIEL = "Daniel Okafor (Data)"


def test_format_total_one_decimal_or_dash() -> None:
    assert view.format_total(81.14864) == "81.1"
    assert view.format_total(None) == "—"
    assert view.format_total(0.0) == "0.0"


def test_blind_view_shows_only_own_answers_until_submitted(demo) -> None:
    for who in (MAYA, DANIEL):
        evaluations.set_submitted(demo, DEMO_EVALUATION, who, False)
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    blind = view.visible_snapshot(snap, MAYA)
    assert blind.answers and {a.evaluator for a in blind.answers} == {MAYA}
    assert view.other_answers(snap, "OmniAI Solutions", MAYA) is None
    evaluations.set_submitted(demo, DEMO_EVALUATION, MAYA)
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    # Maya has submitted, Daniel has not: she sees none of his answers yet.
    assert {a.evaluator for a in view.visible_snapshot(snap, MAYA).answers} == {MAYA}
    assert view.other_answers(snap, "OmniAI Solutions", MAYA) == {}
    evaluations.set_submitted(demo, DEMO_EVALUATION, DANIEL)
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    assert view.visible_snapshot(snap, MAYA).answers == snap.answers
    others = view.other_answers(snap, "OmniAI Solutions", MAYA)
    assert others and all(who == DANIEL for values in others.values() for who, _ in values)


def test_progress_counts_answered_questions(demo) -> None:
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    table = view.progress_table(snap)
    assert len(table) == 2 * 4
    p = view.progress(snap, "Signal & Scale Partners", MAYA)
    assert p.total == len(snap.bank.questions) and p.answered == p.total and p.complete
    assert view.progress(snap, "Signal & Scale Partners", DANIEL).answered < p.total


def test_ranking_rows_and_disagreements_on_the_demo(demo) -> None:
    res = view.results(evaluations.load_snapshot(demo, DEMO_EVALUATION))
    rows = view.ranking_rows(res)
    assert (rows[0].vendor, rows[0].total_text) == ("Signal & Scale Partners", "81.1")
    assert rows[-1].knocked_out and rows[-1].knockout_reasons
    omni = next(r for r in rows if r.vendor == "OmniAI Solutions")
    assert omni.flag_counts["critical"] == 1
    dis = view.disagreements(res)
    assert dis and all(d.spread >= 2.0 - 1e-9 for d in dis)
    vendors, sections, scores = view.section_matrix(res)
    assert vendors[0] == "Signal & Scale Partners" and len(scores[0]) == len(sections)
    assert all(st.change is None for st in view.stability(res))


def test_what_if_factors_change_totals_in_memory_only(demo) -> None:
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    base = {r.vendor: r.total for r in view.results(snap).ranking}
    moved = {r.vendor: r.total for r in view.results(snap, {"Commercials": 2.0}, with_sensitivity=False).ranking}
    assert moved != base
    assert {r.vendor: r.total for r in evaluations.score(demo, DEMO_EVALUATION).ranking} == base


def test_a_blind_evaluator_sees_the_vendors_own_response_but_no_colleague() -> None:
    from app.domain.evaluation import SELF_ASSESSMENT, EvaluationSnapshot, EvaluatorInfo
    from app.domain.models import Answer, Organization, Vendor
    from app.services.evaluation_view import other_answers, visible_snapshot
    from tests.domain.helpers import bank, q

    snap = EvaluationSnapshot(
        name="E", organization=Organization(), bank=bank(q("Q1")),
        evaluators=[EvaluatorInfo("Ana"), EvaluatorInfo("Ben"), EvaluatorInfo(SELF_ASSESSMENT)],
        vendors=[Vendor("Acme")],
        answers=[Answer("Acme", "Ben", "Q1", "1"), Answer("Acme", SELF_ASSESSMENT, "Q1", "5")],
    )
    assert other_answers(snap, "Acme", "Ana") == {"Q1": [(SELF_ASSESSMENT, "5")]}
    assert {a.evaluator for a in visible_snapshot(snap, "Ana").answers} == {SELF_ASSESSMENT}
