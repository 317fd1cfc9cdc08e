"""Vendors' documents: recognise the format by content, refuse hostile files, extract text page by page.

Everything here reads bytes and returns text; nothing is executed or interpreted. A document's
text is data: it is never evaluated, rendered as markup or followed (links, macros, embedded
objects, external references are ignored). Limits and refusals are listed in docs/formats.md.

Pages: a PDF's pages, a PPTX's slides, an XLSX's sheets, a DOCX's pages as separated by explicit
page breaks (one page when it has none), a TXT/MD file's form-feed separated pages (one when it
has none); an image is one page without text.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.domain.evidence import FORMATS, MAX_DOCUMENT_BYTES
from app.exchange.spreadsheet_safety import _normalise_part as normalise_part

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]

MAX_PAGES = 10_000
MAX_PAGE_CHARS = 1_000_000  # text kept per page; the rest of an absurd page is not indexed
MAX_ZIP_PARTS = 5_000
MAX_INFLATED_BYTES = 500 * 1024 * 1024  # all parts of an Office file together, once inflated
MAX_PART_RATIO = 100  # inflated / compressed, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024


class DocumentError(ValueError):
    """A file refused or unreadable; the message names the file and says why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}; nothing was stored")


class ExtractionCancelled(Exception):
    """The person cancelled while the text was being read; nothing was stored."""


@dataclass(frozen=True)
class Extracted:
    format: str  # a key of app.domain.evidence.FORMATS
    pages: tuple[str, ...]


_OFFICE = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_MACRO_EXTENSIONS = {".docm", ".xlsm", ".pptm", ".dotm", ".xltm", ".potm", ".ppsm", ".xlsb", ".xlam", ".ppam"}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PDFIUM = threading.Lock()  # pdfium is not thread-safe


def format_for_name(name: str) -> str | None:
    suffix = PurePosixPath(name.lower()).suffix
    return next((fmt for fmt, exts in FORMATS.items() if suffix in exts), None)


def allowed_extensions() -> str:
    return ", ".join(ext for exts in FORMATS.values() for ext in exts)


def sniff(head: bytes, names: set[str] | None = None) -> str | None:
    """The format the bytes really have (None when not one we take). `names`: the zip's members."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK"):
        for fmt, part in _OFFICE.items():
            if names is not None and part in names:
                return fmt
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def check_size(name: str, size: int) -> None:
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(name, f"the file is {size / (1024 * 1024):,.0f} MB; documents over "
                                  f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB are refused")
    if size == 0:
        raise DocumentError(name, "the file is empty")


def extract(path: Path, name: str | None = None, progress: Progress | None = None,
            cancel: Cancel | None = None) -> Extracted:
    """Check `path` and read its text page by page; DocumentError when refused.

    `name` is the file name the person chose (its extension must match the content); progress
    gets (fraction, message) now and then; cancel() returning True stops with ExtractionCancelled.
    """
    name = name or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror or exc})") from None
    check_size(name, size)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in _MACRO_EXTENSIONS:
        raise DocumentError(name, f"{suffix} files can hold macros; save it without macros "
                                  "(as .docx, .xlsx or .pptx) or as PDF")
    claimed = format_for_name(name)
    if claimed is None:
        raise DocumentError(name, f"{suffix or 'a file without an extension'} is not a document "
                                  f"type Diligence keeps (it takes {allowed_extensions()})")
    names: set[str] | None = None
    if head.startswith(b"PK"):
        names = _zip_names(path, name)
    actual = sniff(head, names)
    if actual == "ole":
        raise DocumentError(name, "this is an old binary Office file or a password-protected one; "
                                  "remove the password and save it as .docx, .xlsx, .pptx or PDF")
    if actual == "zip":
        raise DocumentError(name, "this zip file is not a Word, Excel or PowerPoint document")
    if actual == "text" and claimed in ("txt", "md"):
        actual = claimed
    if actual != claimed:
        raise DocumentError(name, f"the name says {claimed.upper()} but the content is "
                                  f"{_describe(actual)}; rename it or save it in the right format")
    _tick(progress, cancel, 0.0, "Reading")
    pages: list[str]
    if actual == "pdf":
        pages = _pdf_pages(path, name, progress, cancel)
    elif actual in ("docx", "xlsx", "pptx"):
        pages = _office_pages(path, name, actual, progress, cancel)
    elif actual in ("png", "jpeg"):
        pages = [""]
    else:
        pages = _text_pages(path, name)
    _tick(progress, cancel, 1.0, "Read")
    return Extracted(actual, tuple(_clean(p)[:MAX_PAGE_CHARS] for p in pages))


def _describe(fmt: str | None) -> str:
    return {"text": "plain text (or an unknown binary format)", "jpeg": "a JPEG image", "png": "a PNG image",
            "pdf": "a PDF", "docx": "a Word document", "xlsx": "an Excel workbook",
            "pptx": "a PowerPoint presentation"}.get(fmt or "", "something else")


def _tick(progress: Progress | None, cancel: Cancel | None, fraction: float, message: str) -> None:
    if cancel is not None and cancel():
        raise ExtractionCancelled()
    if progress is not None:
        progress(fraction, message)


# ----- PDF -----------------------------------------------------------------------------------


def _pdf_pages(path: Path, name: str, progress: Progress | None, cancel: Cancel | None) -> list[str]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text:
                raise DocumentError(name, "the PDF is encrypted (password-protected); "
                                          "save a copy without a password") from None
            raise DocumentError(name, "the PDF is damaged and cannot be read (cut short, or not really a PDF); "
                                      "save or download it again") from None
        try:
            if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
                raise DocumentError(name, "the PDF is encrypted (even without an open password, "
                                          "its content is scrambled); save a copy without encryption")
            count = len(pdf)
            if count == 0:
                raise DocumentError(name, "the PDF has no pages (it is damaged)")
            if count > MAX_PAGES:
                raise DocumentError(name, f"the PDF has {count:,} pages; more than {MAX_PAGES:,} are refused")
            pages: list[str] = []
            step = max(1, count // 50)
            for i in range(count):
                if i % step == 0:
                    _tick(progress, cancel, i / count, f"Reading page {i + 1} of {count}")
                page = pdf[i]
                try:
                    textpage = page.get_textpage()
                    try:
                        pages.append(_clean(textpage.get_text_range()))
                    finally:
                        textpage.close()
                finally:
                    page.close()
            return pages
        except pdfium.PdfiumError:
            raise DocumentError(name, "the PDF is damaged: a page cannot be read; save or download it again") from None
        finally:
            pdf.close()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Line ends made \\n, control characters (never shown, never meant) dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ----- text ----------------------------------------------------------------------------------


def _text_pages(path: Path, name: str) -> list[str]:
    data = path.read_bytes()
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(name, "the file is not text (it holds binary data)")
    text: str | None = None
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        text = data.decode("cp1252", errors="replace")
    pages = [_clean(p) for p in text.split("\f")]
    if len(pages) > MAX_PAGES:
        raise DocumentError(name, f"the file has {len(pages):,} pages; more than {MAX_PAGES:,} are refused")
    return pages


# ----- Office (their XML, read with entities forbidden) ---------------------------------------


def _zip_names(path: Path, name: str) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError(name, f"the file is damaged (not a readable zip package: {exc})") from None


def _check_zip(zf: zipfile.ZipFile, name: str) -> None:
    """Zip bombs, encryption, DTDs and macros are refused before any XML is parsed."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_PARTS:
        raise DocumentError(name, f"the file has {len(infos):,} parts; more than {MAX_ZIP_PARTS:,} are "
                                  "refused as suspicious")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentError(name, "the file is encrypted; remove the password and save it again")
        lowered = info.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith(".bin") and "vba" in lowered:
            raise DocumentError(name, "the file holds macros (a VBA project); save it without macros "
                                      "or as PDF. Macros are never run")
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1):
            raise DocumentError(name, f"part {info.filename} inflates from {info.compress_size:,} to "
                                      f"{info.file_size:,} bytes (more than {MAX_PART_RATIO}×); refused as "
                                      "a likely zip bomb")
    if total > MAX_INFLATED_BYTES:
        raise DocumentError(name, f"the file inflates to {total // (1024 * 1024):,} MB; more than "
                                  f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB is refused as a likely zip bomb")
    # No XML part may declare a DTD (how entity-expansion attacks start; Office never writes one).
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _DTD.search(zf.read(info)):
            raise DocumentError(name, f"part {info.filename} declares an XML DTD or entities; refused "
                                      "(Office never writes one)")
    content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else b""
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise DocumentError(name, "the file is macro-enabled; save it without macros or as PDF. "
                                  "Macros are never run")


def _xml(zf: zipfile.ZipFile, part: str, name: str) -> object:
    from defusedxml import ElementTree as SafeET

    data = zf.read(part)
    if _DTD.search(data):
        raise DocumentError(name, f"part {part} declares an XML DTD or entities; refused "
                                  "(Office never writes one)")
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # noqa: BLE001 - any XML failure means a damaged file
        raise DocumentError(name, f"part {part} is damaged ({type(exc).__name__})") from None


def _office_pages(path: Path, name: str, fmt: str, progress: Progress | None,
                  cancel: Cancel | None) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            _check_zip(zf, name)
            if fmt == "docx":
                return _docx_pages(zf, name)
            if fmt == "pptx":
                return _pptx_pages(zf, name, progress, cancel)
            return _xlsx_pages(path, name, progress, cancel)
    except DocumentError:
        raise
    except ExtractionCancelled:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError,
            RuntimeError, NotImplementedError, ValueError) as exc:
        raise DocumentError(name, f"the file is damaged ({exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _docx_pages(zf: zipfile.ZipFile, name: str) -> list[str]:
    root = _xml(zf, "word/document.xml", name)
    pages: list[list[str]] = [[]]
    line: list[str] = []

    def end_line() -> None:
        pages[-1].append("".join(line))
        line.clear()

    for el in root.iter():  # type: ignore[attr-defined]
        tag = _local(el.tag)
        if tag == "t" and el.text:
            line.append(el.text)
        elif tag == "tab":
            line.append("\t")
        elif tag in ("br", "cr"):
            if tag == "br" and el.get(f"{{{_W}}}type") == "page":
                end_line()
                pages.append([])
            else:
                end_line()
        elif tag == "p":
            if line or pages[-1]:
                end_line()
        elif tag == "pageBreakBefore" and el.get(f"{{{_W}}}val", "true") not in ("0", "false"):
            if pages[-1] or line:
                end_line()
                pages.append([])
    end_line()
    texts = ["\n".join(p).strip("\n") for p in pages]
    if len(texts) > MAX_PAGES:
        raise DocumentError(name, f"the document has {len(texts):,} pages; more than {MAX_PAGES:,} are refused")
    return texts


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rels(zf: zipfile.ZipFile, part: str, name: str) -> dict[str, str]:
    folder = PurePosixPath(part).parent
    rels = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
    if rels not in zf.namelist():
        return {}
    out: dict[str, str] = {}
    for rel in _xml(zf, rels, name).iter():  # type: ignore[attr-defined]
        rid, target, mode = rel.get("Id"), rel.get("Target"), rel.get("TargetMode")
        if rid and target and mode != "External":
            joined = target.lstrip("/") if target.startswith("/") else str(folder / target)
            out[rid] = normalise_part(joined)
    return out


def _paragraph_text(root: object) -> str:
    lines: list[str] = []
    line: list[str] = []
    for el in root.iter():  # type: ignore[attr-defined]
        tag = _local(el.tag)
        if tag == "t" and el.text:
            line.append(el.text)
        elif tag == "br":
            lines.append("".join(line))
            line = []
        elif tag == "p" and line:
            lines.append("".join(line))
            line = []
    if line:
        lines.append("".join(line))
    return "\n".join(lines)


def _pptx_pages(zf: zipfile.ZipFile, name: str, progress: Progress | None, cancel: Cancel | None) -> list[str]:
    pres = _xml(zf, "ppt/presentation.xml", name)
    rels = _rels(zf, "ppt/presentation.xml", name)
    slides = [rels.get(el.get(f"{{{_R}}}id") or "", "") for el in pres.iter()  # type: ignore[attr-defined]
              if _local(el.tag) == "sldId"]
    if len(slides) > MAX_PAGES:
        raise DocumentError(name, f"the presentation has {len(slides):,} slides; more than {MAX_PAGES:,} are refused")
    pages: list[str] = []
    names = set(zf.namelist())
    for i, part in enumerate(slides):
        _tick(progress, cancel, i / max(len(slides), 1), f"Reading slide {i + 1} of {len(slides)}")
        pages.append(_paragraph_text(_xml(zf, part, name)) if part in names else "")
    return pages or [""]


def _xlsx_pages(path: Path, name: str, progress: Progress | None, cancel: Cancel | None) -> list[str]:
    """One page per sheet: its rows, cells joined by tabs (values, never formulas)."""
    from app.exchange.spreadsheet_safety import SpreadsheetError, check_xlsx

    try:
        info = check_xlsx(path)
    except SpreadsheetError as exc:
        raise DocumentError(name, exc.detail) from None
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        pages: list[str] = []
        for i, sheet in enumerate(info.sheets):
            _tick(progress, cancel, i / len(info.sheets), f"Reading sheet {i + 1} of {len(info.sheets)}")
            rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=True)
            pages.append("\n".join(_row_text(r) for r in rows if any(v not in ("", None) for v in r)))
        return pages
    except ExtractionCancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for damaged files
        raise DocumentError(name, f"the workbook is damaged ({type(exc).__name__}: {exc})") from None


def _row_text(row: Sequence[object]) -> str:
    return "\t".join(_cell(v) for v in row).rstrip("\t")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def iter_chunks(path: Path, size: int = 1024 * 1024) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(size):
            yield chunk
