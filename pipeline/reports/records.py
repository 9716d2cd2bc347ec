"""The review report's input, from a PO file and the MT cache.

A record is a *reviewed* entry (translated, not fuzzy) that started as a
machine translation. Which model wrote it, and with what confidence, comes from
the fill record (``fill_of``: what the tool last wrote into the entry, kept
when a person confirms or edits it; see :mod:`pipeline.gettext.provenance`),
or, for a catalog without one, from a ``machine translation: argos en→fr 1.9,
confidence 0.62`` comment still on the entry. The machine output itself comes
from the MT cache, under that model; an entry whose machine output is no longer
cached (the cache was deleted, or the model removed) cannot be compared and is
counted as missing. The confidence is the cache's score where it has one
(exact), else the recorded one (two decimals).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.gettext.states import is_fuzzy, is_translated
from pipeline.mt.cache import TranslationCache
from pipeline.mt.confidence import confidence, parse_machine_comment
from pipeline.reports.review import ReviewRecord

if TYPE_CHECKING:
    from collections.abc import Callable

    import polib

    from pipeline.gettext.provenance import StoredFill


@dataclass
class CollectedRecords:
    """Records of one or more catalogs, and how many reviewed MT entries had no cached MT."""

    records: list[ReviewRecord]
    missing: int = 0

    def extend(self, other: CollectedRecords) -> None:
        self.records += other.records
        self.missing += other.missing


def records_from_catalog(
    po: polib.POFile,
    document: str,
    language: str,
    cache_path: Path,
    source_language: str = "en",
    fill_of: Callable[[polib.POEntry], StoredFill | None] | None = None,
) -> CollectedRecords:
    """The review records of one catalog (``document`` names it in the report)."""
    collected = CollectedRecords([])
    caches: dict[tuple[str, str], TranslationCache] = {}
    try:
        for entry in po:
            if entry.obsolete or not entry.msgid or is_fuzzy(entry) or not is_translated(entry):
                continue
            comment = _machine_origin(entry, fill_of)
            if comment is None:
                continue
            cache = caches.get(comment.cache_key)
            if cache is None and Path(cache_path).is_file():
                cache = TranslationCache(cache_path, *comment.cache_key, source_language, language)
                caches[comment.cache_key] = cache
            found = cache.lookup_scored([entry.msgid]).get(entry.msgid) if cache else None
            if found is None:
                collected.missing += 1
                continue
            value = confidence(found.score)
            collected.records.append(
                ReviewRecord(
                    document=document,
                    language=language,
                    model=comment.label,
                    confidence=comment.confidence if value is None else value,
                    machine=found.text,
                    reviewed=entry.msgstr,
                    source=entry.msgid,
                )
            )
    finally:
        for cache in caches.values():
            cache.close()
    return collected


def _machine_origin(
    entry: polib.POEntry, fill_of: Callable[[polib.POEntry], StoredFill | None] | None
):  # -> MachineComment | None
    """The machine translation a reviewed entry started from: the fill record's, else
    a machine comment left on the entry."""
    from pipeline.gettext.provenance import machine_comment
    from pipeline.gettext.states import Origin

    fill = fill_of(entry) if fill_of is not None else None
    if fill is not None:
        if fill.origin is not Origin.MACHINE:
            return None  # a memory match or a suggestion, not machine output
        return parse_machine_comment(machine_comment(fill.label, fill.score))
    return parse_machine_comment(entry.comment)
