"""Atomic file writes: a crash or Ctrl-C leaves either the old file or the new one.

Each write goes to a temporary file in the destination's directory (same file
system, so ``os.replace`` is an atomic rename), is flushed to disk, and only
then replaces the destination.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it atomically becomes ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline="" if "b" not in mode else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _keep_mode(path, tmp_name)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _keep_mode(path: Path, tmp_name: str) -> None:
    """Give the new file the old one's permissions (mkstemp creates 0600 files)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as f:
        f.write(data)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (no newline translation)."""
    atomic_write_bytes(path, text.encode(encoding))


def write_if_changed(path: Path, text: str, encoding: str = "utf-8") -> bool:
    """Atomically write ``text`` unless ``path`` already holds exactly it; return True if written.

    Re-runs on unchanged input must leave files (and their mtimes) alone, so
    that editors, ``make`` and version control see no spurious change.
    """
    data = text.encode(encoding)
    with contextlib.suppress(FileNotFoundError):
        if Path(path).read_bytes() == data:
            return False
    atomic_write_bytes(path, data)
    return True


def write_chunks_if_changed(path: Path, chunks: Iterable[str], encoding: str = "utf-8") -> bool:
    """Like :func:`write_if_changed` for text produced piece by piece (e.g. a Jinja
    ``generate``): the pieces go straight to a temporary file, so the whole text is never
    in memory; it replaces ``path`` only if the bytes differ. True if written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        if path.is_file() and filecmp.cmp(tmp_name, path, shallow=False):
            os.unlink(tmp_name)
            return False
        _keep_mode(path, tmp_name)
        os.replace(tmp_name, path)
        return True
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
