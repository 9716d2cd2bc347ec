"""A persistent machine-translation cache (SQLite) under the translations directory.

Keyed by (engine, model version, source language, target language,
normalised source sentence), so that a re-run, a new document repeating old
sentences, or a run resumed after a crash never translates a sentence twice.
Results are committed as batches finish.

The cache only saves time, so a damaged file is set aside and rebuilt empty, with
a note (:func:`pipeline.dbfile.open_rebuildable`); a full disk while storing is
one line naming the file.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pipeline.dbfile import open_rebuildable, sqlite_errors
from pipeline.text.ingest import for_matching

CACHE_FILE = "mt-cache.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    engine TEXT NOT NULL,
    model_version TEXT NOT NULL,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    source_key TEXT NOT NULL,
    translation TEXT NOT NULL,
    PRIMARY KEY (engine, model_version, source_language, target_language, source_key)
) WITHOUT ROWID
"""


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
    db.execute(_SCHEMA)


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
        found: dict[str, str] = {}
        query = (
            "SELECT translation FROM translations WHERE engine=? AND model_version=? "
            "AND source_language=? AND target_language=? AND source_key=?"
        )
        for sentence in sentences:
            row = self._db.execute(query, (*self._key, normalise(sentence))).fetchone()
            if row is not None:
                found[sentence] = row[0]
        return found

    def store(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (sentence, translation) pairs and commit them."""
        rows = [(*self._key, normalise(source), target) for source, target in pairs]
        with sqlite_errors(self.path, "store machine translations"), self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?,?,?,?,?,?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
