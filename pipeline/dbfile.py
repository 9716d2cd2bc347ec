"""SQLite files the tool can rebuild: opened safely, damage set aside, failures in one line.

The machine-translation cache (``translations/mt-cache.sqlite3``), the fill
record (``translations/provenance.sqlite3``) and the record of published files
(``output/.published.sqlite3``) hold nothing a person wrote: the model
translates again, the next run records again. So a damaged one —
overwritten with garbage, truncated, another program's database — must never
stop every later run with a traceback: it is renamed ``<name>.broken`` (with its
``-wal`` and ``-shm`` files, kept for inspection), an empty one is created in
its place, and the caller gets a note saying so for the run's report.

Failures that are not damage — a full disk (``SQLITE_FULL``), a read-only file
or directory, a directory where the file should be, an I/O error, a lock held
too long — are the user's to fix and become one :class:`~pipeline.errors.UserError`
naming the file (:func:`sqlite_errors`); the file is left as it is.

:func:`write_transaction` is the one ``BEGIN IMMEDIATE`` … ``COMMIT`` block of
every SQLite file the tool writes (these, the translation memory, the terms).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import UserError

BROKEN_SUFFIX = ".broken"
BUSY_TIMEOUT = 60.0  # seconds a connection waits for another process's lock

# SQLite result codes (primary, as ``sqlite_errorname`` spells them on Python ≥ 3.11)
# that say the environment failed, not the file: never a reason to set the file aside.
_ENVIRONMENT = (
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_PERM",
    "SQLITE_AUTH",
    "SQLITE_NOMEM",
)
# The same, by the message SQLite gives (Python 3.10 has no ``sqlite_errorname``).
_ENVIRONMENT_MESSAGES = (
    "disk is full",
    "readonly database",
    "unable to open database",
    "disk i/o error",
    "database is locked",
    "table is locked",
    "out of memory",
    "authorization denied",
)


def is_environment_failure(error: sqlite3.Error) -> bool:
    """Whether ``error`` comes from the disk, permissions or another process, not from
    what the file holds (such a file must be kept, and the user told)."""
    return _error_is(error, _ENVIRONMENT, _ENVIRONMENT_MESSAGES)


def _error_is(error: sqlite3.Error, names: tuple[str, ...], messages: tuple[str, ...]) -> bool:
    """Whether ``error``'s result code starts with one of ``names`` (or, on Python 3.10,
    which has no ``sqlite_errorname``, its message holds one of ``messages``)."""
    name = getattr(error, "sqlite_errorname", "")
    if name:
        return name.startswith(names)
    message = str(error).lower()
    return any(fragment in message for fragment in messages)


def open_rebuildable(
    path: Path, prepare: Callable[[sqlite3.Connection], None], what: str
) -> tuple[sqlite3.Connection, str | None]:
    """Connect to the SQLite file at ``path`` and ``prepare`` it (pragmas, schema, a first
    read that would fail on a damaged file); return the connection and a note, or None.

    A file ``prepare`` finds damaged is set aside as ``<name>.broken`` and a fresh one
    prepared; the note says so (``what`` names the file's role: "machine-translation
    cache"). Disk full, read-only and the like raise UserError and touch nothing.
    """
    path = Path(path)
    try:
        return _prepared(path, prepare), None
    except sqlite3.DatabaseError as error:
        if is_environment_failure(error):
            raise _user_error(path, f"cannot open the {what}", error) from None
        damage = str(error)
    broken = _set_aside(path)
    try:
        connection = _prepared(path, prepare)
    except sqlite3.DatabaseError as error:
        raise _user_error(path, f"cannot create the {what}", error) from None
    note = (
        f"{path}: the {what} was damaged ({damage}); it was moved to {broken.name} "
        "and started afresh"
    )
    return connection, note


def _prepared(path: Path, prepare: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{path.parent}: cannot create directory ({error.strerror})") from None
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a SQLite file the tool writes")
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    while True:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        try:
            prepare(connection)
            return connection
        except sqlite3.OperationalError as error:
            connection.close()
            if not _busy(error) or time.monotonic() + pause > deadline:
                raise
        except BaseException:
            connection.close()
            raise
        time.sleep(pause)
        pause = min(2 * pause, 0.5)


def _busy(error: sqlite3.Error) -> bool:
    """A lock SQLite gave up on at once instead of waiting (its busy handler is not called
    when waiting could deadlock: two processes preparing a new file together both turn
    it to WAL, and the second is refused). Opening again is the way out (#16: a worker
    and the main process creating the fill record at the start of a cold run)."""
    return _error_is(
        error, ("SQLITE_BUSY", "SQLITE_LOCKED"), ("database is locked", "table is locked")
    )


def _set_aside(path: Path) -> Path:
    """Rename the damaged file (and its -wal/-shm) to ``<name>.broken…``; return the new name."""
    broken = path.with_name(path.name + BROKEN_SUFFIX)
    for suffix in ("-wal", "-shm", ""):
        try:
            os.replace(f"{path}{suffix}", f"{broken}{suffix}")
        except FileNotFoundError:
            continue
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise UserError(f"{path}: damaged, and cannot be moved aside ({reason})") from None
    return broken


@contextlib.contextmanager
def sqlite_errors(path: Path, doing: str) -> Iterator[None]:
    """Inside, a failure of the environment (disk full, read-only …) becomes one UserError:
    ``PATH: cannot DOING (database or disk is full)``; SQLite has rolled back the
    transaction that failed, and the file holds what was committed before it."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if not is_environment_failure(error):
            raise
        raise _user_error(Path(path), f"cannot {doing}", error) from None


@contextlib.contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time, and all of the block's
    changes or none of them. Any exception rolls back (unless SQLite already ended the
    transaction itself, as it does after some errors) and goes on."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _user_error(path: Path, doing: str, error: sqlite3.Error) -> UserError:
    return UserError(f"{path}: {doing} ({error})")
