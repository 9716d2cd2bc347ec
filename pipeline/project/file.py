"""The project file, ``pipeline.toml``: a project's settings in one place (issue #14).

``pipeline init`` writes an annotated example (:func:`write_project_file`); every
later command finds it like git finds ``.git`` (:func:`find_project_file`: the
current directory or the nearest parent holding one) and reads it with ``tomllib``
(:func:`load_project_file`) into a frozen :class:`ProjectSettings`. Without a project
file, :class:`ProjectSettings` ``()`` holds today's command-line defaults and the
current directory is the root, so the tool works as before.

One schema (:data:`pipeline.project.settings.KEYS`) drives reading, checking and
writing: each key has its converter and the comment written above it in the example,
so the example always documents every key and reads back to the settings it was
written from.

Problems (unknown keys, wrong types, unknown language codes) are gathered and
raised as one :class:`~pipeline.errors.UserError`, each as ``file:line: key:
what``; lines come from :mod:`pipeline.project.toml_lines`, as tomllib gives none.
Relative paths in the file are relative to the file's directory.

Language codes take one spelling (:func:`pipeline.text.languages.normalize_language`):
``FR``, ``fr-FR`` and ``fr_fr`` are ``fr``, ``fr_FR`` and ``fr_FR``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import UserError
from pipeline.project.settings import (
    AUTO,
    BY_NAME,
    KEYS,
    TABLES,
    BadValue,
    Key,
    ProjectSettings,
    show,
)

__all__ = [
    "AUTO",
    "PROJECT_FILE_NAME",
    "ProjectSettings",
    "find_project_file",
    "load_project_file",
    "load_settings",
    "render_project_file",
    "with_values",
    "write_project_file",
]

PROJECT_FILE_NAME = "pipeline.toml"


# ---------------------------------------------------------------------------
# Finding and loading


def find_project_file(start: Path) -> Path | None:
    """``start`` (a directory, or a file's directory) or its nearest parent holding
    ``pipeline.toml``, as git finds ``.git``; None when there is none up to the root."""
    directory = Path(os.path.abspath(start))
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        path = candidate / PROJECT_FILE_NAME
        if path.is_file():
            return path
    return None


def load_settings(start: Path, project_file: Path | None = None) -> ProjectSettings:
    """What a command runs with: ``project_file`` if given (``--project FILE``), else
    the file :func:`find_project_file` finds from ``start``, else the defaults (the
    current directory is the root, paths stay relative to it)."""
    if project_file is not None:
        if not Path(project_file).is_file():
            raise UserError(f"{project_file}: no such project file")
        return load_project_file(project_file)
    found = find_project_file(start)
    return load_project_file(found) if found else ProjectSettings()


def load_project_file(path: Path) -> ProjectSettings:
    """Read and check a project file; relative paths are resolved against its directory.

    Every problem in the file is reported in one :class:`UserError`
    (``file:line: key: what``, problems separated by ``;``).
    """
    path = Path(path)
    shown = _display(path)
    text = _read(path, shown)
    data = _parse_toml(text, shown)
    problems: list[tuple[int, str]] = []
    lines: dict[tuple[str, ...], int] | None = None

    def report(key_path: tuple[str, ...], message: str) -> None:
        nonlocal lines
        from pipeline.project.toml_lines import key_lines, line_of

        lines = key_lines(text) if lines is None else lines
        line = line_of(lines, key_path) or 1
        problems.append((line, f"{shown}:{line}: {'.'.join(key_path)}: {message}"))

    values = _convert_all(data, report)
    _check_together(values, report)
    if problems:
        raise UserError("; ".join(message for _, message in sorted(problems)))
    settings = _apply(ProjectSettings(), values)
    return dataclasses.replace(settings.resolved(path.parent), file=Path(os.path.abspath(path)))


def with_values(
    settings: ProjectSettings, values: Mapping[str, Any], origin: str = "command line"
) -> ProjectSettings:
    """``settings`` with some keys replaced, checked as the file's values are.

    ``values`` maps dotted key names (``"target_languages"``, ``"engine.device"``) to
    values as TOML would give them (strings, lists, numbers, booleans); command-line
    options go through the same checks and normalisation as the file (``--to FR``
    is ``fr``). Paths are relative to the current directory. Problems are one
    :class:`UserError`, each as ``origin: key: what``.
    """
    problems: list[str] = []
    converted: dict[str, Any] = {}
    for name, value in values.items():
        key = BY_NAME.get(name)
        try:
            if key is None:
                raise BadValue("unknown key")
            converted[name] = key.convert(value)
        except BadValue as exc:
            problems.append(f"{origin}: {name}: {exc}")
    if "target_languages" in converted:  # the file's targets are the caller's to filter
        pair = {"source_language": settings.source_language} | converted
        _check_together(pair, lambda path, why: problems.append(f"{origin}: {path[0]}: {why}"))
    if problems:
        raise UserError("; ".join(problems))
    updated = _apply(settings, converted)
    if not settings.root.is_absolute():
        return updated
    return dataclasses.replace(updated.resolved(Path.cwd()), root=settings.root)


def _read(path: Path, shown: str) -> str:
    try:
        return path.read_bytes().decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{shown}: not UTF-8 text (byte {exc.start}); TOML files are UTF-8"
        ) from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot read: {exc.strerror}") from None


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(exc)
        raise UserError(f"{shown}:{line}: invalid TOML: {message}") from None


def _toml_error(exc: ValueError) -> tuple[str, int]:
    """The message and line of a TOMLDecodeError ("... (at line 3, column 9)" before 3.14)."""
    import re

    lineno = getattr(exc, "lineno", None)
    message = getattr(exc, "msg", None) or str(exc)
    match = re.search(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)", message)
    if match:
        message = message[: match.start()]
        lineno = lineno or (int(match.group(1)) if match.group(1) else None)
    return message, lineno or 1


def _convert_all(
    data: Mapping[str, Any], report: Callable[[tuple[str, ...], str], None]
) -> dict[str, Any]:
    """Known keys → converted values; each unknown key or bad value is reported."""
    values: dict[str, Any] = {}
    for key_path, value in _leaves(data):
        name = ".".join(key_path)
        key = BY_NAME.get(name)
        if key is None:
            report(key_path, _unknown(key_path, value))
            continue
        try:
            values[name] = key.convert(value)
        except BadValue as exc:
            report(key_path, str(exc))
    return values


def _leaves(data: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, value) of each top-level key, and of each key of a known table."""
    for name, value in data.items():
        if name in TABLES and isinstance(value, dict):
            for inner, inner_value in value.items():
                yield (name, inner), inner_value
        else:
            yield (name,), value


def _unknown(key_path: tuple[str, ...], value: Any) -> str:
    name = ".".join(key_path)
    if len(key_path) == 1 and key_path[0] in TABLES:
        return f"expected a table of settings ([{name}]), got {show(value)}"
    table = key_path[0] if len(key_path) > 1 else None
    known = [key.name for key in KEYS if key.table == table] + (list(TABLES) if not table else [])
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}?" if close else "known keys: " + ", ".join(known)
    return f"unknown key ({hint})"


def _check_together(values: Mapping[str, Any], report: Callable[..., None]) -> None:
    """Rules between keys: no target language equal to a fixed source language."""
    source = values.get("source_language", ProjectSettings.source_language)
    if source in values.get("target_languages", ()):
        report(("target_languages",), f"{show(source)} is the same as the source language")


def _apply(settings: ProjectSettings, values: Mapping[str, Any]) -> ProjectSettings:
    """``settings`` with converted values (dotted names) replacing theirs."""
    top = {name: value for name, value in values.items() if "." not in name}
    tables: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if "." in name:
            table, attribute = name.split(".")
            tables.setdefault(table, {})[attribute] = value
    for table, changed in tables.items():
        top[table] = dataclasses.replace(getattr(settings, table), **changed)
    return dataclasses.replace(settings, **top)


def _display(path: Path) -> str:
    """``path`` relative to the current directory when under it, for messages."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# Writing (`pipeline init`)

_HEADER = """\
# pipeline.toml: the project file of transcript-pipeline (written by `pipeline init`).
#
# Commands run anywhere in this directory tree find it (like git finds .git);
# `--project FILE` names another one. Every key is optional: a key left out keeps
# the default shown here. Relative paths are relative to this file's directory.
# Command-line options override these settings for one run.
"""


def render_project_file(
    settings: ProjectSettings | None = None, directory: Path | None = None
) -> str:
    """The annotated example file holding ``settings`` (default: the defaults), for a
    file in ``directory`` (default: ``settings.root``).

    Relative paths of ``settings`` are relative to its root, or, for settings whose
    root is ``.`` (the defaults), to ``directory``; they are written relative to
    ``directory``, so the project can move as a whole.
    """
    settings = settings or ProjectSettings()
    directory = Path(os.path.abspath(directory if directory is not None else settings.root))
    base = directory if settings.root == Path(".") else settings.root
    settings = settings.resolved(base)
    parts = [_HEADER]
    table: str | None = None
    for key in KEYS:
        if key.table != table:
            table = key.table
            parts.append(f"\n# {TABLES[table]}\n[{table}]\n")
        value = _relative(_value_of(settings, key), directory)
        comment = "".join(f"# {line}\n" for line in key.doc.splitlines())
        if value is None:
            assignment = f"# {key.attribute} = {key.example}\n"
        elif key.example and not value:  # an empty list: written, an example beside it
            assignment = f"{key.attribute} = {show(value)}  # e.g. {key.example}\n"
        else:
            assignment = f"{key.attribute} = {show(value)}\n"
        parts.append(f"\n{comment}{assignment}")
    return "".join(parts)


def write_project_file(path: Path, settings: ProjectSettings | None = None) -> Path:
    """Write :func:`render_project_file` to ``path`` atomically; never over an existing
    file (UserError). Returns ``path``."""
    from pipeline.fsutil import atomic_create

    path = Path(path)
    text = render_project_file(settings, path.parent)
    try:
        atomic_create(path, text.encode("utf-8"))
    except FileExistsError:
        raise UserError(f"{_display(path)}: already exists; edit it, or remove it first") from None
    return path


def _value_of(settings: ProjectSettings, key: Key) -> Any:
    holder = getattr(settings, key.table) if key.table else settings
    return getattr(holder, key.attribute)


def _relative(value: Any, base: Path) -> Any:
    """Absolute paths → relative to ``base`` (the project file's directory)."""
    if isinstance(value, tuple):
        return tuple(_relative(item, base) for item in value)
    if isinstance(value, Path) and value.is_absolute():
        try:
            return Path(os.path.relpath(value, base))
        except ValueError:  # another drive (Windows)
            return value
    return value
