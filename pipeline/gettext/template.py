"""Templates: a segmented document as a POT catalog.

One entry per distinct sentence in source order, ``#:`` references
``file:line``, an extracted comment naming the block kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.gettext.catalog import template_metadata
from pipeline.text.document import Block, Document, Segment

if TYPE_CHECKING:
    import polib


def build_template(
    document: Document, segmented: Sequence[tuple[Block, Sequence[Segment]]]
) -> polib.POFile:
    """A POT catalog of the document's sentences (one entry per distinct sentence)."""
    import polib

    pot = polib.POFile(wrapwidth=79)
    pot.metadata = template_metadata(document.name, document.language)
    pot.metadata_is_fuzzy = True
    by_msgid: dict[str, polib.POEntry] = {}
    reference_file = _reference_file(document.source_path)
    for block, segments in segmented:
        for segment in segments:
            entry = by_msgid.get(segment.text)
            if entry is None:
                entry = polib.POEntry(msgid=segment.text, msgstr="", comment=block.kind.value)
                by_msgid[segment.text] = entry
                pot.append(entry)
            elif block.kind.value not in entry.comment.split(", "):
                entry.comment += f", {block.kind.value}"
            occurrence = (reference_file, str(block.line))
            if occurrence not in entry.occurrences:
                entry.occurrences.append(occurrence)
    return pot


def _reference_file(path: str) -> str:
    """gettext ≥ 0.20 wraps file names containing spaces in Unicode isolates."""
    return f"\u2068{path}\u2069" if re.search(r"\s", path) else path


def same_entries(a: polib.POFile, b: polib.POFile) -> bool:
    """True when two catalogs have the same entries (ignoring header dates)."""
    return [_entry_key(e) for e in a] == [_entry_key(e) for e in b] and [
        _entry_key(e) for e in a.obsolete_entries()
    ] == [_entry_key(e) for e in b.obsolete_entries()]


def _entry_key(entry: polib.POEntry) -> tuple:
    return (
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(entry.flags),
        entry.comment,
        entry.tcomment,
        tuple(entry.occurrences),
        entry.previous_msgid,
        entry.obsolete,
    )
