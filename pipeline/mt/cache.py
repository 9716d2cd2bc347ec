"""A persistent machine-translation cache (SQLite) under the translations directory.

Keyed by (engine, model version, source language, target language,
normalised source sentence), so that a re-run, a new document repeating old
sentences, or a run resumed after a crash never translates a sentence twice.
Results are committed as batches finish.

Each translation keeps the model's score (the mean log-probability per token,
:class:`pipeline.mt.engine.ScoredTranslation`), so the confidence shown to
reviewers and used by the review report survives re-runs. Cache files written
before scores existed gain the ``score`` column in place when opened (schema
version 1); their rows have no score (NULL) until the sentence is translated
again.

The cache only saves time, so a damaged file is set aside and rebuilt empty, with
a note (:func:`pipeline.dbfile.open_rebuildable`); a full disk while storing is
one line naming the file.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pipeline.dbfile import open_rebuildable, sqlite_errors, write_transaction
from pipeline.errors import UserError
from pipeline.mt.engine import ScoredTranslation
from pipeline.text.ingest import for_matching

CACHE_FILE = "mt-cache.sqlite3"
SCHEMA_VERSION = 2  # 0: no score column; 1: no index by source sentence

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    engine TEXT NOT NULL,
    model_version TEXT NOT NULL,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    source_key TEXT NOT NULL,
    translation TEXT NOT NULL,
    score REAL,
    PRIMARY KEY (engine, model_version, source_language, target_language, source_key)
) WITHOUT ROWID
"""
_COLUMNS = "engine, model_version, source_language, target_language, source_key, translation"


def normalise(sentence: str) -> str:
    """The cache key of a sentence: NFC, no-break spaces as spaces."""
    return unicodedata.normalize("NFC", for_matching(sentence))


def _prepare(db: sqlite3.Connection) -> None:
    """A read that fails on a damaged file or another program's database (before anything
    is written to it), then WAL and the table."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        db.execute("SELECT engine, source_key, translation FROM translations LIMIT 1").fetchone()
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    _migrate(db, Path(db.execute("PRAGMA database_list").fetchone()[2]))


class TranslationCache:
    """Cached translations for one engine, model version and language pair."""

    def __init__(
        self,
        path: Path,
        engine: str,
        model_version: str,
        source_language: str,
        target_language: str,
    ) -> None:
        self.path = Path(path)
        self._db, note = open_rebuildable(self.path, _prepare, "machine-translation cache")
        self.notes = [note] if note else []  # for the run's report
        self._key = (engine, model_version, source_language, target_language)

    def lookup(self, sentences: Iterable[str]) -> dict[str, str]:
        """Translations already cached, by sentence (as given)."""
        return {sentence: found.text for sentence, found in self.lookup_scored(sentences).items()}

    def lookup_scored(self, sentences: Iterable[str]) -> dict[str, ScoredTranslation]:
        """Cached (translation, score) by sentence (as given); score None for old rows."""
        found: dict[str, ScoredTranslation] = {}
        query = (
            "SELECT translation, score FROM translations WHERE engine=? AND model_version=? "
            "AND source_language=? AND target_language=? AND source_key=?"
        )
        for sentence in sentences:
            row = self._db.execute(query, (*self._key, normalise(sentence))).fetchone()
            if row is not None:
                found[sentence] = ScoredTranslation(row[0], row[1])
        return found

    def store(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (sentence, translation) pairs, with no score, and commit them."""
        self.store_scored((source, target, None) for source, target in pairs)

    def store_scored(self, rows: Iterable[tuple[str, str, float | None]]) -> None:
        """Add (sentence, translation, score) rows and commit them."""
        values = [(*self._key, normalise(source), target, score) for source, target, score in rows]
        with sqlite_errors(self.path, "store machine translations"), self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO translations ({_COLUMNS}, score) VALUES (?,?,?,?,?,?,?)",
                values,
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Create the table, or add the ``score`` column to a cache written before scores.

    One writer at a time (``BEGIN IMMEDIATE``): two runs opening an old cache
    together add the column once.
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise UserError(f"{path}: written by a newer version of the tool")
    with write_transaction(db):
        db.execute(_SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(translations)")}
        if "score" not in columns:
            db.execute("ALTER TABLE translations ADD COLUMN score REAL")
        db.execute(_BY_SOURCE_INDEX)  # for KnownTranslations' lookups by sentence
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


class KnownTranslations:
    """Every machine translation the cache holds for one language pair, whatever the
    model: to recognise a machine output in a PO file (after a tool erased our
    comments) and to publish a machine translation of a sentence whose entry holds
    a person's suggestion. Read-only; a missing cache knows nothing."""

    def __init__(self, path: Path, source_language: str, target_language: str) -> None:
        self._pair = (source_language, target_language)
        self._db: sqlite3.Connection | None = None
        if Path(path).is_file():
            try:
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
            except sqlite3.DatabaseError:
                self._db = None  # read-only or damaged: the next writing run rebuilds it

    def _rows(self, sentence: str) -> list[tuple[str, str, str, float | None]]:
        if self._db is None:
            return []
        try:
            return self._db.execute(
                "SELECT translation, engine, model_version, score FROM translations "
                "WHERE source_language=? AND target_language=? AND source_key=?",
                (*self._pair, normalise(sentence)),
            ).fetchall()
        except sqlite3.DatabaseError:
            return []

    def outputs(self, sentence: str) -> set[str]:
        """Every cached machine translation of ``sentence``."""
        return {row[0] for row in self._rows(sentence)}

    def best(self, sentence: str, prefer: tuple[str, str] | None = None) -> str | None:
        """A cached translation of ``sentence``: the (engine, version) ``prefer`` one if
        cached, else the newest model's."""
        found = self.best_scored(sentence, prefer)
        return found.text if found is not None else None

    def best_scored(
        self, sentence: str, prefer: tuple[str, str] | None = None
    ) -> ScoredTranslation | None:
        """:meth:`best` with the model's score (None for rows cached before scores)."""
        rows = self._rows(sentence)
        chosen = next((row for row in rows if prefer == (row[1], row[2])), None)
        if chosen is None and rows:
            chosen = max(rows, key=lambda row: _version_order(row[2]))
        return ScoredTranslation(chosen[0], chosen[3]) if chosen is not None else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


_BY_SOURCE_INDEX = (
    "CREATE INDEX IF NOT EXISTS translations_by_source "
    "ON translations (source_language, target_language, source_key)"
)


def _version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.replace("+", ".").split(".") if part.isdigit())
