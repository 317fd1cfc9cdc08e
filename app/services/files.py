"""Writing a file a person asked for, all or nothing (no SQLAlchemy: the report path imports it)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

from app.services.errors import InputError


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file (see
    write_atomically_with)."""
    write_atomically_with(path, lambda fh: fh.write(data))


def write_atomically_with(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """`fill(fh)` writes to a temporary file beside `path`, which is then renamed: never a
    half-written file.

    A symbolic link is followed (the file it points at is replaced, the link stays); a device
    or pipe (/dev/stdout) is written through, never replaced; a folder, and any SQLite
    database (a workspace or one of its backups), are refused.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise InputError("this is a folder; give a file name", str(path))
        try:
            with open(path, "wb") as device:
                fill(device)
        except OSError as exc:
            raise InputError(f"cannot write there ({exc.strerror})", str(path)) from None
        return
    if _is_database(path):
        raise InputError("this is a database (a workspace or a backup); it was not overwritten", str(path))
    folder = path.parent if str(path.parent) else Path(".")
    tmp = str(folder / f".{path.name}.{secrets.token_hex(6)}.part")
    try:
        # Created like any new file (0666 less the umask), unlike mkstemp's private 0600.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InputError(f"cannot write there ({exc.strerror})", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write the file ({exc.strerror})", str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
