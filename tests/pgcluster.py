"""A throwaway PostgreSQL cluster for the team tests and `make bench` (no Docker, no service).

`Cluster.start()` runs Debian's (or any) `initdb` and `pg_ctl` in a fresh temporary folder and
listens on 127.0.0.1 at a free port; `stop()` shuts it down and removes the folder. Logins use
passwords (scram-sha-256), found by libpq in the cluster's own pgpass file, which the fixtures
point PGPASSFILE at: the same path a person's ~/.pgpass takes.

A cluster never outlives the process that started it: `start()` also starts a watchdog (this
file run as a script, in a session of its own) that waits on a pipe only the starting process
holds. When that process ends without `remove()` (a test run killed by a timeout, Ctrl+C,
kill -9), the pipe closes and the watchdog stops the server (`pg_ctl stop -m immediate`) and
removes its folder.

Binaries are found in DILIGENCE_PG_BINDIR, then `pg_config --bindir`, then
/usr/lib/postgresql/<newest>/bin. PostgreSQL refuses to run as root, so as root the server runs
as the `postgres` system user (or `nobody`).
"""

from __future__ import annotations

import _socket
import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"
MISSING = ("PostgreSQL's server programs (initdb, pg_ctl) are not installed and could not be installed; "
           "`make test` installs Debian's postgresql package (apt-get install postgresql)")


def find_bindir() -> Path | None:
    candidates: list[Path] = []
    if os.environ.get("DILIGENCE_PG_BINDIR"):
        candidates.append(Path(os.environ["DILIGENCE_PG_BINDIR"]))
    if shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    candidates.extend(versions)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists() and (c / "postgres").exists():
            return c
    return None


def free_port() -> int:
    # The C socket class: tests.network_guard watches Python's socket.socket, and this is setup.
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
    finally:
        s.close()


def _run_as() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError("PostgreSQL cannot run as root and there is no postgres or nobody user")


@dataclass
class Cluster:
    bindir: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="diligence-pg-")))
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    running: bool = False
    # The watchdog process and our end of its pipe (see the module docstring).
    watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _lifeline: int | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def pgpass(self) -> Path:
        return self.folder / "pgpass"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def _cmd(self, *args: str | Path, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        ids = _run_as()
        kwargs: dict[str, object] = {}
        if ids is not None:
            kwargs = {"user": ids[0], "group": ids[1], "extra_groups": []}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                              check=check, env=env, cwd=self.folder, **kwargs)  # type: ignore[call-overload]

    def init(self) -> None:
        ids = _run_as()
        if ids is not None:
            os.chown(self.folder, *ids)
        os.chmod(self.folder, 0o700)
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if ids is not None:
            os.chown(pwfile, *ids)
        self._cmd(self.bindir / "initdb", "-D", self.data, "-U", SUPERUSER, "--pwfile", pwfile,
                  "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            # A test server: nothing needs to survive a power cut, everything should be quick.
            conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 120\nshared_buffers = 32MB\n")
        self.pgpass.write_text(f"127.0.0.1:*:*:{SUPERUSER}:{self.password}\n")
        self.pgpass.chmod(0o600)

    def start(self) -> None:
        for _attempt in range(5):
            self.port = free_port()  # another process may take a free port first: try another
            opts = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='{self.folder}'"
            done = self._cmd(self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-o", opts, "-w", "-t", "60",
                             "start", check=False, timeout=90)
            if done.returncode == 0:
                self.running = True
                self._watch()
                return
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{self.log.read_text(errors='replace')[-2000:]}")

    def _watch(self) -> None:
        """Start the watchdog, once: it stops the server if this process dies without `remove()`."""
        if self.watchdog is not None:
            return
        read_end, self._lifeline = os.pipe()  # (neither end is inherited by pg_ctl or the server)
        try:
            self.watchdog = subprocess.Popen(
                [sys.executable, __file__, "--watch", str(self.folder), str(self.bindir)],
                stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)  # a Ctrl+C or a timeout's kill of the test run spares it
        finally:
            os.close(read_end)

    def _unwatch(self) -> None:
        """Tell the watchdog all is well (one byte, then the pipe closes) and let it go."""
        if self._lifeline is not None:
            with contextlib.suppress(OSError):
                os.write(self._lifeline, b"x")
            os.close(self._lifeline)
            self._lifeline = None
        if self.watchdog is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.watchdog.wait(timeout=10)
            self.watchdog = None

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            self._cmd(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)
            self.running = False

    def restart(self) -> None:
        """Start again on the same port (after stop()), as a server coming back would."""
        opts = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='{self.folder}'"
        self._cmd(self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-o", opts, "-w", "-t", "60", "start",
                  timeout=90)
        self.running = True

    def remove(self) -> None:
        self.stop("immediate")
        self._unwatch()
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, statement: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit) and return its rows."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname,
                             password=self.password, autocommit=True) as con:
            cur = con.execute(statement)  # type: ignore[arg-type]
            return list(cur.fetchall()) if cur.description else []

    def create_database(self, name: str, owner: str = SUPERUSER) -> str:
        self.sql(f'create database "{name}" owner "{owner}"')
        return self.url(name, owner)

    def drop_database(self, name: str) -> None:
        self.sql(f'drop database if exists "{name}" with (force)')

    def create_login(self, name: str, password: str, remember: bool = True) -> None:
        """A login with a password; `remember` writes it to the cluster's pgpass file."""
        quoted = password.replace("'", "''")
        self.sql(f"create role \"{name}\" login password '{quoted}'")
        if remember:
            with open(self.pgpass, "a", encoding="utf-8") as fh:
                fh.write(f"127.0.0.1:*:*:{name}:{password}\n")


def start_cluster() -> Cluster | None:
    """A running cluster, or None when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        return None
    cluster = Cluster(bindir)
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.remove()
        raise
    return cluster


def _watch_parent(folder: Path, bindir: Path) -> None:
    """The watchdog: wait until the pipe on stdin closes. Nothing came through it: the process
    that started the cluster died without removing it, so stop the server and remove the folder."""
    farewell = os.read(0, 1)
    if farewell:
        return  # removed properly
    cluster = Cluster(bindir, folder=folder, running=True)
    cluster.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--watch":
    _watch_parent(Path(sys.argv[2]), Path(sys.argv[3]))
