"""Keeping the memory in step with the PO catalogs: the reviewed entries of each file.

The caller decides which entries are reviewed (a person confirmed them:
translated, not fuzzy; active or obsolete ``#~``) and hands them over with
their PO line and their neighbours; machine translations never reach this
module. Each catalog's units are replaced as a whole, in one transaction,
and skipped when the file's fingerprint has not changed since the last sync,
so an unchanged PO file is not even read (ask :func:`catalog_is_current`, or
:func:`synced_fingerprints` for many, before parsing it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.memory.store import REVIEWED, TranslationMemory, UnitRow, guarded


class ReviewedEntry(NamedTuple):
    """A PO entry a person confirmed; a plain 5-tuple works as well."""

    msgid: str
    msgstr: str
    line: int | None  # the entry's line in the PO file (polib's ``linenum``)
    previous: str | None  # the msgid of the entry before it in the catalog; None for the first
    next: str | None  # the msgid of the entry after it; None for the last


@dataclass(frozen=True)
class SyncResult:
    catalog: str
    target_language: str
    skipped: bool  # the fingerprint was unchanged: nothing was read or written
    entries: int  # reviewed entries now held from this catalog


@guarded
def catalog_is_current(
    memory: TranslationMemory, catalog: str, target_language: str, fingerprint: str
) -> bool:
    """True when ``catalog`` was last synced with exactly this fingerprint."""
    stored = memory.stored_file(REVIEWED, catalog, target_language)
    return stored is not None and stored.fingerprint == fingerprint


@guarded
def synced_fingerprints(memory: TranslationMemory) -> dict[tuple[str, str], str]:
    """The fingerprint each catalog was last synced with, by (catalog, target language):
    one query for an archive, where :func:`catalog_is_current` is one per catalog."""
    return {(f.name, f.language): f.fingerprint or "" for f in memory.stored_files(REVIEWED)}


@guarded
def sync_catalog(
    memory: TranslationMemory,
    catalog: str,
    source_language: str,
    target_language: str,
    entries: Iterable[ReviewedEntry | tuple],
    fingerprint: str,
    when: float | None = None,
) -> SyncResult:
    """Make the catalog's reviewed ``entries`` its units in the memory.

    ``catalog`` names the PO file as provenance comments show it
    (``briefing.po``; the target language tells the languages' files apart).
    Nothing is consumed from ``entries`` when the fingerprint is unchanged.
    New translations are dated ``when`` (Unix time; default now): a rebuild
    may pass the catalog's PO-Revision-Date so that the newest review still
    wins among variants.
    """
    if catalog_is_current(memory, catalog, target_language, fingerprint):
        stored = memory.db.execute(
            "SELECT count(*) FROM occurrences o JOIN files f ON f.id = o.file_id "
            "WHERE f.kind=? AND f.name=? AND f.language=?",
            (REVIEWED, catalog, target_language),
        ).fetchone()[0]
        return SyncResult(catalog, target_language, True, stored)
    rows = (
        UnitRow(source_language, e[0], target_language, e[1], e[2], e[3], e[4]) for e in entries
    )
    with memory.transaction():
        count = memory.replace_file(REVIEWED, catalog, target_language, fingerprint, rows, when)
    return SyncResult(catalog, target_language, False, count)


@guarded
def forget_catalog(memory: TranslationMemory, catalog: str, target_language: str) -> int:
    """Remove a deleted catalog's units (those no other file holds); return how many it had."""
    with memory.transaction():
        return memory.forget_file(REVIEWED, catalog, target_language)
