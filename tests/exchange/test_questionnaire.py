"""Vendor questionnaire round trip: export, fill in as a vendor would, import, score."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from app.domain.bank import Bank, Question, QuestionType
from app.domain.models import Reference, Vendor
from app.exchange.questionnaire import ANSWER_COL, COMMENT_COL
from app.services import banks, evaluations
from app.services.errors import InputError
from app.services.spreadsheets import (
    SELF_ASSESSMENT,
    export_questionnaire,
    export_results_workbook,
    import_answers,
)
from tests.conftest import DEMO_EVALUATION

EVAL = "Questionnaire test"
VENDOR = "Acme AI"


@pytest.fixture
def setup(workspace: object) -> object:
    # The default bank asks for evidence, never yes/no; add a yes/no question that allows n/a,
    # as a bank of the buyer's own may well have, so every answer type goes through the workbook.
    from app.domain.bank import Bank, make_question

    yes_no = make_question({"id": "YN01", "section": "Checks", "layer": "systems", "type": "yes_no", "weight": "1",
                            "question": "Is the model hosted in the EU?", "allow_na": "yes"})
    version_id, _, _ = banks.save(workspace, Bank("Questionnaire bank", (*banks.default_bank().questions, yes_no)))  # type: ignore[arg-type]
    evaluations.create_evaluation(workspace, EVAL, version_id, ["Maya"])  # type: ignore[arg-type]
    evaluations.save_vendor(workspace, EVAL, Vendor(VENDOR, industries=["retail"], claims="We do lead scoring",  # type: ignore[arg-type]
                                                    references=[Reference("Shopco", "retail", "scale-up", True, True)]))
    return workspace


def _answer_for(q: Question, i: int) -> object:
    if q.type is QuestionType.YES_NO:
        return "yes" if i % 3 else "no"
    if q.type is QuestionType.SCALE:
        return i % 6
    if q.type is QuestionType.NUMBER:
        return i * 1.5
    if q.type is QuestionType.CHOICE:
        return q.choices[i % len(q.choices)][0]
    return f"=We answer question {i} in free text"  # text that looks like a formula stays text


def _fill(path: Path, bank: Bank) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Questionnaire"]
    given: dict[str, object] = {}
    for r in range(2, ws.max_row + 1):
        qid = ws.cell(r, 1).value
        q = bank.question(qid)
        value = _answer_for(q, r)
        cell = ws.cell(r, ANSWER_COL, value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        ws.cell(r, COMMENT_COL, f"evidence for {qid}")
        given[qid] = value
    pr = wb["Profile"]
    labels = {pr.cell(r, 1).value: r for r in range(1, pr.max_row + 1)}
    pr.cell(labels["Production deployments in our industry"], 2, 3)
    pr.cell(labels["Industries you serve"], 2, "retail; e-commerce")
    tl = wb["Timeline"]
    tl.cell(2, 2, 5)
    tl.cell(6, 1, "Pilot live")
    tl.cell(6, 2, 2)
    rf = wb["References"]
    rf.cell(3, 1, "Bigmart")
    rf.cell(3, 4, "yes")
    rf.cell(3, 5, "no")
    wb.save(path)
    return given


def test_export_fill_import_gives_the_expected_scores(setup: object, tmp_path: Path) -> None:
    ws = setup
    out = tmp_path / "acme.xlsx"
    export_questionnaire(ws, EVAL, VENDOR, out)
    bank = evaluations.load_snapshot(ws, EVAL).bank  # type: ignore[arg-type]
    given = _fill(out, bank)
    # By default the answers are the vendor's own response: evaluators score it, it is no score.
    summary = import_answers(ws, out, EVAL)
    assert summary.evaluator == SELF_ASSESSMENT and summary.evaluator_created and summary.profile_changed
    assert summary.answers == len(bank.questions)
    assert str(summary).startswith(f"Imported {len(bank.questions)} answers for 'Acme AI'")
    unscored = evaluations.score(ws, EVAL, with_sensitivity=False)  # type: ignore[arg-type]
    assert next(v for v in unscored.ranking if v.vendor == VENDOR).total is None
    # An evaluator who adopts the answers as their scores (--evaluator) gives the vendor a total.
    import_answers(ws, out, EVAL, evaluator="Maya")
    evaluations.set_submitted(ws, EVAL, "Maya")  # type: ignore[arg-type]  # blind until then
    # Expected total computed independently from the filled values.
    num = den = 0.0
    for q in bank.questions:
        if q.scored:
            reading = q.read(given[q.id])
            num += q.weight * (reading.score or 0.0)
            den += q.weight
    results = evaluations.score(ws, EVAL, with_sensitivity=False)  # type: ignore[arg-type]
    acme = next(v for v in results.ranking if v.vendor == VENDOR)
    assert acme.total == pytest.approx(100 * num / den)
    snap = evaluations.load_snapshot(ws, EVAL)  # type: ignore[arg-type]
    vendor = snap.vendor(VENDOR)
    assert vendor.production_deployments_in_industry == 3
    assert vendor.industries == ["retail", "e-commerce"]
    assert vendor.timeline.kickoff_to_production_months == 5
    assert [(m.name, m.month) for m in vendor.timeline.milestones] == [("Pilot live", 2)]
    assert [(r.company, r.in_production, r.contactable) for r in vendor.references] == [
        ("Shopco", True, True), ("Bigmart", True, False)]
    text_q = next(q for q in bank.questions if q.type is QuestionType.TEXT)
    answer = next(a for a in snap.answers if a.question == text_q.id)
    assert answer.value.startswith("=We answer") and answer.note == f"evidence for {text_q.id}"


def test_workbook_is_protected_with_dropdowns_and_identification(setup: object, tmp_path: Path) -> None:
    out = tmp_path / "acme.xlsx"
    export_questionnaire(setup, EVAL, VENDOR, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Instructions", "Questionnaire", "_lists", "Profile", "References", "Timeline", "_diligence"]
    assert wb["_diligence"].sheet_state == "hidden" and wb["_lists"].sheet_state == "hidden"
    ws = wb["Questionnaire"]
    assert [c.value for c in ws[1]] == ["id", "section", "question", "answer type", "allowed answers", "answer", "comment"]
    assert ws.protection.sheet
    assert ws.cell(2, ANSWER_COL).protection.locked is False and ws.cell(2, COMMENT_COL).protection.locked is False
    assert ws.cell(2, 3).protection.locked is not False
    validated = {str(rng) for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
    bank = evaluations.load_snapshot(setup, EVAL).bank  # type: ignore[arg-type]
    needs = [r for r, q in enumerate(bank.questions, start=2) if q.type is not QuestionType.TEXT]
    assert all(f"F{r}" in validated for r in needs)
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal"} <= kinds
    na_q = next((r, q) for r, q in enumerate(bank.questions, start=2) if q.allow_na and q.type is QuestionType.YES_NO)
    lists = wb["_lists"]
    dv = next(d for d in ws.data_validations.dataValidation if f"F{na_q[0]}" in {str(x) for x in d.sqref.ranges})
    col = dv.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    assert [lists[f"{col}{i}"].value for i in (1, 2, 3)] == ["yes", "no", "n/a"]
    meta = {r[0].value: r[1].value for r in wb["_diligence"].iter_rows()}
    assert meta["evaluation"] == EVAL and meta["vendor"] == VENDOR and len(meta["bank_hash"]) == 64


def _counts(ws: object) -> dict[str, int]:
    db = next(Path(ws.location).glob("*.sqlite*"))  # type: ignore[attr-defined]
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("answer", "evaluator", "vendor_reference", "milestone", "audit_log")}
    finally:
        con.close()


def test_bad_answer_is_refused_with_its_row_and_nothing_changes(setup: object, tmp_path: Path) -> None:
    ws = setup
    out = tmp_path / "acme.xlsx"
    export_questionnaire(ws, EVAL, VENDOR, out)
    bank = evaluations.load_snapshot(ws, EVAL).bank  # type: ignore[arg-type]
    _fill(out, bank)
    row = next(r for r, q in enumerate(bank.questions, start=2) if q.type is QuestionType.YES_NO)
    wb = openpyxl.load_workbook(out)
    wb["Questionnaire"].cell(row, ANSWER_COL, "maybe")
    wb.save(out)
    before = _counts(ws)
    r = subprocess.run([sys.executable, "-m", "app", "answers", "import", str(out), "--evaluation", EVAL,
                        "--workspace", str(ws.location)], capture_output=True, text=True, timeout=60)  # type: ignore[attr-defined]
    assert r.returncode == 2
    assert r.stderr.strip() == f"diligence: acme.xlsx, sheet \"Questionnaire\", row {row}, column F (answer): 'maybe' is not yes or no"
    assert _counts(ws) == before


def test_workbook_for_another_evaluation_or_vendor_is_refused(demo: object, tmp_path: Path) -> None:
    bank = banks.list_banks(demo)[0]  # type: ignore[arg-type]
    evaluations.create_evaluation(demo, EVAL, bank.version_id, [])  # type: ignore[arg-type]
    evaluations.save_vendor(demo, EVAL, Vendor(VENDOR))  # type: ignore[arg-type]
    out = tmp_path / "acme.xlsx"
    export_questionnaire(demo, EVAL, VENDOR, out)
    with pytest.raises(InputError, match=f"made for evaluation '{EVAL}'"):
        import_answers(demo, out, DEMO_EVALUATION)
    evaluations.delete_vendor(demo, EVAL, VENDOR)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=f"made for vendor '{VENDOR}'"):
        import_answers(demo, out, EVAL)


def test_reimport_replaces_answers_and_is_audited(setup: object, tmp_path: Path) -> None:
    ws = setup
    out = tmp_path / "acme.xlsx"
    export_questionnaire(ws, EVAL, VENDOR, out)
    bank = evaluations.load_snapshot(ws, EVAL).bank  # type: ignore[arg-type]
    _fill(out, bank)
    import_answers(ws, out, EVAL)
    # The next export is prefilled with the first response; the vendor clears one answer.
    out2 = tmp_path / "acme-v2.xlsx"
    export_questionnaire(ws, EVAL, VENDOR, out2)
    wb = openpyxl.load_workbook(out2)
    sheet = wb["Questionnaire"]
    assert sheet.cell(2, ANSWER_COL).value not in (None, "")
    sheet.cell(2, ANSWER_COL).value = None
    sheet.cell(2, COMMENT_COL).value = None
    wb.save(out2)
    second = import_answers(ws, out2, EVAL)
    assert second.replaced == len(bank.questions) and second.answers == len(bank.questions) - 1
    snap = evaluations.load_snapshot(ws, EVAL)  # type: ignore[arg-type]
    assert bank.questions[0].id not in {a.question for a in snap.answers}
    db = next(Path(ws.location).glob("*.sqlite*"))  # type: ignore[attr-defined]
    con = sqlite3.connect(db)
    n = con.execute("select count(*) from audit_log where action = 'questionnaire imported'").fetchone()[0]
    con.close()
    assert n == 2


def test_existing_evaluator_or_refusal(setup: object, tmp_path: Path) -> None:
    out = tmp_path / "acme.xlsx"
    export_questionnaire(setup, EVAL, VENDOR, out)
    with pytest.raises(InputError, match="'Nobody' is not an evaluator"):
        import_answers(setup, out, EVAL, evaluator="Nobody")
    s = import_answers(setup, out, EVAL, evaluator="Maya")
    assert s.evaluator == "Maya" and not s.evaluator_created


def test_results_workbook_has_the_four_sheets(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    r = subprocess.run([sys.executable, "-m", "app", "export", DEMO_EVALUATION, str(out), "--workspace", str(demo_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ranking", "Sections", "Answers", "Flags"]
    ranking = [[c.value for c in row] for row in wb["Ranking"].iter_rows(min_row=2, max_row=5)]
    assert ranking[0][:3] == [1, "Signal & Scale Partners", 81.1]
    assert ranking[-1][1] == "Fresh Ridge Labs" and ranking[-1][3] == "yes"
    answers = list(wb["Answers"].iter_rows(min_row=2, values_only=True))
    assert {a[1] for a in answers} == {"Maya Chen (RevOps)", "Daniel Okafor (Data)"}
    flags = list(wb["Flags"].iter_rows(min_row=2, values_only=True))
    assert any(f[0] == "OmniAI Solutions" and f[2] == "critical" for f in flags)


def test_results_workbook_via_service(demo: object, tmp_path: Path) -> None:
    out = export_results_workbook(demo, DEMO_EVALUATION, tmp_path / "r.xlsx")
    assert openpyxl.load_workbook(out)["Sections"].cell(1, 1).value == "vendor"


def test_text_longer_than_a_cell_holds_is_refused_not_cut(setup: object, tmp_path: Path) -> None:
    """A spreadsheet cell keeps 32,767 characters: longer claims would come back cut short."""
    claims = "We build and run scoring pipelines. " * 1128  # 40,608 characters
    evaluations.save_vendor(setup, EVAL, Vendor(VENDOR, industries=["retail"], claims=claims), old_name=VENDOR)  # type: ignore[arg-type]
    out = tmp_path / "acme.xlsx"
    with pytest.raises(InputError) as refused:
        export_questionnaire(setup, EVAL, VENDOR, out)
    message = str(refused.value)
    assert "32,767" in message and "40,608 characters" in message and "cut short" in message
    assert "(What you do (claims))" in message  # the row is named, as the vendor reads it
    assert not out.exists()
