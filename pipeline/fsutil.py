"""Atomic file writes: a crash or Ctrl-C leaves either the old file or the new one.

Each write goes to a temporary file in the destination's directory (same file
system, so ``os.replace`` is an atomic rename), is flushed to disk, and only
then replaces the destination. A write that fails for a reason the user can
act on (disk full, read-only or immutable file, permissions) is one
:class:`~pipeline.errors.UserError` naming the file; the old file stays as it was.

Generated files that a run can always make again and that the next run checks
(published pages: the build state compares their size and time) are written
with ``durable=False``: still atomic against a crash, a kill or Ctrl-C (the
rename), but not forced to disk first, which costs a ``fsync`` per file (a third
of a cold run's time on a slow disk). After a power cut such a file may be
empty; the next run sees that it is not as it left it and writes it again. A
person's work (PO files), caches and memories are always flushed to disk.

A process killed with SIGKILL cannot delete its temporary file; such leftovers
(``.<name>.<random>.tmp``) are removed by :func:`sweep_temporaries`, which a run
calls when it finds that the previous one did not finish.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pipeline.errors import UserError


@contextlib.contextmanager
def atomic_open(
    path: Path, mode: str = "wb", encoding: str | None = None, *, durable: bool = True
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it atomically becomes ``path``."""
    path = Path(path)
    with _temporary_beside(path, mode, encoding) as (f, tmp_name):
        yield f
        _commit(f, tmp_name, path, durable)


@contextlib.contextmanager
def _temporary_beside(path: Path, mode: str, encoding: str | None) -> Iterator[tuple[IO, str]]:
    """A temporary file in ``path``'s directory (same file system: ``os.replace`` is atomic).

    The block either moves it into place with :func:`_commit` or leaves it to be
    deleted, as it is when the block fails.
    """
    tmp_name = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, mode, encoding=encoding, newline="" if "b" not in mode else None) as f:
            yield f, tmp_name
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UserError(f"cannot write {path}: {reason}; it was left as it was") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def _commit(f: IO, tmp_name: str, path: Path, durable: bool = True) -> None:
    """Flush the temporary file (to disk when ``durable``), close it, rename it to ``path``."""
    f.flush()
    if durable:
        os.fsync(f.fileno())
    f.close()
    _keep_mode(path, tmp_name)
    os.replace(tmp_name, path)


def _keep_mode(path: Path, tmp_name: str) -> None:
    """Give the new file the old one's permissions (mkstemp creates 0600 files)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb", durable=durable) as f:
        f.write(data)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (no newline translation)."""
    atomic_write_bytes(path, text.encode(encoding))


def write_if_changed(
    path: Path, content: str | bytes, encoding: str = "utf-8", *, durable: bool = True
) -> bool:
    """Atomically write ``content`` (text or bytes) unless ``path`` already holds exactly it;
    return True if written.

    Re-runs on unchanged input must leave files (and their mtimes) alone, so
    that editors, ``make`` and version control see no spurious change.
    """
    data = content.encode(encoding) if isinstance(content, str) else content
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        if Path(path).read_bytes() == data:
            return False
    atomic_write_bytes(path, data, durable=durable)
    return True


def write_chunks_if_changed(
    path: Path, chunks: Iterable[str], encoding: str = "utf-8", *, durable: bool = True
) -> bool:
    """Like :func:`write_if_changed` for text produced piece by piece (e.g. a Jinja
    ``generate``): the pieces go straight to a temporary file, so the whole text is never
    in memory; it replaces ``path`` only if the bytes differ. True if written."""
    path = Path(path)
    with _temporary_beside(path, "w", encoding) as (f, tmp_name):
        for chunk in chunks:
            f.write(chunk)
        f.flush()
        if path.is_file() and filecmp.cmp(tmp_name, path, shallow=False):
            return False
        _commit(f, tmp_name, path, durable)
        return True


@contextlib.contextmanager
def file_lock(path: Path, timeout: float, busy: str) -> Iterator[None]:
    """Hold the lock file ``path`` (created with its directory); ``busy`` is the UserError
    message when another process holds it for longer than ``timeout`` seconds.

    The one lock helper of the project: the translations directory's lock
    (two runs never interleave their writes) and the model store's lock (one
    installer at a time) both go through it.
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{path.parent}: cannot create directory ({error.strerror})") from None
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise UserError(busy) from None
    except OSError as error:  # read-only directory, a directory in the lock's place …
        reason = error.strerror or type(error).__name__
        raise UserError(f"{path}: cannot take the lock ({reason})") from None
    try:
        yield
    finally:
        lock.release()


TEMPORARY_GLOB = ".*.tmp"  # what _temporary_beside names its files


def sweep_temporaries(*roots: Path) -> int:
    """Delete temporary files a killed write left under ``roots``; return how many.

    Only files named like ours (``.<name>.<random>.tmp``) are touched.
    """
    removed = 0
    for root in roots:
        for leftover in Path(root).rglob(TEMPORARY_GLOB) if Path(root).is_dir() else ():
            with contextlib.suppress(OSError):
                if leftover.is_file():
                    leftover.unlink()
                    removed += 1
    return removed


def atomic_create(path: Path, data: bytes) -> None:
    """Write a new file atomically: FileExistsError if ``path`` exists, which is never
    replaced (``pipeline init`` must not overwrite a project file).

    The bytes go to a temporary file that is then hard-linked to ``path``: the link
    fails if the name is taken, even by a file created a moment earlier.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    with _temporary_beside(path, "wb", None) as (f, tmp_name):
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        f.close()
        _keep_mode(path, tmp_name)
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: check, then rename
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp_name, path)
