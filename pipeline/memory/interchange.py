"""Importing other tools' memories (TMX, XLIFF, PO compendia) and exporting TMX.

* TMX 1.4 and XLIFF (1.2, and 2.0 as translate-toolkit reads it) go through
  translate-toolkit's storage classes, PO/POT compendia through polib (with
  the pipeline's own PO checks, :func:`pipeline.gettext.catalog.load_catalog`).
* Only human translations are imported: XLIFF units whose state says they
  still need translation or review, or whose target came from MT
  (``state-qualifier="mt-suggestion"``/``"leveraged-mt"``), are skipped unless
  ``approved="yes"``; fuzzy PO entries, obsolete ones and plurals are skipped.
* Every file is read and checked before anything is written; then all files
  are stored in one transaction. A malformed file is one :class:`UserError`
  naming it (and the line where the parser stopped) and nothing is imported.
* Importing a file with the same name again replaces what it brought.

Language codes are read with Babel and mapped onto the project's languages
(:func:`resolve_language`): a region is dropped unless the project tells that
language's regions apart. With targets ``fr`` and ``pt_BR``: ``fr-FR`` and
``fr-CA`` → ``fr``; ``pt-BR`` → ``pt_BR``; ``pt-PT`` → ``pt_PT`` (kept apart
from ``pt_BR``: the project distinguishes Portuguese regions); ``de-DE`` →
``de`` (stored, not used until the project translates into German).
Only pairs from the project's source language are imported.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UserError
from pipeline.fsutil import atomic_open
from pipeline.memory.store import IMPORTED, TranslationMemory, UnitRow, guarded
from pipeline.memory.text import sentence_key

_UNFINISHED_XLIFF_STATES = {
    "new",
    "needs-translation",
    "needs-adaptation",
    "needs-l10n",
    "needs-review-translation",
    "needs-review-adaptation",
    "needs-review-l10n",
}
_MACHINE_QUALIFIERS = {"mt-suggestion", "leveraged-mt"}
_XLIFF2_NAMESPACE = b"urn:oasis:names:tc:xliff:document:2"


@dataclass
class ImportedFile:
    """What one imported file brought."""

    name: str
    units: int = 0  # distinct translation units it holds (duplicates merged)
    skipped: int = 0  # entries without a usable human translation in a known language
    pairs: dict[str, int] = field(default_factory=dict)  # "en→fr": units


@dataclass
class _Parsed:
    path: Path
    fingerprint: str
    rows: list[UnitRow] = field(default_factory=list)
    skipped: int = 0


# ---------------------------------------------------------------------------
# Language codes


@functools.lru_cache(maxsize=256)
def _parts(code: str) -> tuple[str, str | None, str | None] | None:
    """(language, script, territory) of a code Babel knows; None otherwise."""
    from babel import Locale, UnknownLocaleError
    from babel.core import parse_locale

    try:
        language, territory, script, *_ = parse_locale(code.strip().replace("-", "_"))
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return None
    return language, script, territory


def resolve_language(code: str, project_languages: Sequence[str]) -> str | None:
    """The project's spelling of ``code`` (``fr-FR`` → ``fr``); None for an unknown code.

    An exact match (language, script, region) wins; else a project language
    with the same language and script and no region; else the code itself,
    without its region unless a project language of the same language has
    one (the project tells that language's regions apart).
    """
    parsed = _parts(code)
    if parsed is None:
        return None
    known = [(language, _parts(language)) for language in project_languages]
    for spelling, parts in known:
        if parts == parsed:
            return spelling
    for spelling, parts in known:
        if parts == (*parsed[:2], None):
            return spelling
    regional = any(parts and parts[0] == parsed[0] and parts[2] for _, parts in known)
    language, script, territory = parsed
    return "_".join(p for p in (language, script, territory if regional else None) if p)


# ---------------------------------------------------------------------------
# Import


@guarded
def import_files(
    memory: TranslationMemory,
    paths: Sequence[Path],
    source_language: str,
    target_languages: Sequence[str],
) -> list[ImportedFile]:
    """Import TMX, XLIFF and PO/POT files (by extension); all of them or none.

    ``source_language`` and ``target_languages`` are the project's: they
    decide how language codes are spelled (:func:`resolve_language`).
    """
    names = Counter(Path(p).name for p in paths)
    twice = [name for name, count in names.items() if count > 1]
    if twice:
        raise UserError(f"{twice[0]}: two files of that name; import them under distinct names")
    languages = (source_language, *target_languages)
    parsed = [_read(Path(p), languages) for p in paths]
    results = []
    with memory.transaction():
        for item in parsed:
            memory.replace_file(IMPORTED, item.path.name, "", item.fingerprint, item.rows)
            distinct = {
                (r.source_language, sentence_key(r.source), r.target_language, r.target)
                for r in item.rows
            }
            pairs = Counter(f"{source}→{target}" for source, _, target, _ in distinct)
            results.append(ImportedFile(item.path.name, len(distinct), item.skipped, dict(pairs)))
    return results


def _read(path: Path, languages: tuple[str, ...]) -> _Parsed:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a TMX, XLIFF or PO file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    parsed = _Parsed(path, hashlib.sha256(data).hexdigest())
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        _read_tmx(parsed, data, languages)
    elif suffix in (".xlf", ".xliff", ".sdlxliff"):
        _read_xliff(parsed, data, languages)
    elif suffix in (".po", ".pot"):
        _read_po(parsed, languages)
    else:
        raise UserError(f"{path}: unknown memory format; expected .tmx, .xlf/.xliff, .po or .pot")
    return parsed


def _parse_xml(path: Path, data: bytes, store_class: type, what: str):  # noqa: ANN202
    """A translate-toolkit store, or UserError naming the file and line of the XML error."""
    from lxml import etree

    try:
        return store_class.parsestring(data)
    except etree.XMLSyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        raise UserError(f"{path}{line}: not a valid {what} file ({exc.msg})") from None
    except (AssertionError, ValueError, KeyError, AttributeError, StopIteration) as exc:
        detail = f" ({exc})" if str(exc) else ""
        raise UserError(f"{path}: not a valid {what} file{detail}") from None


def _read_tmx(parsed: _Parsed, data: bytes, languages: tuple[str, ...]) -> None:
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tmx import tmxfile

    store = _parse_xml(parsed.path, data, tmxfile, "TMX")
    for unit in store.units:
        texts = [
            (getXMLlang(node) or "", unit.getNodeText(node)) for node in unit.getlanguageNodes()
        ]
        _add_tu(parsed, texts, unit.xmlelement.sourceline, languages)


def _add_tu(
    parsed: _Parsed, texts: list[tuple[str, str | None]], line: int | None, languages: tuple
) -> None:
    """Rows from one multilingual unit: its source-language text against each other one."""
    source_language = languages[0]
    resolved = [(resolve_language(code, languages), (text or "").strip()) for code, text in texts]
    source = next((t for lang, t in resolved if lang == source_language and t), None)
    others = [(lang, t) for lang, t in resolved if lang != source_language]
    if source is None or not others:
        parsed.skipped += 1
        return
    for language, target in others:
        if language is None or not target:
            parsed.skipped += 1
        else:
            parsed.rows.append(UnitRow(source_language, source, language, target, line))


def _read_xliff(parsed: _Parsed, data: bytes, languages: tuple[str, ...]) -> None:
    if _XLIFF2_NAMESPACE in data[:4096]:
        from translate.storage.xliff2 import Xliff2File

        store = _parse_xml(parsed.path, data, Xliff2File, "XLIFF")
        root = store.document.getroot()
        pair = (root.get("srcLang") or "", root.get("trgLang") or "")
        for unit in store.units:
            human = bool(unit.target) and not unit.isfuzzy()
            _add_xliff_unit(parsed, unit, pair, human, languages)
        return
    from translate.storage.xliff import Xliff1File

    store = _parse_xml(parsed.path, data, Xliff1File, "XLIFF")
    for unit in store.units:
        file_node = next(
            (a for a in unit.xmlelement.iterancestors() if _local_name(a) == "file"), None
        )
        pair = (
            (file_node.get("source-language") or "", file_node.get("target-language") or "")
            if file_node is not None
            else ("", "")
        )
        _add_xliff_unit(parsed, unit, pair, _is_human_xliff1(unit), languages)


def _add_xliff_unit(
    parsed: _Parsed,
    unit,
    pair: tuple[str, str],
    human: bool,
    languages: tuple,  # noqa: ANN001
) -> None:
    if not human:
        parsed.skipped += 1
        return
    texts = [(pair[0], str(unit.source or "")), (pair[1], str(unit.target or ""))]
    _add_tu(parsed, texts, unit.xmlelement.sourceline, languages)


def _is_human_xliff1(unit) -> bool:  # noqa: ANN001
    """A translated XLIFF 1.2 unit whose state does not say it still needs work or is MT."""
    if not unit.target:
        return False
    if unit.xmlelement.get("approved") == "yes":
        return True
    target = next((c for c in unit.xmlelement if _local_name(c) == "target"), None)
    if target is None:
        return False
    return (
        target.get("state") not in _UNFINISHED_XLIFF_STATES
        and target.get("state-qualifier") not in _MACHINE_QUALIFIERS
    )


def _local_name(element) -> str:  # noqa: ANN001
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read_po(parsed: _Parsed, languages: tuple[str, ...]) -> None:
    from pipeline.gettext.catalog import load_catalog

    loaded = load_catalog(parsed.path)
    assert loaded is not None  # the file was just read
    po = loaded.po
    declared = po.metadata.get("Language", "").strip()
    if not declared and len(languages) != 2:
        raise UserError(
            f"{parsed.path}:1: no Language header; cannot tell which language "
            "its translations are in"
        )
    target = declared or languages[1]
    source = po.metadata.get("X-Source-Language", "").strip() or languages[0]
    for entry in po:
        human = entry.msgstr and "fuzzy" not in entry.flags and not entry.msgid_plural
        if not human or entry.obsolete:
            parsed.skipped += 1
            continue
        _add_tu(parsed, [(source, entry.msgid), (target, entry.msgstr)], entry.linenum, languages)


# ---------------------------------------------------------------------------
# Export


@guarded
def export_tmx(
    memory: TranslationMemory, source_language: str, target_language: str, path: Path
) -> int:
    """Write the pair's units as a TMX 1.4 file (atomically); return how many.

    Every variant is its own ``<tu>``, with its creation and change dates and
    its latest origin as a ``<note>``; importing the file gives back the same
    (source, target) units.
    """
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=source_language, targetlanguage=target_language)
    count = 0
    for source, target, created, updated, origin in _units_of(
        memory, source_language, target_language
    ):
        unit = store.addsourceunit(source, source_language)
        unit.settarget(target, target_language, append=True)
        unit.addnote(origin)
        unit.xmlelement.set("creationdate", _tmx_date(created))
        unit.xmlelement.set("changedate", _tmx_date(updated))
        count += 1
    with atomic_open(Path(path), "wb") as f:
        store.serialize(f)
    return count


def _units_of(
    memory: TranslationMemory, source_language: str, target_language: str
) -> Iterator[tuple[str, str, float, float, str]]:
    rows = memory.db.execute(
        "SELECT coalesce(s.text, s.key), u.target, u.created, u.updated, "
        "(SELECT f.name || coalesce(':' || o.line, '') FROM occurrences o "
        " JOIN files f ON f.id = o.file_id WHERE o.unit_id = u.id "
        " ORDER BY o.added DESC, o.id DESC LIMIT 1) "
        "FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.language=? AND u.language=? ORDER BY s.id, u.id",
        (source_language, target_language),
    )
    yield from rows


def _tmx_date(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
