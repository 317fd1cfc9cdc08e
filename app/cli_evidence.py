"""`diligence evidence …`: vendors' documents from the command line (docs/formats.md, "Evidence").

Same contract as the other commands: exit 0, 2 on bad input with one message on stderr, `--json`
prints one object on stdout and nothing else.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.evidence import Citation, Document, DocumentKind, Passage
from app.domain.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable

EXIT_OK = 0


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def document_json(d: Document) -> dict[str, Any]:
    return {"id": d.id, "vendor": d.vendor, "name": d.name, "sha256": d.sha256, "format": d.format,
            "kind": d.kind.value, "pages": d.pages, "size": d.size,
            "valid_until": d.valid_until.isoformat() if d.valid_until else None,
            "added_at": d.added_at.isoformat(timespec="seconds"), "added_by": d.added_by}


def passage_json(p: Passage) -> dict[str, Any]:
    return {"vendor": p.document.vendor, "document": p.document.name, "sha256": p.document.sha256,
            "page": p.page, "rank": p.rank, "snippet": p.excerpt()}


def citation_json(c: Citation) -> dict[str, Any]:
    return {"id": c.id, "vendor": c.vendor, "question": c.question, "evaluator": c.evaluator,
            "document": c.document.name, "sha256": c.document.sha256, "page": c.page, "quote": c.quote,
            "cited_at": c.cited_at.isoformat(timespec="seconds"), "cited_by": c.cited_by}


def _size(n: int) -> str:
    if n < 1024:
        return plural(n, "byte")
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2027-06-30)") from None


def _line(d: Document) -> str:
    until = f", valid until {d.valid_until.isoformat()}" if d.valid_until else ""
    return (f"{d.name}  ({d.kind.label}, {d.format.upper()}, {plural(d.pages, 'page')}, {_size(d.size)}{until})  "
            f"{d.short_hash}")


def cmd_add(args: argparse.Namespace, open_ws: Callable[..., Any]) -> int:
    from app.services import evidence

    ws = open_ws(args, create=False)
    doc = evidence.add_document(ws, args.evaluation, args.vendor, Path(args.file), args.kind, args.valid_until)
    if args.json:
        _print_json(document_json(doc))
    else:
        print(f"Added to {doc.vendor}: {_line(doc)}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace, open_ws: Callable[..., Any]) -> int:
    from app.services import evidence

    ws = open_ws(args, create=False)
    found = evidence.load_evidence(ws, args.evaluation)
    docs = [d for d in found.documents if args.vendor is None or d.vendor == args.vendor]
    if args.vendor is not None and not docs:
        evidence.list_documents(ws, args.evaluation, args.vendor)  # a vendor that does not exist is an error
    cited = {d.id: sum(1 for c in found.citations if c.document.id == d.id) for d in docs}
    if args.json:
        _print_json({"evaluation": found.documents[0].evaluation if found.documents else args.evaluation,
                     "documents": [{**document_json(d), "citations": cited[d.id]} for d in docs]})
        return EXIT_OK
    if not docs:
        print("No documents yet. Add one with: diligence evidence add EVALUATION --vendor V FILE")
        return EXIT_OK
    vendor = None
    for d in docs:
        if d.vendor != vendor:
            vendor = d.vendor
            print(vendor)
        extra = f", cited {plural(cited[d.id], 'time')}" if cited[d.id] else ""
        print(f"  {_line(d)}{extra}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace, open_ws: Callable[..., Any]) -> int:
    from app.services import evidence
    from app.services.errors import InputError

    if args.limit < 1:
        raise InputError(f"--limit must be at least 1, not {args.limit}")
    ws = open_ws(args, create=False)
    passages = evidence.search(ws, args.evaluation, args.vendor, args.text, args.limit)
    if args.json:
        _print_json({"vendor": args.vendor, "query": args.text, "passages": [passage_json(p) for p in passages]})
        return EXIT_OK
    if not passages:
        print(f"Nothing in {args.vendor}'s documents matches {args.text!r}.")
        return EXIT_OK
    for p in passages:
        snippet = " ".join(p.excerpt().split())
        print(f"{p.document.name}, page {p.page}  ({p.document.short_hash})\n    {snippet}")
    return EXIT_OK


def cmd_cite(args: argparse.Namespace, open_ws: Callable[..., Any]) -> int:
    from app.services import evidence

    ws = open_ws(args, create=False)
    doc = evidence.find_document(ws, args.evaluation, args.vendor, args.document)
    c = evidence.cite(ws, args.evaluation, args.vendor, args.question, doc, args.page, args.quote,
                      evaluator=args.evaluator or "")
    if args.json:
        _print_json(citation_json(c))
    else:
        print(f"Cited for {c.vendor}, question {c.question}: {doc.name}, page {c.page}: \u201c{c.quote}\u201d")
    return EXIT_OK


def add_parsers(add: Callable[..., argparse.ArgumentParser], open_ws: Callable[..., Any]) -> None:
    """The `evidence` command group; `add(name, fn, help, parent)` is cli.build_parser's helper."""
    holder: list[argparse.ArgumentParser] = []
    group = add("evidence", lambda a: _help(holder[0]), "vendors' documents: add, list, search, cite")
    holder.append(group)
    sub = group.add_subparsers(dest="evidence_command", parser_class=type(group))

    def bound(fn: Callable[[argparse.Namespace, Callable[..., Any]], int]) -> Callable[[argparse.Namespace], int]:
        return lambda a: fn(a, open_ws)

    a = add("add", bound(cmd_add), "attach a document (PDF, DOCX, XLSX, PPTX, PNG, JPEG, TXT, MD) to a vendor", sub)
    a.add_argument("evaluation")
    a.add_argument("--vendor", required=True)
    a.add_argument("file")
    a.add_argument("--kind", choices=[k.value for k in DocumentKind], default=DocumentKind.OTHER.value)
    a.add_argument("--valid-until", type=_date, metavar="YYYY-MM-DD", help="when the document stops being valid")
    a.add_argument("--json", action="store_true")
    ls = add("list", bound(cmd_list), "the documents of an evaluation (or of one vendor)", sub)
    ls.add_argument("evaluation")
    ls.add_argument("--vendor")
    ls.add_argument("--json", action="store_true")
    s = add("search", bound(cmd_search), "the pages of a vendor's documents that best match TEXT", sub)
    s.add_argument("evaluation")
    s.add_argument("--vendor", required=True)
    s.add_argument("text")
    s.add_argument("--limit", type=int, default=10, help="at most this many pages (default 10)")
    s.add_argument("--json", action="store_true")
    c = add("cite", bound(cmd_cite), "cite a quote from a document page in the answer to a question", sub)
    c.add_argument("evaluation")
    c.add_argument("--vendor", required=True)
    c.add_argument("--question", required=True, metavar="Q", help="the question id")
    c.add_argument("--document", required=True, metavar="DOC", help="the file name, or a SHA-256 prefix (6+ hex digits)")
    c.add_argument("--page", required=True, type=int, metavar="N")
    c.add_argument("--quote", required=True, metavar="TEXT", help="words exactly as on the page (spacing and case aside)")
    c.add_argument("--evaluator", metavar="E", help="whose answer it backs (default: the vendor's answer as a whole)")
    c.add_argument("--json", action="store_true")


def _help(parser: argparse.ArgumentParser) -> int:
    import sys

    parser.print_help(sys.stderr)
    return 2
