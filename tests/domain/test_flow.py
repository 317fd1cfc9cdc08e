"""The flow's steps: done, to do, or not applicable while no evaluation is chosen."""

from __future__ import annotations

from dataclasses import replace

from app.domain.flow import FlowFacts, StepState, flow_steps


def _states(facts: FlowFacts) -> dict[str, tuple[StepState, str]]:
    return {s.key: (s.state, s.detail) for s in flow_steps(facts)}


def test_without_a_chosen_evaluation_its_steps_are_not_applicable_rather_than_undone() -> None:
    got = _states(FlowFacts(profile=True, use_cases=1, evaluations=3))
    assert got["profile"] == (StepState.DONE, "")
    assert got["use_case"][0] is StepState.DONE  # the workspace has one
    for key in ("vendors", "submitted", "compare", "select"):
        assert got[key] == (StepState.NOT_APPLICABLE, "choose an evaluation first")


def test_an_empty_workspace_asks_for_an_evaluation_to_be_created() -> None:
    got = _states(FlowFacts(profile=False, use_cases=0, evaluations=0))
    assert got["profile"] == (StepState.TO_DO, "name and industry")
    assert got["use_case"] == (StepState.TO_DO, "none linked")
    assert got["vendors"] == (StepState.NOT_APPLICABLE, "create an evaluation first")


def test_a_chosen_evaluation_is_judged_on_its_own_counts() -> None:
    got = _states(FlowFacts(profile=True, use_cases=2, evaluations=1, chosen=True, linked_use_case=False,
                            vendors=1, evaluators=2, submitted=1))
    assert got["use_case"] == (StepState.TO_DO, "none linked")  # the workspace has some, this one has none
    assert got["vendors"] == (StepState.TO_DO, "1 of at least 2")
    assert got["submitted"] == (StepState.TO_DO, "1 of 2 evaluators")
    assert got["compare"][0] is got["select"][0] is StepState.TO_DO


def test_compare_needs_everyone_submitted_and_a_look_or_a_selection() -> None:
    base = FlowFacts(profile=True, use_cases=1, evaluations=1, chosen=True, linked_use_case=True, vendors=2,
                     evaluators=1, submitted=1)
    assert _states(base)["compare"][0] is StepState.TO_DO
    assert _states(replace(base, compared=True))["compare"][0] is StepState.DONE
    picked = _states(replace(base, submitted=0, selected=True))
    assert picked["compare"][0] is picked["select"][0] is StepState.DONE
    assert picked["submitted"][0] is StepState.TO_DO
