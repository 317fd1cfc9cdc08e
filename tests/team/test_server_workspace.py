"""A workspace given as postgresql://user@host:port/dbname works for the command line as a folder does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.server import parse_address
from app.store.workspace import WorkspaceError
from tests.conftest import DEMO_EVALUATION
from tests.pgcluster import Cluster


def run(*args: str, workspace: str | Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--workspace", str(workspace)] if workspace else []
    return subprocess.run([sys.executable, "-m", "app", *args, *extra], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def test_cli_demo_score_and_export_on_a_server_match_a_folder(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    for where in (folder, pg_url):
        r = run("demo", workspace=where)
        assert r.returncode == 0, r.stderr
    r = run("check", workspace=pg_url)
    assert r.returncode == 0, r.stderr
    assert "integrity  ok" in r.stdout and parse_address(pg_url).display in r.stdout
    scores = [json.loads(run("score", DEMO_EVALUATION, "--json", workspace=w).stdout) for w in (folder, pg_url)]
    assert scores[0] == scores[1] and scores[0]["ranking"]
    printed = [run("score", DEMO_EVALUATION, workspace=w).stdout for w in (folder, pg_url)]
    assert printed[0] == printed[1] and "Red flags" in printed[0]
    exports = []
    for n, where in enumerate((folder, pg_url)):
        out = tmp_path / f"export-{n}.json"
        r = run("export", DEMO_EVALUATION, str(out), workspace=where)
        assert r.returncode == 0, r.stderr
        exports.append(json.loads(out.read_text(encoding="utf-8")))
    assert exports[0] == exports[1]


def test_the_workspace_variable_takes_a_server_address(pg_url: str) -> None:
    r = run("demo", env={"DILIGENCE_WORKSPACE": pg_url})
    assert r.returncode == 0, r.stderr
    r = run("evaluation", "list", env={"DILIGENCE_WORKSPACE": pg_url})
    assert r.returncode == 0 and DEMO_EVALUATION in r.stdout, r.stderr


def test_a_password_in_the_address_is_refused_and_never_repeated(pg_env: Cluster) -> None:
    secret = "hunter2-swordfish"
    for url in (f"postgresql://postgres:{secret}@127.0.0.1:{pg_env.port}/postgres",
                f"postgresql://postgres@127.0.0.1:{pg_env.port}/postgres?password={secret}"):
        r = run("evaluation", "list", workspace=url)
        assert r.returncode == 2
        assert "must not hold a password" in r.stderr and "pgpass" in r.stderr
        assert secret not in r.stderr + r.stdout


def test_a_wrong_or_missing_password_says_where_passwords_come_from(pg_env: Cluster, tmp_path: Path) -> None:
    empty = tmp_path / "pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    r = run("evaluation", "list", workspace=pg_env.url(), env={"PGPASSFILE": str(empty)})
    assert r.returncode == 2, r.stderr
    assert "did not accept the login" in r.stderr and "~/.pgpass" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_server_that_is_not_running_is_a_clear_message(pg_env: Cluster) -> None:
    from tests.pgcluster import free_port

    r = run("evaluation", "list", workspace=f"postgresql://postgres@127.0.0.1:{free_port()}/postgres")
    assert r.returncode == 2
    assert "cannot be reached" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(("url", "sslmode"), [
    ("postgresql://ann@db.example.org/diligence", "require"),
    ("postgresql://ann@10.0.0.5:5433/diligence", "require"),
    ("postgresql://ann@db.example.org/diligence?sslmode=verify-full", "verify-full"),
    ("postgresql://ann@db.example.org/diligence?sslmode=disable", "disable"),
    ("postgresql://ann@localhost/diligence", None),
    ("postgresql://ann@127.0.0.1:5432/diligence", None),
    ("postgresql://ann@[::1]:5432/diligence", None),
    ("postgresql://ann@/diligence?host=/var/run/postgresql", None),
    ("postgres://ann@127.0.0.1/diligence?sslmode=require", "require"),
])
def test_encryption_is_required_for_any_host_that_is_not_this_machine(url: str, sslmode: str | None) -> None:
    address = parse_address(url)
    assert address.sslmode == sslmode
    assert address.connect_args().get("sslmode") == sslmode


def test_addresses_are_shown_without_secrets_and_unknown_options_refused() -> None:
    assert parse_address("postgresql://ann@db.example.org:5433/diligence").display == "ann@db.example.org:5433/diligence"
    with pytest.raises(WorkspaceError, match="not supported"):
        parse_address("postgresql://ann@db.example.org/diligence?sslpassword=x")
    with pytest.raises(WorkspaceError, match="does not name a database"):
        parse_address("postgresql://ann@db.example.org/")


def test_the_report_read_from_a_server_prints_what_a_folder_prints(pg_url: str, tmp_path: Path) -> None:
    import pdfplumber

    texts, pdfs = [], []
    for n, where in enumerate((tmp_path / "ws", pg_url)):
        assert run("demo", workspace=where).returncode == 0
        out = tmp_path / f"report-{n}.pdf"
        r = run("report", DEMO_EVALUATION, "--out", str(out), workspace=where)
        assert r.returncode == 0, r.stderr
        with pdfplumber.open(out) as pdf:
            texts.append([page.extract_text() for page in pdf.pages])
        pdfs.append(out.read_bytes())
    assert texts[0] == texts[1] and "Signal & Scale" in texts[0][0]
    assert pdfs[0] == pdfs[1]  # the same evaluation gives the same file, wherever it is kept
