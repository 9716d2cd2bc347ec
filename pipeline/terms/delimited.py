"""Reading glossaries: CSV and TSV files as terminologists and spreadsheets write them.

The documented layout is one term per row: source term, target language, target
term(s) separated by ``|``, note, and an optional do-not-translate column. A
target equal to the source (or a true do-not-translate cell) marks a term to keep
as it is. Real files vary, and these variations are read too:

* header names: ``source``/``term``/``source term``, ``language``/``locale``/
  ``target language``, ``target``/``translation``/``target term(s)``,
  ``note``/``comment``/``definition``, ``do-not-translate``/``dnt``/``keep``
  (any case, ``-``/``_``/spaces alike); a language in brackets, ``Target (fr-FR)``,
  fixes the target language of that column;
* one column per language (``en;fr-FR;de``, or ``English,French``), the source
  column being the one in the source language;
* no header at all (then the columns are in the documented order);
* language codes and names normalised with Babel (``fr-FR`` → ``fr``);
* UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), ``,``
  ``;`` or tab separators (guessed from the first line; ``.tsv``/``.tab`` are
  tab-separated; Excel's ``sep=;`` first line is honoured).

A malformed row is one :class:`~pipeline.errors.UserError` naming ``file:line``
and the whole file is rejected, so an import never half-happens.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UserError
from pipeline.terms.languages import normalise_language
from pipeline.terms.model import Term

_ROLES: dict[str, frozenset[str]] = {
    "source": frozenset(
        {"source", "source term", "source terms", "term", "terms", "source text", "src"}
        | {"entry", "headword", "source word"}
    ),
    "language": frozenset(
        {"language", "languages", "target language", "lang", "locale", "target locale"}
        | {"language code", "target lang", "target language code", "tgt lang"}
    ),
    "target": frozenset(
        {"target", "targets", "target term", "target terms", "translation", "translations"}
        | {"target text", "equivalent", "equivalents", "tgt", "approved translation"}
    ),
    "note": frozenset(
        {"note", "notes", "comment", "comments", "definition", "description", "remark"}
        | {"remarks", "context", "usage", "usage note"}
    ),
    "keep": frozenset(
        {"do not translate", "dnt", "keep", "keep as is", "untranslatable", "no translation"}
        | {"not translatable", "donottranslate", "do not translate?"}
    ),
}
_TRUE = frozenset({"yes", "y", "true", "1", "x", "dnt", "keep", "do not translate", "✓", "✔"})
_FALSE = frozenset({"", "no", "n", "false", "0", "-"})
_POSITIONAL = ("source", "language", "target", "note", "keep")
_BRACKETED = re.compile(r"(?P<name>.*?)\s*[(\[](?P<language>[^)\]]+)[)\]]\s*")
_SEP_LINE = re.compile(r"sep=(?P<delimiter>.)\s*")


@dataclass
class _Columns:
    """Which column holds what. ``targets`` maps a column to its fixed language (or None)."""

    source: int | None = None
    language: int | None = None
    note: int | None = None
    keep: int | None = None
    targets: dict[int, str | None] = field(default_factory=dict)


@dataclass
class Definition:
    """One (source, language) definition as read, before repeated rows are merged."""

    line: int
    source: str
    language: str
    targets: list[str]
    note: str
    keep: bool


def read_delimited(
    path: Path, source_language: str = "en", default_language: str | None = None
) -> list[Term]:
    """The terms of a CSV/TSV glossary; ``default_language`` where it names no language."""
    path = Path(path)
    text = _decode(path.read_bytes(), path)
    rows = list(_records(path, text))
    if not rows:
        raise UserError(f"{path}:1: the glossary is empty")
    first = rows[0][1]
    columns = _header_columns(path, first, source_language)
    if columns is None:  # no header: the documented column order
        columns, data, width = _positional(), rows, len(_POSITIONAL)
    else:
        data, width = rows[1:], len(first)
    defined = []
    for line, cells in data:
        defined += _read_row(path, line, cells, columns, width, default_language)
    return merge_rows(path, defined, source_language)


# -- bytes and records ---------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    """The file's text: UTF-8 (BOM optional) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}:{line}: not UTF-8 text; save the glossary as UTF-8") from None


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record; a record may span lines inside quotes."""
    lines = text.splitlines(keepends=True)
    offset = 0
    hint = _SEP_LINE.fullmatch(lines[0]) if lines else None
    if hint:
        offset, lines = 1, lines[1:]
    delimiter = hint.group("delimiter") if hint else _delimiter(path, lines)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start + offset, cells
    except csv.Error as exc:
        raise UserError(f"{path}:{previous + 1 + offset}: {exc}") from None


def _delimiter(path: Path, lines: list[str]) -> str:
    """Tab for .tsv/.tab; else whichever of tab, ``;``, ``,`` the first line uses most."""
    if path.suffix.lower() in {".tsv", ".tab"}:
        return "\t"
    first = next((line for line in lines if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


# -- header ---------------------------------------------------------------------------


def _role(cell: str) -> str | None:
    name = " ".join(cell.replace("_", " ").replace("-", " ").casefold().split())
    name = name.replace("(s)", "s")
    return next((role for role, names in _ROLES.items() if name in names), None)


def _header_columns(path: Path, cells: list[str], source_language: str) -> _Columns | None:
    """The columns a header row names, or None when the first row is not a header."""
    roles: dict[int, str] = {}
    languages: dict[int, str] = {}
    for index, cell in enumerate(cells):
        role, language = _header_cell(cell)
        if role:
            roles[index] = role
        if language:
            languages[index] = language
    if len(set(roles) | set(languages)) < 2:
        return None
    columns = _Columns()
    for index, role in roles.items():
        if role != "target" and getattr(columns, role) is None:
            setattr(columns, role, index)
    named_targets = [i for i, role in roles.items() if role == "target"]
    if columns.source is None:
        columns.source = _source_column(languages, roles, source_language)
    if columns.source is None:
        raise UserError(f"{path}:1: no source term column (e.g. 'source' or 'term')")
    if named_targets:
        columns.targets = {i: languages.get(i) for i in named_targets}
    else:
        columns.targets = {
            i: lang for i, lang in languages.items() if i != columns.source and i not in roles
        }
    if not columns.targets:
        raise UserError(f"{path}:1: no target term column (e.g. 'target' or a language code)")
    return columns


def _header_cell(cell: str) -> tuple[str | None, str | None]:
    """(role, language) a header cell names: ``Target (fr-FR)`` → ("target", "fr")."""
    cell = cell.strip().lstrip("\ufeff")
    bracketed = _BRACKETED.fullmatch(cell)
    if bracketed:
        language = normalise_language(bracketed.group("language"))
        role = _role(bracketed.group("name"))
        if language and (role or normalise_language(bracketed.group("name"))):
            return role, language
    role = _role(cell)
    return role, (None if role else normalise_language(cell))


def _source_column(
    languages: dict[int, str], roles: dict[int, str], source_language: str
) -> int | None:
    """In a column-per-language file: the source language's column, else the first one."""
    wanted = normalise_language(source_language) or source_language
    candidates = [i for i in languages if i not in roles]
    matching = [i for i in candidates if languages[i].split("_")[0] == wanted.split("_")[0]]
    return (matching or candidates or [None])[0]


def _positional() -> _Columns:
    """Columns of a header-less file, in the documented order."""
    return _Columns(source=0, language=1, note=3, keep=4, targets={2: None})


# -- rows -----------------------------------------------------------------------------


def clean(text: str) -> str:
    """NFC, whitespace runs (tabs, no-break spaces, newlines) as one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _read_row(
    path: Path,
    line: int,
    cells: list[str],
    columns: _Columns,
    width: int,
    default_language: str | None,
) -> list[Definition]:
    """The definitions of one row: one per target column holding a term."""
    where = f"{path}:{line}"
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        raise UserError(f"{where}: {len(cells)} fields, but the header has {width}")

    def cell(index: int | None) -> str:
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    source = cell(columns.source)
    if not source:
        raise UserError(f"{where}: no source term")
    keep = _flag(where, cell(columns.keep))
    note = cell(columns.note)
    rows = []
    for index, fixed in columns.targets.items():
        language = fixed or _row_language(where, cell(columns.language), default_language)
        targets = list(dict.fromkeys(t for t in (clean(p) for p in cell(index).split("|")) if t))
        if not targets and len(columns.targets) > 1 and not keep:
            continue  # a column-per-language file leaves gaps
        approved, kept = _approved(where, source, targets, keep)
        rows.append(Definition(line, source, language, approved, note, kept))
    return rows


def _row_language(where: str, value: str, default_language: str | None) -> str:
    if not value:
        if default_language:
            return normalise_language(default_language) or default_language
        raise UserError(f"{where}: no target language (a language column, or give one with --to)")
    language = normalise_language(value)
    if language is None:
        raise UserError(f"{where}: unknown language code {value!r}")
    return language


def _approved(where: str, source: str, targets: list[str], keep: bool) -> tuple[list[str], bool]:
    """(targets, keep): a term kept as it is has the source as its only approved form."""
    if keep:
        changed = [t for t in targets if t != source]
        if changed:
            raise UserError(
                f"{where}: {source!r} is marked do-not-translate but has the target {changed[0]!r}"
            )
        return [source], True
    if not targets:
        raise UserError(f"{where}: no target term for {source!r}")
    return targets, targets == [source]


def _flag(where: str, value: str) -> bool:
    folded = value.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise UserError(f"{where}: do-not-translate value {value!r}: expected yes or no")


def merge_rows(path: Path, rows: list[Definition], source_language: str) -> list[Term]:
    """One term per (language, source): targets of repeated rows are added up."""
    source_language = normalise_language(source_language) or source_language
    merged: dict[tuple[str, str], Definition] = {}
    for row in rows:
        key = (row.language, row.source)
        first = merged.get(key)
        if first is None:
            merged[key] = Definition(
                row.line, row.source, row.language, row.targets, row.note, row.keep
            )
            continue
        if first.keep != row.keep:
            raise UserError(
                f"{path}:{row.line}: {row.source!r} ({row.language}) is defined on line "
                f"{first.line} {'as' if first.keep else 'not as'} do-not-translate, here "
                f"{'as' if row.keep else 'not as'}"
            )
        first.targets = list(dict.fromkeys([*first.targets, *row.targets]))
        if row.note and row.note not in first.note.split("; "):
            first.note = f"{first.note}; {row.note}" if first.note else row.note
    return [
        Term(
            source=row.source,
            language=row.language,
            targets=tuple(row.targets),
            note=row.note,
            keep=row.keep,
            source_language=source_language,
            origin=f"{path.name}:{row.line}",
        )
        for row in merged.values()
    ]
