"""From a published questionnaire to a report through the command line, without hand-written JSON."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pdfplumber

from tests.exchange import world


def _cli(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
                          capture_output=True, text=True, timeout=180)


def _ok(*args: str, workspace: Path) -> str:
    r = _cli(*args, workspace=workspace)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def _sql(workspace: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(next(workspace.glob("*.sqlite*")))
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def test_caiq_from_bank_to_report_with_the_vendors_own_copy(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = _ok("bank", "import", str(world.caiq(tmp_path / "caiq.xlsx")), "--name", "CAIQ", workspace=ws)
    assert "Imported 261 questions into bank 'CAIQ' v1" in out
    out = _ok("evaluation", "create", "Cloud 2026", "--bank", "CAIQ", "--vendor", "Acme", "--vendor", "Globex",
              "--evaluator", "Dana", workspace=ws)
    assert "Created evaluation 'Cloud 2026' on bank 'CAIQ' v1: 2 vendors, 1 evaluator" in out
    assert "Cloud 2026" in _ok("evaluation", "list", workspace=ws)
    _ok("questionnaire", "Cloud 2026", "--vendor", "Globex", "--out", str(tmp_path / "globex.xlsx"), workspace=ws)

    # Acme answers in its own copy of the CAIQ; one description is a hyperlink to its policy.
    copy = world.caiq(tmp_path / "acme-caiq.xlsx", answers=world.caiq_answers())
    world.with_hyperlink(copy, "xl/worksheets/sheet2.xml", "E4", "https://acme.example/policy.pdf", "Audit policy")
    out = _ok("answers", "import", str(copy), "--evaluation", "Cloud 2026", "--vendor", "Acme", workspace=ws)
    assert "Imported 261 answers for 'Acme' in 'Cloud 2026' as 'Vendor (self-assessment)'" in out
    assert "0 unanswered" in out
    rows = _sql(ws, "select a.value, count(*) from answer a join evaluator e on e.id = a.evaluator_id "
                    "where e.name = 'Vendor (self-assessment)' group by a.value order by a.value")
    assert rows == [("n/a", 32), ("no", 122), ("yes", 107)]
    note = _sql(ws, "select note from answer where qid = 'A&A-01.1'")[0][0]
    assert note == "Audit policy\nhttps://acme.example/policy.pdf"
    assert _sql(ws, "select count(*) from audit_log where action = 'questionnaire imported'")[0][0] == 1

    score = _ok("score", "Cloud 2026", workspace=ws)
    # The vendor's self-assessment is not a score: nothing is ranked, and nothing is claimed.
    assert "No vendor has a total yet" in score and "Winner is stable" not in score and "Wins in" not in score

    # Dana adopts Acme's answers as her scores; Globex is still unscored.
    _ok("answers", "import", str(copy), "--evaluation", "Cloud 2026", "--vendor", "Acme", "--evaluator", "Dana",
        workspace=ws)
    _submit(ws, "Cloud 2026", "Dana")  # her scores count once she submits (blind scoring)
    score = _ok("score", "Cloud 2026", workspace=ws)
    assert "Only Acme has a total so far" in score
    assert "Winner is stable" not in score and "Wins in" not in score

    _ok("report", "Cloud 2026", "--out", str(tmp_path / "r.pdf"), workspace=ws)
    with pdfplumber.open(tmp_path / "r.pdf") as pdf:
        first = pdf.pages[0].extract_text()
        assert "No recommendation yet" in first and "Recommended" not in first and "Recommendation:" not in first
        assert "Only Acme has a total so far" in first
        matrix = next(p for p in pdf.pages if "Score matrix" in (p.extract_text() or ""))
        text = matrix.extract_text()
        # 17 sections: one a row, each name readable, numbers apart (not "100.0100.0").
        for _code, title, _n in world.CAIQ_DOMAINS[:8]:
            assert title.split(",")[0].split(" and ")[0] in text.replace("\n", " ")
        assert "100.0100.0" not in text and "100.0 —" in text
        words = matrix.extract_words()
        for a in words:
            for b in words:
                if a is not b and abs(a["top"] - b["top"]) < 2:
                    assert a["x1"] <= b["x0"] + 0.5 or b["x1"] <= a["x0"] + 0.5, (a["text"], b["text"])


def test_vendor_copy_lists_unmatched_and_unanswered_ids_and_reports_every_bad_value(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _ok("bank", "import", str(world.caiq(tmp_path / "caiq.xlsx")), "--name", "CAIQ", workspace=ws)
    _ok("evaluation", "create", "E", "--bank", "CAIQ", "--vendor", "Acme", workspace=ws)
    answers = {qid: ("Y" if i % 2 else "False", "") for i, (qid, _d) in enumerate(world.caiq_ids()[:10])}
    answers.update({world.caiq_ids()[20][0]: ("Not applicable", "")})
    copy = world.caiq(tmp_path / "partial.xlsx", answers=answers)
    r = _cli("answers", "import", str(copy), "--evaluation", "E", "--vendor", "Acme", "--map", "id=A",
             "--map", "answer=C", "--map", "note=E", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "Imported 11 answers" in r.stdout and "250 unanswered" in r.stdout
    assert "Unanswered (250): A&A-06.1, A&A-06.2" in r.stdout

    bad = {qid: ("Maybe", "") for qid, _d in world.caiq_ids()[:3]}
    r = _cli("answers", "import", str(world.caiq(tmp_path / "bad.xlsx", answers=bad)), "--evaluation", "E",
             "--vendor", "Acme", workspace=ws)
    assert r.returncode == 2
    assert "3 problems; nothing was imported" in r.stderr
    assert 'bad.xlsx, sheet "CAIQv4.0.3", row 4, column C (answer): question A&A-01.1: ' in r.stderr
    # The earlier import is untouched.
    assert _sql(ws, "select count(*) from answer where value != ''")[0][0] == 11


def test_rebase_carries_answers_by_id_and_lists_those_left_behind(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    v1 = tmp_path / "v1.csv"
    v1.write_text("Ref,Category,Question,Answer type\nQ1,Data,Is data encrypted?,Yes/No\nQ2,Data,Is data backed up?,Yes/No\n"
                  "Q3,Team,How strong is the team?,0-5\n", encoding="utf-8")
    v2 = tmp_path / "v2.csv"
    v2.write_text("Ref,Category,Question,Answer type\nQ1,Data,Is data encrypted?,Yes/No\nQ3,Team,How strong is the team?,Yes/No\n"
                  "Q4,Team,Is there a named lead?,Yes/No\n", encoding="utf-8")
    _ok("bank", "import", str(v1), "--name", "B", workspace=ws)
    _ok("bank", "import", str(v2), "--name", "B", workspace=ws)
    _ok("evaluation", "create", "E", "--bank", "B", "--version", "1", "--vendor", "Acme", workspace=ws)
    copy = tmp_path / "acme.csv"
    copy.write_text("ID,Answer,Comment\nQ1,Yes,encrypted with KMS\nQ2,No,\nQ3,4,strong\n", encoding="utf-8")
    _ok("answers", "import", str(copy), "--evaluation", "E", "--vendor", "Acme", workspace=ws)
    out = _ok("evaluation", "rebase", "E", "--version", "2", workspace=ws)
    assert "Moved 'E' from bank 'B' v1 to v2: 1 answer carried by question id, 2 left behind" in out
    assert "Acme / Vendor (self-assessment) / Q2: no — the question is not in the new version" in out
    assert "Q3: 4 — the new version's question does not accept it" in out
    assert _sql(ws, "select qid, value from answer") == [("Q1", "yes")]
    audit = _sql(ws, "select before from audit_log where action = 'answer left behind by rebase' order by id")
    assert len(audit) == 2 and '"no"' in str(audit[0][0])
    assert "Acme" in _ok("score", "E", workspace=ws)


def _submit(ws: Path, evaluation: str, evaluator: str) -> None:
    from app.services import evaluations
    from app.store.workspace import open_workspace

    opened = open_workspace(ws)
    try:
        evaluations.set_submitted(opened, evaluation, evaluator)
    finally:
        opened.close()


def test_a_vendors_hecvat_comes_back_from_every_topic_sheet_in_one_command(tmp_path: Path) -> None:
    from tests.exchange import world

    ws = tmp_path / "ws"
    blank = world.hecvat4(tmp_path / "hecvat4.xlsx")
    sheets = ["--sheet", "START HERE", "--sheet", "Organization", "--sheet", "AI"]
    _ok("bank", "import", str(blank), "--name", "HECVAT", *sheets, "--points", "AWS=5", workspace=ws)
    _ok("evaluation", "create", "Campus", "--bank", "HECVAT", "--vendor", "Acme", workspace=ws)
    filled = tmp_path / "acme-hecvat.xlsx"
    filled.write_bytes(blank.read_bytes())
    given = world.fill_hecvat4(filled)
    assert len(given) == world.hecvat4_count()
    r = _cli("answers", "import", str(filled), "--evaluation", "Campus", "--vendor", "Acme", workspace=ws)
    assert r.returncode == 0, r.stderr
    # Every answer, from three sheets; START HERE labels its answer column only below its first
    # questions; the institution's evaluation sheet repeats the ids beside "Compliant Response"
    # ("Yes" everywhere): it is not the vendor's and is skipped, so no "No" is overwritten.
    assert r.stdout.startswith(f"Imported {world.hecvat4_count()} answers for 'Acme'"), r.stdout
    assert "0 unanswered" in r.stdout
    assert 'sheet "Institution Evaluation": its answer column is headed \'Compliant Response\'' in r.stderr
    stored = dict(_sql(ws, "select qid, value from answer"))
    expected = {qid: {"Yes": "yes", "No": "no"}.get(v, v) for qid, v in given.items()}
    assert {q: stored[q] for q in expected} == expected
