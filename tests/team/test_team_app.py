"""The desktop app on a team workspace: which workspace it is, live updates from another
session, the server going away mid-session (banner, nothing claimed saved, reconnect), and
the password asked for in the app and never kept anywhere."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from app.services import audit, evaluations, transfer
from app.services.changes import Changes
from app.store.server import ServerWorkspace, open_server_workspace, parse_address
from app.store.workspace import open_workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.undo import push
from tests.conftest import DEMO_EVALUATION
from tests.pgcluster import Cluster

QUESTION = "T01"


@pytest.fixture(autouse=True)
def _translations(qapp: Any) -> None:
    from app.ui.i18n import install_translations

    assert install_translations(qapp)
    QSettings().clear()


@pytest.fixture
def windows() -> Any:
    made: list[MainWindow] = []
    yield made
    for window in made:  # before the test's database goes: no listener left reconnecting to it
        window.live_updates.stop()
        window.ctx.workspace.close()


@pytest.fixture
def new_window(qtbot: Any, windows: list[MainWindow]) -> Any:
    def make(url: str) -> MainWindow:
        window = MainWindow(AppContext(open_workspace(url)))
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    return make


def _first(ws: Any) -> tuple[str, str, str, str]:
    """(vendor, evaluator, question, value) of an answer in the demo."""
    a = evaluations.load_snapshot(ws, DEMO_EVALUATION).answers[0]
    return a.vendor, a.evaluator, a.question, a.value


def test_the_window_says_it_is_a_team_workspace_and_where(qtbot: Any, demo_url: str, new_window: Any) -> None:
    window = new_window(demo_url)
    where = parse_address(demo_url).display
    assert where in window.windowTitle()
    assert window.workspace_label.text() == f"Team server: {where}"
    assert window.open_team_action in window.file_menu.actions()
    assert not window.server_banner.isVisible()


def test_another_session_s_save_reaches_an_open_window_within_two_seconds(qtbot: Any, demo_url: str, new_window: Any) -> None:
    window = new_window(demo_url)
    seen: list[Changes] = []
    window.ctx.changes.connect(seen.append)
    other = open_workspace(demo_url)  # a second session (another person, another machine)
    try:
        vendor, evaluator, qid, value = _first(other)
        evaluation_id = evaluations.evaluation_id(other, DEMO_EVALUATION)
        evaluations.record_answer(other, DEMO_EVALUATION, vendor, evaluator, qid, value, note="seen by the team")
        qtbot.waitUntil(lambda: any(c.answers and c.evaluation == evaluation_id for c in seen), timeout=2000)
        # A window does not hear its own saves back (it announced them itself).
        seen.clear()
        mine = window.ctx.workspace
        evaluations.record_answer(mine, DEMO_EVALUATION, vendor, evaluator, qid, value, note="mine")
        qtbot.wait(600)
        window.live_updates.read()
        assert not [c for c in seen if c.answers]
    finally:
        other.close()


def test_server_stopping_mid_session_shows_a_banner_saves_nothing_and_reconnects(
        qtbot: Any, demo_url: str, pg_env: Cluster, new_window: Any) -> None:
    window = new_window(demo_url)
    ctx = window.ctx
    ws = ctx.workspace
    vendor, evaluator, qid, value = _first(ws)
    messages: list[str] = []
    ctx.status_message.connect(messages.append)
    pg_env.stop()
    try:
        saved = push(ctx, "Note", apply=lambda: evaluations.record_answer(
            ws, DEMO_EVALUATION, vendor, evaluator, qid, value, note="written while the server was down"),
            revert=lambda: None, changes=Changes(answers=True))
        assert saved is False
        assert ctx.undo_stack.count() == 0 and ctx.undo_stack.isClean()  # no undo step for an unsaved edit
        assert any("cannot be reached" in m and "Nothing was saved" in m for m in messages), messages
        assert not any("saved" in m.lower() and "not" not in m.lower() and "nothing" not in m.lower() for m in messages)
        qtbot.waitUntil(window.server_banner.isVisible, timeout=5000)
        assert "cannot be reached" in window.server_banner.label.text()
    finally:
        pg_env.restart()
    qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=15000)
    assert push(ctx, "Note", apply=lambda: evaluations.record_answer(
        ws, DEMO_EVALUATION, vendor, evaluator, qid, value, note="after the restart"),
        revert=lambda: None, changes=Changes(answers=True))
    notes = {a.note for a in evaluations.load_snapshot(ws, DEMO_EVALUATION).answers if a.question == qid
             and a.vendor == vendor and a.evaluator == evaluator}
    assert notes == {"after the restart"}


def test_the_password_is_asked_for_and_never_kept(qtbot: Any, pg_env: Cluster, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    secret = f"pw-{uuid.uuid4().hex}"
    login = f"dana_{uuid.uuid4().hex[:6]}"
    pg_env.create_login(login, secret, remember=False)  # not in any pgpass file
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_env.create_database(name, owner=login)
    url = pg_env.url(name, login)
    asked: list[str] = []

    def answer(_parent: object, _title: str, label: str, *_args: object) -> tuple[str, bool]:
        asked.append(label)
        return secret, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    from app.ui.workspace_actions import open_for_window

    ws, read_only = open_for_window(url)
    assert isinstance(ws, ServerWorkspace) and read_only is False  # no read-only second window on a server
    assert len(asked) == 1 and parse_address(url).display in asked[0]
    window = MainWindow(AppContext(ws))
    qtbot.addWidget(window)
    from app.ui.workspace_actions import remember

    remember(parse_address(url).url)
    transfer.load_demo(ws)
    vendor, evaluator, qid, value = _first(ws)
    evaluations.record_answer(ws, DEMO_EVALUATION, vendor, evaluator, qid, value, note="a note")
    second, _ = open_for_window(url)  # a second window asks again: the password is kept nowhere
    assert len(asked) == 2
    second.close()
    trail = "\n".join(repr(e) for e in audit.query(ws))
    window.live_updates.stop()
    ws.close()
    QSettings().sync()
    out, err = capfd.readouterr()
    places = {
        "the settings": Path(QSettings().fileName()).read_text(encoding="utf-8", errors="replace")
        if Path(QSettings().fileName()).exists() else "",
        "the audit trail": trail,
        "the server's log": pg_env.log.read_text(encoding="utf-8", errors="replace"),
        "the output": out + err,
        "the window title": window.windowTitle() + window.workspace_label.text(),
    }
    assert trail and login not in secret
    for place, text in places.items():
        assert secret not in text, f"the password is in {place}"
    # A wrong password is asked again, then refused with a message that does not repeat it.
    asked.clear()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a: ("wrong-" + secret, True)))
    from app.store.workspace import WorkspaceError

    with pytest.raises(WorkspaceError) as refused:
        open_for_window(url)
    assert secret not in str(refused.value) and "did not accept the login" in str(refused.value)
    pg_env.drop_database(name)


def test_a_server_workspace_opens_from_the_environment_variable(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DILIGENCE_WORKSPACE", pg_url)
    from app.ui.application import default_target

    assert default_target() == pg_url
    ws = open_server_workspace(str(default_target()))
    assert ws.kind == "server"
    ws.close()
