"""Line numbers of the keys of a TOML document, for error messages.

``tomllib`` returns plain dicts without positions, but a user told "unknown key
'engine.devise'" wants the line too. :func:`key_lines` scans the text once and maps
every key path to the line that defines it: table headers (``[engine]``,
``[[runs]]``), keys in them, dotted keys (``engine.device = ...``) and the keys of
inline tables (``engine = { device = "cpu" }``). Strings (all four kinds, multi-line
included), comments and arrays spanning lines are skipped, so text inside them never
looks like a key.

The scanner assumes text that ``tomllib`` has already accepted; on anything else it
returns what it found so far rather than raising.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable

KeyPath = tuple[str, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Each key path (table path + key) → the 1-based line where it is defined."""
    scanner = _Scanner(text)
    with contextlib.suppress(IndexError, ValueError):  # not TOML after all: keep what was found
        scanner.document()
    return scanner.found


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, else of its longest defined prefix (a table or inline table)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


class _Scanner:
    """A recursive-descent walk over TOML that records where keys are, nothing else."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, int] = {}
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    # -- structure -------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while self._skip_blank(newlines=True):
            start = self.pos
            if self.text.startswith("[", self.pos):
                table = self._header()
            else:
                self._key_value(table)
            self._check_progress(start)

    def _header(self) -> KeyPath:
        double = self.text.startswith("[[", self.pos)
        start = self.pos
        self.pos += 2 if double else 1
        path = self._key()
        self.pos += 2 if double else 1
        self._record(path, start)
        return path

    def _key_value(self, prefix: KeyPath | None) -> None:
        start = self.pos
        path = self._key()
        if prefix is not None:
            for end in range(1, len(path) + 1):  # "a.b.c = 1" also defines a and a.b
                self._record(prefix + path[:end], start)
        self._skip_blank()
        self.pos += 1  # "="
        self._skip_blank()
        self._value(prefix + path if prefix is not None else None)

    def _key(self) -> KeyPath:
        parts: list[str] = []
        while True:
            self._skip_blank()
            parts.append(self._key_part())
            self._skip_blank()
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def _key_part(self) -> str:
        quote = self.text[self.pos]
        if quote in "\"'":
            return self._string(quote)
        match = _BARE_KEY.match(self.text, self.pos)
        if not match:
            raise ValueError(f"no key at offset {self.pos}")
        self.pos = match.end()
        return match.group()

    # -- values ------------------------------------------------------------------

    def _value(self, path: KeyPath | None) -> None:
        """Skip one value; record the keys of an inline table under ``path``."""
        char = self.text[self.pos]
        if char in "\"'":
            self._string(char)
        elif char == "[":
            self._array()
        elif char == "{":
            self._inline_table(path)
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = match.start() if match else len(self.text)

    def _array(self) -> None:
        self._items("]", lambda: self._value(None))  # keys in arrays have no path of their own

    def _inline_table(self, path: KeyPath | None) -> None:
        self._items("}", lambda: self._key_value(path))

    def _items(self, closing: str, item: Callable[[], None]) -> None:
        """Skip ``[`` or ``{``, then comma-separated items (each read by ``item``) up to
        and including ``closing``."""
        self.pos += 1
        while self._skip_blank(newlines=True) and self.text[self.pos] != closing:
            start = self.pos
            if self.text[self.pos] == ",":
                self.pos += 1
            else:
                item()
            self._check_progress(start)
        self.pos += 1

    def _string(self, quote: str) -> str:
        """Skip a string of any kind and return its value (escapes kept as written,
        except ``\\"``, enough to match a quoted key)."""
        triple = quote * 3
        if self.text.startswith(triple, self.pos):
            end = self._string_end(triple, self.pos + 3, escapes=quote == '"')
            while self.text.startswith(quote, end + 3):  # up to two quotes end the content
                end += 1
            value = self.text[self.pos + 3 : end]
            self.pos = end + 3
        else:
            end = self._string_end(quote, self.pos + 1, escapes=quote == '"')
            value = self.text[self.pos + 1 : end]
            self.pos = end + 1
        return _ESCAPE.sub(r"\1", value) if quote == '"' else value

    def _string_end(self, closing: str, start: int, escapes: bool) -> int:
        pos = start
        while True:
            end = self.text.index(closing, pos)
            if not escapes or _backslashes_before(self.text, end) % 2 == 0:
                return end
            pos = end + 1

    # -- helpers -----------------------------------------------------------------

    def _skip_blank(self, newlines: bool = False) -> bool:
        """Skip spaces, tabs and comments (and newlines if asked); False at the end."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return True
        return False

    def _check_progress(self, start: int) -> None:
        """Stop on text this scanner does not understand instead of looping on it."""
        if self.pos <= start:
            raise ValueError(f"cannot read TOML at offset {start}")

    def _record(self, path: KeyPath, offset: int) -> None:
        self.found.setdefault(path, bisect.bisect_left(self._newlines, offset) + 1)


def _backslashes_before(text: str, index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count
