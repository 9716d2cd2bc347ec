"""Reading PO files: gettext's string syntax exactly, polib for the rest.

polib parses the structure of a PO file well, but its ``unescape`` knows only
``\\n \\t \\r \\v \\b \\f \\" \\\\``: ``"\\x41\\101 Bonjour"``, which gettext reads
as "AA Bonjour", came out as the literal text ``\\x41\\101`` (and was written
back as ``\\\\x41\\\\101``), and an invalid escape such as ``\\q`` was kept
(issue #12 case 3). This module decodes every string the way GNU gettext 0.21's
``po-lex.c`` does, then hands polib a text in which each string only uses the
escapes polib knows, so that polib's result is exact. Nothing in polib is
patched; the rewritten text exists only in memory.

gettext's rules, checked against ``msgcat`` and ``msgfmt`` 0.21:

* ``\\n \\t \\b \\r \\f \\v \\a \\\\ \\"`` are the C escapes; ``\\ooo`` is one to
  three octal digits and ``\\xhh…`` any number of hex digits, each giving one
  byte (the value modulo 256): ``"\\xc3\\xa9"`` is "é" in a UTF-8 file. The
  bytes of all the lines of a string are decoded together as UTF-8.
* Anything else after a backslash (``\\q``, ``\\'``, ``\\?``, a lone ``\\x``) is
  "invalid control sequence" for gettext 0.21: refused here, naming the line.
* A NUL byte (``\\0``, ``\\x00``, ``\\400`` or a raw one) ends a C string:
  msgfmt silently drops the rest of the string, which would lose text, so it
  is refused with its line. So is U+0004, gettext's context separator
  (msgfmt: "context separator <EOT> within string").

Line breaks are ``\\n`` (and ``\\r\\n``) only, as for gettext: a string or comment
may hold U+2028, U+0085 or a form feed, which Python's ``splitlines`` (used by
polib) would take for line ends; they are handed to polib as private-use
characters absent from the file and put back afterwards. A UTF-8 byte order
mark at the start is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError

if TYPE_CHECKING:
    import polib

_STRING_LINE = re.compile(
    r"(?P<prefix>#~\|?[ \t]*|#\|[ \t]*)?"
    r"(?:(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+)?"
    r'"(?P<body>(?:[^"\\]|\\.)*)"[ \t]*'
)
_BLANK_OR_COMMENT = re.compile(r"[ \t]*|#.*")
_VALID_LINE = re.compile(f"{_STRING_LINE.pattern}|{_BLANK_OR_COMMENT.pattern}")
_POLIB_ESCAPE = re.compile(r'\\[ntrvbf"\\]')  # the escapes polib's unescape knows
_ESCAPE = re.compile(r'\\(?:([abfnrtv"\\])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))', re.DOTALL)
_C_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, '"': 34, "\\": 92}
_POLIB_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v",
     "\b": "\\b", "\f": "\\f"}
)  # fmt: skip
# What str.splitlines() takes for a line end, besides "\n".
_SPLITTERS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_FORBIDDEN = {
    "\x00": "a NUL character, where gettext would cut the string",
    "\x04": "U+0004, gettext's context separator",
}


@dataclass
class _Field:
    """One string of the file (msgid, msgstr[1], ``#| msgid`` …) and its lines."""

    prefix: str
    keyword: str
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (number, body, line)


def parse_po(text: str, path: Path | str) -> polib.POFile:
    """A polib POFile of ``text`` (a PO file's content) with gettext's string semantics.

    Raises UserError naming ``path`` and the line for a syntax error, an
    invalid escape sequence, escapes that do not make UTF-8, or a NUL or
    U+0004 character in a string.
    """
    import polib

    reader = _Reader(text.removeprefix("\ufeff"), str(path))
    prepared = reader.prepare()
    try:
        po = polib.pofile(prepared, wrapwidth=79)
    except (OSError, ValueError) as exc:
        match = re.search(r"\(line (\d+)\)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise UserError(
            f"{where}: cannot read PO file: {str(exc).split(':')[-1].strip()}"
        ) from None
    if reader.placeholders:
        _restore(po, {ord(mark): char for char, mark in reader.placeholders.items()})
    return po


class _Reader:
    """Rewrites a PO text so that polib reads gettext's strings exactly."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text.replace("\r\n", "\n")
        self.lines = self.text.split("\n")
        self.where = where
        self.placeholders: dict[str, str] = {}  # line-breaking character -> stand-in

    def prepare(self) -> str:
        """The text to give polib."""
        if not _needs_rewriting(self.text):  # nearly every file: only check its lines
            for number, line in enumerate(self.lines, 1):
                if not _VALID_LINE.fullmatch(line):
                    self._syntax_error(number, line)
            return self.text
        return self._rewritten()

    def _syntax_error(self, number: int, line: str) -> None:
        where = f"{self.where}:{number}"
        raise UserError(f"{where}: PO syntax error: {line[:60]!r}; fix the file first")

    def _rewritten(self) -> str:
        """The text with each string polib would misread rewritten (line numbers kept)."""
        out: list[str] = []
        current: _Field | None = None
        for number, line in enumerate(self.lines, 1):
            match = _STRING_LINE.fullmatch(line)
            if match is None:
                if not _BLANK_OR_COMMENT.fullmatch(line):
                    self._syntax_error(number, line)
                out += self._flush(current)
                current = None
                out.append(line)
                continue
            prefix, keyword = match["prefix"] or "", match["keyword"]
            if keyword is not None or current is None or current.prefix.strip() != prefix.strip():
                out += self._flush(current)
                current = _Field(prefix, keyword or "")
            current.lines.append((number, match["body"], line))
        out += self._flush(current)
        prepared = "\n".join(out)
        if any(char in prepared for char in _SPLITTERS):
            self.placeholders = _placeholders(prepared)
            prepared = prepared.translate(str.maketrans(self.placeholders))
        return prepared

    def _flush(self, string: _Field | None) -> list[str]:
        """The lines of one string, rewritten when it holds escapes polib would misread."""
        if string is None:
            return []
        if all(_polib_reads(body) for _, body, _ in string.lines):
            for number, body, _ in string.lines:  # polib reads these lines right
                self._check_characters(body, number)
            return [line for _, _, line in string.lines]
        escaped = self._decode(string).translate(_POLIB_ESCAPES)
        return [f'{string.prefix}{string.keyword} "{escaped}"'] + [
            f'{string.prefix}""'
            for _ in string.lines[1:]  # keep the line numbers
        ]

    def _decode(self, string: _Field) -> str:
        """The string's value: its lines' bytes after gettext's escapes, as UTF-8."""
        data = bytearray()
        starts: list[tuple[int, int]] = []  # (offset in data, line number)
        for number, body, _ in string.lines:
            starts.append((len(data), number))
            data += self._bytes(body, number)
        for char, reason in _FORBIDDEN.items():
            if (offset := data.find(char.encode())) >= 0:
                line = max(n for start, n in starts if start <= offset)
                raise UserError(f"{self.where}:{line}: the string holds {reason}; remove it")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = max(n for start, n in starts if start <= exc.start)
            raise UserError(
                f"{self.where}:{line}: escape sequences in this string do not make UTF-8 "
                f"(byte {data[exc.start]:#04x}); fix the file first"
            ) from None

    def _bytes(self, body: str, number: int) -> bytes:
        """One line's string body as bytes, gettext's escape sequences decoded."""
        out = bytearray()
        position = 0
        for match in _ESCAPE.finditer(body):
            out += body[position : match.start()].encode("utf-8")
            simple, octal, hexadecimal, invalid = match.groups()
            if invalid is not None:
                sequence = match.group(0) or "\\"
                raise UserError(
                    f"{self.where}:{number}: invalid escape sequence {sequence!r} in a string "
                    '(gettext knows \\n \\t \\" \\\\ \\a \\b \\f \\r \\v, \\ooo and \\xhh); '
                    "fix the file first"
                )
            if simple is not None:
                out.append(_C_ESCAPES[simple])
            else:
                out.append(int(octal, 8) % 256 if octal else int(hexadecimal, 16) % 256)
            position = match.end()
        out += body[position:].encode("utf-8")
        return bytes(out)

    def _check_characters(self, body: str, number: int) -> None:
        for char, reason in _FORBIDDEN.items():
            if char in body:
                raise UserError(f"{self.where}:{number}: the string holds {reason}; remove it")


def _needs_rewriting(text: str) -> bool:
    """May polib misread ``text``: escapes it does not know, NUL, U+0004, line separators?"""
    return (
        not _polib_reads(text)
        or any(char in text for char in _FORBIDDEN)
        or any(char in text for char in _SPLITTERS)
    )


def _polib_reads(body: str) -> bool:
    """Does polib unescape this string body as gettext does (only escapes it knows)?"""
    return "\\" not in body or "\\" not in _POLIB_ESCAPE.sub("", body)


def _placeholders(text: str) -> dict[str, str]:
    """For each line-breaking character, a private-use character that ``text`` lacks."""
    free = (chr(code) for code in range(0xF0000, 0xFFFFE) if chr(code) not in text)
    return {char: next(free) for char in _SPLITTERS}


def _restore(po: polib.POFile, table: dict[int, str]) -> None:
    """Put the hidden line-breaking characters back in every text of ``po``."""
    po.header = po.header.translate(table)
    po.metadata = {k.translate(table): v.translate(table) for k, v in po.metadata.items()}
    for entry in po:
        for name in ("msgid", "msgstr", "msgid_plural", "tcomment", "comment"):
            setattr(entry, name, (getattr(entry, name) or "").translate(table))
        for name in ("msgctxt", "previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
            value = getattr(entry, name)
            if value is not None:
                setattr(entry, name, value.translate(table))
        entry.msgstr_plural = {k: v.translate(table) for k, v in entry.msgstr_plural.items()}
        entry.flags = [flag.translate(table) for flag in entry.flags]
        entry.occurrences = [
            (path.translate(table), line.translate(table)) for path, line in entry.occurrences
        ]
