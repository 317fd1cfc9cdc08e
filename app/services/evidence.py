"""Evidence: attach vendors' documents to an evaluation, search their pages, cite them in answers.

The API the CLI and the GUI share (plain values from app.domain.evidence in and out):

    add_document(ws, evaluation, vendor, path, kind, valid_until, *, name, by, progress, cancel) -> Document
    list_documents(ws, evaluation, vendor=None) -> list[Document]
    find_document(ws, evaluation, vendor, ref) -> Document      ref: file name or SHA-256 prefix
    document_file(ws, document) -> Path                          the stored bytes (for a viewer)
    pages(ws, document) -> list[Page]  ·  page_text(ws, document, number) -> str
    search(ws, evaluation, vendor, text, limit=10) -> list[Passage]   best first (BM25)
    cite(ws, evaluation, vendor, question, document, page, quote, evaluator="", by=None) -> Citation
    citations_for(ws, evaluation, vendor=None, question=None, evaluator=None) -> list[Citation]
    load_evidence(ws, evaluation, with_text=False) -> Evidence   everything, for flags and the PDF
    update_document(ws, document, kind=…, valid_until=…) -> Document
    remove_document(ws, document, by=None)  ·  remove_citation(ws, citation, by=None)

`document` arguments take a Document or its id. Bad input raises InputError (NotFound when
something named does not exist); a refused file raises InputError naming the file and the
reason, with nothing stored. Each call is one transaction. `add_document` may run on a worker
thread: `progress(fraction, message)` is called as it goes, and `cancel()` returning True stops
it with AddCancelled, nothing stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.domain.evidence import (
    SHA_PREFIX,
    Citation,
    Document,
    DocumentKind,
    Evidence,
    Page,
    Passage,
    quote_on_page,
    tidy_quote,
)
from app.domain.wording import plural
from app.services.errors import InputError, NotFound
from app.store import evidence as store
from app.store import repo
from app.store.tables import (
    EvaluationRow,
    EvaluatorRow,
    EvidenceBlobRow,
    EvidenceCitationRow,
    EvidenceDocumentRow,
    EvidencePageRow,
    QuestionRow,
    VendorRow,
)
from app.store.workspace import Workspace, current_user, documents_dir

if TYPE_CHECKING:
    from app.exchange.evidence_json import DocumentDoc

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]
DocumentRef = Document | int
MIN_PREFIX = 6  # hex characters of a SHA-256 accepted as a document's name
MAX_PASSAGES = 1000  # the most passages one search returns


class AddCancelled(Exception):
    """The person cancelled adding a document; nothing was stored."""


def documents_folder(ws: Workspace) -> Path:
    """The folder holding the workspace's document files. A team (server) workspace keeps the
    bytes in its database: this is then the computer's private folder where adds are staged and
    stored documents are copied out for reading (app.store.evidence.local_folder)."""
    if _in_database(ws):
        return store.local_folder()
    return documents_dir(ws.db)


def _in_database(ws: Workspace) -> bool:
    return ws.kind != "file"


def _kind(value: DocumentKind | str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        raise InputError(f"unknown kind {value!r}; use one of "
                         f"{', '.join(k.value for k in DocumentKind)}") from None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _evaluation(s: Session, ref: str | int) -> EvaluationRow:
    row = repo.evaluation_by_ref(s, ref)
    if row is None:
        raise NotFound(f"there is no evaluation named {ref!r}")
    return row


def _vendor(s: Session, ev: EvaluationRow, name: str) -> VendorRow:
    row = s.exec(select(VendorRow).where(VendorRow.evaluation_id == ev.id, VendorRow.name == name)).first()
    if row is None:
        names = s.exec(select(VendorRow.name).where(VendorRow.evaluation_id == ev.id)
                       .order_by(col(VendorRow.position))).all()
        known = f" (its vendors: {', '.join(names)})" if names else " (it has no vendors yet)"
        raise NotFound(f"there is no vendor {name!r} in evaluation {ev.name!r}{known}")
    return row


def _document(row: EvidenceDocumentRow, blob: EvidenceBlobRow, vendor: str, evaluation: str) -> Document:
    return Document(
        id=row.id or 0, evaluation=evaluation, vendor=vendor, name=row.name, sha256=row.sha256,
        format=blob.format, kind=_kind(row.kind), size=blob.size, pages=blob.pages,
        valid_until=row.valid_until, added_at=_aware(row.added_at), added_by=row.added_by,
    )


def _documents(s: Session, ev: EvaluationRow, vendor: VendorRow | None = None,
               ids: set[int] | None = None) -> list[Document]:
    stmt = (select(EvidenceDocumentRow, EvidenceBlobRow, VendorRow.name)
            .join(EvidenceBlobRow, col(EvidenceBlobRow.sha256) == col(EvidenceDocumentRow.sha256))
            .join(VendorRow, col(VendorRow.id) == col(EvidenceDocumentRow.vendor_id))
            .where(VendorRow.evaluation_id == ev.id)
            .order_by(col(VendorRow.position), col(VendorRow.id), col(EvidenceDocumentRow.position),
                      col(EvidenceDocumentRow.id)))
    if vendor is not None:
        stmt = stmt.where(EvidenceDocumentRow.vendor_id == vendor.id)
    if ids is not None:
        stmt = stmt.where(col(EvidenceDocumentRow.id).in_(ids))
    return [_document(d, b, v, ev.name) for d, b, v in s.exec(stmt).all()]


def _document_by_id(s: Session, document_id: int) -> Document:
    found = s.exec(select(EvidenceDocumentRow, EvidenceBlobRow, VendorRow.name, EvaluationRow.name)
                   .join(EvidenceBlobRow, col(EvidenceBlobRow.sha256) == col(EvidenceDocumentRow.sha256))
                   .join(VendorRow, col(VendorRow.id) == col(EvidenceDocumentRow.vendor_id))
                   .join(EvaluationRow, col(EvaluationRow.id) == col(VendorRow.evaluation_id))
                   .where(EvidenceDocumentRow.id == document_id)).first()
    if found is None:
        raise NotFound(f"there is no document {document_id} (it was removed)")
    d, b, v, e = found
    return _document(d, b, v, e)


def _id(document: DocumentRef) -> int:
    return document.id if isinstance(document, Document) else int(document)


# ----- adding ----------------------------------------------------------------------------------


def add_document(
    ws: Workspace,
    evaluation: str | int,
    vendor: str,
    path: Path | str,
    kind: DocumentKind | str = DocumentKind.OTHER,
    valid_until: date | None = None,
    *,
    name: str | None = None,
    by: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Document:
    """Attach the file at `path` to a vendor: checked, stored once by its SHA-256, text indexed.

    The same bytes already in the workspace (for any vendor) are not stored or read again. The
    same bytes attached twice to one vendor are refused. Hostile or unreadable files are refused
    with InputError (the file's name and why), and nothing is stored.
    """
    from app.exchange.documents import (
        DocumentError,
        ExtractionCancelled,
        check_size,
        extract,
        format_for_name,
    )

    path = Path(path)
    name = (name or path.name).strip()
    doc_kind = _kind(kind)
    actor = by or current_user()

    def say(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise AddCancelled()
        if progress is not None:
            progress(fraction, message)

    folder = documents_folder(ws)
    with ws.session() as s:  # fail fast on names, before reading a byte
        ev = _evaluation(s, evaluation)
        _vendor(s, ev, vendor)
    try:
        if not path.is_file():
            raise DocumentError(name, "there is no such file" if not path.exists() else "is not a file")
        check_size(name, path.stat().st_size)
    except DocumentError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc}); nothing was stored") from None
    say(0.0, f"Copying {name}")
    total = max(path.stat().st_size, 1)
    try:
        staged = store.stage_blob(folder, path, cancel,
                                  lambda done: progress(0.1 * done / total, f"Copying {name}") if progress else None)
    except InterruptedError:
        raise AddCancelled() from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read or stored ({exc.strerror or exc}); nothing was stored") from None
    created = False
    try:
        with ws.session() as s:
            known = s.get(EvidenceBlobRow, staged.sha256)
            existing = s.exec(select(EvidenceDocumentRow, VendorRow.name)
                              .join(VendorRow, col(VendorRow.id) == col(EvidenceDocumentRow.vendor_id))
                              .where(VendorRow.evaluation_id == ev.id, VendorRow.name == vendor,
                                     EvidenceDocumentRow.sha256 == staged.sha256)).first()
        if existing is not None:
            raise InputError(f"{name}: {vendor} already has this document (the same content, added as "
                             f"{existing[0].name!r}); nothing was stored")
        pages: tuple[str, ...] = ()
        if known is None:
            def scaled(fraction: float, message: str) -> None:
                say(0.1 + 0.75 * fraction, message)
            try:
                extracted = extract(staged.tmp, name, scaled, cancel)
            except DocumentError as exc:
                raise InputError(str(exc)) from None
            except ExtractionCancelled:
                raise AddCancelled() from None
            fmt, pages = extracted.format, extracted.pages
        else:
            fmt = known.format
            claimed = format_for_name(name)
            if claimed != fmt:
                raise InputError(f"{name}: the name says {claimed.upper() if claimed else 'an unknown type'} "
                                 f"but the content is the {fmt.upper()} already stored; nothing was stored")
        say(0.85, f"Indexing {name}")
        in_db = _in_database(ws)
        created = False if in_db else store.commit_blob(staged)
        with ws.session() as s:
            ev = _evaluation(s, evaluation)
            v = _vendor(s, ev, vendor)
            if s.get(EvidenceBlobRow, staged.sha256) is None:
                if not pages:  # stored meanwhile by someone else and removed again: read it now
                    pages = extract(staged.tmp if in_db else store.blob_path(folder, staged.sha256), name).pages
                s.add(EvidenceBlobRow(sha256=staged.sha256, size=staged.size, format=fmt, pages=len(pages)))
                s.flush()
                if in_db:  # the bytes in the same transaction as the rows: both or neither
                    store.keep_blob_bytes(s, staged.sha256, staged.tmp)
                else:  # a clean-up may have taken the file meanwhile: never a row without its file
                    _file_still_there(folder, staged.sha256, staged.size, name)
                s.execute(insert(EvidencePageRow), [
                    {"sha256": staged.sha256, "number": i, "text": t} for i, t in enumerate(pages, start=1)])
                store.index_pages(s, staged.sha256)
            position = len(s.exec(select(EvidenceDocumentRow.id)
                                  .where(EvidenceDocumentRow.vendor_id == v.id)).all())
            row = EvidenceDocumentRow(vendor_id=v.id or 0, sha256=staged.sha256, name=name, kind=doc_kind.value,
                                      valid_until=valid_until, added_by=actor, position=position)
            s.add(row)
            s.flush()
            repo.audit(s, actor, "document added", "evidence_document", row.id,
                       after={"vendor": vendor, "name": name, "sha256": staged.sha256, "kind": doc_kind.value,
                              "valid_until": valid_until.isoformat() if valid_until else None})
            if cancel is not None and cancel():
                raise AddCancelled()
            blob = s.get(EvidenceBlobRow, staged.sha256)
            assert blob is not None
            document = _document(row, blob, vendor, ev.name)
    except BaseException:
        staged.discard()
        if created:
            _drop_file_if_unreferenced(ws, staged.sha256)
        raise
    if in_db:  # kept as the local copy a viewer reads
        with contextlib.suppress(OSError):
            store.commit_blob(staged)
    if progress is not None:
        progress(1.0, f"Added {name}")
    return document


def _file_still_there(folder: Path, sha256: str, size: int, name: str) -> None:
    try:
        store.check_blob_file(folder, sha256, size)
    except FileNotFoundError:
        raise InputError(f"{name}: its stored copy was deleted while it was being added (the same file "
                         "had been removed); nothing was stored, add it again") from None


def _drop_file_if_unreferenced(ws: Workspace, sha256: str) -> None:
    with contextlib.suppress(Exception), ws.session() as s:
        if s.get(EvidenceBlobRow, sha256) is None:
            store.remove_blob_files(documents_folder(ws), [sha256])


# ----- reading ---------------------------------------------------------------------------------


def list_documents(ws: Workspace, evaluation: str | int, vendor: str | None = None) -> list[Document]:
    """The documents of an evaluation (of one vendor when named), vendor by vendor, in the order added."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        return _documents(s, ev, _vendor(s, ev, vendor) if vendor is not None else None)


def get_document(ws: Workspace, document: DocumentRef) -> Document:
    with ws.session() as s:
        return _document_by_id(s, _id(document))


def find_document(ws: Workspace, evaluation: str | int, vendor: str, ref: str) -> Document:
    """A vendor's document by its file name (case-insensitive) or a prefix of its SHA-256 (at least
    6 hex characters). A name two documents share, or a prefix two hashes share, is refused with
    the candidates listed."""
    docs = list_documents(ws, evaluation, vendor)
    wanted = ref.strip()
    by_name = [d for d in docs if d.name == wanted] or [d for d in docs if d.name.casefold() == wanted.casefold()]
    lowered = wanted.lower()
    by_hash = ([d for d in docs if d.sha256.startswith(lowered)]
               if len(lowered) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in lowered) else [])
    found = {d.id: d for d in by_name + by_hash}
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        listed = "; ".join(f"{d.name} ({d.short_hash})" for d in docs) or "none yet"
        raise NotFound(f"{vendor} has no document named {ref!r} (its documents: {listed})")
    listed = "; ".join(f"{d.name} ({d.short_hash})" for d in found.values())
    raise InputError(f"{ref!r} names more than one of {vendor}'s documents ({listed}); "
                     f"give a longer SHA-256 prefix")


def document_file(ws: Workspace, document: DocumentRef) -> Path:
    """The stored file of a document (open it read-only; never write to it). On a team workspace,
    a copy of the bytes kept in the database, written to this computer's private folder."""
    doc = document if isinstance(document, Document) else get_document(ws, document)
    folder = documents_folder(ws)
    if not _in_database(ws):
        return store.blob_path(folder, doc.sha256)
    with ws.session() as s:
        try:
            return store.blob_file(s, folder, doc.sha256)
        except FileNotFoundError:
            raise NotFound(f"the bytes of {doc.name} ({doc.short_hash}) are not in the workspace") from None


def pages(ws: Workspace, document: DocumentRef) -> list[Page]:
    """The extracted text of each page of a document, in order."""
    with ws.session() as s:
        doc = _document_by_id(s, _id(document))
        rows = s.exec(select(EvidencePageRow.number, EvidencePageRow.text)
                      .where(EvidencePageRow.sha256 == doc.sha256).order_by(col(EvidencePageRow.number))).all()
        return [Page(doc.id, n, t) for n, t in rows]


def page_text(ws: Workspace, document: DocumentRef, number: int) -> str:
    with ws.session() as s:
        doc = _document_by_id(s, _id(document))
        return _page_text(s, doc, number)


def _page_text(s: Session, doc: Document, number: int) -> str:
    if not 1 <= number <= doc.pages:
        raise InputError(f"{doc.name} has {doc.pages} page{'s' if doc.pages != 1 else ''}; there is no page {number}")
    found = s.exec(select(EvidencePageRow.text).where(EvidencePageRow.sha256 == doc.sha256,
                                                       EvidencePageRow.number == number)).first()
    return found or ""


def search(ws: Workspace, evaluation: str | int, vendor: str, text: str, limit: int = 10) -> list[Passage]:
    """The pages of a vendor's documents that best answer `text`, best first (BM25).

    Any word may match; pages with more of the words, and rarer ones, rank first. The text is
    searched for as words: quotes, operators and punctuation in it mean nothing."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        v = _vendor(s, ev, vendor)
        hits = store.search_pages(s, v.id or 0, text, max(0, min(limit, MAX_PASSAGES)))
        docs = {d.id: d for d in _documents(s, ev, v, {h.document_id for h in hits})} if hits else {}
    return [Passage(docs[h.document_id], h.page, h.rank, h.snippet) for h in hits]


# ----- citations -------------------------------------------------------------------------------


def _citation(row: EvidenceCitationRow, doc: Document) -> Citation:
    return Citation(id=row.id or 0, evaluation=doc.evaluation, vendor=doc.vendor, question=row.qid,
                    evaluator=row.evaluator, document=doc, page=row.page, quote=row.quote,
                    cited_at=_aware(row.cited_at), cited_by=row.cited_by)


def cite(
    ws: Workspace,
    evaluation: str | int,
    vendor: str,
    question: str,
    document: DocumentRef | str,
    page: int,
    quote: str,
    evaluator: str = "",
    by: str | None = None,
) -> Citation:
    """Record that `quote` on `page` of a vendor's document backs the answer to `question`.

    `document` is a Document, its id (an int), or what a person typed (a str): its file name or
    a SHA-256 prefix, as `find_document` reads them.

    The quote must occur on that page (whitespace, case and line-end hyphens aside), the
    question must be in the evaluation's bank, and the evaluator (when given) one of its
    evaluators; otherwise InputError says exactly what does not match."""
    if isinstance(document, str):  # a file name or a SHA-256 prefix (which may be all digits)
        document = find_document(ws, evaluation, vendor, document)
    cleaned = tidy_quote(quote)
    if not cleaned:
        raise InputError("the quote is empty; copy the words from the page")
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        v = _vendor(s, ev, vendor)
        doc = _document_by_id(s, _id(document))
        if doc.evaluation != ev.name or doc.vendor != v.name:
            raise InputError(f"{doc.name} is {doc.vendor}'s document, not {vendor}'s")
        qid = question.strip()
        if s.exec(select(QuestionRow.id).where(QuestionRow.bank_version_id == ev.bank_version_id,
                                               QuestionRow.qid == qid)).first() is None:
            raise NotFound(f"there is no question {question!r} in evaluation {ev.name!r}")
        if evaluator and s.exec(select(EvaluatorRow.id).where(EvaluatorRow.evaluation_id == ev.id,
                                                              EvaluatorRow.name == evaluator)).first() is None:
            raise NotFound(f"there is no evaluator {evaluator!r} in evaluation {ev.name!r}")
        text = _page_text(s, doc, page)
        if not quote_on_page(text, cleaned):
            shown = cleaned if len(cleaned) <= 80 else cleaned[:77] + "…"
            where = ("the page has no text (a scanned page or an image)" if not text.strip()
                     else "copy the words exactly as they appear on the page")
            raise InputError(f"the quote {shown!r} is not on page {page} of {doc.name}; {where}")
        actor = by or current_user()
        row = EvidenceCitationRow(document_id=doc.id, qid=qid, evaluator=evaluator, page=page, quote=cleaned,
                                  cited_by=actor)
        s.add(row)
        s.flush()
        repo.audit(s, actor, "evidence cited", "evidence_citation", row.id,
                   after={"vendor": vendor, "question": qid, "document": doc.name, "page": page, "quote": cleaned})
        return _citation(row, doc)


def _citations(s: Session, ev: EvaluationRow, docs: dict[int, Document]) -> list[Citation]:
    if not docs:
        return []
    rows = s.exec(select(EvidenceCitationRow).where(col(EvidenceCitationRow.document_id).in_(list(docs)))
                  .order_by(col(EvidenceCitationRow.id))).all()
    return [_citation(r, docs[r.document_id]) for r in rows]


def citations_for(ws: Workspace, evaluation: str | int, vendor: str | None = None, question: str | None = None,
                  evaluator: str | None = None) -> list[Citation]:
    """An evaluation's citations, narrowed to a vendor, a question and an evaluator when given,
    in the order they were made."""
    with ws.session() as s:
        ev = _evaluation(s, evaluation)
        docs = {d.id: d for d in _documents(s, ev, _vendor(s, ev, vendor) if vendor is not None else None)}
        found = _citations(s, ev, docs)
    return [c for c in found if (question is None or c.question == question)
            and (evaluator is None or c.evaluator == evaluator)]


def evidence_in(s: Session, ev: EvaluationRow, with_text: bool = False) -> Evidence:
    """The evaluation's evidence inside an open session (for services building a snapshot)."""
    docs = _documents(s, ev)
    by_id = {d.id: d for d in docs}
    page_rows: list[Page] = []
    if with_text and docs:
        by_sha: dict[str, list[Document]] = {}
        for d in docs:
            by_sha.setdefault(d.sha256, []).append(d)
        rows = s.exec(select(EvidencePageRow.sha256, EvidencePageRow.number, EvidencePageRow.text)
                      .where(col(EvidencePageRow.sha256).in_(list(by_sha)))
                      .order_by(col(EvidencePageRow.sha256), col(EvidencePageRow.number))).all()
        for sha, number, text in rows:
            page_rows.extend(Page(d.id, number, text) for d in by_sha[sha])
        page_rows.sort(key=lambda p: (p.document, p.number))
    return Evidence(tuple(docs), tuple(_citations(s, ev, by_id)), tuple(page_rows))


def load_evidence(ws: Workspace, evaluation: str | int, with_text: bool = False) -> Evidence:
    """All documents and citations of an evaluation (and each page's text when `with_text`)."""
    with ws.session() as s:
        return evidence_in(s, _evaluation(s, evaluation), with_text)


def file_problems(ws: Workspace) -> list[str]:
    """Documents whose stored file (a team workspace: bytes row) is missing or damaged, for `diligence check`."""
    in_db = _in_database(ws)
    folder = documents_folder(ws)
    where = "the database" if in_db else folder
    with ws.session() as s:
        bad = dict(store.missing_blob_bytes(s) if in_db else store.missing_blob_files(s, folder))
        if not bad:
            return []
        rows = s.exec(select(EvidenceDocumentRow.name, EvidenceDocumentRow.sha256, VendorRow.name, EvaluationRow.name)
                      .join(VendorRow, col(VendorRow.id) == col(EvidenceDocumentRow.vendor_id))
                      .join(EvaluationRow, col(EvaluationRow.id) == col(VendorRow.evaluation_id))
                      .where(col(EvidenceDocumentRow.sha256).in_(list(bad)))
                      .order_by(col(EvaluationRow.name), col(VendorRow.name), col(EvidenceDocumentRow.name))).all()
    return [f"{evaluation}: {vendor}: {name} ({sha[:SHA_PREFIX]}): its file in {where} is {bad[sha]}"
            for name, sha, vendor, evaluation in rows]


# ----- exchange (the .diligence bundle; services/bundles.py) -------------------------------------


def _iso(moment: datetime) -> str:
    return _aware(moment).astimezone(UTC).isoformat()


def _stored_time(text: str) -> datetime:
    """A timestamp from a file, as the workspace keeps them (UTC); one without a zone is UTC."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC) if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def exchange_documents(s: Session, ev: EvaluationRow) -> list[DocumentDoc]:
    """The evaluation's documents and citations as the exchange file writes them."""
    from app.exchange.evidence_json import CitationDoc, DocumentDoc

    found = evidence_in(s, ev)
    return [
        DocumentDoc(vendor=d.vendor, name=d.name, sha256=d.sha256, format=d.format, size=d.size, pages=d.pages,
                    kind=d.kind, valid_until=d.valid_until, added_at=_iso(d.added_at), added_by=d.added_by,
                    citations=tuple(CitationDoc(c.question, c.evaluator, c.page, c.quote, _iso(c.cited_at), c.cited_by)
                                    for c in found.citations if c.document.id == d.id))
        for d in found.documents
    ]


def vendor_documents(s: Session, ev: EvaluationRow, vendor: str) -> list[DocumentDoc]:
    """A vendor's documents and citations, captured before "Remove vendor" (for its undo)."""
    return [d for d in exchange_documents(s, ev) if d.vendor == vendor]


def restore_documents(s: Session, vendor_id: int, docs: list[DocumentDoc]) -> int:
    """Put a restored vendor's documents and citations back (times and names kept); documents
    whose bytes have left the workspace meanwhile are skipped. The number restored."""
    restored = 0
    for position, d in enumerate(docs):
        if s.get(EvidenceBlobRow, d.sha256) is None:
            continue
        _write_document(s, vendor_id, d, position)
        restored += 1
    return restored


def _write_document(s: Session, vendor_id: int, d: DocumentDoc, position: int) -> EvidenceDocumentRow:
    """A document row and its citations from their exchange form (times and names kept)."""
    row = EvidenceDocumentRow(vendor_id=vendor_id, sha256=d.sha256, name=d.name, kind=d.kind.value,
                              valid_until=d.valid_until, added_at=_stored_time(d.added_at), added_by=d.added_by,
                              position=position)
    s.add(row)
    s.flush()
    for c in d.citations:
        s.add(EvidenceCitationRow(document_id=row.id or 0, qid=c.question, evaluator=c.evaluator, page=c.page,
                                  quote=c.quote, cited_at=_stored_time(c.cited_at), cited_by=c.cited_by))
    return row


def counts(ws: Workspace, evaluation: str | int) -> tuple[int, int]:
    """(documents, citations) of an evaluation: what a plain JSON export leaves out."""
    found = load_evidence(ws, evaluation)
    return len(found.documents), len(found.citations)


def left_out_notice(ws: Workspace, evaluation: str | int) -> str:
    """What a plain JSON export says about the documents it does not carry ('' when none)."""
    documents, citations = counts(ws, evaluation)
    if not documents:
        return ""
    return (f"{plural(documents, 'document')} and {plural(citations, 'citation')} were left out of this JSON file; "
            "export to a .diligence file to include them")


@dataclass
class PreparedDocuments:
    """Documents of an exchange file whose bytes were copied into the workspace's incoming folder,
    proved to match their SHA-256, checked like any added file and read page by page; every
    citation's quote was found on its page. `commit_files` puts the bytes in place, `write` adds
    the rows inside the import's transaction, `discard` undoes the files after a failure."""

    folder: Path
    docs: list[DocumentDoc]
    formats: dict[str, str]
    pages: dict[str, tuple[str, ...]]
    staged: dict[str, store.StagedBlob]
    created: list[str] = field(default_factory=list)
    in_database: bool = False  # a team workspace: `write` stores the bytes with the rows

    def commit_files(self) -> None:
        if self.in_database:
            return
        for sha, staged in self.staged.items():
            if store.commit_blob(staged):
                self.created.append(sha)

    def write(self, s: Session, vendor_ids: dict[str, int], actor: str) -> None:
        positions: dict[str, int] = {}
        for d in self.docs:
            if s.get(EvidenceBlobRow, d.sha256) is None:
                pages = self.pages[d.sha256]
                s.add(EvidenceBlobRow(sha256=d.sha256, size=d.size, format=self.formats[d.sha256], pages=len(pages)))
                s.flush()
                if self.in_database:
                    store.keep_blob_bytes(s, d.sha256, self.staged[d.sha256].tmp)
                else:
                    _file_still_there(self.folder, d.sha256, d.size, d.name)
                s.execute(insert(EvidencePageRow), [
                    {"sha256": d.sha256, "number": i, "text": t} for i, t in enumerate(pages, start=1)])
                store.index_pages(s, d.sha256)
            position = positions[d.vendor] = positions.get(d.vendor, -1) + 1
            row = _write_document(s, vendor_ids[d.vendor], d, position)
            repo.audit(s, actor, "document imported", "evidence_document", row.id,
                       after={"vendor": d.vendor, "name": d.name, "sha256": d.sha256})

    def settle(self) -> None:
        """After the import committed: on a team workspace the staged copies become local copies."""
        if self.in_database:
            for staged in self.staged.values():
                with contextlib.suppress(OSError):
                    store.commit_blob(staged)

    def discard(self, ws: Workspace) -> None:
        for staged in self.staged.values():
            staged.discard()
        for sha in self.created:
            _drop_file_if_unreferenced(ws, sha)


def prepare_import(ws: Workspace, docs: list[DocumentDoc], copy: Callable[[str, IO[bytes]], object],
                   where: str, vendor_order: list[str], progress: Progress | None = None,
                   cancel: Cancel | None = None) -> PreparedDocuments:
    """Copy each document's bytes (`copy(sha256, fh)` proves they match) into the incoming folder
    and check them; InputError (naming `where` and the document) for anything wrong, with the
    copies removed."""
    from app.exchange.documents import DocumentError, ExtractionCancelled, extract

    folder = documents_folder(ws)
    prepared = PreparedDocuments(folder, docs, {}, {}, {}, in_database=_in_database(ws))
    try:
        unique = list(dict.fromkeys(d.sha256 for d in docs))
        for n, sha in enumerate(unique):
            first = next(d for d in docs if d.sha256 == sha)
            if progress is not None:
                progress(n / max(len(unique), 1), f"Checking {first.name}")
            if cancel is not None and cancel():
                raise AddCancelled()
            def fill(fh: IO[bytes], sha: str = sha) -> object:
                return copy(sha, fh)

            staged = prepared.staged[sha] = store.stage_stream(folder, fill)
            if staged.sha256 != sha:
                raise InputError(f"the bytes of {first.name} do not match its SHA-256; nothing was imported", where)
            try:
                got = extract(staged.tmp, first.name, cancel=cancel)
            except DocumentError as exc:
                raise InputError(str(exc).replace("nothing was stored", "nothing was imported"), where) from None
            except ExtractionCancelled:
                raise AddCancelled() from None
            prepared.formats[sha], prepared.pages[sha] = got.format, got.pages
        for d in docs:
            vi = vendor_order.index(d.vendor)
            di = [o.sha256 for o in docs if o.vendor == d.vendor].index(d.sha256)
            path = f"{where}: vendors[{vi}].documents[{di}]"
            size, fmt, pages = prepared.staged[d.sha256].size, prepared.formats[d.sha256], prepared.pages[d.sha256]
            if (d.size, d.format, d.pages) != (size, fmt, len(pages)):
                raise InputError(f"says {d.format.upper()}, {plural(d.pages, 'page')}, {plural(d.size, 'byte')}, but "
                                 f"its file is {fmt.upper()}, {plural(len(pages), 'page')}, {plural(size, 'byte')}; "
                                 "nothing was imported", path)
            for ci, c in enumerate(d.citations):
                if not quote_on_page(pages[c.page - 1], c.quote):
                    raise InputError(f"the quote {c.quote!r} is not on page {c.page} of {d.name}; nothing was "
                                     "imported", f"{path}.citations[{ci}].quote")
    except BaseException:
        prepared.discard(ws)
        raise
    return prepared


# ----- changing and removing ---------------------------------------------------------------------

_UNCHANGED = object()


def update_document(ws: Workspace, document: DocumentRef, kind: DocumentKind | str | None = None,
                    valid_until: date | None | object = _UNCHANGED, by: str | None = None) -> Document:
    """Change a document's kind or valid-until date (None clears the date)."""
    with ws.session() as s:
        doc = _document_by_id(s, _id(document))
        row = s.get(EvidenceDocumentRow, doc.id)
        assert row is not None
        before = {"kind": row.kind, "valid_until": row.valid_until.isoformat() if row.valid_until else None}
        if kind is not None:
            row.kind = _kind(kind).value
        if valid_until is not _UNCHANGED:
            row.valid_until = valid_until  # type: ignore[assignment]
        s.add(row)
        repo.audit(s, by or current_user(), "document changed", "evidence_document", row.id, before=before,
                   after={"kind": row.kind, "valid_until": row.valid_until.isoformat() if row.valid_until else None})
        return replace(doc, kind=_kind(row.kind), valid_until=row.valid_until)


@dataclass(frozen=True)
class RemovedDocument:
    """A document as it was removed, with its citations: what `restore_document` puts back."""

    vendor_id: int
    position: int
    document: DocumentDoc


def remove_document(ws: Workspace, document: DocumentRef, by: str | None = None,
                    keep_bytes: bool = False) -> RemovedDocument:
    """Detach a document from its vendor, with its citations. Its file (and its pages and their
    index) is deleted when nothing needs the same bytes any more (`evidence_cleanup.clean_up`:
    another vendor's document, a backup, another window's undo), unless `keep_bytes`: the app
    keeps them so that undo can bring the document back (`restore_document`), as it does for a
    removed vendor's documents, and deletes them when its undo history goes."""
    folder = documents_folder(ws)
    in_db = _in_database(ws)
    with ws.session() as s:
        doc = _document_by_id(s, _id(document))
        row = s.get(EvidenceDocumentRow, doc.id)
        assert row is not None
        vendor = s.get(VendorRow, row.vendor_id)
        ev = s.get(EvaluationRow, vendor.evaluation_id) if vendor is not None else None
        assert ev is not None
        removed = RemovedDocument(row.vendor_id, row.position, next(
            d for d in vendor_documents(s, ev, doc.vendor) if d.sha256 == doc.sha256))
        s.delete(row)
        s.flush()
        repo.audit(s, by or current_user(), "document removed", "evidence_document", doc.id,
                   before={"vendor": doc.vendor, "name": doc.name, "sha256": doc.sha256})
        gone = store.sweep_unreferenced(s, folder, [doc.sha256]) if in_db and not keep_bytes else []
    store.remove_blob_files(folder, gone)
    if not keep_bytes and not in_db:
        from app.services.evidence_cleanup import clean_up

        clean_up(ws, only=[doc.sha256])
    return removed


def restore_document(ws: Workspace, removed: RemovedDocument, by: str | None = None) -> Document:
    """Put a removed document back in its place with its citations (names and times kept): the
    undo of removing it in the app, whose bytes stayed. Refused when they are gone meanwhile or
    the vendor has the same file again."""
    d = removed.document
    with ws.session() as s:
        if s.get(VendorRow, removed.vendor_id) is None:
            raise NotFound(f"{d.vendor} is no longer in the evaluation, so {d.name} cannot come back")
        if s.get(EvidenceBlobRow, d.sha256) is None:
            raise NotFound(f"the file of {d.name} is no longer in the workspace")
        if s.exec(select(EvidenceDocumentRow.id).where(EvidenceDocumentRow.vendor_id == removed.vendor_id,
                                                       EvidenceDocumentRow.sha256 == d.sha256)).first():
            raise InputError(f"{d.vendor} has the same file among its documents again")
        row = _write_document(s, removed.vendor_id, d, removed.position)
        assert row.id is not None
        repo.audit(s, by or current_user(), "document restored", "evidence_document", row.id,
                   after={"vendor": d.vendor, "name": d.name, "sha256": d.sha256})
        return _document_by_id(s, row.id)


def remove_citation(ws: Workspace, citation: Citation | int, by: str | None = None) -> None:
    cid = citation.id if isinstance(citation, Citation) else int(citation)
    with ws.session() as s:
        row = s.get(EvidenceCitationRow, cid)
        if row is None:
            raise NotFound(f"there is no citation {cid} (it was removed)")
        s.delete(row)
        repo.audit(s, by or current_user(), "citation removed", "evidence_citation", cid,
                   before={"question": row.qid, "page": row.page, "quote": row.quote})


__all__ = [
    "SHA_PREFIX", "AddCancelled", "add_document", "citations_for", "cite", "document_file", "documents_folder",
    "evidence_in", "find_document", "get_document", "list_documents", "load_evidence", "page_text", "pages",
    "RemovedDocument", "remove_citation", "remove_document", "restore_document", "search", "update_document",
]
