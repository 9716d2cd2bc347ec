"""A compendium, as ``msgmerge --compendium`` uses one: translations found by exact message.

A large transcript is split into parts, each with its own PO file (see
:func:`pipeline.text.ingest.plan_parts`). When an edit moves a part boundary, a
sentence can move from one part's catalog to the next; merging each part with
its own old catalog alone would turn its reviewed translation into an
obsolete ``#~`` entry there and an untranslated one here. The compendium of
all the old catalogs of the file is consulted for exact matches, so the
translation follows the sentence, flags and comments included.

Messages are keyed as gettext keys them, by (msgctxt, msgid); an entry
without a context and one with an empty ``msgctxt ""`` are two messages, as
they are for gettext. Plural entries
keep their ``msgid_plural`` and ``msgstr[n]`` forms. Of several translations
of one message, the best (:data:`~pipeline.gettext.states.RANK` of its origin) wins,
the first one added among equals.

Entries live in a temporary SQLite file, so a compendium of a 200 MB
transcript's catalogs does not need memory in proportion.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pipeline.gettext.states import RANK, Origin, classify, has_translation_text
from pipeline.scratch import ScratchDatabase

if TYPE_CHECKING:
    import polib

_SCHEMA = """
CREATE TABLE entries (
    has_context INTEGER NOT NULL,  -- 0: no msgctxt (msgctxt is then "")
    msgctxt TEXT NOT NULL,
    msgid TEXT NOT NULL,
    rank INTEGER NOT NULL,
    origin TEXT NOT NULL,
    msgid_plural TEXT,
    msgstr TEXT NOT NULL,
    msgstr_plural TEXT NOT NULL, -- JSON list of the msgstr[n] forms
    flags TEXT NOT NULL,        -- JSON list
    tcomment TEXT NOT NULL,
    comment TEXT NOT NULL,
    previous_msgid TEXT,
    PRIMARY KEY (has_context, msgctxt, msgid)
)
"""

_ADD = """
INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(has_context, msgctxt, msgid) DO UPDATE SET
    rank = excluded.rank, origin = excluded.origin, msgid_plural = excluded.msgid_plural,
    msgstr = excluded.msgstr,
    msgstr_plural = excluded.msgstr_plural, flags = excluded.flags,
    tcomment = excluded.tcomment, comment = excluded.comment,
    previous_msgid = excluded.previous_msgid
WHERE excluded.rank > entries.rank
"""

_COLUMNS = "origin, msgid_plural, msgstr, msgstr_plural, flags, tcomment, comment, previous_msgid"


def _key(msgid: str, msgctxt: str | None) -> tuple[bool, str, str]:
    """(has_context, msgctxt, msgid): the primary key of a message."""
    return (msgctxt is not None, msgctxt or "", msgid)


class Compendium(ScratchDatabase):
    """Translated entries of several catalogs, looked up by exact (msgctxt, msgid)."""

    def __init__(self) -> None:
        super().__init__("compendium", _SCHEMA)

    def add(
        self,
        entries: Iterable[polib.POEntry],
        origin_of: Callable[[polib.POEntry], Origin] = classify,
    ) -> None:
        """Add the entries (active or obsolete) of a catalog that hold some translation;
        ``origin_of`` says where each one's text comes from."""
        rows = [
            (
                *_key(e.msgid, e.msgctxt),
                RANK[origin],  # the best translation of a message wins
                origin.value,
                e.msgid_plural or None,
                e.msgstr,
                json.dumps([e.msgstr_plural[i] for i in sorted(e.msgstr_plural, key=int)]),
                json.dumps(e.flags),
                e.tcomment or "",
                e.comment or "",
                e.previous_msgid,
            )
            for e in entries
            if has_translation_text(e)
            for origin in [origin_of(e)]
        ]
        with self._db:
            self._db.executemany(_ADD, rows)

    def lookup(self, msgid: str, msgctxt: str | None = None) -> tuple[polib.POEntry, Origin] | None:
        """The best translation of exactly (msgctxt, msgid), as an active entry with the
        origin of its text, or None."""
        import polib

        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE has_context=? AND msgctxt=? AND msgid=?",
            _key(msgid, msgctxt),
        ).fetchone()
        if row is None:
            return None
        origin, msgid_plural, msgstr, forms, flags, tcomment, comment, previous_msgid = row
        entry = polib.POEntry(
            msgctxt=msgctxt,
            msgid=msgid,
            msgid_plural=msgid_plural or "",
            msgstr=msgstr,
            msgstr_plural=dict(enumerate(json.loads(forms))),
            flags=json.loads(flags),
            tcomment=tcomment,
            comment=comment,
            previous_msgid=previous_msgid,
        )
        return entry, Origin(origin)
