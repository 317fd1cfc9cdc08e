"""Evaluate and Compare in each state of a new evaluation: every status line true, no wall of alarms."""

from __future__ import annotations

import pytest

from app.domain.models import Organization, Stage, Vendor
from app.services import banks, evaluations, organization
from app.ui.compare.page import Page as ComparePage
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.evaluate.page import Page as EvaluatePage
from app.ui.tasks import wait_for_workers

VENDORS = ("Northwind AI", "Bluefin Data", "Cobalt Labs")
ANA, BEN = "Ana Ruiz", "Ben Cho"


@pytest.fixture
def make(workspace):  # type: ignore[no-untyped-def]
    organization.save(workspace, Organization(name="Acme", industry="B2B SaaS", stage=Stage.SCALE_UP))
    version = banks.list_banks(workspace)[0].version_id

    def evaluation(evaluators: tuple[str, ...] = (ANA, BEN), vendors: tuple[str, ...] = ()) -> int:
        eid = evaluations.create_evaluation(workspace, "Partner 2027", version, list(evaluators))
        for name in vendors:
            evaluations.save_vendor(workspace, eid, Vendor(name=name))
        return eid

    return workspace, evaluation


def open_page(qtbot, cls, ws, eid: int):  # type: ignore[no-untyped-def]
    """A page of `cls` on evaluation `eid`, shown once its worker has loaded it."""
    ctx = AppContext(ws)
    ctx.current_evaluation = eid
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.refresh()
    loaded = (lambda: page.live is not None) if cls is EvaluatePage else (lambda: page.results is not None)
    qtbot.waitUntil(lambda: not page.busy and loaded())
    return page


def evaluate_page(qtbot, ws, eid: int) -> EvaluatePage:  # type: ignore[no-untyped-def]
    return open_page(qtbot, EvaluatePage, ws, eid)  # type: ignore[no-any-return]


def compare_page(qtbot, ws, eid: int) -> ComparePage:  # type: ignore[no-untyped-def]
    return open_page(qtbot, ComparePage, ws, eid)  # type: ignore[no-any-return]


def column(model, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_no_vendors_asks_for_a_vendor_and_shows_no_made_up_progress(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    ws, evaluation = make
    page = evaluate_page(qtbot, ws, evaluation())
    tab = page.answers_tab
    # Two evaluators exist: only the vendor is missing, and there is nothing to count yet.
    assert tab.blind.text() == "Add a vendor on the Vendors tab to start scoring."
    assert not tab.progress.isVisibleTo(page)  # was "0 / 1 answered"
    assert not tab.submit.isEnabled()
    assert page.results_panel.results_note.text().startswith("No vendors yet")
    wait_for_workers()


def test_no_evaluators_asks_for_an_evaluator(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    ws, evaluation = make
    page = evaluate_page(qtbot, ws, evaluation(evaluators=(), vendors=VENDORS))
    assert page.answers_tab.blind.text() == "Add an evaluator (Add evaluator…) to start scoring."
    assert not page.answers_tab.progress.isVisibleTo(page)
    wait_for_workers()


def test_vendors_nobody_scored_are_not_ranked_nor_knocked_out(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    ws, evaluation = make
    eid = evaluation(vendors=VENDORS)
    page = evaluate_page(qtbot, ws, eid)
    panel = page.results_panel
    assert column(panel.ranking, RankingModel.RANK) == ["", "", ""]
    assert column(panel.ranking, RankingModel.TOTAL) == ["—", "—", "—"]
    assert panel.knockouts.text() == ""
    assert panel.results_note.text() == "You have not scored a vendor yet: no totals, no ranking."
    assert page.answers_tab.progress.isVisibleTo(page)
    questions = len(evaluations.load_snapshot(ws, eid).bank.questions)
    assert page.answers_tab.progress.text() == f"0 / {questions} answered"
    wait_for_workers()

    compare = compare_page(qtbot, ws, eid)
    assert column(compare.ranking, RankingModel.STATUS) == ["not scored yet"] * 3
    assert column(compare.ranking, RankingModel.RANK) == ["", "", ""]
    assert compare.knockouts.text() == ""
    wait_for_workers()


def test_partly_answered_ranks_the_scored_vendor_only(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    ws, evaluation = make
    eid = evaluation(vendors=VENDORS)
    scale = [q for q in evaluations.load_snapshot(ws, eid).bank.questions if q.type.value == "scale"]
    for q in scale[:8]:
        evaluations.record_answer(ws, eid, "Bluefin Data", ANA, q.id, "4", None)
    evaluations.set_submitted(ws, eid, ANA)  # Compare shows only submitted scores (blind scoring)
    compare = compare_page(qtbot, ws, eid)
    rows = dict(zip(column(compare.ranking, RankingModel.VENDOR), column(compare.ranking, RankingModel.STATUS), strict=True))
    ranks = dict(zip(column(compare.ranking, RankingModel.VENDOR), column(compare.ranking, RankingModel.RANK), strict=True))
    assert ranks == {"Bluefin Data": "1", "Northwind AI": "", "Cobalt Labs": ""}
    assert rows["Northwind AI"] == rows["Cobalt Labs"] == "not scored yet"
    # Bluefin is scored: the knockout rule (docs/method.md) applies to it, and only to it.
    assert "Bluefin Data" in compare.knockouts.text()
    assert "Northwind AI" not in compare.knockouts.text() and "Cobalt" not in compare.knockouts.text()
    wait_for_workers()


def test_all_submitted_ranks_every_vendor(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    ws, evaluation = make
    eid = evaluation(vendors=VENDORS[:2])
    scale = [q for q in evaluations.load_snapshot(ws, eid).bank.questions if q.type.value == "scale"]
    for who in (ANA, BEN):
        for vendor, value in zip(VENDORS[:2], ("4", "2"), strict=True):
            for q in scale:
                evaluations.record_answer(ws, eid, vendor, who, q.id, value, None)
        evaluations.set_submitted(ws, eid, who)
    page = evaluate_page(qtbot, ws, eid)
    panel = page.results_panel
    assert sorted(column(panel.ranking, RankingModel.RANK)) == ["1", "2"]
    assert panel.results_note.text() == "Totals from every evaluator's answers."
    wait_for_workers()
