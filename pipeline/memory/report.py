"""What the memory holds (``pipeline memory stats``) and where reviews disagree (``check``).

A unit counts as *reviewed* when at least one PO catalog of the project
holds it as a confirmed translation, otherwise as *imported*.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from pipeline.memory.store import IMPORTED, REVIEWED, TranslationMemory, guarded


@dataclass(frozen=True)
class PairStats:
    source_language: str
    target_language: str
    reviewed: int
    imported: int

    @property
    def units(self) -> int:
        return self.reviewed + self.imported


@dataclass(frozen=True)
class MemoryStats:
    path: str
    size_bytes: int  # the database with its write-ahead log
    catalogs: int  # PO catalogs synced
    imported_files: int
    pairs: list[PairStats] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(p.units for p in self.pairs)

    def to_json(self) -> dict:
        """A JSON-serialisable dict (what ``pipeline memory stats --json`` prints)."""
        data = asdict(self)
        data["units"] = self.units
        for pair, stats in zip(data["pairs"], self.pairs, strict=True):
            pair["units"] = stats.units
        return data


@guarded
def stats(memory: TranslationMemory) -> MemoryStats:
    """Units per language pair and kind, and the files they come from."""
    rows = memory.db.execute(
        "SELECT s.language, u.language, "
        "EXISTS (SELECT 1 FROM occurrences o JOIN files f ON f.id = o.file_id "
        "        WHERE o.unit_id = u.id AND f.kind = ?) AS reviewed, count(*) "
        "FROM units u JOIN segments s ON s.id = u.segment_id "
        "GROUP BY s.language, u.language, reviewed ORDER BY s.language, u.language",
        (REVIEWED,),
    )
    counts: dict[tuple[str, str], dict[bool, int]] = {}
    for source, target, reviewed, count in rows:
        counts.setdefault((source, target), {})[bool(reviewed)] = count
    pairs = [
        PairStats(source, target, by_kind.get(True, 0), by_kind.get(False, 0))
        for (source, target), by_kind in counts.items()
    ]
    files = dict(memory.db.execute("SELECT kind, count(*) FROM files GROUP BY kind").fetchall())
    size = sum(
        os.path.getsize(p)
        for p in (memory.path, memory.path.with_name(memory.path.name + "-wal"))
        if p.exists()
    )
    return MemoryStats(
        str(memory.path), size, files.get(REVIEWED, 0), files.get(IMPORTED, 0), pairs
    )


@dataclass(frozen=True)
class Variant:
    target: str
    origins: list[str]  # "briefing.po:48", in file and line order


@dataclass(frozen=True)
class Inconsistency:
    """One source sentence reviewed differently in two or more places."""

    source_language: str
    target_language: str
    source: str
    variants: list[Variant]  # most recently added first


@guarded
def inconsistencies(
    memory: TranslationMemory, target_language: str | None = None
) -> Iterator[Inconsistency]:
    """Every source sentence with two or more reviewed translations (imports ignored).

    Sorted by language pair and source sentence; for ``pipeline check``'s
    ``consistency`` warning.
    """
    rows = memory.db.execute(
        "WITH reviewed AS ("
        "  SELECT u.id AS unit_id, u.segment_id, u.language, u.target, u.updated, "
        "         f.name, o.line "
        "  FROM units u JOIN occurrences o ON o.unit_id = u.id "
        "  JOIN files f ON f.id = o.file_id "
        "  WHERE f.kind = ? AND (?2 IS NULL OR u.language = ?2)), "
        "disputed AS (SELECT segment_id, language FROM reviewed "
        "  GROUP BY segment_id, language HAVING count(DISTINCT unit_id) > 1) "
        "SELECT s.id, s.language, r.language, coalesce(s.text, s.key), r.unit_id, r.target, "
        "       r.name, r.line "
        "FROM reviewed r JOIN disputed d USING (segment_id, language) "
        "JOIN segments s ON s.id = r.segment_id "
        "ORDER BY s.language, r.language, s.key, s.id, r.updated DESC, r.unit_id, r.name, r.line",
        (REVIEWED, target_language),
    )
    current: Inconsistency | None = None
    group: tuple[int, str] | None = None
    variants: dict[int, Variant] = {}
    for segment_id, source_language, language, source, unit_id, target, name, line in rows:
        if group != (segment_id, language):
            if current is not None:
                yield current
            group, variants = (segment_id, language), {}
            current = Inconsistency(source_language, language, source, [])
        if unit_id not in variants:
            variants[unit_id] = Variant(target, [])
            current.variants.append(variants[unit_id])
        variants[unit_id].origins.append(f"{name}:{line}" if line else name)
    if current is not None:
        yield current
