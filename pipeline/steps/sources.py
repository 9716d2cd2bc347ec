"""Sources: which transcript files a job covers and the names their catalogs are filed under.

Files, directories (walked; names mirror the relative paths) and glob patterns
expand to :class:`Source` items. A large transcript is replaced by its parts
(:func:`split_large_sources`), each a document of its own.
"""

from __future__ import annotations

import fnmatch
import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError
from pipeline.text.ingest import Part


@dataclass(frozen=True)
class Source:
    """A transcript file (or one part of a large one) and the name its catalogs and
    outputs are filed under."""

    path: Path
    name: str  # file stem, or relative path without suffix when a directory was walked
    part: Part | None = None  # set for a part of a large file (see split_large_sources)
    file_name: str = ""  # for a part: the whole file's name

    @property
    def family(self) -> str:
        """The whole file's name: parts of one file share it."""
        return self.file_name or self.name


def find_sources(paths: Sequence[str | Path], include: str = "*.txt") -> list[Source]:
    """Expand files, directories (walked, names mirror relative paths) and glob patterns.

    The same file named twice is used once; two different files that would be
    filed under the same name are refused.
    """
    sources: dict[str, Source] = {}
    seen: set[Path] = set()
    for raw in paths:
        for source in _expand(Path(raw), str(raw), include):
            resolved = source.path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            other = sources.get(source.name)
            if other is not None:
                raise UserError(
                    f"{source.path}: same name {source.name!r} as {other.path}; "
                    f"pass their common directory instead so names mirror the tree"
                )
            sources[source.name] = source
    if not sources:
        raise UserError("no transcripts given")
    return list(sources.values())


def _expand(path: Path, raw: str, include: str) -> Iterator[Source]:
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*") if p.is_file() and fnmatch.fnmatch(p.name, include)
        )
        if not found:
            raise UserError(f"{path}: no files matching {include!r} in this directory")
        for file in found:
            relative = file.relative_to(path).with_suffix("")
            yield Source(file, relative.as_posix())
    elif path.exists():
        yield Source(path, path.stem)
    elif glob.has_magic(raw):
        matches = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
        if not matches:
            raise UserError(f"{raw}: no files match this pattern")
        for file in matches:
            yield Source(file, file.stem)
    else:
        raise UserError(f"{path}: no such file or directory")


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
        parts = plan_parts(source.path, encoding) if source.part is None else []
        if not parts:
            expanded.append(source)
            continue
        expanded.extend(
            Source(source.path, part_name(source.name, part.number), part, source.name)
            for part in parts
        )
    _refuse_clashing_names(expanded)
    return expanded


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
