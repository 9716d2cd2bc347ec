"""Merge a new template into a PO file the way ``msgmerge`` does, never losing work.

Messages are identified as gettext identifies them, by (msgctxt, msgid)
(:func:`~pipeline.gettext.catalog.message_key`): a ``msgctxt "menu"`` entry and
the plain entry of the same msgid are two messages, and a plural entry
(``msgid_plural``/``msgstr[n]``) is matched by its msgid like any other.

* exact match: msgstr (or the ``msgstr[n]`` forms), flags, translator comments
  and previous msgid are kept byte for byte (``#:`` and ``#.`` come from the
  template). When one side is plural and the other is not, msgmerge's
  conversion applies: the first form becomes the msgstr (or the msgstr fills
  every form) and the entry turns fuzzy;
* an obsolete entry (``#~``) whose (msgctxt, msgid) is back is revived with
  its translation;
* otherwise the most similar old entry (similarity ≥ :data:`FUZZY_THRESHOLD`,
  msgmerge's own 0.6) becomes a fuzzy suggestion with ``#| msgid`` (and
  ``#| msgctxt``/``#| msgid_plural`` when the old entry had them);
* old entries no longer in the template that hold a person's translation, of
  any shape (plural, with a context), become obsolete; a machine translation
  of a sentence that is gone is dropped (the MT cache keeps it). A *reviewed*
  old entry consumed by a fuzzy match is also kept as obsolete, so that
  reverting the edit later revives the reviewed text; so is a plural one,
  whose other forms a suggestion cannot hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pipeline.gettext.catalog import (
    MessageKey,
    language_team,
    message_key,
    now,
    plural_forms,
    po_date,
)
from pipeline.gettext.fuzzy import FUZZY_THRESHOLD, FuzzyIndex, similarity
from pipeline.gettext.states import (
    RANK,
    Origin,
    classify,
    has_translation_text,
    translation_forms,
)

if TYPE_CHECKING:
    import polib

__all__ = [
    "FUZZY_THRESHOLD",
    "CompendiumLookup",
    "FuzzyMatcher",
    "merge",
    "new_catalog",
    "similarity",
]


def new_catalog(template: polib.POFile, language: str) -> polib.POFile:
    """An empty PO file for ``language`` with a complete header."""
    import polib

    po = polib.POFile(wrapwidth=79)
    po.metadata = dict(template.metadata)
    po.metadata.update(
        {
            "PO-Revision-Date": po_date(now()),
            "Last-Translator": "",
            "Language-Team": language_team(language),
            "Language": language,
            "Plural-Forms": plural_forms(language),
        }
    )
    return po


CompendiumLookup = Callable[[str, "str | None"], "tuple[polib.POEntry, Origin] | None"]
"""msgmerge's ``--compendium``: the best known translation of (msgid, msgctxt) with its
origin, or None."""
OriginOf = Callable[["polib.POEntry"], Origin]
"""Where an old entry's text comes from (see :func:`pipeline.gettext.states.classify`)."""


def merge(
    template: polib.POFile,
    existing: polib.POFile | None,
    language: str,
    compendium: CompendiumLookup | None = None,
    origin_of: OriginOf = classify,
) -> polib.POFile:
    """Bring ``existing`` (or a new catalog) up to date with ``template`` (msgmerge semantics).

    ``origin_of`` tells where an old entry's text comes from: only a person's
    text (reviewed, a draft, a memory match, an earlier suggestion) becomes a
    fuzzy suggestion for an edited sentence; an old *machine* translation does
    not (the new sentence gets a fresh one). A person's text consumed by a
    suggestion is kept as ``#~`` too when the suggestion cannot hold all of it
    (reviewed text, plural forms), so reverting the edit revives it.

    ``compendium`` (msgmerge's ``--compendium``) looks up a translation of an
    exact (msgid, msgctxt) in other catalogs (the other parts of a large
    file). It is asked before any fuzzy match, and its translation replaces
    the existing one only if it is better (reviewed beats machine beats
    fuzzy): a sentence a translator reviewed once is reviewed in every part,
    as it would be in one catalog, while a part's own reviewed translation is
    never replaced.
    """
    po = (
        new_catalog(template, language)
        if existing is None
        else _updated_header(existing, template, language)
    )
    old = _OldEntries(existing, template, origin_of)
    known = [_best_known(old.exact(tentry), tentry, compendium, old) for tentry in template]
    unknown = [tentry for tentry, previous in zip(template, known, strict=True) if previous is None]
    suggestions = iter(FuzzyMatcher(old.pool).best_many(unknown))  # one search for all
    consumed: set[MessageKey] = set()
    for tentry, previous in zip(template, known, strict=True):
        entry = _from_template(tentry)
        if previous is not None:
            _carry_translation(entry, previous)
        elif (match := next(suggestions)) is not None:
            _carry_suggestion(entry, match)
            consumed.add(message_key(match))
        po.append(entry)

    for entry in old.unmatched:
        origin = old.origin(entry)
        if message_key(entry) in consumed and _suggestion_holds_all_of(entry, origin):
            continue  # its draft or suggestion text lives on as the new suggestion
        if has_translation_text(entry) and origin is not Origin.MACHINE:
            po.append(_as_obsolete(entry))  # a machine translation is in the MT cache
    po.extend(old.stale)
    return po


class _OldEntries:
    """The existing catalog's entries, by (msgctxt, msgid), sorted by what becomes of them."""

    def __init__(
        self, existing: polib.POFile | None, template: polib.POFile, origin_of: OriginOf
    ) -> None:
        entries = list(existing) if existing is not None else []
        self._origin_of = origin_of
        self._origins: dict[int, Origin] = {}
        self.active = {message_key(e): e for e in entries if not e.obsolete}
        self.obsolete = {message_key(e): e for e in entries if e.obsolete}
        wanted = {message_key(e) for e in template}
        # active entries the template no longer has: obsolete after this merge
        self.unmatched = [e for key, e in self.active.items() if key not in wanted]
        # obsolete entries that stay obsolete (an active one of the same key wins)
        self.stale = [
            e for key, e in self.obsolete.items() if key not in wanted and key not in self.active
        ]
        # candidates for fuzzy matching, in file order: msgmerge's ties go to the first;
        # only a person's text (a machine translation of the old sentence is no suggestion)
        self.pool = [
            e
            for e in [*self.unmatched, *self.stale]
            if has_translation_text(e) and self.origin(e).is_human
        ]

    def origin(self, entry: polib.POEntry) -> Origin:
        """Where an old entry's text comes from (asked once per entry)."""
        if id(entry) not in self._origins:
            self._origins[id(entry)] = self._origin_of(entry)
        return self._origins[id(entry)]

    def exact(self, tentry: polib.POEntry) -> polib.POEntry | None:
        """The old entry of the template entry's (msgctxt, msgid): active, else obsolete."""
        key = message_key(tentry)
        found = self.active.get(key)
        return found if found is not None else self.obsolete.get(key)


def _best_known(
    old: polib.POEntry | None,
    tentry: polib.POEntry,
    compendium: CompendiumLookup | None,
    entries: _OldEntries,
) -> polib.POEntry | None:
    """The old entry, or the compendium's translation when it is better (see :func:`merge`)."""
    rank = RANK[entries.origin(old)] if old is not None else 0
    if compendium is None or rank >= RANK[Origin.REVIEWED]:
        return old
    found = compendium(tentry.msgid, tentry.msgctxt)
    return found[0] if found is not None and RANK[found[1]] > rank else old


def _from_template(tentry: polib.POEntry) -> polib.POEntry:
    """A new entry with the template's identity, extracted comments and references."""
    import polib

    return polib.POEntry(
        msgctxt=tentry.msgctxt,
        msgid=tentry.msgid,
        msgid_plural=tentry.msgid_plural,
        msgstr="",
        msgstr_plural={index: "" for index in tentry.msgstr_plural} if tentry.msgid_plural else {},
        comment=tentry.comment,
        occurrences=list(tentry.occurrences),
    )


def _updated_header(existing: polib.POFile, template: polib.POFile, language: str) -> polib.POFile:
    """Keep the translator's header (Last-Translator, X-Generator of their editor …).

    Fields it lacks are added as a new catalog has them: a hand-made PO file
    without a header gets a complete one (Content-Type, Language, Plural-Forms …).
    """
    import polib

    po = polib.POFile(wrapwidth=79)
    po.header = existing.header
    po.metadata = dict(existing.metadata)
    for name, value in new_catalog(template, language).metadata.items():
        if not po.metadata.get(name, "").strip():  # absent, or a template's empty Language
            po.metadata[name] = value
    po.metadata_is_fuzzy = existing.metadata_is_fuzzy
    po.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", "")
    return po


def _copy_forms(entry: polib.POEntry, old: polib.POEntry) -> bool:
    """Give ``entry`` the translation of ``old``; False when their shapes differ.

    Plural and singular entries of one msgid: msgmerge keeps the first form as
    the msgstr, or copies the msgstr into every form.
    """
    if bool(entry.msgid_plural) == bool(old.msgid_plural):
        entry.msgstr = old.msgstr
        entry.msgstr_plural = dict(old.msgstr_plural)
        return True
    if entry.msgid_plural:
        entry.msgstr_plural = {index: old.msgstr for index in entry.msgstr_plural or (0, 1)}
    else:
        entry.msgstr = translation_forms(old)[0]
    return False


def _carry_translation(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Exact match: the old translation and its flags and comments, unchanged."""
    same_shape = _copy_forms(entry, old)
    entry.flags = list(old.flags)
    entry.tcomment = old.tcomment
    entry.previous_msgctxt = old.previous_msgctxt
    entry.previous_msgid = old.previous_msgid
    entry.previous_msgid_plural = old.previous_msgid_plural
    if not same_shape:
        _mark_fuzzy(entry, old)


def _carry_suggestion(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Fuzzy match: the old translation as a suggestion showing the old source (#|)."""
    _copy_forms(entry, old)
    entry.flags = list(old.flags)
    entry.tcomment = old.tcomment
    _mark_fuzzy(entry, old)


def _mark_fuzzy(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Fuzzy, with the old source as the previous msgctxt/msgid/msgid_plural (``#|``)."""
    entry.flags = ["fuzzy", *[f for f in entry.flags if f != "fuzzy"]]
    entry.previous_msgctxt = old.msgctxt
    entry.previous_msgid = old.msgid
    entry.previous_msgid_plural = old.msgid_plural or None


def _suggestion_holds_all_of(old: polib.POEntry, origin: Origin) -> bool:
    """Does a fuzzy suggestion made from ``old`` carry all of its value?

    Not for confirmed text (reviewed or an exact memory match: kept as ``#~``
    so that a revert revives it) nor for a plural entry (a suggestion keeps
    only its first form). A draft or an earlier suggestion lives on whole in it.
    """
    confirmed = origin in (Origin.REVIEWED, Origin.MEMORY_EXACT)
    return not confirmed and not old.msgid_plural


def _as_obsolete(old: polib.POEntry) -> polib.POEntry:
    import polib

    return polib.POEntry(
        msgctxt=old.msgctxt,
        msgid=old.msgid,
        msgid_plural=old.msgid_plural,
        msgstr=old.msgstr,
        msgstr_plural=dict(old.msgstr_plural),
        flags=list(old.flags),
        tcomment=old.tcomment,
        comment=old.comment,
        previous_msgctxt=old.previous_msgctxt,
        previous_msgid=old.previous_msgid,
        previous_msgid_plural=old.previous_msgid_plural,
        obsolete=True,
    )


class FuzzyMatcher:
    """msgmerge's fuzzy search over old entries (see :mod:`pipeline.gettext.fuzzy`).

    One old entry may be the suggestion of several new ones, as in msgmerge.
    """

    def __init__(self, candidates: Sequence[polib.POEntry]) -> None:
        self._candidates = list(candidates)

    def best_many(self, entries: Sequence[polib.POEntry]) -> list[polib.POEntry | None]:
        """For each entry, the candidate most similar to its msgid (≥ FUZZY_THRESHOLD), or None."""
        if not self._candidates or not entries:
            return [None] * len(entries)
        index = FuzzyIndex(
            [e.msgid for e in self._candidates], [e.msgctxt for e in self._candidates]
        )
        found = index.best_many([e.msgid for e in entries], [e.msgctxt for e in entries])
        return [None if i is None else self._candidates[i] for i in found]
