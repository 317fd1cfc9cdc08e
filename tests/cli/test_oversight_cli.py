"""`diligence oversight` on the demo, and refused engagement reviews at the command line."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.paths import data_dir
from tests.conftest import DEMO_ENGAGEMENT


def run(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_oversight_json_has_the_documented_shape_and_flags_conversion(demo_path: Path) -> None:
    r = run("oversight", DEMO_ENGAGEMENT, "--json", workspace=demo_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    # docs/oversight.md: {"engagement", "metrics": [{"name", "reviews": [{"month","actual","expected","status"}]}], "flags"}
    assert set(data) == {"engagement", "conversation", "metrics", "milestones", "flags", "retrospective"}
    assert data["conversation"] == "value_not_materializing"
    retro = data["retrospective"]
    assert retro["conversation"] == "value_not_materializing"
    by_promise = {p["promise"]: p for p in retro["promises"]}
    assert by_promise["Milestone: SDR pilot with two pods"] == {
        "promise": "Milestone: SDR pilot with two pods", "promised": "month 4 (2026-11-01)",
        "delivered": "reached on 2026-10-30", "kept": True,
    }
    assert by_promise["Price"]["promised"] == "145,000 USD" and by_promise["Price"]["kept"] is True
    assert by_promise["Running-cost growth"]["delivered"] == "17 % so far"
    assert by_promise["Are training and change management included in the price?"]["kept"] is False
    assert {s["section"] for s in retro["sections"]} >= {"Delivery & timeline", "Adoption & change"}
    assert all(isinstance(s["score"], float) for s in retro["sections"])
    assert [(m["due"], m["state"]) for m in data["milestones"]][:1] == [("2026-08-01", "reached")]
    assert data["engagement"] == DEMO_ENGAGEMENT
    assert [m["name"] for m in data["metrics"]] == [
        "Lead-to-meeting conversion",
        "Time to first touch",
    ]
    for m in data["metrics"]:
        assert set(m) == {"name", "reviews"}
        assert [p["month"] for p in m["reviews"]] == ["2026-08", "2026-09", "2026-10", "2026-11"]
        for p in m["reviews"]:
            assert set(p) == {"month", "actual", "expected", "status"}
            assert isinstance(p["actual"], float) and isinstance(p["expected"], float)
            assert p["status"] in {"on track", "off track", "no data"}
    conversion = data["metrics"][0]["reviews"]
    assert [p["status"] for p in conversion] == ["on track", "off track", "off track", "off track"]
    assert [p["actual"] for p in conversion] == [8.4, 8.3, 8.5, 8.5]
    assert conversion[1]["expected"] == pytest.approx(9.0)
    assert [p["status"] for p in data["metrics"][1]["reviews"]] == ["on track"] * 4
    assert [(f["rule"], f["severity"]) for f in data["flags"]] == [
        ("metrics_off_track", "high"), ("value_not_materializing", "high"), ("review_overrun", "low"),
    ]
    assert "milestones met, value not materialising" in data["flags"][1]["message"]
    flag = data["flags"][0]
    assert set(flag) == {"rule", "severity", "message", "evidence", "acknowledged"}
    assert flag["rule"] == "metrics_off_track"
    assert flag["severity"] == "high"
    assert "Lead-to-meeting conversion" in flag["message"]
    assert flag["acknowledged"] is False
    assert flag["evidence"][-1] == "2026-10: no recovery plan recorded"


def test_oversight_text_names_statuses_and_the_flag(demo_path: Path) -> None:
    r = run("oversight", DEMO_ENGAGEMENT, workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert "2026-10  actual      8.5  expected     9.34  off track" in r.stdout
    assert "HIGH" in r.stdout and "no recovery plan" in r.stdout


def test_an_unknown_engagement_is_bad_input(demo_path: Path) -> None:
    r = run("oversight", "No such rollout", workspace=demo_path)
    assert r.returncode == 2
    assert "no engagement named 'No such rollout'" in r.stderr


def _demo_with(tmp_path: Path, change: Any) -> Path:
    doc = json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))
    change(doc["engagement"]["reviews"])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rs: rs[0].update(month="2026-05"), "before kickoff"),
        (lambda rs: rs[1].update(month="2026-08"), "already a review for 2026-08"),
        (
            lambda rs: rs[0]["actuals"].update({"Revenue": 1}),
            "engagement.reviews[0].actuals.Revenue",
        ),
        (lambda rs: rs[2]["actuals"].update({"Time to first touch": "eight"}), "expected a number"),
    ],
)
def test_an_import_with_a_bad_review_exits_2_and_saves_nothing(
    tmp_path: Path, workspace_path: Path, change: Any, message: str
) -> None:
    path = _demo_with(tmp_path, change)
    r = run("import", str(path), workspace=workspace_path)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    db = workspace_path / "diligence.sqlite"
    if db.exists():  # the file is checked before the workspace is even created
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT COUNT(*) FROM monthly_review").fetchone() == (0,)
            assert con.execute("SELECT COUNT(*) FROM engagement").fetchone() == (0,)


def _overspending(tmp_path: Path, workspace_path: Path) -> None:
    """The demo with each month's spend raised: 174,000 USD by November, 20 % over the quote pro rata."""
    def spend_more(reviews: list[dict[str, Any]]) -> None:
        for r, amount in zip(reviews, (41_000, 41_000, 44_000, 48_000), strict=True):
            r["spend"] = {"amount": amount, "currency": "USD"}

    r = run("import", str(_demo_with(tmp_path, spend_more)), workspace=workspace_path)
    assert r.returncode == 0, r.stderr


def _stored(workspace_path: Path) -> tuple[float, int]:
    with sqlite3.connect(workspace_path / "diligence.sqlite") as con:
        (threshold,), = con.execute("SELECT cost_threshold FROM engagement").fetchall()
        (changes,), = con.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'cost threshold changed'").fetchall()
    return threshold, changes


def _cost_flags(r: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert r.returncode == 0, r.stderr
    return [f for f in json.loads(r.stdout)["flags"] if f["rule"] == "cost_overrun"]


def test_cost_threshold_flag_sets_the_engagements_threshold_and_the_flags_follow(
    tmp_path: Path, workspace_path: Path
) -> None:
    _overspending(tmp_path, workspace_path)
    assert _cost_flags(run("oversight", DEMO_ENGAGEMENT, "--json", workspace=workspace_path)) == []  # 20 % ≤ 25 %
    r = run("oversight", DEMO_ENGAGEMENT, "--json", "--cost-threshold", "15 %", workspace=workspace_path)
    (flag,) = _cost_flags(r)  # stdout stays pure JSON; the change is said on stderr
    assert r.stderr.strip() == "Cost threshold set to 15 % (was 25 %)"
    assert flag["severity"] == "high"
    assert "20 % over, the limit is 15 %" in flag["evidence"][0]
    assert _stored(workspace_path) == (0.15, 1)
    # Stored with the engagement, as the dashboard's field does: the next reading keeps it.
    assert len(_cost_flags(run("oversight", DEMO_ENGAGEMENT, "--json", workspace=workspace_path))) == 1
    text = run("oversight", DEMO_ENGAGEMENT, "--cost-threshold", "30", workspace=workspace_path)
    assert text.returncode == 0 and "cost" not in text.stdout.split("Red flags")[1].lower()
    assert _stored(workspace_path) == (0.30, 2)


@pytest.mark.parametrize("bad", ["abc", "-5", "501", "12.5", "", "25%%", "0x10"])
def test_a_bad_cost_threshold_exits_2_with_one_line_and_changes_nothing(
    tmp_path: Path, workspace_path: Path, bad: str
) -> None:
    _overspending(tmp_path, workspace_path)
    r = run("oversight", DEMO_ENGAGEMENT, "--cost-threshold", bad, workspace=workspace_path)
    assert r.returncode == 2
    assert r.stdout == ""
    (line,) = r.stderr.strip().splitlines()
    assert f"argument --cost-threshold: {bad.strip()!r} is not a cost threshold: give a whole percentage from 0 to 500" in line
    assert _stored(workspace_path) == (0.25, 0)
