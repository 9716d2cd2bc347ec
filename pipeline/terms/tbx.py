"""Reading TBX termbases (TBX 2 / TBX-Basic ``<martif>``) through translate-toolkit.

Each ``termEntry`` is a concept: its terms in the source language become
glossary terms, each with the concept's terms in every other language as the
approved forms. What translate-toolkit's :mod:`translate.storage.tbx` exposes
is used as TBX means it:

* a term whose administrative status is *deprecated* is not an approved form;
* ``<descrip type="Translation needed">no</descrip>`` marks a concept to keep as
  it is, in the languages the entry lists (or every language of the file);
* a target term equal to the source term also marks it to keep;
* definitions and notes become the term's note.

Entries with no term in the source language are skipped (and counted): a
multilingual termbase has gaps. translate-toolkit (and lxml) are imported
lazily; TBX 3 files (``<tbx>`` root) are refused with a message, as
translate-toolkit reads TBX 2 only.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pipeline.errors import UserError
from pipeline.terms.delimited import Definition, clean, merge_rows
from pipeline.terms.languages import normalise_language
from pipeline.terms.model import Term


def read_tbx(path: Path, source_language: str = "en") -> tuple[list[Term], int]:
    """(terms, entries skipped for lack of a source-language term) of a TBX file."""
    path = Path(path)
    store = _parse(path, source_language)
    wanted = normalise_language(source_language) or source_language
    units = [unit for unit in store.units if unit.xmlelement is not None]
    every_language = sorted(
        {lang for unit in units for lang in _languages(path, unit).values()} - {wanted}
    )
    rows: list[Definition] = []
    skipped = 0
    for unit in units:
        found = _unit_rows(path, unit, wanted, every_language)
        skipped += not found
        rows += found
    if not rows:
        seen = ", ".join(every_language) or "none"
        raise UserError(f"{path}:1: no {wanted} terms in this TBX file (other languages: {seen})")
    return merge_rows(path, rows, wanted), skipped


def _parse(path: Path, source_language: str) -> Any:
    from lxml import etree
    from translate.storage import tbx

    data = path.read_bytes()
    try:
        store = tbx.tbxfile(io.BytesIO(data), sourcelanguage=source_language)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise UserError(f"{path}:{line}: not well-formed XML: {exc.msg}") from None
    root = store.document.getroot()
    if etree.QName(root).localname.lower() == "tbx":
        raise UserError(f"{path}:1: TBX 3 (<tbx> root) is not supported; export TBX 2 (martif)")
    return store


def _languages(path: Path, unit: Any) -> dict[str, str]:
    """The entry's langSets: their xml:lang as written → normalised."""
    from translate.misc.xml_helpers import getXMLlang

    found = {}
    for node in unit.getlanguageNodes():
        written = getXMLlang(node)
        language = normalise_language(written or "")
        if language is None:
            raise UserError(f"{path}:{node.sourceline}: langSet with language {written!r}")
        found[written] = language
    return found


def _unit_rows(path: Path, unit: Any, source_language: str, every: list[str]) -> list[Definition]:
    """The definitions of one termEntry (none when it has no source-language term)."""
    line = unit.xmlelement.sourceline or 1
    sources = [clean(t.text) for t in unit.get_source_terms() if clean(t.text) and not t.deprecated]
    if not sources:
        return []
    keep_all = not unit.istranslatable()
    languages = {w: lang for w, lang in _languages(path, unit).items() if lang != source_language}
    rows = []
    note = _note(unit)
    targets_by_language = {
        lang: [clean(t.text) for t in unit.get_target_terms(written) if not t.deprecated]
        for written, lang in languages.items()
    }
    if keep_all:
        targets_by_language = {lang: [] for lang in (list(languages.values()) or every)}
    for language, targets in targets_by_language.items():
        targets = list(dict.fromkeys(t for t in targets if t))
        for source in sources:
            if keep_all or targets == [source]:
                rows.append(Definition(line, source, language, [source], note, True))
            elif targets:
                rows.append(Definition(line, source, language, targets, note, False))
    return rows


def _note(unit: Any) -> str:
    """Definitions and notes of the concept and its source terms, once each."""
    texts = [clean(note.text) for term in unit.get_source_terms() for note in term.notes]
    return "; ".join(dict.fromkeys(t for t in texts if t))
