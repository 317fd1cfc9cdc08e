"""Vendors' documents on a team workspace (PostgreSQL): stored in the database, searched with a
tsvector, cited, exported, copied to and from a folder byte for byte, and blind to colleagues
while the citing evaluator has not submitted (docs/team.md)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from app.domain.evidence import HIGHLIGHT
from app.services import bundles, evaluations, evidence, team
from app.services.workspace_copy import copy_workspace
from app.store import evidence as store
from app.store.server import open_server_workspace
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_pdf
from tests.pgcluster import Cluster

DANIEL = "Daniel Okafor (Data)"
MAYA = "Maya Chen (RevOps)"
VENDOR = "Signal & Scale Partners"
QUESTION = "TR06"
PAGES = [
    ["Company overview", "We have served retail clients since 2009."],
    ["Security", "All customer data is encrypted at rest with AES-256.", "Keys rotate every 90 days."],
    ["Delivery", "Kickoff within 8 weeks of signature.", "Encrypted backups are kept offsite."],
]


def _server_demo(pg_url: str) -> Any:
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo

    ws = open_server_workspace(pg_url)
    ensure_default_bank(ws)
    load_demo(ws)
    return ws


def _blob_rows(url: str) -> tuple[int, int, int]:
    ws = open_workspace(url, create=False)
    try:
        with ws.engine.connect() as con:
            return tuple(int(con.execute(text(f"select count(*) from {t}")).scalar_one())  # type: ignore[return-value]
                         for t in ("evidence_blob", "evidence_blob_data", "evidence_page"))
    finally:
        ws.close()


def test_a_pdf_added_on_a_server_is_found_cited_and_read_back(pg_url: str, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "security.pdf", PAGES)
    ws = _server_demo(pg_url)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, pdf, "certification")
        assert (doc.pages, doc.format, doc.size) == (3, "pdf", pdf.stat().st_size)
        assert _blob_rows(pg_url) == (1, 1, 3)
        # The bytes live in the database: the viewer's file is written from there when missing.
        store.blob_path(store.local_folder(), doc.sha256).unlink(missing_ok=True)
        assert evidence.document_file(ws, doc).read_bytes() == pdf.read_bytes()
        hits = evidence.search(ws, DEMO_EVALUATION, VENDOR, "how is data encrypted at rest?")
        assert [(h.document.name, h.page) for h in hits][:2] == [("security.pdf", 2), ("security.pdf", 3)]
        assert f"{HIGHLIGHT[0]}encrypted{HIGHLIGHT[1]}" in hits[0].snippet
        assert evidence.search(ws, DEMO_EVALUATION, VENDOR, "zebra") == []
        same = evidence.add_document(ws, DEMO_EVALUATION, "OmniAI Solutions", pdf, name="copy.pdf")
        assert same.sha256 == doc.sha256 and _blob_rows(pg_url) == (1, 1, 3)  # stored once
        evidence.cite(ws, DEMO_EVALUATION, VENDOR, QUESTION, doc, 2, "encrypted at rest with AES-256")
        assert [(c.page, c.quote) for c in evidence.citations_for(ws, DEMO_EVALUATION, VENDOR)] == [
            (2, "encrypted at rest with AES-256")]
        assert evidence.file_problems(ws) == []
        ws_sql = open_workspace(pg_url, create=False)
        try:
            with ws_sql.engine.begin() as con:  # bytes lost behind the app's back: `check` names the document
                con.execute(text("delete from evidence_blob_data"))
            assert [p.split(": ", 2)[2] for p in evidence.file_problems(ws)] == [
                f"copy.pdf ({doc.short_hash}): its file in the database is missing",
                f"security.pdf ({doc.short_hash}): its file in the database is missing"]
            with ws_sql.engine.begin() as con:
                con.execute(text("insert into evidence_blob_data values (:sha, :data)"),
                            {"sha": doc.sha256, "data": pdf.read_bytes()})
        finally:
            ws_sql.close()
        evidence.remove_document(ws, same)
        evidence.remove_document(ws, doc)
        assert _blob_rows(pg_url) == (0, 0, 0)  # the last reference gone: bytes and pages go too
    finally:
        ws.close()


def test_a_kill_while_adding_leaves_no_blob_rows_or_bytes(pg_url: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = make_pdf(tmp_path / "proposal.pdf", PAGES)
    ws = _server_demo(pg_url)
    try:
        def killed(*_args: object) -> None:
            raise KeyboardInterrupt  # the process dies after the bytes were written, before commit

        monkeypatch.setattr(store, "index_pages", killed)
        with pytest.raises(KeyboardInterrupt):
            evidence.add_document(ws, DEMO_EVALUATION, VENDOR, pdf)
        assert _blob_rows(pg_url) == (0, 0, 0)
        monkeypatch.undo()
        doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, pdf)
        assert evidence.document_file(ws, doc).read_bytes() == pdf.read_bytes()
    finally:
        ws.close()


def _documents(folder: Path) -> dict[str, bytes]:
    docs = folder / "documents"
    return {p.name: p.read_bytes() for p in sorted(docs.glob("??/*"))}


def _best_page_and_bundle(where: str, out: Path) -> tuple[tuple[str, int], bytes]:
    """The best page for "kickoff weeks" and the bytes of the evaluation's bundle exported from `where`."""
    ws = open_workspace(where)
    try:
        best = evidence.search(ws, DEMO_EVALUATION, VENDOR, "kickoff weeks")[0]
        bundles.export_bundle(ws, DEMO_EVALUATION, out)
    finally:
        ws.close()
    return (best.document.name, best.page), out.read_bytes()


def test_copy_folder_to_server_to_folder_keeps_documents_and_the_bundle(demo_path: Path, pg_url: str,
                                                                         tmp_path: Path) -> None:
    ws = open_workspace(demo_path)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, make_pdf(tmp_path / "security.pdf", PAGES))
        evidence.add_document(ws, DEMO_EVALUATION, "OmniAI Solutions",
                              make_pdf(tmp_path / "plan.pdf", [["Implementation plan", "Twelve weeks."]]))
        evidence.cite(ws, DEMO_EVALUATION, VENDOR, QUESTION, doc, 3, "Kickoff within 8 weeks")
        bundles.export_bundle(ws, DEMO_EVALUATION, tmp_path / "folder.diligence")
    finally:
        ws.close()
    original = _documents(demo_path)
    assert len(original) == 2
    summary = copy_workspace(demo_path, pg_url)
    assert summary.documents == 2
    assert _best_page_and_bundle(pg_url, tmp_path / "server.diligence") == (
        ("security.pdf", 3), (tmp_path / "folder.diligence").read_bytes())
    back = tmp_path / "back"
    assert copy_workspace(pg_url, back).documents == 2
    assert _documents(back) == original
    assert _best_page_and_bundle(str(back), tmp_path / "back.diligence") == (
        ("security.pdf", 3), (tmp_path / "folder.diligence").read_bytes())


def test_a_bundle_with_documents_imports_into_a_server(demo_path: Path, pg_url: str, tmp_path: Path) -> None:
    ws = open_workspace(demo_path)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, make_pdf(tmp_path / "security.pdf", PAGES))
        evidence.cite(ws, DEMO_EVALUATION, VENDOR, QUESTION, doc, 2, "Keys rotate every 90 days.")
        bundles.export_bundle(ws, DEMO_EVALUATION, tmp_path / "in.diligence")
    finally:
        ws.close()
    server = open_server_workspace(pg_url)
    try:
        from app.services.banks import ensure_default_bank

        ensure_default_bank(server)
        bundles.import_bundle(server, tmp_path / "in.diligence")
        (imported,) = evidence.list_documents(server, DEMO_EVALUATION)
        assert evidence.document_file(server, imported).read_bytes() == (tmp_path / "security.pdf").read_bytes()
        assert [c.quote for c in evidence.citations_for(server, DEMO_EVALUATION)] == ["Keys rotate every 90 days."]
    finally:
        server.close()
    assert _blob_rows(pg_url) == (1, 1, 3)


def test_roles_documents_and_blind_citations(pg_env: Cluster, pg_url: str, tmp_path: Path) -> None:
    owner = _server_demo(pg_url)
    dbname = pg_url.rsplit("/", 1)[1]
    tag = uuid.uuid4().hex[:8]
    logins = {"daniel": f"daniel_{tag}", "maya": f"maya_{tag}", "viewer": f"exec_{tag}"}
    for login in logins.values():
        pg_env.create_login(login, f"pw-{login}")
    team.grant(owner, logins["daniel"], "evaluator", DANIEL)
    team.grant(owner, logins["maya"], "evaluator", MAYA)
    team.grant(owner, logins["viewer"], "viewer", "Erin Exec")
    pdf = make_pdf(tmp_path / "security.pdf", PAGES)
    doc = evidence.add_document(owner, DEMO_EVALUATION, VENDOR, pdf)  # the creator is a lead
    owner.close()

    def as_(who: str) -> Any:
        return open_server_workspace(pg_env.url(dbname, logins[who]))

    dan = as_("daniel")
    try:
        with pytest.raises(Exception, match="(?i)permission|not allowed|denied"):
            evidence.add_document(dan, DEMO_EVALUATION, VENDOR, make_pdf(tmp_path / "other.pdf", [["x y z"]]))
        evaluations.set_submitted(dan, DEMO_EVALUATION, DANIEL, False)
        secret = evidence.cite(dan, DEMO_EVALUATION, VENDOR, QUESTION, doc.id, 2, "Keys rotate every 90 days.",
                               evaluator=DANIEL)
    finally:
        dan.close()

    def sql(who: str) -> psycopg.Connection[Any]:
        return psycopg.connect(host="127.0.0.1", port=pg_env.port, dbname=dbname, user=logins[who], autocommit=True)

    with sql("maya") as con:
        assert con.execute("select count(*) from evidence_citation where id = %s", (secret.id,)).fetchone() == (0,)
        assert con.execute("select count(*) from evidence_blob_data").fetchone() == (1,)  # documents are shared
    with sql("daniel") as con:
        assert con.execute("select quote from evidence_citation where id = %s", (secret.id,)).fetchone() == (
            "Keys rotate every 90 days.",)
    viewer = as_("viewer")
    try:
        assert evidence.citations_for(viewer, DEMO_EVALUATION, evaluator=DANIEL) == []
        (seen,) = evidence.list_documents(viewer, DEMO_EVALUATION, VENDOR)
        store.blob_path(store.local_folder(), seen.sha256).unlink(missing_ok=True)
        assert evidence.document_file(viewer, seen).read_bytes() == pdf.read_bytes()
    finally:
        viewer.close()
    dan = as_("daniel")
    evaluations.set_submitted(dan, DEMO_EVALUATION, DANIEL, True)
    dan.close()
    with sql("maya") as con:
        assert con.execute("select count(*) from evidence_citation where id = %s", (secret.id,)).fetchone() == (1,)


def test_a_document_removed_in_the_app_comes_back_on_undo_with_its_bytes(pg_url: str, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "security.pdf", PAGES)
    ws = _server_demo(pg_url)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, pdf, "certification")
        evidence.cite(ws, DEMO_EVALUATION, VENDOR, QUESTION, doc, 2, "encrypted at rest with AES-256")
        removed = evidence.remove_document(ws, doc, keep_bytes=True)  # the app's removal, undoable
        assert evidence.list_documents(ws, DEMO_EVALUATION, VENDOR) == []
        assert _blob_rows(pg_url) == (1, 1, 3)  # the bytes and pages wait for the undo
        back = evidence.restore_document(ws, removed)
        store.blob_path(store.local_folder(), back.sha256).unlink(missing_ok=True)
        assert evidence.document_file(ws, back).read_bytes() == pdf.read_bytes()
        assert [(c.page, c.quote) for c in evidence.citations_for(ws, DEMO_EVALUATION, VENDOR)] == [
            (2, "encrypted at rest with AES-256")]
        assert [(h.document.name, h.page) for h in evidence.search(ws, DEMO_EVALUATION, VENDOR, "AES-256")] == [
            ("security.pdf", 2)]
    finally:
        ws.close()
