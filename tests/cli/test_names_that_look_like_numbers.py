"""A name given on the command line is an id when it is digits a database integer can hold, else a
name: "²" (a digit to `str.isdigit`, not to `int`) and twenty digits (more than SQLite's 64-bit
integers) once ended `oversight`, `score`, `report` and others with "internal error" and exit 1."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app import cli
from app.domain.models import Direction, SuccessMetric
from app.services import engagements
from app.store.workspace import Workspace


@pytest.mark.parametrize("ref", ["²", "99999999999999999999"])
@pytest.mark.parametrize(("command", "what"), [
    (["oversight", "{ref}"], "engagement"),
    (["review-report", "{ref}", "--out", "{out}.pdf"], "engagement"),
    (["score", "{ref}"], "evaluation"),
    (["report", "{ref}", "--out", "{out}.pdf"], "evaluation"),
    (["export", "{ref}", "{out}.json"], "evaluation"),
    (["bank", "export", "{ref}", "{out}.csv"], "question bank"),
])
def test_a_name_that_looks_like_a_number_is_looked_up_as_a_name(demo_path: Path, tmp_path: Path, ref: str,
                                                                command: list[str], what: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    args = [a.replace("{ref}", ref).replace("{out}", str(tmp_path / "out")) for a in command]
    assert cli.main([*args, "--workspace", str(demo_path)]) == 2
    assert f"there is no {what} named {ref!r}" in capsys.readouterr().err
    assert not list(tmp_path.glob("out*"))


def test_an_engagement_named_with_twenty_digits_is_found_by_its_name(demo: Workspace, demo_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    name = "99999999999999999999"
    engagements.create_engagement(demo, name, "Vendor", date(2026, 1, 5),
                                  [SuccessMetric("Tickets closed", "", 0, 100, Direction.UP)])
    assert cli.main(["oversight", name, "--json", "--workspace", str(demo_path)]) == 0
    assert json.loads(capsys.readouterr().out)["engagement"] == name
    number = next(i for i, n, _ in engagements.list_engagements(demo) if n == name)
    assert engagements.load(demo, number).name == engagements.load(demo, str(number)).name == name
