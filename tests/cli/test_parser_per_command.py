"""`diligence <command>` builds only that command's parsers; what it accepts and says is the same.

`build_parser(only=…)` skips the other 40-odd parsers (~10 ms of every start, docs/performance.md).
These compare it, command by command and level by level, with the whole parser: the same help,
the same parsed values, the same errors.
"""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from app.cli import build_parser, main


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, sub in _subcommands(parser).items():
        found.append((*prefix, name))
        found.extend(_paths(sub, (*prefix, name)))
    return found


FULL = build_parser()
COMMANDS = _paths(FULL)


def _help(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> str:
    for name in path:
        parser = _subcommands(parser)[name]
    return parser.format_help()


def test_every_command_is_covered() -> None:
    top = {path[0] for path in COMMANDS}
    assert {"gui", "report", "score", "evidence", "bank", "answers"} <= top
    assert len(COMMANDS) > 30


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_command_built_alone_reads_and_explains_itself_as_in_the_whole_parser(path: tuple[str, ...]) -> None:
    alone = build_parser(only=path[0])
    assert set(_subcommands(alone)) == {path[0]}  # the others really were left out
    assert _help(alone, path) == _help(FULL, path)


@pytest.mark.parametrize(
    "argv",
    [
        ["gui", "--smoke", "--workspace", "/tmp/w"],
        ["report", "Pilot", "--out", "r.pdf", "--summary"],
        ["score", "Pilot", "--json"],
        ["evidence", "search", "Pilot", "--vendor", "Acme", "retention"],
        ["bank", "import", "q.xlsx", "--sheet", "A", "--sheet", "B", "--dry-run"],
        ["oversight", "Rollout", "--cost-threshold", "30"],
    ],
    ids=lambda a: a[0],
)
def test_the_same_arguments_give_the_same_values(argv: list[str]) -> None:
    whole, alone = vars(FULL.parse_args(argv)), vars(build_parser(only=argv[0]).parse_args(argv))
    assert whole.keys() == alone.keys()
    for key in whole:
        if callable(whole[key]):  # the command's function: bound anew by each parser (lambdas)
            assert getattr(whole[key], "__name__", None) == getattr(alone[key], "__name__", None)
        else:
            assert whole[key] == alone[key], key


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


def test_an_unknown_command_is_refused_with_the_list_of_commands() -> None:
    code, err = _run(["reprot", "Pilot"])
    assert code == 2
    assert "invalid choice: 'reprot'" in err
    assert "'report'" in err and "'evidence'" in err  # the whole parser answered


def test_a_bad_option_of_a_command_is_refused_as_before() -> None:
    code, err = _run(["report", "Pilot", "--out", "r.pdf", "--colour", "red"])
    assert code == 2
    assert "unrecognized arguments: --colour red" in err
