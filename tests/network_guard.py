"""A pytest plugin: any attempt to reach the network (a non-AF_UNIX socket, a DNS lookup) fails the test.

Register it once in tests/conftest.py with `pytest_plugins = ["tests.network_guard"]`; the
fixture is autouse. Diligence is offline by promise, so a socket is a bug, not a flaky test.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

_LOCAL_FAMILIES = {getattr(socket, "AF_UNIX", None)} - {None}


class NetworkAccess(AssertionError):
    """Raised where the code tried to use the network."""


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []

    def refuse(what: str) -> NetworkAccess:
        attempts.append(what)
        return NetworkAccess(f"network access attempted: {what}")

    original_init = socket.socket.__init__

    def guarded_init(self: socket.socket, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:  # noqa: A002
        resolved = socket.AF_INET if family == -1 and fileno is None else family
        if fileno is None and resolved not in _LOCAL_FAMILIES:
            raise refuse(f"socket({resolved!r})")
        original_init(self, family, type, proto, fileno)

    def guarded(name: str) -> Any:
        original = getattr(socket.socket, name)

        def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
            if self.family not in _LOCAL_FAMILIES:
                raise refuse(f"{name}{args!r}")
            return original(self, *args, **kwargs)

        return method

    monkeypatch.setattr(socket.socket, "__init__", guarded_init)
    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, guarded(name))

    def no_lookup(*args: Any, **kwargs: Any) -> Any:
        raise refuse(f"getaddrinfo{args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    monkeypatch.setattr(socket, "gethostbyname", no_lookup)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(refuse(f"create_connection{a!r}")))
    yield attempts
    # Code may swallow the exception; the attempt still fails the test.
    if attempts:
        pytest.fail("network access attempted during the test: " + "; ".join(attempts), pytrace=False)
