"""Scratch SQLite databases: working sets kept on disk while a run needs them, then deleted.

Some working sets of a run grow with its input: the distinct sentences still to
translate (:mod:`pipeline.mt.pending`), the sentence boundaries of every block
already segmented (:class:`pipeline.text.segment.SegmentMemo`), the translations of a
large file's old catalogs (:mod:`pipeline.gettext.compendium`). Held in memory they
would make memory grow with the archive; each lives instead in a SQLite file in
its own temporary directory. It is scratch data: no journal, no fsync, deleted
on close, and nothing is lost with it that the next run cannot rebuild.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import TypeVar

_Scratch = TypeVar("_Scratch", bound="ScratchDatabase")


class ScratchDatabase:
    """A temporary SQLite database created with ``schema``; a context manager."""

    def __init__(self, name: str, schema: str, directory: Path | None = None) -> None:
        """Create ``<tmp>/pipeline-<name>-*/<name>.sqlite3`` (under ``directory``)."""
        self._tmp = tempfile.TemporaryDirectory(prefix=f"pipeline-{name}-", dir=directory)
        try:
            self._db = sqlite3.connect(Path(self._tmp.name) / f"{name}.sqlite3")
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.executescript(schema)
        except BaseException:
            self._tmp.cleanup()
            raise

    def close(self) -> None:
        """Close and delete the database."""
        self._db.close()
        self._tmp.cleanup()

    def __enter__(self: _Scratch) -> _Scratch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
