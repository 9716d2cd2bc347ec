"""Opening, checking and rebuilding the memory file ``translations/memory.sqlite3``.

The schema (one writer: the caller holds the project lock; WAL, every change
in one transaction of :meth:`~pipeline.memory.store.TranslationMemory.transaction`):

* ``segments``: distinct source sentences per source language (key, hash of
  the key, the text as first written when it differs from the key), indexed
  for fuzzy retrieval in ``segment_words`` (FTS5, words only, no positions)
  with each word's document frequency in ``words``;
* ``units``: one per (segment, target language, target text): duplicates are
  merged; ``updated`` is when its most recent occurrence was added;
* ``files``: where units come from, with the fingerprint of what was read:
  a reviewed PO catalog (name + target language) or an imported file;
* ``occurrences``: a unit in a file, at a line, between two neighbour
  sentences (hashes, for in-context matches), added at a time.

The file is marked as ours (``PRAGMA application_id``) and versioned
(``user_version``). The memory is derived data: every reviewed unit can be
rebuilt from the PO files. A damaged file (not SQLite, another schema, a
corrupt page) raises :class:`~pipeline.memory.store.MemoryCorrupt`;
:func:`rebuilding` builds a fresh one beside it and swaps it in.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import UserError
from pipeline.memory.store import (
    IMPORTED,
    REVIEWED,
    MemoryCorrupt,
    TranslationMemory,
    UnitRow,
    damaged,
)

MEMORY_FILE = "memory.sqlite3"
APPLICATION_ID = 0x50544D31  # "PTM1": a pipeline translation memory
SCHEMA_VERSION = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,        -- source language
    key_hash INTEGER NOT NULL,
    key TEXT NOT NULL,             -- normalised source (pipeline.memory.text.sentence_key)
    text TEXT                      -- the source as written, where it differs from key
);
CREATE INDEX segments_by_key ON segments (key_hash);
CREATE VIRTUAL TABLE segment_words USING fts5 (
    words, content='', tokenize='ascii', detail='none'
);
CREATE TABLE words (
    word TEXT PRIMARY KEY,
    segments INTEGER NOT NULL      -- how many segments contain it (document frequency)
) WITHOUT ROWID;
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    language TEXT NOT NULL,        -- target language
    target TEXT NOT NULL,
    created REAL NOT NULL,         -- Unix time
    updated REAL NOT NULL          -- time its latest occurrence was added
);
CREATE INDEX units_by_segment ON units (segment_id, language);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('{REVIEWED}', '{IMPORTED}')),
    name TEXT NOT NULL,            -- "briefing.po" (a catalog) or "clients.tmx" (an import)
    language TEXT NOT NULL,        -- a catalog's target language; '' for an imported file
    fingerprint TEXT,
    synced REAL NOT NULL,
    UNIQUE (kind, name, language)
);
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    line INTEGER,
    previous_hash INTEGER,         -- neighbour sentences' key hashes; NULL: none
    next_hash INTEGER,
    added REAL NOT NULL
);
CREATE INDEX occurrences_by_unit ON occurrences (unit_id);
CREATE INDEX occurrences_by_file ON occurrences (file_id);
"""
_TABLES = {"segments", "segment_words", "words", "units", "files", "occurrences"}


def open_memory(path: Path, clock: Callable[[], float] = time.time) -> TranslationMemory:
    """Open (creating it if absent) the memory at ``path``.

    Raises :class:`MemoryCorrupt` when the file is not a SQLite database, is
    another application's database or another schema version, or its
    schema is incomplete. Corrupt pages found later raise it from the call
    that reads them.
    """
    path = Path(path)
    _check_header(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        _prepare(db, path)
    except BaseException:
        db.close()
        raise
    return TranslationMemory(path, db, clock)


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite opens it, and leave the file as it is."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a translation memory file") from None
    if head and head != _SQLITE_MAGIC:
        raise damaged(path, "not a SQLite database")


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        application, version = (
            db.execute("PRAGMA application_id").fetchone()[0],
            db.execute("PRAGMA user_version").fetchone()[0],
        )
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None
    if application == 0 and version == 0 and not tables:
        db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
        return
    if application != APPLICATION_ID:
        raise damaged(path, "another application's database")
    if version != SCHEMA_VERSION:
        raise damaged(path, f"schema version {version}, expected {SCHEMA_VERSION}")
    if not tables >= _TABLES:
        raise damaged(path, f"missing tables: {', '.join(sorted(_TABLES - tables))}")


@contextlib.contextmanager
def rebuilding(path: Path, clock: Callable[[], float] = time.time) -> Iterator[TranslationMemory]:
    """A fresh memory to fill; on success it replaces the one at ``path``.

    The fresh memory starts with the old one's imported files when the old
    one can still be read (``stored_files(IMPORTED)`` says which came
    across); the caller syncs every PO catalog into it. Until the block ends
    nothing happens to ``path``, so a failed or killed rebuild leaves the old
    memory (damaged or not) as it was. A damaged old file is kept as
    ``memory.sqlite3.damaged`` for inspection.
    """
    path = Path(path)
    fresh_path = path.with_name(path.name + ".rebuild")
    _remove_database(fresh_path)
    memory = open_memory(fresh_path, clock)
    try:
        _carry_imports(path, memory)
        yield memory
        memory.optimize()
    except BaseException:
        memory.close()
        _remove_database(fresh_path)
        raise
    memory.close()
    if path.exists() and _isdamaged(path):
        os.replace(path, path.with_name(path.name + ".damaged"))
    _remove_database(path, keep_main=True)
    os.replace(fresh_path, path)


def _carry_imports(path: Path, fresh: TranslationMemory) -> None:
    """Copy the imported files' units of the memory at ``path`` (if readable) into ``fresh``."""
    if not path.exists():
        return
    try:
        with open_memory(path) as old, fresh.transaction():
            for stored in old.stored_files(IMPORTED):
                rows = old.db.execute(
                    "SELECT s.language, coalesce(s.text, s.key), u.language, u.target, o.line "
                    "FROM occurrences o JOIN files f ON f.id = o.file_id "
                    "JOIN units u ON u.id = o.unit_id JOIN segments s ON s.id = u.segment_id "
                    "WHERE f.kind=? AND f.name=? ORDER BY o.id",
                    (IMPORTED, stored.name),
                )
                fresh.replace_file(
                    IMPORTED,
                    stored.name,
                    "",
                    stored.fingerprint,
                    (UnitRow(*row) for row in rows),
                    when=stored.synced,
                )
    except (MemoryCorrupt, sqlite3.DatabaseError):
        pass  # damaged: the imported files must be imported again


def _isdamaged(path: Path) -> bool:
    try:
        with open_memory(path) as old:
            return bool(old.verify())
    except MemoryCorrupt:
        return True


def _remove_database(path: Path, keep_main: bool = False) -> None:
    """Delete a database's -wal and -shm files (and the database unless ``keep_main``)."""
    suffixes = ["-wal", "-shm"] + ([] if keep_main else [""])
    for suffix in suffixes:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path.with_name(path.name + suffix))
