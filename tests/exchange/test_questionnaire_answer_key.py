"""The questionnaire a vendor receives carries no answer key.

What a vendor is asked (the questions, the form of an answer, the evidence to give) is kept
apart from what evaluators are told: the bank's guidance ("Bad: 'we have never had a failed
project'"), the scale rubrics and the phrases the red-flag rules look for never leave in the
vendor's file. The workbook is opened with openpyxl and every cell of every sheet, hidden ones
too, is searched.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from app.domain.bank import Bank
from app.domain.models import Organization, Stage, Vendor
from app.exchange.questionnaire import ANSWER_COL, COMMENT_COL
from app.services import evaluations, knowledge, organization
from app.services.spreadsheets import export_questionnaire, import_answers
from tests.conftest import DEMO_EVALUATION

NEWCOMER = "Newcomer Analytics"  # a vendor we know nothing about: nothing of theirs is prefilled


def _cells(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    text = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join(text)


def _answer_key(bank: Bank) -> list[str]:
    """Everything evaluators are told that a vendor must not read, as exact phrases."""
    key: list[str] = []
    for q in bank.questions:
        if q.guidance.strip():
            key.append(q.guidance.strip())
            # The quoted examples inside the guidance ("Bad: 'nothing, we handle everything'").
            quoted = re.findall(r"['‘“\"]([^'’”\"]{6,})['’”\"]", q.guidance)
            key += [m.strip() for m in quoted if " " in m.strip()]
        key += [level.strip() for level in q.rubric.values() if level.strip()]
        rule = q.flag_rule.strip()
        if rule:
            key.append(rule)
            parts = rule.split(":")
            key.append(parts[-1].strip())  # the flag's own message
            if parts[0].startswith("contains="):
                key += [p.strip() for p in parts[0][len("contains="):].split("|") if p.strip()]
    # A choice's labels are the answers a vendor picks from ("Not addressed"): they must be there.
    labels = {label for q in bank.questions for label, _ in q.choices}
    return [k for k in dict.fromkeys(key) if k and k not in labels]


@pytest.fixture
def questionnaire(demo, tmp_path: Path) -> tuple[Path, Bank]:
    organization.save(demo, Organization(
        name="Acme Revenue Cloud", industry="B2B SaaS", stage=Stage.SCALE_UP,
        systems=["Salesforce", "Snowflake"], infrastructure=["CRM"], regulations=["GDPR", "SOC 2"]))
    evaluations.save_vendor(demo, DEMO_EVALUATION, Vendor(NEWCOMER))
    out = tmp_path / "newcomer.xlsx"
    export_questionnaire(demo, DEMO_EVALUATION, NEWCOMER, out)
    return out, evaluations.load_snapshot(demo, DEMO_EVALUATION).bank


def test_the_vendors_workbook_holds_no_guidance_rubric_or_flag_phrase(questionnaire) -> None:
    path, bank = questionnaire
    text = _cells(path)
    key = _answer_key(bank)
    assert len(key) > 100  # the demo bank has guidance, rubrics and flag rules to leak
    leaked = [k for k in key if k in text]
    assert leaked == []
    assert "never had a failed project" not in text and "we handle everything" not in text


def test_the_vendors_workbook_holds_no_red_flag_lexicon_phrase(questionnaire) -> None:
    path, _bank = questionnaire
    low = _cells(path).casefold()
    lex = knowledge.lexicons()
    found = [
        phrase
        for phrase in (*lex.vague_timeline, *lex.generalist_claims)
        if re.search(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)", low)
    ]
    assert found == []


def test_the_vendor_is_told_what_the_questions_assume_about_us(questionnaire) -> None:
    path, _bank = questionnaire
    rows = [str(r[0]) for r in openpyxl.load_workbook(path)["Instructions"].iter_rows(values_only=True) if r[0]]
    start = rows.index("About us: what the questions assume")
    block = rows[start:start + 6]
    assert "Company: Acme Revenue Cloud" in block
    assert "Industry: B2B SaaS" in block and "Stage: scale-up" in block
    assert "Systems we use: Salesforce; Snowflake" in block
    assert "Regulations that apply to us: GDPR; SOC 2" in block
    # Our infrastructure list is what the infrastructure red flag checks against: not sent.
    assert not any(r.startswith("Infrastructure") for r in block)


def test_the_round_trip_still_reads_the_answers_back(questionnaire, demo) -> None:
    path, bank = questionnaire
    wb = openpyxl.load_workbook(path)
    ws = wb["Questionnaire"]
    header = [c.value for c in ws[1]]
    assert "guidance" not in header
    assert (header[ANSWER_COL - 1], header[COMMENT_COL - 1]) == ("answer", "comment")
    scale = next(r for r, q in enumerate(bank.questions, start=2) if q.type.value == "scale")
    ws.cell(scale, ANSWER_COL, 4)
    ws.cell(scale, COMMENT_COL, "Two clients live since 2025, names on request")
    wb.save(path)
    summary = import_answers(demo, path, DEMO_EVALUATION)
    assert summary.answers == 1
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    mine = [a for a in snap.answers if a.vendor == NEWCOMER]
    assert [(a.question, a.value, a.note) for a in mine] == [
        (bank.questions[scale - 2].id, "4", "Two clients live since 2025, names on request")]
