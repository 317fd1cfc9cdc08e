"""The world's questionnaires in: every question, the right sections and types, or every problem at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.services.errors import InputError
from app.services.spreadsheets import BankImportOptions, dry_run_bank_file, read_bank_file
from tests.exchange import world
from tests.exchange.builders import with_formulas, write_xlsx


def _cli(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
                          capture_output=True, text=True, timeout=120)


def _questions_in_db(workspace: Path) -> int:
    con = sqlite3.connect(next(workspace.glob("*.sqlite*")))
    try:
        return int(con.execute("select count(*) from question").fetchone()[0])
    finally:
        con.close()


def test_caiq_domains_fill_down_and_yes_no_na_dropdowns_become_yes_no(tmp_path: Path) -> None:
    p = world.caiq(tmp_path / "caiq.xlsx")
    bank, warns = read_bank_file(p, name="CAIQ")
    ids = world.caiq_ids()
    assert len(bank.questions) == len(ids) == 261
    # The domain cell is filled only on each domain's first row: every question keeps its domain.
    assert [(q.id, q.section) for q in bank.questions] == ids
    assert len({q.section for q in bank.questions}) == 17
    assert {q.type.value for q in bank.questions} == {"yes_no"} and all(q.allow_na for q in bank.questions)
    assert any('read sheet "CAIQv4.0.3"' in w for w in warns)  # the intro sheet holds no questions


def test_hecvat_needs_a_sheet_choice_and_reads_section_rows_inside_the_table(tmp_path: Path) -> None:
    p = world.hecvat(tmp_path / "hecvat.xlsx")
    with pytest.raises(InputError) as err:
        read_bank_file(p)
    msg = str(err.value)
    assert "several sheets hold questions" in msg and '"AI" (15 rows)' in msg and '"Privacy" (9 rows)' in msg
    assert "--sheet" in msg
    bank, _ = read_bank_file(p, options=BankImportOptions(sheets=("AI",)))
    assert len(bank.questions) == world.hecvat_count("AI")
    assert Counter(q.section for q in bank.questions) == {"AI Policy": 6, "AI Data Protection": 5, "AI Model Security": 4}
    assert {(q.type.value, q.allow_na) for q in bank.questions} == {("yes_no", False)}
    both, _ = read_bank_file(p, options=BankImportOptions(sheets=("AI", "Privacy")))
    assert len(both.questions) == world.hecvat_count("AI") + world.hecvat_count("Privacy")
    assert Counter(q.section for q in both.questions)["Data Subject Rights"] == 4


def test_converted_cisa_library_skips_metadata_sheets_and_reads_answer_codes(tmp_path: Path) -> None:
    p = world.cisa_library(tmp_path / "cisa.xlsx")
    bank, warns = read_bank_file(p)
    assert len(bank.questions) == world.cisa_count()
    assert [q.id for q in bank.questions[:3]] == ["1.1", "1.2", "1.3"]
    assert Counter(q.section for q in bank.questions) == {t: n for _, t, n in world.CISA_SECTIONS}
    kinds = Counter((q.type.value, q.allow_na) for q in bank.questions)
    # YNANA: Yes/No/Alternate/N/A is a choice with n/a; TXT is text; YNA: Yes/No/N/A is yes/no with n/a.
    assert kinds == {("choice", True): 6, ("text", False): 7, ("yes_no", True): 7}
    choice = next(q for q in bank.questions if q.type.value == "choice")
    # Yes and No are worth what they mean; "Alternate" is a guess by its place, and said to be one.
    assert choice.options == "Yes=5|No=0|Alternate=0"
    assert any('read sheet "questionnaire_content"' in w for w in warns)
    assert any("answers whose points are a guess (Alternate): they run evenly from 5" in w for w in warns)


def test_vsaq_json_blocks_become_sections(tmp_path: Path) -> None:
    bank, _ = read_bank_file(world.vsaq(tmp_path / "webapp.json"))
    got = [(q.id, q.section, q.type.value) for q in bank.questions]
    assert got == [
        ("application_name", "Application", "text"),
        ("application_vm_contact", "Application", "yes_no"),
        ("application_ssl", "Transport security", "choice"),
        ("tls_certificates", "Transport security", "text"),
        ("tls_protocols", "Transport security", "text"),
    ]


@pytest.mark.parametrize("shape", ["list", "object"])
def test_json_question_lists_go_through_the_same_mapping(tmp_path: Path, shape: str) -> None:
    items = [
        {"Ref": "G1", "Category": "Governance", "Question": "Do you have an AI policy?", "Type": "Yes/No/N/A"},
        {"Ref": "G2", "Category": "Governance", "Question": "How mature is your model review?",
         "options": ["Not started", "Piloting", "In production"]},
        {"Ref": "D1", "Category": "Data", "Question": "Where is our data stored?", "Type": "TXT"},
    ]
    p = tmp_path / "q.json"
    p.write_text(json.dumps(items if shape == "list" else {"questions": items}), encoding="utf-8")
    bank, _ = read_bank_file(p, options=BankImportOptions(type_map=("TXT=text",)))
    got = [(q.id, q.section, q.type.value, q.allow_na, q.options) for q in bank.questions]
    assert got == [
        ("G1", "Governance", "yes_no", True, ""),
        ("G2", "Governance", "choice", False, "Not started=5|Piloting=2.5|In production=0"),
        ("D1", "Data", "text", False, ""),
    ]


def test_ods_reads_like_xlsx_and_ignores_a_million_repeated_empty_rows(tmp_path: Path) -> None:
    p = world.ods(tmp_path / "bank.ods", {
        "Notes": [["Read me first"]],
        "Questions": [["Ref", "Domain", "Question", "Answer type"],
                      ["1", "Security", "Is data encrypted at rest and in transit?", "Yes/No"],
                      ["2", None, "Do you run yearly penetration tests on the product?", "Yes/No"],
                      ["3", "Commercial", "What are your payment terms for this work?", "Free text"]],
    })
    bank, _ = read_bank_file(p)
    assert [(q.id, q.section, q.type.value) for q in bank.questions] == [
        ("1", "Security", "yes_no"), ("2", "Security", "yes_no"), ("3", "Commercial", "text")]


def test_type_map_and_every_unknown_type_reported_at_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [["ID", "Question", "Answer type"]]
    rows += [[f"Q{i}", f"Is requirement number {i} met by your product?", ["TXT", "YNANA", "odd", "Yes/No"][i % 4]]
             for i in range(1, 13)]
    p = write_xlsx(tmp_path / "codes.xlsx", {"Questions": rows})
    with pytest.raises(InputError) as err:
        read_bank_file(p)
    msg = str(err.value)
    # One problem per unknown value, each naming its rows; nothing read.
    assert "3 problems; nothing was imported" in msg
    assert "'TXT' is not an answer type (rows 5, 9" in msg and "--type-map TXT=TYPE" in msg
    assert 'codes.xlsx, sheet "Questions", row 2, column C (type)' in msg
    bank, _ = read_bank_file(p, options=BankImportOptions(type_map=("TXT=text", "ynana=yes_no+na", "odd=scale")))
    kinds = Counter((q.type.value, q.allow_na) for q in bank.questions)
    assert kinds == {("text", False): 3, ("yes_no", True): 3, ("scale", False): 3, ("yes_no", False): 3}
    with pytest.raises(InputError, match="'sometimes' is neither an answer type \\(yes_no"):
        read_bank_file(p, options=BankImportOptions(type_map=("TXT=sometimes",)))


def test_default_type_and_section_from_id_prefix(tmp_path: Path) -> None:
    rows = [["ID", "Question"], ["GOV-1", "Is there an owner for AI risk in the company?"],
            ["GOV-2", "Is the AI policy reviewed every year by the board?"], ["DAT-1", "Is training data kept apart from ours?"]]
    p = write_xlsx(tmp_path / "q.xlsx", {"Questions": rows})
    bank, _ = read_bank_file(p, options=BankImportOptions(default_type="yes_no+na", section_from="id-prefix"))
    assert [(q.section, q.type.value, q.allow_na) for q in bank.questions] == [
        ("GOV", "yes_no", True), ("GOV", "yes_no", True), ("DAT", "yes_no", True)]
    named = write_xlsx(tmp_path / "n.xlsx", {"Model risk": rows})
    bank, _ = read_bank_file(named)
    assert {q.section for q in bank.questions} == {"Model risk"}  # no section column: the sheet's name


def test_every_problem_is_listed_up_to_fifty_and_nothing_is_written(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Ref", "Category", "Requirement", "Weighting"]]
    rows += [[f"R{i}", "Data", f"Requirement number {i} for the vendor?", -1] for i in range(1, 81)]
    p = write_xlsx(tmp_path / "bad.xlsx", {"RFP": rows})
    ws = tmp_path / "ws"
    r = _cli("bank", "import", str(p), workspace=ws)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert "50 problems (the first 50 are listed); nothing was imported" in lines[0]
    assert len([ln for ln in lines if "column D (weight)" in ln]) == 50
    assert 'bad.xlsx, sheet "RFP", row 2, column D (weight)' in lines[1]
    assert _questions_in_db(ws) == _questions_in_db_default(tmp_path)


def _questions_in_db_default(tmp_path: Path) -> int:
    fresh = tmp_path / "fresh"
    _cli("bank", "list", workspace=fresh)
    return _questions_in_db(fresh)


def test_dry_run_counts_by_section_and_type_and_lists_skipped_rows(tmp_path: Path) -> None:
    p = world.hecvat(tmp_path / "hecvat.xlsx")
    ws = tmp_path / "ws"
    r = _cli("bank", "import", str(p), "--sheet", "AI", "--dry-run", workspace=ws)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Would import 15 questions from sheet \"AI\"; nothing was written." in out
    assert "      6  AI Policy" in out and "     15  yes / no" in out
    assert 'row 2: AI Policy' in out  # the section row, shown
    assert not ws.exists() or _questions_in_db(ws) == _questions_in_db_default(tmp_path)
    dry = dry_run_bank_file(world.cisa_library(tmp_path / "cisa.xlsx"))
    assert any("row 5: no question text" in s for s in dry.skipped)  # the "OR" connector row


def test_uncached_formula_is_named_in_a_warning(tmp_path: Path) -> None:
    # openpyxl, like any script, saves a formula without calculating it: no result in the file.
    import openpyxl

    wb = openpyxl.Workbook()
    # (Q2's weight after it is a cell with a value: the empty result must not run on into it.)
    for row in (["ID", "Section", "Question", "Weight"], ["Q1", "Data", '=CONCATENATE("Is data ","kept?")'],
                ["Q2", "Data", "Is data encrypted at rest?", 3]):
        wb.active.append(row)
    p = tmp_path / "f.xlsx"
    wb.save(p)
    bank, warns = read_bank_file(p)
    assert [q.id for q in bank.questions] == ["Q2"]
    assert any("formula cell C2 has no saved result and reads as empty" in w for w in warns)


def test_a_formula_whose_saved_result_is_empty_text_is_no_warning(tmp_path: Path) -> None:
    # HECVAT fills answer cells with =VLOOKUP(...)&"": Excel saves the empty text result as
    # t="str" with an empty <v/>. That is a result, not a missing one (69 false warnings a sheet).
    rows = [["ID", "Section", "Question", "Answer"], ["Q1", "Data", "Is data encrypted at rest?", None]]
    p = with_formulas(tmp_path / "f.xlsx", rows, {"D2": ("VLOOKUP(A2,'START HERE'!A1:C9,3,0)&\"\"", "")})
    bank, warns = read_bank_file(p)
    assert [q.id for q in bank.questions] == ["Q1"]
    assert not any("no saved result" in w for w in warns), warns


def test_hecvat4_topic_sheets_without_a_header_row_import_every_question_once(tmp_path: Path) -> None:
    p = world.hecvat4(tmp_path / "hecvat4.xlsx")
    # Without --sheet: the topic sheets are offered (their only "headers" are section rows).
    with pytest.raises(InputError) as err:
        read_bank_file(p)
    assert '"Organization" (' in str(err.value) and '"AI" (' in str(err.value) and '"START HERE" (' in str(err.value)
    dry = dry_run_bank_file(p, BankImportOptions(sheets=("START HERE", "Organization", "AI")))
    assert dry.questions == world.hecvat4_count() == 31
    assert dict(dry.by_section) == {"General Information": 4, "Company Information": 4, "Documentation": 6,
                                    "Change Management": 6, "AI Policy": 5, "AI Machine Learning": 6}
    # Yes/No from the hidden sheet's list; "Please describe" cells have no list: free text; the
    # hosting list is a choice; GNRL- answers are formulas on the topic sheets, taken from START HERE.
    assert dict(dry.by_type) == {"yes / no": 23, "text": 7, "choice": 1}
    assert any('sheet "Organization": 4 questions repeat sheet "START HERE" word for word (GNRL-01, GNRL-02, GNRL-03, GNRL-08)'
               in w for w in dry.warnings), dry.warnings
    assert not any("no saved result" in w for w in dry.warnings)  # =VLOOKUP(…)&"" saved its empty text
    assert any('sheet "AI", row 31: text below the last question' in s for s in dry.skipped)  # the copyright line
    assert not any("Copyright" in s for s in dry.section_rows)
    bank, _ = read_bank_file(p, options=BankImportOptions(sheets=("START HERE", "Organization", "AI")))
    q = next(q for q in bank.questions if q.id == "DODO-01")
    assert q.guidance == 'Answer "yes" only when it is written down'  # the Guidance column, named by section rows
    assert [x.id for x in bank.questions].count("GNRL-01") == 1


def test_caiq_json_dataset_reads_body_and_takes_domains_from_the_ids(tmp_path: Path) -> None:
    dry = dry_run_bank_file(world.caiq_json(tmp_path / "caiq.json"), BankImportOptions(default_type="yes_no+na"))
    assert dry.questions == 261
    assert dict(dry.by_section) == Counter(qid.split("-")[0] for qid, _ in world.caiq_ids())
    assert dict(dry.by_type) == {"yes / no (n/a allowed)": 261}
    assert any("sections taken from the id prefixes (A&A, AIS, BCR" in w for w in dry.warnings)


def test_caiq_end_of_standard_and_copyright_below_the_questions_open_no_section(tmp_path: Path) -> None:
    p = world.caiq(tmp_path / "caiq.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(p)
    ws = wb["CAIQv4.0.3"]
    last = ws.max_row
    ws.cell(last + 1, 1, "End of Standard")
    ws.cell(last + 2, 1, "© Copyright 2024 Cloud Security Alliance - All rights reserved.")
    wb.save(p)
    dry = dry_run_bank_file(p)
    assert dry.questions == 261 and dry.section_rows == []
    assert [s.rsplit(": ", 1)[1] for s in dry.skipped] == ["text below the last question"] * 2


def test_import_messages_count_in_words_one_question_not_one_questions(tmp_path: Path) -> None:
    p = tmp_path / "one.csv"
    p.write_text("ID,Question\nQ1,Is every laptop's disk encrypted?\n", encoding="utf-8")
    ws = tmp_path / "ws"
    r = _cli("bank", "import", str(p), "--name", "One", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Imported 1 question into bank 'One' v1")
    again = _cli("bank", "import", str(p), "--name", "One", workspace=ws)
    assert "already holds exactly this question; nothing changed" in again.stdout
    assert "column not imported" not in r.stderr and "(s)" not in r.stdout + r.stderr


def _maturity(tmp_path: Path) -> Path:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Maturity"
    ws.append(["Ref", "Question", "Response"])
    for i in range(1, 5):
        ws.append([f"M{i}", f"How far along is practice {i} in your organisation?", None])
    dv = DataValidation(type="list", formula1='"Fully,Partially,Not at all,Unknown"')
    dv.add("C2:C5")
    ws.add_data_validation(dv)
    p = tmp_path / "maturity.xlsx"
    wb.save(p)
    return p


def test_dropdown_points_are_a_visible_guess_until_given_with_points(tmp_path: Path) -> None:
    p = _maturity(tmp_path)
    bank, warns = read_bank_file(p)
    assert bank.questions[0].options == "Fully=5|Partially=3.33|Not at all=1.67|Unknown=0"
    assert any("4 questions offer answers whose points are a guess (Fully, Partially, Not at all, Unknown)" in w for w in warns)
    ws = tmp_path / "ws"
    r = _cli("bank", "import", str(p), "--dry-run", "--points", "Partially=3", "--points", "Not at all=0",
             "--points", "unknown=n/a", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "choice (n/a allowed)" in r.stdout  # "Unknown" is n/a, not an answer worth points
    assert "a guess (Fully)" in r.stderr  # Fully is not a word with a meaning: still a guess, still said
    bank, warns = read_bank_file(p, options=BankImportOptions(points=("Fully=5", "Partially=3", "Not at all=0", "Unknown=n/a")))
    q = bank.questions[0]
    assert q.options == "Fully=5|Partially=3|Not at all=0" and q.allow_na
    assert not any("points are a guess" in w for w in warns)
    bad = _cli("bank", "import", str(p), "--points", "Partially=7", workspace=ws)
    assert bad.returncode == 2 and "'7' is neither an answer type" in bad.stderr and "points from 0 to 5 or n/a" in bad.stderr


def test_confirming_yes_and_no_points_keeps_yes_no_questions_yes_no(tmp_path: Path) -> None:
    # The wizard confirms every answer it shows: CISA's Yes/No/Alternate list gives Yes=5, No=0,
    # N/A=n/a, which must not turn the Yes/No/N/A questions of the same file into choices.
    p = world.cisa_library(tmp_path / "cisa.xlsx")
    bank, _ = read_bank_file(p, options=BankImportOptions(points=("Yes=5", "No=0", "Alternate=1", "N/A=n/a")))
    kinds = Counter((q.type.value, q.allow_na) for q in bank.questions)
    assert kinds == {("choice", True): 6, ("text", False): 7, ("yes_no", True): 7}
    assert next(q for q in bank.questions if q.type.value == "choice").options == "Yes=5|No=0|Alternate=1"
    # Points other than the meaning make a Yes/No list a choice, as asked.
    bank, _ = read_bank_file(p, options=BankImportOptions(points=("No=1",)))
    assert Counter(q.type.value for q in bank.questions)["yes_no"] == 0
