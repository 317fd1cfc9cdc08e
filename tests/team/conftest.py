"""Team workspace fixtures: one throwaway PostgreSQL cluster per test process (xdist worker).

The cluster is started on first use by a test that needs it and stopped at the end of the
session; each test gets its own database in it. See tests/pgcluster.py.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.pgcluster import MISSING, Cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    if cluster is None:
        if os.environ.get("DILIGENCE_REQUIRE_POSTGRES"):  # `make test` installed it: missing is a failure
            pytest.fail(MISSING)
        pytest.skip(MISSING)  # a bare `pytest` on a machine without PostgreSQL
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_env(pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    """Passwords come from the cluster's pgpass file, as they would from ~/.pgpass."""
    if not pg_cluster.running:
        pg_cluster.restart()  # a test that stopped the server hands the next one a running one
    monkeypatch.setenv("PGPASSFILE", str(pg_cluster.pgpass))
    for name in ("PGPASSWORD", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLMODE", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)
    return pg_cluster


@pytest.fixture
def pg_url(pg_env: Cluster) -> Iterator[str]:
    """The address of a new, empty database (owned by the superuser) for one test."""
    yield from new_database(pg_env)


@pytest.fixture
def pg_url2(pg_env: Cluster) -> Iterator[str]:
    """A second one, for a test that copies from one database to another."""
    yield from new_database(pg_env)


def new_database(pg_env: Cluster) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_env.create_database(name)
    try:
        yield url
    finally:
        if not pg_env.running:
            pg_env.restart()
        pg_env.drop_database(name)


@pytest.fixture
def demo_url(pg_url: str) -> str:
    """The address of a new database holding the demo (a team workspace nobody has open)."""
    from app.services import transfer
    from app.services.banks import ensure_default_bank
    from app.store.workspace import open_workspace

    ws = open_workspace(pg_url)
    try:
        ensure_default_bank(ws)
        transfer.load_demo(ws)
    finally:
        ws.close()
    return pg_url
