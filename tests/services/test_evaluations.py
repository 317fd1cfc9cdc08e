"""The evaluation services: one transaction per action, validation, audit, blind data."""

from __future__ import annotations

import sqlite3

import pytest

from app.domain.models import Milestone, Timeline, Vendor
from app.services import evaluations
from app.services.errors import InputError
from tests.conftest import DEMO_EVALUATION


def db(ws) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    return sqlite3.connect(ws.db)


def answer_value(ws, vendor: str, evaluator: str, qid: str):  # type: ignore[no-untyped-def]
    row = db(ws).execute(
        "select a.value, a.note from answer a join vendor v on v.id=a.vendor_id join evaluator e on e.id=a.evaluator_id "
        "where v.name=? and e.name=? and a.qid=?", (vendor, evaluator, qid)).fetchone()
    return row


def test_record_answer_validates_and_audits(demo) -> None:  # type: ignore[no-untyped-def]
    change = evaluations.record_answer(demo, DEMO_EVALUATION, "Fresh Ridge Labs", "Maya Chen (RevOps)", "TR03", "4", note="Better on call")
    assert change.before is not None
    assert answer_value(demo, "Fresh Ridge Labs", "Maya Chen (RevOps)", "TR03") == ("4", "Better on call")
    audit = db(demo).execute("select actor, action, before, after from audit_log where action='answer changed' order by id desc").fetchone()
    assert audit[0] == "Maya Chen (RevOps)" and '"4"' in audit[3]


def test_invalid_answer_is_refused_and_changes_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    before = answer_value(demo, "Fresh Ridge Labs", "Maya Chen (RevOps)", "TR03")
    with pytest.raises(InputError, match="0 to 5"):
        evaluations.record_answer(demo, DEMO_EVALUATION, "Fresh Ridge Labs", "Maya Chen (RevOps)", "TR03", "7")
    assert answer_value(demo, "Fresh Ridge Labs", "Maya Chen (RevOps)", "TR03") == before


def test_unknown_evaluator_and_question_refused(demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="not an evaluator"):
        evaluations.record_answer(demo, DEMO_EVALUATION, "Fresh Ridge Labs", "Mallory", "TR03", "3")
    with pytest.raises(InputError, match="no question"):
        evaluations.record_answer(demo, DEMO_EVALUATION, "Fresh Ridge Labs", "Maya Chen (RevOps)", "ZZ99", "3")


def test_a_changed_answer_changes_the_score(demo) -> None:  # type: ignore[no-untyped-def]
    before = {v.vendor: v.total for v in evaluations.score(demo, DEMO_EVALUATION, with_sensitivity=False).ranking}
    for e in ("Maya Chen (RevOps)", "Daniel Okafor (Data)"):
        evaluations.record_answer(demo, DEMO_EVALUATION, "OmniAI Solutions", e, "TR03", "0")
    after = {v.vendor: v.total for v in evaluations.score(demo, DEMO_EVALUATION, with_sensitivity=False).ranking}
    assert after["OmniAI Solutions"] < before["OmniAI Solutions"]
    assert after["Signal & Scale Partners"] == before["Signal & Scale Partners"]


def test_vendor_profile_change_raises_a_flag_and_acknowledgement_sticks(demo) -> None:  # type: ignore[no-untyped-def]
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    v = snap.vendor("Signal & Scale Partners")
    v.timeline = Timeline(None, [Milestone("Pilot", None)], "ASAP")
    evaluations.save_vendor(demo, DEMO_EVALUATION, v, old_name=v.name)
    flags = {f.rule: f for f in evaluations.score(demo, DEMO_EVALUATION).flags["Signal & Scale Partners"]}
    assert "vague_timeline" in flags and not flags["vague_timeline"].acknowledged
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, "Signal & Scale Partners", "vague_timeline", "Plan agreed in writing on 1 Dec", by="maya")
    flag = next(f for f in evaluations.score(demo, DEMO_EVALUATION).flags["Signal & Scale Partners"] if f.rule == "vague_timeline")
    assert flag.acknowledged and flag.acknowledgement.by == "maya"
    with pytest.raises(InputError, match="rationale"):
        evaluations.acknowledge_flag(demo, DEMO_EVALUATION, "Signal & Scale Partners", "vague_timeline", "  ")


def test_duplicate_vendor_name_refused(demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="already in this evaluation"):
        evaluations.save_vendor(demo, DEMO_EVALUATION, Vendor("OmniAI Solutions"))
    assert db(demo).execute("select count(*) from vendor").fetchone() == (4,)


def test_new_evaluation_pins_the_bank_version(workspace) -> None:  # type: ignore[no-untyped-def]
    from app.domain.bank import Bank, make_question
    from app.services import banks

    summary = banks.list_banks(workspace)[0]
    eid = evaluations.create_evaluation(workspace, "Pinned", summary.version_id, ["A", "B"])
    asked = evaluations.load_snapshot(workspace, eid).bank
    bank_v1 = banks.get_bank(workspace, summary.name)
    rows = [dict(r) for r in bank_v1.rows()]
    rows[0]["weight"] = "9"
    _, version, created = banks.save(workspace, Bank(bank_v1.name, tuple(make_question(r) for r in rows)))
    assert created and version == 2
    pinned = evaluations.load_snapshot(workspace, eid).bank
    assert pinned.hash == asked.hash and pinned.questions[0].weight == bank_v1.questions[0].weight != 9


def test_list_evaluations(demo) -> None:  # type: ignore[no-untyped-def]
    (summary,) = evaluations.list_evaluations(demo)
    assert summary.name == DEMO_EVALUATION and summary.vendors == 4 and summary.evaluators == 2


def test_acknowledgements_follow_a_renamed_vendor(demo) -> None:  # type: ignore[no-untyped-def]
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, "OmniAI Solutions", "generalist", "Checked: two real SaaS clients")
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    v = snap.vendor("OmniAI Solutions")
    v.name = "OmniAI"
    evaluations.save_vendor(demo, DEMO_EVALUATION, v, old_name="OmniAI Solutions")
    flag = next(f for f in evaluations.score(demo, DEMO_EVALUATION).flags["OmniAI"] if f.rule == "generalist")
    assert flag.acknowledged


def test_remove_then_restore_vendor_brings_everything_back_at_once(demo) -> None:  # type: ignore[no-untyped-def]
    from app.services import references

    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, "OmniAI Solutions", "generalist", "Checked references")
    name = "OmniAI Solutions"
    company = references.companies(demo, DEMO_EVALUATION, name)[0]
    references.record_check(demo, DEMO_EVALUATION, name, company, False, by="Dana", note="pilot only")
    checks_before = db(demo).execute(
        "select company, confirmed_production, by, note, at from reference_check order by id").fetchall()
    before = evaluations.score(demo, DEMO_EVALUATION, with_sensitivity=False)
    removed = evaluations.delete_vendor(demo, DEMO_EVALUATION, name)
    assert db(demo).execute("select count(*) from flag_ack").fetchone() == (0,)
    evaluations.restore_vendor(demo, DEMO_EVALUATION, removed)
    after = evaluations.score(demo, DEMO_EVALUATION, with_sensitivity=False)
    assert {v.vendor: v.total for v in after.ranking} == {v.vendor: v.total for v in before.ranking}
    assert next(f for f in after.flags[name] if f.rule == "generalist").acknowledged
    # The reference check came back as it was (who called, what they heard, when), and so did its flag.
    assert db(demo).execute(
        "select company, confirmed_production, by, note, at from reference_check order by id").fetchall() == checks_before
    assert {f.rule for f in after.flags[name]} == {f.rule for f in before.flags[name]}


def test_exported_files_get_the_usual_permissions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    from app.services.transfer import write_atomically

    out = tmp_path / "out.json"
    write_atomically(out, b"{}")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_a_new_evaluation_asks_the_default_bank_in_our_own_words(workspace) -> None:  # type: ignore[no-untyped-def]
    from app.domain.models import Organization, Stage
    from app.services import banks, organization
    from app.services.banks import DEFAULT_BANK_NAME

    organization.save(workspace, Organization("Hafenlog", "logistics", Stage.ENTERPRISE, ["SAP S/4HANA", "ServiceNow"]))
    template = banks.versions(workspace, DEFAULT_BANK_NAME)[-1]
    eid = evaluations.create_evaluation(workspace, "Carrier exceptions", template.id, ["Ana"])
    bank = evaluations.load_snapshot(workspace, eid).bank
    assert "(SAP S/4HANA and ServiceNow)" in bank.question("IN01").question
    assert "logistics" in bank.question("TR01").question
    # the template is unchanged and stays the default bank's only version
    assert [v.version for v in banks.versions(workspace, DEFAULT_BANK_NAME)] == [template.version]
    assert "{systems}" in banks.get_bank(workspace, DEFAULT_BANK_NAME).question("IN01").question
    # a later profile change does not rewrite what this evaluation asked
    organization.save(workspace, Organization("Hafenlog", "logistics", Stage.ENTERPRISE, ["Oracle TMS"]))
    assert "(SAP S/4HANA and ServiceNow)" in evaluations.load_snapshot(workspace, eid).bank.question("IN01").question
    row = db(workspace).execute(
        "select b.name from evaluation e join bank_version v on v.id=e.bank_version_id join bank b on b.id=v.bank_id where e.id=?",
        (eid,)).fetchone()
    assert row == (f"{DEFAULT_BANK_NAME} — Hafenlog",)
