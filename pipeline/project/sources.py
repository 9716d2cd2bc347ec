"""Which files of a project are transcripts, and the name each is filed under.

A document's name is its path relative to the source root that holds it, without
the extension (``speeches/2019/nato.txt`` under the root ``speeches`` is
``2019/nato``), whatever path or pattern the user typed: the same file always maps
to the same catalogs, and two files never share them (issue #14).

Patterns (``[sources] include`` / ``exclude`` of ``pipeline.toml``) are globs
relative to a root: ``*`` and ``?`` stay within one directory, ``**`` spans any
number of them. A pattern without ``/`` matches a file's name at any depth
(``*.txt``, as ``--include`` does today) and, in ``exclude``, also any directory's
name (``drafts`` leaves out every ``drafts`` directory). An ``exclude`` pattern with
``/`` leaves out a file or a whole directory (``2019/drafts``). Hidden directories
and the project's translations and output directories are never walked.

Nothing in the output or translations directory is ever a source: the tool wrote
it, and taking it in would publish it again one level deeper on every run
(``output/fr/output/fr/…``). Walking such a directory (``--output-dir src`` with
``pipeline run src``) or naming a file in one is refused; a glob pattern's
matches there are left out.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import UserError
from pipeline.project.settings import ProjectSettings


@dataclass(frozen=True)
class SourceFile:
    """A transcript of the project: its path, the root holding it, and its name."""

    path: Path
    root: Path
    name: str  # relative POSIX path under root, without the extension


def is_included(relative: str, include: Sequence[str], exclude: Sequence[str] = ()) -> bool:
    """Whether the file at ``relative`` (POSIX path under a root) is a source."""
    name = relative.rsplit("/", 1)[-1]
    if not any(_matches(pattern, relative, name) for pattern in include):
        return False
    return not any(_excludes(pattern, relative) for pattern in exclude)


def iter_source_files(
    settings: ProjectSettings, within: Path | None = None
) -> Iterator[SourceFile]:
    """Every source of the project, root by root, sorted by path; a file under two
    roots is named by the first. ``within`` narrows the walk to one directory (under a
    root, or holding roots); names stay relative to the root."""
    names: dict[str, Path] = {}
    seen: set[Path] = set()
    skipped = {_absolute(settings.translations_dir), _absolute(settings.output_dir)}
    for root in (_absolute(r) for r in settings.sources.roots):
        start = _walk_start(root, None if within is None else _absolute(within))
        if start is None:
            continue
        _refuse_generated(settings, start)
        if not root.is_dir():
            raise UserError(f"{root}: source root does not exist (sources.roots)")
        for path, relative in sorted(_walk(start, root, settings, skipped), key=_path_order):
            if path in seen:
                continue
            seen.add(path)
            name = without_suffix(relative)
            other = names.setdefault(name, path)
            if other != path:
                raise UserError(
                    f"{path}: same name {name!r} as {other} (two source roots hold a file "
                    f"of that name); rename one of them"
                )
            yield SourceFile(path, root, name)


def _path_order(found: tuple[Path, str]) -> list[str]:
    """Sort key of a walked file: its relative path's components, the order of
    sorting the paths themselves, without comparing ``Path`` objects."""
    return found[1].split("/")


def without_suffix(relative: str) -> str:
    """``relative`` without its file's extension, by pathlib's rule (``with_suffix("")``:
    a leading or trailing dot is not an extension) at a fraction of its cost."""
    head, slash, name = relative.rpartition("/")
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        name = name[:dot]
    return head + slash + name


def _walk_start(root: Path, within: Path | None) -> Path | None:
    """Where to walk ``root`` for ``within``: all of it, a directory in it, or nothing."""
    if within is None or _is_under(root, within):
        return root
    return within if _is_under(within, root) else None


def select_sources(settings: ProjectSettings, arguments: Sequence[str | Path]) -> list[SourceFile]:
    """The sources a command works on: the whole project without ``arguments``; else
    each named file (taken even if the patterns leave it out), each directory
    (walked with the patterns) and each glob pattern, all named by their root."""
    if not arguments:
        found = list(iter_source_files(settings))
        if not found:
            raise UserError(f"no transcripts in {_roots_text(settings)}")
        return found
    selected: dict[Path, SourceFile] = {}
    for argument in arguments:
        own = _own_root(settings, Path(argument))
        for source in _expand(own or settings, Path(argument), str(argument)):
            selected.setdefault(source.path, source)
    return list(selected.values())


def _own_root(settings: ProjectSettings, path: Path) -> ProjectSettings | None:
    """Without a project file, a file or directory outside the current directory is
    named as before the project file existed: relative to the directory given (a
    file's own directory). None when ``path`` is under a root, or a project file
    decides the roots (then a path outside them is refused)."""
    if getattr(settings, "file", None) is not None or not path.exists():
        return None
    absolute = _absolute(path)
    if any(_is_under(absolute, _absolute(root)) for root in settings.sources.roots):
        return None
    if any(_is_under(_absolute(root), absolute) for root in settings.sources.roots):
        return None  # a directory holding the roots: walked from them
    root = absolute if path.is_dir() else absolute.parent
    sources = dataclasses.replace(settings.sources, roots=(root,))
    return dataclasses.replace(settings, sources=sources)


def _expand(settings: ProjectSettings, path: Path, raw: str) -> Iterator[SourceFile]:
    if path.is_dir():
        found = list(iter_source_files(settings, within=path))
        if not found and not any(
            _walk_start(_absolute(root), _absolute(path)) for root in settings.sources.roots
        ):
            raise _outside(settings, path)
        if not found:
            raise UserError(
                f"{path}: no transcripts here matching {list(settings.sources.include)}"
            )
        yield from found
    elif path.is_file():
        _refuse_generated(settings, path)
        yield _named(settings, path)
    elif path.exists():
        raise UserError(
            f"{path}: not a regular file (a device, pipe or socket); transcripts are text files"
        )
    elif glob.has_magic(raw):
        matches = sorted(
            Path(p)
            for p in glob.glob(raw, recursive=True)
            if Path(p).is_file() and _generated_directory(settings, Path(p)) is None
        )
        if not matches:
            raise UserError(f"{raw}: no files match this pattern")
        yield from (_named(_own_root(settings, match) or settings, match) for match in matches)
    else:
        raise UserError(f"{path}: no such file or directory")


def _generated_directory(settings: ProjectSettings, path: Path) -> tuple[str, Path] | None:
    """("output" or "translations", that directory) when ``path`` is in it or is it."""
    absolute = _absolute(path)
    for kind, directory in (
        ("output", _absolute(settings.output_dir)),
        ("translations", _absolute(settings.translations_dir)),
    ):
        if _is_under(absolute, directory):
            return kind, directory
    return None


def _refuse_generated(settings: ProjectSettings, path: Path) -> None:
    """UserError when ``path`` (to walk or to read) is in the output or translations directory."""
    found = _generated_directory(settings, path)
    if found is None:
        return
    kind, directory = found
    if _absolute(path) == directory:
        raise UserError(
            f"{path}: is the {kind} directory too; give --{kind}-dir a directory of its own "
            "(files the tool writes are never read as transcripts)"
        )
    raise UserError(
        f"{path}: is in the {kind} directory ({directory}); files the tool writes there "
        "are never read as transcripts"
    )


def _named(settings: ProjectSettings, path: Path) -> SourceFile:
    """A file named by the first source root that holds it."""
    absolute = _absolute(path)
    for root in (_absolute(r) for r in settings.sources.roots):
        if _is_under(absolute, root):
            name = absolute.relative_to(root).with_suffix("").as_posix()
            return SourceFile(absolute, root, name)
    raise _outside(settings, path)


def _outside(settings: ProjectSettings, path: Path) -> UserError:
    return UserError(
        f"{path}: outside the project's source roots ({_roots_text(settings)}); "
        f"add its directory to sources.roots in pipeline.toml"
    )


def _walk(
    start: Path, root: Path, settings: ProjectSettings, skipped: set[Path]
) -> Iterator[tuple[Path, str]]:
    """Each included file under ``start`` with its POSIX path relative to ``root``
    (the relative directory is worked out once per directory, not per file: an
    archive's walk is part of every run's fixed cost)."""
    include, exclude = settings.sources.include, settings.sources.exclude
    for directory, subdirectories, files in os.walk(start):
        here = Path(directory)
        prefix = here.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if not d.startswith(".")
            and here / d not in skipped
            and not any(_excludes(p, prefix + d) for p in exclude)
        )
        for file in files:
            if is_included(prefix + file, include, exclude):
                yield here / file, prefix + file


def _matches(pattern: str, relative: str, name: str) -> bool:
    return bool(_regex(pattern).match(relative if "/" in pattern else name))


def _excludes(pattern: str, relative: str) -> bool:
    """A file or directory path left out by ``pattern`` (itself or one of its directories)."""
    parts = relative.split("/")
    if "/" not in pattern.strip("/"):
        return any(_regex(pattern.strip("/")).match(part) for part in parts)
    prefixes = ("/".join(parts[:end]) for end in range(1, len(parts) + 1))
    return any(_regex(pattern).match(prefix) for prefix in prefixes)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over POSIX paths (``**``: any directories)."""
    parts = pattern.strip("/").split("/")
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:[^/]+/)*"
        else:
            regex += _segment_regex(part) + ("" if last else "/")
    return re.compile(regex + r"\Z")


def _segment_regex(segment: str) -> str:
    out = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in segment[index + 2 :]:
            end = segment.index("]", index + 2)
            body = segment[index + 1 : end]
            body = ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\")
            out.append(f"[{body}]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))


def _is_under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _roots_text(settings: ProjectSettings) -> str:
    return ", ".join(str(root) for root in settings.sources.roots)
