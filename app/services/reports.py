"""Export the PDF reports: the executive comparison of an evaluation and the monthly review of an engagement.

Both gather the data in one read, lay the document out in memory and then write it beside the
target and rename it into place, so a failure or a cancel never leaves a partial file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from app.services import knowledge, reading
from app.services.errors import InputError
from app.services.files import write_atomically
from app.store.workspace import Workspace

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


class ExportCancelled(Exception):
    """The person cancelled the export; nothing was written."""


def _say(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def check_target(out: Path) -> Path:
    """Refuse early a path we cannot write, before any work is done."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InputError("is a folder; give a file name ending in .pdf", str(out))
    if not folder.is_dir():
        raise InputError(f"the folder {str(folder)!r} does not exist", str(out))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write in the folder {str(folder)!r} (permission denied)", str(out))
    if out.exists() and not os.access(out, os.W_OK):
        raise InputError("the file exists and cannot be replaced (permission denied)", str(out))
    return out


def _write(out: Path, build: Callable[[io.BytesIO], None]) -> None:
    """Build the PDF in memory, then write it to a temporary file beside `out` and rename it."""
    buffer = io.BytesIO()
    try:
        build(buffer)
    except Exception as exc:
        from app.report.common import Cancelled

        if isinstance(exc, Cancelled):
            raise ExportCancelled() from None
        raise
    write_atomically(out, buffer.getvalue())


def evaluation_as_of(ws: Workspace, ref: str | int) -> date:
    """The day of the latest change to an evaluation (answers, submissions, acknowledgements,
    reference checks).

    The report prints this date and stamps it as the PDF's creation date, so the same
    workspace state always gives the same bytes.
    """
    return max(local_day(x) for x in reading.last_changes(ws, ref))


def local_day(stamp: datetime) -> date:
    """The reader's calendar day of a stored moment (stored in UTC; naive means UTC)."""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone().date()


def evaluation_report(
    ws: Workspace,
    ref: str | int,
    out: Path,
    summary: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the executive comparison PDF of an evaluation (`summary`: page 1, the decision, alone)."""
    out = check_target(Path(out))
    _say(progress, 0.02, "Scoring")
    results = reading.score(ws, ref)
    as_of = evaluation_as_of(ws, ref)
    if cancel is not None and cancel():
        raise ExportCancelled()
    _say(progress, 0.25, "Laying out pages")
    from app.report.startup import defer_uri_pattern

    defer_uri_pattern()  # before ReportLab first loads (docs/performance.md)
    from app.report.evaluation_pdf import EvaluationReport, build_evaluation_pdf

    data = EvaluationReport(results, as_of, knowledge.synonyms())
    _write(out, lambda buf: build_evaluation_pdf(data, buf, summary=summary, progress=progress, cancel=cancel))
    _say(progress, 1.0, "Done")


def review_report(
    ws: Workspace,
    ref: str | int,
    out: Path,
    month: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the one-page monthly review PDF of an engagement (the latest review unless `month` says)."""
    out = check_target(Path(out))
    _say(progress, 0.05, "Reading the engagement")
    from app.services import engagements

    snap = engagements.load(ws, ref)
    months = sorted(r.month for r in snap.reviews)
    if not months:
        raise InputError(f"engagement {snap.name!r} has no monthly review yet")
    if month is None:
        month = months[-1]
    month = month.strip()
    if month not in months:
        raise InputError(f"engagement {snap.name!r} has no review for {month!r}; reviews: {', '.join(months)}")
    # Everything as of the end of the reviewed month, so an old month's page reads as it did then.
    o = engagements.oversight(ws, ref, month=month)
    current = next(r for r in o.engagement.reviews if r.month == month)
    if cancel is not None and cancel():
        raise ExportCancelled()
    _say(progress, 0.3, "Laying out the page")
    from app.report.startup import defer_uri_pattern

    defer_uri_pattern()
    from app.report.review_pdf import ReviewReport, build_review_pdf

    data = ReviewReport(
        engagement=snap.name,
        vendor=snap.vendor,
        use_case=snap.use_case_title,
        kickoff=snap.kickoff,
        month=month,
        tracks=o.tracks,
        review=current,
        flags=o.flags,
        timeline=o.timeline,
        milestones=o.milestones,
        situation=o.situation,
        promises=o.engagement.promises,
    )
    _write(out, lambda buf: build_review_pdf(data, buf, progress=progress, cancel=cancel))
    _say(progress, 1.0, "Done")
