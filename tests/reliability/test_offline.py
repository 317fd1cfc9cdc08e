"""Diligence never touches the network: the guard works, and the main commands run with it on."""

from __future__ import annotations

import importlib
import importlib.util
import json
import socket
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION
from tests.network_guard import NetworkAccess


def test_the_guard_catches_an_internet_socket(network_guard: list[str]) -> None:
    with pytest.raises(NetworkAccess):
        socket.create_connection(("example.org", 80), timeout=0.1)
    with pytest.raises(NetworkAccess):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # local IPC stays allowed
    local.close()
    assert len(network_guard) == 2
    network_guard.clear()  # this test caused them on purpose


def _has(module: str, name: str) -> bool:
    # Other features land in parallel; exercise each once it exists.
    if importlib.util.find_spec(module) is None:
        return False
    return hasattr(importlib.import_module(module), name)


def test_cli_end_to_end_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = ["--workspace", str(tmp_path / "ws")]
    assert main(["demo", *ws]) == 0
    capsys.readouterr()
    assert main(["score", DEMO_EVALUATION, "--json", *ws]) == 0
    ranking = json.loads(capsys.readouterr().out)["ranking"]
    assert ranking[0]["vendor"] == "Signal & Scale Partners"
    assert main(["score", DEMO_EVALUATION, *ws]) == 0
    assert main(["oversight", DEMO_ENGAGEMENT, "--json", *ws]) == 0
    assert main(["usecase", "check", "Implementing AI across the organization", *ws]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", DEMO_EVALUATION, str(out / "e.json"), *ws]) == 0
    assert json.loads((out / "e.json").read_text(encoding="utf-8"))["format"] == "diligence-evaluation"
    assert main(["bank", "list", *ws]) == 0
    assert main(["bank", "export", "1", str(out / "bank.csv"), *ws]) == 0
    assert main(["backup", "--out", str(out / "copy.sqlite"), *ws]) == 0
    assert main(["check", *ws]) == 0
    if _has("app.services.reports", "evaluation_report"):
        assert main(["report", DEMO_EVALUATION, "--out", str(out / "r.pdf"), *ws]) == 0
        assert (out / "r.pdf").read_bytes().startswith(b"%PDF")
    if _has("app.services.spreadsheets", "export_questionnaire"):
        assert main(["questionnaire", DEMO_EVALUATION, "--vendor", "Signal & Scale Partners",
                     "--out", str(out / "q.xlsx"), *ws]) == 0
    # Round trip into a second workspace, still offline.
    assert main(["import", str(out / "e.json"), "--workspace", str(tmp_path / "ws2")]) == 0


def test_gui_smoke_offline(qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.ui.application import run

    assert main(["demo", "--workspace", str(tmp_path / "ws")]) == 0
    assert run(workspace=str(tmp_path / "ws"), smoke=True) == 0
