"""A persistent machine-translation cache (SQLite) under the translations directory.

Keyed by (engine, model version, source language, target language,
normalised source sentence), so that a re-run, a new document repeating old
sentences, or a run resumed after a crash never translates a sentence twice.
Results are committed as batches finish.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

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
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.execute(_BY_SOURCE_INDEX)  # for KnownTranslations' lookups by sentence
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
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?,?,?,?,?,?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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

    def _rows(self, sentence: str) -> list[tuple[str, str, str]]:
        if self._db is None:
            return []
        try:
            return self._db.execute(
                "SELECT translation, engine, model_version FROM translations "
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
        rows = self._rows(sentence)
        for translation, engine, version in rows:
            if prefer == (engine, version):
                return translation
        return max(rows, key=lambda row: _version_order(row[2]))[0] if rows else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


_BY_SOURCE_INDEX = (
    "CREATE INDEX IF NOT EXISTS translations_by_source "
    "ON translations (source_language, target_language, source_key)"
)


def _version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.replace("+", ".").split(".") if part.isdigit())
