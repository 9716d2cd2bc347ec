"""A compendium, as ``msgmerge --compendium`` uses one: translations found by exact msgid.

A large transcript is split into parts, each with its own PO file (see
:func:`pipeline.text.ingest.plan_parts`). When an edit moves a part boundary, a
sentence can move from one part's catalog to the next; merging each part with
its own old catalog alone would turn its reviewed translation into an
obsolete ``#~`` entry there and an untranslated one here. The compendium of
all the old catalogs of the file is consulted for exact matches, so the
translation follows the sentence, flags and comments included.

Entries live in a temporary SQLite file, so a compendium of a 200 MB
transcript's catalogs does not need memory in proportion.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.gettext.states import state_rank
from pipeline.scratch import ScratchDatabase

if TYPE_CHECKING:
    import polib

_SCHEMA = """
CREATE TABLE entries (
    msgid TEXT PRIMARY KEY,
    rank INTEGER NOT NULL,
    msgstr TEXT NOT NULL,
    flags TEXT NOT NULL,        -- JSON list
    tcomment TEXT NOT NULL,
    comment TEXT NOT NULL,
    previous_msgid TEXT
)
"""

_ADD = """
INSERT INTO entries VALUES (?,?,?,?,?,?,?)
ON CONFLICT(msgid) DO UPDATE SET
    rank = excluded.rank, msgstr = excluded.msgstr, flags = excluded.flags,
    tcomment = excluded.tcomment, comment = excluded.comment,
    previous_msgid = excluded.previous_msgid
WHERE excluded.rank > entries.rank
"""


class Compendium(ScratchDatabase):
    """Translated entries of several catalogs, looked up by exact msgid."""

    def __init__(self) -> None:
        super().__init__("compendium", _SCHEMA)

    def add(self, entries: Iterable[polib.POEntry]) -> None:
        """Add the translated entries (active or obsolete) of a catalog."""
        rows = [
            (
                e.msgid,
                state_rank(e),  # the best translation of a msgid wins
                e.msgstr,
                json.dumps(e.flags),
                e.tcomment or "",
                e.comment or "",
                e.previous_msgid,
            )
            for e in entries
            if e.msgstr and not e.msgid_plural
        ]
        with self._db:
            self._db.executemany(_ADD, rows)

    def lookup(self, msgid: str) -> polib.POEntry | None:
        """The best translation of exactly ``msgid``, as an active entry, or None."""
        import polib

        row = self._db.execute(
            "SELECT msgstr, flags, tcomment, comment, previous_msgid FROM entries WHERE msgid=?",
            (msgid,),
        ).fetchone()
        if row is None:
            return None
        msgstr, flags, tcomment, comment, previous_msgid = row
        return polib.POEntry(
            msgid=msgid,
            msgstr=msgstr,
            flags=json.loads(flags),
            tcomment=tcomment,
            comment=comment,
            previous_msgid=previous_msgid,
        )
