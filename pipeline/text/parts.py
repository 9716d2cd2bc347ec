"""Large transcripts cut into parts, each processed as a document of its own.

A file over twice the part size is scanned once, line by line, without being
decoded or held in memory, and cut at paragraph boundaries chosen by content
(see :func:`plan_parts`), so that editing one part moves no other part's
boundaries and each part's PO file stays the translators' own. The scan is
linear in the file's size, also for a file without a single line break
(``_byte_lines`` never copies the bytes it has already scanned).
"""

from __future__ import annotations

import glob
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import UserError
from pipeline.text.reading import (
    SNIFF_BYTES,
    check_not_binary,
    decode_bytes,
    encoding_with_bom,
    is_wide,
    open_transcript,
)

__all__ = [
    "PART_BYTES",
    "Part",
    "part_bytes",
    "part_family",
    "part_glob",
    "part_name",
    "plan_parts",
    "read_part",
]


@dataclass(frozen=True)
class Part:
    """A byte range of a large transcript that is processed as a document of its own.

    ``start``/``end`` are byte offsets, ``first_line`` the file line at ``start``,
    ``number`` counts from 1.
    """

    number: int
    start: int
    end: int
    first_line: int


def part_name(file_name: str, number: int) -> str:
    """The document name of a large file's part: ``speech`` → ``speech.part-0001``."""
    return f"{file_name}.part-{number:04d}"


def part_glob(file_name: str) -> str:
    """A glob matching every :func:`part_name` of ``file_name`` and nothing else; the
    same pattern works for :mod:`glob`/:mod:`pathlib` and SQLite's ``GLOB``."""
    return glob.escape(file_name) + ".part-[0-9][0-9][0-9][0-9]"


def part_family(name: str) -> str | None:
    """The file name a :func:`part_name` belongs to (``speech.part-0001`` → ``speech``),
    or None for a name that is not shaped like a part."""
    found = _PART_NAME.fullmatch(name)
    return found[1] if found else None


_PART_NAME = re.compile(r"(.+)\.part-[0-9]{4}", re.DOTALL)

PART_BYTES = 1 << 20  # a part holds at least this much text ...
PART_MAX_FACTOR = 4  # ... and ends at the first paragraph after PART_MAX_FACTOR times it
_CUT_MODULUS = 4  # in between, a paragraph starts a new part if crc32(first line) % 4 == 0
_READ_CHUNK = 1 << 20


def part_bytes() -> int:
    """The minimum part size: PART_BYTES, or ``PIPELINE_PART_BYTES`` (tests, tuning)."""
    try:
        return max(1024, int(os.environ.get("PIPELINE_PART_BYTES", PART_BYTES)))
    except ValueError:
        raise UserError(
            f"PIPELINE_PART_BYTES={os.environ['PIPELINE_PART_BYTES']!r}: expected a number of bytes"
        ) from None


def plan_parts(path: Path, encoding: str = "utf-8") -> list[Part]:
    """Where a large transcript is cut into parts; ``[]`` when it is read whole.

    Parts end at paragraph boundaries (a blank line) chosen by content: once a
    part holds ``part_bytes()``, it ends before the next paragraph whose first
    line's CRC-32 is divisible by 4 (or at any paragraph once it holds four
    times that, or at any non-blank line at eight times). Because the cut points
    depend on the text around them, not on offsets, editing one part moves no
    other part's boundaries.

    Only encodings in which a line break is the byte ``\\n`` (UTF-8, the ISO
    8859 and Windows code pages …) can be cut without decoding; a UTF-16 or
    UTF-32 file (by ``encoding`` or by its byte-order mark) is read whole. A
    binary file is refused here, from its first bytes, before the scan.
    """
    size_min = part_bytes()
    try:
        info = os.stat(path)
    except OSError:
        return []  # reading it will report the problem
    if not stat.S_ISREG(info.st_mode) or info.st_size <= 2 * size_min:
        return []
    if not _ascii_compatible(encoding):
        return []
    with open_transcript(path) as stream:
        codec = encoding_with_bom(stream.read(SNIFF_BYTES), encoding)
        if is_wide(codec):
            return []
        stream.seek(0)
        check_not_binary(stream.read(SNIFF_BYTES), str(path), codec)
        stream.seek(0)
        parts, (start, first_line) = _cut(stream, size_min)
        end = stream.tell()
    parts.append(Part(len(parts) + 1, start, end, first_line))
    return parts if len(parts) > 1 else []


def _cut(stream: BinaryIO, size_min: int) -> tuple[list[Part], tuple[int, int]]:
    """The parts before the last one, and the start offset and first line of the last."""
    parts: list[Part] = []
    start, first_line, previous_blank = 0, 1, False
    for number, offset, line in _byte_lines(stream):
        size = offset - start
        blank = not line.strip()
        paragraph_start = previous_blank and not blank
        if size >= size_min and (
            (paragraph_start and zlib.crc32(line.strip()) % _CUT_MODULUS == 0)
            or (paragraph_start and size >= PART_MAX_FACTOR * size_min)
            or (not blank and size >= 2 * PART_MAX_FACTOR * size_min)
        ):
            parts.append(Part(len(parts) + 1, start, offset, first_line))
            start, first_line = offset, number
        previous_blank = blank
    return parts, (start, first_line)


def _ascii_compatible(encoding: str) -> bool:
    """True when ``\\n``, ``\\r`` and ASCII letters are single identical bytes in ``encoding``."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    if name.startswith(("utf-16", "utf-32", "utf-7")):
        return False
    try:
        return "\r\n a".encode(name) == b"\r\n a"
    except UnicodeError:
        return False


_BYTE_LINE_END = re.compile(rb"\r\n|\r|\n")


def _byte_lines(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, line bytes) of a binary stream, read in chunks.

    Lines end with ``\\r\\n``, ``\\r`` or ``\\n`` as in
    :func:`~pipeline.text.ingest.parse_transcript`, also when a ``\\r\\n``
    straddles two chunks. Linear in the stream's size: a line longer than a
    chunk grows in one buffer and only the new bytes are searched for its end
    (``pending + chunk`` on every chunk was quadratic on a file without line
    breaks).
    """
    number, offset = 1, 0
    buffer = bytearray()
    scanned = 0  # buffer[:scanned] holds no line end
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            if buffer:
                yield number, offset, bytes(buffer)
            return
        buffer += chunk
        # A final "\r" may be the first half of "\r\n": leave it for the next chunk.
        limit = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
        position = 0
        ends = [match.span() for match in _BYTE_LINE_END.finditer(buffer, scanned, limit)]
        for start, end in ends:
            yield number, offset, bytes(buffer[position:start])
            offset += end - position
            position = end
            number += 1
        del buffer[:position]
        scanned = limit - position


def read_part(path: Path, part: Part, encoding: str = "utf-8") -> str:
    """Decode one part of a file (errors name the file's own byte offset and line)."""
    try:
        with open_transcript(Path(path)) as stream:
            codec = encoding_with_bom(stream.read(4), encoding)
            stream.seek(part.start)
            data = stream.read(part.end - part.start)
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_bytes(data, str(path), codec, offset=part.start, first_line=part.first_line)
