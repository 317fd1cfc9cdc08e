"""An answer edit recomputes only that vendor's flags; the result is what a full rescore gives."""

from __future__ import annotations

from app.services import evaluations
from app.services.live import LiveEvaluation
from app.store.workspace import Workspace
from tests.conftest import DEMO_EVALUATION


def _flags(results) -> dict[str, list[tuple[str, str, bool]]]:
    return {v: [(f.key[1], f.message, f.acknowledgement is not None) for f in fs] for v, fs in results.flags.items()}


def test_an_edit_that_raises_a_question_flag_shows_it_and_leaves_the_rest_as_a_full_rescore(demo: Workspace) -> None:
    eid = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    live = LiveEvaluation.load(demo, eid, None)
    assert live.evaluator is not None
    flagged = next(q for q in live.snapshot.bank.questions if q.flag_rule and q.type.value == "scale")
    vendor = live.snapshot.vendors[0].name
    before = _flags(live.results)
    raised = []
    for value in ("0", "5", "1"):
        for evaluator in [e.name for e in live.snapshot.evaluators]:  # every evaluator: the mean moves
            change = evaluations.record_answer(demo, eid, vendor, evaluator, flagged.id, value)
            results = live.apply_saved(vendor, evaluator, flagged.id, change.reading, change.answer)
        fresh = LiveEvaluation.load(demo, eid, live.evaluator).results
        assert _flags(results) == _flags(fresh)
        raised.append(any(f.key[1] == f"question:{flagged.id}" for f in results.flags[vendor]))
    assert raised[0] and not raised[1]  # the vendor's own flag follows the edit
    after = _flags(results)
    assert {v: f for v, f in after.items() if v != vendor} == {v: f for v, f in before.items() if v != vendor}
