"""Sources: which transcript files a job covers and the names their catalogs are filed under.

Files, directories (walked with the project's include/exclude patterns) and glob
patterns expand to :class:`Source` items (:mod:`pipeline.project.sources` walks
the tree). A large transcript is replaced by its parts
(:func:`split_large_sources`), each a document of its own.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.text.ingest import Part

if TYPE_CHECKING:
    from pipeline.project import Project


_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Source:
    """A transcript file (or one part of a large one) and the name its catalogs and
    outputs are filed under: its path under the project's source root, without extension."""

    path: Path
    name: str
    part: Part | None = None  # set for a part of a large file (see split_large_sources)
    file_name: str = ""  # for a part: the whole file's name
    aliases: tuple[Path, ...] = ()  # symbolic links to this file that were named too

    @property
    def family(self) -> str:
        """The whole file's name: parts of one file share it."""
        return self.file_name or self.name


def find_sources(
    paths: Sequence[str | Path] = (),
    project: Project | None = None,
    include: str | None = None,
) -> list[Source]:
    """The project's transcripts (``paths`` narrows them to some files, directories or
    glob patterns), each named by its path under its source root, whatever path the
    user typed: the same file always maps to the same catalogs, two files never share.

    ``include`` replaces the project's file pattern (``--include``). A symbolic link
    and the file it points to are one document, named by the real file's path
    (when it lies under a root). Raises UserError when nothing is found.
    """
    from pipeline.project import Project
    from pipeline.project.sources import select_sources

    project = project or Project()
    if include:
        project = dataclasses.replace(
            project, sources=dataclasses.replace(project.sources, include=(include,))
        )
    by_real: dict[Path, Source] = {}
    roots = [os.path.realpath(root) for root in project.sources.roots]
    real_directory = functools.lru_cache(maxsize=None)(os.path.realpath)
    for found in select_sources(project, paths):
        real = _real_path(found.path, real_directory)
        named = _real_name(roots, real) or found.name
        source = by_real.get(real) or Source(real if named != found.name else found.path, named)
        if named != found.name:  # a link, whichever of it and its file comes first
            source = dataclasses.replace(source, aliases=(*source.aliases, found.path))
        by_real[real] = source
    if not by_real:
        raise UserError("no transcripts given")
    return list(by_real.values())


def _real_path(path: Path, real_directory: Callable[[str], str]) -> Path:
    """``path.resolve()``, resolving each directory once (``real_directory``, cached)
    rather than every component of every file's path: one ``lstat`` per file."""
    if os.path.islink(path):
        return path.resolve()
    real = os.path.join(real_directory(os.path.dirname(os.path.abspath(path))), path.name)
    return path if real == str(path) else Path(real)


def _real_name(roots: list[str], real: Path) -> str | None:
    """The name of the file a link points to, when it lies under a source root
    (``roots``: their real paths)."""
    from pipeline.project.sources import without_suffix

    text = str(real)
    for root in roots:
        prefix = root.rstrip(os.sep) + os.sep
        if text.startswith(prefix):
            return without_suffix(text[len(prefix) :])
        if text == root:
            return real.relative_to(root).with_suffix("").as_posix()
    return None


def check_name(source: Source) -> None:
    """Refuse a name that cannot be a catalog or output path (before anything is written)."""
    parts = source.name.split("/")
    if any(not part.strip(".") for part in parts):
        raise UserError(f"{source.path}: its name {source.name!r} cannot be a file name; rename it")
    if _CONTROL.search(source.name):
        shown = source.name.encode("unicode_escape").decode("ascii")
        raise UserError(
            f"{shown}: a file name with a control character (newline, tab …) cannot be "
            "referenced in a PO file; rename it"
        )


def split_large_sources(sources: Sequence[Source], encoding: str = "utf-8") -> list[Source]:
    """Each large transcript replaced by its parts (see :func:`pipeline.text.ingest.plan_parts`).

    A part is a document of its own for every stage — its own POT and PO
    files and outputs, named ``<name>.part-0001`` … — so a 200 MB transcript
    streams through the pipeline in bounded memory like an archive of small
    ones, and its catalogs stay small enough for a PO editor to open.
    """
    from pipeline.text.ingest import part_name, plan_parts

    expanded: list[Source] = []
    for source in sources:
        try:
            parts = plan_parts(source.path, encoding) if source.part is None else []
        except UserError:
            parts = []  # unreadable: reported for this document alone when it is read
        if not parts:
            expanded.append(source)
            continue
        _refuse_files_named_like_parts(source)
        expanded.extend(
            Source(source.path, part_name(source.name, part.number), part, source.name)
            for part in parts
        )
    _refuse_clashing_names(expanded)
    return expanded


def files_named_like_parts(source: Source) -> dict[str, Path]:
    """The files beside ``source``'s transcript named like its parts (``x.part-0001.txt``
    beside ``x.txt``), by the document name they have: documents of their own, never
    parts of ``x``, whatever the size of ``x.txt``.

    Any regular file counts, whatever its extension: a catalog or output named like
    a part is only ever taken for one when no file of that name exists.
    """
    from pipeline.text.ingest import part_glob

    directory = posixpath.dirname(source.family)
    pattern = part_glob(posixpath.basename(source.family))
    found: dict[str, Path] = {}
    try:
        with os.scandir(source.path.parent) as entries:
            for entry in entries:
                stem = Path(entry.name).stem
                if fnmatch.fnmatchcase(stem, pattern) and entry.is_file():
                    found[posixpath.join(directory, stem)] = Path(entry.path)
    except OSError:
        pass  # the transcript's directory cannot be listed: its reading reports that
    return found


def _refuse_files_named_like_parts(source: Source) -> None:
    """A large file's part must not take the catalogs of a file named like it, even one
    the job does not cover (``pipeline run big.txt`` beside ``big.part-0001.txt``)."""
    clashing = files_named_like_parts(source)
    if clashing:
        name, path = min(clashing.items())
        raise UserError(
            f"{path}: its name {name!r} is also the name of a part of the large file "
            f"{source.path}; rename one of them"
        )


def _refuse_clashing_names(sources: Sequence[Source]) -> None:
    """A part's name must not be another file's ("big.part-0001.txt" beside a large "big.txt")."""
    seen: dict[str, Source] = {}
    for source in sources:
        other = seen.setdefault(source.name, source)
        if other is not source:
            first, second = sorted([other, source], key=lambda s: s.part is None)
            raise UserError(
                f"{second.path}: its name {source.name!r} is also the name of a part of the "
                f"large file {first.path}; rename one of them"
            )
