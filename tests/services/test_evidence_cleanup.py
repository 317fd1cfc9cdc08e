"""What removed documents leave behind is deleted once nothing can need it, and never before:
checked on the real files in `documents/`, in the database with SQL, and through undo and a
restored backup."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from app.services import backups, evaluations, evidence
from app.services.evidence_cleanup import CleanUp, clean_up
from app.store.workspace import acquire_lock, open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_pdf
from tests.services.test_evidence import FRESH, SIGNAL, rows


def files(ws) -> list[str]:  # type: ignore[no-untyped-def]
    """Every file under documents/ but the incoming folder, as a path relative to it."""
    folder = evidence.documents_folder(ws)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and ".incoming" not in p.parts)


def blob(sha: str) -> str:
    return f"{sha[:2]}/{sha}"


def age(path: Path, hours: float = 2) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.fixture
def confidential(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "confidential.pdf", [["Confidential pricing"], ["Our margin is 61 percent."]])


@pytest.fixture
def other(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "case-study.pdf", [["Case study", "Twelve stores went live."]])


def test_a_document_removed_in_the_app_is_deleted_at_the_clean_up_and_not_before(demo, confidential: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", doc, 2, "margin is 61 percent")
    removed = evidence.remove_document(demo, doc, keep_bytes=True)  # the app's removal: undoable
    assert files(demo) == [blob(doc.sha256)]  # kept for undo …
    restored = evidence.restore_document(demo, removed)  # … which brings back everything
    assert hashlib.sha256(evidence.document_file(demo, restored).read_bytes()).hexdigest() == doc.sha256
    assert [c.quote for c in evidence.citations_for(demo, DEMO_EVALUATION, SIGNAL)] == ["margin is 61 percent"]
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, SIGNAL, "margin")] == [2]
    assert clean_up(demo).deleted == ()  # a document refers to it again: nothing to delete
    assert files(demo) == [blob(doc.sha256)]

    evidence.remove_document(demo, restored, keep_bytes=True)
    done = clean_up(demo)  # the app's undo history is gone (it quit, or opens the workspace anew)
    assert done.dropped == done.deleted == (doc.sha256,)
    assert files(demo) == []
    assert rows(demo, "SELECT count(*) FROM evidence_blob") == [(0,)]
    assert rows(demo, "SELECT count(*) FROM evidence_page") == [(0,)]
    assert rows(demo, "SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH 'margin'") == [(0,)]
    assert rows(demo, "PRAGMA integrity_check") == [("ok",)]


def test_bytes_another_vendor_still_refers_to_are_never_deleted(demo, confidential: Path, other: Path) -> None:  # type: ignore[no-untyped-def]
    mine = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    theirs = evidence.add_document(demo, DEMO_EVALUATION, FRESH, confidential)
    gone = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, other)
    evidence.remove_document(demo, mine, keep_bytes=True)
    evidence.remove_document(demo, gone, keep_bytes=True)
    assert clean_up(demo).deleted == (gone.sha256,)
    assert files(demo) == [blob(theirs.sha256)]
    assert evidence.document_file(demo, theirs).read_bytes() == confidential.read_bytes()
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, FRESH, "margin")] == [2]


def test_a_removed_vendor_s_documents_go_at_the_clean_up_after_its_undo_brought_them_back_before(  # type: ignore[no-untyped-def]
        demo, confidential: Path) -> None:
    doc = evidence.add_document(demo, DEMO_EVALUATION, FRESH, confidential)
    deleted = evaluations.delete_vendor(demo, DEMO_EVALUATION, FRESH)
    assert files(demo) == [blob(doc.sha256)]
    evaluations.restore_vendor(demo, DEMO_EVALUATION, deleted)
    assert [d.name for d in evidence.list_documents(demo, DEMO_EVALUATION, FRESH)] == ["confidential.pdf"]
    evaluations.delete_vendor(demo, DEMO_EVALUATION, FRESH)
    clean_up(demo)
    assert files(demo) == [] and rows(demo, "SELECT count(*) FROM evidence_blob") == [(0,)]


def test_nothing_is_deleted_while_another_window_has_the_workspace_open_for_writing(demo, confidential: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    evidence.remove_document(demo, doc, keep_bytes=True)  # that window's removal, which it can undo
    window = acquire_lock(demo.db)  # the app's lock, as that window holds it
    try:
        assert window.held
        assert clean_up(demo) == CleanUp()  # nothing done
        assert files(demo) == [blob(doc.sha256)]
        assert rows(demo, "SELECT count(*) FROM evidence_blob") == [(1,)]
        # The command line removing another document then keeps its file too, for now.
        again = evidence.add_document(demo, DEMO_EVALUATION, FRESH, confidential)
        evidence.remove_document(demo, again)
        assert files(demo) == [blob(doc.sha256)]
    finally:
        window.release()
    # A window open read-only (the lock was taken) never deletes anything either.
    readonly = open_workspace(demo.location, read_only=True)
    try:
        assert clean_up(readonly).deleted == () and files(demo) == [blob(doc.sha256)]
    finally:
        readonly.close()
    assert clean_up(demo).deleted == (doc.sha256,)
    assert files(demo) == []


def test_the_window_holding_the_lock_cleans_up_and_one_that_let_go_does_not(demo_path: Path, confidential: Path) -> None:
    ws = open_workspace(demo_path, lock=True)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, SIGNAL, confidential)
        evidence.remove_document(ws, doc, keep_bytes=True)
        assert ws.lock is not None and ws.lock.held
        ws.lock.release()  # as before a restore: the window gave the workspace up
        assert clean_up(ws).deleted == () and files(ws) == [blob(doc.sha256)]
    finally:
        ws.close()
    ws = open_workspace(demo_path, lock=True)
    try:
        assert clean_up(ws).deleted == (doc.sha256,)
    finally:
        ws.close()


def test_a_file_a_backup_lists_stays_until_that_backup_is_gone(demo, confidential: Path, other: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", doc, 2, "margin is 61 percent")
    saved = backups.backup(demo)  # a manual backup, which lists the document
    later = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, other)
    evidence.remove_document(demo, doc, keep_bytes=True)
    evidence.remove_document(demo, later, keep_bytes=True)  # added after the backup: no backup needs it

    done = clean_up(demo)
    assert set(done.dropped) == {doc.sha256, later.sha256}  # gone from the workspace's database …
    assert done.kept_for_backups == (doc.sha256,) and done.deleted == (later.sha256,)
    assert files(demo) == [blob(doc.sha256)]  # … but the file the backup needs is kept
    assert rows(demo, "SELECT count(*) FROM evidence_page") == [(0,)]

    # Restoring the backup brings the document back whole: its file, text and citation.
    demo.close()
    backups.restore(demo.location, saved)
    ws = open_workspace(demo.location)
    try:
        (back,) = evidence.list_documents(ws, DEMO_EVALUATION, SIGNAL)
        assert evidence.document_file(ws, back).read_bytes() == confidential.read_bytes()
        assert [c.page for c in evidence.citations_for(ws, DEMO_EVALUATION, SIGNAL)] == [2]
        assert [p.page for p in evidence.search(ws, DEMO_EVALUATION, SIGNAL, "margin")] == [2]
        assert rows(ws, "INSERT INTO evidence_fts(evidence_fts) VALUES ('integrity-check')") == []
        assert evidence.file_problems(ws) == []
        evidence.remove_document(ws, back, keep_bytes=True)
        clean_up(ws)
        # Now two backups list it (the one restored, and the copy taken before the restore).
        assert files(ws) == [blob(doc.sha256)]
        for b in backups.list_backups(ws):
            b.path.unlink()
        clean_up(ws)
        assert files(ws) == [blob(doc.sha256)]  # a file no row refers to waits an hour (an add in progress?)
        age(evidence.documents_folder(ws) / blob(doc.sha256))
        assert clean_up(ws).deleted == (doc.sha256,)
        assert files(ws) == []
    finally:
        ws.close()


def test_when_a_backup_cannot_be_read_no_file_is_deleted(demo, confidential: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    folder = backups.backup(demo).parent
    damaged = folder / f"{demo.db.stem}-auto-20260101-120000-000000.sqlite"
    damaged.write_bytes(b"not a database, but named like a backup the app would offer to restore")
    evidence.remove_document(demo, doc, keep_bytes=True)
    done = clean_up(demo)
    assert done.deleted == () and done.kept_for_backups == (doc.sha256,)
    assert files(demo) == [blob(doc.sha256)]
    damaged.unlink()
    age(evidence.documents_folder(demo) / blob(doc.sha256))
    for b in backups.list_backups(demo):
        b.path.unlink()
    assert clean_up(demo).deleted == (doc.sha256,)


def test_only_files_the_app_stored_are_deleted_and_a_fresh_one_waits(demo, confidential: Path) -> None:  # type: ignore[no-untyped-def]
    evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)  # the folder exists, in use
    folder = evidence.documents_folder(demo)
    data = b"bytes a killed add stored without writing their row"
    left = hashlib.sha256(data).hexdigest()
    (folder / left[:2]).mkdir(exist_ok=True)
    (folder / blob(left)).write_bytes(data)
    # A person's own files in the folder: one with a name of its own, one named like a stored
    # file but holding other bytes, one in a folder of another name.
    own = folder / "my notes.pdf"
    own.write_bytes(b"%PDF-1.7 mine")
    lookalike = "ab" + "c" * 62
    (folder / "ab").mkdir(exist_ok=True)
    (folder / blob(lookalike)).write_bytes(b"not the bytes this name is the SHA-256 of")
    (folder / "zz").mkdir()
    elsewhere = folder / "zz" / left
    elsewhere.write_bytes(data)
    for path in (folder / blob(left), own, folder / blob(lookalike), elsewhere):
        age(path)
    fresh_data = b"an add in another process, about to write its row"
    fresh = hashlib.sha256(fresh_data).hexdigest()
    (folder / fresh[:2]).mkdir(exist_ok=True)
    (folder / blob(fresh)).write_bytes(fresh_data)
    before = set(files(demo))

    done = clean_up(demo)
    assert done.dropped == () and done.deleted == (left,)
    assert set(files(demo)) == before - {blob(left)}
    assert own.read_bytes() == b"%PDF-1.7 mine" and elsewhere.read_bytes() == data


def test_the_command_line_s_removal_keeps_what_a_backup_needs(demo, confidential: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    backups.backup(demo)
    evidence.remove_document(demo, doc)  # `diligence evidence remove`: not undoable
    assert rows(demo, "SELECT count(*) FROM evidence_blob") == [(0,)]  # gone from the workspace
    assert files(demo) == [blob(doc.sha256)]  # the backup's copy of the file stays


def test_an_add_whose_file_a_clean_up_took_meanwhile_stores_nothing(demo, confidential: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.services.errors import InputError
    from app.store import evidence as store

    commit = store.commit_blob

    def then_taken(staged):  # type: ignore[no-untyped-def]
        created = commit(staged)
        store.remove_blob_files(staged.folder, [staged.sha256])  # a clean-up in another process, just then
        return created

    monkeypatch.setattr(store, "commit_blob", then_taken)
    with pytest.raises(InputError, match=r"confidential\.pdf: .*deleted while it was being added.*nothing was stored"):
        evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)
    assert rows(demo, "SELECT count(*) FROM evidence_document") == [(0,)]
    assert rows(demo, "SELECT count(*) FROM evidence_blob") == [(0,)]
    monkeypatch.undo()
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, confidential)  # adding it again works
    assert evidence.document_file(demo, doc).read_bytes() == confidential.read_bytes()
    assert evidence.file_problems(demo) == []
