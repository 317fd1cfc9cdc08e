"""Every page offers only what the login's role may do on a team workspace (a real server).

The demo on a throwaway PostgreSQL, opened in the desktop app as a lead, as the evaluator Maya
and as the viewer Erin. Leads manage (organization, use cases, evaluations, vendors, engagements,
oversight, imports, the demo); evaluators enter their own answers; viewers read. Each control a
role may not use is disabled, and its tooltip names the role and says who may; a lead finds the
same controls enabled. The server would refuse the edits anyway (test_team_roles.py); this is
what a person sees before trying.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QPushButton, QWidget

from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.team import test_team_roles as roles
from tests.team.test_team_roles import DANIEL, MAYA, Team

team_ws = roles.team_ws  # the demo on a server with Maya, Daniel, a viewer and a second lead

LEAD_ONLY = {
    "maya": "You are an evaluator on this team workspace: only a lead can change this.",
    "viewer": "You are a viewer on this team workspace: only a lead can change this.",
}
NO_ANSWERS = ("You are a viewer on this team workspace: viewers read results, reports and oversight; "
              "only evaluators and leads enter answers.")


@pytest.fixture(autouse=True)
def _translations(qapp: QApplication) -> None:
    from app.ui.i18n import install_translations

    assert install_translations(qapp)


@pytest.fixture
def window(qtbot: Any, team_ws: Team, request: pytest.FixtureRequest) -> Iterator[MainWindow]:
    who = request.param
    ws = team_ws.open(who)
    try:
        ctx = AppContext(ws)
        ctx.current_evaluation = int(team_ws.cluster.sql(
            f"select id from evaluation where name = '{DEMO_EVALUATION}'", team_ws.dbname)[0][0])
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        yield w
        w.close()
        wait_for_workers()
    finally:
        ws.close()


def _check(controls: dict[str, QWidget | Any], who: str) -> None:
    """Each control is off with the role's reason (an evaluator or viewer), or carries no role reason (a lead)."""
    for name, control in controls.items():
        if who == "lead":
            assert not control.toolTip().startswith("You are "), name
        else:
            assert not control.isEnabled(), name
            assert control.toolTip() == LEAD_ONLY[who], name


def _shown(qtbot: Any, window: MainWindow, key: str) -> Any:
    page = window.show_page(key)
    if hasattr(page, "busy"):
        qtbot.waitUntil(lambda: not page.busy, timeout=20000)
    return page


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_organization_and_use_cases_are_a_leads_to_change(qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    org = _shown(qtbot, window, "organization")
    fields = {"name": org.name, "industry": org.industry, "stage": org.stage, "systems": org.systems,
              "infrastructure": org.infrastructure, "regulations": org.regulations}
    _check(fields, who)
    assert all(f.isEnabled() for f in fields.values()) == (who == "lead")

    uc = _shown(qtbot, window, "usecases")
    _check({"new use case": uc.add_button, "delete": uc.delete_button, "add source": uc.add_source_button,
            "remove source": uc.remove_source_button, "add metric": uc.add_metric_button,
            "remove metric": uc.remove_metric_button, "impact kind": uc.impact_kind}, who)
    # Text stays readable (read-only, not greyed out), with the same reason.
    for line in (uc.title, uc.decision, uc.actors, uc.impact_unit, uc.impact_amount):
        assert line.isEnabled() and line.isReadOnly() == (who != "lead")
        if who != "lead":
            assert line.toolTip() == LEAD_ONLY[who]
    assert uc.sources.editable == uc.metrics.editable == (who == "lead")
    if who == "lead":
        assert uc.add_button.isEnabled() and uc.add_metric_button.isEnabled() and not uc.title.isReadOnly()


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_question_banks_are_a_leads_to_change(qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    page = _shown(qtbot, window, "banks")
    qtbot.waitUntil(lambda: page.base is not None, timeout=20000)
    # Saving and discarding a draft say why too, not only the buttons that start one.
    _check({"add question": page.add_button, "remove question": page.remove_button, "import": page.import_button,
            "save": page.save_button, "discard": page.discard_button}, who)
    assert page.questions.editable == (who == "lead")
    assert page.diff_button.isEnabled()  # everyone reads and compares the versions
    if who == "lead":
        assert page.add_button.isEnabled() and page.import_button.isEnabled()
        assert not page.save_button.isEnabled()  # nothing to save yet
        page.add_question()  # a draft: the lead may save or discard it
        assert page.save_button.isEnabled() and page.discard_button.isEnabled()
        page.discard_draft()
        assert not page.save_button.isEnabled()


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_evaluate_offers_new_evaluations_evaluators_and_acknowledgements_to_leads_only(
        qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    page = _shown(qtbot, window, "evaluations")
    qtbot.waitUntil(lambda: not page.busy and page.live is not None, timeout=20000)
    _check({"new evaluation": page.new_button, "add evaluator": page.add_evaluator_button,
            "acknowledge": page.flags.ack_button, "withdraw": page.flags.withdraw_button}, who)
    if who == "lead":
        assert page.new_button.isEnabled() and page.add_evaluator_button.isEnabled()
        page.flags.table.selectRow(0)
        assert page.flags.ack_button.isEnabled() or page.flags.withdraw_button.isEnabled()
    # Answers: evaluators and leads enter their own; a viewer cannot submit anything.
    submit = page.answers_tab.submit
    answers = page.answers_tab
    if who == "viewer":
        assert not submit.isEnabled() and submit.toolTip() == NO_ANSWERS
        assert not answers.answers_model._editable
        # Erin scores nothing: she picks whose answers to read, and reads only what is submitted.
        assert answers.evaluator.isEnabled() and "do not score this evaluation" in answers.evaluator.toolTip()
        assert answers.current_evaluator() == MAYA
        assert answers.blind.text() == f"Reading the answers of {MAYA}, who has submitted."
        answers.evaluator.setCurrentIndex(answers.evaluator.findData(DANIEL))
        answers.evaluator.activated.emit(answers.evaluator.currentIndex())  # as a click picks it
        qtbot.waitUntil(lambda: not page.busy and page.live is not None and page.live.evaluator == DANIEL, timeout=20000)
        assert answers.blind.text() == f"{DANIEL} is still scoring: their answers stay hidden until they submit."
        assert not answers.answers_model._editable
    else:
        assert submit.toolTip() != NO_ANSWERS
        if who == "maya":
            assert not answers.evaluator.isEnabled() and answers.current_evaluator() == MAYA
            assert answers.answers_model._editable
    # Reference checks of a vendor are a lead's too.
    page.tabs.setCurrentWidget(page.documents)
    qtbot.waitUntil(lambda: page.documents.current_vendor() is not None, timeout=20000)
    _check({"record a check": page.documents.checks.record_button,
            "remove a check": page.documents.checks.remove_button}, who)


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_compare_lets_only_a_lead_select_the_partner(qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    page = _shown(qtbot, window, "compare")
    qtbot.waitUntil(lambda: not page.busy and page.results is not None, timeout=20000)
    page.ranking_view.selectRow(0)
    _check({"select this partner": page.select_button}, who)
    if who == "lead":
        assert page.select_button.toolTip().startswith("Start an engagement with")
        assert page.select_button.isEnabled()


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_oversight_is_read_by_everyone_and_changed_by_leads(qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    page = _shown(qtbot, window, "oversee")
    qtbot.waitUntil(lambda: not page.loading and page.oversight is not None, timeout=20000)
    body = page.dashboard.body
    controls = {f"{type(c).__name__} {c.text() if isinstance(c, QPushButton) else c.accessibleName()}": c
                for c in [*body.findChildren(QPushButton), *body.findChildren(QAbstractSpinBox)]}
    names = " | ".join(controls)
    # Change metric, acknowledge (a red flag of the demo), the production and milestone dates, the cost limit.
    assert "Change metric" in names and "Production date" in names and "Cost overrun" in names, names
    _check(controls, who)
    if who == "lead":
        assert all(c.isEnabled() for c in controls.values())
    review = page.tabs.indexOf(page.review_form)
    assert page.tabs.isTabEnabled(review) == (who == "lead")
    assert page.tabs.tabToolTip(review) == ("" if who == "lead" else LEAD_ONLY[who])
    assert page.export_button.isEnabled()  # everyone reads and exports the review
    # Opening the monthly review (as the checklist does) shows the dashboard when it is not theirs.
    assert page.oversight is not None
    page.show_engagement(page.oversight.engagement.id, "review")
    assert (page.tabs.currentWidget() is page.review_form) == (who == "lead")


@pytest.mark.parametrize("window", ["lead", "maya", "viewer"], indirect=True)
def test_file_menu_imports_and_the_demo_are_a_leads(qtbot: Any, window: MainWindow) -> None:
    who = _who(window)
    import_bank, export_questionnaire, import_filled = window.questionnaire_actions
    _check({"import bank": import_bank, "import filled": import_filled, "load demo": window.load_demo_action}, who)
    assert export_questionnaire.isEnabled()  # reading is everyone's
    if who == "lead":
        assert import_bank.isEnabled() and import_filled.isEnabled() and window.load_demo_action.isEnabled()
    else:
        assert import_bank.statusTip() == LEAD_ONLY[who]
        assert window.file_menu.toolTipsVisible()  # the reason shows on hover in the menu
    # A server keeps no backups folder: restoring is the server's, for every role.
    restore = next(a for a in window.tools_menu.actions() if a.objectName() == "action-restore-backup")
    assert not restore.isEnabled() and "restored on its server" in restore.toolTip()
    # Copying it to a file reads every answer, submitted or not: its owner's alone (not even another lead's).
    backup = next(a for a in window.tools_menu.actions() if a.objectName() == "action-backup-now")
    assert not backup.isEnabled() and "who owns this team workspace, can copy it to a file" in backup.toolTip()


def test_the_owner_backs_up_a_team_workspace_to_a_file_of_their_choice(
        qtbot: Any, team_ws: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import audit_view

    team_ws.drop_stand_in_document()
    window = MainWindow(AppContext(team_ws.owner_ws))
    qtbot.addWidget(window)
    backup = next(a for a in window.tools_menu.actions() if a.objectName() == "action-backup-now")
    assert backup.isEnabled()
    chosen = tmp_path / "team-copy.sqlite"
    monkeypatch.setattr(audit_view, "ask_save_path", lambda *_a: chosen)
    monkeypatch.setattr(audit_view.QMessageBox, "information", lambda *_a: None)
    assert window.audit_backups.back_up_now() == chosen
    with sqlite3.connect(chosen) as con:
        assert con.execute("select count(*) from evaluation where name = ?", (DEMO_EVALUATION,)).fetchone() == (1,)
    window.close()
    wait_for_workers()


def _who(window: MainWindow) -> str:
    member = window.ctx.member
    assert member is not None
    return {"lead": "lead", "evaluator": "maya", "viewer": "viewer"}[member.role]
