"""The .diligence bundle: an evaluation with its documents, out and back in losslessly, tampering refused."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from app.services import bundles, evidence, transfer
from app.services.errors import InputError
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_docx, make_pdf

SIGNAL, FRESH = "Signal & Scale Partners", "Fresh Ridge Labs"


@pytest.fixture
def with_documents(demo, tmp_path: Path):  # type: ignore[no-untyped-def]
    pdf = make_pdf(tmp_path / "proposal.pdf", [["Summary"], ["Kickoff to production in 8 weeks."],
                                              ["Salesforce and HubSpot connectors."]])
    soc2 = make_docx(tmp_path / "SOC 2 — 2025 #final.docx", [["SOC 2 Type II"], ["No exceptions noted"]])
    a = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, pdf, "proposal")
    evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, soc2, "certification", valid_until=__import__("datetime").date(2026, 6, 30))
    evidence.add_document(demo, DEMO_EVALUATION, FRESH, pdf, "case-study")  # same bytes, second vendor
    evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", a, 2, "production in 8 weeks", evaluator="Maya Chen (RevOps)")
    evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", "SOC 2 — 2025 #final.docx", 2, "no exceptions")
    return demo


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _fresh(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    from app.services.banks import ensure_default_bank

    ws = open_workspace(tmp_path / name)
    ensure_default_bank(ws)
    return ws


def test_round_trip_gives_identical_json_and_blobs(with_documents, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "out" / "lead scoring #1.diligence"
    first.parent.mkdir()
    done = bundles.export_bundle(with_documents, DEMO_EVALUATION, first)
    assert (done.documents, done.citations) == (3, 2)
    members = _members(first)
    blobs = {n for n in members if n.startswith("documents/")}
    assert len(blobs) == 2  # the PDF both vendors refer to is in the bundle once
    for name in blobs:
        assert hashlib.sha256(members[name]).hexdigest() == name.split("/")[1]
    data = json.loads(members["evaluation.json"])
    signal = next(v for v in data["vendors"] if v["name"] == SIGNAL)
    assert [(d["name"], d["kind"], d["pages"], d["valid_until"], len(d["citations"])) for d in signal["documents"]] == [
        ("proposal.pdf", "proposal", 3, None, 1), ("SOC 2 — 2025 #final.docx", "certification", 2, "2026-06-30", 1)]
    assert signal["documents"][0]["citations"][0] | {"cited_at": "", "cited_by": ""} == {
        "question": "TR01", "evaluator": "Maya Chen (RevOps)", "page": 2, "quote": "production in 8 weeks",
        "cited_at": "", "cited_by": ""}

    fresh = _fresh(tmp_path, "fresh #ws")
    try:
        summary = bundles.import_bundle(fresh, first)
        assert summary.documents == 3
        found = evidence.search(fresh, DEMO_EVALUATION, FRESH, "HubSpot")
        assert [(p.document.name, p.page) for p in found] == [("proposal.pdf", 3)]
        assert len(evidence.citations_for(fresh, DEMO_EVALUATION, SIGNAL, "TR01")) == 2
        second = tmp_path / "out" / "again.diligence"
        bundles.export_bundle(fresh, DEMO_EVALUATION, second)
        again = _members(second)
        assert again["evaluation.json"] == members["evaluation.json"]
        assert {n: again[n] for n in blobs} == {n: members[n] for n in blobs}
        assert second.read_bytes() == first.read_bytes()  # deterministic, byte for byte
    finally:
        fresh.close()


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            data = change.get(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)
    return target


def _nothing_imported(ws) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(ws.db)
    try:
        assert con.execute("select count(*) from evaluation").fetchone() == (0,)
        for table in ("evidence_blob", "evidence_page", "evidence_document", "evidence_citation"):
            assert con.execute(f"select count(*) from {table}").fetchone() == (0,), table  # noqa: S608
    finally:
        con.close()
    folder = evidence.documents_folder(ws)
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()]


def test_a_tampered_document_is_refused_and_nothing_is_imported(with_documents, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.diligence"
    bundles.export_bundle(with_documents, DEMO_EVALUATION, good)
    members = _members(good)
    pdf = next(n for n in members if n.startswith("documents/") and members[n].startswith(b"%PDF"))
    original = members[pdf]
    changed = original[:200] + bytes([original[200] ^ 0x20]) + original[201:]  # one byte changed
    bad = _rewrite(good, tmp_path / "tampered.diligence", {pdf: changed})
    fresh = _fresh(tmp_path, "fresh")
    try:
        with pytest.raises(InputError, match=rf"tampered.diligence: {pdf}: its bytes do not match its SHA-256: "
                                             "the bundle was changed or damaged after it was exported; nothing was imported"):
            bundles.import_bundle(fresh, bad)
        _nothing_imported(fresh)
    finally:
        fresh.close()


@pytest.mark.parametrize("case", ["missing blob", "extra member", "quote not on page", "json lists unknown blob"])
def test_other_inconsistent_bundles_are_refused(with_documents, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.diligence"
    bundles.export_bundle(with_documents, DEMO_EVALUATION, good)
    members = _members(good)
    blob = sorted(n for n in members if n.startswith("documents/"))[0]
    data = json.loads(members["evaluation.json"])
    if case == "missing blob":
        change: dict[str, bytes | None] = {blob: None}
        expected = rf"{blob} is listed but missing"
    elif case == "extra member":
        change = {"documents/run.sh": b"rm -rf /"}
        expected = r"unexpected member 'documents/run.sh'"
    elif case == "quote not on page":
        data["vendors"][0]["documents"][0]["citations"][0]["quote"] = "production in 2 weeks"
        change = {"evaluation.json": json.dumps(data).encode()}
        expected = r"vendors\[0\].documents\[0\].citations\[0\].quote: the quote 'production in 2 weeks' is not on page 2"
    else:
        data["vendors"][0]["documents"][0]["sha256"] = "0" * 64
        change = {"evaluation.json": json.dumps(data).encode()}
        expected = r"proposal.pdf \(000000000000\) is listed but its file is not in the bundle"
    bad = _rewrite(good, tmp_path / "bad.diligence", change)
    fresh = _fresh(tmp_path, "fresh")
    try:
        with pytest.raises(InputError, match=expected):
            bundles.import_bundle(fresh, bad)
        _nothing_imported(fresh)
    finally:
        fresh.close()


def test_plain_json_leaves_documents_out_and_says_so_on_stderr(with_documents, demo_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plain.json"
    assert main(["export", DEMO_EVALUATION, str(out), "--workspace", str(demo_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"Wrote {out}\n"
    assert ("note: 3 documents and 2 citations were left out of this JSON file; export to a .diligence file "
            "to include them\n") in captured.err
    assert all("documents" not in v for v in json.loads(out.read_text(encoding="utf-8"))["vendors"])
    # A JSON file that lists documents (taken out of a bundle) cannot bring their bytes: refused.
    listed = tmp_path / "listed.json"
    listed.write_bytes(_members(_bundle(with_documents, tmp_path))["evaluation.json"])
    fresh = _fresh(tmp_path, "fresh")
    try:
        with pytest.raises(InputError, match="their files come only in a .diligence bundle"):
            transfer.import_file(fresh, listed)
        _nothing_imported(fresh)
    finally:
        fresh.close()


def _bundle(ws, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "b.diligence"
    bundles.export_bundle(ws, DEMO_EVALUATION, path)
    return path


def test_cli_export_and_import_of_a_bundle(with_documents, demo_path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "evaluation.diligence"
    assert main(["export", DEMO_EVALUATION, str(out), "--workspace", str(demo_path)]) == 0
    assert capsys.readouterr().out == f"Wrote {out} (3 documents, 2 citations)\n"
    target = tmp_path / "other ws"
    assert main(["import", str(out), "--workspace", str(target)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"Imported {DEMO_EVALUATION!r}: 4 vendors,") and printed.endswith(", 3 documents\n")
    assert main(["evidence", "list", DEMO_EVALUATION, "--workspace", str(target), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["documents"]
    assert [(d["vendor"], d["name"], d["citations"]) for d in listed] == [
        (SIGNAL, "proposal.pdf", 1), (SIGNAL, "SOC 2 — 2025 #final.docx", 1), (FRESH, "proposal.pdf", 0)]
    # Importing the same bundle again is refused (the evaluation exists) and adds nothing.
    assert main(["import", str(out), "--workspace", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_a_pipe_or_folder_named_like_a_bundle_is_refused_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    pipe = tmp_path / "incoming.diligence"
    os.mkfifo(pipe)  # opening it would wait for a writer forever
    folder = tmp_path / "folder.diligence"
    folder.mkdir()
    for path, said in ((pipe, "this is not a regular file"), (folder, "this is a folder, not a file")):
        assert main(["import", str(path), "--workspace", str(tmp_path / "ws")]) == 2
        assert said in capsys.readouterr().err
