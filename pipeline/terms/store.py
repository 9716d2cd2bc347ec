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
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

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
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        yield db


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
) -> ImportResult:
    """Read a glossary and replace what an earlier import of the same file defined.

    The file is read whole before the database is touched; any error leaves
    the database as it was. ``default_language`` is the target language of a
    file that names none.
    """
    path = Path(path)
    terms, kind, skipped = read_glossary(path, source_language, default_language)
    glossary = str(path.resolve())
    with _connect(db_path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            counts = _replace(db, glossary, terms)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return ImportResult(
        path=str(path),
        format=kind,
        terms=len(terms),
        languages=tuple(sorted({t.language for t in terms})),
        skipped=skipped,
        **counts,
    )


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
