"""Choosing a partner: its open critical and high flags, a required reason (audited), and warnings."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.domain.models import Organization, Stage, Vendor
from app.services import banks, engagements, evaluations, organization
from app.services.errors import InputError
from app.store.workspace import Workspace
from tests.services.test_engagements import count, import_fresh_evaluation

OMNI = "OmniAI Solutions"  # demo: one critical and two high flags open (one a reference check), ranked third
LEADER = "Signal & Scale Partners"
DANIEL = "Daniel Okafor (Data)"  # the demo's evaluators have submitted; he reopens to make it provisional


def rows(ws: Workspace, query: str) -> list[tuple]:
    with ws.engine.connect() as con:
        return [tuple(r) for r in con.exec_driver_sql(query).fetchall()]


def test_open_serious_flags_are_listed_and_need_a_reason(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace)
    p = engagements.partner_proposal(workspace, ev, OMNI)
    assert p.problems == []
    assert sorted(f.severity.value for f in p.serious_flags) == ["critical", "high", "high"]
    assert all(not f.acknowledged for f in p.serious_flags)
    assert p.needs_reason
    before = count(workspace, "audit_log")
    with pytest.raises(InputError) as refused:
        engagements.select_partner(workspace, ev, OMNI, "Omni rollout", date(2026, 7, 1))
    assert "3 open critical or high red flags" in str(refused.value)
    assert "give a reason" in str(refused.value)
    assert count(workspace, "engagement") == 0 and count(workspace, "audit_log") == before  # nothing written

    reason = "Their timeline is now in the signed contract; references checked by phone."
    eid = engagements.select_partner(workspace, ev, OMNI, "Omni rollout", date(2026, 7, 1), reason=reason)
    audit = rows(workspace, f"SELECT action, reason, after FROM audit_log WHERE entity_id = '{eid}' ORDER BY id")
    selected = [a for a in audit if a[0] == "partner selected"]
    assert len(selected) == 1 and selected[0][1] == reason
    after = json.loads(selected[0][2])
    assert after["vendor"] == OMNI
    assert sorted(f["severity"] for f in after["open_flags"]) == ["critical", "high", "high"]
    assert any("not the leader" in w for w in after["warnings"])


def test_a_vendor_without_open_serious_flags_needs_no_reason(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace)
    p = engagements.partner_proposal(workspace, ev, LEADER)
    assert p.serious_flags == [] and not p.needs_reason
    assert engagements.select_partner(workspace, ev, LEADER, "Rollout", date(2026, 7, 1)) > 0


def test_provisional_results_name_who_is_still_scoring_and_give_no_values(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace)
    evaluations.set_submitted(workspace, ev, DANIEL, False)
    names = [DANIEL]
    p = engagements.partner_proposal(workspace, ev, LEADER)
    assert len(p.warnings) == 1
    warning = p.warnings[0]
    assert warning.startswith("The results are provisional:") and all(n in warning for n in names)
    assert not any(ch.isdigit() for ch in warning.replace("2026", ""))  # no totals or margins

    for name in names:
        evaluations.set_submitted(workspace, ev, name)
    omni = engagements.partner_proposal(workspace, ev, OMNI)
    assert not any("provisional" in w for w in omni.warnings)
    assert any(w.startswith(f"{OMNI} is not the leader: it ranks 2 of 3") or w.startswith(f"{OMNI} is not the leader: it ranks 3 of 3") for w in omni.warnings), omni.warnings
    assert engagements.partner_proposal(workspace, ev, LEADER).warnings == []


def _filled(question: object, options: str) -> str:
    """A good answer: yes or no, whichever scores (some questions are inverted), 4 on a scale …"""
    kind = question.type.value  # type: ignore[attr-defined]
    if kind == "yes_no":
        return max(("yes", "no"), key=lambda v: question.read(v).score or 0.0)  # type: ignore[attr-defined]
    return {"scale": "4", "number": "100", "text": "Done before"}.get(
        kind, options.split("|")[0].split("=")[0] if options else "x"
    )


def test_too_close_to_call_is_said_for_the_top_two(workspace: Workspace) -> None:
    organization.save(workspace, Organization(name="Acme", industry="B2B SaaS", stage=Stage.SCALE_UP))
    version = banks.list_banks(workspace)[0].version_id
    eid = evaluations.create_evaluation(workspace, "Close race", version, ["Ana"])
    for name in ("North", "South"):
        evaluations.save_vendor(workspace, eid, Vendor(name=name))
    bank = evaluations.load_snapshot(workspace, eid).bank
    for q in bank.questions:
        options = q.options if isinstance(q.options, str) else "|".join(str(o) for o in (q.options or ()))
        for vendor in ("North", "South"):
            try:
                evaluations.record_answer(workspace, eid, vendor, "Ana", q.id, _filled(q, options), None)
            except InputError:
                pass  # a choice label this helper cannot guess: left unanswered for both
    scale = next(q for q in bank.questions if q.type.value == "scale")
    evaluations.record_answer(workspace, eid, "South", "Ana", scale.id, "3", None)  # one point down
    evaluations.set_submitted(workspace, eid, "Ana")
    res = evaluations.score(workspace, eid)
    assert not any(v.knocked_out for v in res.ranking), [v.knockout_reasons for v in res.ranking]
    assert res.sensitivity.too_close_to_call
    for vendor in ("North", "South"):
        warnings = engagements.partner_proposal(workspace, eid, vendor).warnings
        assert any(w.startswith("Too close to call: the top two are") for w in warnings), warnings


def test_unscored_and_knocked_out_vendors_cannot_be_chosen(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace)
    p = engagements.partner_proposal(workspace, ev, "Fresh Ridge Labs")
    assert p.problems and p.problems[0].startswith("Fresh Ridge Labs is knocked out")
    evaluations.save_vendor(workspace, ev, Vendor(name="Newcomer"))
    p = engagements.partner_proposal(workspace, ev, "Newcomer")
    assert p.problems[0] == "nobody has scored Newcomer yet"
    with pytest.raises(InputError):
        engagements.select_partner(workspace, ev, "Newcomer", "New", date(2026, 7, 1), reason="why not")
