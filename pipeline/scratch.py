"""Scratch SQLite databases: working sets kept on disk while a run needs them, then deleted.

Some working sets of a run grow with its input: the distinct sentences still to
translate (:mod:`pipeline.mt.pending`), the sentence boundaries of every block
already segmented (:class:`pipeline.text.segment.SegmentMemo`), the translations of a
large file's old catalogs (:mod:`pipeline.gettext.compendium`). Held in memory they
would make memory grow with the archive; each lives instead in a SQLite file in
its own temporary directory. It is scratch data: no journal, no fsync, deleted
on close, and nothing is lost with it that the next run cannot rebuild.

A process killed with SIGKILL cannot delete its scratch directory; directory
names carry the owner's process id, so :func:`sweep_scratch` removes those whose
owner is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import TypeVar

_Scratch = TypeVar("_Scratch", bound="ScratchDatabase")
SCRATCH_PREFIX = "pipeline-"
_OWNED = re.compile(rf"^{SCRATCH_PREFIX}[a-z]+-(\d+)-")


class ScratchDatabase:
    """A temporary SQLite database created with ``schema``; a context manager."""

    def __init__(self, name: str, schema: str, directory: Path | None = None) -> None:
        """Create ``<tmp>/pipeline-<name>-*/<name>.sqlite3`` (under ``directory``)."""
        self._name = name
        prefix = f"{SCRATCH_PREFIX}{name}-{os.getpid()}-"
        self._tmp = tempfile.TemporaryDirectory(prefix=prefix, dir=directory)
        try:
            self._db = sqlite3.connect(Path(self._tmp.name) / f"{name}.sqlite3")
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.executescript(schema)
        except BaseException:
            self._tmp.cleanup()
            raise

    @property
    def path(self) -> Path:
        """The database file (other processes of the run may read it)."""
        return Path(self._tmp.name) / f"{self._name}.sqlite3"

    def close(self) -> None:
        """Close and delete the database."""
        self._db.close()
        self._tmp.cleanup()

    def __enter__(self: _Scratch) -> _Scratch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sweep_scratch(directory: Path | None = None) -> int:
    """Remove scratch directories (in ``directory``, default the system's temporary
    directory) whose owning process no longer exists; return how many."""
    root = Path(directory or tempfile.gettempdir())
    removed = 0
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            owner = _OWNED.match(entry.name)
            if owner and entry.is_dir() and not _alive(int(owner.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
