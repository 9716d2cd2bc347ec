"""The record of every published file, behind ``output/index.html``.

Publishing one language or one document must not drop the others from the
index, so the files published so far are kept in ``output/.published.sqlite3``
(one row per file, its path relative to the output directory). It is SQLite
rather than a JSON list so that an archive of 50,000 documents is recorded
and read back one row at a time: memory does not grow with the archive, and
the index is rendered straight from an ordered query.

Files deleted since they were published are pruned before the index is
written. A ``.published.json`` left by earlier versions is imported once and
removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MANIFEST_FILE = ".published.sqlite3"
LEGACY_MANIFEST_FILE = ".published.json"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS published (
    path TEXT PRIMARY KEY,          -- relative to the output directory, "/"-separated
    format TEXT NOT NULL,
    document TEXT NOT NULL,
    language TEXT NOT NULL,
    reviewed_ratio REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS published_document ON published (document);
"""


# Rows already recorded with the same values are left alone, so that re-publishing an
# unchanged archive leaves the manifest file (and its mtime) untouched.
_UPSERT = """
INSERT INTO published VALUES (?,?,?,?,?)
ON CONFLICT(path) DO UPDATE SET
    format = excluded.format,
    document = excluded.document,
    language = excluded.language,
    reviewed_ratio = excluded.reviewed_ratio
WHERE (format, document, language, reviewed_ratio)
    IS NOT (excluded.format, excluded.document, excluded.language, excluded.reviewed_ratio)
"""


@dataclass(frozen=True)
class ManifestRow:
    """One published file as recorded: ``path`` is relative to the output directory."""

    path: str
    format: str
    document: str
    language: str
    reviewed_ratio: float


class PublishedManifest:
    """``output/.published.sqlite3``: add files as they are published, read them back in order."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = Path(output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.output_dir / MANIFEST_FILE, timeout=60)
        self._db.executescript(_SCHEMA)
        self._import_legacy()

    def _relative(self, path: Path | str) -> str:
        return Path(os.path.relpath(Path(path).resolve(), self.output_dir.resolve())).as_posix()

    def record(self, files: Iterable) -> None:
        """Add or update published files (objects with path, format, document, language,
        reviewed_ratio) and commit."""
        rows = [
            (self._relative(f.path), f.format, f.document, f.language, float(f.reviewed_ratio))
            for f in files
        ]
        with self._db:
            self._db.executemany(_UPSERT, rows)

    def prune(self) -> int:
        """Forget files no longer on disk; return how many were forgotten."""
        missing = [
            (path,)
            for (path,) in self._db.execute("SELECT path FROM published")
            if not (self.output_dir / path).is_file()
        ]
        with self._db:
            self._db.executemany("DELETE FROM published WHERE path = ?", missing)
        return len(missing)

    def remove_stale_parts(
        self, file_name: str, current: set[str], languages: Iterable[str]
    ) -> list[Path]:
        """Delete the outputs of a file's parts (or of the whole file) that are no longer
        documents of the run, in ``languages``; return the files deleted.

        When a large transcript is cut into other parts (or stops being cut), the
        outputs published for the old ``<name>.part-NNNN`` (or ``<name>``) would
        otherwise linger in the output directory and in the index. They are
        generated files, rewritten by every run, so they are removed like a
        build removes stale outputs; the translators' catalogs are never touched.
        """
        from pipeline.text.ingest import part_glob

        pattern = part_glob(file_name)
        languages = list(languages)
        rows = self._db.execute(
            "SELECT path, document, language FROM published WHERE document = ? OR document GLOB ?",
            (file_name, pattern),
        ).fetchall()
        stale = [
            path
            for path, document, language in rows
            if document not in current and language in languages
        ]
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                (self.output_dir / path).unlink()
        with self._db:
            self._db.executemany("DELETE FROM published WHERE path = ?", [(p,) for p in stale])
        return [self.output_dir / path for path in stale]

    def counts(self) -> tuple[int, int]:
        """(distinct documents, distinct document-language pairs) recorded."""
        documents = self._db.execute("SELECT COUNT(DISTINCT document) FROM published").fetchone()
        pairs = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT document, language FROM published)"
        ).fetchone()
        return documents[0], pairs[0]

    def rows(self) -> Iterator[ManifestRow]:
        """Every recorded file, ordered by document, language and path (a streaming cursor)."""
        cursor = self._db.execute(
            "SELECT path, format, document, language, reviewed_ratio FROM published "
            "ORDER BY document, language, path"
        )
        for row in cursor:
            yield ManifestRow(*row)

    def _import_legacy(self) -> None:
        """Take over the JSON manifest written by earlier versions, then delete it."""
        legacy = self.output_dir / LEGACY_MANIFEST_FILE
        with contextlib.suppress(FileNotFoundError, ValueError, KeyError, TypeError):
            items = json.loads(legacy.read_text(encoding="utf-8"))
            self.record(_LegacyFile(Path(item["path"]), item) for item in items)
            legacy.unlink()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PublishedManifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _LegacyFile:
    """A ``.published.json`` item shaped like a PublishedFile for :meth:`record`."""

    def __init__(self, path: Path, item: dict) -> None:
        self.path = path
        self.format = item["format"]
        self.document = item["document"]
        self.language = item["language"]
        self.reviewed_ratio = float(item["reviewed_ratio"])
