"""Merge a new template into a PO file the way ``msgmerge`` does, never losing work.

* exact msgid match: msgstr, flags, translator comments and previous msgid
  are kept byte for byte (``#:`` and ``#.`` come from the template);
* an obsolete entry (``#~``) whose msgid is back is revived with its
  translation;
* otherwise the most similar old entry (similarity ≥ :data:`FUZZY_THRESHOLD`,
  msgmerge's own 0.6) becomes a fuzzy suggestion with ``#| msgid``;
* old entries no longer in the template become obsolete. A *reviewed* old
  entry consumed by a fuzzy match is also kept as obsolete, so that
  reverting the edit later revives the reviewed text.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pipeline.gettext.catalog import language_team, now, plural_forms, po_date
from pipeline.gettext.states import (
    MACHINE_PREFIX,
    STATE_RANK,
    EntryState,
    entry_state,
    machine_label,
    state_rank,
)

if TYPE_CHECKING:
    import polib

FUZZY_THRESHOLD = 0.6  # msgmerge's FUZZY_THRESHOLD: fstrcmp similarity of old and new msgid


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


def merge(
    template: polib.POFile,
    existing: polib.POFile | None,
    language: str,
    compendium: Callable[[str], polib.POEntry | None] | None = None,
) -> polib.POFile:
    """Bring ``existing`` (or a new catalog) up to date with ``template`` (msgmerge semantics).

    ``compendium`` (msgmerge's ``--compendium``) looks up a translation of an
    exact msgid in other catalogs (the other parts of a large file). It is
    asked before any fuzzy match, and its translation replaces the existing
    one only if it is better (reviewed beats machine beats fuzzy): a sentence a
    translator reviewed once is reviewed in every part, as it would be in one
    catalog, while a part's own reviewed translation is never replaced.
    """
    import polib

    po = (
        new_catalog(template, language) if existing is None else _updated_header(existing, template)
    )
    old_active = {e.msgid: e for e in existing or [] if not e.obsolete} if existing else {}
    old_obsolete = {e.msgid: e for e in existing.obsolete_entries()} if existing else {}
    template_ids = {e.msgid for e in template}
    unmatched = [e for e in old_active.values() if e.msgid not in template_ids]
    fuzzy_pool = [e for e in [*unmatched, *old_obsolete.values()] if e.msgstr]
    consumed: set[str] = set()

    for tentry in template:
        entry = polib.POEntry(
            msgid=tentry.msgid,
            msgstr="",
            comment=tentry.comment,
            occurrences=list(tentry.occurrences),
        )
        old = old_active.get(tentry.msgid) or old_obsolete.get(tentry.msgid)
        if compendium is not None and state_rank(old) < STATE_RANK[EntryState.REVIEWED]:
            other = compendium(tentry.msgid)
            if other is not None and state_rank(other) > state_rank(old):
                old = other
        if old is not None:
            _carry_translation(entry, old)
        else:
            match = best_fuzzy_match(tentry.msgid, fuzzy_pool)
            if match is not None:
                _carry_suggestion(entry, match)
                consumed.add(match.msgid)
        po.append(entry)

    for old in unmatched:
        if old.msgid in consumed and entry_state(old) is not EntryState.REVIEWED:
            continue  # its machine/fuzzy text lives on as the suggestion
        if old.msgstr:
            po.append(_as_obsolete(old))
    for old in old_obsolete.values():
        if old.msgid not in template_ids and old.msgid not in old_active:
            po.append(old)
    return po


def _updated_header(existing: polib.POFile, template: polib.POFile) -> polib.POFile:
    """Keep the translator's header (Last-Translator, X-Generator of their editor …)."""
    import polib

    po = polib.POFile(wrapwidth=79)
    po.header = existing.header
    po.metadata = dict(existing.metadata)
    po.metadata_is_fuzzy = existing.metadata_is_fuzzy
    po.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", "")
    return po


def _carry_translation(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Exact match: the old translation and its flags and comments, unchanged."""
    entry.msgstr = old.msgstr
    entry.msgstr_plural = dict(old.msgstr_plural)
    entry.flags = list(old.flags)
    entry.tcomment = old.tcomment
    entry.previous_msgid = old.previous_msgid
    entry.previous_msgctxt = old.previous_msgctxt
    label = machine_label(old)
    if label is not None:
        entry.comment = "\n".join([entry.comment, MACHINE_PREFIX + label])


def _carry_suggestion(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Fuzzy match: the old translation as a suggestion showing the old source (#|)."""
    entry.msgstr = old.msgstr
    entry.flags = ["fuzzy", *[f for f in old.flags if f != "fuzzy"]]
    entry.tcomment = old.tcomment
    entry.previous_msgid = old.msgid
    label = machine_label(old)
    if label is not None and entry_state(old) is not EntryState.REVIEWED:
        entry.comment = "\n".join([entry.comment, MACHINE_PREFIX + label])


def _as_obsolete(old: polib.POEntry) -> polib.POEntry:
    import polib

    return polib.POEntry(
        msgid=old.msgid,
        msgstr=old.msgstr,
        flags=list(old.flags),
        tcomment=old.tcomment,
        comment=old.comment,
        previous_msgid=old.previous_msgid,
        obsolete=True,
    )


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_fuzzy_match(msgid: str, candidates: Iterable[polib.POEntry]) -> polib.POEntry | None:
    """The candidate most similar to ``msgid``, if at least FUZZY_THRESHOLD similar."""
    best, best_score = None, FUZZY_THRESHOLD
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, msgid, candidate.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score >= best_score:
            best, best_score = candidate, score
    return best
