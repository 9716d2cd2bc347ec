"""Ingest: read a transcript file into a :class:`~pipeline.text.document.Document`.

A NATO-style transcript starts with a header — a kind line ("Press
conference"), a title, a "by …" line, bullet lines with the date and the
"Last updated" / "Mis à jour le" stamp, and "(As delivered)" — followed by
body paragraphs separated by blank lines. Transcripts are often written one
sentence per line; each such line becomes a block of its own, while a
hard-wrapped paragraph is unwrapped into one block. A file without a header is
all body.

Nothing here translates or segments: the result is plain data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UserError
from pipeline.text.document import Block, BlockKind, Document, Metadata

# Reading bytes and large-file parts live in their own modules; these names are
# re-exported so that ``pipeline.text.ingest`` stays the one import for callers.
from pipeline.text.parts import Part, part_glob, part_name, plan_parts, read_part
from pipeline.text.reading import decode_bytes, read_text

__all__ = [
    "Part",
    "decode_bytes",
    "for_matching",
    "ingest_file",
    "parse_date",
    "parse_datetime",
    "parse_transcript",
    "part_glob",
    "part_name",
    "plan_parts",
    "read_part",
    "read_text",
]

NBSP_CHARS = "\u00a0\u202f\u2007"
_NBSP_TABLE = str.maketrans({c: " " for c in NBSP_CHARS})

KNOWN_KINDS = {
    "press conference",
    "online press conference",
    "joint press conference",
    "pre-ministerial press conference",
    "press point",
    "joint press point",
    "speech",
    "keynote speech",
    "opening remarks",
    "remarks",
    "statement",
    "joint statement",
    "doorstep",
    "doorstep statement",
    "interview",
    "video message",
    "transcript",
    "discours",
    "conférence de presse",
    "conférence de presse en ligne",
    "point de presse",
    "déclaration",
    "allocution",
    "entretien",
    "message vidéo",
}

# "18 Feb. 2021", "25-May-2017", "5 février 2021", "February 18, 2021", "2021-02-18".
# A month name starts at the start of a word (the look-behind): without it a
# search retries from every letter of a long word, quadratic in its length.
_DATE_RE = re.compile(
    r"(?P<day>\d{1,2})(?:er)?[\s.\-/]+(?P<month>[^\W\d_]{3,})\.?[\s.\-/]+(?P<year>\d{4})"
    r"|(?<![^\W\d_])(?P<month_first>[^\W\d_]{3,})\.?\s+(?P<day_second>\d{1,2}),?\s+"
    r"(?P<year_second>\d{4})"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})"
)
_TIME_RE = re.compile(r"\b(?P<hour>[01]?\d|2[0-3])[:h](?P<minute>[0-5]\d)\b")
_BULLET_RE = re.compile(r"^\s*[•·▪◦‣*\-]\s*(?P<rest>.*)$")
_UPDATED_RE = re.compile(
    r"^(?P<label>last\s+updated|updated|mis\s+à\s+jour\s+le|mis\s+à\s+jour|dernière\s+mise\s+à\s+jour)"
    r"\s*:?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_DELIVERY_RE = re.compile(
    r"^\((?:as\s+delivered|check\s+against\s+delivery|seul\s+le\s+texte\s+prononcé\s+fait\s+foi"
    r"|tel\s+que\s+prononcé|texte\s+prononcé)\)$",
    re.IGNORECASE,
)
_AS_DELIVERED_RE = re.compile(r"as\s+delivered|tel\s+que\s+prononcé|texte\s+prononcé", re.I)
_BYLINE_RE = re.compile(r"^(?:by|par)\s")  # lower case, as on NATO pages: "By working…" is body
_SENTENCE_END = tuple(".!?…:;,\"”»)’'")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_HEADER_WINDOW = 12  # header lines are looked for among the first non-blank lines

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "janv": 1,
    "févr": 2,
    "fév": 2,
    "fev": 2,
    "mars": 3,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juil": 7,
    "août": 8,
    "aoû": 8,
    "aou": 8,
    "déc": 12,
}


def for_matching(text: str) -> str:
    """Text with no-break spaces as plain spaces: used to match, never stored."""
    return text.translate(_NBSP_TABLE)


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str  # without line terminator, surrounding whitespace stripped

    @property
    def blank(self) -> bool:
        return not self.text


# ---------------------------------------------------------------------------
# Parsing


def parse_transcript(
    text: str,
    *,
    name: str,
    source_path: str = "",
    language: str = "en",
    first_line: int = 1,
    header: bool = True,
) -> Document:
    """Build a Document from transcript text (see the module docstring for the layout).

    For a later part of a large transcript, ``first_line`` is the file line the
    text starts on (for ``#:`` references) and ``header=False``: only the
    file's first part has a header.
    """
    lines = [
        _Line(number, raw.strip())
        for number, raw in enumerate(_LINE_BREAK_RE.split(text), first_line)
    ]
    metadata, header_blocks, last_header_line = (
        _parse_header(lines) if header else (Metadata(), [], 0)
    )
    body_start = max(0, last_header_line - first_line + 1)  # index of the first body line
    body_blocks = _parse_body(lines[body_start:], first_paragraph=len(header_blocks))
    return Document(
        name=name,
        source_path=source_path or name,
        language=language,
        metadata=metadata,
        blocks=header_blocks + body_blocks,
    )


def ingest_file(
    path: Path,
    *,
    name: str | None = None,
    language: str = "en",
    encoding: str = "utf-8",
    part: Part | None = None,
) -> Document:
    """Read and parse one transcript file, or one ``part`` of a large one (see
    :func:`plan_parts`); an empty file is a user error."""
    path = Path(path)
    text = read_text(path, encoding) if part is None else read_part(path, part, encoding)
    if not text.strip():
        raise UserError(f"{path}: file is empty (nothing to translate)")
    return parse_transcript(
        text,
        name=name or path.stem,
        source_path=path.as_posix(),
        language=language,
        first_line=part.first_line if part else 1,
        header=part is None or part.number == 1,
    )


def _parse_header(lines: list[_Line]) -> tuple[Metadata, list[Block], int]:
    """Recognise the header at the top of the file; return it and where the body starts."""
    window = [ln for ln in lines if not ln.blank][:_HEADER_WINDOW]
    if not window or not _looks_like_header(window):
        return Metadata(), [], 0

    fields: dict[str, object] = {}
    blocks: list[Block] = []
    last_header_line = 0
    seen_bullets = False
    for line in window:
        matched = _header_fact(line, fields)
        if matched:
            seen_bullets = seen_bullets or matched == "bullet"
            last_header_line = line.number
            continue
        if seen_bullets:
            break  # the body starts after the date bullets (and the delivery note)
        kind = _title_kind(line.text, blocks)
        blocks.append(Block(kind, line.text, line.number, paragraph=len(blocks)))
        last_header_line = line.number
    if not seen_bullets and not fields:
        # No date bullets: only a leading kind line and by-line count as header.
        blocks = _leading_kind_and_byline(blocks)
        last_header_line = blocks[-1].line if blocks else 0
    return Metadata(**fields), blocks, last_header_line  # type: ignore[arg-type]


def _looks_like_header(window: list[_Line]) -> bool:
    """A header has date bullets or an update stamp, or starts with a kind line or by-line."""
    for line in window:
        bullet = _BULLET_RE.match(line.text)
        if bullet and (_DATE_RE.search(bullet.group("rest")) or bullet.group("rest") == "|"):
            return True
        if _UPDATED_RE.match(for_matching(line.text)):
            return True
    first = for_matching(window[0].text)
    return first.lower() in KNOWN_KINDS or bool(_BYLINE_RE.match(first))


def _leading_kind_and_byline(blocks: list[Block]) -> list[Block]:
    kept: list[Block] = []
    for block in blocks:
        if block.kind in (BlockKind.KIND, BlockKind.BYLINE) and len(kept) == block.paragraph:
            kept.append(block)
        else:
            break
    return kept


def _title_kind(text: str, earlier: list[Block]) -> BlockKind:
    matchable = for_matching(text)
    if matchable.lower().rstrip(":") in KNOWN_KINDS:
        return BlockKind.KIND
    if _BYLINE_RE.match(matchable):
        return BlockKind.BYLINE
    if any(b.kind is BlockKind.TITLE for b in earlier):
        return BlockKind.BYLINE  # a second free line under the title is its subtitle
    return BlockKind.TITLE


def _header_fact(line: _Line, fields: dict[str, object]) -> str | None:
    """Record a date bullet, update stamp or delivery note into ``fields``; say which."""
    text = line.text
    bullet = _BULLET_RE.match(text)
    if bullet:
        text = bullet.group("rest").strip()
    matchable = for_matching(text)
    updated = _UPDATED_RE.match(matchable)
    if updated:
        value = text[len(text) - len(updated.group("value")) :].strip()
        fields["updated_label"] = text[: updated.end("label")]
        fields["updated_text"] = value
        fields["updated"] = parse_datetime(value)
        return "bullet"
    if bullet and (text in ("|", "") or _DATE_RE.search(matchable)):
        if text not in ("|", ""):
            date_text = text.rstrip(" -–").strip()
            fields.setdefault("date_text", date_text)
            fields.setdefault("date", parse_date(date_text))
        return "bullet"
    if _DELIVERY_RE.match(matchable):
        fields["delivery_note_text"] = text
        fields["as_delivered"] = bool(_AS_DELIVERED_RE.search(matchable))
        return "note"
    return None


def parse_date(text: str) -> dt.date | None:
    """Parse "18 Feb. 2021", "25-May-2017" or "5 févr. 2021"; None if it is no date."""
    match = _DATE_RE.search(for_matching(text))
    if not match:
        return None
    if match.group("iso_year"):
        year, month, day = (int(match.group(g)) for g in ("iso_year", "iso_month", "iso_day"))
    else:
        day_first = match.group("month") is not None
        month_word = match.group("month" if day_first else "month_first").lower()
        month = _month_number(month_word)
        if month is None:
            return None
        year = int(match.group("year" if day_first else "year_second"))
        day = int(match.group("day" if day_first else "day_second"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_number(word: str) -> int | None:
    return _MONTHS.get(word) or _MONTHS.get(word[:4]) or _MONTHS.get(word[:3])


def parse_datetime(text: str) -> dt.datetime | None:
    """Parse a date with an optional "HH:MM" time after it."""
    date = parse_date(text)
    if date is None:
        return None
    time = _TIME_RE.search(text[_DATE_RE.search(for_matching(text)).end() :])  # type: ignore[union-attr]
    hour, minute = (int(time.group("hour")), int(time.group("minute"))) if time else (0, 0)
    return dt.datetime(date.year, date.month, date.day, hour, minute)


def _parse_body(lines: list[_Line], first_paragraph: int) -> list[Block]:
    blocks: list[Block] = []
    paragraph_number = first_paragraph
    for paragraph in _paragraphs(lines):
        blocks.extend(_paragraph_blocks(paragraph, paragraph_number))
        paragraph_number += 1
    return blocks


def _paragraphs(lines: Iterable[_Line]) -> Iterable[list[_Line]]:
    current: list[_Line] = []
    for line in lines:
        if line.blank:
            if current:
                yield current
            current = []
        else:
            current.append(line)
    if current:
        yield current


def _paragraph_blocks(paragraph: list[_Line], number: int) -> list[Block]:
    """One block per line, unless the paragraph is hard-wrapped prose (then one block)."""
    if _is_hard_wrapped(paragraph):
        text = " ".join(line.text for line in paragraph)
        return [Block(BlockKind.PARAGRAPH, text, paragraph[0].number, number)]
    if len(paragraph) == 1 and _is_heading(paragraph[0].text):
        return [Block(BlockKind.HEADING, paragraph[0].text, paragraph[0].number, number)]
    return [Block(BlockKind.PARAGRAPH, line.text, line.number, number) for line in paragraph]


def _is_hard_wrapped(paragraph: list[_Line]) -> bool:
    """True when some line breaks mid-sentence: no end punctuation, next line lowercase."""
    for line, following in zip(paragraph, paragraph[1:], strict=False):
        first = following.text[:1]
        if not line.text.endswith(_SENTENCE_END) and first.islower():
            return True
    return False


def _is_heading(text: str) -> bool:
    return len(text) <= 300 and not text.endswith(_SENTENCE_END)
