"""Live updates in a team workspace: another client's saves as the app's typed Changes.

A ServerWorkspace announces every committed save on a LISTEN/NOTIFY channel with the tables
it wrote and the evaluations they belong to (app.store.server). A window turns each notice
into the same `Changes` its own edits announce, so its pages redraw exactly as they do after
a local edit.
"""

from __future__ import annotations

from app.services.changes import EVERYTHING, Changes
from app.store.server import Notice

# What a table's rows are, in the app's kinds of change (tables not named: no page shows them).
_EVALUATION_KINDS: dict[str, str] = {
    "answer": "answers", "vendor": "vendors", "vendor_reference": "vendors", "milestone": "vendors",
    "evaluator": "evaluators", "flag_ack": "acknowledgements",
    "evidence_document": "evidence", "evidence_citation": "evidence", "evidence_page": "evidence",
    "evidence_blob": "evidence",
}
_WORKSPACE_KINDS: dict[str, str] = {
    "evaluation": "evaluations", "bank": "banks", "bank_version": "banks", "question": "banks",
    "organization": "organization", "use_case": "use_cases", "data_source": "use_cases",
    "success_metric": "use_cases", "engagement": "engagements", "engagement_metric": "engagements",
    "engagement_milestone": "engagements", "monthly_review": "engagements", "review_actual": "engagements",
    "review_decision": "engagements",
}
_QUIET = frozenset({"audit_log", "backup_file"})


def changes_from(notice: Notice) -> list[Changes]:
    """The Changes to announce for another client's save (empty when nothing shown changed)."""
    tables = set(notice.tables) - _QUIET
    if not tables:
        return []
    unknown = tables - set(_EVALUATION_KINDS) - set(_WORKSPACE_KINDS)
    if unknown:
        return [EVERYTHING]  # a table this version does not map: redraw everything rather than miss it
    out: list[Changes] = []
    workspace_kinds = {_WORKSPACE_KINDS[t] for t in tables if t in _WORKSPACE_KINDS}
    evaluation_kinds = {_EVALUATION_KINDS[t] for t in tables if t in _EVALUATION_KINDS}
    if "flag_ack" in tables:
        workspace_kinds.add("engagements")  # an acknowledgement may be an engagement's
    if evaluation_kinds and not notice.evaluations:
        return [EVERYTHING]
    for evaluation in notice.evaluations:
        out.append(_of(evaluation_kinds | ({"evaluations"} & workspace_kinds), Changes(evaluation=evaluation)))
    if workspace_kinds:
        out.append(_of(workspace_kinds, Changes()))
    return out


def _of(kinds: set[str], start: Changes) -> Changes:
    for kind in sorted(kinds):
        start = start | _KIND[kind]
    return start


_KIND: dict[str, Changes] = {
    "answers": Changes(answers=True), "vendors": Changes(vendors=True), "evaluators": Changes(evaluators=True),
    "acknowledgements": Changes(acknowledgements=True), "evidence": Changes(evidence=True),
    "evaluations": Changes(evaluations=True), "banks": Changes(banks=True),
    "organization": Changes(organization=True), "use_cases": Changes(use_cases=True),
    "engagements": Changes(engagements=True),
}
