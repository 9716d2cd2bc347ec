"""Format directives in PO strings: where GNU gettext never breaks a line.

msgcat does not wrap a string inside a format directive of the entry's first
format (``%(name)s`` of python-format, ``{name}`` of python-brace-format).
This module reproduces gettext 0.21's two parsers for those formats
(format-python.c and format-python-brace.c), quirks included, for
:mod:`pipeline.gettext.po_format`.
"""

from __future__ import annotations

_START, _END, _ERROR = 1, 2, 4
_DIGITS = "0123456789"


def _python_marks(value: str) -> list[int]:
    """FMTDIR_* marks of gettext's python-format parser (format-python.c)."""
    marks = [0] * len(value)
    size, i, named, unnamed = len(value), 0, 0, 0
    while i < size:
        if value[i] != "%":
            i += 1
            continue
        marks[i] |= _START
        i += 1
        name = i < size and value[i] == "("
        if name:
            i, depth = i + 1, 0
            while i < size and (value[i] != ")" or depth):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            if i >= size:
                marks[size - 1] |= _ERROR
                return marks
            i += 1
        while i < size and value[i] in "-+ #0":
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if i >= size or value[i] != ".":
                    break
                i += 1
            if i < size and value[i] == "*":
                i, unnamed = i + 1, unnamed + 1
                if named:
                    marks[i - 1] |= _ERROR
                    return marks
                continue
            while i < size and value[i] in _DIGITS:
                i += 1
        if i < size and value[i] in "hlL":
            i += 1
        if i >= size:
            marks[size - 1] |= _ERROR
            return marks
        bad_mix = (name and unnamed) or (not name and value[i] != "%" and named)
        if value[i] not in "%csridiouxXeEfgG" or bad_mix:
            marks[i] |= _ERROR
            return marks
        named, unnamed = named + name, unnamed + (not name and value[i] != "%")
        marks[i] |= _END
        i += 1
    return marks


def _brace_field(value: str, i: int, numeric: bool) -> int | None:
    """End of an identifier (or, if ``numeric``, a number) starting at ``i``, or None."""
    j = i
    if j < len(value) and value[j].isascii() and (value[j].isalpha() or value[j] == "_"):
        while j < len(value) and value[j].isascii() and (value[j].isalnum() or value[j] == "_"):
            j += 1
        return j
    while numeric and j < len(value) and value[j] in _DIGITS:
        j += 1
    return j if j > i else None


class _BraceParser:
    """gettext 0.21's python-brace-format parser (format-python-brace.c).

    Faithful to that version's quirks: no unnamed ``{}`` fields, and each
    directive's marks stored relative to the directive's own start (so they
    land at the start of the string).
    """

    def __init__(self, value: str) -> None:
        self.value = value
        self.marks = [0] * len(value)

    def parse(self) -> list[int]:
        """Mark all directives up to the first invalid one."""
        i = 0
        while i < len(self.value):
            if self.value[i] != "{":
                i += 1
                continue
            end = self._directive(i, toplevel=True)
            if end is None:
                break
            i = end
        return self.marks

    def _at(self, i: int) -> str:
        return self.value[i] if i < len(self.value) else ""

    def _mark(self, base: int, i: int, flag: int) -> None:
        if i - base < len(self.marks):
            self.marks[i - base] |= flag

    def _directive(self, base: int, toplevel: bool) -> int | None:
        """Parse the directive at ``base`` (a "{"); return the index after it, or None."""
        i = base + 1
        if self._at(i) == "{":
            return i + 1  # an escaped brace
        name_start = i
        i = self._field_name(base, i)
        if i is None:
            return None
        if self._at(i) == ":":
            i = self._spec(base, i, toplevel)
            if i is None:
                return None
        if self._at(i) != "}":
            self._mark(base, i, _ERROR)
            return None
        if toplevel:
            self._mark(base, name_start - 1, _START)
            self._mark(base, i, _END)
        return i + 1

    def _field_name(self, base: int, i: int) -> int | None:
        """Skip a field name and its ``.attr`` / ``[key]`` accessors."""
        end = _brace_field(self.value, i, numeric=True)
        while end is not None and self._at(end) in (".", "["):
            opener, i = self._at(end), end + 1
            end = _brace_field(self.value, i, numeric=opener == "[")
            if end is not None and opener == "[":
                end, closer = end + 1, self._at(end)
                if closer != "]":
                    self._mark(base, end, _ERROR)
                    return None
        if end is None:
            self._mark(base, i, _ERROR)
        return end

    def _spec(self, base: int, i: int, toplevel: bool) -> int | None:
        """Skip a ``:format_spec``; ``i`` is at the colon.  Return the index of its "}"."""
        if not toplevel:
            self._mark(base, i, _ERROR)
            return None
        i += 1
        if self._at(i) == "{":
            i = self._directive(i, toplevel=False)
        else:
            if self._at(i + 1) and self._at(i + 1) in "<>=^":
                i += 2
            elif self._at(i) and self._at(i) in "<>=^":
                i += 1
            for optional in ("+- ", "#", "0"):
                if self._at(i) and self._at(i) in optional:
                    i += 1
            while self._at(i) and self._at(i) in _DIGITS:
                i += 1
            if self._at(i) == ".":
                i += 1
                while self._at(i) and self._at(i) in _DIGITS:
                    i += 1
            if self._at(i) and self._at(i) in "bcdoxXneEfFgG%":
                i += 1
        if i is not None and self._at(i) != "}":
            self._mark(base, i, _ERROR)
            return None
        return i


_DIRECTIVE_PARSERS = {"python": _python_marks, "python-brace": lambda v: _BraceParser(v).parse()}


def no_break_inside(value: str, fmt: str | None) -> list[bool]:
    """Per character of ``value``: may gettext not break before it (inside a directive)?

    gettext parses the UTF-8 bytes, so the parsers run on a Latin-1 view of
    them (one character per byte) and the result is mapped back to characters.
    """
    if not value or fmt not in _DIRECTIVE_PARSERS:
        return [False] * len(value)
    raw = value.encode("utf-8").decode("latin-1")
    marks = _DIRECTIVE_PARSERS[fmt](raw)
    inside = [False] * len(raw)
    i = 0
    while i < len(raw):
        if marks[i] & _START:
            end = next((j for j in range(i, len(raw)) if marks[j] & (_END | _ERROR)), None)
            if end is None:
                break
            if not marks[end] & _ERROR:
                for j in range(i, end + 1):
                    inside[j] = not marks[j] & _START
            i = end
        i += 1
    result, offset = [], 0
    for char in value:
        result.append(inside[offset])
        offset += len(char.encode("utf-8"))
    return result


def directive_insides(value: str, fmt: str | None) -> list[bool] | None:
    """no_break_inside, or None when no character is inside a directive.

    The python parser starts a directive only at "%" and the brace parser
    only at "{", so a string without that character needs no parsing.
    """
    trigger = {"python": "%", "python-brace": "{"}.get(fmt or "")
    if trigger is None or trigger not in value:
        return None
    inside = no_break_inside(value, fmt)
    return inside if any(inside) else None
