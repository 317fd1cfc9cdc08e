"""Small builders for domain tests."""

from __future__ import annotations

from app.domain.bank import Bank, make_question


def q(qid: str, section: str = "S1", type_: str = "scale", weight: float = 1, layer: str = "data", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"id": qid, "section": section, "layer": layer, "question": f"Question {qid}?", "type": type_, "weight": weight}
    row.update(extra)
    return row


def bank(*rows: dict[str, object], name: str = "Test bank") -> Bank:
    return Bank(name, tuple(make_question(r) for r in rows))
