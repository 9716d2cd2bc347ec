"""The build state: what each transcript's catalogs and published files were made from.

Like make or ninja, a run skips a transcript whose inputs have not changed
since it was last built (:mod:`pipeline.steps.incremental` decides). Each
built file (all parts of a large one together) has one :class:`Record`:

* the transcript's size, modification time and hash (a touched file whose
  bytes are the same is unchanged), the language it was found to be written
  in, and the fingerprint of the settings it was read with;
* its POT templates as the run left them (size and modification time);
* per target language: the fingerprint of each step that made the language's
  files (``extract``, ``translate``, ``publish``: the tool, the model, the
  memory and publish settings …), the PO files and published files as the
  run left them — a translator's save or a deleted page is a change — and,
  for the translation memory, the sentences it could still fill and the
  memory's mark when they were looked up.

It lives in ``translations/build-state.sqlite3``, written by the main
process only (under the run's lock), one transaction per batch of records.
It is a cache: deleting it costs one full run and never changes an output; a
damaged file is set aside and started afresh (:mod:`pipeline.dbfile`); a
record that cannot be read is a document to build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.dbfile import open_rebuildable, sqlite_errors

if TYPE_CHECKING:
    from pipeline.project import Project

STATE_FILE = "build-state.sqlite3"
APPLICATION_ID = 0x50425331  # "PBS1": a pipeline build state
SCHEMA_VERSION = 1

Stamp = tuple[int, int]  # size in bytes, modification time in nanoseconds

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE IF NOT EXISTS documents (
    family TEXT PRIMARY KEY,     -- the transcript's document name (its parts share it)
    record TEXT NOT NULL         -- the Record, as JSON
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS open_sentences (
    family TEXT NOT NULL,
    language TEXT NOT NULL,
    keys BLOB NOT NULL,          -- zlib("\\n".join(memory keys)): what the memory could fill
    PRIMARY KEY (family, language)
) WITHOUT ROWID;
"""


def stamp(path: str | Path) -> Stamp | None:
    """The file's size and modification time, or None when it is missing."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def file_digest(path: str | Path) -> str:
    """A hash of the file's bytes ("" when it cannot be read)."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    """A short hash of ``parts`` (JSON-serialisable, or anything with a stable ``str``)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def unchanged(files: dict[str, Stamp]) -> bool:
    """Whether every file is still as recorded (one ``stat`` each)."""
    return all(stamp(path) == tuple(recorded) for path, recorded in files.items())


@functools.cache
def package_stamps(folder: str, suffixes: tuple[str, ...]) -> tuple:
    """Every file of the tool's package under ``folder`` with a suffix, stamped."""
    root = Path(__file__).resolve().parent.parent / folder  # pipeline/<folder>
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffixes):
                path = os.path.join(directory, name)
                found.append((os.path.relpath(path, root), stamp(path)))
    return tuple(found)


@functools.cache
def tool_fingerprint() -> str:
    """The tool's version and code: a new version (or an edited checkout) builds again."""
    from pipeline import __version__

    return fingerprint(__version__, package_stamps(".", (".py",)))


def reading_fingerprint(project: Project) -> str:
    """What reading a transcript depends on, besides its bytes."""
    return fingerprint(
        tool_fingerprint(),
        project.source_language,
        project.encoding,
        project.strict_language,
        os.path.abspath(project.root),
        os.path.abspath(project.translations_dir),
        os.path.abspath(project.output_dir),
    )


@dataclass
class LanguageState:
    """How one language's catalogs and published files of a transcript were made."""

    stages: dict[str, str] = field(default_factory=dict)  # step -> settings fingerprint
    files: dict[str, Stamp] = field(default_factory=dict)  # PO and published files, as left
    memory: str = ""  # the memory's mark when its open sentences were looked up
    open_known: bool = True  # False: too many open sentences to record them
    suggestions: list[str] = field(default_factory=list)  # what the run reported for it
    source_text: dict[str, int] = field(default_factory=dict)


@dataclass
class Record:
    """What one transcript (all its parts) was last built from; see the module docstring."""

    path: str  # the transcript, absolute
    size: int
    mtime_ns: int
    digest: str
    language: str  # the language it is written in
    reading: str  # fingerprint of the settings it was read with
    templates: dict[str, Stamp] = field(default_factory=dict)
    languages: dict[str, LanguageState] = field(default_factory=dict)

    def to_json(self) -> str:
        # vars(), not dataclasses.asdict: asdict deep-copies every value, a third of the
        # time the main process spent recording a document.
        data = dict(vars(self))
        data["languages"] = {code: vars(state) for code, state in self.languages.items()}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, shared: dict | None = None) -> Record:
        """The record saved as ``text``. ``shared`` (one dict for all the records of a
        read) lets records share what is the same in most of them: the step
        fingerprints and the strings they repeat, about half of a record's memory."""
        shared = {} if shared is None else shared
        data = json.loads(text)
        data["reading"] = shared.setdefault(data["reading"], data["reading"])
        data["language"] = shared.setdefault(data["language"], data["language"])
        data["templates"] = _stamps(data["templates"])
        languages = {}
        for language, state in data["languages"].items():
            stages = state["stages"]
            state["stages"] = shared.setdefault(tuple(stages.items()), stages)
            state["memory"] = shared.setdefault(state["memory"], state["memory"])
            state["files"] = _stamps(state["files"])
            languages[shared.setdefault(language, language)] = LanguageState(**state)
        data["languages"] = languages
        return cls(**data)


def _stamps(files: dict[str, list[int]]) -> dict[str, Stamp]:
    return {path: (size, mtime) for path, (size, mtime) in files.items()}


class BuildState:
    """The records of a project, read at the start of a job; written under its lock."""

    def __init__(self, translations_dir: Path) -> None:
        self.path = Path(translations_dir) / STATE_FILE
        self.records: dict[str, Record] = {}
        self.notes: list[str] = []  # for the run's report
        self._db: sqlite3.Connection | None = None
        self._saved: dict[str, tuple[Record | None, dict[str, list[str]]]] = {}

    @classmethod
    def read(cls, translations_dir: Path) -> BuildState:
        """The recorded state (empty when there is none, or it cannot be read: then
        everything is built and the file is rebuilt when written)."""
        state = cls(translations_dir)
        if not state.path.is_file():
            return state
        with contextlib.suppress(sqlite3.Error):
            # Read-write though only read: a read-only connection to a WAL file leaves its
            # -wal and -shm files behind (it may not checkpoint them away on close).
            connection = sqlite3.connect(state.path, timeout=60)
            try:
                if _ours(connection):
                    shared: dict = {}
                    for family, text in connection.execute("SELECT family, record FROM documents"):
                        with contextlib.suppress(ValueError, TypeError, KeyError):
                            state.records[family] = Record.from_json(text, shared)
            finally:
                connection.close()
        return state

    def source_language(self, family: str, path: Path, reading: str) -> str | None:
        """The recorded language of ``family``'s transcript when it is unchanged and read
        with the same settings (its hash decides when only its times changed); else None."""
        record = self.records.get(family)
        if record is None or record.reading != reading or record.path != os.path.abspath(path):
            return None
        now = stamp(path)
        if now is None:
            return None
        if now != (record.size, record.mtime_ns):
            if now[0] != record.size or file_digest(path) != record.digest:
                return None
            record.size, record.mtime_ns = now  # touched, same bytes: remember the new time
            self._saved[family] = (record, {})
        return record.language

    # -- writing (the main process, under the job's lock) -------------------

    def save(self, family: str, record: Record, open_keys: dict[str, list[str]]) -> None:
        """Record what ``family`` was built from (written by :meth:`flush`)."""
        self.records[family] = record
        self._saved[family] = (record, open_keys)
        if len(self._saved) >= 1000:
            self.flush()

    def forget(self, family: str) -> None:
        """Drop ``family``'s record: it is built again next time."""
        if self.records.pop(family, None) is not None:
            self._saved[family] = (None, {})

    def open_keys(self, family: str, language: str) -> list[str]:
        """The memory keys of ``family``'s sentences in ``language`` that the memory could
        still fill, as recorded (empty when none are or the state is not open)."""
        self._open()
        row = self._db.execute(
            "SELECT keys FROM open_sentences WHERE family = ? AND language = ?",
            (family, language),
        ).fetchone()
        if row is None:
            return []
        with contextlib.suppress(zlib.error):
            text = zlib.decompress(row[0]).decode("utf-8")
            return text.split("\n") if text else []
        return []

    def flush(self) -> None:
        """Write the records saved since the last flush, in one transaction."""
        if not self._saved:
            return
        self._open()
        saved, self._saved = self._saved, {}
        with sqlite_errors(self.path, "record the build state"), self._db:
            for family, (record, open_keys) in saved.items():
                self._write(family, record, open_keys)

    def _write(self, family: str, record: Record | None, open_keys: dict[str, list[str]]) -> None:
        db = self._db
        assert db is not None
        if record is None:
            db.execute("DELETE FROM documents WHERE family = ?", (family,))
            db.execute("DELETE FROM open_sentences WHERE family = ?", (family,))
            return
        db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?)", (family, record.to_json()))
        for language in record.languages:
            keys = open_keys.get(language)
            if keys is None:
                continue  # kept as recorded (the record's time changed, not its sentences)
            db.execute(
                "INSERT OR REPLACE INTO open_sentences VALUES (?, ?, ?)",
                (family, language, zlib.compress("\n".join(keys).encode("utf-8"))),
            )
        db.execute(
            f"DELETE FROM open_sentences WHERE family = ? AND language NOT IN "
            f"({', '.join('?' * len(record.languages))})",
            (family, *record.languages),
        )

    def _open(self) -> None:
        if self._db is None:
            self._db, note = open_rebuildable(self.path, _prepare, "build state")
            if note:
                self.notes.append(note)

    def close(self) -> None:
        """Write what is left and close the file."""
        try:
            self.flush()
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None


def _ours(connection: sqlite3.Connection) -> bool:
    (application,) = connection.execute("PRAGMA application_id").fetchone()
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    return application == APPLICATION_ID and version == SCHEMA_VERSION


def _prepare(connection: sqlite3.Connection) -> None:
    """Create the tables in a new file; refuse (as damaged) another program's or version's."""
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")  # a cache: a lost commit costs a rebuild
    (tables,) = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if tables == 0:
        connection.executescript(_SCHEMA)
    elif not _ours(connection):
        raise sqlite3.DatabaseError("not a build state of this version")
    connection.execute("SELECT family, record FROM documents LIMIT 1").fetchall()
    connection.execute("SELECT keys FROM open_sentences LIMIT 1").fetchall()
