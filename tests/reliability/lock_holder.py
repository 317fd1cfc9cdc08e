"""A second Diligence process for the two-process test: holds the workspace lock and edits on request.

`python -m tests.reliability.lock_holder WORKSPACE` prints `locked`, then for each `edit N` line
on stdin records an answer and prints `edited N`; it exits when stdin closes.
"""

from __future__ import annotations

import sys


def main(location: str) -> int:
    from app.services import evaluations
    from app.store.workspace import open_workspace

    ws = open_workspace(location, lock=True)
    assert ws.lock is not None and ws.lock.held
    print("locked", flush=True)
    evaluation = "Lead scoring partner 2026"
    snap = evaluations.load_snapshot(ws, evaluation)
    for line in sys.stdin:
        if line.startswith("edit "):
            n = int(line.split()[1])
            evaluations.record_answer(ws, evaluation, snap.vendors[0].name, snap.evaluators[0].name, "TR03",
                                      str(n % 6), f"holder edit {n}")
            print(f"edited {n}", flush=True)
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
