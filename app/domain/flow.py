"""Where the person stands in the flow: profile → use case → vendors → answers submitted → compare
→ select. The state of each step is derived here, once, from counts the services read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# (key, label, the page where the step is done)
STEPS: tuple[tuple[str, str, str], ...] = (
    ("profile", "Organization profile", "organization"),
    ("use_case", "Use case", "usecases"),
    ("vendors", "Vendors", "evaluations"),
    ("submitted", "Answers submitted", "evaluations"),
    ("compare", "Compare", "compare"),
    ("select", "Partner selected", "compare"),
)
# The steps that belong to one evaluation: without one chosen they are neither done nor to do.
EVALUATION_STEPS = frozenset({"vendors", "submitted", "compare", "select"})


class StepState(StrEnum):
    DONE = "done"
    TO_DO = "to do"
    NOT_APPLICABLE = "not applicable"  # an evaluation's step while no evaluation is chosen


@dataclass(frozen=True)
class FlowFacts:
    """What the workspace holds, as far as the flow is concerned."""

    profile: bool  # the organization has a name and an industry
    use_cases: int  # in the workspace
    evaluations: int  # in the workspace
    chosen: bool = False  # an evaluation is chosen; the rest is about it
    linked_use_case: bool = False
    vendors: int = 0
    evaluators: int = 0
    submitted: int = 0  # evaluators who submitted
    selected: bool = False  # a partner was selected from it
    compared: bool = False  # the person looked at its comparison (the app knows; the workspace does not)


@dataclass(frozen=True)
class FlowStep:
    key: str
    label: str
    page: str
    state: StepState
    detail: str = ""  # how far it is, or why it does not apply yet, in a few words

    @property
    def done(self) -> bool:
        return self.state is StepState.DONE


def flow_steps(facts: FlowFacts) -> list[FlowStep]:
    """Each step, done, to do, or not applicable while no evaluation is chosen.

    Use case counts as done without a chosen evaluation when the workspace has one. Compare counts
    as done once everyone has submitted and the comparison was looked at, or a partner was selected.
    """
    # Here: wording loads the bank model, which the first window (the flow checklist) does not need.
    from app.domain.wording import plural

    f = facts
    all_in = f.evaluators > 0 and f.submitted == f.evaluators
    use_case = f.linked_use_case if f.chosen else f.use_cases > 0
    done = {
        "profile": (f.profile, "" if f.profile else "name and industry"),
        "use_case": (use_case, "" if use_case else "none linked"),
        "vendors": (f.vendors >= 2, f"{f.vendors} of at least 2"),
        "submitted": (all_in, f"{f.submitted} of {plural(f.evaluators, 'evaluator')}"),
        "compare": (f.selected or (all_in and f.compared), ""),
        "select": (f.selected, ""),
    }
    waiting = "choose an evaluation first" if f.evaluations else "create an evaluation first"
    steps = []
    for key, label, page in STEPS:
        if not f.chosen and key in EVALUATION_STEPS:
            steps.append(FlowStep(key, label, page, StepState.NOT_APPLICABLE, waiting))
            continue
        ok, detail = done[key]
        steps.append(FlowStep(key, label, page, StepState.DONE if ok else StepState.TO_DO, detail))
    return steps
