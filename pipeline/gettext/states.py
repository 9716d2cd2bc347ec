"""Entry states: where the text of a PO entry comes from, derived from facts.

Every active entry has one :class:`Origin`: reviewed, translation-memory match
(exact or fuzzy), machine translation, a suggestion carried over from an
edited source sentence, a person's draft left fuzzy ("Needs work"), or
untranslated. :func:`classify` derives it from the entry (translated? fuzzy?
``#|``?), from what the tool recorded when it filled the entry (the fill
record, :mod:`pipeline.gettext.provenance`) and from the machine outputs known
for its msgid (the MT cache) — facts that ``msgmerge``, ``msgcat``, Poedit or
Weblate cannot erase, as they erase our ``#.`` comments. Only when no fact is
known do our own comments decide.

A plural entry (``msgid_plural``, ``msgstr[n]``; translators add them by hand,
our templates have none) is judged by its forms: it is translated when every
``msgstr[n]`` has text, as polib and PO editors count it. (GNU msgfmt 0.21's
``--statistics`` looks at ``msgstr[0]`` alone; an entry with an empty form is
not finished work, so we do not count it as translated.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import polib

MACHINE_PREFIX = "machine translation: "
MEMORY_PREFIX = "translation memory: "
TERMS_PREFIX = "terms: "
#: Our own extracted-comment lines: re-derived on every run, never copied forward.
OWN_PREFIXES = (MACHINE_PREFIX, MEMORY_PREFIX, TERMS_PREFIX)


class Origin(str, Enum):
    """Where the text of an entry comes from (one value per entry)."""

    REVIEWED = "reviewed"  # a person confirmed it (translated, not fuzzy)
    MEMORY_EXACT = "memory_exact"  # an exact translation-memory match the tool filled in
    MEMORY_FUZZY = "memory_fuzzy"  # a memory match for a similar sentence (fuzzy, with #|)
    MACHINE = "machine"  # fuzzy, exactly a machine output for this msgid
    SUGGESTION = "suggestion"  # fuzzy, the translation of the sentence before its edit (#|)
    NEEDS_WORK = "needs_work"  # fuzzy, a person's own text ("Needs work" in Poedit)
    UNTRANSLATED = "untranslated"

    @property
    def is_human(self) -> bool:
        """Text a person wrote or confirmed (reviewed work, memory, their drafts)."""
        return self not in (Origin.MACHINE, Origin.UNTRANSLATED)

    @property
    def for_another_source(self) -> bool:
        """Human text made for a different (older or similar) source sentence."""
        return self in (Origin.SUGGESTION, Origin.MEMORY_FUZZY)


#: How good a translation is, to choose between two of one message (compendium of parts).
RANK = {
    Origin.REVIEWED: 6,
    Origin.MEMORY_EXACT: 5,
    Origin.NEEDS_WORK: 4,
    Origin.SUGGESTION: 3,
    Origin.MEMORY_FUZZY: 2,
    Origin.MACHINE: 1,
    Origin.UNTRANSLATED: 0,
}


class Recorded(Protocol):
    """What the fill record says the tool last wrote into an entry."""

    origin: Origin

    def wrote(self, text: str) -> bool: ...


MachineOutputs = Callable[[str], Collection[str]]


def _no_outputs(msgid: str) -> Collection[str]:
    return ()


def translation_forms(entry: polib.POEntry) -> list[str]:
    """The entry's translations: ``[msgstr]``, or a plural entry's ``msgstr[n]`` in order."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural or {}
        return [forms[index] for index in sorted(forms, key=int)]
    return [entry.msgstr]


def entry_text(entry: polib.POEntry) -> str:
    """The entry's translation as one string (plural forms joined by NUL, in order)."""
    return "\0".join(translation_forms(entry))


def is_translated(entry: polib.POEntry) -> bool:
    """Every form has text (a plural entry with an empty ``msgstr[n]`` is not translated)."""
    forms = translation_forms(entry)
    return bool(forms) and all(forms)


def has_translation_text(entry: polib.POEntry) -> bool:
    """Some form has text: work that a merge must keep (as ``#~`` if nothing else)."""
    return any(translation_forms(entry))


def is_fuzzy(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags


def classify(
    entry: polib.POEntry,
    fill: Recorded | None = None,
    machine_outputs: MachineOutputs = _no_outputs,
) -> Origin:
    """The origin of an entry's text.

    ``fill`` is what the tool last wrote into this entry (None: nothing
    recorded); ``machine_outputs(msgid)`` the machine translations known for
    the msgid. A fuzzy entry whose text is exactly what we wrote is ours; one
    whose text differs is a person's work in progress.
    """
    if not is_translated(entry):
        return Origin.UNTRANSLATED
    text = entry_text(entry)
    ours = fill is not None and fill.wrote(text)
    if not is_fuzzy(entry):
        if fill is not None:  # what we recorded wins over any comment
            return (
                Origin.MEMORY_EXACT
                if ours and fill.origin is Origin.MEMORY_EXACT
                else Origin.REVIEWED
            )
        return Origin.MEMORY_EXACT if _says(entry, MEMORY_PREFIX, "exact") else Origin.REVIEWED
    if ours:
        return fill.origin  # type: ignore[union-attr]
    if not entry.msgid_plural and text in machine_outputs(entry.msgid):
        return Origin.MACHINE
    if fill is not None:
        return Origin.NEEDS_WORK  # a person changed what we wrote, and left it fuzzy
    if entry.previous_msgid:
        return Origin.MEMORY_FUZZY if _says(entry, MEMORY_PREFIX) else Origin.SUGGESTION
    if _says(entry, MACHINE_PREFIX):
        return Origin.MACHINE  # nothing else is known: trust our comment
    if _says(entry, MEMORY_PREFIX, "exact"):
        return Origin.MEMORY_EXACT
    return Origin.NEEDS_WORK


def _says(entry: polib.POEntry, prefix: str, containing: str = "") -> bool:
    return any(
        line.startswith(prefix) and containing in line for line in entry.comment.splitlines()
    )


def machine_label(entry: polib.POEntry) -> str | None:
    """The model named in the entry's machine-translation comment (without the confidence)."""
    for line in entry.comment.splitlines():
        if line.startswith(MACHINE_PREFIX):
            return line[len(MACHINE_PREFIX) :].split(", confidence ")[0]
    return None


def writes_machine_translation(origin: Origin, retranslate_machine: bool = False) -> bool:
    """Whether a machine translation goes into the entry: untranslated entries, and with
    ``retranslate_machine`` (after a model update) our earlier machine translations.
    A person's text — reviewed, a draft, a suggestion, a memory match — never."""
    return origin is Origin.UNTRANSLATED or (retranslate_machine and origin is Origin.MACHINE)


def needs_machine_text(origin: Origin) -> bool:
    """Whether the published text must come from machine translation (into the cache, not
    the entry): there is no translation of this very sentence to publish."""
    return origin is Origin.UNTRANSLATED or origin.for_another_source


def set_machine_translation(entry: polib.POEntry, translation: str, comment: str) -> None:
    """Store a machine translation: fuzzy, with ``comment`` as our machine line (before
    the terms line, as :func:`pipeline.gettext.provenance.annotate` orders them)."""
    entry.msgstr = translation
    if not is_fuzzy(entry):
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.previous_msgid_plural = None
    lines = entry.comment.splitlines()
    kept = [ln for ln in lines if not ln.startswith(OWN_PREFIXES)]
    terms = [ln for ln in lines if ln.startswith(TERMS_PREFIX)]  # stays after our machine line
    entry.comment = "\n".join([*kept, comment, *terms])


def counts(origins: Iterable[tuple[polib.POEntry, Origin]]) -> dict[str, int]:
    """Counts of the active entries of a catalog, in gettext's words and by origin.

    ``translated``/``fuzzy``/``untranslated`` are what ``msgfmt --statistics``
    counts; ``reviewed``, ``memory_exact``, ``memory_fuzzy``, ``machine``,
    ``suggestion`` and ``needs_work`` say where the text comes from.
    """
    result = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    result |= {origin.value: 0 for origin in Origin if origin is not Origin.UNTRANSLATED}
    for entry, origin in origins:
        result[origin.value] += 1
        if origin is Origin.UNTRANSLATED:
            continue
        result["fuzzy" if is_fuzzy(entry) else "translated"] += 1
    result["total"] = result["translated"] + result["fuzzy"] + result["untranslated"]
    return result
