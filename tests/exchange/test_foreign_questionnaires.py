"""Foreign questionnaires: the shapes real ones have, read through detection or a mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import banks
from app.services.errors import InputError
from app.services.spreadsheets import (
    BankImportOptions,
    import_bank_file,
    preview_bank_file,
    read_bank_file,
)
from tests.exchange.builders import with_formulas, write_xlsx

TITLE = ["Acme Corp — AI partner RFP questionnaire 2026"]
HEADER = ["Ref", "Category", "Requirement", "Guidance notes", "Weighting", "Vendor response"]


def _rfp(path: Path, extra_sheets: dict[str, list[list[object]]] | None = None, hidden: tuple[str, ...] = (),
         merged: dict[str, list[str]] | None = None, rows: list[list[object]] | None = None) -> Path:
    body = rows or [
        ["1.1", "Data", "Describe how you assess our data quality before you start.", "Look for a written audit", 3],
        ["1.2", "Data", "Do you need access to our CRM history?", "", 2],
        ["2.1", "Security", "Are you SOC 2 Type II certified?", "Ask for the report", 5],
    ]
    sheets = dict(extra_sheets or {})
    sheets["RFP"] = [TITLE, [], HEADER, *body]
    return write_xlsx(path, sheets, hidden=hidden, merged=merged)


def test_title_row_above_header_on_row_3_is_detected(tmp_path: Path) -> None:
    p = _rfp(tmp_path / "rfp.xlsx")
    pv = preview_bank_file(p)
    assert pv.detected_header_row == 3 and pv.header_row == 3
    assert pv.questions_count == 3 and pv.errors == []
    bank, warns = read_bank_file(p, name="RFP")
    q = bank.questions[0]
    assert (q.id, q.section, q.question, q.guidance, q.weight) == (
        "1.1", "Data", "Describe how you assess our data quality before you start.", "Look for a written audit", 3.0)
    assert q.type.value == "scale" and q.layer.value == "data"
    assert bank.questions[2].layer.value == "systems"  # guessed from "Security"
    assert any("'Vendor response'" in w for w in warns)  # an unmapped column is named
    assert any("no type column" in w for w in warns)


def test_hidden_first_sheet_is_skipped(tmp_path: Path) -> None:
    p = _rfp(tmp_path / "rfp.xlsx", extra_sheets={"Lookups": [["yes"], ["no"]]}, hidden=("Lookups",))
    pv = preview_bank_file(p)
    assert pv.sheet == "RFP" and pv.hidden_sheets == ["Lookups"] and pv.sheets == ["Lookups", "RFP"]
    bank, warns = read_bank_file(p)
    assert len(bank.questions) == 3
    assert any("hidden sheet" in w for w in warns)


def test_merged_section_cells_fill_down(tmp_path: Path) -> None:
    rows = [
        ["1.1", "Data management", "First data question?", "", 1],
        ["1.2", None, "Second data question?", "", 1],
        ["1.3", None, "Third data question?", "", 1],
        ["2.1", "Commercials", "What is your pricing model?", "", 1],
    ]
    p = _rfp(tmp_path / "rfp.xlsx", rows=rows, merged={"RFP": ["B4:B6"]})
    bank, _ = read_bank_file(p)
    assert [q.section for q in bank.questions] == ["Data management"] * 3 + ["Commercials"]
    assert bank.questions[3].layer.value == "commercial"


def test_section_header_rows_become_the_section_of_following_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Section A: Track record"],
        ["A1", None, "How many systems are live?", "", 2],
        ["A2", None, "Can we call two references?", "", 2],
        [None, None, "Section B: Data"],  # the label in another column, merged across in the original
        ["B1", None, "Who cleans the data?", "", 1],
    ]
    p = _rfp(tmp_path / "rfp.xlsx", rows=rows, merged={"RFP": ["C7:F7"]})
    bank, _ = read_bank_file(p)
    assert [(q.id, q.section) for q in bank.questions] == [
        ("A1", "Section A: Track record"), ("A2", "Section A: Track record"), ("B1", "Section B: Data")]


def test_rows_without_id_or_question_are_skipped_with_one_warning(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["1", "S", "Real question one?", "", 1],
        [None, "S", "A question without an id", "note", 1],
        ["3", "S", None, "guidance only", 1],
        ["4", "S", "Real question four?", "", 1],
        [None, "S", "Another orphan", "x", 2],
    ]
    p = _rfp(tmp_path / "rfp.xlsx", rows=rows)
    bank, warns = read_bank_file(p)
    assert [q.id for q in bank.questions] == ["1", "4"]
    skipped = [w for w in warns if "skipped" in w]
    assert len(skipped) == 1 and "rows 5, 6, 8" in skipped[0].replace("row(s)", "rows")


def test_formulas_are_read_by_cached_value_never_evaluated(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["id", "section", "question", "weight"],
        ["Q1", "S", "Plain question?", None],
        ["Q2", "S", None, None],
    ]
    p = with_formulas(tmp_path / "f.xlsx", rows, {
        "D2": ("2+3", 5),
        "C3": ('"Computed "&"question?"', "Computed question?"),
        "D3": ("NOW()*0+1", 1),
    })
    bank, _ = read_bank_file(p, options=BankImportOptions(default_type="yes_no"))
    assert [(q.id, q.question, q.weight) for q in bank.questions] == [
        ("Q1", "Plain question?", 5.0), ("Q2", "Computed question?", 1.0)]


def test_smart_quotes_multiline_cells_and_blank_headers(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["ID", None, "Question", None, "Weight"],
        ["Q1", "ignored", "Do you “own” the model’s\nretraining?", "x", 2],
    ]
    p = write_xlsx(tmp_path / "q.xlsx", {"Sheet1": rows})
    pv = preview_bank_file(p)
    assert pv.columns[1] == "B (no header)" and pv.columns[2] == "C: Question"
    bank, _ = read_bank_file(p)
    assert bank.questions[0].question == "Do you \"own\" the model's\nretraining?"
    assert bank.questions[0].section == "General"
    # A blank-header column can still be mapped by its letter.
    bank2, _ = read_bank_file(p, options=BankImportOptions(mapping=("section=B",)))
    assert bank2.questions[0].section == "ignored"


def test_explicit_mapping_default_type_and_weight(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Questionnaire v3"],
        ["Num", "Topic", "Ask", "Points", "Kind"],
        ["7", "Team", "Is the team dedicated?", None, "Yes/No"],
        ["8", "Team", "Describe the team.", None, "Free text"],
        ["9", "Team", "Rate your MLOps maturity", None, None],
    ]
    p = write_xlsx(tmp_path / "q.xlsx", {"Q": rows})
    bank, _ = read_bank_file(p, options=BankImportOptions(
        mapping=("id=Num", "section=Topic", "question=Ask", "type=Kind"), default_type="scale", default_weight=4))
    got = [(q.id, q.type.value, q.weight) for q in bank.questions]
    assert got == [("7", "yes_no", 4.0), ("8", "text", 0.0), ("9", "scale", 4.0)]


def test_header_row_option_overrides_detection(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Question", "Notes"], ["Ask", "Ref"], ["What is X?", "1"]]
    p = write_xlsx(tmp_path / "q.xlsx", {"Q": rows})
    pv = preview_bank_file(p, BankImportOptions(header_row=2, mapping=("question=Ask", "id=Ref")))
    assert pv.header_row == 2 and pv.questions_count == 1 and pv.mapping == {"question": 0, "id": 1}


def test_bad_mapping_names_the_columns_that_exist(tmp_path: Path) -> None:
    p = _rfp(tmp_path / "rfp.xlsx")
    with pytest.raises(InputError) as err:
        read_bank_file(p, options=BankImportOptions(mapping=("question=Nope",)))
    assert "no column named 'Nope'" in str(err.value) and "'Requirement'" in str(err.value)
    with pytest.raises(InputError, match="is not a bank field"):
        read_bank_file(p, options=BankImportOptions(mapping=("colour=Requirement",)))
    with pytest.raises(InputError, match="default-type"):
        read_bank_file(p, options=BankImportOptions(default_type="essay"))


def test_preview_lists_every_error_and_imports_nothing(workspace: object, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["1", "S", "Good?", "", 1],
        ["2", "S", "Bad weight?", "", -1],
        ["3", "S", "Also bad?", "", "lots"],
    ]
    p = _rfp(tmp_path / "rfp.xlsx", rows=rows)
    pv = preview_bank_file(p)
    assert pv.questions_count == 1 and len(pv.errors) == 2 and not pv.ok
    assert 'sheet "RFP", row 5, column E (weight)' in pv.errors[0]
    before = [b.name for b in banks.list_banks(workspace)]  # type: ignore[arg-type]
    with pytest.raises(InputError):
        import_bank_file(workspace, p, name="RFP")
    assert [b.name for b in banks.list_banks(workspace)] == before  # type: ignore[arg-type]
