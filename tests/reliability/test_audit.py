"""The audit trail records who changed what, when, before and after; it filters and exports safely."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import timedelta
from pathlib import Path

from app.services import audit, banks, engagements, evaluations
from app.services.audit import AuditFilter
from app.store.workspace import Workspace
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION

VENDOR = "Signal & Scale Partners"


def _evaluator(ws: Workspace) -> str:
    return evaluations.load_snapshot(ws, DEMO_EVALUATION).evaluators[1].name


def test_answer_change_records_the_evaluator_before_and_after(demo: Workspace) -> None:
    who = _evaluator(demo)
    change = evaluations.record_answer(demo, DEMO_EVALUATION, VENDOR, who, "TR03", "1", "dropped after reference call")
    [entry] = audit.query(demo, AuditFilter(action="answer changed"), limit=1)
    assert entry.actor == who
    assert entry.entity == "answer" and entry.entity_id == f"{DEMO_EVALUATION}/{VENDOR}/{who}/TR03"
    assert entry.before["value"] == change.before and change.before is not None
    assert entry.after == {"value": "1", "note": "dropped after reference call"}
    assert entry.at.tzinfo is not None
    assert "dropped after reference call" in entry.after_text


def test_unchanged_answer_writes_no_entry(demo: Workspace) -> None:
    who = _evaluator(demo)
    evaluations.record_answer(demo, DEMO_EVALUATION, VENDOR, who, "TR03", "2", "n")
    n = len(audit.query(demo))
    evaluations.record_answer(demo, DEMO_EVALUATION, VENDOR, who, "TR03", "2", "n")
    assert len(audit.query(demo)) == n


def test_flag_acknowledgement_records_who_and_the_previous_rationale(demo: Workspace) -> None:
    vendor = "OmniAI Solutions"
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, vendor, "generalist", "Checked: two real verticals", by="Ana")
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, vendor, "generalist", "Confirmed by references", by="Ben")
    latest, first = audit.query(demo, AuditFilter(action="flag acknowledged"))[:2]
    assert first.actor == "Ana" and first.before is None and first.after == {"rationale": "Checked: two real verticals"}
    assert latest.actor == "Ben"
    assert latest.before == {"rationale": "Checked: two real verticals", "by": "Ana"}
    assert latest.after == {"rationale": "Confirmed by references"}
    evaluations.withdraw_acknowledgement(demo, DEMO_EVALUATION, vendor, "generalist", by="Cleo")
    [gone] = audit.query(demo, AuditFilter(action="flag acknowledgement withdrawn"))
    assert gone.actor == "Cleo" and gone.before == {"rationale": "Confirmed by references"}


def test_metric_change_after_kickoff_records_reason_before_and_after(demo: Workspace) -> None:
    metric = engagements.load(demo, DEMO_ENGAGEMENT).metrics[0]
    engagements.change_metric(demo, DEMO_ENGAGEMENT, metric.name, {"target": metric.target + 1},
                              reason="Board raised the target", actor="CFO")
    [entry] = audit.query(demo, AuditFilter(action="metric changed after kickoff"))
    assert entry.actor == "CFO" and entry.reason == "Board raised the target"
    assert entry.before == {"target": metric.target} and entry.after == {"target": metric.target + 1}


def test_bank_version_records_the_previous_hash(demo: Workspace) -> None:
    bank = banks.get_bank(demo, 1)
    q = dataclasses.replace(bank.questions[0], weight=bank.questions[0].weight + 1)
    edited = dataclasses.replace(bank, questions=(q, *bank.questions[1:]))
    _vid, number, created = banks.save(demo, edited, note="heavier first question", actor="Analyst")
    assert created
    [entry] = audit.query(demo, AuditFilter(action="bank version created", actor="Analyst"))
    assert entry.entity_id == f"{bank.name} v{number}"
    assert entry.before == {"version": bank.version, "hash": bank.hash}
    assert entry.after["note"] == "heavier first question" and entry.after["hash"] != bank.hash


def test_evaluation_import_is_recorded(demo: Workspace) -> None:
    [entry] = audit.query(demo, AuditFilter(action="evaluation imported"))
    assert entry.actor == "diligence demo"
    assert entry.after["vendors"] == 4 and entry.after["answers"] > 0


def test_answers_import_is_recorded(demo: Workspace, tmp_path: Path) -> None:
    from app.services import spreadsheets

    out = tmp_path / "q.xlsx"
    spreadsheets.export_questionnaire(demo, DEMO_EVALUATION, VENDOR, out)
    before = len(audit.query(demo))
    spreadsheets.import_answers(demo, out, DEMO_EVALUATION, evaluator=_evaluator(demo))
    new = audit.query(demo)[: len(audit.query(demo)) - before]
    imported = [e for e in new if "import" in e.action]
    assert imported, [e.action for e in new]
    assert imported[0].actor and imported[0].before is not None and imported[0].after is not None
    assert imported[0].after.get("evaluator") == _evaluator(demo)


def test_filters_combine(demo: Workspace) -> None:
    who = _evaluator(demo)
    evaluations.record_answer(demo, DEMO_EVALUATION, VENDOR, who, "TR03", "0", "Zebra-note")
    assert [e.after["note"] for e in audit.query(demo, AuditFilter(text="zebra-NOTE"))] == ["Zebra-note"]
    assert audit.query(demo, AuditFilter(text="zebra", actor="someone else")) == []
    assert audit.query(demo, AuditFilter(text="100%_no_such")) == []  # LIKE wildcards are literal
    # The local days the trail spans (the demo may have been built before midnight, the answer
    # after it): those days hold every entry, the day after and the day before none.
    days = sorted({e.local_time.date() for e in audit.query(demo)})
    first, last = days[0], days[-1]
    assert len(audit.query(demo, AuditFilter(since=first, until=last))) == len(audit.query(demo))
    assert audit.query(demo, AuditFilter(since=last, until=last))[0].after["note"] == "Zebra-note"
    assert audit.query(demo, AuditFilter(since=last + timedelta(days=1))) == []
    assert audit.query(demo, AuditFilter(until=first - timedelta(days=1))) == []
    assert {e.entity for e in audit.query(demo, AuditFilter(entity="answer"))} == {"answer"}
    assert "answer changed" in audit.distinct_values(demo, "action")
    assert who in audit.distinct_values(demo, "actor")


def test_csv_export_neutralises_formulas(demo: Workspace, tmp_path: Path) -> None:
    who = _evaluator(demo)
    evaluations.record_answer(demo, DEMO_EVALUATION, VENDOR, who, "TR03", "3", "=HYPERLINK(\"http://x\")")
    evaluations.acknowledge_flag(demo, DEMO_EVALUATION, VENDOR, "vague_timeline", "@SUM(A1)", by="+attacker")
    out = tmp_path / "audit.csv"
    n = audit.export_csv(demo, out, AuditFilter())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(audit.CSV_COLUMNS) and len(rows) == n + 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not (cell.startswith("-") and not _is_number(cell)), cell
    assert any(cell.startswith("'+attacker") for row in rows for cell in row)
    assert any("'=HYPERLINK" in cell or "'{" in cell or "=HYPERLINK" in cell for row in rows for cell in row)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
