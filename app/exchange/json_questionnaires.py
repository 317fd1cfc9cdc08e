"""JSON questionnaires as tables, so they go through the same mapping as spreadsheets.

Accepted shapes: a list of question objects, `{"questions": [...]}`, and VSAQ-style nested
blocks (`{"questionnaire": [{"type": "block", "text": ..., "items": [...]}]}`). Keys become the
header row; lists of answers ("choices", "options", "answers") are what the question offers.
Whole-line `//` comments (VSAQ's licence header) are ignored, and so is VSAQ's habit of
splitting long strings JavaScript-style (`"first part " + "second part"`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.exchange.bank_files import Table, read_text_file
from app.exchange.spreadsheet_safety import MAX_ROWS, SpreadsheetError

MAX_DEPTH = 20
_CONCAT = re.compile(r'(?<!\\)"\s*\+\s*"')
_CHOICE_KEYS = ("choices", "options", "answers", "allowed answers", "allowed_answers", "values")
# VSAQ item types: what each one asks for.
_VSAQ_TYPES = {"yesno": "yes_no", "radiogroup": "", "checkgroup": "text", "check": "yes_no",
               "line": "text", "box": "text", "textarea": "text", "upload": "text"}
_VSAQ_SKIP = {"info", "tip", "spacer"}


def read_json_table(path: Path) -> Table:
    where = path.name
    text, warns = read_text_file(path, "JSON")
    lines = text.splitlines()
    body = "\n".join("" if ln.lstrip().startswith("//") else ln for ln in lines)
    # VSAQ splits long texts JavaScript-style: "first part " + "second part".
    body = _CONCAT.sub("", body)
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        raise SpreadsheetError(f"{where}, line {exc.lineno}, column {exc.colno}", f"not readable as JSON ({exc.msg})") from None
    except RecursionError:
        raise SpreadsheetError(where, "the file is too deeply nested to read") from None
    items: list[dict[str, Any]]
    if isinstance(doc, dict) and isinstance(doc.get("questionnaire"), list):
        items = []
        _flatten_vsaq(doc["questionnaire"], [], items, 0)
        _unique_ids(items)
    elif isinstance(doc, dict) and isinstance(doc.get("questions"), list):
        items = doc["questions"]
    elif isinstance(doc, list):
        items = doc
    else:
        raise SpreadsheetError(where, 'a JSON questionnaire is a list of question objects, or {"questions": [...]}')
    if len(items) > MAX_ROWS:
        raise SpreadsheetError(where, f"the file has more than {MAX_ROWS:,} questions; refused")
    header: list[str] = []
    for item in items:
        if isinstance(item, dict):
            for k in item:
                if isinstance(k, str) and k not in header and k.casefold() not in _CHOICE_KEYS:
                    header.append(k)
    if not header:
        raise SpreadsheetError(where, "the JSON file holds no question objects")
    rows: list[list[object]] = [list(header)]
    offered: dict[int, tuple[str, ...]] = {}
    for n, item in enumerate(items, start=2):
        if not isinstance(item, dict):
            rows.append([])
            continue
        rows.append([_cell(item.get(k)) for k in header])
        for k, v in item.items():
            if isinstance(k, str) and k.casefold() in _CHOICE_KEYS:
                labels = _labels(v)
                if labels:
                    offered[n] = labels
    return Table(where, None, rows, warnings=warns, offered=offered)


def _cell(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return "\n".join(str(_cell(v)) for v in value if v is not None)
    return json.dumps(value, ensure_ascii=False)


def _labels(value: object) -> tuple[str, ...]:
    out: list[str] = []
    if isinstance(value, str):
        value = [p for p in value.replace("|", "\n").splitlines()]
    if isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                # {"id": "text"} (VSAQ) or {"label": ..., "value": ...}
                label = v.get("label") or v.get("text") or (next(iter(v.values())) if len(v) == 1 else None)
                if label is not None:
                    out.append(str(label).strip())
            elif v is not None and str(v).strip():
                out.append(str(v).strip())
    return tuple(o for o in out if o)


def _flatten_vsaq(items: list[Any], path: list[str], out: list[dict[str, Any]], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for it in items:
        if not isinstance(it, dict):
            continue
        kind = str(it.get("type", "")).casefold()
        text = str(it.get("text") or "").strip()
        if kind == "block":
            inner = it.get("items")
            if isinstance(inner, list):
                # The outermost block is the questionnaire's title; sections are the blocks below it.
                _flatten_vsaq(inner, [*path, text] if text else path, out, depth + 1)
            continue
        if kind in _VSAQ_SKIP or not text:
            continue
        qid = str(it.get("id") or "")
        choices = it.get("choices")
        derived = False
        if not qid and isinstance(choices, list) and choices and isinstance(choices[0], dict):
            first = next(iter(choices[0]), "")
            qid, derived = (first.rsplit("_", 1)[0] if "_" in first else first), True
        section = path[-1] if len(path) > 1 else (path[0] if path else "")
        # Header names that are not our own format's, so the foreign-questionnaire rules apply.
        row: dict[str, Any] = {"Question ID": qid, "Section name": section, "Question text": text,
                               "Answer type": _VSAQ_TYPES.get(kind, "text")}  # radiogroup: typed by its choices
        if isinstance(choices, list) and kind == "radiogroup":
            row["choices"] = choices
        if derived:
            row["__derived"] = True
        out.append(row)


def _unique_ids(items: list[dict[str, Any]]) -> None:
    """An item without an id is named after its first choice; never after another item's id."""
    taken = {str(i["Question ID"]) for i in items if not i.get("__derived")}
    for i in items:
        if i.pop("__derived", False):
            base = qid = str(i["Question ID"])
            n = 1
            while qid in taken:
                n += 1
                qid = f"{base}_{n}"
            i["Question ID"] = qid
            taken.add(qid)
