"""Bank files in our format: lossless round trips, encodings, delimiters, formula safety."""

from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.bank import FIELDS, Bank, make_question
from app.exchange.bank_files import bank_to_csv, bank_to_xlsx, neutralise, unneutralise
from app.paths import data_dir
from app.services import banks
from app.services.errors import InputError
from app.services.spreadsheets import export_bank_xlsx, import_bank_file, read_bank_file
from tests.exchange.builders import our_rows, write_xlsx


def _rows(bank: Bank) -> list[dict[str, str]]:
    return [q.as_row() for q in bank.questions]


def test_default_bank_csv_to_xlsx_to_csv_gives_the_same_rows(tmp_path: Path) -> None:
    original = (data_dir() / "default_bank.csv").read_text(encoding="utf-8-sig")
    bank, warns = read_bank_file(data_dir() / "default_bank.csv", name="Default")
    assert warns == []
    xlsx = tmp_path / "bank.xlsx"
    export_bank_xlsx(bank, xlsx)
    again, _ = read_bank_file(xlsx, name="Default")
    assert _rows(again) == _rows(bank) and again.hash == bank.hash
    csv_text = bank_to_csv(again)
    back, _ = read_bank_file(_write(tmp_path / "back.csv", csv_text), name="Default")
    assert _rows(back) == _rows(bank)
    # The same rows as the shipped file, field by field (read with the standard csv module).
    shipped = [dict(r) for r in csv.DictReader(io.StringIO(original))]
    assert _rows(back) == shipped


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ----- hypothesis: bank → CSV/XLSX → bank is the identity -----------------------------------

_safe = st.characters(
    blacklist_categories=("Cs", "Cc", "Co", "Cn"),
    blacklist_characters="\ufffe\uffff",
) | st.sampled_from(list("\n\t=+-@'\"“”‘’;,|") + ["\u05d0", "\u0627", "😀", "Ж", "é"])


def _text(min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(_safe, min_size=min_size, max_size=40).map(str.strip).filter(lambda t: len(t) >= min_size)


_label = st.text(string.ascii_letters + " -'“”é&", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def question_rows(draw: st.DrawFn, qid: str) -> dict[str, object]:
    qtype = draw(st.sampled_from(["yes_no", "scale", "number", "choice", "text"]))
    row: dict[str, object] = {
        "id": qid,
        "section": draw(_text(1)),
        "layer": draw(st.sampled_from(["data", "systems", "people", "commercial"])),
        "question": draw(_text(1)),
        "type": qtype,
        "guidance": draw(_text()),
        "allow_na": draw(st.booleans()),
    }
    weight = draw(st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3))))
    row["weight"] = 0 if qtype == "text" else weight
    if qtype == "choice":
        labels = draw(st.lists(_label, min_size=1, max_size=4, unique_by=lambda s: s.casefold().strip()))
        row["options"] = "|".join(f"{lab}={draw(st.integers(0, 5))}" for lab in labels)
    elif qtype == "scale" and draw(st.booleans()):
        row["options"] = "|".join(f"{i}={draw(_label)}" for i in range(6))
    if qtype == "number":
        row["scoring"] = f">={draw(st.integers(-5, 50))}:5; <=-{draw(st.integers(1, 9))}:2; else:{draw(st.integers(0, 5))}"
    if qtype == "yes_no" and draw(st.booleans()):
        row["scoring"] = "invert"
    if qtype != "text":
        if draw(st.booleans()):
            row["knockout_min"] = draw(st.sampled_from([0, 1, 2.5, 5]))
        if draw(st.booleans()):
            row["flag_rule"] = f"<2:high:{draw(_text(1))}"
    elif draw(st.booleans()):
        row["flag_rule"] = f"contains={draw(_label)}:medium:{draw(_text(1))}"
    return row


@st.composite
def banks_strategy(draw: st.DrawFn) -> Bank:
    ids = draw(st.lists(_text(1), min_size=1, max_size=6, unique_by=str.casefold))
    return Bank("Round trip", tuple(make_question(draw(question_rows(i))) for i in ids))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bank=banks_strategy())
def test_bank_csv_and_xlsx_round_trips_are_the_identity(tmp_path: Path, bank: Bank) -> None:
    csv_path = _write(tmp_path / "bank.csv", bank_to_csv(bank))
    from_csv, _ = read_bank_file(csv_path, name="Round trip")
    assert _rows(from_csv) == _rows(bank)
    xlsx_path = tmp_path / "bank.xlsx"
    xlsx_path.write_bytes(bank_to_xlsx(bank))
    from_xlsx, _ = read_bank_file(xlsx_path, name="Round trip")
    assert _rows(from_xlsx) == _rows(bank)
    assert from_csv.hash == from_xlsx.hash == bank.hash


@given(st.text(_safe, max_size=30))
def test_neutralise_is_undone_exactly(text: str) -> None:
    assert unneutralise(neutralise(text)) == text
    out = neutralise(text)
    assert out[:1] not in ("=", "+", "@") and not (out.startswith("-") and out != text)


def test_exported_text_never_becomes_a_formula(tmp_path: Path) -> None:
    rows = our_rows(4)
    rows[1][FIELDS.index("question")] = "=HYPERLINK(\"http://evil\",\"click\")"
    rows[2][FIELDS.index("question")] = "+1+1 is two?"
    rows[3][FIELDS.index("guidance")] = "-2 means nothing"
    rows[4][FIELDS.index("section")] = "@SUM(A1)"
    bank = Bank("F", tuple(make_question(dict(zip(FIELDS, r, strict=True))) for r in rows[1:]))
    xlsx = tmp_path / "f.xlsx"
    export_bank_xlsx(bank, xlsx)
    ws = openpyxl.load_workbook(xlsx).active  # not data_only: see what the file really holds
    cells = [ws.cell(r, c) for r in range(2, 6) for c in range(1, 13)]
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(dangerous) == 4
    assert all(c.data_type == "s" and c.quotePrefix for c in dangerous)
    text = bank_to_csv(bank)
    assert "'=HYPERLINK" in text and "'+1+1" in text and "'-2 means" in text and "'@SUM" in text
    back, _ = read_bank_file(_write(tmp_path / "f.csv", text), name="F")
    assert _rows(back) == _rows(bank)


# ----- encodings and delimiters ---------------------------------------------------------------

_CSV = "id,section,layer,question,type,weight\nQ1,Café,people,Is the café open?,yes_no,2\n"


@pytest.mark.parametrize(
    ("encoding", "text", "warned"),
    [
        ("utf-8", _CSV, False),
        ("utf-8-sig", _CSV, False),
        ("cp1252", _CSV, True),
        ("utf-8", _CSV.replace(",", ";"), False),
        ("utf-8", _CSV.replace(",", "\t"), False),
        ("utf-16", _CSV.replace(",", "\t"), False),  # Excel's "Unicode text"
    ],
)
def test_encodings_and_delimiters_are_detected(tmp_path: Path, encoding: str, text: str, warned: bool) -> None:
    bank, warns = read_bank_file(_write(tmp_path / "b.csv", text, encoding), name="E")
    assert bank.questions[0].section == "Café" and bank.questions[0].question == "Is the café open?"
    assert bank.questions[0].weight == 2
    assert any("Windows-1252" in w for w in warns) == warned


def test_semicolon_file_with_commas_inside_cells(tmp_path: Path) -> None:
    text = 'id;section;layer;question;type;options\nQ1;S;people;"Pick one, please";choice;"Yes, live=5|No=0"\n'
    bank, _ = read_bank_file(_write(tmp_path / "b.csv", text), name="E")
    assert bank.questions[0].choices == (("Yes, live", 5.0), ("No", 0.0))


def test_header_is_case_insensitive_and_unknown_columns_warn(tmp_path: Path) -> None:
    text = "ID,Section,LAYER,Question,Type,Weight,Owner\nQ1,S,data,Q?,scale,1,Anna\n"
    bank, warns = read_bank_file(_write(tmp_path / "b.csv", text), name="E")
    assert bank.questions[0].id == "Q1"
    assert len(warns) == 1 and "'Owner'" in warns[0] and "not imported" in warns[0]


def test_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "b.csv"
    p.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    with pytest.raises(InputError, match="binary file"):
        read_bank_file(p)


def test_import_saves_one_version_and_reimport_changes_nothing(workspace: object, tmp_path: Path) -> None:
    p = write_xlsx(tmp_path / "mine.xlsx", {"Questions": our_rows(3)})
    s1 = import_bank_file(workspace, p, name="Mine")
    assert s1.created and s1.questions == 3 and "v1" in s1.message
    s2 = import_bank_file(workspace, p, name="Mine")
    assert not s2.created and "nothing changed" in s2.message
    assert [b.name for b in banks.list_banks(workspace)].count("Mine") == 1  # type: ignore[arg-type]
