"""The project's terms: ``translations/terms.sqlite3``, filled by glossary imports.

Why SQLite rather than a TBX file under ``translations/``: an import must be
all or nothing, and several glossaries (CSV from one team, TBX from another)
feed one term list where a re-import of a file replaces exactly what that file
defined before. SQLite gives that as one transaction (WAL journal, so a run
reading the terms never sees half an import and never blocks on it), keeps the
origin of every term (``glossary.csv:12``) for messages, and is read with no
XML parser on the hot path of every run. TBX stays the exchange format: it is
imported here, and the terms could be exported to it.

A term is keyed by (source language, target language, source term as written).
Importing a file replaces every term an earlier import of the same file (by
resolved path) defined; a term defined by two files belongs to the last one
imported.

Each import also records the file's size, modification time and a hash of its
bytes (table ``glossaries``), so that :func:`sync_glossaries` (the glossaries
``[terms] files`` of ``pipeline.toml`` lists, at the start of every run) costs
one ``stat`` per unchanged file, re-imports a file only when its content
changed, and removes the terms of a listed file the project no longer lists.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.dbfile import write_transaction
from pipeline.errors import UserError
from pipeline.terms.languages import language_fallbacks, normalise_language
from pipeline.terms.model import ImportResult, Term

TERMS_FILE = "terms.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    source_language TEXT NOT NULL,
    language TEXT NOT NULL,
    source TEXT NOT NULL,
    targets TEXT NOT NULL,          -- JSON list of approved forms
    note TEXT NOT NULL DEFAULT '',
    keep INTEGER NOT NULL DEFAULT 0,
    glossary TEXT NOT NULL,         -- resolved path of the file that defined it
    origin TEXT NOT NULL,           -- file name and line, for messages
    PRIMARY KEY (source_language, language, source)
) WITHOUT ROWID
"""
_FILES_SCHEMA = """
CREATE TABLE IF NOT EXISTS glossaries (
    glossary TEXT PRIMARY KEY,      -- resolved path, as in terms.glossary
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest BLOB NOT NULL,           -- blake2b of the bytes imported
    listed INTEGER NOT NULL DEFAULT 0  -- imported because pipeline.toml lists it
) WITHOUT ROWID
"""


def terms_path(translations_dir: Path) -> Path:
    """``<translations_dir>/terms.sqlite3``."""
    return Path(translations_dir) / TERMS_FILE


@contextmanager
def _connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path, timeout=60, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserError(f"{db_path}: written by a newer version of the tool")
        db.execute(_SCHEMA)
        db.execute(_FILES_SCHEMA)  # added in place to a database written before it
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        yield db


def terms_fingerprint(db_path: Path) -> str:
    """A hash of every term in the database ("" when there is none): what a step that
    shows or checks terms depends on. The file's own time is no guide: every connection
    may checkpoint its write-ahead log into it."""
    db_path = Path(db_path)
    if not db_path.is_file():
        return ""
    digest = hashlib.blake2b(digest_size=16)
    with closing(sqlite3.connect(db_path, timeout=60)) as db:
        try:
            rows = db.execute(
                "SELECT source_language, language, source, targets, note, keep FROM terms "
                "ORDER BY source_language, language, source"
            )
            for row in rows:
                digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        except sqlite3.Error as error:
            return f"unreadable: {error}"  # the step that reads the terms will say so
    return digest.hexdigest()


def read_glossary(
    path: Path, source_language: str = "en", default_language: str | None = None
) -> tuple[list[Term], str, int]:
    """(terms, format, skipped entries) of a glossary file, by its extension."""
    from pipeline.terms.delimited import read_delimited

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: glossary not found")
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        from pipeline.terms.tbx import read_tbx

        terms, skipped = read_tbx(path, source_language)
        return terms, "tbx", skipped
    if suffix in {".csv", ".tsv", ".tab", ".txt"}:
        terms = read_delimited(path, source_language, default_language)
        return terms, "csv" if suffix == ".csv" else "tsv", 0
    raise UserError(f"{path}: unknown glossary format (expected .csv, .tsv or .tbx)")


def import_glossary(
    path: Path,
    db_path: Path,
    *,
    source_language: str = "en",
    default_language: str | None = None,
    listed: bool = False,
) -> ImportResult:
    """Read a glossary and replace what an earlier import of the same file defined.

    The file is read whole before the database is touched; any error leaves
    the database as it was. ``default_language`` is the target language of a
    file that names none; ``listed`` records that the project file lists it
    (see :func:`sync_glossaries`).
    """
    path = Path(path)
    stamp = _stamp(path)  # before reading: a later change shows as a newer stamp
    terms, kind, skipped = read_glossary(path, source_language, default_language)
    glossary = str(path.resolve())
    with _connect(db_path) as db, write_transaction(db):
        counts = _replace(db, glossary, terms)
        db.execute(
            "INSERT INTO glossaries VALUES (?,?,?,?,?) ON CONFLICT (glossary) DO UPDATE "
            "SET size=excluded.size, mtime_ns=excluded.mtime_ns, digest=excluded.digest, "
            "listed=max(listed, excluded.listed)",
            (glossary, *stamp, int(listed)),
        )
    return ImportResult(
        path=str(path),
        format=kind,
        terms=len(terms),
        languages=tuple(sorted({t.language for t in terms})),
        skipped=skipped,
        **counts,
    )


def _stamp(path: Path) -> tuple[int, int, bytes]:
    """(size, modification time in ns, hash of the bytes) of a glossary file."""
    if not path.is_file():
        raise UserError(f"{path}: glossary not found")
    try:
        stat = path.stat()
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError as error:
        raise UserError(f"{path}: cannot read the glossary ({error.strerror})") from None
    return stat.st_size, stat.st_mtime_ns, digest


@dataclass(frozen=True)
class SyncResult:
    """What :func:`sync_glossaries` did: files imported, and files no longer listed whose
    terms were removed."""

    imported: list[ImportResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def sync_glossaries(
    files: Sequence[Path],
    db_path: Path,
    *,
    source_language: str = "en",
    default_language: str | None = None,
) -> SyncResult:
    """Bring the terms of the project's listed glossaries up to date, cheaply.

    A file whose size and modification time are those recorded at its last
    import is not read; one whose stamp changed is hashed, and imported only
    when its bytes changed. The terms of a glossary an earlier sync imported
    and ``files`` no longer lists are removed. Nothing is created for a
    project without glossaries.
    """
    db_path = Path(db_path)
    if not files and not db_path.is_file():
        return SyncResult()
    wanted = {str(Path(path).resolve()): Path(path) for path in files}
    result = SyncResult()
    with _connect(db_path) as db:
        recorded = {
            row[0]: row[1:]
            for row in db.execute("SELECT glossary, size, mtime_ns, digest, listed FROM glossaries")
        }
    for glossary, path in wanted.items():
        if not path.is_file():
            raise UserError(f"{path}: glossary not found (listed in [terms] files)")
        if not _up_to_date(db_path, glossary, path, recorded.get(glossary)):
            result.imported.append(
                import_glossary(
                    path,
                    db_path,
                    source_language=source_language,
                    default_language=default_language,
                    listed=True,
                )
            )
    gone = [g for g, row in recorded.items() if row[3] and g not in wanted]
    if gone:
        _forget(db_path, gone)
        result.removed.extend(gone)
    return result


def _up_to_date(
    db_path: Path, glossary: str, path: Path, recorded: tuple[int, int, bytes, int] | None
) -> bool:
    """Whether ``path`` holds what was imported last (updating the recorded stamp when
    only its modification time changed, and marking it listed)."""
    if recorded is None:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False  # the import says what is wrong
    size, mtime_ns, digest, listed = recorded
    if (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns) and listed:
        return True
    stamp = _stamp(path)
    if stamp[2] != digest:
        return False
    with _connect(db_path) as db:
        db.execute(
            "UPDATE glossaries SET size=?, mtime_ns=?, listed=1 WHERE glossary=?",
            (stamp[0], stamp[1], glossary),
        )
    return True


def _forget(db_path: Path, glossaries: list[str]) -> None:
    """Remove the terms (and the record) of each glossary, in one transaction."""
    with _connect(db_path) as db, write_transaction(db):
        for glossary in glossaries:
            db.execute("DELETE FROM terms WHERE glossary = ?", (glossary,))
            db.execute("DELETE FROM glossaries WHERE glossary = ?", (glossary,))


def _replace(db: sqlite3.Connection, glossary: str, terms: list[Term]) -> dict[str, int]:
    """Delete the file's old terms, write its new ones; counts of what changed."""
    before = {
        (row[0], row[1], row[2]): row[3:]
        for row in db.execute(
            "SELECT source_language, language, source, targets, note, keep FROM terms"
        )
    }
    owned = {
        tuple(row)
        for row in db.execute(
            "SELECT source_language, language, source FROM terms WHERE glossary = ?", (glossary,)
        )
    }
    db.execute("DELETE FROM terms WHERE glossary = ?", (glossary,))
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    new_keys = set()
    for term in terms:
        key = (term.source_language, term.language, term.source)
        new_keys.add(key)
        values = (json.dumps(list(term.targets), ensure_ascii=False), term.note, int(term.keep))
        old = before.get(key)
        counts["added" if old is None else "unchanged" if old == values else "updated"] += 1
        db.execute(
            "INSERT OR REPLACE INTO terms VALUES (?,?,?,?,?,?,?,?)",
            (*key, *values, glossary, term.origin),
        )
    counts["removed"] = len(owned - new_keys)
    return counts


def list_terms(
    db_path: Path, language: str | None = None, source_language: str | None = None
) -> list[Term]:
    """The stored terms (of one target language and its base language, if given).

    Sorted by language, then source term ignoring case. A missing database is
    an empty list (and is not created).
    """
    if not Path(db_path).is_file():
        return []
    query = "SELECT source_language, language, source, targets, note, keep, origin FROM terms"
    with _connect(db_path) as db:
        rows = db.execute(query).fetchall()
    wanted = set(language_fallbacks(language)) if language else None
    source = normalise_language(source_language) if source_language else None
    terms = [
        Term(
            source=row[2],
            language=row[1],
            targets=tuple(json.loads(row[3])),
            note=row[4],
            keep=bool(row[5]),
            source_language=row[0],
            origin=row[6],
        )
        for row in rows
        if (wanted is None or row[1] in wanted) and (source is None or row[0] == source)
    ]
    return sorted(terms, key=lambda t: (t.language, t.source.casefold(), t.source))
