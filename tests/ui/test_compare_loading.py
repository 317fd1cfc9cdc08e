"""Compare reads nothing in the turn that shows it: the page paints "Loading the evaluation…"
first (never empty tables, never another evaluation's results), then reads the list and the
evaluation, and ends up showing what it showed when it read them at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from app.domain.models import Vendor
from app.services import banks, evaluations, live
from app.ui.compare.page import Page
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION

DEMO_VENDORS = {"Signal & Scale Partners", "Vectorworks Platform"}  # two of its four
OTHER_VENDORS = ("Northwind AI", "Bluefin Data", "Cobalt Labs")


@dataclass(frozen=True)
class Frame:
    """What the page showed at the end of one turn of the event loop."""

    waiting: bool  # "Loading the evaluation…" in place of the results
    body: bool  # the results (ranking, tabs) on screen
    picker: str
    ranking: tuple[str, ...]
    totals: tuple[str, ...]
    chart: tuple[str, ...]
    matrix: tuple[str, ...]
    why: tuple[str, ...]
    headline: str


def frame(page: Page) -> Frame:
    proxy, matrix = page.ranking_proxy, page.matrix
    return Frame(
        page.waiting.isVisible(),
        page.body.isVisible(),
        page.picker.currentText(),
        tuple(proxy.index(r, RankingModel.VENDOR).data() for r in range(proxy.rowCount())),
        tuple(proxy.index(r, RankingModel.TOTAL).data() for r in range(proxy.rowCount())),
        tuple(page.chart.vendors),
        tuple(matrix.headerData(r, Qt.Orientation.Vertical) for r in range(matrix.rowCount())),
        tuple(page.vendor_a.itemText(i) for i in range(page.vendor_a.count())),
        page.headline.text(),
    )


def turn_by_turn(qtbot, page: Page) -> list[Frame]:  # type: ignore[no-untyped-def]
    """Run the event loop a turn at a time until the page is done, noting what each turn showed."""
    frames = [frame(page)]
    while page.busy:
        qtbot.wait(1)
        frames.append(frame(page))
    return frames


@pytest.fixture
def ctx(demo) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    context = AppContext(demo)
    context.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    yield context
    wait_for_workers()  # no worker may outlive the workspace


class Reads(list[str]):
    """Each read of the list of evaluations ("list") or of an evaluation (its id), as it starts;
    a read of an evaluation in `held` waits on the worker until it is let go."""

    def __init__(self) -> None:
        super().__init__()
        self.held: dict[int, threading.Event] = {}

    def hold(self, evaluation_id: int) -> threading.Event:
        self.held[evaluation_id] = threading.Event()
        return self.held[evaluation_id]


@pytest.fixture
def reads(monkeypatch) -> Iterator[Reads]:  # type: ignore[no-untyped-def]
    seen = Reads()
    listing, loading = evaluations.list_evaluations, live.load_compare

    def load(ws, eid, *args):  # type: ignore[no-untyped-def]
        seen.append(str(eid))
        gate = seen.held.get(eid)
        if gate is not None:
            assert gate.wait(30)
        return loading(ws, eid, *args)

    monkeypatch.setattr(evaluations, "list_evaluations", lambda ws: seen.append("list") or listing(ws))
    monkeypatch.setattr(live, "load_compare", load)
    yield seen
    for gate in seen.held.values():
        gate.set()  # (never leave a worker waiting)


def shown_page(qtbot, ctx: AppContext) -> Page:  # type: ignore[no-untyped-def]
    page = Page(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page


def assert_never_empty_nor_foreign(frames: list[Frame], vendors: set[str]) -> None:
    """Each turn showed "Loading the evaluation…" alone, or results of `vendors` only (with a
    ranking and a headline: no empty tables); the tabs drawn a turn later may be empty meanwhile."""
    for f in frames:
        assert f.waiting != f.body, f
        if f.body:
            assert f.ranking and set(f.ranking) == vendors and f.headline, f
            for shown in (f.chart, f.matrix, f.why):
                assert set(shown) <= vendors, f


def test_compare_paints_loading_first_then_reads_and_shows_the_results(qtbot, ctx, reads) -> None:  # type: ignore[no-untyped-def]
    page = shown_page(qtbot, ctx)
    page.refresh()  # (as the window does when the person switches to Compare)
    # The click's turn reads nothing and starts no worker: the page paints first.
    assert reads == [] and not page.loader.busy and page.busy
    assert page.waiting.isVisible() and page.waiting.text() == "Loading the evaluation…"
    assert not page.body.isVisible() and not page.empty.isVisible()
    # Nothing to export, select or move until the results are there.
    buttons = (page.export_button, page.select_button, page.whatif_button)
    assert not any(b.isEnabled() for b in buttons)
    frames = turn_by_turn(qtbot, page)
    assert reads == ["list", str(ctx.current_evaluation)]
    final = frames[-1]
    assert final.body and not final.waiting and final.picker.startswith(DEMO_EVALUATION)
    # What the page showed when it read everything at once (tests/ui/test_compare.py).
    assert final.ranking[0] == "Signal & Scale Partners" and final.totals[0] == "81.1"
    assert len(final.ranking) == 4 and set(final.chart) == set(final.ranking) == set(final.matrix)
    assert "leads by 7.5 points" in page.margin_label.text()
    assert all(b.isEnabled() for b in buttons)  # the leader is selected, ready to be chosen
    assert_never_empty_nor_foreign(frames, set(final.ranking))

    # Shown again with nothing changed: the results at once, nothing read again.
    page.hide()
    page.show()
    page.refresh()
    assert not page.waiting.isVisible() and frame(page) == final and not page.busy
    assert reads == ["list", str(ctx.current_evaluation)]


def test_no_turn_shows_another_evaluations_results_while_the_chosen_one_loads(qtbot, ctx, reads, demo) -> None:  # type: ignore[no-untyped-def]
    demo_id = ctx.current_evaluation
    version = banks.list_banks(demo)[0].version_id
    other = evaluations.create_evaluation(demo, "Partner 2027", version, ["Ana Ruiz"])
    for name in OTHER_VENDORS:
        evaluations.save_vendor(demo, other, Vendor(name=name))
    page = shown_page(qtbot, ctx)
    page.refresh()
    assert DEMO_VENDORS <= set(turn_by_turn(qtbot, page)[-1].ranking)

    # Chosen elsewhere while Compare was hidden: shown again, it never shows the demo's results.
    page.hide()
    ctx.select_evaluation(other)
    page.show()
    page.refresh()
    frames = turn_by_turn(qtbot, page)
    assert set(frames[-1].ranking) == set(OTHER_VENDORS) and frames[-1].picker == "Partner 2027"
    assert_never_empty_nor_foreign(frames, set(OTHER_VENDORS))

    # Chosen again while the read of the previous choice waits for its turn, then while it runs
    # on the worker: the newest choice is the one shown, and nothing of the others meanwhile.
    for started in (False, True):
        reads.clear()
        gate = reads.hold(demo_id)
        ctx.select_evaluation(demo_id)
        page.refresh()
        frames = [frame(page)]
        if started:
            qtbot.waitUntil(lambda: reads == [str(demo_id)])  # on the worker, reading
        ctx.select_evaluation(other)
        page.refresh()
        gate.set()  # the demo's read ends after the newer choice: its result is dropped
        frames += turn_by_turn(qtbot, page)
        wait_for_workers()
        qtbot.wait(50)  # (a dropped result would be delivered by now)
        frames.append(frame(page))
        assert set(frames[-1].ranking) == set(OTHER_VENDORS), frames[-1]
        assert_never_empty_nor_foreign(frames, set(OTHER_VENDORS))
        assert reads == ([str(demo_id)] if started else []) + [str(other)]
        assert page.loaded is not None and page.loaded.evaluation_id == other
