"""Vendor names and notes from untrusted sources: long, emoji, right-to-left, markup, 30 vendors, nothing scored."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.paths import data_dir
from app.services import evaluations, transfer
from app.services.reports import evaluation_report
from tests.report.helpers import flat, font_files, page_texts, render_all, squeezed, stream_text

EVALUATION = "Hostile <b>&amp;</b> evaluation"
LONG = ("Consolidated Analytical Engineering Partners " * 6)[:200].strip()
EMOJI = "Rocket 🚀 Analytics 🤖"
RTL = "שותפי נתונים شركاء البيانات"
MARKUP = "<b>&amp;</b> Partners & <i>Co</i>"
GREEK_CYRILLIC = "Δέλτα Данные Partners"
NOTHING = "Nothing Scored Yet Ltd"
NOTE = "Long note " + ("x" * 40 + " ") * 243  # about 10,000 characters, with spaces to wrap on


def _hostile_document(tmp_path: Path, clones: int = 24) -> Path:
    doc = json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))
    doc.pop("engagement", None)
    doc["evaluation"]["name"] = EVALUATION
    base = doc["vendors"][1]
    extra = []
    for name in (LONG, EMOJI, RTL, MARKUP, GREEK_CYRILLIC):
        v = copy.deepcopy(base)
        v["name"] = name
        v["claims"] = f"{name} claims <script>alert('x')</script> & more"
        extra.append(v)
    nothing = copy.deepcopy(base)
    nothing["name"] = NOTHING
    nothing["answers"] = []
    extra.append(nothing)
    for i in range(clones):
        v = copy.deepcopy(base)
        v["name"] = f"Clone vendor {i + 1:02d}"
        extra.append(v)
    doc["vendors"].extend(extra)
    for v in doc["vendors"]:
        for a in v["answers"]:
            if a["question"] in ("CL04", "SO01", "AC05"):
                a["note"] = NOTE
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Built once for the module: importing 34 vendors and laying out 45 pages takes a few seconds."""
    from app.services.banks import ensure_default_bank
    from app.store.workspace import open_workspace

    folder = tmp_path_factory.mktemp("hostile")
    ws = open_workspace(folder / "workspace")
    ensure_default_bank(ws)
    transfer.import_document(ws, transfer.read_document(_hostile_document(folder)), "hostile.json")
    evaluations.acknowledge_flag(ws, EVALUATION, "Fresh Ridge Labs", "no_relevant_references",
                                 "Spoke to <two> clients & they vouch", by="Ana Rivera")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def hostile_pdf(hostile: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-pdf") / "hostile.pdf"
    evaluation_report(hostile, EVALUATION, out)
    return out


def test_thirty_vendors_build_and_print_every_name_literally(hostile: object, hostile_pdf: Path, tmp_path: Path) -> None:
    out = hostile_pdf
    results = evaluations.score(hostile, EVALUATION)
    assert len(results.ranking) == 34
    text = stream_text(out)
    squeezed_text = squeezed(text)
    for v in results.ranking:
        if v.vendor in (EMOJI, RTL):
            continue
        assert squeezed(v.vendor) in squeezed_text, v.vendor
    assert "<b>&amp;</b> Partners & <i>Co</i>" in text
    assert "<script>alert('x')</script>" in text
    assert "Δέλτα Данные Partners" in text
    # Emoji fall back to a placeholder glyph; the words around them still print.
    assert "Rocket" in text and "Analytics" in text
    # Right-to-left text prints with the embedded font (the glyphs exist), in logical order.
    assert "שותפי" in text or "יפתוש" in text
    assert EVALUATION in text  # header on every page, escaped
    assert all(font_files(out).values())
    # one page per vendor plus the fixed pages
    pages = page_texts(out)
    assert sum("VENDOR PROFILE ·" in p for p in pages) == 34
    unscored = sum(v.rank is None for v in results.ranking)
    assert sum("VENDOR PROFILE · NOT SCORED YET" in p for p in pages) == unscored
    assert sum(f"VENDOR PROFILE · RANK 1 OF {34 - unscored}" in p for p in pages) == 1
    assert len(render_all(out, tmp_path / "png")) == len(pages)


def test_nothing_scored_shows_a_dash_not_zero(hostile: object, hostile_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    evaluation_report(hostile, EVALUATION, out, summary=True)
    pages = page_texts(out)
    assert len(pages) == 1  # page 1 stays one page with 34 vendors
    first = flat(pages[0])
    assert "… and 22 more vendors" in first
    full = hostile_pdf
    matrix = [p for p in page_texts(full) if "Score matrix" in p]
    assert matrix
    # Nobody scored it: no rank (a dash), last, and dashes where scores would be.
    line = next(ln for p in page_texts(full) for ln in p.splitlines() if ln.startswith("— " + NOTHING))
    assert "—" in line[2:] and " 0.0" not in line


def test_acknowledged_flag_shows_who_when_and_why(hostile_pdf: Path) -> None:
    text = stream_text(hostile_pdf)
    assert "CRITICAL acknowledged" in text
    assert "Acknowledged by Ana Rivera on" in text
    assert "Spoke to <two> clients & they vouch" in text


def test_ten_thousand_character_notes_wrap_and_are_shortened(hostile_pdf: Path) -> None:
    text = stream_text(hostile_pdf)
    assert "Long note xxxx" in text
    assert "…" in text


def test_same_hostile_workspace_gives_identical_bytes(hostile: object, tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    evaluation_report(hostile, EVALUATION, a, summary=True)
    evaluation_report(hostile, EVALUATION, b, summary=True)
    assert a.read_bytes() == b.read_bytes()


def test_empty_evaluation_builds(workspace: object, tmp_path: Path) -> None:
    from app.services.banks import list_banks, versions

    bank = list_banks(workspace)[0]
    version_id = versions(workspace, bank.name)[0].id
    evaluations.create_evaluation(workspace, "Empty & new", version_id, ["Ana"])
    out = tmp_path / "empty.pdf"
    evaluation_report(workspace, "Empty & new", out)
    first = flat(page_texts(out)[0])
    assert "No recommendation yet" in first
    assert "No vendor has been added" in first
