"""Every item model of the Evaluate and Compare pages passes qtmodeltester, empty and filled."""

from __future__ import annotations

from app.domain.models import Milestone
from app.services import evaluation_view as view
from app.services import evaluations
from app.ui.compare.models import ComparisonModel, DisagreementsModel, MatrixModel
from app.ui.evaluate.models import AnswerCell, AnswersModel, FlagsModel, RankingModel
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tables import EDIT, ROW_ROLE, SORT_ROLE
from tests.conftest import DEMO_EVALUATION


def _results(demo):
    return view.results(evaluations.load_snapshot(demo, DEMO_EVALUATION))


def test_answers_model(qapp, qtmodeltester, demo) -> None:
    model = AnswersModel()
    qtmodeltester.check(model)
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    cells = {a.question: AnswerCell(a.value, a.note) for a in snap.answers
             if a.vendor == "OmniAI Solutions" and a.evaluator == "Maya Chen (RevOps)"}
    model.on_edit = lambda qid, value, note: True
    model.load(snap.bank.questions, cells, {"TR01": [("Daniel", "3")]}, {"TR01"}, editable=True)
    qtmodeltester.check(model)
    assert model.rowCount() == len(snap.bank.sections)
    first = model.index_of("TR03", AnswersModel.ANSWER)
    assert first.data().startswith(cells["TR03"].value + " — ")  # the rubric text is shown
    model.set_answer("TR03", "5", "n")
    assert model.index_of("TR03", AnswersModel.NOTE).data() == "n"
    qtmodeltester.check(model)


def test_rows_model_over_sequences(qapp, qtmodeltester) -> None:
    model = RowsModel([Column("Company"), Column("Month", "int"), Column("Live", "bool")])
    qtmodeltester.check(model)
    edits = []
    model.on_edit = lambda rows, what: edits.append((rows, what)) or True
    model.set_rows([["Acme", 3, True], ["Beta", None, False]])
    qtmodeltester.check(model)
    assert model.setData(model.index(1, 1), "7")
    assert edits[-1][0] == [["Acme", 3, True], ["Beta", 7, False]]
    assert model.rows() == [["Acme", 3, True], ["Beta", None, False]]  # shown: what was stored
    refused = []
    model.refused.connect(refused.append)
    assert not model.setData(model.index(0, 1), "soon")
    assert refused == ["Month: 'soon' is not a number"]


def test_rows_model_over_dataclasses(qapp, qtmodeltester) -> None:
    """The same model shows dataclass rows by field and edits them into new rows."""
    model = RowsModel([Column("Milestone", field="name"), Column("Month", "int", "month")])
    model.set_rows([Milestone("Pilot live", 2), Milestone("Rollout")])
    qtmodeltester.check(model)
    assert model.index(0, 1).data(EDIT) == 2
    assert model.index(1, 1).data() == ""
    assert model.index(1, 0).data(ROW_ROLE) == Milestone("Rollout")
    assert model.index(0, 1).data(SORT_ROLE) == 2
    assert model.setData(model.index(1, 1), "6")  # no callback: applied locally
    assert model.rows() == [Milestone("Pilot live", 2), Milestone("Rollout", 6)]


def test_ranking_and_flags_models(qapp, qtmodeltester, demo) -> None:
    res = _results(demo)
    ranking = RankingModel()
    qtmodeltester.check(ranking)
    ranking.set_rows(view.ranking_rows(res))
    qtmodeltester.check(ranking)
    assert ranking.index(0, RankingModel.TOTAL).data() == "81.1"
    flags = FlagsModel()
    flags.set_flags([f for fl in res.flags.values() for f in fl])
    qtmodeltester.check(flags)


def test_compare_models(qapp, qtmodeltester, demo) -> None:
    res = _results(demo)
    matrix = MatrixModel()
    qtmodeltester.check(matrix)
    vendors, sections, scores = view.section_matrix(res)
    matrix.set_matrix(vendors, sections, [r.total for r in res.ranking], scores)
    qtmodeltester.check(matrix)
    assert matrix.index(0, 0).data() == "81.1"
    assert isinstance(matrix.index(0, 1).data(SORT_ROLE), float)
    dis = DisagreementsModel()
    dis.set_rows(view.disagreements(res))
    qtmodeltester.check(dis)
    comp = ComparisonModel()
    qtmodeltester.check(comp)
    comp.set_comparison(res.comparison("Signal & Scale Partners", "Vectorworks Platform"))
    qtmodeltester.check(comp)


def test_flag_table_sorts_by_the_clicked_column_and_keeps_the_chosen_flag(qtbot, demo) -> None:
    from PySide6.QtCore import QPoint, Qt

    from app.ui.evaluate.flags_tab import FlagsPanel

    res = _results(demo)
    flags = [f for fl in res.flags.values() for f in fl]
    panel = FlagsPanel()
    qtbot.addWidget(panel)
    panel.set_flags(flags, [r.vendor for r in res.ranking])
    rows = lambda: [panel.proxy.index(r, 0).data(ROW_ROLE) for r in range(panel.proxy.rowCount())]  # noqa: E731
    assert len(rows()) == len(flags) > 2
    assert [f.severity.rank for f in rows()] == sorted(f.severity.rank for f in flags)  # worst first
    chosen = rows()[-1]
    assert panel.select(chosen.vendor, chosen.rule)
    panel.resize(900, 500)
    panel.show()
    header = panel.table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(FlagsModel.VENDOR) + 20, header.height() // 2)
    for _ in range(2):  # two clicks on "Vendor": by vendor, then the other way round
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
        if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
            break
    assert header.sortIndicatorSection() == FlagsModel.VENDOR
    assert [f.vendor for f in rows()] == sorted((f.vendor for f in flags), reverse=True)
    assert panel.current_flag() == chosen  # the selection follows its flag
    # Showing one vendor keeps that order; new flags arrive in it too.
    vendor = chosen.vendor
    panel.vendor_filter.setCurrentIndex(panel.vendor_filter.findData(vendor))
    assert {f.vendor for f in rows()} == {vendor}
    panel.set_flags(flags, [r.vendor for r in res.ranking])  # an answer edited: the same vendors
    assert {f.vendor for f in rows()} == {vendor} and panel.vendor_filter.currentData() == vendor
    panel.vendor_filter.setCurrentIndex(0)
    panel.set_flags(flags[1:], [r.vendor for r in res.ranking])
    assert [f.vendor for f in rows()] == sorted((f.vendor for f in flags[1:]), reverse=True)
