"""The `diligence` command line. Exit 0 on success, 2 on bad input or usage, 1 on an internal error.

Heavy modules (Qt, pandas, ReportLab) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, cast

from app import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # docs/formats.md: bad usage gets ONE message on stderr (tools read it); the usage is one --help away.
        print(f"{self.prog}: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _open(args: argparse.Namespace, create: bool = True, read_only: bool = False) -> Any:
    from app.store.workspace import open_workspace

    ws = open_workspace(args.workspace, create=create, read_only=read_only)
    if ws.created:
        # Only here: the bank service imports SQLAlchemy, which commands that just read do not need.
        from app.services.banks import ensure_default_bank

        ensure_default_bank(ws)
    return ws


def _print_json(obj: object) -> None:
    import json

    print(json.dumps(obj, ensure_ascii=False, indent=2))


# ----- commands ------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.application import run

    return int(run(workspace=args.workspace, smoke=args.smoke, demo_if_empty=args.demo_if_empty))


def cmd_demo(args: argparse.Namespace) -> int:
    from app.domain.wording import plural
    from app.services import transfer

    ws = _open(args)
    s = transfer.load_demo(ws)
    transfer.add_demo_documents(ws, s.evaluation)
    print(f"Demo loaded into {ws.location}")
    print(f"  evaluation  {s.evaluation!r}: {plural(s.vendors, 'vendor')}, {plural(s.answers, 'answer')}")
    if s.engagement:
        print(f"  engagement  {s.engagement!r}")
    print(f"Next: diligence score {_quote(s.evaluation)}")
    return EXIT_OK


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def cmd_import(args: argparse.Namespace) -> int:
    from app.domain.wording import plural
    from app.services import transfer

    path = Path(args.file)
    from app.exchange.bundle import is_bundle

    if is_bundle(path):  # a .diligence bundle: the evaluation with its vendors' documents
        from app.services import bundles

        read = bundles.read_bundle(path)  # validate before touching the workspace
        s = bundles.import_bundle(_open(args), path, read=read)
    else:
        doc = transfer.read_document(path)  # validate before touching the workspace
        s = transfer.import_document(_open(args), doc, str(path))
    for w in s.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"Imported {s.evaluation!r}: {plural(s.vendors, 'vendor')}, {plural(s.answers, 'answer')}, bank {s.bank!r} v{s.bank_version}"
          + (f", engagement {s.engagement!r}" if s.engagement else "")
          + (f", {plural(s.documents, 'document')}" if s.documents else ""))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from app.domain.wording import plural

    ws = _open(args, create=False)
    out = Path(args.file)
    if out.suffix.lower() == ".xlsx":
        from app.services.spreadsheets import export_results_workbook

        export_results_workbook(ws, args.evaluation, out)
    elif out.suffix.lower() == ".diligence":  # the bundle: JSON plus the vendors' documents
        from app.services import bundles, transfer

        done = bundles.export_bundle(ws, args.evaluation, out)
        notice = transfer.unsubmitted_notice(done.unsubmitted)
        if notice:
            print(f"note: {notice}", file=sys.stderr)
        print(f"Wrote {out} ({plural(done.documents, 'document')}, {plural(done.citations, 'citation')})")
        return EXIT_OK
    else:
        from app.services import evidence, transfer

        notice = transfer.unsubmitted_notice(transfer.export_file(ws, args.evaluation, out))
        if notice:
            print(f"note: {notice}", file=sys.stderr)
        left_out = evidence.left_out_notice(ws, args.evaluation)
        if left_out:
            print(f"note: {left_out}", file=sys.stderr)
    print(f"Wrote {out}")
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from app.domain.evaluation import format_points, format_total
    from app.domain.sensitivity import CLOSE_CALL_POINTS, STABILITY_RANGE
    from app.domain.wording import share_words
    from app.services import reading  # reads without SQLAlchemy, as `report` does

    ws = _open(args, create=False)
    results = reading.score(ws, args.evaluation)
    if args.json:
        _print_json(results.to_json())
        return EXIT_OK
    snap = results.snapshot
    bank = snap.bank
    print(f"{snap.name}")
    if snap.use_case:
        print(f"Use case: {snap.use_case.title}")
    print(f"Bank: {bank.name} v{bank.version} ({bank.hash[:12]})   Evaluators: {', '.join(e.name for e in snap.evaluators)}")
    if results.scoring.provisional:
        print(results.scoring.summary())
    print()
    width = max([len(v.vendor) for v in results.ranking] + [6])
    print(f"  #  {'Vendor':<{width}}  Total  Flags")
    for v in results.ranking:
        counts = [f"{n} {sev}" for sev, n in results.flag_counts(v.vendor).open.items() if n]
        note = "  KNOCKED OUT" if v.knocked_out else "  not scored yet" if v.not_scored_yet else ""
        rank = "" if v.rank is None else v.rank
        print(f"{rank:>3}  {v.vendor:<{width}}  {format_total(v.total):>5}  {', '.join(counts) or '—'}{note}")
    sens = results.sensitivity
    print()
    thin = results.thin_data()
    if thin is not None:
        print(thin)
    elif sens.too_close_to_call and sens.margin is not None:
        print(f"TOO CLOSE TO CALL: the top two are {format_points(sens.margin)} points apart "
              f"(less than {CLOSE_CALL_POINTS:g}).")
    elif sens.margin is not None:
        print(f"Lead: {format_points(sens.margin)} points.")
    if thin is None and sens.win_share:
        shares = sorted(sens.win_share.items(), key=lambda kv: -kv[1])
        print(f"Wins in {sens.draws:,} weight draws: " + ", ".join(f"{k} {share_words(v)}" for k, v in shares if v > 0))
    fragile = results.fragile_sections
    if thin is not None:
        pass  # a single contender (or none) has no ranking to stress-test
    elif fragile:
        print("Winner changes if a section weight moves by: " + ", ".join(f"{k} {v:+.0%}".replace("+", "±") for k, v in fragile))
    else:
        print(f"Winner is stable within ±{round(STABILITY_RANGE * 100)} % of every section weight.")
    for v in results.ranking:
        if v.knocked_out:
            print(f"\n{v.vendor} is knocked out:")
            for r in v.knockout_reasons:
                print(f"  - {r}")
    print("\nRed flags")
    any_flag = False
    for v in results.ranking:
        for f in results.flags.get(v.vendor, []):
            any_flag = True
            ack = "  (acknowledged)" if f.acknowledged else ""
            print(f"  {f.severity.value.upper():<8} {v.vendor}: {f.message}{ack}")
            for e in f.evidence:
                print(f"           · {e}")
    if not any_flag:
        print("  none")
    return EXIT_OK


def cmd_usecase_check(args: argparse.Namespace) -> int:
    from app.domain.specificity import check_title
    from app.services.knowledge import lexicons

    result = check_title(args.text, lexicons())
    if args.json:
        _print_json({"verdict": result.verdict.value, "score": result.score, "reasons": list(result.reasons)})
    else:
        print(f"{result.verdict.value} ({result.score}/100)")
        for r in result.reasons:
            print(f"  - {r}")
    return EXIT_OK


def cmd_oversight(args: argparse.Namespace) -> int:
    from app.domain.models import Direction
    from app.domain.oversight import tolerance_words
    from app.services import engagements

    ws = _open(args, create=False)
    if args.cost_threshold is not None:
        before = engagements.set_cost_threshold(ws, args.engagement, args.cost_threshold)
        print(f"Cost threshold set to {args.cost_threshold * 100:g} % (was {before * 100:g} %)", file=sys.stderr)
    o = engagements.oversight(ws, args.engagement, month=args.month)
    if args.json:
        _print_json(o.to_json())
        return EXIT_OK
    e = o.engagement
    print(f"{e.name} — {e.vendor}, kickoff {e.kickoff.isoformat()}")
    print(f"This month's conversation: {o.conversation.words}")
    now = o.situation
    if now is not None and now.open_decisions:
        print("\nBlocked on you: decisions waiting")
        for month, d in now.open_decisions:
            who = f"{d.owner}, " if d.owner else ""
            due = f"due {d.due.isoformat()}, " if d.due else ""
            print(f"  {d.text} ({who}{due}raised {month})")
    if now is not None and now.spend_to_date is not None:
        quote = e.promises.quote
        against = (f" against {now.quote_to_date:,.0f} {quote.currency} of the quote pro rata ({quote.amount:,.0f} in all)"
                   if quote is not None and now.quote_to_date is not None else "")
        currency = quote.currency if quote else ""
        print(f"\nSpend to date: {now.spend_to_date:,.0f} {currency}".rstrip() + against)
    for t in o.tracks:
        m = t.metric
        better = "higher is better" if m.direction is Direction.UP else "lower is better"
        print(f"\n{m.name} ({m.unit}): baseline {m.baseline:g} → target {m.target:g} by {m.target_date or '—'} ({better})")
        print(f"  on track: {tolerance_words(m)}")
        for p in t.points:
            actual = "—" if p.actual is None else f"{p.actual:g}"
            print(f"  {p.month}  actual {actual:>8}  expected {p.expected:>8.2f}  {p.status.value}")
    tl = o.timeline
    promised = "not promised" if tl.promised_months is None else f"{tl.promised_months:g} months"
    print(f"\nTimeline: promised {promised}; {tl.elapsed_months:g} months since kickoff" + (" — LATE" if tl.late else ""))
    if o.milestones:
        print("\nMilestones")
    for ms in o.milestones:
        due = f"month {ms.promised_month}, due {ms.due.isoformat()}" if ms.due else "no month"
        late = f", {ms.late_text}" if ms.late_text else ""
        reached = f" on {ms.reached_on.isoformat()}" if ms.reached_on else ""
        print(f"  {ms.name} ({due}): {ms.state.value}{late}{reached}")
    print("\nRed flags")
    for f in o.flags:
        print(f"  {f.severity.value.upper():<8} {f.message}" + ("  (acknowledged)" if f.acknowledged else ""))
        for ev in f.evidence:
            print(f"           · {ev}")
    if not o.flags:
        print("  none")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.services.reports import evaluation_report

    ws = _open(args, create=False)
    evaluation_report(ws, args.evaluation, Path(args.out), summary=args.summary)
    print(f"Wrote {args.out}")
    return EXIT_OK


def cmd_review_report(args: argparse.Namespace) -> int:
    from app.services.reports import review_report

    ws = _open(args, create=False)
    review_report(ws, args.engagement, Path(args.out), month=args.month)
    print(f"Wrote {args.out}")
    return EXIT_OK


def cmd_questionnaire(args: argparse.Namespace) -> int:
    from app.services.spreadsheets import export_questionnaire

    ws = _open(args, create=False)
    export_questionnaire(ws, args.evaluation, args.vendor, Path(args.out))
    print(f"Wrote {args.out}")
    return EXIT_OK


def cmd_answers_import(args: argparse.Namespace) -> int:
    from app.services.spreadsheets import import_answers

    ws = _open(args, create=False)
    summary = import_answers(ws, Path(args.file), args.evaluation, evaluator=args.evaluator, vendor=args.vendor,
                             sheet=args.sheet, header_row=args.header_row, mapping=args.map or [])
    for w in getattr(summary, "warnings", []):
        print(f"warning: {w}", file=sys.stderr)
    print(summary)
    return EXIT_OK


def cmd_evaluation_create(args: argparse.Namespace) -> int:
    from app.domain.wording import plural
    from app.services import evaluations

    ws = _open(args)
    e = evaluations.start_evaluation(ws, args.name, args.bank, version=args.version, use_case=args.use_case,
                                     vendors=args.vendor or [], evaluators=args.evaluator or [])
    print(f"Created evaluation {e.name!r} on bank {e.bank!r} v{e.bank_version}: "
          f"{plural(e.vendors, 'vendor')}, {plural(e.evaluators, 'evaluator')}"
          + (f", use case {e.use_case!r}" if e.use_case else ""))
    if e.vendors:
        print(f"Next: diligence questionnaire {_quote(e.name)} --vendor VENDOR --out FILE.xlsx")
    return EXIT_OK


def cmd_evaluation_list(args: argparse.Namespace) -> int:
    from app.services import reading

    ws = _open(args)
    rows = reading.list_evaluations(ws)
    if not rows:
        print("No evaluations yet (diligence evaluation create NAME --bank BANK)")
        return EXIT_OK
    width = max(len(e.name) for e in rows)
    bwidth = max(len(f"{e.bank} v{e.bank_version}") for e in rows)
    print(f"{'Evaluation':<{width}}  {'Bank':<{bwidth}}  Vendors  Evaluators  Use case")
    for e in rows:
        print(f"{e.name:<{width}}  {e.bank + ' v' + str(e.bank_version):<{bwidth}}  {e.vendors:>7}  {e.evaluators:>10}  {e.use_case or '—'}")
    return EXIT_OK


def cmd_evaluation_rebase(args: argparse.Namespace) -> int:
    from app.domain.wording import plural
    from app.services import evaluations

    ws = _open(args, create=False)
    r = evaluations.rebase(ws, args.evaluation, args.version)
    if r.old_version == r.new_version:
        print(f"{r.evaluation!r} is already on bank {r.bank!r} v{r.new_version}; nothing changed")
        return EXIT_OK
    print(f"Moved {r.evaluation!r} from bank {r.bank!r} v{r.old_version} to v{r.new_version}: "
          f"{plural(r.carried, 'answer')} carried by question id, {len(r.left_behind)} left behind")
    if r.left_behind:
        print("Left behind (kept in the audit log):")
        for a in r.left_behind:
            value = a.value or "(note only)"
            print(f"  {a.vendor} / {a.evaluator} / {a.question}: {value} — {a.reason}")
    return EXIT_OK


def cmd_bank_list(args: argparse.Namespace) -> int:
    from app.services import banks

    ws = _open(args)
    rows = banks.list_banks(ws)
    width = max([len(b.name) for b in rows] + [4])
    print(f"{'Bank':<{width}}  Version  Questions  Hash")
    for b in rows:
        print(f"{b.name:<{width}}  {b.version:>7}  {b.questions:>9}  {b.hash[:12]}")
    return EXIT_OK


def cmd_bank_export(args: argparse.Namespace) -> int:
    from app.domain.wording import plural
    from app.services import banks

    ws = _open(args)  # a new workspace already holds the default bank, so export works at once
    bank = banks.get_bank(ws, args.bank)
    out = Path(args.file)
    if out.suffix.lower() == ".xlsx":
        from app.services.spreadsheets import export_bank_xlsx

        export_bank_xlsx(bank, out)
    else:
        from app.services.spreadsheets import export_bank_csv

        export_bank_csv(bank, out)
    print(f"Wrote {out} ({plural(len(bank.questions), 'question')}, {bank.name} v{bank.version})")
    return EXIT_OK


def cmd_bank_import(args: argparse.Namespace) -> int:
    from app.services import spreadsheets

    options = spreadsheets.BankImportOptions(
        sheets=tuple(args.sheet or ()),
        header_row=args.header_row,
        mapping=tuple(args.map or ()),
        default_type=args.default_type,
        default_weight=args.default_weight,
        type_map=tuple(args.type_map or ()),
        points=tuple(args.points or ()),
        section_from=args.section_from,
    )
    if args.dry_run:
        dry = spreadsheets.dry_run_bank_file(Path(args.file), options)
        for w in dry.warnings:
            print(f"warning: {w}", file=sys.stderr)
        print("\n".join(dry.lines()))
        return EXIT_OK
    ws = _open(args)
    summary = spreadsheets.import_bank_file(ws, Path(args.file), name=args.name, options=options)
    for w in summary.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(summary.message)
    return EXIT_OK


def cmd_team_grant(args: argparse.Namespace) -> int:
    from app.services import team

    ws = _open(args, create=False)
    try:
        member = team.grant(ws, args.user, args.role, args.person)
    finally:
        ws.close()
    print(f"{member.login} is now {member.person}, {member.role}")
    return EXIT_OK


def cmd_team_list(args: argparse.Namespace) -> int:
    from app.services import team

    ws = _open(args, create=False)
    try:
        me, people = team.me(ws), team.members(ws)
    finally:
        ws.close()
    for m in people:
        print(f"{m.role:<10} {m.login:<20} {m.person}{'  (you)' if me and m.login == me.login else ''}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.evidence import file_problems
    from app.store.workspace import HEAD, integrity_report

    ws = _open(args, create=False)
    problems = integrity_report(ws) or file_problems(ws)  # files only once the database reads whole
    print(f"Workspace {ws.label}")
    if ws.kind == "server":
        print("  database   PostgreSQL (team workspace)")
    else:
        print(f"  database   {ws.db}")
    print(f"  schema     {HEAD} (current)")
    if problems:
        print("  integrity  PROBLEMS")
        for p in problems:
            print(f"    {p}")
        return EXIT_INTERNAL
    print("  integrity  ok")
    return EXIT_OK


def cmd_workspace_copy(args: argparse.Namespace) -> int:
    from app.services.workspace_copy import copy_workspace

    summary = copy_workspace(args.source, args.target)
    print(f"Copied {summary.source} to {summary.target}")
    print(f"  rows       {summary.total}")
    print(f"  backups    {summary.backups}")
    if summary.documents:
        print(f"  documents  {summary.documents}")
    if summary.people:
        import shlex

        print(f"  people     {len(summary.people)}: their roles are not granted on this server yet. "
              "As its owner, once each login exists here, run:")
        for login, person, role in summary.people:
            print("    " + shlex.join(["diligence", "team", "grant", login, "--role", role, "--person", person,
                                       "--workspace", str(args.target)]))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.backups import backup

    ws = _open(args, create=False)
    path = backup(ws, Path(args.out) if args.out else None)
    print(f"Backup written to {path}")
    return EXIT_OK


def _check_json(c: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {"id": c.id, "vendor": c.vendor, **asdict(c.check)}


def _check_line(c: Any) -> str:
    k = c.check
    found = "production confirmed" if k.confirmed_production else "NOT in production"
    confirmed = ", ".join(x for x in (k.industry, f"{k.stage} stage" if k.stage else "") if x)
    who = f" by {k.by}" if k.by else ""
    return (f"{c.vendor} / {k.company}: {found}" + (f" ({confirmed})" if confirmed else "")
            + f"{who} on {k.at[:10]}" + (f" — {k.note}" if k.note else ""))


def cmd_reference_check(args: argparse.Namespace) -> int:
    from app.services import references

    ws = _open(args, create=False)
    c = references.record_check(ws, args.evaluation, args.vendor, args.company, args.confirmed_production == "yes",
                                stage=args.stage or "", industry=args.industry or "", by=args.by, note=args.note or "")
    if args.json:
        _print_json(_check_json(c))
    else:
        print(f"Recorded reference check {c.id}: {_check_line(c)}")
    return EXIT_OK


def cmd_reference_list(args: argparse.Namespace) -> int:
    from app.services import references

    ws = _open(args, create=False)
    checks = references.list_checks(ws, args.evaluation, args.vendor)
    if args.json:
        _print_json([_check_json(c) for c in checks])
        return EXIT_OK
    if not checks:
        print("No reference checks yet (diligence reference check EVALUATION --vendor V --company C "
              "--confirmed-production yes|no)")
        return EXIT_OK
    for c in checks:
        print(f"{c.id:>4}  {_check_line(c)}")
    return EXIT_OK


# ----- parser --------------------------------------------------------------------------------


def _cost_threshold(text: str) -> float:
    from app.domain.conversations import parse_cost_threshold
    from app.domain.errors import DomainError

    try:
        return parse_cost_threshold(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Skipped:
    """Stands in for the parsers of the commands `build_parser(only=…)` leaves out: every call is a no-op."""

    def __getattr__(self, name: str) -> Callable[..., _Skipped]:
        return lambda *args, **kwargs: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, just that command's parsers (the whole one when `only`
    names no command). Building all 40-odd parsers costs ~10 ms of CPU before any command starts
    its work, `diligence gui` included (docs/performance.md)."""
    if only is not None:
        parser, built = _build_parser(only)
        if built:
            return parser
    return _build_parser(None)[0]


def _build_parser(only: str | None) -> tuple[argparse.ArgumentParser, bool]:
    help_ = ("workspace folder, or a team workspace's server address postgresql://user@host:port/database "
             "(default: DILIGENCE_WORKSPACE or your user data folder)")
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--workspace", metavar="PATH", help=help_)
    # On subcommands the option must not reset a value given before the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", metavar="PATH", help=help_, default=argparse.SUPPRESS)
    p = _Parser(prog="diligence", description="Choose an AI implementation partner and hold them to results.", parents=[top])
    p.add_argument("--version", action="version", version=f"diligence {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str, parent: Any = sub) -> argparse.ArgumentParser:
        if isinstance(parent, _Skipped) or (parent is sub and only not in (None, name)):
            return cast(argparse.ArgumentParser, _Skipped())
        sp: argparse.ArgumentParser = parent.add_parser(name, parents=[common], help=help_, description=help_)
        sp.set_defaults(func=fn)
        return sp

    g = add("gui", cmd_gui, "open the desktop app")
    g.add_argument("--smoke", action="store_true", help="paint the main window once and exit")
    g.add_argument("--demo-if-empty", action="store_true", help=argparse.SUPPRESS)
    add("demo", cmd_demo, "fill the workspace with the bundled demo")
    i = add("import", cmd_import, "import an evaluation exchange file (JSON) or a .diligence bundle")
    i.add_argument("file")
    e = add("export", cmd_export, "export an evaluation (JSON exchange file, .diligence bundle with its documents, or .xlsx results workbook)")
    e.add_argument("evaluation")
    e.add_argument("file")
    s = add("score", cmd_score, "ranking, totals, knockouts, red flags and sensitivity")
    s.add_argument("evaluation")
    s.add_argument("--json", action="store_true")
    u = add("usecase", lambda a: _sub_help(u), "use-case tools")
    usub = u.add_subparsers(dest="usecase_command", parser_class=_Parser)
    uc = add("check", cmd_usecase_check, "is a use case specific, or a slogan?", usub)
    uc.add_argument("text")
    uc.add_argument("--json", action="store_true")
    o = add("oversight", cmd_oversight, "each metric's status month by month, and oversight red flags")
    o.add_argument("engagement")
    o.add_argument("--month", metavar="YYYY-MM", help="as of that month's last day, with the reviews up to it")
    o.add_argument("--json", action="store_true")
    o.add_argument("--cost-threshold", metavar="PERCENT", type=_cost_threshold,
                   help="first set when spend raises a cost overrun flag: this many percent over the quote pro rata, "
                        "0 to 500 (stored with the engagement, as the dashboard's field does; 25 at selection)")
    r = add("report", cmd_report, "the executive comparison PDF")
    r.add_argument("evaluation")
    r.add_argument("--out", required=True)
    r.add_argument("--summary", action="store_true", help="page 1 only")
    r.set_defaults(one_pass=True)
    rr = add("review-report", cmd_review_report, "the one-page monthly review PDF")
    rr.add_argument("engagement")
    rr.add_argument("--month", metavar="YYYY-MM")
    rr.add_argument("--out", required=True)
    q = add("questionnaire", cmd_questionnaire, "a questionnaire workbook for a vendor to fill in")
    q.add_argument("evaluation")
    q.add_argument("--vendor", required=True)
    q.add_argument("--out", required=True)
    a = add("answers", lambda a: _sub_help(a_), "vendor answers")
    a_ = a
    asub = a.add_subparsers(dest="answers_command", parser_class=_Parser)
    ai = add("import", cmd_answers_import, "read a filled questionnaire back", asub)
    ai.add_argument("file")
    ai.add_argument("--evaluation", required=True)
    ai.add_argument("--evaluator")
    ai.add_argument("--vendor", help="whose answers these are (required for a vendor's own copy of a questionnaire)")
    ai.add_argument("--sheet", help="the sheet holding the answers (a vendor's own copy)")
    ai.add_argument("--header-row", type=int)
    ai.add_argument("--map", action="append", metavar="id|answer|note=Column",
                    help="the column holding question ids, answers or notes, by header or letter")
    ev = add("evaluation", lambda a: _sub_help(ev), "evaluations")
    evsub = ev.add_subparsers(dest="evaluation_command", parser_class=_Parser)
    ec = add("create", cmd_evaluation_create, "a new evaluation on a question bank", evsub)
    ec.add_argument("name")
    ec.add_argument("--bank", required=True)
    ec.add_argument("--version", type=int, help="bank version (default: the latest)")
    ec.add_argument("--use-case", metavar="TITLE")
    ec.add_argument("--vendor", action="append", metavar="V", help="repeat for each vendor")
    ec.add_argument("--evaluator", action="append", metavar="E", help="repeat for each evaluator")
    add("list", cmd_evaluation_list, "list evaluations", evsub)
    er = add("rebase", cmd_evaluation_rebase, "move an evaluation to another version of its bank", evsub)
    er.add_argument("evaluation")
    er.add_argument("--version", type=int, required=True)
    b = add("bank", lambda a: _sub_help(b), "question banks")
    bsub = b.add_subparsers(dest="bank_command", parser_class=_Parser)
    add("list", cmd_bank_list, "list question banks", bsub)
    be = add("export", cmd_bank_export, "export a bank to CSV or XLSX", bsub)
    be.add_argument("bank")
    be.add_argument("file")
    bi = add("import", cmd_bank_import, "import a bank from CSV, XLSX, ODS or JSON: ours or any questionnaire", bsub)
    bi.add_argument("file")
    bi.add_argument("--name")
    bi.add_argument("--sheet", action="append", help="the sheet to read; repeat it to build one bank from several sheets")
    bi.add_argument("--header-row", type=int)
    bi.add_argument("--map", action="append", metavar="field=Column")
    bi.add_argument("--type-map", action="append", metavar="VALUE=TYPE",
                    help="what a value of the type column means, e.g. TXT=text or YNNA=yes_no+na")
    bi.add_argument("--points", action="append", metavar="ANSWER=POINTS",
                    help="points an answer offered by a list (dropdown) is worth, 0 to 5 or n/a, e.g. Partially=2.5; "
                         "Yes, No and N/A are read by their meaning")
    bi.add_argument("--default-type", help="type of questions without one (yes_no, yes_no+na, scale, number, choice, text)")
    bi.add_argument("--default-weight", type=float)
    bi.add_argument("--section-from", choices=["sheet", "id-prefix"],
                    help="take sections from the sheet name or the question id's prefix")
    bi.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    wk = add("workspace", lambda a: _sub_help(wk), "whole workspaces (folders and team servers)")
    wksub = wk.add_subparsers(dest="workspace_command", parser_class=_Parser)
    wc = add("copy", cmd_workspace_copy, "copy a whole workspace into an empty one: folder or team server, either way",
             wksub)
    wc.add_argument("source", metavar="FROM", help="a workspace folder or postgresql://user@host:port/database")
    wc.add_argument("target", metavar="TO", help="an empty folder or an empty database on a server")
    tm = add("team", lambda a: _sub_help(tm), "people and roles on a team workspace")
    tsub = tm.add_subparsers(dest="team_command", parser_class=_Parser)
    tg = add("grant", cmd_team_grant, "give a PostgreSQL login a role (leads only)", tsub)
    tg.add_argument("user", help="the PostgreSQL login")
    tg.add_argument("--role", required=True, choices=["lead", "evaluator", "viewer"])
    tg.add_argument("--person", help="the person's name as evaluations list it (default: the login)")
    add("list", cmd_team_list, "the team's logins, people and roles", tsub)
    rf = add("reference", lambda a: _sub_help(rf), "reference checks: what a vendor's references confirmed")
    rfsub = rf.add_subparsers(dest="reference_command", parser_class=_Parser)
    rc = add("check", cmd_reference_check, "record a call to one of a vendor's references", rfsub)
    rc.add_argument("evaluation")
    rc.add_argument("--vendor", required=True)
    rc.add_argument("--company", required=True, help="one of the vendor's references")
    rc.add_argument("--confirmed-production", required=True, choices=["yes", "no"],
                    help="did the reference confirm they use it in production?")
    rc.add_argument("--stage", help="the company's stage, as the reference confirmed it")
    rc.add_argument("--industry", help="the company's industry, as the reference confirmed it")
    rc.add_argument("--by", metavar="NAME", help="who called (default: you)")
    rc.add_argument("--note", metavar="TEXT")
    rc.add_argument("--json", action="store_true")
    rl = add("list", cmd_reference_list, "list the reference checks of an evaluation", rfsub)
    rl.add_argument("evaluation")
    rl.add_argument("--vendor")
    rl.add_argument("--json", action="store_true")
    add("check", cmd_check, "workspace integrity and schema version")
    bk = add("backup", cmd_backup, "write a backup copy of the workspace")
    bk.add_argument("--out")
    if only in (None, "evidence"):
        from app import cli_evidence  # the `evidence` group lives in its own module

        cli_evidence.add_parsers(add, _open)
    return p, only is None or only in sub.choices


class _VisibleControls:
    """stdout that shows control and direction-override characters from names as escapes.

    A vendor name holding ESC or U+202E must not recolour or reverse the person's terminal;
    in JSON output the escape (`\u202e`) still reads back as the same character.
    """

    _TABLE = {c: f"\\u{c:04x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F),
                                           *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C] if c not in (9, 10)}

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return int(self._stream.write(text.translate(self._TABLE)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _os_message(exc: OSError) -> str:
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{where}the disk is full (or the file is larger than allowed); nothing was changed"
    return f"{where}{exc.strerror or exc}"


def _database_message(args: argparse.Namespace, exc: Exception) -> str | None:
    """A person's message for an SQLite failure met outside a workspace session, or None."""
    import sqlite3

    from app.store.workspace import WorkspaceError, database_path, default_location, explain

    cause = getattr(exc, "orig", None) or exc
    where = getattr(args, "workspace", None)
    if type(cause).__module__.startswith("psycopg"):
        from app.store.server import explain_server, parse_address

        target = where or __import__("os").environ.get("DILIGENCE_WORKSPACE", "")
        try:
            server = explain_server(parse_address(target), cause)
        except WorkspaceError:
            return None
        return None if server is None else str(server)
    if not isinstance(cause, sqlite3.Error):
        return None
    found = explain(database_path(Path(where).expanduser() if where else default_location()), cause)
    return None if found is None else str(found)


def _sub_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INPUT


# The commands that read only through app.store.reader: on a team server, the console script
# connects ahead for them (`_connect_ahead`). The others read through the ORM, which imports the
# driver and connects in the command's own process anyway.
CONNECT_AHEAD = (("score",), ("report",), ("evaluation", "list"), ("oversight",), ("review-report",))


def _connect_ahead(given: Sequence[str]) -> bool:
    """Start the helper that connects to a team server while the command loads
    (app/store/server_ahead.py), when `given` asks a CONNECT_AHEAD command of one.

    This runs before the arguments are parsed (parsing and the imports after it are ~20 ms the
    helper can use), so it reads them the simple way: the words that are not options, and
    `--workspace X` or `--workspace=X`. A guess that parsing then contradicts costs nothing but
    the helper's work: the workspace takes the helper only if it is for the same address."""
    from app.store.location import ENV_VAR, is_server_location

    words: list[str] = []
    location: str | None = None
    tokens = iter(given)
    for token in tokens:
        if token == "--workspace":
            location = next(tokens, None)
        elif token.startswith("--workspace="):
            location = token.partition("=")[2]
        elif not token.startswith("-"):
            words.append(token)
    location = location or os.environ.get(ENV_VAR)
    if not any(tuple(words[:len(command)]) == command for command in CONNECT_AHEAD) or not is_server_location(location):
        return False
    from app.store import server_ahead

    server_ahead.start(location)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    # A team workspace: a helper process imports the driver and connects while this one parses
    # the arguments and loads the command's code (docs/performance.md).
    ahead = argv is None and _connect_ahead(given)
    # Only the command asked for is built (`diligence gui`, `diligence report`): the others'
    # parsers would cost ~10 ms of every start. No command, or an unknown one: the whole parser.
    parser = build_parser(only=given[0] if given and not given[0].startswith("-") else None)
    known, extra = parser.parse_known_args(given)
    if getattr(known, "command", None) is None:
        # No command: the desktop app, with whatever options were given (`diligence --smoke`).
        args = parser.parse_args(["gui", *given])
    else:
        args = parser.parse_args(given)
    from app.services.errors import InputError
    from app.store.workspace import WorkspaceError

    stdout = sys.stdout
    sys.stdout = _VisibleControls(stdout)
    if argv is None and getattr(args, "one_pass", False):
        # A command that reads, lays out one document and ends: its objects live until the end
        # anyway, so the collector's passes over them are pure cost (~60 ms of a report; the
        # process peaks at ~70 MB either way; docs/performance.md).
        gc.disable()
        from app.report.imaging import defer_pillow

        defer_pillow()  # ReportLab imports Pillow at start-up; the reports draw no raster image
    try:
        code = int(args.func(args))
        if argv is None:
            # The process ends next: spare the interpreter's final garbage collection a walk over
            # every object of SQLAlchemy, numpy and ReportLab (about 0.2 s; docs/performance.md).
            gc.freeze()
        return code
    except (InputError, WorkspaceError, UsageError) as exc:
        print(f"diligence: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("diligence: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file we were told to read or write: the person can act on it
        print(f"diligence: {_os_message(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints a clear message
        explained = _database_message(args, exc)
        if explained is not None:
            print(f"diligence: {explained}", file=sys.stderr)
            return EXIT_INPUT
        # A database error's text carries its SQL and parameters: only the driver's own words.
        detail = getattr(exc, "orig", None) or exc
        print(f"diligence: internal error: {exc.__class__.__name__}: {detail}", file=sys.stderr)
        if __import__("os").environ.get("DILIGENCE_DEBUG"):
            import traceback

            traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        sys.stdout = stdout
        if ahead:
            from app.store import server_ahead

            server_ahead.discard()
