"""The attic: catalogs of documents whose transcript is gone, kept for their reviewed work.

``pipeline prune --yes`` (:mod:`pipeline.steps.prune`) moves such a PO file from
``translations/<lang>/<name>.po`` to ``translations/.attic/<lang>/<name>.po``. The
directory is hidden, so it is never taken for a language or its files for catalogs
of a run, and the tool never deletes anything in it. The translation memory keeps
learning from it (:func:`memory_catalogs`), under the name ``.attic/<name>.po``:
a rebuilt memory still holds those reviews, and a renamed transcript gets them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.project import Project

ATTIC_DIR = ".attic"
_TAKEN = re.compile(r"~[0-9]+$")  # x~2: a second catalog of the document "x" in the attic


def attic_dir(project: Project) -> Path:
    """``<translations>/.attic``."""
    return project.translations_dir / ATTIC_DIR


def attic_path(project: Project, language: str, name: str) -> Path:
    """Where the catalog of ``name`` in ``language`` goes: ``.attic/<lang>/<name>.po``,
    or ``<name>~2.po``, ``<name>~3.po`` … when an earlier one is already there."""
    first = attic_dir(project) / language / f"{name}.po"
    path, number = first, 1
    while path.exists():
        number += 1
        path = first.with_name(f"{first.stem}~{number}.po")
    return path


def attic_catalogs(project: Project) -> list[tuple[str, str, Path]]:
    """(name under the attic's language directory, language, path) of every PO file
    in the attic, sorted."""
    root = attic_dir(project)
    if not root.is_dir():
        return []
    return [
        (path.relative_to(directory).with_suffix("").as_posix(), directory.name, path)
        for directory in sorted(p for p in root.iterdir() if p.is_dir())
        for path in sorted(directory.rglob("*.po"))
    ]


def memory_catalogs(project: Project) -> Iterator[tuple[str, str, str, Path]]:
    """(catalog name as the memory files it, without ``.po``; document name; language;
    path) of every PO file the translation memory learns from: the project's catalogs,
    then those in the attic (``.attic/<name>``, their document's name without ``~N``)."""
    from pipeline.steps.status import discover_catalogs

    for name, language, path in discover_catalogs(project):
        yield name, name, language, path
    for name, language, path in attic_catalogs(project):
        yield f"{ATTIC_DIR}/{name}", _TAKEN.sub("", name), language, path


def catalog_file(project: Project, language: str, memory_name: str) -> Path:
    """The PO file a memory catalog name (without ``.po``) stands for."""
    inside = memory_name.removeprefix(f"{ATTIC_DIR}/")
    if inside != memory_name:
        return attic_dir(project) / language / f"{inside}.po"
    return project.catalog_path(language, memory_name)
