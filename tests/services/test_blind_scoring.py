"""Blind scoring on every surface: nobody sees an evaluator's scores until that evaluator submits.

The demo has two evaluators who both submitted. Here Daniel reopens his scoring (he is still
scoring), or nobody has submitted; then `diligence score` (text and JSON), the results workbook,
the executive PDF and the exchange JSON export are read back as a user would read them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from app.domain.evaluation import (
    SELF_ASSESSMENT,
    TEAM,
    EvaluationSnapshot,
    EvaluatorInfo,
    evaluate,
    may_see,
    visible_to,
)
from app.domain.flags import Lexicons
from app.domain.models import Answer, Organization, Vendor
from app.domain.text import Synonyms
from app.services import evaluations
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.domain.helpers import bank, q
from tests.report.helpers import flat, page_texts

MAYA = "Maya Chen (RevOps)"
DANIEL = "Daniel Okafor (Data)"
ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "data" / "demo.json").read_text(encoding="utf-8"))
# Daniel's notes are his alone: none may appear anywhere while he is still scoring.
DANIEL_NOTES = [a["note"] for v in DEMO["vendors"] for a in v["answers"] if a["evaluator"] == DANIEL and a.get("note")]
DANIEL_ANSWERS = sum(1 for v in DEMO["vendors"] for a in v["answers"] if a["evaluator"] == DANIEL)
EXPECTED = len(DEMO["bank"]["questions"]) * len(DEMO["vendors"])


def run(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--workspace", str(workspace), *args],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=180,
    )


def reopen(path: Path, *who: str) -> None:
    ws = open_workspace(path)
    try:
        for name in who:
            evaluations.set_submitted(ws, DEMO_EVALUATION, name, False)
    finally:
        ws.close()


# ----- the rule ------------------------------------------------------------------------------

SUBMITTED = "2027-01-04T09:00:00+00:00"


def _snap(ana_submitted: bool, ben_submitted: bool) -> EvaluationSnapshot:
    return EvaluationSnapshot(
        name="E", organization=Organization(), bank=bank(q("Q1")),
        evaluators=[EvaluatorInfo("Ana", SUBMITTED if ana_submitted else None),
                    EvaluatorInfo("Ben", SUBMITTED if ben_submitted else None), EvaluatorInfo(SELF_ASSESSMENT)],
        vendors=[Vendor("Acme")],
        answers=[Answer("Acme", "Ana", "Q1", "5"), Answer("Acme", "Ben", "Q1", "1"),
                 Answer("Acme", SELF_ASSESSMENT, "Q1", "4")],
    )


@pytest.mark.parametrize(
    ("ana", "ben", "reader", "seen"),
    [
        # Nobody submitted: the team sees nothing; each evaluator sees only their own.
        (False, False, TEAM, set()),
        (False, False, "Ana", {"Ana"}),
        # Ana submitted, Ben still scoring: Ben's answers are hidden from everyone else, Ana too.
        (True, False, TEAM, {"Ana"}),
        (True, False, "Ana", {"Ana"}),
        (True, False, "Ben", {"Ben"}),
        # Everyone submitted: everyone sees everything.
        (True, True, TEAM, {"Ana", "Ben"}),
        (True, True, "Ben", {"Ana", "Ben"}),
    ],
)
def test_who_sees_whose_answers(ana: bool, ben: bool, reader: str | None, seen: set[str]) -> None:
    snap = _snap(ana, ben)
    authors = {a.evaluator for a in visible_to(snap, reader).answers}
    # The vendor's own questionnaire response is evidence everyone sees.
    assert authors == seen | {SELF_ASSESSMENT}
    assert {e.name for e in snap.evaluators if e.name != SELF_ASSESSMENT and may_see(snap, reader, e.name)} == seen
    res = evaluate(snap, Lexicons(), Synonyms(), with_sensitivity=False, reader=reader)
    state = res.scoring
    assert state.provisional is not (ana and ben)
    assert [e.name for e in state.still_scoring] == [n for n, done in (("Ana", ana), ("Ben", ben)) if not done]
    assert all((e.answered, e.expected) == (1, 1) for e in state.still_scoring)
    # The total this reader sees: Ana's 5, Ben's 1, both (mean 3 of 5), or nothing at all.
    assert res.ranking[0].total == {"Ana": 100.0, "Ben": 20.0, "Ana+Ben": 60.0}.get("+".join(sorted(seen)))


def test_progress_counts_survive_the_filter_but_values_do_not() -> None:
    snap = visible_to(_snap(False, False))
    assert snap.answers == [Answer("Acme", SELF_ASSESSMENT, "Q1", "4")]
    assert [(e.name, e.answered, e.expected) for e in snap.scoring.still_scoring] == [("Ana", 1, 1), ("Ben", 1, 1)]
    again = visible_to(replace(snap))
    assert again.scoring == snap.scoring


# ----- the command line ------------------------------------------------------------------------


def test_score_text_and_json_hide_an_unsubmitted_evaluator(demo_path: Path) -> None:
    full = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    assert full["scoring"] == {"provisional": False, "submitted": [MAYA, DANIEL], "still_scoring": []}
    reopen(demo_path, DANIEL)
    data = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    assert data["scoring"] == {
        "provisional": True,
        "submitted": [MAYA],
        "still_scoring": [{"evaluator": DANIEL, "answered": DANIEL_ANSWERS, "of": EXPECTED}],
    }
    # Only Maya's answers count: no disagreement can be seen (it needs two evaluators' scores).
    assert all(v["disagreements"] == [] for v in data["ranking"])
    assert {v["vendor"]: v["total"] for v in data["ranking"]} != {v["vendor"]: v["total"] for v in full["ranking"]}
    # Maya alone, computed independently: her own evaluation where only she scored.
    ws = open_workspace(demo_path)
    try:
        snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    finally:
        ws.close()
    maya_only = replace(snap, answers=[a for a in snap.answers if a.evaluator == MAYA],
                        evaluators=[e for e in snap.evaluators if e.name == MAYA])
    expected = {v.vendor: v.total for v in evaluate(maya_only, Lexicons(), Synonyms(), with_sensitivity=False).ranking}
    assert {v["vendor"]: v["total"] for v in data["ranking"]} == pytest.approx(expected)
    text = run("score", DEMO_EVALUATION, workspace=demo_path).stdout
    assert "PROVISIONAL" in text and f"Still scoring: {DANIEL} ({DANIEL_ANSWERS} of {EXPECTED} answers)" in text


def test_score_shows_no_value_before_anyone_submits(demo_path: Path) -> None:
    reopen(demo_path, MAYA, DANIEL)
    data = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    assert data["scoring"]["provisional"] and data["scoring"]["submitted"] == []
    assert [v["total"] for v in data["ranking"]] == [None] * 4
    assert all(v["sections"] == {s: None for s in v["sections"]} for v in data["ranking"])
    text = run("score", DEMO_EVALUATION, workspace=demo_path).stdout
    assert "no evaluator has submitted yet, so no score is shown" in text
    assert "81.1" not in text


def test_json_export_keeps_everything_and_says_it_holds_unsubmitted_scores(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "full.json"
    r = run("export", DEMO_EVALUATION, str(out), workspace=demo_path)
    assert r.returncode == 0 and "unsubmitted" not in r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["evaluation"]["submitted"].keys() == {MAYA, DANIEL}
    reopen(demo_path, DANIEL)
    r = run("export", DEMO_EVALUATION, str(out), workspace=demo_path)
    assert r.returncode == 0
    assert f"This file contains unsubmitted scores: {DANIEL} has not submitted yet" in flat(r.stderr)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(doc["evaluation"]["submitted"]) == [MAYA]
    # The owner's file keeps Daniel's answers: lossless.
    assert sum(1 for v in doc["vendors"] for a in v["answers"] if a["evaluator"] == DANIEL) == DANIEL_ANSWERS


# ----- the results workbook and the PDF ----------------------------------------------------------


def test_results_workbook_holds_no_unsubmitted_answer(demo_path: Path, tmp_path: Path) -> None:
    reopen(demo_path, DANIEL)
    out = tmp_path / "results.xlsx"
    r = run("export", DEMO_EVALUATION, str(out), workspace=demo_path)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    answers = list(wb["Answers"].iter_rows(min_row=2, values_only=True))
    assert answers and {row[1] for row in answers} == {MAYA}
    assert not [n for n in DANIEL_NOTES if n in cells]
    assert any(c.startswith("PROVISIONAL") and f"{DANIEL} ({DANIEL_ANSWERS} of {EXPECTED} answers)" in c for c in cells)
    assert not any(row[6] for row in wb["Ranking"].iter_rows(min_row=2, max_row=5, values_only=True))  # disagreements


def test_pdf_is_marked_provisional_and_quotes_no_unsubmitted_note(demo_path: Path, tmp_path: Path) -> None:
    reopen(demo_path, DANIEL)
    out = tmp_path / "report.pdf"
    r = run("report", DEMO_EVALUATION, "--out", str(out), workspace=demo_path)
    assert r.returncode == 0, r.stderr
    pages = [flat(t) for t in page_texts(out)]
    whole = " ".join(pages)
    assert "PROVISIONAL" in pages[0] and f"Still scoring: {DANIEL} ({DANIEL_ANSWERS} of {EXPECTED} answers)" in pages[0]
    assert "No decision yet" in pages[0]
    assert "Leading so far:" in pages[0] and "Recommendation:" not in pages[0]
    assert not [n for n in DANIEL_NOTES if flat(n) in whole]
    assert f"still scoring: {DANIEL_ANSWERS} of {EXPECTED} answers" in whole


def test_pdf_before_anyone_submits_shows_progress_not_totals(demo_path: Path, tmp_path: Path) -> None:
    reopen(demo_path, MAYA, DANIEL)
    out = tmp_path / "report.pdf"
    assert run("report", DEMO_EVALUATION, "--out", str(out), workspace=demo_path).returncode == 0
    first = flat(page_texts(out)[0])
    assert "no evaluator has submitted yet, so no score is shown" in first
    assert "81.1" not in first and "Recommendation:" not in first


def test_questionnaire_import_summary_gives_counts_not_answers(demo_path: Path, tmp_path: Path) -> None:
    """Importing a filled questionnaire as an evaluator still scoring reports counts only."""
    from app.exchange.questionnaire import ANSWER_COL, COMMENT_COL

    reopen(demo_path, DANIEL)
    out = tmp_path / "q.xlsx"
    vendor = "Fresh Ridge Labs"
    assert run("questionnaire", DEMO_EVALUATION, "--vendor", vendor, "--out", str(out), workspace=demo_path).returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Questionnaire"]
    ws.cell(2, ANSWER_COL, 3)  # TR01, a number
    ws.cell(2, COMMENT_COL, "Three pilots, one live since May")
    wb.save(out)
    r = run("answers", "import", str(out), "--evaluation", DEMO_EVALUATION, "--evaluator", DANIEL, workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"Imported 1 answer for '{vendor}'")
    assert "Three pilots" not in r.stdout + r.stderr
    assert not [n for n in DANIEL_NOTES if n in r.stdout + r.stderr]
