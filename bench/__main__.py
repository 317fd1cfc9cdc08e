"""`make bench`: measure every performance budget of docs/performance.md and print one table.

Whole-process budgets are measured as whole processes (a fresh interpreter per run, peak
memory from the kernel's rusage of that child). In-process budgets repeat the operation and
report the median. Exit status 1 when a budget fails, so CI can gate on it.

Options: `python -m bench [--quick] [--only NAME …] [--markdown FILE]`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import generate

ROOT = generate.ROOT.parent
PY = sys.executable
MB = 1024 * 1024


@dataclass
class Result:
    name: str
    measure: str
    budget: str
    seconds: list[float] = field(default_factory=list)
    limit_s: float | None = None
    peak_mb: float | None = None
    limit_mb: float | None = None
    note: str = ""
    available: bool = True
    budgeted: bool = True  # False for figures reported for information only
    # A ratio budget: the median over the median of a baseline timed in the same run,
    # interleaved run by run, so a slower or busier machine slows both alike.
    baseline: list[float] = field(default_factory=list)
    ratio_limit: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.baseline or not self.seconds:
            return None
        return statistics.median(self.seconds) / statistics.median(self.baseline)

    @property
    def passed(self) -> bool | None:
        if not self.available or not self.budgeted:
            return None
        ok = True
        if self.ratio_limit is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.ratio_limit
        elif self.limit_s is not None:
            ok = ok and statistics.median(self.seconds) <= self.limit_s
        if self.limit_mb is not None and self.peak_mb is not None:
            ok = ok and self.peak_mb <= self.limit_mb
        return ok

    def cells(self) -> list[str]:
        if not self.available:
            return [self.measure, self.budget, "not available", "", "", "", "", "—"]
        med = statistics.median(self.seconds)
        lo, hi = min(self.seconds), max(self.seconds)
        mem = f"{self.peak_mb:.0f} MB" if self.peak_mb is not None else ""
        base = _fmt(statistics.median(self.baseline)) if self.baseline else ""
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else ""
        verdict = {None: "info", True: "pass", False: "FAIL"}[self.passed]
        return [self.measure, self.budget, _fmt(med), f"{_fmt(lo)}–{_fmt(hi)}", base, ratio, mem, verdict]


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds:.2f} s"


# ----- running children ----------------------------------------------------------------------


def child_env(home: Path) -> dict[str, str]:
    """The environment of an installed app: offscreen Qt, a private HOME, bytecode cached.

    `make` exports PYTHONDONTWRITEBYTECODE for the source tree; an installed Diligence has
    compiled bytecode, so children cache theirs under bench/.cache instead (never in app/).
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DILIGENCE_WORKSPACE", None)
    env["PYTHONPYCACHEPREFIX"] = str(generate.CACHE / "pycache")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_child(args: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process; raises when it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(args), env=env, cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()  # reaps the child; its rusage is read with wait4 below
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    return wall, 0.0, out.decode(errors="replace")


def run_child_rusage(args: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Like run_child, with the child's own peak RSS (ru_maxrss of exactly that process tree)."""
    out_file = tempfile.TemporaryFile()
    err_file = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(args), env=env, cwd=cwd or ROOT, stdout=out_file, stderr=err_file)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read().decode(errors="replace"), err_file.read().decode(errors="replace")
    out_file.close()
    err_file.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0, out  # Linux reports kilobytes


def repeat_child(args: Sequence[str], env: dict[str, str], runs: int, warmup: int = 1,
                 prepare: Callable[[], None] | None = None) -> tuple[list[float], float, str]:
    for _ in range(warmup):
        if prepare:
            prepare()
        run_child_rusage(args, env)
    times, peak, out = [], 0.0, ""
    for _ in range(runs):
        if prepare:
            prepare()
        wall, rss, out = run_child_rusage(args, env)
        times.append(wall)
        peak = max(peak, rss)
    return times, peak, out


def paired_children(args: Sequence[str], base_args: Sequence[str], env: dict[str, str], runs: int,
                    warmup: int = 1, base_env: dict[str, str] | None = None,
                    prepare: Callable[[], None] | None = None) -> tuple[list[float], list[float], float]:
    """Time `args` and its baseline `base_args` alternately, run by run (A B A B …).

    Interleaving means a burst of load from elsewhere hits both sides alike; the ratio of the
    medians is what the budget judges. Returns (times, baseline times, peak RSS of `args`).
    """
    for _ in range(warmup):
        if prepare:
            prepare()
        run_child_rusage(args, env)
        run_child_rusage(base_args, base_env or env)
    times, base, peak = [], [], 0.0
    for k in range(runs):
        order = (0, 1) if k % 2 == 0 else (1, 0)
        for side in order:
            if side == 0:
                if prepare:
                    prepare()
                wall, rss, _ = run_child_rusage(args, env)
                times.append(wall)
                peak = max(peak, rss)
            else:
                base.append(run_child_rusage(base_args, base_env or env)[0])
    return times, base, peak


# ----- fixtures ------------------------------------------------------------------------------


def demo_workspace(work: Path, env: dict[str, str]) -> Path:
    path = generate.CACHE / f"demo-v{generate.GENERATOR_VERSION}"
    if not (path / "diligence.sqlite").exists():
        shutil.rmtree(path, ignore_errors=True)
        tmp = generate.CACHE / f"demo-v{generate.GENERATOR_VERSION}.building"
        shutil.rmtree(tmp, ignore_errors=True)
        run_child([PY, "-m", "app", "demo", "--workspace", str(tmp)], env)
        tmp.rename(path)
    return path


def report_workspace(env: dict[str, str], vendors: int = 10, questions: int = 100, evaluators: int = 3) -> tuple[Path, str]:
    doc = generate.exchange_file(vendors, questions, evaluators)
    path = generate.CACHE / f"report-v{generate.GENERATOR_VERSION}-{vendors}x{questions}x{evaluators}"
    name = f"Report benchmark {vendors}x{questions}x{evaluators}"
    if not (path / "diligence.sqlite").exists():
        tmp = path.with_name(path.name + ".building")
        shutil.rmtree(tmp, ignore_errors=True)
        run_child([PY, "-m", "app", "import", str(doc), "--workspace", str(tmp)], env)
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
    return path, name


def available(module: str, attr: str | None = None) -> bool:
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return False
    if spec is None:
        return False
    if attr is None:
        return True
    try:
        return hasattr(importlib.import_module(module), attr)
    except Exception:  # noqa: BLE001 - a module mid-way through being written counts as absent
        return False


# ----- the budgets ---------------------------------------------------------------------------


SMOKE_RATIO = 2.5


def bench_smoke(ctx: Context) -> list[Result]:
    """Start-up, as a ratio to a bare PySide6 window painted once (bench/bare_window.py)."""
    ws = demo_workspace(ctx.work, ctx.env)
    out = []
    console = Path(PY).with_name("diligence")
    bare = [PY, "-m", "bench.bare_window"]
    variants = [("`diligence gui --smoke`", [str(console), "gui", "--smoke", "--workspace", str(ws)])]
    variants.append(("`python -m app gui --smoke`", [PY, "-m", "app", "gui", "--smoke", "--workspace", str(ws)]))
    for label, args in variants:
        if label.startswith("`diligence") and not console.exists():
            continue
        times, base, peak = paired_children(args, bare, ctx.env, ctx.runs(9), warmup=2)
        out.append(Result("smoke", f"{label}, whole process, demo workspace (baseline: a bare PySide6 window "
                          "painted once)", f"≤ {SMOKE_RATIO}× baseline", times, peak_mb=peak, baseline=base,
                          ratio_limit=SMOKE_RATIO))
    return out


REPORT_RATIO = 0.5
REPORT_FALLBACK_S = 1.0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def bench_report(ctx: Context) -> list[Result]:
    """The executive PDF, as a ratio to LibreOffice printing the same scorecard as a workbook."""
    measure = "`diligence report`, whole process, 10 vendors × 100 questions × 3 evaluators"
    ws, name = report_workspace(ctx.env)
    from app.report import common, font_cache

    if not font_cache.load(common.font_folder(), common.FONT_FILES):
        ctx.notes.append("the fonts were not parsed at build time (run `make`, or `python -m app.report.font_cache`): "
                         "each report parses them, ~10 ms more (docs/performance.md)")
    pdf = ctx.work / "report.pdf"
    args = [PY, "-m", "app", "report", name, "--out", str(pdf), "--workspace", str(ws)]
    office = soffice()
    if office is None:
        ctx.notes.append("LibreOffice (soffice) is not installed: the report is judged on the absolute "
                         f"fallback of {REPORT_FALLBACK_S} s instead of {REPORT_RATIO}× LibreOffice "
                         "(`apt-get install libreoffice-calc-nogui` gives the same-run baseline)")
        times, peak, _ = repeat_child(args, ctx.env, ctx.runs(5))
        return [Result("report", measure, f"≤ {REPORT_FALLBACK_S} s (no LibreOffice here), ≤ 200 MB", times,
                       limit_s=REPORT_FALLBACK_S, peak_mb=peak, limit_mb=200)]
    xlsx = generate.scorecard_xlsx(10, 100, 3)
    profile = ctx.work / "lo-profile"
    outdir = ctx.work / "lo-out"
    outdir.mkdir(exist_ok=True)
    lo = [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
          "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)]
    times, base, peak = paired_children(args, lo, ctx.env, ctx.runs(5), warmup=1)
    if not (outdir / (xlsx.stem + ".pdf")).exists():
        raise RuntimeError("LibreOffice ran but wrote no PDF")
    return [Result("report", f"{measure} (baseline: LibreOffice headless converting the same scorecard "
                   "XLSX to PDF)", f"≤ {REPORT_RATIO}× baseline, ≤ 200 MB", times, peak_mb=peak, limit_mb=200,
                   baseline=base, ratio_limit=REPORT_RATIO)]


def bench_rescore(ctx: Context) -> list[Result]:
    board = generate.filled_board(20, 200, 5)
    rnd = random.Random(5)
    edits = []
    for _ in range(ctx.runs(60)):
        q = rnd.choice(board.questions)
        edits.append((rnd.choice(board.vendors), rnd.choice(board.evaluators), q.id, rnd.choice(generate.answer_values(q))))
    board.vendor_scores()
    times = []
    for v, e, qid, value in edits:
        t0 = time.perf_counter()
        board.set_answer(v, e, qid, value)
        board.vendor_scores()
        times.append(time.perf_counter() - t0)
    results = [Result("rescore", "rescoring after one answer changes, 20 vendors × 200 questions × 5 evaluators "
                      "(`ScoreBoard.set_answer` + `vendor_scores()`)", "≤ 10 ms", times, limit_s=0.010)]
    results += _rescore_service(ctx)
    return results


def _rescore_service(ctx: Context) -> list[Result]:
    """The path the app takes after an edit: record the answer (one transaction), then rescore."""
    from app.services import evaluations, transfer
    from app.store.workspace import open_workspace

    doc_path = generate.exchange_file(20, 200, 5)
    folder = ctx.work / "rescore-ws"
    ws = open_workspace(folder, create=True)
    try:
        summary = transfer.import_file(ws, doc_path)
        name = summary.evaluation
        snapshot = evaluations.load_snapshot(ws, name)
        bank = snapshot.bank
        rnd = random.Random(9)
        vendor = snapshot.vendors[0].name
        evaluator = snapshot.evaluators[0].name
        record, full = [], []
        for _ in range(ctx.runs(15)):
            q = rnd.choice([q for q in bank.questions if q.scored])
            value = rnd.choice(generate.answer_values(q))
            t0 = time.perf_counter()
            evaluations.record_answer(ws, name, vendor, evaluator, q.id, value)
            t1 = time.perf_counter()
            evaluations.results_for(evaluations.load_snapshot(ws, name))
            t2 = time.perf_counter()
            record.append(t1 - t0)
            full.append(t2 - t0)
    finally:
        ws.close()
    return [
        Result("rescore", "  · the app's service path: `record_answer` (one transaction)", "for information",
               record, budgeted=False),
        Result("rescore", "  · then reload the snapshot and `results_for` (flags + sensitivity included)",
               "for information", full, budgeted=False),
    ]


def bench_sensitivity(ctx: Context) -> list[Result]:
    from app.domain.sensitivity import analyse

    inputs = generate.sensitivity_inputs(20, 12)
    analyse(**inputs)
    times = []
    for _ in range(ctx.runs(15)):
        t0 = time.perf_counter()
        analyse(**inputs)
        times.append(time.perf_counter() - t0)
    return [Result("sensitivity", "sensitivity, 10,000 draws, 20 vendors × 12 sections (`sensitivity.analyse`)",
                   "≤ 100 ms", times, limit_s=0.100)]


OPEN_AND_LIST = """
import sys, time
t0 = time.perf_counter()
from app.store.workspace import open_workspace
from app.services.evaluations import list_evaluations
ws = open_workspace(sys.argv[1], create=False, lock=True)
rows = list_evaluations(ws)
assert len(rows) == int(sys.argv[2]), len(rows)
ws.close()
print(time.perf_counter() - t0)
"""


def bench_large(ctx: Context) -> list[Result]:
    t0 = time.perf_counter()
    existed = any(generate.CACHE.glob(f"large-v{generate.GENERATOR_VERSION}-*"))
    ws = generate.large_workspace()
    built = time.perf_counter() - t0
    if not existed:
        ctx.notes.append(f"generated the large workspace (2.4 M answers) in {built:.1f} s")
    times, peak, _ = repeat_child([PY, "-c", OPEN_AND_LIST, str(ws), "200"], ctx.env, ctx.runs(5))
    return [Result("large", "workspace of 200 evaluations × 30 vendors × 200 questions: open and list, "
                   "whole process (`open_workspace` + `list_evaluations`)", "≤ 1 s, ≤ 400 MB", times,
                   limit_s=1.0, peak_mb=peak, limit_mb=400)]


def bench_bank_import(ctx: Context) -> list[Result]:
    measure = "bank import, 5,000-question XLSX, whole process (`diligence bank import`)"
    if not available("app.services.spreadsheets", "import_bank_file"):
        return [Result("bank", measure, "≤ 3 s", available=False)]
    t0 = time.perf_counter()
    xlsx = generate.bank_xlsx(5000)
    if time.perf_counter() - t0 > 0.05:
        ctx.notes.append(f"generated the 5,000-question workbook in {time.perf_counter() - t0:.1f} s")
    template = demo_workspace(ctx.work, ctx.env)
    target = ctx.work / "bank-import-ws"

    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(template, target)

    args = [PY, "-m", "app", "bank", "import", str(xlsx), "--name", "Benchmark import", "--workspace", str(target)]
    times, peak, _ = repeat_child(args, ctx.env, ctx.runs(3), prepare=fresh)
    return [Result("bank", measure, "≤ 1.5 s", times, limit_s=1.5, peak_mb=peak)]


QUESTIONNAIRE_READ = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
from app.exchange.questionnaire import read_raw
raw = read_raw(Path(sys.argv[1]))
print(time.perf_counter() - t0)
"""


def _filled_questionnaire(ctx: Context, questions: int = 200) -> tuple[Path, Path, str, str]:
    """A workspace with a 200-question evaluation and that vendor's questionnaire, every answer filled."""
    ws, name = report_workspace(ctx.env, vendors=1, questions=questions, evaluators=1)
    doc = generate.exchange_document(1, questions, 1)
    vendor = doc["vendors"][0]["name"]
    out = ctx.work / "questionnaire.xlsx"
    run_child([PY, "-m", "app", "questionnaire", name, "--vendor", vendor, "--out", str(out),
               "--workspace", str(ws)], ctx.env)
    from openpyxl import load_workbook

    wb = load_workbook(out)
    values = {str(q["id"]): q for q in doc["bank"]["questions"]}
    answers = {a["question"]: a["value"] for a in doc["vendors"][0]["answers"]}
    filled = 0
    for sheet in wb.worksheets:
        header: dict[str, int] = {}
        for row in sheet.iter_rows():
            texts = [str(c.value).strip().lower() if c.value is not None else "" for c in row]
            if not header and "id" in texts and any(t.startswith("answer") for t in texts):
                header = {"id": texts.index("id"), "answer": next(i for i, t in enumerate(texts) if t.startswith("answer"))}
                continue
            if header:
                qid = row[header["id"]].value
                if qid in values and qid in answers:
                    row[header["answer"]].value = answers[qid]
                    filled += 1
    if filled < questions * 0.9:
        raise RuntimeError(f"could fill only {filled} of {questions} answers in the generated questionnaire")
    filled_path = ctx.work / "questionnaire-filled.xlsx"
    wb.save(filled_path)
    return ws, filled_path, name, vendor


def bench_questionnaire(ctx: Context) -> list[Result]:
    """Reading a vendor's filled 200-question questionnaire back."""
    template, xlsx, name, _vendor = _filled_questionnaire(ctx)
    times, peak, _ = repeat_child([PY, "-c", QUESTIONNAIRE_READ, str(xlsx)], ctx.env, ctx.runs(5))
    inner = [float(run_child([PY, "-c", QUESTIONNAIRE_READ, str(xlsx)], ctx.env)[2].strip())
             for _ in range(ctx.runs(5))]
    target = ctx.work / "answers-ws"

    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(template, target)

    args = [PY, "-m", "app", "answers", "import", str(xlsx), "--evaluation", name, "--workspace", str(target)]
    whole, whole_peak, _ = repeat_child(args, ctx.env, ctx.runs(3), prepare=fresh)
    return [
        Result("questionnaire", "reading a filled 200-answer vendor questionnaire back "
               "(import + `read_raw`, fresh interpreter)", "≤ 0.5 s", inner, limit_s=0.5, peak_mb=peak),
        Result("questionnaire", "  · the whole `diligence answers import` command (start-up, read, write)",
               "for information", whole, peak_mb=whole_peak, budgeted=False),
    ]


SCALE_SHAPE = (100, 500, 8)

OPEN_EVALUATION = """
import sys, time
t0 = time.perf_counter()
from app.store.workspace import open_workspace
from app.services import reading  # what `diligence score` and `report` read through
ws = open_workspace(sys.argv[1], create=False, lock=True)
name = reading.list_evaluations(ws)[0].name
results = reading.score(ws, name)  # load every answer, score, flags and sensitivity
assert len(results.ranking) == int(sys.argv[2]), len(results.ranking)
ws.close()
print(time.perf_counter() - t0)
"""


def bench_scale(ctx: Context) -> list[Result]:
    """100 vendors × 500 questions × 8 evaluators: opening the evaluation, and one rescore."""
    v, q, e = SCALE_SHAPE
    ws = generate.large_workspace(evaluations=1, vendors=v, questions=q, evaluators=e)
    opens, peak, _ = repeat_child([PY, "-c", OPEN_EVALUATION, str(ws), str(v)], ctx.env, ctx.runs(5))
    board = generate.filled_board(v, q, e)
    rnd = random.Random(7)
    board.vendor_scores()
    rescores = []
    for _ in range(ctx.runs(60)):
        question = rnd.choice(board.questions)
        t0 = time.perf_counter()
        board.set_answer(rnd.choice(board.vendors), rnd.choice(board.evaluators), question.id,
                         rnd.choice(generate.answer_values(question)))
        board.vendor_scores()
        rescores.append(time.perf_counter() - t0)
    label = f"{v} vendors × {q} questions × {e} evaluators ({v * q * e:,} answers)"
    return [
        Result("scale", f"opening an evaluation of {label}, whole process (open the workspace, load every "
               "answer, score, flags and sensitivity)", "≤ 1 s", opens, limit_s=1.0, peak_mb=peak),
        Result("scale", f"rescoring after one answer changes, {label}", "≤ 20 ms", rescores, limit_s=0.020),
    ]


def bench_responsiveness(ctx: Context) -> list[Result]:
    import json

    ws = generate.large_workspace()
    # The whole scenario runs several times in fresh processes; each step reports the median
    # of its worst stalls, so one hiccup of a busy machine does not decide a budget.
    runs = ctx.runs(3) if not ctx.quick else 1
    worst: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    steps: dict[str, dict[str, object]] = {}
    for i in range(runs):
        out_json = ctx.work / f"stalls-{i}.json"
        args = [PY, "-m", "bench.responsiveness", str(ws), str(out_json)]
        wall, peak, _text = run_child_rusage(args, ctx.env)
        report = json.loads(out_json.read_text(encoding="utf-8"))
        for step in report["steps"]:
            steps.setdefault(step["name"], step)
            worst.setdefault(step["name"], []).append(step["worst"])
            if "worst_cpu" in step:
                cpu.setdefault(step["name"], []).append(step["worst_cpu"])
        if i == 0:
            ctx.notes.extend(report.get("notes", []))
        ctx.notes.append(f"responsiveness run {i + 1}/{runs}: {wall:.1f} s, peak {peak:.0f} MB")
    if cpu:
        ctx.notes.append("GUI-thread CPU between two ticks, worst, median of runs (the budget is wall time; "
                         "this shows how much of a stall was our own work): "
                         + "; ".join(f"{name}: {statistics.median(v) * 1000:.1f} ms" for name, v in cpu.items()))
    results = []
    for name, step in steps.items():
        results.append(Result("gui", f"GUI stall while {name}", "≤ 50 ms", worst[name],
                              limit_s=0.050, note=str(step.get("note", "")), available=bool(step.get("available", True)),
                              budgeted=bool(step.get("budgeted", True))))
    return results


def bench_evidence(ctx: Context) -> list[Result]:
    """Adding a 300-page PDF (copied, extracted, indexed), and searching 50 documents (bench/evidence.py)."""
    from bench import evidence

    t0 = time.perf_counter()
    evidence.fixtures()
    if time.perf_counter() - t0 > 0.5:
        ctx.notes.append(f"generated the evidence PDFs (ReportLab) in {time.perf_counter() - t0:.1f} s")
    got = evidence.measure(ctx.work, demo_workspace(ctx.work, ctx.env), ctx.runs(5), ctx.runs(60))
    ctx.notes.append(f"evidence search: {got['hits']} passages found over {len(got['searches'])} searches "  # type: ignore[arg-type]
                     f"in an index of {got['pages_indexed']:,} pages")
    return [
        Result("evidence", f"adding a {evidence.PAGES}-page PDF: copied, text extracted page by page, indexed "
               "(`evidence.add_document`)", "≤ 5 s", got["adds"], limit_s=5.0),  # type: ignore[arg-type]
        Result("evidence", "  · the longest interval between two progress reports while adding it",
               "for information", got["gaps"], budgeted=False),  # type: ignore[arg-type]
        Result("evidence", f"a search across {evidence.DOCUMENTS} documents of one vendor, best 10 pages by BM25 "
               "(`evidence.search`)", "≤ 100 ms", got["searches"], limit_s=0.100),  # type: ignore[arg-type]
    ]


def bench_team(ctx: Context) -> list[Result]:
    """A team workspace on a loopback PostgreSQL started for this run (bench/team.py)."""
    from bench import team
    from tests.pgcluster import MISSING, start_cluster

    cluster = start_cluster()
    if cluster is None:
        ctx.notes.append(f"team workspace: {MISSING}")
        return [Result("team", "team workspace on PostgreSQL", "", available=False)]
    try:
        env = dict(ctx.env, PGPASSFILE=str(cluster.pgpass))
        got = team.measure(ctx, cluster, env)
        saves = got["saves"]
        times = sorted(saves["times"])
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else float("inf")
        ok = not saves["errors"] and not saves["lost"]
        ctx.notes.append(
            f"team: {len(times)} answer saves by {team.EVALUATORS} processes, {len(saves['errors'])} errors, "
            f"{saves['lost']} lost updates; save median {_fmt(statistics.median(times)) if times else '—'}, "
            f"p95 {_fmt(p95)}; the large workspace was copied to the server in {got['large_copy_s']:.0f} s")
        if saves["errors"]:
            ctx.notes.append(f"team: first error: {saves['errors'][0]}")
        opened, peak, _ = repeat_child([PY, "-c", OPEN_AND_LIST, got["large_url"], "200"], env, ctx.runs(5))
        score = [PY, "-m", "app", "score", got["score_name"], "--workspace"]
        on_server, on_sqlite, _ = paired_children([*score, got["score_url"]], [*score, got["score_folder"]], env,
                                                  ctx.runs(5))
    finally:
        cluster.remove()
    return [
        Result("team", f"{team.EVALUATORS} evaluators in parallel processes, {team.ANSWERS} answer saves each "
               "(`record_answer`): the 95th percentile of a save; no error, no lost update",
               "≤ 50 ms", [p95], limit_s=0.050 if ok else 0.0),
        Result("team", "the large workspace (200 evaluations × 30 vendors × 200 questions) opened from the "
               "server and listed, whole process", "≤ 2 s", opened, limit_s=2.0, peak_mb=peak),
        Result("team", "`diligence score` 20 vendors × 200 questions × 5 evaluators on the server, "
               "to the same on SQLite (interleaved)", "≤ 1.5× SQLite", on_server, baseline=on_sqlite, ratio_limit=1.5),
    ]


BENCHES: dict[str, Callable[[Context], list[Result]]] = {
    "smoke": bench_smoke,
    "report": bench_report,
    "rescore": bench_rescore,
    "sensitivity": bench_sensitivity,
    "large": bench_large,
    "bank": bench_bank_import,
    "questionnaire": bench_questionnaire,
    "scale": bench_scale,
    "gui": bench_responsiveness,
    "evidence": bench_evidence,
    "team": bench_team,
}


@dataclass
class Context:
    work: Path
    env: dict[str, str]
    quick: bool
    notes: list[str] = field(default_factory=list)

    def runs(self, n: int) -> int:
        return max(3, n // 3) if self.quick else n


# ----- output --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    import sqlite3

    try:
        from importlib.metadata import version

        qt = f", PySide6 {version('PySide6')}"
    except Exception:  # noqa: BLE001 - a missing distribution only shortens the line
        qt = ""
    office = ""
    if soffice():
        try:
            text = subprocess.run([soffice() or "", "--version"], capture_output=True, text=True, timeout=60).stdout
            office = f", {' '.join(text.split()[:2])}" if text.strip() else ""
        except (OSError, subprocess.SubprocessError):
            office = ""
    return (f"{os.cpu_count()} CPUs ({cpu}){ram}, Python {platform.python_version()}{qt}, "
            f"SQLite {sqlite3.sqlite_version}{office}, {platform.system()} {platform.release()}")


def table(results: Sequence[Result]) -> str:
    header = ["measure", "budget", "median", "min–max", "baseline (median)", "ratio", "peak memory", "result"]
    rows = [r.cells() for r in results]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate.CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="diligence-bench-") as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        ctx = Context(work, child_env(home), args.quick)
        os.environ.update({k: ctx.env[k] for k in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")})
        results: list[Result] = []
        for name, fn in BENCHES.items():
            if args.only and name not in args.only:
                continue
            print(f"… {name}", file=sys.stderr, flush=True)
            try:
                results += fn(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken measure must not hide the others
                results.append(Result(name, f"{name}: could not run ({exc.__class__.__name__})", "—",
                                      available=False, note=str(exc)))
                ctx.notes.append(f"{name} failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}")
    text = table(results)
    print()
    print(f"Machine: {machine()}")
    print()
    print(text)
    print()
    for note in ctx.notes:
        print(f"- {note}")
    print(f"- total bench time {time.perf_counter() - started:.0f} s")
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    failed = [r for r in results if r.passed is False]
    broken = [r for r in results if not r.available and r.note]
    return 1 if failed or broken else 0


if __name__ == "__main__":
    sys.exit(main())
