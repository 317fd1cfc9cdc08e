"""Hostile or broken files are refused with the file's name and the reason, and nothing is stored."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services import evidence
from app.services.errors import InputError
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import (
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_png,
    make_xlsx,
    make_zip_bomb_docx,
)

SIGNAL = "Signal & Scale Partners"


def _billion_laughs(path: Path) -> Path:
    entities = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    make_docx(path, [["x"]])
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/extra.xml", f'<?xml version="1.0"?>{entities}<w>&i;</w>')
    return path


def _macro_docx(path: Path) -> Path:
    return make_docx(path, [["Enable content to see the offer"]], extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def _macro_content_type(path: Path) -> Path:
    return make_docx(path, [["Offer"]], content_types="application/vnd.ms-word.document.macroEnabled.main+xml")


def _damaged_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" + b"\x00garbage" * 50)
    return path


def _cut_short(path: Path) -> Path:
    whole = make_pdf(path.with_name("whole.pdf"), [[f"Page {i}"] for i in range(1, 11)]).read_bytes()
    path.write_bytes(whole[: len(whole) * 9 // 10])  # a download that stopped before the end
    return path


def _encrypted(path: Path) -> Path:
    return make_encrypted_pdf(path, make_pdf(path.with_name("plain.pdf"), [["secret terms"]]))


def _owner_password_only(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    source = make_pdf(path.with_name("plain2.pdf"), [["no copying"]])
    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _oversized(path: Path) -> Path:
    with path.open("wb") as fh:  # sparse: 201 MB on paper, nothing on disk
        fh.truncate(201 * 1024 * 1024)
    return path


def _docx_named_pdf(path: Path) -> Path:
    return make_docx(path, [["I am a Word file"]])


def _pdf_named_docx(path: Path) -> Path:
    return make_pdf(path, [["I am a PDF"]])


def _png_named_jpg(path: Path) -> Path:
    return make_png(path)


def _binary_txt(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 100)
    return path


def _old_office(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    return path


def _plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _xlsm(path: Path) -> Path:
    return make_xlsx(path, {"Sheet": [["a"]]})


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("bomb.docx", make_zip_bomb_docx, r"part word/media/padding.xml inflates from .* bytes \(more than 100×\); refused as a likely zip bomb"),
    ("laughs.docx", _billion_laughs, r"part word/extra.xml declares an XML DTD or entities"),
    ("offer.docx", _macro_docx, r"the file holds macros \(a VBA project\).*Macros are never run"),
    ("offer2.docx", _macro_content_type, r"the file is macro-enabled"),
    ("offer.docm", _docx_named_pdf, r"\.docm files can hold macros"),
    ("costs.xlsm", _xlsm, r"\.xlsm files can hold macros"),
    ("damaged.pdf", _damaged_pdf, r"the PDF is damaged and cannot be read"),
    ("cut.pdf", _cut_short, r"the PDF is damaged and cannot be read \(cut short, or not really a PDF\)"),
    ("locked.pdf", _encrypted, r"the PDF is encrypted \(password-protected\)"),
    ("no-copy.pdf", _owner_password_only, r"the PDF is encrypted"),
    ("huge.pdf", _oversized, r"the file is 201 MB; documents over 200 MB are refused"),
    ("report.pdf", _docx_named_pdf, r"the name says PDF but the content is a Word document"),
    ("report.docx", _pdf_named_docx, r"the name says DOCX but the content is a PDF"),
    ("photo.jpg", _png_named_jpg, r"the name says JPEG but the content is a PNG image"),
    ("notes.txt", _binary_txt, r"the file is not text"),
    ("old.docx", _old_office, r"this is an old binary Office file or a password-protected one"),
    ("archive.docx", _plain_zip, r"this zip file is not a Word, Excel or PowerPoint document"),
    ("setup.exe", _binary_txt, r"\.exe is not a document type Diligence keeps"),
    ("empty.pdf", _empty, r"the file is empty"),
]


def _nothing_stored(ws) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(ws.db)
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed names
                  for t in ("evidence_blob", "evidence_page", "evidence_document", "evidence_citation")}
        audit = con.execute("select count(*) from audit_log where entity like 'evidence%'").fetchone()[0]
    finally:
        con.close()
    assert counts == dict.fromkeys(counts, 0) and audit == 0
    folder = evidence.documents_folder(ws)
    assert not folder.exists() or sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) in ([], [".incoming"])


@pytest.mark.parametrize(("name", "make", "reason"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_by_name_and_reason_with_nothing_stored(
        demo, tmp_path: Path, name: str, make: Callable[[Path], Path], reason: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / name)
    with pytest.raises(InputError, match=rf"^{name.replace('.', '[.]')}: {reason}.*; nothing was stored$"):
        evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, path)
    _nothing_stored(demo)


def test_a_kill_between_the_file_and_its_row_leaves_no_row_and_the_next_add_reuses_the_file(
        demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from app.store import evidence as store

    pdf = make_pdf(tmp_path / "proposal.pdf", [["Kickoff in 8 weeks"]])

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # stands for the process dying right after the blob was renamed

    monkeypatch.setattr(store, "index_pages", killed)
    with pytest.raises(KeyboardInterrupt):
        evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, pdf)
    _nothing_stored(demo)  # the transaction rolled back and the new file went with it
    monkeypatch.undo()
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, pdf)
    assert evidence.document_file(demo, doc).read_bytes() == pdf.read_bytes()
