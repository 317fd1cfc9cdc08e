"""The command-line contract of docs/formats.md on the demo data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_EVALUATION

MAYA, DANIEL = "Maya Chen (RevOps)", "Daniel Okafor (Data)"


def run(*args: str, workspace: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--workspace", str(workspace)] if workspace else []
    return subprocess.run([sys.executable, "-m", "app", *args, *extra], capture_output=True, text=True, timeout=120)


def test_score_human_output_reads_at_a_glance(demo_path: Path) -> None:
    r = run("score", DEMO_EVALUATION, workspace=demo_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    ranking = [ln for ln in lines if ln[:3].strip().isdigit()]
    assert ranking[0].split()[1:4] == ["Signal", "&", "Scale"] and "81.1" in ranking[0]
    assert "KNOCKED OUT" in ranking[-1] and "Fresh Ridge Labs" in ranking[-1]
    assert "CRITICAL OmniAI Solutions: Impressive demo, vague timeline" in r.stdout
    assert "infrastructure we do not have" in r.stdout


def test_score_json_has_exactly_the_documented_shape(demo_path: Path) -> None:
    r = run("score", DEMO_EVALUATION, "--json", workspace=demo_path)
    data = json.loads(r.stdout)
    assert set(data) == {"evaluation", "bank", "ranking", "sensitivity", "scoring"}
    assert data["scoring"] == {"provisional": False, "submitted": [MAYA, DANIEL], "still_scoring": []}
    assert set(data["bank"]) == {"name", "version", "hash"} and len(data["bank"]["hash"]) == 64
    entry = data["ranking"][0]
    assert set(entry) == {"rank", "vendor", "total", "knocked_out", "knockout_reasons", "sections", "layers", "gaps", "disagreements", "flags"}
    assert abs(entry["total"] - 81.1486486) < 1e-4  # full precision, not rounded
    assert set(data["sensitivity"]) == {"too_close_to_call", "win_share", "weight_stability"}
    assert abs(sum(data["sensitivity"]["win_share"].values()) - 1.0) < 1e-9
    flag = next(f for v in data["ranking"] for f in v["flags"])
    assert {"rule", "severity", "message", "evidence", "acknowledged"} <= set(flag)


def test_evaluation_can_be_named_by_id(demo_path: Path) -> None:
    by_name = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    by_id = json.loads(run("score", "1", "--json", workspace=demo_path).stdout)
    assert by_name == by_id


def test_usecase_check_json_contract() -> None:
    r = run("usecase", "check", "Using AI to improve efficiency", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert set(data) == {"verdict", "score", "reasons"}
    assert data["verdict"] == "slogan" and isinstance(data["score"], int) and data["reasons"]


def test_unknown_evaluation_exits_2_with_one_line(demo_path: Path) -> None:
    r = run("score", "No such thing", workspace=demo_path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "No such thing" in r.stderr


def test_usage_errors_exit_2() -> None:
    assert run("score").returncode == 2
    assert run("frobnicate").returncode == 2


def test_version() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("diligence ")


def test_check_reports_integrity(demo_path: Path) -> None:
    r = run("check", workspace=demo_path)
    assert r.returncode == 0 and "integrity  ok" in r.stdout


def test_demo_creates_two_use_cases_one_slogan(tmp_path: Path) -> None:
    import sqlite3

    ws = tmp_path / "ws"
    assert run("demo", workspace=ws).returncode == 0
    con = sqlite3.connect(ws / "diligence.sqlite")
    titles = [t for (t,) in con.execute("select title from use_case order by id")]
    assert len(titles) == 2 and "across the organization" in titles[1]
    assert con.execute("select count(*) from vendor").fetchone() == (4,)
    assert con.execute("select count(*) from evaluator").fetchone() == (2,)
    assert con.execute("select count(*) from monthly_review").fetchone() == (4,)


def test_cli_score_does_not_import_qt_pandas_or_reportlab(demo_path: Path) -> None:
    code = (
        f"import sys; sys.argv=['diligence','score',{DEMO_EVALUATION!r},'--workspace',{str(demo_path)!r}];\n"
        "from app.cli import main; main(sys.argv[1:]);\n"
        "bad=[m for m in ('PySide6','pandas','reportlab','openpyxl') if m in sys.modules]; print('LOADED', bad)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LOADED []" in r.stdout, r.stdout[-500:] + r.stderr


def test_workspace_option_works_before_and_after_the_command(tmp_path: Path) -> None:
    before = tmp_path / "before"
    r = subprocess.run([sys.executable, "-m", "app", "--workspace", str(before), "demo"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (before / "diligence.sqlite").exists()
    r = run("score", DEMO_EVALUATION, "--json", workspace=before)
    assert r.returncode == 0 and json.loads(r.stdout)["ranking"]


def test_bank_csv_xlsx_csv_round_trip_on_a_fresh_workspace(tmp_path: Path) -> None:
    from app.paths import data_dir

    ws = tmp_path / "fresh"
    name = "AI implementation partner — standard"
    assert run("bank", "export", name, str(tmp_path / "b.xlsx"), workspace=ws).returncode == 0
    assert run("bank", "import", str(tmp_path / "b.xlsx"), "--name", "Copy", workspace=ws).returncode == 0
    assert run("bank", "export", "Copy", str(tmp_path / "b.csv"), workspace=ws).returncode == 0
    original = (data_dir() / "default_bank.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "b.csv").read_text(encoding="utf-8-sig") == original


def test_no_command_opens_the_app_with_the_options_given(demo_path: Path) -> None:
    r = run("--smoke", workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert run("--no-such-option", workspace=demo_path).returncode == 2
