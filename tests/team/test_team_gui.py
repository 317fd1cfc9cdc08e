"""The desktop app on a team workspace shows the role it is in and disables what the role may not do.

As the evaluator Maya: the status bar says who and what she is; "I am" is her person and cannot
be switched; adding or removing a vendor is disabled with the reason as its tooltip, while her
own answers stay editable. As the workspace's creator (a lead) the same controls are enabled.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.ui.context import AppContext
from app.ui.evaluate.page import Page
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.team import test_team_roles as roles
from tests.team.test_team_roles import MAYA, Team
from tests.ui.test_evaluate import settle

team_ws = roles.team_ws  # the demo on a server with Maya, Daniel, a viewer and a second lead


@pytest.fixture(autouse=True)
def _translations(qapp: QApplication) -> None:
    from app.ui.i18n import install_translations

    assert install_translations(qapp)


def _page(qtbot: Any, ws: Any, t: Team) -> Page:
    ctx = AppContext(ws)
    ctx.current_evaluation = int(t.cluster.sql(f"select id from evaluation where name = '{DEMO_EVALUATION}'",
                                               t.dbname)[0][0])
    page = Page(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    settle(qtbot, page)
    return page


def test_an_evaluator_sees_their_role_and_cannot_switch_who_they_are(qtbot: Any, team_ws: Team) -> None:
    ws = team_ws.open("maya")
    try:
        window = MainWindow(AppContext(ws))
        qtbot.addWidget(window)
        window.show()
        assert window.role_badge.isVisible()
        assert window.role_badge.text() == f"{MAYA} · Evaluator"
        assert team_ws.logins["maya"] in window.role_badge.toolTip()
        page = _page(qtbot, ws, team_ws)
        answers, vendors = page.answers_tab, page.vendors_tab
        assert answers.evaluator.currentData() == MAYA and not answers.evaluator.isEnabled()
        assert "the person of your login" in answers.evaluator.toolTip()
        assert answers.answers_model._editable  # her own answers
        assert not vendors.add_vendor_button.isEnabled()
        assert vendors.add_vendor_button.toolTip() == "You are an evaluator on this team workspace: only a lead can change this."
        # Vendors' documents are a lead's too: she opens them, she cannot add or remove them.
        page.tabs.setCurrentWidget(page.documents)
        qtbot.waitUntil(lambda: page.documents.current_vendor() is not None and page.documents.open_button.isVisible())
        assert not page.documents.add_button.isEnabled() and not page.documents.remove_button.isEnabled()
        assert page.documents.add_button.toolTip() == "You are an evaluator on this team workspace: only a lead can change this."
        from app.ui.pages.banks import Page as BanksPage

        banks = BanksPage(page.ctx)
        qtbot.addWidget(banks)
        banks.refresh()
        assert not banks.import_button.isEnabled() and not banks.questions.editable
        assert banks.import_button.toolTip() == "You are an evaluator on this team workspace: only a lead can change this."
        window.close()
        wait_for_workers()
    finally:
        ws.close()


def test_the_creator_is_a_lead_and_may_manage_vendors(qtbot: Any, team_ws: Team) -> None:
    page = _page(qtbot, team_ws.owner_ws, team_ws)
    assert page.ctx.member is not None and page.ctx.member.role == "lead"
    assert page.vendors_tab.add_vendor_button.isEnabled() and page.vendors_tab.add_vendor_button.toolTip() == ""
    page.tabs.setCurrentWidget(page.documents)
    qtbot.waitUntil(page.documents.add_button.isEnabled)
    assert page.documents.add_button.isEnabled() and page.documents.add_button.toolTip() == ""
    wait_for_workers()
