"""The distinct sentences a run must machine-translate, kept on disk while it works.

A batch run deduplicates the pending sentences of all its documents (a sentence
found in 50 documents is translated once). Held in memory, that set, its token
lists and its translations make a run's memory grow with the archive:
``bench/memory_scale.py`` measured 13.5 MB more peak RSS per 1,000 documents,
almost all in the translate step (every sentence queued at once inside CTranslate2).
:class:`PendingSentences` keeps the set in a temporary SQLite file instead; the
run reads it back a chunk at a time and looks translations up by sentence, so
its memory does not depend on the size of the corpus.

The file is scratch data (no journal, no fsync): the persistent record of what
was translated is the MT cache (:mod:`pipeline.mt.cache`). Each translation may
carry the model's score (:meth:`PendingSentences.set_scored_translations`), which
the run writes into the PO comment as a confidence.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.mt.engine import ScoredTranslation
from pipeline.scratch import ScratchDatabase

_SCHEMA = """
CREATE TABLE pending (
    id INTEGER PRIMARY KEY,
    sentence TEXT NOT NULL UNIQUE,
    translation TEXT,
    score REAL
)
"""


class PendingSentences(ScratchDatabase):
    """A deduplicated, ordered set of sentences with their translations once known."""

    def __init__(self, directory: Path | None = None) -> None:
        """Create the scratch database in a new temporary directory (under ``directory``)."""
        super().__init__("pending", _SCHEMA, directory)

    def add(self, sentences: Iterable[str]) -> None:
        """Add sentences; ones already present keep their place (first seen first)."""
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO pending (sentence) VALUES (?)", ((s,) for s in sentences)
            )

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM pending").fetchone()[0]

    def untranslated(self) -> int:
        """How many sentences have no translation yet."""
        query = "SELECT count(*) FROM pending WHERE translation IS NULL"
        return self._db.execute(query).fetchone()[0]

    def chunks(self, size: int, untranslated_only: bool = False) -> Iterator[list[str]]:
        """The sentences in the order they were added, ``size`` at a time.

        Each chunk is read whole before it is yielded, so the caller may record
        translations (:meth:`set_translations`) while iterating.
        """
        condition = "AND translation IS NULL " if untranslated_only else ""
        query = f"SELECT id, sentence FROM pending WHERE id > ? {condition}ORDER BY id LIMIT ?"
        last = 0
        while True:
            rows = self._db.execute(query, (last, size)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [sentence for _, sentence in rows]

    def set_translations(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record (sentence, translation) pairs; sentences not in the set are ignored."""
        self.set_scored_translations((source, target, None) for source, target in pairs)

    def set_scored_translations(self, rows: Iterable[tuple[str, str, float | None]]) -> None:
        """Record (sentence, translation, score) rows; sentences not in the set are ignored."""
        with self._db:
            self._db.executemany(
                "UPDATE pending SET translation = ?, score = ? WHERE sentence = ?",
                ((target, score, source) for source, target, score in rows),
            )

    def translation(self, sentence: str) -> str | None:
        """The recorded translation of ``sentence``, or None."""
        found = self.scored_translation(sentence)
        return found.text if found else None

    def scored_translation(self, sentence: str) -> ScoredTranslation | None:
        """The recorded translation of ``sentence`` with its score (None if unknown), or None."""
        return _scored_translation(self._db, sentence)


class PendingReader:
    """Read access to a :class:`PendingSentences` file from another process of the run
    (a worker writing translations into its documents)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def scored_translation(self, sentence: str) -> ScoredTranslation | None:
        """As :meth:`PendingSentences.scored_translation`."""
        return _scored_translation(self._db, sentence)

    def close(self) -> None:
        self._db.close()


def _scored_translation(db: sqlite3.Connection, sentence: str) -> ScoredTranslation | None:
    """The translation recorded for ``sentence`` in a pending file, with its score, or None."""
    row = db.execute(
        "SELECT translation, score FROM pending WHERE sentence = ?", (sentence,)
    ).fetchone()
    return ScoredTranslation(row[0], row[1]) if row and row[0] is not None else None
