"""Entry states: what a PO entry's translation is, and marking machine translations.

Machine translations are fuzzy and carry the extracted comment line
``machine translation: <engine> <from>→<to> <version>``. :func:`entry_state`
classifies entries as reviewed, machine, fuzzy (a suggestion from an older
source sentence, or a translator's own "needs work") or untranslated.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polib

MACHINE_PREFIX = "machine translation: "


class EntryState(str, Enum):
    REVIEWED = "reviewed"
    MACHINE = "machine"
    FUZZY = "fuzzy"
    UNTRANSLATED = "untranslated"


def machine_label(entry: polib.POEntry) -> str | None:
    """The engine/model named in the entry's machine-translation comment, if any."""
    for line in entry.comment.splitlines():
        if line.startswith(MACHINE_PREFIX):
            return line[len(MACHINE_PREFIX) :]
    return None


def entry_state(entry: polib.POEntry) -> EntryState:
    if not entry.msgstr:
        return EntryState.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return EntryState.REVIEWED
    if machine_label(entry) is not None and not entry.previous_msgid:
        return EntryState.MACHINE
    return EntryState.FUZZY


STATE_RANK = {
    EntryState.REVIEWED: 3,
    EntryState.MACHINE: 2,
    EntryState.FUZZY: 1,
    EntryState.UNTRANSLATED: 0,
}


def state_rank(entry: polib.POEntry | None) -> int:
    """How good a translation is, for choosing between two of one msgid (None: 0)."""
    return STATE_RANK[entry_state(entry)] if entry is not None else 0


def needs_machine_translation(entry: polib.POEntry, retranslate_machine: bool = False) -> bool:
    """Untranslated entries, and machine translations made for an older source sentence.

    Reviewed entries and fuzzy suggestions from reviewed translations are
    never machine-translated over; with ``retranslate_machine`` every fuzzy
    machine entry is redone (after a model update).
    """
    if entry.obsolete:
        return False
    if not entry.msgstr:
        return True
    if "fuzzy" not in entry.flags or machine_label(entry) is None:
        return False
    return bool(entry.previous_msgid) or retranslate_machine


def set_machine_translation(entry: polib.POEntry, translation: str, label: str) -> None:
    """Store a machine translation: fuzzy, with the engine/model comment."""
    entry.msgstr = translation
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    lines = [ln for ln in entry.comment.splitlines() if not ln.startswith(MACHINE_PREFIX)]
    entry.comment = "\n".join([*lines, MACHINE_PREFIX + label])


def counts(po: polib.POFile) -> dict[str, int]:
    """Entry counts by state (obsolete entries and the header excluded)."""
    result = {state.value: 0 for state in EntryState}
    for entry in po:
        if not entry.obsolete:
            result[entry_state(entry).value] += 1
    result["total"] = sum(result[state.value] for state in EntryState)
    return result
