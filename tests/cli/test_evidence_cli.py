"""`diligence evidence add|list|search|cite`: the contract of docs/formats.md ("Evidence")."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_docx, make_pdf

SIGNAL = "Signal & Scale Partners"


@pytest.fixture
def cli(demo_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([*args, "--workspace", str(demo_path)])
        except SystemExit as exc:  # usage errors leave from argparse
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def proposal(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "Proposal v2 #final.pdf", [
        ["Signal & Scale proposal"],
        ["Delivery", "Kickoff to production in 8 weeks."],
        ["Integrations", "Certified Salesforce and HubSpot connectors."],
    ])


def test_add_list_search_cite_end_to_end(cli, proposal: Path, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(proposal),
                         "--kind", "proposal", "--valid-until", "2027-06-30")
    assert (code, err) == (0, "")
    assert out.startswith(f"Added to {SIGNAL}: Proposal v2 #final.pdf  (proposal, PDF, 3 pages,")
    assert "valid until 2027-06-30" in out
    code, out, _ = cli("evidence", "list", DEMO_EVALUATION, "--json")
    listed = json.loads(out)
    doc = listed["documents"][0]
    assert (doc["vendor"], doc["name"], doc["pages"], doc["kind"], doc["valid_until"], doc["citations"]) == (
        SIGNAL, "Proposal v2 #final.pdf", 3, "proposal", "2027-06-30", 0)
    code, out, _ = cli("evidence", "search", DEMO_EVALUATION, "--vendor", SIGNAL, "HubSpot connectors", "--json")
    found = json.loads(out)
    assert [(p["document"], p["page"]) for p in found["passages"]] == [("Proposal v2 #final.pdf", 3)]
    assert "[HubSpot]" in found["passages"][0]["snippet"]
    code, out, _ = cli("evidence", "search", DEMO_EVALUATION, "--vendor", SIGNAL, "weeks")
    assert out.splitlines()[0].startswith("Proposal v2 #final.pdf, page 2")
    code, out, err = cli("evidence", "cite", DEMO_EVALUATION, "--vendor", SIGNAL, "--question", "TR01",
                         "--document", doc["sha256"][:8], "--page", "2", "--quote", "production in\n8 weeks", "--json")
    assert (code, err) == (0, "")
    cited = json.loads(out)
    assert (cited["question"], cited["page"], cited["quote"], cited["document"]) == (
        "TR01", 2, "production in 8 weeks", "Proposal v2 #final.pdf")
    code, out, _ = cli("evidence", "list", DEMO_EVALUATION, "--vendor", SIGNAL)
    assert out.splitlines() == [SIGNAL, f"  Proposal v2 #final.pdf  (proposal, PDF, 3 pages, {out.split('3 pages, ')[1].split(',')[0]}, "
                                        f"valid until 2027-06-30)  {doc['sha256'][:12]}, cited 1 time"]
    con = sqlite3.connect(demo_path / "diligence.sqlite")
    assert con.execute("select qid, page, quote from evidence_citation").fetchall() == [("TR01", 2, "production in 8 weeks")]


def test_a_quote_not_on_the_page_is_refused_with_exit_2_and_nothing_stored(cli, proposal: Path, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(proposal))
    code, out, err = cli("evidence", "cite", DEMO_EVALUATION, "--vendor", SIGNAL, "--question", "TR01",
                         "--document", "proposal v2 #FINAL.pdf", "--page", "3", "--quote", "8 weeks")
    assert (code, out) == (2, "")
    assert err == ("diligence: the quote '8 weeks' is not on page 3 of Proposal v2 #final.pdf; "
                   "copy the words exactly as they appear on the page\n")
    code, _, err = cli("evidence", "cite", DEMO_EVALUATION, "--vendor", SIGNAL, "--question", "TR01",
                       "--document", "Proposal v2 #final.pdf", "--page", "0", "--quote", "8 weeks")
    assert code == 2 and "has 3 pages; there is no page 0" in err
    con = sqlite3.connect(demo_path / "diligence.sqlite")
    assert con.execute("select count(*) from evidence_citation").fetchone() == (0,)


def test_bad_input_names_the_problem(cli, tmp_path: Path, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", "Nobody", str(tmp_path / "x.pdf"))
    assert code == 2 and "there is no vendor 'Nobody'" in err and SIGNAL in err
    code, _, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(tmp_path / "missing.pdf"))
    assert code == 2 and err == "diligence: missing.pdf: there is no such file; nothing was stored\n"
    code, _, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(tmp_path), "--kind", "brochure")
    assert code == 2 and "invalid choice: 'brochure'" in err
    code, _, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(tmp_path), "--valid-until", "30/06/2027")
    assert code == 2 and "'30/06/2027' is not a date; write it as YYYY-MM-DD" in err
    fake = tmp_path / "report.pdf"
    make_docx(fake, [["not a pdf"]])
    code, _, err = cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(fake))
    assert code == 2 and err == ("diligence: report.pdf: the name says PDF but the content is a Word document; "
                                 "rename it or save it in the right format; nothing was stored\n")
    code, out, _ = cli("evidence", "list", DEMO_EVALUATION)
    assert (code, out) == (0, "No documents yet. Add one with: diligence evidence add EVALUATION --vendor V FILE\n")
    code, out, _ = cli("evidence", "search", DEMO_EVALUATION, "--vendor", SIGNAL, "anything", "--json")
    assert json.loads(out) == {"vendor": SIGNAL, "query": "anything", "passages": []}
    assert not (demo_path / "documents").exists() or not any((demo_path / "documents").glob("??/*"))


def test_check_names_a_document_whose_file_went_missing(cli, proposal: Path, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("evidence", "add", DEMO_EVALUATION, "--vendor", SIGNAL, str(proposal))
    assert cli("check")[0] == 0
    (blob,) = (demo_path / "documents").glob("??/*")
    blob.unlink()
    code, out, _ = cli("check")
    assert code == 1
    assert (f"    {DEMO_EVALUATION}: {SIGNAL}: Proposal v2 #final.pdf ({blob.name[:12]}): its file in "
            f"{demo_path / 'documents'} is missing") in out.splitlines()
