"""Run the ``pipeline`` command with one fault of the user's machine, for the CLI tests.

    python tests/faults.py FAULT PATTERN ARGS...

runs ``pipeline ARGS...`` exactly as the console script does, except that the
fault hits every file whose absolute path matches PATTERN (``fnmatch``):

``enospc``
    Flushing the file to disk fails with "No space left on device", where a
    full disk makes a write fail (the tool's writes go through a temporary file
    beside the destination; the pattern is matched against the destination).
``immutable``
    Replacing the file fails with "Operation not permitted", as ``os.replace``
    does on a file marked ``chattr +i``.
``read-only``
    Creating or opening the file for writing fails with "Read-only file system".
``sqlite-full``
    The SQLite database cannot grow beyond its size when opened (``PRAGMA
    max_page_count``): SQLite itself then fails with SQLITE_FULL, "database or
    disk is full", as on a full disk.

Tests run as root on some machines, where ``chmod`` protects nothing and
``mount``/``chattr`` may be missing; this wrapper gives the same errors
everywhere, from the same system calls.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import sqlite3
import sys

_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[^.]+\.tmp$")  # fsutil's ".<name>.<random>.tmp"


def _matches(pattern: str, path: object) -> bool:
    return isinstance(path, (str, os.PathLike)) and fnmatch.fnmatchcase(
        os.path.abspath(os.fspath(path)), pattern
    )


def _destination(temporary: str) -> str:
    """The file a temporary file of fsutil's will replace (itself for any other file)."""
    directory, name = os.path.split(temporary)
    found = _TEMPORARY.match(name)
    return os.path.join(directory, found["name"]) if found else temporary


def enospc(pattern: str) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if _matches(pattern, _destination(path)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    os.fsync = fsync


def immutable(pattern: str) -> None:
    real_replace = os.replace

    def replace(src, dst, **kwargs):  # type: ignore[no-untyped-def]
        if _matches(pattern, dst):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), src, None, dst)
        return real_replace(src, dst, **kwargs)

    os.replace = replace


def read_only(pattern: str) -> None:
    real_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def open_(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & writing and _matches(pattern, path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args, **kwargs)

    os.open = open_


def sqlite_full(pattern: str) -> None:
    real_connect = sqlite3.connect

    def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real_connect(database, *args, **kwargs)
        if _matches(pattern, database):
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return connection

    sqlite3.connect = connect


FAULTS = {
    "enospc": enospc,
    "immutable": immutable,
    "read-only": read_only,
    "sqlite-full": sqlite_full,
}


def main() -> None:
    fault, pattern, *args = sys.argv[1:]
    FAULTS[fault](pattern)
    sys.argv = ["pipeline", *args]
    from pipeline.cli import main as pipeline_main

    pipeline_main()


if __name__ == "__main__":
    main()
