"""The open translation memory: writing a file's units, the corruption guard.

:meth:`TranslationMemory.replace_file` is the one write path (catalog syncs,
imports and rebuilds all use it): a file's occurrences are replaced as a
whole, duplicates merge into one unit per (source, target language, target),
and units and segments nobody refers to any more are deleted, with their
word-index entries. The schema and opening live in :mod:`pipeline.memory.database`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, ParamSpec, TypeVar

from pipeline.dbfile import write_transaction
from pipeline.errors import UserError
from pipeline.memory.text import index_words, key_hash, neighbour_hash, sentence_key

REVIEWED = "reviewed"
IMPORTED = "imported"

P = ParamSpec("P")
R = TypeVar("R")


class MemoryCorrupt(UserError):
    """The memory file is damaged or is not a translation memory; rebuild it."""


class UnitRow(NamedTuple):
    """One translation to store, as read from a PO catalog or an imported file."""

    source_language: str
    source: str
    target_language: str
    target: str
    line: int | None = None
    previous: str | None = None  # neighbour source sentences, for in-context matches
    next: str | None = None


@dataclass(frozen=True)
class StoredFile:
    """A catalog or imported file the memory holds units from."""

    kind: str  # REVIEWED (a PO catalog) or IMPORTED
    name: str
    language: str  # the catalog's target language; '' for an imported file
    fingerprint: str | None
    synced: float  # Unix time


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")  # Python ≥ 3.11
    if name:
        return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    text = str(exc)
    return "malformed" in text or "not a database" in text


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite's corruption errors inside ``method`` into :class:`MemoryCorrupt`.

    The first argument must be a :class:`TranslationMemory` (or a method's self).
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            raise damaged(args[0].path, str(exc)) from None  # type: ignore[attr-defined]

    return wrapper


def damaged(path: Path, reason: str) -> MemoryCorrupt:
    return MemoryCorrupt(
        f"{path}: translation memory is damaged ({reason}); "
        "rebuild it from the PO files (pipeline memory rebuild)"
    )


class TranslationMemory:
    """An open memory file. Use :func:`open_memory`; a context manager."""

    def __init__(self, path: Path, db: sqlite3.Connection, clock: Callable[[], float]) -> None:
        self.path = path
        self.db = db
        self.clock = clock
        self._word_counts: Counter[str] = Counter()  # pending document-frequency changes

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all of the block's changes, or none of them."""
        with write_transaction(self.db):
            try:
                yield
                self._flush_word_counts()
            except BaseException:
                self._word_counts.clear()
                raise

    # -- files -------------------------------------------------------------

    @guarded
    def stored_file(self, kind: str, name: str, language: str = "") -> StoredFile | None:
        row = self.db.execute(
            "SELECT kind, name, language, fingerprint, synced FROM files "
            "WHERE kind=? AND name=? AND language=?",
            (kind, name, language),
        ).fetchone()
        return StoredFile(*row) if row else None

    @guarded
    def stored_files(self, kind: str | None = None) -> list[StoredFile]:
        """Every catalog and imported file the memory holds units from (or those of ``kind``)."""
        rows = self.db.execute(
            "SELECT kind, name, language, fingerprint, synced FROM files "
            "WHERE ?1 IS NULL OR kind=?1 ORDER BY kind, language, name",
            (kind,),
        )
        return [StoredFile(*row) for row in rows]

    def replace_file(
        self,
        kind: str,
        name: str,
        language: str,
        fingerprint: str | None,
        rows: Iterable[UnitRow],
        when: float | None = None,
    ) -> int:
        """Make ``rows`` the units that come from one file; return how many occurrences.

        Call inside :meth:`transaction`. A unit the file already held keeps the
        time it was first added from this file, so that re-reading an edited
        catalog does not make its old translations look newer than other
        files' reviews; new ones are added at ``when`` (default: now).
        """
        now = self.clock() if when is None else when
        file_id = self._file_id(kind, name, language, fingerprint)
        before = dict(
            self.db.execute(
                "SELECT unit_id, min(added) FROM occurrences WHERE file_id=? GROUP BY unit_id",
                (file_id,),
            )
        )
        self.db.execute("DELETE FROM occurrences WHERE file_id=?", (file_id,))
        occurrences = []
        segments: dict[tuple[str, str], tuple[int, str]] = {}
        for row in rows:
            if not row.target:
                continue
            segment = segments.get((row.source_language, row.source))
            if segment is None:
                segment = self._segment(row.source_language, row.source)
                segments[(row.source_language, row.source)] = segment
            if not segment[1]:
                continue  # an empty or blank source
            unit_id = self._unit(segment[0], row.target_language, row.target, now)
            added = before.get(unit_id, now)
            occurrences.append(
                (
                    unit_id,
                    file_id,
                    row.line,
                    neighbour_hash(row.previous),
                    neighbour_hash(row.next),
                    added,
                )
            )
        self.db.executemany(
            "INSERT INTO occurrences (unit_id, file_id, line, previous_hash, next_hash, added) "
            "VALUES (?,?,?,?,?,?)",
            occurrences,
        )
        self._settle({o[0] for o in occurrences} | set(before))
        return len(occurrences)

    def forget_file(self, kind: str, name: str, language: str = "") -> int:
        """Remove a file and the units only it held (inside :meth:`transaction`)."""
        row = self.db.execute(
            "SELECT id FROM files WHERE kind=? AND name=? AND language=?", (kind, name, language)
        ).fetchone()
        if row is None:
            return 0
        units = [
            u
            for (u,) in self.db.execute(
                "SELECT DISTINCT unit_id FROM occurrences WHERE file_id=?", row
            )
        ]
        self.db.execute("DELETE FROM occurrences WHERE file_id=?", row)
        self.db.execute("DELETE FROM files WHERE id=?", row)
        self._settle(set(units))
        return len(units)

    def _file_id(self, kind: str, name: str, language: str, fingerprint: str | None) -> int:
        self.db.execute(
            "INSERT INTO files (kind, name, language, fingerprint, synced) VALUES (?,?,?,?,?) "
            "ON CONFLICT (kind, name, language) DO UPDATE SET "
            "fingerprint=excluded.fingerprint, synced=excluded.synced",
            (kind, name, language, fingerprint, self.clock()),
        )
        return self.db.execute(
            "SELECT id FROM files WHERE kind=? AND name=? AND language=?", (kind, name, language)
        ).fetchone()[0]

    # -- segments and units ------------------------------------------------

    def find_segment(self, language: str, key: str) -> tuple[int, str | None] | None:
        """(id, text where it differs from the key) of the segment with exactly ``key``."""
        for segment_id, stored, text in self.db.execute(
            "SELECT id, key, text FROM segments WHERE key_hash=? AND language=?",
            (key_hash(key), language),
        ):
            if stored == key:
                return segment_id, text
        return None

    def _segment(self, language: str, source: str) -> tuple[int, str]:
        """(id, key) of the segment for ``source``, created (and indexed) if new."""
        key = sentence_key(source)
        if not key:
            return 0, ""
        found = self.find_segment(language, key)
        if found is not None:
            return found[0], key
        cursor = self.db.execute(
            "INSERT INTO segments (language, key_hash, key, text) VALUES (?,?,?,?)",
            (language, key_hash(key), key, None if source == key else source),
        )
        words = index_words(key)
        self.db.execute(
            "INSERT INTO segment_words (rowid, words) VALUES (?,?)",
            (cursor.lastrowid, " ".join(words)),
        )
        self._word_counts.update(words)
        return cursor.lastrowid, key  # type: ignore[return-value]

    def _unit(self, segment_id: int, language: str, target: str, now: float) -> int:
        for unit_id, stored in self.db.execute(
            "SELECT id, target FROM units WHERE segment_id=? AND language=?",
            (segment_id, language),
        ):
            if stored == target:
                return unit_id
        cursor = self.db.execute(
            "INSERT INTO units (segment_id, language, target, created, updated) VALUES (?,?,?,?,?)",
            (segment_id, language, target, now, now),
        )
        return cursor.lastrowid  # type: ignore[return-value]

    def _settle(self, unit_ids: set[int]) -> None:
        """After occurrences changed: refresh ``updated``, drop units and segments left unused."""
        if not unit_ids:
            return
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.touched")
        self.db.executemany("INSERT INTO temp.touched VALUES (?)", ((u,) for u in unit_ids))
        orphans = self.db.execute(
            "SELECT id, segment_id FROM units WHERE id IN (SELECT id FROM temp.touched) "
            "AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.unit_id = units.id)"
        ).fetchall()
        self.db.executemany("DELETE FROM units WHERE id=?", ((u,) for u, _ in orphans))
        self.db.execute(
            "UPDATE units SET updated = (SELECT max(added) FROM occurrences o "
            "WHERE o.unit_id = units.id) WHERE id IN (SELECT id FROM temp.touched)"
        )
        for segment_id in {s for _, s in orphans}:
            self._drop_segment_if_unused(segment_id)

    def _drop_segment_if_unused(self, segment_id: int) -> None:
        if self.db.execute("SELECT 1 FROM units WHERE segment_id=?", (segment_id,)).fetchone():
            return
        (key,) = self.db.execute("SELECT key FROM segments WHERE id=?", (segment_id,)).fetchone()
        words = index_words(key)
        self.db.execute(
            "INSERT INTO segment_words (segment_words, rowid, words) VALUES ('delete', ?, ?)",
            (segment_id, " ".join(words)),
        )
        self.db.execute("DELETE FROM segments WHERE id=?", (segment_id,))
        self._word_counts.subtract(words)

    def _flush_word_counts(self) -> None:
        changes = [(w, n) for w, n in self._word_counts.items() if n]
        self._word_counts.clear()
        self.db.executemany(
            "INSERT INTO words (word, segments) VALUES (?,?) ON CONFLICT (word) "
            "DO UPDATE SET segments = segments + excluded.segments",
            changes,
        )
        if any(n < 0 for _, n in changes):
            self.db.execute("DELETE FROM words WHERE segments <= 0")

    # -- changes, for the build state ---------------------------------------

    @guarded
    def mark(self) -> str:
        """Where the memory stands: the file's identity, its highest unit id and latest unit
        creation time. Any unit added makes a new mark (see :meth:`keys_added_since`)."""
        top, newest = self.db.execute("SELECT max(id), max(created) FROM units").fetchone()
        return f"{os.stat(self.path).st_ino}:{top or 0}:{newest or 0.0!r}"

    @guarded
    def keys_added_since(
        self, mark: str, source_language: str, target_language: str
    ) -> list[str] | None:
        """The source keys (:func:`~pipeline.memory.text.sentence_key`) of the units of a
        language pair added since :meth:`mark` gave ``mark``; None when that mark is of
        another file (a rebuilt memory): then anything may have changed."""
        identity, _, rest = mark.partition(":")
        top, _, newest = rest.partition(":")
        try:
            if int(identity) != os.stat(self.path).st_ino:
                return None
            since = (int(top), float(newest))
        except ValueError:
            return None
        rows = self.db.execute(
            "SELECT DISTINCT s.key FROM units AS u JOIN segments AS s ON s.id = u.segment_id "
            "WHERE (u.id > ? OR u.created > ?) AND u.language = ? AND s.language = ?",
            (*since, target_language, source_language),
        )
        return [key for (key,) in rows]

    # -- maintenance -------------------------------------------------------

    @guarded
    def verify(self) -> list[str]:
        """SQLite's quick check of every page: an empty list when the file is sound."""
        problems = [row[0] for row in self.db.execute("PRAGMA quick_check")]
        return [] if problems == ["ok"] else problems

    @guarded
    def optimize(self) -> None:
        """Merge the word index into one b-tree (after a large import or rebuild)."""
        with self.transaction():
            self.db.execute("INSERT INTO segment_words (segment_words) VALUES ('optimize')")
        self.db.execute("PRAGMA optimize")
