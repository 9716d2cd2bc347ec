"""Entry states: what a PO entry's translation is, and marking machine translations.

Machine translations are fuzzy and carry the extracted comment line
``machine translation: <engine> <from>→<to> <version>``. :func:`entry_state`
classifies entries as reviewed, machine, fuzzy (a suggestion from an older
source sentence, or a translator's own "needs work") or untranslated.

A plural entry (``msgid_plural``, ``msgstr[n]``; translators add them by hand,
our templates have none) is judged by its forms: it is translated when every
``msgstr[n]`` has text, as polib and PO editors count it. (GNU msgfmt 0.21's
``--statistics`` looks at ``msgstr[0]`` alone; an entry with an empty form is
not finished work, so we do not count it as translated.)
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


def translation_forms(entry: polib.POEntry) -> list[str]:
    """The entry's translations: ``[msgstr]``, or a plural entry's ``msgstr[n]`` in order."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural or {}
        return [forms[index] for index in sorted(forms, key=int)]
    return [entry.msgstr]


def is_translated(entry: polib.POEntry) -> bool:
    """Every form has text (a plural entry with an empty ``msgstr[n]`` is not translated)."""
    forms = translation_forms(entry)
    return bool(forms) and all(forms)


def has_translation_text(entry: polib.POEntry) -> bool:
    """Some form has text: work that a merge must keep (as ``#~`` if nothing else)."""
    return any(translation_forms(entry))


def entry_state(entry: polib.POEntry) -> EntryState:
    if not is_translated(entry):
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
    machine entry is redone (after a model update). Plural entries are left to
    translators: a machine translation is one ``msgstr``, not ``msgstr[n]`` forms.
    """
    if entry.obsolete or entry.msgid_plural:
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
