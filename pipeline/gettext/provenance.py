"""Where each translation in a PO file comes from, derived from facts other tools cannot erase.

Translators' tools rewrite our files: ``msgmerge`` drops every extracted
comment (``#.``) and every previous msgid (``#|``), Poedit and Weblate
rewrite headers and flags. So the state of an entry is never read from our
own comments alone. It is derived from:

* the entry itself: translated or not, ``fuzzy`` or not, ``#|`` when present;
* the **fill record** (:class:`FillStore`, ``translations/provenance.sqlite3``):
  a hash of every text this tool itself wrote into an entry — a machine
  translation, a translation-memory match, a suggestion carried over from an
  edited source sentence — with its label (model, memory origin) and score;
* the **MT cache**: the exact machine outputs known for the entry's msgid.

:func:`pipeline.gettext.states.classify` combines them. A fuzzy entry whose text
is what we wrote is ours; a fuzzy entry whose text differs is a person's work
in progress and is never overwritten. :func:`annotate` then re-derives our
``#.`` lines on every run, so a comment is never stale: a machine entry says
``machine translation: argos en→fr 1.9, confidence 0.62``; a reviewed one
says nothing about machines any more.

The fill record stores hashes, not texts (a few dozen bytes per entry): the
texts themselves live in the PO files and the MT cache. Losing it costs
precision, never work: states then fall back to ``#|`` and our comments.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.dbfile import open_rebuildable, sqlite_errors
from pipeline.gettext.states import (
    MACHINE_PREFIX,
    MEMORY_PREFIX,
    OWN_PREFIXES,
    Origin,
)

if TYPE_CHECKING:
    import polib

FILL_FILE = "provenance.sqlite3"


#: What the fill record can say the tool wrote.
FILLED = (Origin.MACHINE, Origin.MEMORY_EXACT, Origin.MEMORY_FUZZY, Origin.SUGGESTION)


@dataclass(frozen=True)
class Fill:
    """What this tool last wrote into one entry: the text, how, and from where."""

    text: str
    origin: Origin
    label: str = ""  # "argos en→fr 1.9" (machine) or "briefing.po:48" (memory)
    score: float | None = None  # machine confidence 0..1, or memory match 0..100


@dataclass(frozen=True)
class StoredFill:
    """A fill as recorded: the text only as a hash."""

    text_hash: bytes
    origin: Origin
    label: str
    score: float | None

    def wrote(self, text: str) -> bool:
        """Whether this fill wrote exactly ``text``."""
        return self.text_hash == _digest(text)

    @classmethod
    def of(cls, fill: Fill) -> StoredFill:
        """A fill as it will be recorded."""
        return cls(_digest(fill.text), fill.origin, fill.label, fill.score)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS fills (
    entry BLOB PRIMARY KEY,      -- blake2b(language, document, msgctxt, msgid)
    text_hash BLOB NOT NULL,     -- blake2b(the text written)
    origin TEXT NOT NULL,
    label TEXT NOT NULL,
    score REAL
) WITHOUT ROWID
"""


class FillStore:
    """``translations/provenance.sqlite3``: what the tool wrote into which entry.

    One writer (the run holding the project lock); WAL, so ``status`` and
    ``check`` read while a run works. A damaged file is set aside and rebuilt
    empty, with a note (:func:`pipeline.dbfile.open_rebuildable`): it only
    sharpens states, it holds no one's work.
    """

    def __init__(self, translations_dir: Path) -> None:
        self.path = Path(translations_dir) / FILL_FILE
        self._db, note = open_rebuildable(self.path, _prepare, "fill record")
        self.notes = [note] if note else []  # for the run's report

    @staticmethod
    def key(language: str, document: str, msgctxt: str | None, msgid: str) -> bytes:
        raw = "\0".join((language, document, msgctxt or "\4", msgid))
        return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).digest()

    def get(self, key: bytes) -> StoredFill | None:
        row = self._db.execute(
            "SELECT text_hash, origin, label, score FROM fills WHERE entry = ?", (key,)
        ).fetchone()
        return StoredFill(row[0], Origin(row[1]), row[2], row[3]) if row else None

    def record(self, fills: Iterable[tuple[bytes, Fill]]) -> None:
        """Record (key, fill) pairs, replacing what was recorded for those entries."""
        rows = [
            (key, _digest(fill.text), fill.origin.value, fill.label, fill.score)
            for key, fill in fills
        ]
        with sqlite_errors(self.path, "record provenance"), self._db:
            self._db.executemany("INSERT OR REPLACE INTO fills VALUES (?,?,?,?,?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FillStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _prepare(db: sqlite3.Connection) -> None:
    """WAL, the table, and a read that fails on a damaged file or another program's."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(_SCHEMA)
    db.execute("SELECT count(*) FROM fills LIMIT 1").fetchone()


# ---------------------------------------------------------------------------
# Our comment lines


def machine_comment(label: str, confidence: float | None = None) -> str:
    """``machine translation: argos en→fr 1.9, confidence 0.62``."""
    suffix = f", confidence {confidence:.2f}" if confidence is not None else ""
    return f"{MACHINE_PREFIX}{label}{suffix}"


def memory_comment(description: str) -> str:
    """``translation memory: exact match, briefing.po:48`` (``in-context exact match, …``,
    ``87% match, …``): ``description`` is what :class:`pipeline.memory.Match` says."""
    return f"{MEMORY_PREFIX}{description}"


def provenance_comment(origin: Origin, fill: StoredFill | None) -> str | None:
    """Our comment line for an entry of ``origin``, from what we recorded when we filled it."""
    if fill is None:
        return None
    if origin is Origin.MACHINE and fill.origin is Origin.MACHINE:
        return machine_comment(fill.label, fill.score)
    if origin in (Origin.MEMORY_EXACT, Origin.MEMORY_FUZZY) and fill.origin is origin:
        return memory_comment(fill.label)
    return None


def annotate(entry: polib.POEntry, own_lines: Iterable[str | None]) -> None:
    """Replace our ``#.`` lines on ``entry`` by ``own_lines`` (None items skipped),
    keeping every other extracted comment (the block kind from the template …)."""
    kept = [ln for ln in entry.comment.splitlines() if not ln.startswith(OWN_PREFIXES)]
    entry.comment = "\n".join([*kept, *(ln for ln in own_lines if ln)])
