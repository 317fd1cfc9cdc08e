"""Fuzz the .diligence bundle importer: damaged zips and odd document entries give InputError only,
and a failed import stores nothing (no rows, no document files)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import bundles, evidence
from app.services.errors import InputError
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_docx, make_pdf
from tests.fuzz.conftest import PROFILE, Counter
from tests.fuzz.test_json_import import JSON_VALUES

TABLES = ("evaluation", "evidence_blob", "evidence_page", "evidence_document", "evidence_citation")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace

    folder = tmp_path_factory.mktemp("bundle-source")
    ws = open_workspace(folder / "ws")
    try:
        ensure_default_bank(ws)
        load_demo(ws)
        pdf = make_pdf(folder / "proposal.pdf", [["Summary"], ["Kickoff to production in 8 weeks."]])
        docx = make_docx(folder / "soc2.docx", [["SOC 2 Type II"], ["No exceptions noted"]])
        doc = evidence.add_document(ws, DEMO_EVALUATION, "Signal & Scale Partners", pdf, "proposal")
        evidence.add_document(ws, DEMO_EVALUATION, "Signal & Scale Partners", docx, "certification")
        evidence.cite(ws, DEMO_EVALUATION, "Signal & Scale Partners", "TR01", doc, 2, "8 weeks")
        out = folder / "source.diligence"
        bundles.export_bundle(ws, DEMO_EVALUATION, out)
        yield out.read_bytes()
    finally:
        ws.close()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An empty workspace: a bundle that passes every check is imported, and then the next
    import of the same evaluation is refused for its name (after all the checks ran)."""
    from app.services.banks import ensure_default_bank
    from app.store.workspace import open_workspace

    ws = open_workspace(tmp_path_factory.mktemp("bundle-target") / "ws")
    ensure_default_bank(ws)
    yield ws
    ws.close()


def _state(ws: Any) -> tuple[dict[str, int], list[str]]:
    con = sqlite3.connect(ws.db)
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608
    finally:
        con.close()
    folder = evidence.documents_folder(ws)
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    return counts, files


def _import(ws: Any, data: bytes, where: Path) -> None:
    where.write_bytes(data)
    before = _state(ws)
    try:
        bundles.import_bundle(ws, where)
    except InputError:
        assert _state(ws) == before  # refused: nothing stored, no file left behind


def _rewrite(data: bytes, change: dict[str, bytes]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, change.get(name, zin.read(name)))
    return out.getvalue()


@PROFILE
@given(position=st.floats(0, 1), flip=st.integers(1, 255), cut=st.booleans())
def test_damaged_bundle_bytes_are_refused_cleanly(bundle: bytes, target: Any, tmp_path_factory: pytest.TempPathFactory,
                                                  position: float, flip: int, cut: bool) -> None:
    Counter.tick("bundle bytes")
    at = min(int(position * len(bundle)), len(bundle) - 1)
    data = bundle[:at] if cut else bundle[:at] + bytes([bundle[at] ^ flip]) + bundle[at + 1:]
    _import(target, data, tmp_path_factory.mktemp("case") / "case.diligence")


KEYS = ("name", "sha256", "format", "size", "pages", "kind", "valid_until", "added_at", "added_by", "citations")
CITATION_KEYS = ("question", "evaluator", "page", "quote", "cited_at", "cited_by")


@PROFILE
@given(key=st.sampled_from(KEYS + CITATION_KEYS), value=JSON_VALUES, which=st.integers(0, 1))
def test_odd_document_entries_are_refused_cleanly(bundle: bytes, target: Any, tmp_path_factory: pytest.TempPathFactory,
                                                  key: str, value: Any, which: int) -> None:
    Counter.tick("bundle documents")
    with zipfile.ZipFile(__import__("io").BytesIO(bundle)) as zf:
        data = json.loads(zf.read("evaluation.json"))
    vendor = next(v for v in data["vendors"] if v.get("documents"))
    entry = vendor["documents"][which]
    if key in CITATION_KEYS:
        if not entry["citations"]:
            entry["citations"] = [{"question": "TR01", "page": 1, "quote": "x", "cited_at": "2026-01-01T00:00:00"}]
        entry["citations"][0][key] = value
    else:
        entry[key] = value
    _import(target, _rewrite(bundle, {"evaluation.json": json.dumps(data).encode()}),
            tmp_path_factory.mktemp("case") / "case.diligence")
