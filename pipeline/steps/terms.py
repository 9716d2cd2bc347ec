"""Terms: the project's glossary, brought up to date before a run and loaded once per job.

The glossaries ``[terms] files`` of ``pipeline.toml`` lists are imported into
``translations/terms.sqlite3`` at the start of every writing step
(:func:`sync_terms`; a file is read again only when it changed, see
:func:`pipeline.terms.sync_glossaries`); ``pipeline terms import`` adds others.
The steps then use the glossary through :class:`Glossaries`, which opens the
terms database only when it exists, so a project without a glossary pays nothing.

Glossary source terms are in the project's source language; with
``source_language = "auto"`` they are taken to be English, the readers' default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.project import Project

if TYPE_CHECKING:
    from pipeline.terms import Glossary, ImportResult, Term


def glossary_source_language(project: Project) -> str:
    """The language of the glossary's source terms: the project's (English with auto)."""
    return "en" if project.detects_language else project.source_language


def database(project: Project) -> Path:
    """``translations/terms.sqlite3``."""
    from pipeline.terms import terms_path

    return terms_path(project.translations_dir)


def sync_terms(project: Project, languages: list[str]) -> list[str]:
    """Import the listed glossaries that changed since their last import; notes saying what
    changed. ``languages`` (the job's) names the target language of a glossary that names
    none, when there is exactly one."""
    from pipeline.terms import sync_glossaries

    result = sync_glossaries(
        project.terms.files,
        database(project),
        source_language=glossary_source_language(project),
        default_language=languages[0] if len(languages) == 1 else None,
    )
    notes = [_imported(imported) for imported in result.imported]
    notes += [
        f"{path}: no longer in [terms] files of the project; its terms were removed"
        for path in result.removed
    ]
    return notes


def _imported(result: ImportResult) -> str:
    changes = f"{result.added} new, {result.updated} changed, {result.removed} removed"
    return f"{result.path}: glossary imported ({result.terms} terms: {changes})"


class Glossaries:
    """The project's glossary for each source language, loaded on first use.

    ``get`` returns None when the project has no terms database, or no terms
    in that source language: callers then skip all term work.
    """

    def __init__(self, project: Project) -> None:
        self._path = database(project)
        self._default = glossary_source_language(project)
        self._exists: bool | None = None
        self._loaded: dict[str, Glossary | None] = {}

    def get(self, source_language: str | None = None) -> Glossary | None:
        """The glossary of ``source_language`` (the project's by default), or None."""
        if self._exists is None:
            self._exists = self._path.is_file()
        if not self._exists:
            return None
        language = source_language or self._default
        if language not in self._loaded:
            from pipeline.terms import Glossary

            glossary = Glossary.load(self._path, language)
            self._loaded[language] = glossary if glossary else None
        return self._loaded[language]


# ---------------------------------------------------------------------------
# `pipeline terms import` and `pipeline terms list`


@dataclass(frozen=True)
class TermList:
    """The terms of the project's glossary (of some target languages), and where they are."""

    database: str
    terms: list[Term] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "terms": [term.to_dict() for term in self.terms]}


def import_glossary(
    project: Project, path: Path, language: str | None, source_language: str | None
) -> ImportResult:
    """Import one glossary file into the project's terms database (one transaction).

    ``language``: the target language of a file that names none (default: the
    project's target language when it has exactly one); ``source_language``: the
    language of its source terms (default: the project's).
    """
    from pipeline.terms import import_glossary as import_file

    targets = project.target_languages
    return import_file(
        Path(path),
        database(project),
        source_language=source_language or glossary_source_language(project),
        default_language=language or (targets[0] if len(targets) == 1 else None),
    )


def list_terms(project: Project, languages: Sequence[str] = ()) -> TermList:
    """The glossary's terms for ``languages`` (a regional language also gets its base
    language's terms), or all of them; sorted by language, then term."""
    from pipeline.terms import list_terms as stored

    path = database(project)
    if not languages:
        return TermList(str(path), stored(path))
    found: dict[tuple[str, str, str], Term] = {}
    for language in languages:
        found.update({(t.source_language, t.language, t.source): t for t in stored(path, language)})
    return TermList(str(path), sorted(found.values(), key=_order))


def _order(term: Term) -> tuple[str, str, str]:
    return term.language, term.source.casefold(), term.source
