"""The long soak (`make soak`): the real app in its own process, driven from the keyboard.

Run on an X display (the Makefile uses xvfb-run) with xdotool installed. The app gets a fresh
demo workspace and DILIGENCE_STATS (app/ui/stats.py), so it reports its own figures. The driver
switches pages with Ctrl+1…6 in fast bursts, then on Evaluate clicks a question and types 0–5
answers into the grid, and undoes and redoes some of them, until the time is up. It prints page switches, answers
recorded (counted in the workspace's audit log), duration, references to None and resident
memory before and after, and exits 1 if the app died or None lost references.

It also proves that memory is flat. The warm-up is the first half of the run, or longer until
the undo stack holds as many steps as it keeps (every page built, caches filled); from then to
the end, the growth of resident memory, of references to None, of Python objects and of each
type of object must stay under the BOUNDS below, or the soak exits 1 and names what grew. A
leak of one object per page switch or per answer, or a few KiB per switch, breaks them within
a couple of minutes.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/soak.py --minutes 10
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EVALUATE = 2  # sidebar row of Evaluate (Ctrl+3)
# Growth allowed after the warm-up, whatever the run's length (flat, give or take allocator and
# cache noise). A 3-minute run makes 300-650 page switches and 150-360 answers in that part.
BOUNDS = {
    "rss_mib": 6.0,  # resident memory
    "none_refs": 3_000,  # references to None (PySide6 6.11 adds 1–2 per wrapper Qt deletes)
    "objects": 3_000,  # objects Python's collector tracks
    "per_type": 300,  # objects of any one type
}
MIN_MINUTES = 2.0  # shorter runs report the figures but are too short to judge flatness
OTHER_PAGES = ["ctrl+1", "ctrl+2", "ctrl+4", "ctrl+5", "ctrl+6"]
TR03 = ("350", "273")  # window coordinates of TR03's question cell on Evaluate


def xdotool(*args: str) -> str:
    done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip()


def all_stats(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            found.append(dict(json.loads(line)))
        except ValueError:
            continue  # a line being written
    return found


def last_stats(path: Path) -> dict[str, Any] | None:
    found = all_stats(path)
    return found[-1] if found else None


def growth(stats: list[dict[str, Any]], since: float) -> dict[str, Any] | None:
    """What grew between the first count by type at or after `since` (seconds) and the last one."""
    counted = [s for s in stats if "types" in s]
    later = [s for s in counted if s["seconds"] >= since]
    if len(later) < 2:
        return None
    a, b = later[0], later[-1]
    types = {k: b["types"].get(k, 0) - a["types"].get(k, 0) for k in set(a["types"]) | set(b["types"])}
    top = sorted(((n, k) for k, n in types.items() if n > 0), reverse=True)[:8]
    return {
        "from_seconds": a["seconds"],
        "to_seconds": b["seconds"],
        "page_switches": b["page_switches"] - a["page_switches"],
        "rss_mib": round((b["rss_kib"] - a["rss_kib"]) / 1024, 1),
        "none_refs": b["none_refs"] - a["none_refs"],
        "objects": b["objects"] - a["objects"],
        "per_type": top[0][0] if top else 0,
        "types_grown": {k: n for n, k in top},
    }


def warmed_up(stats: list[dict[str, Any]], half: float) -> float:
    """When the warm-up ended: half-way through the run, or later if the undo stack had not yet
    reached its limit (until then each answer adds a step the app rightly keeps)."""
    full = [s["seconds"] for s in stats if s.get("undo_limit") and s["undo_steps"] >= s["undo_limit"]]
    return max(half, full[0]) if full else half


def over_bounds(after_warm_up: dict[str, Any]) -> list[str]:
    return [
        f"{key} grew by {after_warm_up[key]} (bound {bound})"
        for key, bound in BOUNDS.items()
        if after_warm_up[key] > bound
    ]


def wait_for(predicate: Any, seconds: float, app: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.poll() is not None:
            return False
        if predicate():
            return True
        time.sleep(0.05)
    return False


def answers_recorded(database: Path) -> int:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT count(*) FROM audit_log WHERE action = 'answer changed'").fetchone()
        return int(row[0])
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10")))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("soak: no X display (run it under xvfb-run, as `make soak` does)", file=sys.stderr)
        return 2
    if shutil.which("xdotool") is None:
        print("soak: xdotool is not installed (apt-get install xdotool)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="diligence-soak-"))
    stats = folder / "stats.jsonl"
    workspace = folder / "workspace"
    env = dict(os.environ, HOME=str(folder / "home"), DILIGENCE_STATS=str(stats))
    env.pop("QT_QPA_PLATFORM", None)  # a real X window, real key events
    log = (folder / "app.log").open("wb")
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "gui", "--demo-if-empty", "--workspace", str(workspace)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        return drive(app, args.minutes, stats, workspace, folder)
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                app.kill()
        log.close()


def drive(app: subprocess.Popen[bytes], minutes: float, stats: Path, workspace: Path, folder: Path) -> int:
    window = ""
    if wait_for(lambda: bool(xdotool("search", "--name", "— Diligence")), 120, app):
        window = xdotool("search", "--name", "— Diligence").split()[0]
    if not window or not wait_for(lambda: last_stats(stats) is not None, 60, app):
        print(f"soak: the app did not come up (log: {folder / 'app.log'})", file=sys.stderr)
        return 1
    xdotool("windowfocus", "--sync", window)
    time.sleep(5)  # the first page and the demo finish loading
    before = last_stats(stats)
    assert before is not None
    answers_before = answers_recorded(workspace / "diligence.sqlite")
    started = time.monotonic()
    deadline = started + minutes * 60
    keys_typed = undos = cycles = 0
    digit = 0
    while time.monotonic() < deadline and app.poll() is None:
        cycles += 1
        # A burst of page switches (pages without text fields under the cursor: no typing here).
        burst = [OTHER_PAGES[(cycles + i) % len(OTHER_PAGES)] for i in range(10)]
        xdotool("key", "--delay", "15", *burst)
        xdotool("key", "ctrl+3")
        if not wait_for(lambda: (last_stats(stats) or {}).get("page") == EVALUATE, 10, app):
            continue
        time.sleep(0.3)  # the page has loaded its answers
        # A click on TR03's question (a 0–5 scale question; the window's default size and the
        # demo's first vendor) puts the keyboard in the grid: a digit answers and moves down,
        # Up comes back.
        xdotool("mousemove", "--window", window, *TR03, "click", "1")
        keys = []
        for _ in range(6):
            digit = digit % 5 + 1  # 1…5, never the value just typed
            keys += [str(digit), "Up"]
            keys_typed += 1
        if cycles % 3 == 0:
            keys += ["ctrl+z", "ctrl+shift+z"]
            undos += 1
        xdotool("key", "--delay", "40", *keys)
    duration = time.monotonic() - started
    alive = app.poll() is None
    time.sleep(2)
    if alive:
        # A last count by type, of the app at rest (the driver has stopped typing).
        stopped = before["seconds"] + duration

        def counted_since_stop() -> bool:
            return any("types" in s and s["seconds"] > stopped for s in all_stats(stats))

        wait_for(counted_since_stop, 30, app)
    after = last_stats(stats) or {}
    answers = answers_recorded(workspace / "diligence.sqlite") - answers_before
    report = {
        "minutes": round(duration / 60, 2),
        "alive": alive,
        "exit_code": app.returncode,
        "page_switches": after.get("page_switches", 0) - before["page_switches"],
        "answers_typed": keys_typed,
        "answer_changes_recorded": answers,
        "undo_redo_pairs": undos,
        "none_refs_before": before["none_refs"],
        "none_refs_after": after.get("none_refs"),
        "rss_mib_before": round(before["rss_kib"] / 1024, 1),
        "rss_mib_after": round(after.get("rss_kib", 0) / 1024, 1),
        "objects_before": before.get("objects"),
        "objects_after": after.get("objects"),
        "after_warm_up": growth(all_stats(stats), warmed_up(all_stats(stats), before["seconds"] + duration / 2)),
        "bounds": BOUNDS,
    }
    print(json.dumps(report, indent=2))
    (folder / "soak.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"soak: figures in {folder / 'soak.json'}, per second in {stats}")
    if not alive:
        print(f"soak: the app died (exit {app.returncode}); log: {folder / 'app.log'}", file=sys.stderr)
        return 1
    if after.get("none_refs", 0) < before["none_refs"]:
        print("soak: references to None fell; on Python 3.11 that ends in none_dealloc", file=sys.stderr)
        return 1
    after_warm_up = report["after_warm_up"]
    if minutes < MIN_MINUTES or after_warm_up is None:
        print(f"soak: too short to judge flatness (at least {MIN_MINUTES:g} minutes)", file=sys.stderr)
        return 0
    problems = over_bounds(after_warm_up)
    for problem in problems:
        print(f"soak: not flat after the warm-up: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
