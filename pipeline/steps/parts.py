"""Translations of a large file's old part catalogs, for merging its new parts.

An edit can move a part boundary, and with it a sentence into the next
part's catalog; merging with the file's compendium (all its catalogs as
they were before this run, see :mod:`pipeline.gettext.compendium`) lets the
translation follow the sentence.

A catalog named like a part (``x.part-0001.po``) belongs to ``x`` only while no
file of that name lies beside ``x``'s transcript
(:func:`~pipeline.steps.sources.files_named_like_parts`): ``x.part-0001.txt`` is a
document of its own, and its catalog is never merged into, nor reported stale for,
a small ``x.txt``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.gettext import catalog
from pipeline.steps.sources import Source, files_named_like_parts

if TYPE_CHECKING:
    from pipeline.gettext.compendium import Compendium
    from pipeline.project import Project
    from pipeline.steps.documents import Settings
    from pipeline.steps.facts import Facts


class PartMemory:
    """The compendium of one large file's old catalogs, per language.

    Built when the file's first part is merged, before any of its catalogs is
    rewritten; one file at a time. Catalogs of the file that no part uses any
    more are collected in :attr:`stale` (the user is told; they are never deleted).
    """

    def __init__(self, project: Project, facts: Facts, settings: Settings) -> None:
        self._project = project
        self._facts = facts
        self._settings = settings
        self._family: tuple[Path, str] | None = None
        self._documents: set[str] = set()  # files named like the current file's parts
        self._compendia: dict[str, Compendium] = {}
        self._old: set[Path] = set()  # the file's catalogs before this run
        self._merged: set[Path] = set()  # those this run merges
        self.stale: list[Path] = []  # catalogs of the file that no part uses any more

    def compendium(
        self, source: Source, language: str, po_path: Path
    ) -> Callable[[str], Any] | None:
        """The lookup for ``source``'s file in ``language`` (merged into ``po_path``),
        or None for a file that is not, and was not, split."""
        from pipeline.text.ingest import part_name

        first_part = self._project.catalog_path(language, part_name(source.family, 1))
        if source.part is None and not first_part.exists():
            return None  # the usual case (a stat, not a directory listing)
        if self._family != (source.path, source.family):
            self.close()
            self._family = (source.path, source.family)
            self._documents = set(files_named_like_parts(source))
        if source.part is None and not self._part_catalogs(source.family, language):
            return None  # only files named like parts: never this file's parts
        if language not in self._compendia:
            self._compendia[language] = self._build(source, language)
        self._merged.add(po_path)
        return self._compendia[language].lookup

    def _part_catalogs(self, family: str, language: str) -> list[Path]:
        """The catalogs of ``family``'s parts in ``language``, those of the files named
        like parts (documents of their own) left out."""
        from pipeline.text.ingest import part_glob

        whole = self._project.catalog_path(language, family)
        found = sorted(whole.parent.glob(part_glob(whole.stem) + ".po"))
        directory = posixpath.dirname(family)
        return [p for p in found if posixpath.join(directory, p.stem) not in self._documents]

    def _build(self, source: Source, language: str) -> Compendium:
        from pipeline.gettext.compendium import Compendium

        compendium = Compendium()
        whole = self._project.catalog_path(language, source.family)
        source_language = self._settings.language_of(source)
        for path in [whole, *self._part_catalogs(source.family, language)]:
            loaded = catalog.load_catalog(path, language)
            if loaded is not None:
                name = path.relative_to(whole.parent).with_suffix("").as_posix()
                document = str(Path(source.family).parent / name).removeprefix("./")
                facts = self._facts.catalog(document, source_language, language)
                compendium.add(loaded.po, facts.origin)
                self._old.add(path)
        return compendium

    def close(self) -> None:
        """Done with the current file: free its compendia, note its unused catalogs."""
        for compendium in self._compendia.values():
            compendium.close()
        self._compendia = {}
        self.stale += sorted(self._old - self._merged)
        self._old, self._merged = set(), set()

    def __enter__(self) -> PartMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
