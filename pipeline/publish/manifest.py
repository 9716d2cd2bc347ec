"""The record of every published file, behind ``output/index.html``.

Publishing one language or one document must not drop the others from the
index, so the files published so far are kept in ``output/.published.sqlite3``:
one row per file (its path relative to the output directory, format,
language, review share, title and kind in that language, style, and the time
the file was last written) and one row per document (date, original title,
where its transcript is). It is SQLite rather than a JSON list so that an
archive of 50,000 documents is recorded and read back one row at a time:
memory does not grow with the archive, and the index is rendered straight
from an ordered query (newest first, through an index: no sort in memory).

Before the index is written, files deleted since they were published are
forgotten, and so are documents whose transcript no longer exists (a deleted
or renamed source): the index has no row for a source that is gone. Their
files stay on disk, recorded in the ``orphans`` table until ``pipeline prune``
removes them (:mod:`pipeline.steps.prune`); a document published again leaves
it. Source
paths are recorded relative to the output directory, so a project moved as
a whole keeps its index; a document published from text that was never a file
records no source and is kept. The recorded file time is the file's own
modification time, which publishing leaves alone when the content is
unchanged: it is when that content was published.

Databases of earlier versions are migrated in place (columns and a table
added, ``PRAGMA user_version`` 3); a ``.published.json`` left by still earlier
versions is imported once and removed.

The manifest is rebuilt by publishing, so a damaged one is set aside as
``.published.sqlite3.broken`` and started afresh, with a note (the index then
lists what is published from now on); a full disk while recording is one line
naming the file (:mod:`pipeline.dbfile`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.dbfile import open_rebuildable, sqlite_errors, write_transaction

MANIFEST_FILE = ".published.sqlite3"
LEGACY_MANIFEST_FILE = ".published.json"
SCHEMA_VERSION = 4

_TABLES = (
    """CREATE TABLE IF NOT EXISTS published (
    path TEXT PRIMARY KEY,          -- relative to the output directory, "/"-separated
    format TEXT NOT NULL,
    document TEXT NOT NULL,
    language TEXT NOT NULL,
    reviewed_ratio REAL NOT NULL
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS documents (
    document TEXT PRIMARY KEY,
    date TEXT NOT NULL DEFAULT '',              -- ISO date from the transcript header, or ''
    source_path TEXT NOT NULL DEFAULT '',       -- relative to the output directory, or ''
    source_language TEXT NOT NULL DEFAULT '',
    source_title TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID""",
    # Files of documents whose transcript is gone: out of the index, still on disk.
    """CREATE TABLE IF NOT EXISTS orphans (
    path TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    language TEXT NOT NULL
) WITHOUT ROWID""",
    # Each index page's rows as last rendered (schema 4): a row whose inputs have the same
    # key is copied, not rendered again (pipeline.publish.index). A cache: losing it costs
    # one rendering of every row.
    """CREATE TABLE IF NOT EXISTS index_rows (
    page TEXT NOT NULL,             -- which index page (and its options)
    document TEXT NOT NULL,
    key TEXT NOT NULL,              -- hash of everything the row's HTML is made from
    html TEXT NOT NULL,             -- about 1 KB: a rowid table, not WITHOUT ROWID
    UNIQUE (page, document)
)""",
)

# Columns added to ``published`` by schema 2 (ALTER TABLE on older databases).
_ADDED_COLUMNS = {
    "title": "TEXT NOT NULL DEFAULT ''",
    "kind": "TEXT NOT NULL DEFAULT ''",
    "style": "TEXT NOT NULL DEFAULT 'review'",
    "published_at": "TEXT NOT NULL DEFAULT ''",  # UTC, ISO 8601 with "Z"
}

_INDEXES = (
    "DROP INDEX IF EXISTS published_document",
    "CREATE INDEX IF NOT EXISTS published_document_language "
    "ON published (document, language, path)",
    "CREATE INDEX IF NOT EXISTS documents_newest ON documents (date DESC, document)",
)

# Rows already recorded with the same values are left alone, so that re-publishing an
# unchanged archive leaves the manifest file (and its mtime) untouched.
_FILE_COLUMNS = (
    "format",
    "document",
    "language",
    "reviewed_ratio",
    "title",
    "kind",
    "style",
    "published_at",
)
_UPSERT_FILE = f"""
INSERT INTO published (path, {", ".join(_FILE_COLUMNS)}) VALUES (?,?,?,?,?,?,?,?,?)
ON CONFLICT(path) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in _FILE_COLUMNS)}
WHERE ({", ".join(_FILE_COLUMNS)})
    IS NOT ({", ".join(f"excluded.{c}" for c in _FILE_COLUMNS)})
"""
_DOCUMENT_COLUMNS = ("date", "source_path", "source_language", "source_title", "source_kind")
_UPSERT_DOCUMENT = f"""
INSERT INTO documents (document, {", ".join(_DOCUMENT_COLUMNS)}) VALUES (?,?,?,?,?,?)
ON CONFLICT(document) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in _DOCUMENT_COLUMNS)}
WHERE ({", ".join(_DOCUMENT_COLUMNS)})
    IS NOT ({", ".join(f"excluded.{c}" for c in _DOCUMENT_COLUMNS)})
"""
_ADD_DOCUMENT = "INSERT OR IGNORE INTO documents (document) VALUES (?)"
_KEEP_ROW = "INSERT OR REPLACE INTO index_rows VALUES (?, ?, ?, ?)"

# The index's query: documents newest first (undated ones last), each with its files
# grouped by language. Both orders come from indexes, so rows stream without a sort.
_ROWS = """
SELECT p.path, p.format, p.document, p.language, p.reviewed_ratio, p.title, p.kind,
       p.published_at, d.date, d.source_language, d.source_title, d.source_kind
FROM documents AS d CROSS JOIN published AS p ON p.document = d.document
WHERE (?1 IS NULL OR p.language = ?1) AND p.reviewed_ratio * 100 + 1e-9 >= ?2
ORDER BY d.date DESC, d.document, p.language, p.path
"""


@dataclass(frozen=True)
class RecordedFile:
    """A published file as :meth:`PublishedManifest.recorded_files` lists it."""

    path: str  # relative to the output directory, "/"-separated
    document: str
    language: str
    from_transcript: bool  # published from a transcript file (its path was recorded)
    listed: bool  # in the index (else an orphan: its transcript is gone)


@dataclass(frozen=True)
class ManifestRow:
    """One published file as recorded: ``path`` is relative to the output directory.

    The fields after ``reviewed_ratio`` come from schema 2 and are "" for files
    recorded by earlier versions until they are published again.
    """

    path: str
    format: str
    document: str
    language: str
    reviewed_ratio: float
    title: str = ""
    kind: str = ""
    published_at: str = ""
    date: str = ""
    source_language: str = ""
    source_title: str = ""
    source_kind: str = ""


def file_time(path: Path) -> str:
    """The file's modification time as UTC ISO 8601 ("2021-02-18T18:22:05Z"), or "".

    Clamped to ``SOURCE_DATE_EPOCH`` when that is set, as reproducible builds do: two
    builds of the same inputs then publish the same index, whenever they ran.
    """
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    with contextlib.suppress(KeyError, ValueError):
        stamp = min(stamp, int(os.environ["SOURCE_DATE_EPOCH"]))
    moment = dt.datetime.fromtimestamp(stamp, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class PublishedManifest:
    """``output/.published.sqlite3``: add files as they are published, read them back in order."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = Path(output_dir)
        self._output_text = str(self.output_dir)
        self.path = self.output_dir / MANIFEST_FILE
        self._output_real: str | None = None  # the output directory's real path, once known
        self._real_directories: dict[str, str] = {}  # see _real_path
        self._fresh_rows: list[tuple[str, str, str, str]] = []  # index rows not yet kept
        self._stashed = False  # some wait in a temporary table (see keep_row)
        self._reading_rows = False  # a cached_rows cursor is open
        self._db, note = open_rebuildable(self.path, _migrate, "record of published files")
        self.notes = [note] if note else []  # for the run's report
        with self._writing():
            self._import_legacy()

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        """A full disk (or a read-only file) while recording: one line naming the manifest."""
        return sqlite_errors(self.path, "record the published files")

    def _relative(self, path: Path | str) -> str:
        if self._output_real is None:
            self._output_real = os.path.realpath(self.output_dir)
        real = self._real_path(path)
        inside = self._output_real.rstrip(os.sep) + os.sep
        if os.sep == "/" and real.startswith(inside):  # the usual case, without relpath
            return real[len(inside) :]
        return Path(os.path.relpath(real, self._output_real)).as_posix()

    def _real_path(self, path: Path | str) -> str:
        """``os.path.realpath(path)``, resolving each directory once: a run records
        every published file, and resolving every component of each path cost
        1.5 ms per document (one ``lstat`` per component)."""
        if os.path.islink(path):
            return os.path.realpath(path)
        directory, name = os.path.split(os.path.abspath(path))
        real = self._real_directories.get(directory)
        if real is None:
            if len(self._real_directories) > 10_000:  # one folder per document: stay small
                self._real_directories.clear()
            real = self._real_directories[directory] = os.path.realpath(directory)
        return os.path.join(real, name)

    def _source(self, source_path: str) -> str:
        """A transcript's path as recorded: relative to the output directory where possible."""
        if not source_path:
            return ""
        try:
            return self._relative(source_path)
        except ValueError:  # another drive (Windows): keep it absolute
            return Path(source_path).as_posix()

    def record(self, files: Iterable) -> None:
        """Add or update published files (:class:`~pipeline.publish.PublishedFile`, or any
        object with path, format, document, language and reviewed_ratio) and commit."""
        file_rows, documents = [], {}
        for f in files:
            facts = getattr(f, "facts", None)
            path = Path(f.path)
            file_rows.append(
                (
                    self._relative(path),
                    f.format,
                    f.document,
                    f.language,
                    float(f.reviewed_ratio),
                    facts.title if facts else "",
                    facts.kind if facts else "",
                    getattr(f, "style", "review"),
                    file_time(path),
                )
            )
            if facts is not None and documents.get(f.document) is None:  # files share facts
                documents[f.document] = (
                    f.document,
                    facts.date,
                    self._source(facts.source_path),
                    facts.source_language,
                    facts.source_title,
                    facts.source_kind,
                )
            else:
                documents.setdefault(f.document, None)
        with self._writing(), self._db:
            self._db.executemany(_UPSERT_FILE, file_rows)
            self._db.executemany(
                _ADD_DOCUMENT, [(name,) for name, row in documents.items() if row is None]
            )
            self._db.executemany(_UPSERT_DOCUMENT, [row for row in documents.values() if row])

    def prune(self) -> int:
        """Forget files no longer on disk and take documents whose transcript is gone out
        of the index (their files become orphans, for ``pipeline prune``); record the
        time of files recorded without one. Return how many files left the index."""
        missing, undated = [], []
        exists = self._exists
        for path, stamp in self._db.execute("SELECT path, published_at FROM published"):
            if not exists(path):
                missing.append((path,))
            elif not stamp:
                undated.append((file_time(self.output_dir / path), path))
        lost = [
            (path,) for (path,) in self._db.execute("SELECT path FROM orphans") if not exists(path)
        ]
        gone = [
            (document,)
            for document, source in self._db.execute(
                "SELECT document, source_path FROM documents WHERE source_path != ''"
            )
            if not exists(source)
        ]
        with self._writing(), self._db:
            self._db.executemany("DELETE FROM published WHERE path = ?", missing)
            self._db.executemany("DELETE FROM orphans WHERE path = ?", lost)
            self._db.executemany("UPDATE published SET published_at = ? WHERE path = ?", undated)
            self._db.executemany(
                "INSERT OR REPLACE INTO orphans (path, document, language) "
                "SELECT path, document, language FROM published WHERE document = ?",
                gone,
            )
            before = self._db.total_changes
            self._db.executemany("DELETE FROM published WHERE document = ?", gone)
            dropped = self._db.total_changes - before
            self._db.execute("DELETE FROM orphans WHERE path IN (SELECT path FROM published)")
            self._forget_unpublished_documents()
        return len(missing) + dropped

    def _exists(self, path: str) -> bool:
        """Whether the file recorded as ``path`` is on disk (a plain ``stat``, no
        ``Path`` objects: this runs for every published file on every run)."""
        return os.path.isfile(os.path.join(self._output_text, path))

    def _forget_unpublished_documents(self) -> None:
        self._db.execute(
            "DELETE FROM documents WHERE document NOT IN (SELECT document FROM published)"
        )
        self._db.execute(
            "DELETE FROM index_rows WHERE document NOT IN (SELECT document FROM documents)"
        )

    def cached_rows(self, page: str) -> Iterator[tuple[str, str, str, str]]:
        """(date, document, key, HTML) of the rows of index ``page`` as last rendered, in
        the order of :meth:`rows` (a streaming cursor, to walk beside it)."""
        self._reading_rows = True
        try:
            yield from self._db.execute(
                "SELECT d.date, r.document, r.key, r.html FROM documents AS d "
                "CROSS JOIN index_rows AS r ON r.page = ? AND r.document = d.document "
                "ORDER BY d.date DESC, d.document",
                (page,),
            )
        finally:
            self._reading_rows = False

    def keep_row(self, page: str, document: str, key: str, html: str) -> None:
        """Remember a row just rendered; :meth:`commit_rows` keeps them. Rows are written
        a thousand at a time, so memory stays flat however many a first run renders:
        to the table itself once :meth:`cached_rows` has been read to its end (a first
        run: it was empty), else to a temporary table (SQLite must not see the table
        it is reading change)."""
        self._fresh_rows.append((page, document, key, html))
        if len(self._fresh_rows) >= 1000:
            self._write_rows()

    def _write_rows(self) -> None:
        rows, self._fresh_rows = self._fresh_rows, []
        with self._writing():
            if self._reading_rows:
                self._db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS fresh_rows "
                    "(page TEXT, document TEXT, key TEXT, html TEXT)"
                )
                self._db.executemany("INSERT INTO temp.fresh_rows VALUES (?, ?, ?, ?)", rows)
                self._stashed = True
            else:
                self._db.executemany(_KEEP_ROW, rows)

    def commit_rows(self) -> None:
        """Keep the rows rendered since the last call (replacing those of the same page and
        document) and commit."""
        with self._writing(), self._db:
            self._write_rows()
            if self._stashed:
                self._db.execute("INSERT OR REPLACE INTO index_rows SELECT * FROM temp.fresh_rows")
                self._db.execute("DROP TABLE temp.fresh_rows")
        self._stashed = False

    def recorded_files(self) -> list[RecordedFile]:
        """Every file recorded, listed in the index or orphaned (its transcript gone),
        ordered by document, language and path."""
        rows = self._db.execute(
            "SELECT p.path, p.document, p.language, coalesce(d.source_path, '') != '', 1 "
            "FROM published AS p LEFT JOIN documents AS d ON d.document = p.document "
            "UNION ALL SELECT path, document, language, 1, 0 FROM orphans "
            "ORDER BY 2, 3, 1"
        )
        return [
            RecordedFile(path, document, language, bool(known), bool(listed))
            for path, document, language, known, listed in rows
        ]

    def forget(self, paths: Iterable[str]) -> None:
        """Forget the recorded files at ``paths`` (relative to the output directory),
        listed or orphaned; a document left without files leaves the index."""
        rows = [(path,) for path in paths]
        with self._writing(), self._db:
            self._db.executemany("DELETE FROM published WHERE path = ?", rows)
            self._db.executemany("DELETE FROM orphans WHERE path = ?", rows)
            self._forget_unpublished_documents()

    def remove_stale_parts(
        self, file_name: str, current: set[str], languages: Iterable[str], source_file: Path
    ) -> list[Path]:
        """Delete the outputs of a file's parts (or of the whole file) that are no longer
        documents of the run, in ``languages``; return the files deleted.

        When a large transcript is cut into other parts (or stops being cut), the
        outputs published for the old ``<name>.part-NNNN`` (or ``<name>``) would
        otherwise linger in the output directory and in the index. They are
        generated files, rewritten by every run, so they are removed like a
        build removes stale outputs; the translators' catalogs are never touched.

        Only documents recorded as published from ``source_file`` (the transcript
        itself) are candidates: ``x.part-0001.txt`` beside ``x.txt`` is a document of
        its own, recorded with its own transcript, and never taken for a part of ``x``
        (nor are documents recorded without a transcript, by earlier versions).
        """
        from pipeline.text.ingest import part_glob

        languages = list(languages)
        rows = self._db.execute(
            "SELECT p.path, p.document, p.language FROM published AS p "
            "JOIN documents AS d ON d.document = p.document "
            "WHERE (p.document = ?1 OR p.document GLOB ?2) AND d.source_path = ?3",
            (file_name, part_glob(file_name), self._source(str(Path(source_file).resolve()))),
        ).fetchall()
        stale = [
            path
            for path, document, language in rows
            if document not in current and language in languages
        ]
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                (self.output_dir / path).unlink()
        with self._writing(), self._db:
            self._db.executemany("DELETE FROM published WHERE path = ?", [(p,) for p in stale])
        return [self.output_dir / path for path in stale]

    def languages(self) -> list[str]:
        """Every language recorded, in alphabetical order."""
        return [
            code
            for (code,) in self._db.execute(
                "SELECT DISTINCT language FROM published ORDER BY language"
            )
        ]

    def counts(self, language: str | None = None, threshold: float = 0.0) -> tuple[int, int]:
        """(distinct documents, distinct document-language pairs) recorded, in one
        ``language`` or all, among files at least ``threshold`` percent reviewed."""
        found = self._db.execute(
            "SELECT COUNT(DISTINCT document), COUNT(DISTINCT document || char(0) || language) "
            "FROM published WHERE (?1 IS NULL OR language = ?1) "
            "AND reviewed_ratio * 100 + 1e-9 >= ?2",
            (language, threshold),
        ).fetchone()
        return found[0], found[1]

    def rows(self, language: str | None = None, threshold: float = 0.0) -> Iterator[ManifestRow]:
        """Recorded files, newest document first (undated last), then by document,
        language and path, in one ``language`` or all, among files at least ``threshold``
        percent reviewed (a streaming cursor)."""
        for row in self._db.execute(_ROWS, (language, threshold)):
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


def _migrate(db: sqlite3.Connection) -> None:
    """Create the tables, or bring a database of an earlier version up to this schema; then
    read them (a damaged file, or another program's, fails here, left as it was). Then
    written ahead (WAL), synced at checkpoints only: a commit per document must not cost
    a disk flush."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version < SCHEMA_VERSION:
        with write_transaction(db):  # one migration at a time, all or nothing
            for statement in _TABLES:
                db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(published)")}
            for name, declaration in _ADDED_COLUMNS.items():
                if name not in columns:
                    db.execute(f"ALTER TABLE published ADD COLUMN {name} {declaration}")
            for statement in _INDEXES:
                db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO documents (document) SELECT DISTINCT document FROM published"
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.execute(f"SELECT path, {', '.join(_FILE_COLUMNS)} FROM published LIMIT 1").fetchone()
    db.execute(f"SELECT document, {', '.join(_DOCUMENT_COLUMNS)} FROM documents LIMIT 1")
    db.execute("SELECT path, document, language FROM orphans LIMIT 1")
    db.execute("SELECT page, document, key, html FROM index_rows LIMIT 1")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")


class _LegacyFile:
    """A ``.published.json`` item shaped like a PublishedFile for :meth:`record`."""

    def __init__(self, path: Path, item: dict) -> None:
        self.path = path
        self.format = item["format"]
        self.document = item["document"]
        self.language = item["language"]
        self.reviewed_ratio = float(item["reviewed_ratio"])
