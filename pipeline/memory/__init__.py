"""The project translation memory: every reviewed translation, reusable everywhere.

``translations/memory.sqlite3`` holds the translations people confirmed in
the project's PO catalogs (kept in sync from the catalogs that changed) and
those imported from other tools (TMX, XLIFF, PO compendia). A run opens it
once and looks up all its sentences in one batch: in-context exact, exact,
then fuzzy matches. Machine translations never enter it, and it can always
be rebuilt from the PO files.

Modules: :mod:`~pipeline.memory.text` (keys, hashes, index words),
:mod:`~pipeline.memory.database` (schema, opening, rebuilding),
:mod:`~pipeline.memory.store` (writes, transactions, corruption),
:mod:`~pipeline.memory.sync` (catalogs), :mod:`~pipeline.memory.matching`
(matching), :mod:`~pipeline.memory.interchange` (TMX/XLIFF/PO import, TMX
export), :mod:`~pipeline.memory.report` (stats, consistency). Only the
standard library is imported here; rapidfuzz, translate-toolkit and Babel
are imported by the functions that need them.
"""

from pipeline.memory.database import MEMORY_FILE, open_memory, rebuilding
from pipeline.memory.interchange import ImportedFile, export_tmx, import_files, resolve_language
from pipeline.memory.matching import (
    COMMENT_PREFIX,
    DEFAULT_MIN_SCORE,
    Match,
    MatchKind,
    Query,
    lookup,
)
from pipeline.memory.report import (
    Inconsistency,
    MemoryStats,
    PairStats,
    Variant,
    inconsistencies,
    stats,
)
from pipeline.memory.store import (
    IMPORTED,
    REVIEWED,
    MemoryCorrupt,
    StoredFile,
    TranslationMemory,
)
from pipeline.memory.sync import (
    ReviewedEntry,
    SyncResult,
    catalog_is_current,
    forget_catalog,
    sync_catalog,
    synced_fingerprints,
)

__all__ = [
    "COMMENT_PREFIX",
    "DEFAULT_MIN_SCORE",
    "IMPORTED",
    "MEMORY_FILE",
    "REVIEWED",
    "ImportedFile",
    "Inconsistency",
    "Match",
    "MatchKind",
    "MemoryCorrupt",
    "MemoryStats",
    "PairStats",
    "Query",
    "ReviewedEntry",
    "StoredFile",
    "SyncResult",
    "TranslationMemory",
    "Variant",
    "catalog_is_current",
    "export_tmx",
    "forget_catalog",
    "import_files",
    "inconsistencies",
    "lookup",
    "open_memory",
    "rebuilding",
    "resolve_language",
    "stats",
    "sync_catalog",
    "synced_fingerprints",
]
