"""The `.diligence` bundle: one zip holding an evaluation's exchange JSON and its documents.

Layout (docs/formats.md, "Bundle"):

    manifest.json        {"format": "diligence-bundle", "version": 1,
                          "evaluation": "evaluation.json",
                          "documents": [{"sha256": "<hex>", "size": 123}]}
    evaluation.json      the exchange file, with each vendor's `documents`
    documents/<sha256>   each document's bytes, once, named by their SHA-256

Writing is deterministic (fixed member times, sorted members): exporting the same evaluation
twice gives the same bytes. Reading trusts nothing: member names, counts and sizes are checked
before anything is inflated, and every document is hashed while it is copied out; a document
whose bytes do not match its name is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.domain.evidence import MAX_DOCUMENT_BYTES

FORMAT = "diligence-bundle"
VERSION = 1
MANIFEST = "manifest.json"
EVALUATION = "evaluation.json"
MAX_JSON_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 10_002
MAX_TOTAL_BYTES = 20 * 1024 * 1024 * 1024
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_MEMBER = re.compile(r"documents/([0-9a-f]{64})")


class BundleError(ValueError):
    """A bundle that cannot be read; `where` names the bundle (and the member)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}")


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def is_bundle(path: Path) -> bool:
    """Whether `path` is a regular file that looks like a bundle (by name, or a zip holding a
    bundle manifest). A pipe or device is never opened here (it could wait forever)."""
    if not _regular(path):
        return False
    if path.suffix.lower() == ".diligence":
        return True
    if not path.is_file():
        return False  # a folder, a device or a pipe: opening a FIFO would wait for a writer
    try:
        with path.open("rb") as fh:
            if fh.read(2) != b"PK":
                return False
        with zipfile.ZipFile(path) as zf:
            return MANIFEST in zf.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def write_bundle(out: IO[bytes], evaluation_json: str, blobs: dict[str, Path]) -> None:
    """Write the bundle to an open binary file: manifest, the JSON, then each blob by digest."""
    manifest = {"format": FORMAT, "version": VERSION, "evaluation": EVALUATION,
                "documents": [{"sha256": sha, "size": blobs[sha].stat().st_size} for sha in sorted(blobs)]}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(_info(MANIFEST), json.dumps(manifest, indent=2) + "\n")
        zf.writestr(_info(EVALUATION), evaluation_json)
        for sha in sorted(blobs):
            info = _info(f"documents/{sha}")
            with blobs[sha].open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(1024 * 1024):
                    dst.write(chunk)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


@dataclass
class Bundle:
    """An opened, checked bundle: its exchange JSON and the digests of the documents it holds."""

    path: Path
    evaluation_json: bytes
    sizes: dict[str, int]  # sha256 → declared size

    def copy_document(self, sha256: str, dest: IO[bytes], cancel: Callable[[], bool] | None = None) -> int:
        """Copy a document's bytes into `dest`, proving they hash to `sha256`; the size copied."""
        where = f"{self.path.name}: documents/{sha256}"
        if sha256 not in self.sizes:
            raise BundleError(self.path.name, f"the document {sha256[:12]}… listed in {EVALUATION} is not in the bundle")
        digest = hashlib.sha256()
        size = 0
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open(f"documents/{sha256}") as src:
                while chunk := src.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    if size > MAX_DOCUMENT_BYTES:
                        raise BundleError(where, "the document is larger than 200 MB")
                    dest.write(chunk)
                    if cancel is not None and cancel():
                        raise InterruptedError("cancelled")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BundleError(where, f"the bundle is damaged ({exc}); nothing was imported") from None
        if digest.hexdigest() != sha256:
            raise BundleError(where, "its bytes do not match its SHA-256: the bundle was changed or damaged "
                                     "after it was exported; nothing was imported")
        return size


def open_bundle(path: Path) -> Bundle:
    """Check a bundle's structure and read its JSON; BundleError says what is wrong."""
    name = path.name
    if not _regular(path):
        raise BundleError(name, "this is not a regular file (a folder, device, pipe or socket, or it does not exist)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BundleError(name, f"the bundle has {len(infos):,} members; more than {MAX_MEMBERS:,} are refused")
            members = {i.filename: i for i in infos}
            if MANIFEST not in members or EVALUATION not in members:
                raise BundleError(name, "this is not a Diligence bundle (no manifest.json and evaluation.json); "
                                        "export one with: diligence export EVALUATION FILE.diligence")
            total = 0
            sizes: dict[str, int] = {}
            for info in infos:
                if info.flag_bits & 0x1:
                    raise BundleError(name, f"{info.filename} is encrypted; bundles are never encrypted")
                total += info.file_size
                match = _MEMBER.fullmatch(info.filename)
                if match:
                    if info.file_size > MAX_DOCUMENT_BYTES:
                        raise BundleError(f"{name}: {info.filename}", "the document is larger than 200 MB")
                    sizes[match.group(1)] = info.file_size
                elif info.filename not in (MANIFEST, EVALUATION):
                    raise BundleError(name, f"unexpected member {info.filename!r}; a bundle holds only "
                                            "manifest.json, evaluation.json and documents/<sha256>")
            if total > MAX_TOTAL_BYTES:
                raise BundleError(name, "the bundle inflates to more than 20 GB; refused")
            for member in (MANIFEST, EVALUATION):
                if members[member].file_size > MAX_JSON_BYTES:
                    raise BundleError(f"{name}: {member}", "larger than 50 MB, the limit")
            manifest = _json(zf.read(MANIFEST), f"{name}: {MANIFEST}")
            data = zf.read(EVALUATION)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError, ValueError,
            NotImplementedError) as exc:
        raise BundleError(name, f"this is not a readable bundle (damaged zip: {exc})") from None
    _check_manifest(manifest, name, sizes)
    return Bundle(path, data, sizes)


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(where, f"not valid JSON ({exc})") from None


def _check_manifest(manifest: Any, name: str, sizes: dict[str, int]) -> None:
    where = f"{name}: {MANIFEST}"
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(where, f"expected format {FORMAT!r}; this is not a Diligence bundle")
    version = manifest.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise BundleError(where, f"version {version} was written by a newer version of Diligence")
        raise BundleError(where, f"expected version {VERSION}")
    listed = manifest.get("documents")
    if not isinstance(listed, list) or not all(isinstance(d, dict) for d in listed):
        raise BundleError(where, "documents: expected a list of {sha256, size}")
    declared = {str(d.get("sha256")): d.get("size") for d in listed}
    if set(declared) != set(sizes):
        missing = sorted(set(declared) - set(sizes))
        extra = sorted(set(sizes) - set(declared))
        detail = (f"documents/{missing[0]} is listed but missing" if missing
                  else f"documents/{extra[0]} is in the bundle but not listed")
        raise BundleError(name, f"{detail}; the bundle was changed after it was exported; nothing was imported")
    for sha, size in declared.items():
        if size != sizes[sha]:
            raise BundleError(f"{name}: documents/{sha}", f"holds {sizes[sha]:,} bytes but the manifest says "
                                                          f"{size}; the bundle was changed; nothing was imported")
