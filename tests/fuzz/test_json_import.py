"""Fuzz the evaluation exchange importer: only InputError (exit 2), and a failed import writes nothing."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from app.services import transfer
from app.services.errors import InputError
from tests.fuzz.conftest import PROFILE, Counter, row_counts

DEMO = json.loads((Path(__file__).parents[2] / "data" / "demo.json").read_text(encoding="utf-8"))

TRICKY = st.sampled_from([
    "", " ", "=1+1", "+SUM(A1)", "@cmd", "-2", "n/a", "yes", "no", "5", "6", "-1", "1e308", "NaN", "null",
    "\u202eevil\u202c", "مرحبا", "😀" * 20, "x" * 10_000, "<b>bold</b>", "\x00", "2027-02-30", "2027-13",
    "scale-up", "any", "TR03", "Signal & Scale Partners",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), TRICKY)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                           max_leaves=12)


def _small_demo() -> dict[str, Any]:
    doc = copy.deepcopy(DEMO)
    doc["vendors"] = doc["vendors"][:2]
    if doc.get("engagement"):
        doc["engagement"]["vendor"] = doc["vendors"][0]["name"]
    return doc


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    doc = _small_demo()
    doc["evaluation"]["name"] = draw(st.sampled_from(["Fuzzed", DEMO["evaluation"]["name"]])) + draw(
        st.text(max_size=6))
    if doc.get("engagement"):
        doc["engagement"]["name"] = "Fuzzed rollout " + doc["evaluation"]["name"]
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)[1:]
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        kind = draw(st.sampled_from(["replace", "delete", "unknown key", "duplicate"]))
        if kind == "replace":
            parent[key] = draw(JSON_VALUES)
        elif kind == "delete":
            del parent[key]
        elif kind == "unknown key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(SCALARS)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


def _import(ws: Any, text: str | bytes) -> None:
    db = ws.db
    before = row_counts(db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evaluation.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        try:
            transfer.import_file(ws, path)
        except InputError:
            assert row_counts(db) == before, "a refused import changed the workspace"


@PROFILE
@given(mutated_documents())
def test_mutated_exchange_files(fuzz_workspace: Any, doc: Any) -> None:
    Counter.tick("json-mutated")
    _import(fuzz_workspace, json.dumps(doc, allow_nan=True))


@PROFILE
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str), JSON_VALUES.map(json.dumps)))
def test_arbitrary_bytes_as_exchange_file(fuzz_workspace: Any, data: Any) -> None:
    Counter.tick("json-arbitrary")
    _import(fuzz_workspace, data)


@PROFILE
@given(mutated_documents())
def test_cli_import_exits_0_or_2(fuzz_workspace: Any, doc: Any) -> None:
    Counter.tick("json-cli")
    before = row_counts(fuzz_workspace.db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["import", str(path), "--workspace", str(fuzz_workspace.location)])
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
    if code == 2:
        assert row_counts(fuzz_workspace.db) == before
