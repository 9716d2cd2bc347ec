"""``pipeline memory …``: import, export, statistics and rebuilding of the translation memory.

Each function opens ``translations/memory.sqlite3`` for one job; the caller
(:mod:`pipeline.api`) holds the project lock for the ones that write.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.project import Project
from pipeline.steps.memory import memory_path

if TYPE_CHECKING:
    from pipeline.memory import ImportedFile, MemoryStats


def project_languages(project: Project) -> tuple[str, list[str]]:
    """The source language (``en`` when detected per document) and every target language
    the project knows: configured ones and those with a catalog directory."""
    from pipeline.steps.status import discover_catalogs

    source = "en" if project.detects_language else project.source_language
    targets = list(project.target_languages)
    for _, language, _ in discover_catalogs(project):
        if language not in targets:
            targets.append(language)
    return source, targets


def import_memories(project: Project, paths: Sequence[Path]) -> list[ImportedFile]:
    """Import TMX, XLIFF and PO/POT files into the memory: all of them or none."""
    from pipeline.memory import import_files, open_memory

    missing = [str(path) for path in paths if not Path(path).is_file()]
    if missing:
        raise UserError(f"{missing[0]}: no such file")
    source, targets = project_languages(project)
    with open_memory(memory_path(project)) as memory:
        return import_files(memory, [Path(p) for p in paths], source, targets)


def export_memory(project: Project, target_language: str, path: Path) -> int:
    """Write the memory's units into ``target_language`` as TMX 1.4; return how many."""
    from pipeline.memory import export_tmx, open_memory

    source, _ = project_languages(project)
    with open_memory(memory_path(project)) as memory:
        return export_tmx(memory, source, target_language, Path(path))


def memory_stats(project: Project) -> MemoryStats:
    """Units per language pair, by kind (reviewed in a catalog, or imported)."""
    from pipeline.memory import open_memory, stats

    with open_memory(memory_path(project)) as memory:
        return stats(memory)


def rebuild_memory(project: Project) -> MemoryStats:
    """A new memory from every PO file (and the old one's imports, when readable)."""
    from pipeline.memory import rebuilding
    from pipeline.steps.facts import Facts
    from pipeline.steps.job import Job
    from pipeline.steps.memory import sync

    job = Job(project, [], [])
    with Facts(project, read_only=True) as facts, rebuilding(memory_path(project)) as memory:
        job._facts = facts
        sync(job, memory)
    return memory_stats(project)
