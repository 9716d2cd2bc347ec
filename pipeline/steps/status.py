"""Status: entry counts per document and language, read from the PO files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError
from pipeline.gettext import catalog, states
from pipeline.project import Project
from pipeline.steps.facts import Facts


@dataclass(frozen=True)
class CatalogStatus:
    """The review state of one document in one language.

    ``translated``, ``fuzzy`` and ``untranslated`` are gettext's counts (what
    ``msgfmt --statistics`` and ``pocount`` say); the other counts say where the
    text comes from: ``reviewed`` (a person confirmed it), ``memory_exact`` and
    ``memory_fuzzy`` (translation-memory matches), ``machine``, ``suggestion``
    (the old translation of an edited sentence) and ``needs_work`` (a person's
    draft left fuzzy).
    """

    document: str
    language: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    reviewed: int = 0
    memory_exact: int = 0
    memory_fuzzy: int = 0
    machine: int = 0
    suggestion: int = 0
    needs_work: int = 0
    source_language: str = ""
    error: str | None = None  # why the catalog could not be read (its counts are then 0)

    @property
    def memory(self) -> int:
        """Entries filled from the translation memory (exact and fuzzy matches)."""
        return self.memory_exact + self.memory_fuzzy

    @property
    def reviewed_percent(self) -> float:
        """Share of entries with a confirmed translation (gettext's "translated")."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document,
            "language": self.language,
            "source_language": self.source_language,
            "total": self.total,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "reviewed": self.reviewed,
            "memory_exact": self.memory_exact,
            "memory_fuzzy": self.memory_fuzzy,
            "machine": self.machine,
            "suggestion": self.suggestion,
            "needs_work": self.needs_work,
            "reviewed_percent": round(self.reviewed_percent, 1),
            "error": self.error,
        }


def discover_catalogs(
    project: Project, languages: Sequence[str] = ()
) -> list[tuple[str, str, Path]]:
    """(document, language, path) of every PO file under the translations directory
    (none when it does not exist yet; UserError when it is a file). Hidden directories
    (the attic of :mod:`pipeline.steps.attic`) hold no language."""
    root = project.translations_dir
    found: list[tuple[str, str, Path]] = []
    if root.exists() and not root.is_dir():
        raise UserError(f"--translations-dir {root}: is a file, expected a directory")
    if not root.is_dir():
        return found
    for lang_dir in sorted(
        p for p in root.iterdir() if p.is_dir() and p.name != "templates" and p.name[0] != "."
    ):
        if languages and lang_dir.name not in languages:
            continue
        found += [(name, lang_dir.name, path) for name, path in _po_files(lang_dir)]
    return found


def _po_files(directory: Path) -> list[tuple[str, Path]]:
    """(name without ``.po``, path) of the PO files under ``directory``, in path order: what
    ``sorted(directory.rglob("*.po"))`` finds, walked with strings (every run lists every
    catalog of the archive for the memory)."""
    base = str(directory)
    found = []
    for folder, _, files in os.walk(base, followlinks=True):
        prefix = folder[len(base) + 1 :] + "/" if folder != base else ""
        found += [prefix + file for file in files if file.endswith(".po") and file != ".po"]
    found.sort(key=lambda relative: relative.split("/"))
    return [(relative[:-3], Path(base, relative)) for relative in found]


def status(project: Project, languages: Sequence[str] = ()) -> list[CatalogStatus]:
    """Entry counts per document and language, read from the PO files; a catalog that
    cannot be read is reported on its row instead of failing the whole status."""
    result = []
    with Facts(project, read_only=True) as facts:
        for name, language, path in discover_catalogs(project, languages):
            try:
                result.append(_status(facts, name, language, path))
            except UserError as error:  # one broken file must not hide every other row
                result.append(CatalogStatus(name, language, error=str(error)))
    return result


def _status(facts: Facts, name: str, language: str, path: Path) -> CatalogStatus:
    loaded = catalog.load_catalog(path, language)
    if loaded is None:
        return CatalogStatus(name, language)
    view = facts.catalog_of(name, loaded.po, language)
    counts = states.counts(view.origins(loaded.po))
    return CatalogStatus(name, language, source_language=view.source_language, **counts)
