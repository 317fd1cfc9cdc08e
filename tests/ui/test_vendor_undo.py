"""Remove a vendor on the Evaluate page, undo: every answer comes back exactly as it was stored.

Checked with SQL: each answer's source and time, the vendor's place in the list; and a later
questionnaire re-import still replaces the questionnaire's answers (it finds them by source).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from app.exchange.questionnaire import ANSWER_COL, COMMENT_COL
from app.services import evaluations
from app.services.spreadsheets import export_questionnaire, import_answers
from app.ui.context import AppContext
from app.ui.evaluate.page import Page
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION

VENDOR = "OmniAI Solutions"


def sql(ws: object, query: str, *params: object) -> list[tuple[object, ...]]:
    with ws.engine.connect() as con:  # type: ignore[attr-defined]
        return [tuple(r) for r in con.exec_driver_sql(query, params).fetchall()]


def stored(ws: object) -> list[tuple[object, ...]]:
    """The vendor's answers as stored, in the order they were written."""
    return sql(
        ws,
        "SELECT e.name, a.qid, a.value, a.note, a.source, a.updated_at FROM answer a "
        "JOIN vendor v ON v.id = a.vendor_id JOIN evaluator e ON e.id = a.evaluator_id "
        "WHERE v.name = ? ORDER BY a.id",
        VENDOR,
    )


def vendor_order(ws: object) -> list[tuple[object, ...]]:
    return sql(ws, "SELECT name, position FROM vendor ORDER BY position, id")


def fill(path: Path, answered: int) -> None:
    """The vendor leaves every answer blank and gives evidence for the first `answered` questions."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Questionnaire"]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, ANSWER_COL).value = None
        sheet.cell(r, COMMENT_COL).value = f"evidence {r}" if r - 2 < answered else None
    wb.save(path)


@pytest.fixture
def page(qtbot, demo) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    widget = Page(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: not widget.busy and widget.live is not None, timeout=30_000)
    yield widget
    wait_for_workers()


def test_remove_vendor_then_undo_restores_answers_exactly(page: Page, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    # The vendor's own response arrives as a questionnaire (source "questionnaire").
    out = tmp_path / "omni.xlsx"
    export_questionnaire(ws, DEMO_EVALUATION, VENDOR, out)
    fill(out, answered=5)
    import_answers(ws, out, DEMO_EVALUATION)
    page.reload()
    qtbot.waitUntil(lambda: not page.busy, timeout=30_000)
    before, order = stored(ws), vendor_order(ws)
    assert {row[4] for row in before} >= {"questionnaire"}
    assert order[-1][0] != VENDOR  # not last: a restore at the end would show

    tab = page.vendors_tab
    row = next(i for i in range(tab.vendor_list.count()) if tab.vendor_list.item(i).text() == VENDOR)
    tab.vendor_list.setCurrentRow(row)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert tab.remove_vendor()
    qtbot.waitUntil(lambda: not page.busy, timeout=30_000)
    assert stored(ws) == []
    page.ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: not page.busy, timeout=30_000)

    assert stored(ws) == before  # source, note and time of every answer, in the same order
    assert vendor_order(ws) == order  # back in its place, not at the end
    assert [tab.vendor_list.item(i).text() for i in range(tab.vendor_list.count())] == [n for n, _p in order]

    # The vendor sends a new questionnaire with fewer answers: it replaces the first one.
    fill(out, answered=2)
    import_answers(ws, out, DEMO_EVALUATION)
    notes = [r[3] for r in stored(ws) if r[4] == "questionnaire"]
    assert notes == ["evidence 2", "evidence 3"]


def test_remove_vendor_counts_its_answers_without_reading_every_answer(page: Page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    expected = len(stored(ws))
    assert expected > 1
    snapshot = page.live.snapshot  # type: ignore[union-attr]
    assert snapshot.answers.columnar  # type: ignore[attr-defined]
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    tab = page.vendors_tab
    row = next(i for i in range(tab.vendor_list.count()) if tab.vendor_list.item(i).text() == VENDOR)
    tab.vendor_list.setCurrentRow(row)
    assert not tab.remove_vendor()  # declined: nothing removed
    assert asked == [f"Remove {VENDOR} and its {expected} answers? You can undo this."]
    assert len(stored(ws)) == expected
    # The evaluation's answers in memory were not all made into objects to count one vendor's.
    assert snapshot.answers.columnar  # type: ignore[attr-defined]
