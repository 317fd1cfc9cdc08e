"""A command on a team workspace connects in a helper process while it loads
(app/store/server_ahead.py): the same output, the same messages, no process left behind, and the
command's own process never loads the driver to read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION
from tests.pgcluster import Cluster

# `main()` with no arguments reads sys.argv, as the console script does: that is when the helper
# is used. `main(args)` (a caller inside Python, such as a test) never forks.
CONSOLE = ("import sys; from app.cli import main; sys.argv = ['diligence', *sys.argv[1:]]; code = main(); "
           "sys.stdout.flush(); print('LOADED', sorted(m for m in ('psycopg', 'sqlalchemy') if m in sys.modules), "
           "'AHEAD', 'app.store.server_ahead' in sys.modules, file=sys.stderr); sys.exit(code)")
IN_PROCESS = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"


def console(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CONSOLE, *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def in_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", IN_PROCESS, *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def without_loaded(stderr: str) -> str:
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("LOADED"))


@pytest.mark.parametrize("command", [
    ["score", DEMO_EVALUATION],
    ["score", DEMO_EVALUATION, "--json"],
    ["report", DEMO_EVALUATION, "--out", "{out}"],
    ["evaluation", "list"],
    ["oversight", DEMO_ENGAGEMENT],
    ["oversight", DEMO_ENGAGEMENT, "--json", "--month", "2026-09"],
    ["review-report", DEMO_ENGAGEMENT, "--out", "{out}"],
])
def test_a_reading_command_prints_the_same_through_the_helper_without_loading_the_driver(
        demo_url: str, tmp_path: Path, command: list[str]) -> None:
    outs = []
    for name, runner in (("helper", console), ("own", in_process)):
        args = [a.replace("{out}", str(tmp_path / f"{name}.pdf")) for a in command]
        outs.append(runner(*args, "--workspace", demo_url))
    helper, own = outs
    assert helper.returncode == own.returncode == 0, helper.stderr + own.stderr
    assert "LOADED [] AHEAD True" in helper.stderr  # neither psycopg nor SQLAlchemy in the command's process
    assert helper.stdout.replace("helper.pdf", "own.pdf") == own.stdout and helper.stdout.strip()
    if command[0] in ("report", "review-report"):
        assert (tmp_path / "helper.pdf").read_bytes() == (tmp_path / "own.pdf").read_bytes()


@pytest.mark.parametrize("form", ["option after", "option first", "option with =", "variable"])
def test_the_address_is_found_however_it_is_given(demo_url: str, form: str) -> None:
    env = {"DILIGENCE_WORKSPACE": demo_url} if form == "variable" else {}
    args = {"option after": ["evaluation", "list", "--workspace", demo_url],
            "option first": ["--workspace", demo_url, "evaluation", "list"],
            "option with =": ["evaluation", "list", f"--workspace={demo_url}"],
            "variable": ["evaluation", "list"]}[form]
    r = console(*args, env=env)
    assert r.returncode == 0 and DEMO_EVALUATION in r.stdout, r.stderr
    assert "LOADED [] AHEAD True" in r.stderr


def test_a_command_that_reads_no_workspace_connects_nowhere(demo_url: str) -> None:
    r = console("usecase", "check", "Cut invoice matching time from 3 days to 4 hours", "--workspace", demo_url)
    assert r.returncode == 0 and "LOADED [] AHEAD False" in r.stderr, r.stderr


def _processes_naming(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass  # ended meanwhile
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists processes through /proc (Linux)")
@pytest.mark.parametrize("evaluation", [DEMO_EVALUATION, "No such evaluation"])
def test_no_helper_process_outlives_its_command(demo_url: str, evaluation: str) -> None:
    r = console("score", evaluation, "--workspace", demo_url)
    assert r.returncode == (0 if evaluation == DEMO_EVALUATION else 2), r.stderr
    dbname = demo_url.rsplit("/", 1)[1]  # unique to this test: only its processes name it
    deadline = time.monotonic() + 5
    while _processes_naming(dbname) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_naming(dbname) == []


def test_failures_read_the_same_through_the_helper(pg_env: Cluster, demo_url: str, pg_url2: str,
                                                   tmp_path: Path) -> None:
    """Each message a person gets is the one the command gives without the helper, word for word."""
    login = f"nopass_{pg_url2.rsplit('/', 1)[1]}"
    pg_env.create_login(login, "a secret the pgpass file does not hold")
    empty_pgpass = tmp_path / "pgpass"
    empty_pgpass.write_text("")
    empty_pgpass.chmod(0o600)
    host_port = demo_url.split("@", 1)[1].rsplit("/", 1)[0]
    cases = [
        (["score", "No such evaluation", "--workspace", demo_url], {}, "there is no evaluation named"),
        (["score", DEMO_EVALUATION, "--workspace", demo_url.rsplit("/", 1)[0] + "/no_such_database"], {},
         "does not exist on the server"),
        (["score", DEMO_EVALUATION, "--workspace", pg_url2], {}, "there is no workspace at"),
        (["score", DEMO_EVALUATION, "--workspace", f"postgresql://{login}@{host_port}/{pg_url2.rsplit('/', 1)[1]}"],
         {"PGPASSFILE": str(empty_pgpass)}, "did not accept the login"),
        (["score", DEMO_EVALUATION, "--workspace", "postgresql://nobody@127.0.0.1:1/nothing"], {},
         "cannot be reached"),
    ]
    for args, env, expected in cases:
        helper, own = console(*args, env=env), in_process(*args, env=env)
        assert helper.returncode == own.returncode == 2, (args, helper.stderr, own.stderr)
        assert without_loaded(helper.stderr) == own.stderr and expected in own.stderr, (args, helper.stderr, own.stderr)


LOST_BEFORE_READ = """
import sys
from app.store import server_ahead
from app.store.workspace import open_workspace
from app.services import reading
url, evaluation = sys.argv[1], sys.argv[2]
server_ahead.start(url)
ws = open_workspace(url, create=False)
print('psycopg' in sys.modules, flush=True)
sys.stdin.readline()  # the test cuts the helper's connection meanwhile
try:
    reading.load_snapshot(ws, evaluation)
    print('read', flush=True)
except Exception as exc:
    print(type(exc).__name__, exc, flush=True)
print(len(reading.score(ws, evaluation).ranking), flush=True)  # the next read connects again
ws.close()
"""


def test_a_connection_lost_in_the_helper_reads_as_lost_and_the_next_read_connects_again(
        pg_env: Cluster, demo_url: str) -> None:
    """As without the helper: the connection that checked the schema is used without a ping, so a
    server gone since then is the first read's error, in the same words; the next read reconnects."""
    dbname = demo_url.rsplit("/", 1)[1]
    proc = subprocess.Popen([sys.executable, "-c", LOST_BEFORE_READ, demo_url, DEMO_EVALUATION],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "False"  # opened through the helper
        cut = pg_env.sql(f"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{dbname}' "
                         "and application_name = 'Diligence'", dbname)
        assert cut == [(True,)]
        proc.stdin.write("\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = out.splitlines()
    assert lines[0].startswith("ServerUnavailable") and "cannot be reached" in lines[0], out + err
    assert int(lines[1]) > 1, out + err


def test_no_helper_in_a_process_that_runs_threads(demo_url: str) -> None:
    code = ("import sys, threading; from app.store import server_ahead\n"
            "stop = threading.Event(); t = threading.Thread(target=stop.wait); t.start()\n"
            "server_ahead.start(sys.argv[1]); print(server_ahead._pending is None); stop.set(); t.join()\n"
            "server_ahead.start(sys.argv[1]); print(server_ahead._pending is None); server_ahead.discard()")
    r = subprocess.run([sys.executable, "-c", code, demo_url], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["True", "False"], r.stdout + r.stderr
