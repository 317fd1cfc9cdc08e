"""The Compare page on the demo: ranking, sections, sensitivity, why A beats B, and what-if without saving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import evaluations
from app.ui.compare.page import RANKING_FITTED, Page
from app.ui.context import AppContext
from app.ui.evaluate.models import RankingModel
from app.ui.tasks import wait_for_workers
from app.ui.widgets.tables import SORT_ROLE
from tests.conftest import DEMO_EVALUATION


def sql(ws, query: str, *params: object) -> list[tuple]:
    with ws.engine.connect() as con:
        return [tuple(r) for r in con.exec_driver_sql(query, params).fetchall()]


def open_compare(qtbot, demo) -> Page:
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    widget = Page(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.refresh()
    # The evaluation loads on a worker thread; the page shows it when it arrives.
    qtbot.waitUntil(lambda: not widget.busy and widget.results is not None)
    return widget


@pytest.fixture
def page(qtbot, demo) -> Page:
    yield open_compare(qtbot, demo)
    wait_for_workers()  # no worker may outlive the workspace


def ranking(page: Page) -> list[tuple[str, str]]:
    proxy = page.ranking_proxy
    return [
        (proxy.index(r, RankingModel.VENDOR).data(), proxy.index(r, RankingModel.TOTAL).data())
        for r in range(proxy.rowCount())
    ]


def test_ranking_matrix_chart_and_explanations(page: Page) -> None:
    rows = ranking(page)
    assert rows[0] == ("Signal & Scale Partners", "81.1")
    assert len(rows) == 4
    last = page.ranking_proxy.index(3, RankingModel.STATUS)
    assert last.data() == "knocked out" and "CL04" in page.knockouts.text()
    # Every column but the vendor's is as wide as its widest text, as Qt measures it: "knocked
    # out" is not cut short (the widths are measured when the rows change, not at every resize).
    header = page.ranking_view.horizontalHeader()
    for column in RANKING_FITTED:
        assert header.sectionSize(column) >= page.ranking_view.sizeHintForColumn(column)
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
    # Vendors × sections: formatted text, raw sort values, the same numbers in the chart.
    assert page.matrix.rowCount() == 4 and page.matrix.index(0, 0).data() == "81.1"
    assert page.matrix.headerData(0, Qt.Orientation.Vertical) == "Signal & Scale Partners"
    assert page.chart.vendors == [r[0] for r in rows]
    assert page.chart.values()[0] == pytest.approx([page.matrix.raw(0, c) for c in range(1, page.matrix.columnCount())])
    # Sensitivity: not too close to call, stable sections, win shares.
    assert not page.close_banner.isVisible()
    assert page.stability.rowCount() == page.matrix.columnCount() - 1
    assert all(r[1] == "stable within ±50 %" for r in page.stability.rows())
    assert "leads by 7.5 points" in page.margin_label.text()
    # Why A beats B: by section, and the questions that matter most.
    assert page.vendor_a.currentText() == "Signal & Scale Partners"
    assert page.vendor_b.currentText() == "Vectorworks Platform"
    assert page.comparison.rowCount() == page.matrix.columnCount() - 1
    assert "+7.5" in page.why_summary.text()
    assert page.top_questions.rowCount() == 5
    assert page.disagreements.rowCount() > 0


def test_what_if_changes_totals_live_without_touching_the_database(qtbot, page: Page, demo) -> None:
    weights = "SELECT q.qid, q.weight FROM question q ORDER BY q.id"
    versions = "SELECT id, version, hash FROM bank_version ORDER BY id"
    before_weights, before_versions = sql(demo, weights), sql(demo, versions)
    before = ranking(page)
    qtbot.mouseClick(page.whatif_button, Qt.MouseButton.LeftButton)
    assert page.whatif_panel.isVisible()
    assert "not saved" in page.whatif_banner.text()
    # Keyboard on the Commercials slider: End = 200 %.
    slider = page.sliders["Commercials"]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert slider.value() == 200
    after = ranking(page)
    assert after != before
    assert "Commercials 200 %" in page.whatif_banner.text()
    vectorworks = dict(after)["Vectorworks Platform"]
    assert float(vectorworks) < float(dict(before)["Vectorworks Platform"])  # weak on commercials
    assert page.matrix.index(0, 0).data() == after[0][1]
    # Weight only what Vectorworks is strong at: the leader changes.
    for section in ("Track record", "Delivery & timeline", "Commercials"):
        page.sliders[section].setValue(0)
    for section in ("Data readiness", "Integration", "Security & operations"):
        page.sliders[section].setValue(200)
    assert ranking(page)[0][0] == "Vectorworks Platform"
    page.recompute(with_sensitivity=True)
    qtbot.waitUntil(lambda: not page.busy)
    assert page.stability.rowCount() > 0
    # Nothing was saved: same question weights, same bank versions, same saved scores.
    assert sql(demo, weights) == before_weights
    assert sql(demo, versions) == before_versions
    saved = evaluations.score(demo, DEMO_EVALUATION)
    assert f"{saved.ranking[0].total:.1f}" == "81.1"
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert ranking(page) == before and page.factors == {}
    qtbot.mouseClick(page.whatif_button, Qt.MouseButton.LeftButton)
    assert not page.whatif_banner.isVisible() and not page.whatif_panel.isVisible()


def test_select_partner_only_for_a_vendor_still_in_the_race(page: Page, monkeypatch) -> None:
    calls = []
    import app.ui.oversee.page as oversee

    monkeypatch.setattr(oversee, "select_partner", lambda parent, ctx, eid, vendor: calls.append((eid, vendor)))
    assert not page.select_button.isHidden()
    page.select_vendor("Fresh Ridge Labs")
    assert not page.select_button.isEnabled()
    page.select_vendor("Signal & Scale Partners")
    assert page.select_button.isEnabled()
    page.select_button.click()
    assert calls == [(page.evaluation_id, "Signal & Scale Partners")]


def test_the_matrix_total_column_fits_its_numbers_after_a_load_a_what_if_and_a_resize(qtbot, page: Page) -> None:
    """The Total column is as wide as its header (with the sort arrow) and its widest number, as
    Qt measures them: measured when the numbers change, not at every layout pass of the page."""
    view = page.matrix_view
    header = view.horizontalHeader()

    def fits() -> bool:
        return header.sectionSize(0) >= max(view.sizeHintForColumn(0), header.sectionSizeHint(0))

    assert fits()
    page.set_whatif(True)
    for section in ("Track record", "Delivery & timeline", "Commercials"):
        page.sliders[section].setValue(0)
    assert page.matrix.index(0, 0).data() != "81.1" and fits()
    page.resize(900, 700)
    qtbot.waitUntil(lambda: header.sectionSize(1) < 120)  # (the sections share a narrower width)
    assert fits()


def test_matrix_sorts_on_raw_values(page: Page) -> None:
    view = page.matrix_view
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    proxy = view.model()
    totals = [proxy.index(r, 0).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert totals == sorted(totals)


def test_headline_gives_page_ones_winner_margin_robustness_and_critical_flags(page: Page, demo, tmp_path) -> None:
    from app.services.reports import evaluation_report
    from tests.report.helpers import flat, page_texts

    text = page.headline.text()
    assert page.headline.isVisible()
    assert "<b>Signal &amp; Scale Partners</b> leads with 81.1, 7.5 points ahead of Vectorworks Platform (73.6)" in text
    assert "Wins >99 % of 10,000 random weightings; stable within ±50 % of every section weight." in text
    assert text.endswith("No open critical red flags.")
    # The same facts as the PDF's first page.
    out = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, out, summary=True)
    first = flat(page_texts(out)[0])
    assert "Recommendation: Signal & Scale Partners" in first and "81.1" in first and "+7.5" in first
    assert ">99 %" in first


def test_headline_counts_the_winners_open_critical_flags(qtbot, page: Page, demo) -> None:
    from dataclasses import replace

    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    leader = snap.vendor("Signal & Scale Partners")
    evaluations.save_vendor(demo, DEMO_EVALUATION, replace(leader, references=[]), old_name=leader.name)
    page.open_evaluation(page.evaluation_id)
    qtbot.waitUntil(lambda: not page.busy and "critical" in page.headline.text() and "No open" not in page.headline.text())
    assert page.headline.text().endswith("<b>1 open critical red flag</b>.")


MAYA, DANIEL = "Maya Chen (RevOps)", "Daniel Okafor (Data)"


def _compare_after_reopening(qtbot, demo, *who: str) -> Page:
    for name in who:
        evaluations.set_submitted(demo, DEMO_EVALUATION, name, False)
    return open_compare(qtbot, demo)


def test_compare_shows_no_score_of_an_evaluator_still_scoring(qtbot, demo) -> None:
    page = _compare_after_reopening(qtbot, demo, DANIEL)
    try:
        # Disagreements set one evaluator's scores beside another's: none while Daniel scores.
        assert page.disagreements.rowCount() == 0
        assert page.tabs.tabText(3) == "Disagreements (0)"
        banner = page.open_banner.text()
        assert page.open_banner.isVisible() and banner.startswith("Provisional")
        assert f"Still scoring: {DANIEL} (" in banner and " answers)" in banner
        assert MAYA in banner
        # The combined total is Maya's alone: not the 81.1 that folds in Daniel's scores.
        assert ("Signal & Scale Partners", "81.1") not in ranking(page)
    finally:
        wait_for_workers()


def test_compare_before_anyone_submits_shows_progress_and_no_totals(qtbot, demo) -> None:
    page = _compare_after_reopening(qtbot, demo, MAYA, DANIEL)
    try:
        assert [total for _, total in ranking(page)] == ["—"] * 4
        assert page.disagreements.rowCount() == 0
        banner = page.open_banner.text()
        assert "no evaluator has submitted yet, so no scores are shown" in banner
        assert f"{MAYA} (" in banner and f"{DANIEL} (" in banner
        assert page.matrix.index(0, 0).data() == "—"
    finally:
        wait_for_workers()


def test_a_knocked_out_vendor_name_with_markup_shows_literally(qtbot, demo) -> None:
    """A name is text, never HTML: '<i>' and '&' in a vendor's name are shown as typed."""
    from dataclasses import replace

    from PySide6.QtGui import QTextDocument

    snapshot = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    first = open_compare(qtbot, demo)
    out = first.ranking_proxy.index(3, RankingModel.VENDOR).data()
    wait_for_workers()
    vendor = next(v for v in snapshot.vendors if v.name == out)
    hostile = "<i>Tilted</i> & <b>Bold</b> AI"
    evaluations.save_vendor(demo, DEMO_EVALUATION, replace(vendor, name=hostile), old_name=out)
    page = open_compare(qtbot, demo)
    shown = QTextDocument()
    shown.setHtml(page.knockouts.text())
    assert hostile in shown.toPlainText()
    wait_for_workers()


def test_an_edit_elsewhere_rescores_compare_without_reading_the_evaluation_again(
    qtbot, page: Page, demo, monkeypatch
) -> None:
    """Answers and a new vendor saved on another page are applied to the evaluation Compare holds
    (typed Changes), on screen or not; a removed vendor makes it read the evaluation again."""
    from app.domain.models import Vendor
    from app.services import live
    from app.services.session import EvaluationSession

    reads: list[int] = []
    load = live.load_compare
    monkeypatch.setattr(live, "load_compare", lambda ws, eid, *a: reads.append(eid) or load(ws, eid, *a))
    session = EvaluationSession(demo, page.evaluation_id)
    leader, maya = "Signal & Scale Partners", "Maya Chen (RevOps)"
    assert ranking(page)[0] == (leader, "81.1")
    for qid in ("TR01", "TR03"):  # 0-5 scales
        page.ctx.announce(session.record_answer(leader, maya, qid, "0", None)[1])
    qtbot.waitUntil(lambda: not page.busy)
    shown = ranking(page)
    assert (leader, "81.1") not in shown and len(shown) == 4
    # What a fresh read of the evaluation shows, without the page having read it.
    fresh = live.quick(load(demo, page.evaluation_id), None, None)
    assert [(r.vendor, view_total(r.total)) for r in fresh.ranking] == shown
    assert reads == []

    # Off screen: applied now, drawn when the page is shown again, still without a read.
    page.hide()
    page.ctx.announce(session.save_vendor(Vendor("Newcomer Analytics")))
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.busy)
    assert "Newcomer Analytics" in [v for v, _ in ranking(page)]
    assert reads == []

    # A removed vendor takes its answers and flags along: the evaluation is read again.
    page.ctx.announce(session.remove_vendor("Newcomer Analytics")[1])
    qtbot.waitUntil(lambda: not page.busy and len(ranking(page)) == 4)
    assert reads == [page.evaluation_id]


def view_total(total: float | None) -> str:
    from app.domain.evaluation import format_total

    return format_total(total)
