"""The review report's input, from a PO file and the MT cache.

A record is a *reviewed* entry (translated, not fuzzy) whose extracted comment
still names the machine translation it started from (``machine translation:
argos en→fr 1.9, confidence 0.62``; the merge keeps that line on reviewed
entries). The machine output itself comes from the MT cache, under the model the
comment names; an entry whose machine output is no longer cached (the cache was
deleted, or the model removed) cannot be compared and is counted as missing.
The confidence is the cache's score where it has one (exact), else the
comment's (two decimals).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.catalog import EntryState, entry_state
from pipeline.confidence import confidence, parse_machine_comment
from pipeline.mtcache import TranslationCache
from pipeline.reports.review import ReviewRecord

if TYPE_CHECKING:
    import polib


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
) -> CollectedRecords:
    """The review records of one catalog (``document`` names it in the report)."""
    collected = CollectedRecords([])
    caches: dict[tuple[str, str], TranslationCache] = {}
    try:
        for entry in po:
            if entry.obsolete or not entry.msgid or entry_state(entry) is not EntryState.REVIEWED:
                continue
            comment = parse_machine_comment(entry.comment)
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
