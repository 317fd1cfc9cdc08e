"""`.diligence` bundles: an evaluation with its vendors' documents, out and in, losslessly.

Export writes the exchange JSON (with each vendor's documents and citations) and the documents'
bytes into one zip, beside the target, renamed into place. Import checks everything before it
stores anything: the bundle's structure, the JSON, each document's bytes against its SHA-256,
each document like a file being added, and each citation's quote on its page; then the files
are put in place and the rows written in one transaction. A tampered bundle is refused with
the member named, and nothing is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.exchange.bundle import Bundle, BundleError, open_bundle, write_bundle
from app.exchange.evaluation_json import EvaluationDocument, ExchangeError, dumps, load_bytes
from app.services import evidence, transfer
from app.services.errors import InputError
from app.store import evidence as store
from app.store.workspace import Workspace

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class BundleExport:
    documents: int
    citations: int
    unsubmitted: list[str]  # evaluators with answers who have not submitted (transfer.unsubmitted_notice)


def export_bundle(ws: Workspace, evaluation: str | int, path: Path) -> BundleExport:
    """Write the evaluation and its documents to `path` (a .diligence zip)."""
    doc = transfer.export_document(ws, evaluation, with_documents=True)
    folder = evidence.documents_folder(ws)
    blobs: dict[str, Path] = {}
    with ws.session() as s:  # a team workspace's bytes are copied out of its database
        for d in doc.documents:
            try:
                blob = store.blob_file(s, folder, d.sha256)
            except FileNotFoundError:
                blob = store.blob_path(folder, d.sha256)
            if not blob.is_file():
                raise InputError(f"the file of {d.vendor}'s document {d.name} ({d.sha256[:12]}) is missing from the "
                                 f"workspace's documents folder ({folder}); nothing was written", str(path))
            blobs[d.sha256] = blob
    text = dumps(doc)
    transfer.write_atomically_with(Path(path), lambda fh: write_bundle(fh, text, blobs))
    return BundleExport(len(doc.documents), sum(len(d.citations) for d in doc.documents), transfer.unsubmitted(doc))


def read_bundle(path: Path) -> tuple[Bundle, EvaluationDocument]:
    """Open a bundle and validate its exchange JSON (the documents' bytes are checked on import)."""
    path = Path(path)
    try:
        bundle = open_bundle(path)
    except BundleError as exc:
        raise InputError(exc.detail, exc.where) from None
    try:
        doc = load_bytes(bundle.evaluation_json)
    except ExchangeError as exc:
        raise InputError(exc.detail, f"{path}: evaluation.json" + (f": {exc.path}" if exc.path else "")) from None
    for d in doc.documents:
        if d.sha256 not in bundle.sizes:
            raise InputError(f"{d.vendor}'s document {d.name} ({d.sha256[:12]}) is listed but its file is not in "
                             "the bundle; nothing was imported", str(path))
    return bundle, doc


def import_bundle(ws: Workspace, path: Path, actor: str | None = None, progress: Progress | None = None,
                  cancel: Cancel | None = None, read: tuple[Bundle, EvaluationDocument] | None = None,
                  ) -> transfer.ImportSummary:
    """Import a bundle: all of it, or (on any problem) nothing."""
    path = Path(path)
    bundle, doc = read or read_bundle(path)

    def copy(sha: str, fh: IO[bytes]) -> object:
        try:
            return bundle.copy_document(sha, fh, cancel)
        except BundleError as exc:
            raise InputError(exc.detail, exc.where) from None

    prepared = evidence.prepare_import(ws, doc.documents, copy, str(path), [v.name for v in doc.vendors],
                                       progress, cancel)
    try:
        prepared.commit_files()
        summary = transfer.import_document(ws, doc, str(path), actor, documents=prepared)
    except BaseException:
        prepared.discard(ws)
        raise
    prepared.settle()
    return summary
