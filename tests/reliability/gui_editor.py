"""A scripted evaluator for the crash test: opens the app offscreen and records answers through undo commands.

`python -m tests.reliability.gui_editor WORKSPACE SEED` loads the demo if the workspace is empty,
then edits answers forever, printing `acknowledged N {json}` after each edit was saved. The
crash test kills it and checks every acknowledged edit is in the database.
"""

from __future__ import annotations

import json
import random
import sys


def main(location: str, seed: int) -> int:
    from PySide6.QtWidgets import QApplication

    from app.services import evaluations
    from app.services.banks import ensure_default_bank
    from app.services.changes import Changes
    from app.services.transfer import load_demo, workspace_is_empty
    from app.store.workspace import open_workspace
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.undo import push

    app = QApplication(sys.argv[:1])
    ws = open_workspace(location, lock=True)
    assert ws.lock is not None and ws.lock.held, "another process holds the workspace"
    ensure_default_bank(ws)
    if workspace_is_empty(ws):
        load_demo(ws)
    ctx = AppContext(ws)
    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    evaluation = "Lead scoring partner 2026"
    snap = evaluations.load_snapshot(ws, evaluation)
    keys = [(v.name, e.name, q.id) for q in snap.bank.questions if q.type.value == "scale"
            for v in snap.vendors for e in snap.evaluators]
    rng = random.Random(seed)
    rng.shuffle(keys)
    n = 0
    while True:
        vendor, evaluator, qid = keys[n % len(keys)]
        value = str(rng.randint(0, 5))
        note = f"seed {seed} edit {n}"
        old = evaluations.load_snapshot(ws, evaluation)
        before = next((a for a in old.answers if (a.vendor, a.evaluator, a.question) == (vendor, evaluator, qid)), None)
        ok = push(
            ctx, "Score",
            apply=lambda v=vendor, e=evaluator, q=qid, val=value, nt=note: evaluations.record_answer(
                ws, evaluation, v, e, q, val, nt),
            revert=lambda v=vendor, e=evaluator, q=qid, b=before: evaluations.record_answer(
                ws, evaluation, v, e, q, b.value if b else "", b.note if b else ""),
            changes=Changes(evaluation=evaluations.evaluation_id(ws, evaluation), answers=True),
        )
        assert ok, "the edit was refused"
        app.processEvents()
        record = {"number": str(n), "vendor": vendor, "evaluator": evaluator, "qid": qid, "value": value, "note": note}
        print(f"acknowledged {n} {json.dumps(record)}", flush=True)
        n += 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
