"""`diligence reference check / list`, the flags they drive, and reference checks in the exchange file (#17)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.cli.test_commands import run
from tests.conftest import DEMO_EVALUATION

OMNI = "OmniAI Solutions"


def rows(workspace: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(workspace / "diligence.sqlite")
    try:
        return con.execute(
            "select v.name, c.company, c.confirmed_production, c.stage, c.industry, c.by, c.note "
            "from reference_check c join vendor v on v.id = c.vendor_id order by c.id"
        ).fetchall()
    finally:
        con.close()


def flags_of(workspace: Path, vendor: str) -> dict[str, dict[str, Any]]:
    data = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=workspace).stdout)
    entry = next(v for v in data["ranking"] if v["vendor"] == vendor)
    return {f["rule"]: f for f in entry["flags"]}


def test_a_check_is_stored_as_typed_and_listed(demo_path: Path) -> None:
    before = rows(demo_path)
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", "Vectorworks Platform", "--company", "stratus crm",
            "--confirmed-production", "yes", "--stage", "enterprise", "--industry", "SaaS", "--by", "Ana Ruiz",
            "--note", "Runs entity resolution in production since 2025.", workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert "Vectorworks Platform / Stratus CRM: production confirmed (SaaS, enterprise stage) by Ana Ruiz" in r.stdout
    # The company is stored as the vendor's profile spells it.
    assert rows(demo_path) == [*before, ("Vectorworks Platform", "Stratus CRM", 1, "enterprise", "SaaS", "Ana Ruiz",
                                         "Runs entity resolution in production since 2025.")]
    listed = json.loads(run("reference", "list", DEMO_EVALUATION, "--vendor", "Vectorworks Platform", "--json",
                            workspace=demo_path).stdout)
    assert [(c["company"], c["confirmed_production"], c["by"]) for c in listed] == [("Stratus CRM", True, "Ana Ruiz")]
    assert set(listed[0]) == {"id", "vendor", "company", "confirmed_production", "stage", "industry", "by", "at", "note"}


def test_unknown_vendor_or_company_exits_2_naming_the_choices(demo_path: Path) -> None:
    before = rows(demo_path)
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", "Nobody", "--company", "X", "--confirmed-production", "no",
            workspace=demo_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == (f"diligence: there is no vendor 'Nobody' in evaluation '{DEMO_EVALUATION}'; its vendors: "
                                "'Signal & Scale Partners', 'OmniAI Solutions', 'Vectorworks Platform', 'Fresh Ridge Labs'")
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", OMNI, "--company", "Acme", "--confirmed-production", "no",
            workspace=demo_path)
    assert r.returncode == 2
    assert r.stderr.strip() == ("diligence: OmniAI Solutions has no reference 'Acme'; its references: 'Quotient Cloud', "
                                "'Harbor Retail Group', 'County of Westmere'")
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", "Fresh Ridge Labs", "--company", "Acme",
            "--confirmed-production", "yes", workspace=demo_path)
    assert r.returncode == 2 and "Fresh Ridge Labs lists no references" in r.stderr
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", OMNI, "--company", "Quotient Cloud",
            "--confirmed-production", "maybe", workspace=demo_path)
    assert r.returncode == 2 and "invalid choice: 'maybe'" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert rows(demo_path) == before  # nothing half-written


def test_checks_drive_the_reference_flags_end_to_end(demo_path: Path) -> None:
    vw = "Vectorworks Platform"
    assert "reference_contradicts" not in flags_of(demo_path, vw)
    r = run("reference", "check", DEMO_EVALUATION, "--vendor", vw, "--company", "Acme Cloud", "--confirmed-production",
            "no", "--note", "pilot only, not in production", workspace=demo_path)
    assert r.returncode == 0, r.stderr
    flag = flags_of(demo_path, vw)["reference_contradicts"]
    assert flag["severity"] == "high"
    assert "Acme Cloud is not in production (\u201cpilot only, not in production\u201d)" in flag["message"]
    human = run("score", DEMO_EVALUATION, workspace=demo_path).stdout
    assert f"HIGH     {vw}: A reference check contradicts what {vw} claimed" in human


def test_the_demo_has_one_confirming_and_one_contradicting_check(demo_path: Path) -> None:
    listed = json.loads(run("reference", "list", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    assert [(c["vendor"], c["company"], c["confirmed_production"]) for c in listed] == [
        ("Signal & Scale Partners", "Brightloop", True), (OMNI, "Quotient Cloud", False)]
    assert "no_relevant_references" not in flags_of(demo_path, "Signal & Scale Partners")  # confirmed clears it
    assert flags_of(demo_path, OMNI)["reference_contradicts"]["severity"] == "high"


def test_reference_checks_survive_export_and_import(demo_path: Path, tmp_path: Path) -> None:
    run("reference", "check", DEMO_EVALUATION, "--vendor", OMNI, "--company", "Harbor Retail Group",
        "--confirmed-production", "yes", "--stage", "enterprise", "--industry", "retail", "--by", "Ana",
        "--note", "Line 1\nline 2 — “quoted”", workspace=demo_path)
    out = tmp_path / "out.json"
    assert run("export", DEMO_EVALUATION, str(out), workspace=demo_path).returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    omni = next(v for v in doc["vendors"] if v["name"] == OMNI)
    assert [c["company"] for c in omni["reference_checks"]] == ["Quotient Cloud", "Harbor Retail Group"]
    other = tmp_path / "other"
    r = run("import", str(out), workspace=other)
    assert r.returncode == 0, r.stderr
    assert rows(other) == rows(demo_path)
    again = tmp_path / "again.json"
    assert run("export", DEMO_EVALUATION, str(again), workspace=other).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8")) == doc


def test_a_check_of_a_company_the_vendor_does_not_list_is_refused_on_import(tmp_path: Path) -> None:
    from tests.cli.test_exchange_cli import demo_doc

    doc = demo_doc()
    doc["vendors"][1]["reference_checks"][0]["company"] = "Unknown Co"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = run("import", str(path), workspace=tmp_path / "ws")
    assert r.returncode == 2
    assert "vendors[1].reference_checks[0].company: 'Unknown Co' is not one of this vendor's references" in r.stderr
    doc = demo_doc()
    doc["vendors"][1]["reference_checks"][0]["at"] = "last Tuesday"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = run("import", str(path), workspace=tmp_path / "ws")
    assert r.returncode == 2 and "vendors[1].reference_checks[0].at:" in r.stderr
