"""Transcript bytes: open only regular files, refuse binaries early, honour byte-order marks.

``pipeline run /dev/zero`` used to read until memory ran out, a FIFO blocked
forever and a NUL-filled file was decoded whole before being called binary.
Here a path is opened without blocking and checked with ``fstat`` (no race
between the check and the read): anything but a regular file is refused with
one line, unread. The first ``SNIFF_BYTES`` then say whether the file is text
before the rest is read: NUL bytes, or more than one byte in ten being a
control character, make it a binary file.

A byte-order mark says the encoding (UTF-8, UTF-16 or UTF-32, either byte
order) and wins over ``--encoding``, which applies to files without one: a
UTF-16 file saved by Notepad or Word is read as it is, without an option. A
UTF-16 file *without* a mark looks binary (every other byte is NUL); the
message then says which ``--encoding`` reads it.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import UserError

__all__ = [
    "SNIFF_BYTES",
    "check_not_binary",
    "decode_bytes",
    "encoding_with_bom",
    "is_wide",
    "open_transcript",
    "read_text",
]

SNIFF_BYTES = 8192
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab and the line breaks \n \v \f \r, and DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = frozenset(_CONTROL_BYTES.decode("ascii"))
_CONTROL_SHARE = 0.10
_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISSOCK, "is a socket"),
)


def open_transcript(path: Path) -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file (symlinks followed).

    Anything else (directory, device, FIFO, socket) is a one-line
    :class:`UserError`; a FIFO is opened non-blocking, so refusing it never waits
    for a writer.
    """
    try:
        _refuse_non_regular(path, os.stat(path).st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        _refuse_non_regular(path, os.fstat(descriptor).st_mode)  # replaced meanwhile?
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def _refuse_non_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "is not a regular file")
    if stat.S_ISDIR(mode):
        raise UserError(f"{path}: {kind}, expected a transcript file")
    raise UserError(f"{path}: {kind}, not a regular file; expected a transcript file")


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """Decode a transcript file: refuse non-regular files and binaries (from the first
    ``SNIFF_BYTES``, before reading the rest) and name the first undecodable byte."""
    path = Path(path)
    with open_transcript(path) as stream:
        try:
            head = stream.read(SNIFF_BYTES)
            codec = encoding_with_bom(head, encoding)
            check_not_binary(head, str(path), codec)
            data = head + stream.read()
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_bytes(data, str(path), codec)


def encoding_with_bom(head: bytes, encoding: str) -> str:
    """The codec for a file starting with ``head``: the one its byte-order mark names
    (the codec then strips the mark), else ``encoding`` (UTF-8 strips a stray mark too)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    normal = encoding.lower().replace("_", "-")
    return "utf-8-sig" if normal in ("utf-8", "utf8") else encoding


def is_wide(encoding: str) -> bool:
    """Whether ``encoding`` has NUL bytes in ordinary text (UTF-16, UTF-32)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def check_not_binary(head: bytes, where: str, encoding: str) -> None:
    """Refuse a file whose first bytes ``head`` are not text (see the module docstring)."""
    if is_wide(encoding):
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
        nul, controls = sample.find("\x00"), sum(ch in _CONTROL_CHARS for ch in sample)
    else:
        sample = head
        nul, controls = head.find(b"\x00"), len(head) - len(head.translate(None, _CONTROL_BYTES))
    if nul != -1:
        hint = _utf16_hint(head) if not is_wide(encoding) else ""
        raise UserError(f"{where}: binary file (NUL byte at offset {nul}), not a transcript{hint}")
    if controls > max(2, _CONTROL_SHARE * len(sample)):
        raise UserError(
            f"{where}: binary file ({controls} control characters in the first "
            f"{len(sample)}), not a transcript"
        )


def _utf16_hint(head: bytes) -> str:
    """"; pass --encoding utf-16-le" when ``head`` looks like UTF-16 without a byte-order mark."""
    even, odd = head[0::2], head[1::2]
    for zeros, text, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros and zeros.count(0) >= 0.9 * len(zeros) and text.count(0) <= 0.1 * len(text):
            return f" (it looks like UTF-16 without a byte-order mark: pass --encoding {name})"
    return ""


def decode_bytes(
    data: bytes, where: str, encoding: str = "utf-8", *, offset: int = 0, first_line: int = 1
) -> str:
    """Decode ``data``; a BOM is stripped; errors name the byte offset and line.

    ``offset`` and ``first_line`` say where ``data`` starts in its file when it
    is one part of a large transcript, so that errors still point into the file.
    """
    wide = is_wide(encoding)
    nul = -1 if wide else data.find(b"\x00")
    if nul != -1:
        raise UserError(
            f"{where}: binary file (NUL byte at offset {offset + nul}), not a transcript"
        )
    codec = encoding_with_bom(b"", encoding)
    try:
        text = data.decode(codec)
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = first_line + _count_line_breaks(data[: exc.start], codec)
        raise UserError(
            f"{where}:{line}: not valid {_shown(encoding)} (byte 0x{data[exc.start]:02x} at offset "
            f"{offset + exc.start}); pass --encoding to read it in another encoding"
        ) from None
    if wide and "\x00" in text:
        line = first_line + text.count("\n", 0, text.index("\x00"))
        raise UserError(f"{where}:{line}: binary file (NUL character), not a transcript")
    return text.lstrip("\ufeff")


def _count_line_breaks(data: bytes, codec: str) -> int:
    """Line feeds in ``data`` (decoded first for UTF-16/32, where they are two or four bytes)."""
    return data.decode(codec, "replace").count("\n") if is_wide(codec) else data.count(b"\n")


def _shown(encoding: str) -> str:
    """An encoding's name for messages: "UTF-8" (also for utf-8-sig), "latin-1"."""
    if not encoding.lower().startswith("utf"):
        return encoding
    return encoding.upper().removesuffix("-SIG")
