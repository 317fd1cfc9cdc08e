"""Every released schema (a fixture in tests/fixtures/schemas) opens in this version with its data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.services import backups, evaluations
from app.store import workspace as wsmod
from app.store.workspace import HEAD, KNOWN_REVISIONS, integrity_report, open_workspace
from tests.conftest import DEMO_EVALUATION

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("*.sqlite"))


def _revision(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(con.execute("select version_num from alembic_version").fetchone()[0])
    finally:
        con.close()


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed names
                for t in ("evaluation", "vendor", "answer", "question", "audit_log", "engagement")}
    finally:
        con.close()


def _install(fixture: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copyfile(fixture, folder / "diligence.sqlite")
    return folder


def test_every_known_schema_has_a_fixture() -> None:
    # Releasing a schema means freezing it: python -m tests.fixtures.schemas.freeze
    assert {f.stem for f in FIXTURES} == set(KNOWN_REVISIONS)


def _submit_all(ws: object) -> None:
    """The stored demo predates submissions; scores count once their evaluators submit (blind scoring)."""
    for e in evaluations.load_snapshot(ws, DEMO_EVALUATION).evaluators:  # type: ignore[arg-type]
        if not e.submitted:
            evaluations.set_submitted(ws, DEMO_EVALUATION, e.name)  # type: ignore[arg-type]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_schema_fixture_opens_migrated_with_data_intact(fixture: Path, tmp_path: Path) -> None:
    folder = _install(fixture, tmp_path)
    before = _counts(fixture)
    ws = open_workspace(folder)
    try:
        assert _revision(ws.db) == HEAD
        assert integrity_report(ws) == []
        assert _counts(ws.db) == before
        _submit_all(ws)
        results = evaluations.score(ws, DEMO_EVALUATION)
        assert results.ranking[0].vendor == "Signal & Scale Partners"
        kinds = [b.kind for b in backups.list_backups(ws)]
        if fixture.stem != HEAD:
            assert f"before-migration-from-{fixture.stem}" in kinds
        else:
            assert kinds == []  # an up-to-date workspace is opened as it is
    finally:
        ws.close()


NEXT = f"{int(HEAD) + 1:04d}"
NEXT_MIGRATION = f'''"""A stand-in for the next release's migration (test only)."""
from alembic import op
import sqlalchemy as sa

revision = "{NEXT}"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("vendor", sa.Column("test_marker", sa.String(), nullable=True))
'''


@pytest.fixture
def next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend this build knows one more schema than the newest fixture on disk."""
    scripts = tmp_path / "migrations"
    shutil.copytree(wsmod.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"{NEXT}_test_marker.py").write_text(NEXT_MIGRATION, encoding="utf-8")
    monkeypatch.setattr(wsmod, "MIGRATIONS", scripts)
    monkeypatch.setattr(wsmod, "HEAD", NEXT)
    monkeypatch.setattr(wsmod, "KNOWN_REVISIONS", (*KNOWN_REVISIONS, NEXT))
    return NEXT


def test_upgrade_writes_a_backup_first_and_keeps_the_data(next_release: str, tmp_path: Path) -> None:
    fixture = SCHEMAS / f"{HEAD}.sqlite"
    folder = _install(fixture, tmp_path)
    before = _counts(fixture)
    ws = open_workspace(folder)
    try:
        assert _revision(ws.db) == next_release
        columns = [r[1] for r in sqlite3.connect(ws.db).execute("pragma table_info(vendor)")]
        assert "test_marker" in columns
        assert _counts(ws.db) == before
        _submit_all(ws)
        assert evaluations.score(ws, DEMO_EVALUATION).ranking[0].vendor == "Signal & Scale Partners"
        saved = [b for b in backups.list_backups(ws) if b.kind == f"before-migration-from-{HEAD}"]
        assert len(saved) == 1
        # The backup is the old schema, untouched, with all the data.
        assert _revision(saved[0].path) == HEAD
        assert _counts(saved[0].path) == before
    finally:
        ws.close()


def test_upgrade_is_refused_while_another_window_holds_the_workspace(next_release: str, tmp_path: Path) -> None:
    from app.store.workspace import WorkspaceError, acquire_lock

    folder = _install(SCHEMAS / f"{HEAD}.sqlite", tmp_path)
    held = acquire_lock(folder / "diligence.sqlite")
    try:
        with pytest.raises(WorkspaceError, match="open in another Diligence window"):
            open_workspace(folder, lock=True)
        assert _revision(folder / "diligence.sqlite") == HEAD
    finally:
        held.release()


def test_a_failed_upgrade_names_the_backup(next_release: str, tmp_path: Path) -> None:
    from app.store.workspace import WorkspaceError

    folder = _install(SCHEMAS / f"{HEAD}.sqlite", tmp_path)
    con = sqlite3.connect(folder / "diligence.sqlite")
    con.execute("alter table vendor add column test_marker varchar")  # the upgrade will collide with it
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match=f"could not be upgraded.*before-migration-from-{HEAD}"):
        open_workspace(folder)
