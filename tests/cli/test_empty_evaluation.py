"""`diligence score` on an evaluation nobody has scored yet: no alarms, nothing ranked, nothing false."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.models import Organization, Stage, Vendor
from app.services import banks, evaluations, organization
from app.store.workspace import open_workspace
from tests.cli.test_commands import run

NAME = "Partner 2027"


def new_evaluation(folder: Path, vendors: tuple[str, ...], answers: int = 0) -> Path:
    ws = open_workspace(folder)
    try:
        banks.ensure_default_bank(ws)
        organization.save(ws, Organization(name="Acme", industry="B2B SaaS", stage=Stage.SCALE_UP))
        eid = evaluations.create_evaluation(ws, NAME, banks.list_banks(ws)[0].version_id, ["Ana Ruiz", "Ben Cho"])
        for name in vendors:
            evaluations.save_vendor(ws, eid, Vendor(name=name))
        scale = [q for q in evaluations.load_snapshot(ws, eid).bank.questions if q.type.value == "scale"]
        for q in scale[:answers]:
            evaluations.record_answer(ws, eid, vendors[0], "Ana Ruiz", q.id, "4", None)
        if answers:
            evaluations.set_submitted(ws, eid, "Ana Ruiz")  # her scores count once she submits
    finally:
        ws.close()
    return folder


def test_vendors_nobody_has_scored_are_not_scored_yet(tmp_path: Path) -> None:
    ws = new_evaluation(tmp_path / "ws", ("Northwind AI", "Bluefin Data"))
    r = run("score", NAME, workspace=ws)
    assert r.returncode == 0, r.stderr
    ranking = [ln for ln in r.stdout.splitlines() if "Northwind AI" in ln or "Bluefin Data" in ln][:2]
    assert all(ln.rstrip().endswith("not scored yet") for ln in ranking), ranking
    assert all(not ln[:3].strip() for ln in ranking)  # no rank number
    assert "KNOCKED OUT" not in r.stdout and "knocked out" not in r.stdout
    assert "unanswered (minimum" not in r.stdout
    assert "Winner" not in r.stdout and "Wins in" not in r.stdout
    assert "No vendor has a total yet: nothing has been scored." in r.stdout

    data = json.loads(run("score", NAME, "--json", workspace=ws).stdout)
    assert [(v["rank"], v["total"], v["knocked_out"], v["knockout_reasons"], v["gaps"]) for v in data["ranking"]] == [
        (None, None, False, [], [])
    ] * 2
    assert set(data["ranking"][0]) == {
        "rank", "vendor", "total", "knocked_out", "knockout_reasons", "sections", "layers", "gaps", "disagreements", "flags"
    }


def test_partly_scored_ranks_only_the_scored_vendor(tmp_path: Path) -> None:
    ws = new_evaluation(tmp_path / "ws", ("Northwind AI", "Bluefin Data"), answers=8)
    data = json.loads(run("score", NAME, "--json", workspace=ws).stdout)
    by_name = {v["vendor"]: v for v in data["ranking"]}
    assert by_name["Northwind AI"]["rank"] == 1 and by_name["Northwind AI"]["total"] is not None
    assert by_name["Bluefin Data"]["rank"] is None and by_name["Bluefin Data"]["knocked_out"] is False
    assert [v["vendor"] for v in data["ranking"]] == ["Northwind AI", "Bluefin Data"]


def test_no_vendors_says_so(tmp_path: Path) -> None:
    r = run("score", NAME, workspace=new_evaluation(tmp_path / "ws", ()))
    assert r.returncode == 0, r.stderr
    assert "No vendor has been added to this evaluation yet." in r.stdout
    assert "Winner" not in r.stdout and "Lead:" not in r.stdout
