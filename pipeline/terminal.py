"""Text for the terminal: control characters made visible, tables that never cut a word.

Two rules shared by every table and listing the CLI prints (``status``, ``check``):

* **Nothing the user named is printed raw.** A file called ``"\\x1b[2J.txt"`` would
  clear the screen, a right-to-left override would reverse what follows it.
  :func:`visible` writes such characters as Python escapes (``\\x1b``, ``\\u202e``),
  and so, too, characters standard output's encoding cannot show
  (``PYTHONIOENCODING=ascii``: ``\\xe9``), so that tables measure what is printed.
* **No word is cut.** :func:`fit_table` gives each column at least its longest
  unbreakable piece (a word; for path columns, a ``/``-separated segment) and
  folds paths only after a ``/``. When even that does not fit the width,
  it returns None and the caller prints one line per row instead.

:func:`plural` spells the counts of messages (``1 file``, ``1,204 files``).

rich is imported lazily (``pipeline --help`` must stay fast).
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

#: Invisible characters that reorder or hide text (bidi controls, "Trojan source").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_SEPARATORS = frozenset("\u2028\u2029")
# Words break at ASCII spaces only: a no-break space ("4 000", "vrai ?") holds.
_WORD_RE = re.compile(r"[^ \t\n]+")
_PATH_PIECE_RE = re.compile(r"[^/]*(?:/|$)")

#: Space between two columns: one space of padding and one blank divider.
COLUMN_GAP = 2


def visible(text: str) -> str:
    """``text`` with control, bidi and line-separator characters written as escapes.

    ``"a\\x1b[31mb"`` becomes ``"a\\\\x1b[31mb"``: the escape sequence is shown,
    not executed. Printable text, including no-break spaces, is unchanged.
    """
    encoding = _output_encoding()
    if text.isprintable() and (encoding is None or _encodable(text, encoding)):
        return text
    return "".join(_escape(char, encoding) for char in text)


def _escape(char: str, encoding: str | None = None) -> str:
    """One character, escaped when a terminal would act on it instead of showing it,
    or cannot show it in ``encoding`` (None: any character)."""
    if (
        unicodedata.category(char) == "Cc"
        or char in _BIDI_CONTROLS
        or char in _LINE_SEPARATORS
        or (encoding is not None and not _encodable(char, encoding))
    ):
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def _output_encoding() -> str | None:
    """Standard output's encoding when it cannot encode every character, else None."""
    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return None if name.startswith(("utf-", "utf_")) or name == "gb18030" else name


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def plural(count: int, noun: str) -> str:
    """``"1 file"``, ``"1,204 files"``: a count with its noun, as messages spell them."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def path_pieces(path: str) -> list[str]:
    """``"a/b/c.po"`` -> ``["a/", "b/", "c.po"]``: the places a path may be folded."""
    return [piece for piece in _PATH_PIECE_RE.findall(path) if piece]


def wrap_words(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken at ASCII spaces only.

    Unlike rich's own wrapping, a no-break space (U+00A0, U+202F) never becomes a
    line break, and a word is never split (a longer word keeps its own line).
    """
    import textwrap

    lines = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return "\n".join(lines)


def fold_path(path: str, width: int) -> str:
    """``path`` on lines of at most ``width`` characters, broken only after a ``/``.

    A single segment longer than ``width`` keeps its own line, whole.
    """
    lines: list[str] = []
    current = ""
    for piece in path_pieces(path):
        if current and len(current) + len(piece) > width:
            lines.append(current)
            current = ""
        current += piece
    lines.append(current)
    return "\n".join(lines)


@dataclass(frozen=True)
class Column:
    """One column of a :func:`fit_table` table.

    ``kind``: "path" (folded after ``/``), "text" (wrapped between words) or
    "fixed" (never wrapped). ``shrink`` orders who gives up width first when the
    table is too wide (lower first); the name column of a listing shrinks last.
    """

    header: str
    kind: str = "text"
    justify: str = "left"
    shrink: int = 0
    style: str | None = None


def _unbreakable(text: str, kind: str) -> int:
    """Width of the longest piece of ``text`` that must stay on one line."""
    if kind == "fixed":
        return _natural(text)
    pieces = [
        piece
        for word in _WORD_RE.findall(text)
        for piece in (path_pieces(word) if kind == "path" else [word])
    ]
    return max((len(piece) for piece in pieces), default=0)


def _natural(text: str) -> int:
    """Width of ``text`` with no wrapping at all."""
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
) -> list[int] | None:
    """Widths that show every row without cutting a word, or None when none exist.

    Each column starts at its natural width; while the table is too wide, columns
    give width back in ``shrink`` order, never below their longest unbreakable
    piece (headers included: they wrap between words too).
    """
    minimum = []
    natural = []
    for index, column in enumerate(columns):
        texts = [column.header, *(row[index] for row in rows)]
        header_min = _unbreakable(column.header, "text")
        minimum.append(max(header_min, *(_unbreakable(t, column.kind) for t in texts[1:])))
        natural.append(max(_natural(t) for t in texts))
    available = width - COLUMN_GAP * (len(columns) - 1)
    if sum(minimum) > available:
        return None
    widths = list(natural)
    excess = sum(widths) - available
    for index in sorted(range(len(columns)), key=lambda i: columns[i].shrink):
        if excess <= 0:
            break
        give = min(excess, widths[index] - minimum[index])
        widths[index] -= give
        excess -= give
    return widths


def _fold(cell: str, kind: str, width: int) -> str:
    """A cell cut into lines of the column's width the way its kind allows."""
    if kind == "path":
        return "\n".join(fold_path(line, width) for line in cell.split("\n"))
    if kind == "text":
        return wrap_words(cell, width)
    return cell


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> Table | None:
    """A rich table of ``rows`` (already :func:`visible`) no wider than ``width``.

    None when the longest unbreakable pieces alone exceed ``width``: the caller
    then prints the rows one per line. Cells are rich ``Text``, never markup, so
    "[Applause]" in a cell stays literal.
    """
    widths = column_widths(columns, rows, width)
    if widths is None:
        return None
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
        title_justify="left",
        caption_justify="left",
    )
    for column, column_width in zip(columns, widths, strict=True):
        table.add_column(
            column.header,
            width=column_width,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.kind == "fixed",
            overflow="fold",
            style=column.style,
        )
    for row in rows:
        cells = zip(columns, widths, row, strict=True)
        table.add_row(*(Text(_fold(cell, column.kind, w)) for column, w, cell in cells))
    return table


# --------------------------------------------------------------------------- listings


def print_rows(
    console: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    name_columns: int = 1,
) -> None:
    """``rows`` on ``console`` in the first layout that shows every name whole.

    1. a table (:func:`fit_table`; the first ``name_columns`` columns are names,
       folded after ``/`` and shrunk last, the others right-aligned counts);
    2. stacked: each distinct first-column name on a line of its own, the other
       columns aligned under a header line (long names at 80 columns);
    3. one line per row, ``name  name  header value, …`` (``COLUMNS=20``).

    Cells must already be :func:`visible`.
    """
    from rich.text import Text

    columns = [
        Column(h, kind="path", shrink=1) if i < name_columns else Column(h, justify="right")
        for i, h in enumerate(headers)
    ]
    table = fit_table(columns, rows, console.width, title=title)
    if table is not None:
        console.print(table)
        return
    lines = stacked_lines(headers, rows, console.width, name_columns=name_columns)
    if lines is None:
        lines = [_row_line(headers, row, name_columns) for row in rows]
    console.print(Text(title, style="italic"), soft_wrap=True)
    for line in lines:
        console.print(Text(line), soft_wrap=True)


def stacked_lines(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, *, name_columns: int = 1
) -> list[str] | None:
    """Layout 2 of :func:`print_rows`, or None when the header line exceeds ``width``."""
    sub_headers = headers[1:]
    widths = [max(len(h), *(len(row[i + 1]) for row in rows)) for i, h in enumerate(sub_headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(w) if i + 1 < name_columns else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return ("  " + "  ".join(padded)).rstrip()

    header = line(sub_headers)
    if len(header) > width:
        return None
    lines = [header]
    previous = None
    for row in rows:
        if row[0] != previous:
            lines.append(row[0])
            previous = row[0]
        lines.append(line(row[1:]))
    return lines


def _row_line(headers: Sequence[str], row: Sequence[str], name_columns: int) -> str:
    """Layout 3 of :func:`print_rows`: "doc  fr  total 36, reviewed 3, …, 8% reviewed"."""
    names = "  ".join(row[:name_columns])
    counts = zip(headers[name_columns:], row[name_columns:], strict=True)
    return f"{names}  " + ", ".join(_labelled(header, value) for header, value in counts)


def _labelled(header: str, value: str) -> str:
    """ "total 36"; a percentage reads "8% reviewed"."""
    if header.endswith(" %"):
        return f"{value} {header.removesuffix(' %')}"
    return f"{header} {value}"
