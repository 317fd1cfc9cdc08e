""""Select this partner…": ready for the leader, says why when it cannot, and shows the flags first."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt

from app.services import evaluations
from app.store.workspace import Workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee.dialogs import SelectPartnerDialog
from app.ui.oversee.page import select_partner
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.services.test_engagements import import_fresh_evaluation
from tests.ui.test_empty_evaluation import compare_page
from tests.ui.test_oversee import with_dialog

OMNI = "OmniAI Solutions"


def rows(ws: Workspace, query: str) -> list[tuple]:
    with ws.engine.connect() as con:
        return [tuple(r) for r in con.exec_driver_sql(query).fetchall()]


def test_compare_selects_the_leader_and_says_why_the_button_is_off(qtbot: Any, demo: Workspace) -> None:
    page = compare_page(qtbot, demo, evaluations.evaluation_id(demo, DEMO_EVALUATION))
    # Nothing clicked yet: the leader is selected and the button is ready for it.
    assert page.selected_vendor() == "Signal & Scale Partners"
    assert page.select_button.isEnabled()
    page.select_vendor("Fresh Ridge Labs")
    assert not page.select_button.isEnabled()
    assert page.select_button.toolTip() == "Fresh Ridge Labs is knocked out, so it cannot be chosen."
    wait_for_workers()


def test_choosing_a_flagged_vendor_lists_its_flags_and_needs_a_reason(qtbot: Any, workspace: Workspace) -> None:
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    ev = evaluations.evaluation_id(workspace, import_fresh_evaluation(workspace))
    seen: dict[str, Any] = {}

    def choose(d: SelectPartnerDialog) -> None:
        seen["flags"] = [d.flags.item(i).text() for i in range(d.flags.count())]
        assert d.warnings is not None and d.warnings.isVisible()
        seen["warning"] = d.warnings.findChildren(type(d.error))[0].text()
        assert d.reason.isVisible()
        qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)  # no reason yet: refused, dialog stays
        assert d.isVisible() and d.error.isVisible()
        seen["error"] = d.error.text()
        assert rows(workspace, "SELECT COUNT(*) FROM engagement") == [(0,)]
        qtbot.keyClicks(d.reason, "References confirmed by phone; timeline now in the contract.")
        qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)

    errors = with_dialog(SelectPartnerDialog, choose)
    eid = select_partner(window, window.ctx, ev, OMNI)
    assert not errors, errors
    assert eid is not None
    assert len(seen["flags"]) == 3  # the demo's reference check contradicts OmniAI: a second high flag
    assert seen["flags"][0].startswith("Critical · ") and any(f.startswith("High · ") for f in seen["flags"])
    assert "is not the leader" in seen["warning"]  # the demo's evaluators have submitted: not provisional
    assert seen["error"] == "Give a reason for choosing this partner despite its red flags."
    (reason, after), = rows(workspace, "SELECT reason, after FROM audit_log WHERE action = 'partner selected'")
    assert reason == "References confirmed by phone; timeline now in the contract."
    assert len(json.loads(after)["open_flags"]) == 3
    wait_for_workers()


def test_the_dialog_is_compact_every_metric_on_at_most_two_lines_and_fits_a_small_laptop(
    qtbot: Any, demo: Workspace
) -> None:
    from app.services import engagements

    ev = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    for vendor in ("Signal & Scale Partners", OMNI):  # OMNI adds the warning, its flags and the reason
        dialog = SelectPartnerDialog(engagements.partner_proposal(demo, ev, vendor), lambda *_: None)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        table = dialog.metrics
        line = table.fontMetrics().lineSpacing()
        heights = [table.rowHeight(r) for r in range(table.rowCount())]
        assert len(heights) == 2 and all(line < h <= 2 * line + 8 for h in heights), heights
        # Every metric shown, no scrolling and no blank band under the rows.
        assert table.viewport().height() == sum(heights)
        method = table.item(0, 5)
        assert method.toolTip() == method.text() and len(method.text()) > 100  # the whole method on hover
        assert dialog.height() <= 700, dialog.height()  # 768 px less a title bar and a panel
        if vendor == OMNI:  # each open flag read whole: wrapped, none cut off behind a scroll bar
            flags = dialog.flags
            assert flags.count() == 3 and not flags.verticalScrollBar().isVisible()
            last = flags.visualRect(flags.model().index(flags.count() - 1, 0))
            assert last.height() > flags.fontMetrics().lineSpacing() * 2  # the long one wraps to three lines
            assert last.bottom() < flags.viewport().height()
