"""Status: entry counts per document and language, read from the PO files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError
from pipeline.gettext import catalog, states
from pipeline.project import Project


@dataclass(frozen=True)
class CatalogStatus:
    """The review state of one document in one language."""

    document: str
    language: str
    total: int
    reviewed: int
    machine: int
    fuzzy: int
    untranslated: int
    error: str | None = None  # why the catalog could not be read (its counts are then 0)

    @property
    def reviewed_percent(self) -> float:
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document,
            "language": self.language,
            "total": self.total,
            "reviewed": self.reviewed,
            "machine": self.machine,
            "untranslated": self.untranslated,
            "fuzzy": self.fuzzy,
            "reviewed_percent": round(self.reviewed_percent, 1),
            "error": self.error,
        }


def discover_catalogs(
    project: Project, languages: Sequence[str] = ()
) -> list[tuple[str, str, Path]]:
    """(document, language, path) of every PO file under the translations directory
    (none when it does not exist yet; UserError when it is a file)."""
    root = project.translations_dir
    found: list[tuple[str, str, Path]] = []
    if root.exists() and not root.is_dir():
        raise UserError(f"--translations-dir {root}: is a file, expected a directory")
    if not root.is_dir():
        return found
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "templates"):
        if languages and lang_dir.name not in languages:
            continue
        for po_path in sorted(lang_dir.rglob("*.po")):
            name = po_path.relative_to(lang_dir).with_suffix("").as_posix()
            found.append((name, lang_dir.name, po_path))
    return found


def status(project: Project, languages: Sequence[str] = ()) -> list[CatalogStatus]:
    """Entry counts per document and language, read from the PO files."""
    result = []
    for name, language, path in discover_catalogs(project, languages):
        try:
            loaded = catalog.load_catalog(path, language)
        except UserError as error:  # one broken file must not hide every other row
            result.append(CatalogStatus(name, language, 0, 0, 0, 0, 0, error=str(error)))
            continue
        counts = states.counts(loaded.po) if loaded else {}
        result.append(
            CatalogStatus(
                name,
                language,
                counts.get("total", 0),
                counts.get("reviewed", 0),
                counts.get("machine", 0),
                counts.get("fuzzy", 0),
                counts.get("untranslated", 0),
            )
        )
    return result
