"""``pipeline check`` output: compiler-style lines (default), a table, or JSON.

``text`` (default), one line per group of identical findings, the way msgfmt,
gcc and ruff print, then a summary line::

    fr/speech.po:254: error: [numbers] '4,000' should be '4 000' in French (source: speech.txt:31)
    fr/a.po:12: warning: [doublequoting] straight double quote '"': French uses « » with
        no-break spaces inside (source: a.txt:3) (and 58 more: b.po:40, c.po:7, d.po:9, …)
    3 errors, 12 warnings in 5 files (numbers: 2, urls: 1, doublequoting: 12); 40 files checked

(the second finding is one line, folded here for the docstring).

Lines are never wrapped by the program (an editor or ``grep`` reads one finding
per line). ``table`` fits the terminal width without cutting a word: paths fold
after a ``/``, over-long words are shortened around a "…"; a terminal too narrow
for any table gets the text lines. ``json`` is a list of
:meth:`~pipeline.qa.findings.Finding.to_dict` objects (one per finding, ungrouped).
User text (paths, messages) is printed through :func:`pipeline.terminal.visible`.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from pipeline.qa.findings import CheckReport, Finding, FindingGroup
from pipeline.qa.rules import ERROR, shorten
from pipeline.terminal import Column, fit_table, path_pieces, visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

FORMATS = ("text", "table", "json")

#: Further places named after "(and N more: ...": the rest is in --format json.
MORE_PLACES_SHOWN = 3
#: Successively shorter limits (message words, path pieces) tried until the table fits.
TABLE_LIMITS = ((None, None), (40, None), (24, None), (24, 40), (16, 24), (12, 16))

_STYLES = {ERROR: "bold red", "warning": "bold yellow"}
# Characters a terminal acts on that JSON leaves raw (it escapes only U+0000-U+001F).
_JSON_UNSAFE_RE = re.compile(
    "[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_LONG_WORD_RE = re.compile(r"\S+")


def validate_format(value: str) -> str:
    """``--format``: one of FORMATS (a UserError otherwise)."""
    from pipeline.errors import UserError

    if value not in FORMATS:
        raise UserError(f"--format {value}: expected one of {', '.join(FORMATS)}")
    return value


# --------------------------------------------------------------------------- text


def _short_place(finding: Finding, first: Finding) -> str:
    """Where ``finding`` is, as briefly as the first place allows.

    Same file: "line 40"; same folder: "b.po:40"; elsewhere the full "path:line".
    """
    if finding.po_path == first.po_path:
        return f"line {finding.po_line}"
    path, base = PurePosixPath(finding.po_path), PurePosixPath(first.po_path)
    name = path.name if path.parent == base.parent else finding.po_path
    return f"{name}:{finding.po_line}" if finding.po_line else name


def more_places(group: FindingGroup) -> str:
    """" (and 58 more: b.po:40, c.po:7, d.po:9, …)" for a group; "" for one finding."""
    if group.count == 1:
        return ""
    shown = [_short_place(f, group.first) for f in group.others[:MORE_PLACES_SHOWN]]
    if group.count - 1 > MORE_PLACES_SHOWN:
        shown.append("…")
    return f" (and {group.count - 1:,} more: {', '.join(shown)})"


def group_line(group: FindingGroup) -> Text:
    """One compiler-style line for a group of identical findings (rich Text, styled)."""
    from rich.text import Text

    first = group.first
    source = f" (source: {first.source_ref})" if first.source_ref else ""
    line = Text()
    line.append(visible(first.place), style="bold")
    line.append(": ")
    line.append(f"{first.severity}:", style=_STYLES.get(first.severity, ""))
    line.append(f" [{first.check}] ")
    line.append(visible(first.message + source + more_places(group)))
    return line


def text_lines(report: CheckReport) -> list[Text]:
    """The ``text`` format: one line per group, then the summary line."""
    from rich.text import Text

    return [*(group_line(g) for g in report.groups()), Text(report.summary())]


# --------------------------------------------------------------------------- table


def _shorten_words(text: str, limit: int | None) -> str:
    """Each run of non-space characters longer than ``limit`` shortened around a "…"."""
    if limit is None:
        return text
    return _LONG_WORD_RE.sub(lambda m: shorten(m.group(), limit), text)


def _shorten_path(path: str, limit: int | None) -> str:
    """Each ``/``-separated piece of ``path`` longer than ``limit`` shortened around a "…"."""
    if limit is None:
        return path
    return "".join(shorten(piece, limit) for piece in path_pieces(path))


def _table_rows(
    groups: list[FindingGroup], word_limit: int | None, path_limit: int | None
) -> list[list[str]]:
    """One row per group: first place (and how many more), severity, [check] message."""
    rows = []
    for group in groups:
        first = group.first
        where = _shorten_path(visible(first.place), path_limit)
        if group.count > 1:
            where += f"\n+{group.count - 1:,} more"
        source = f" (source: {first.source_ref})" if first.source_ref else ""
        message = _shorten_words(visible(f"[{first.check}] {first.message}{source}"), word_limit)
        rows.append([where, first.severity, message])
    return rows


_TABLE_COLUMNS = (
    Column("where", kind="path", shrink=0),
    Column("severity", kind="fixed"),
    Column("message", kind="text", shrink=1),
)


def findings_table(report: CheckReport, width: int) -> Table | None:
    """The ``table`` format at ``width`` columns, or None when no table fits.

    One row per group of identical findings ("+11 more": ``--format text`` or
    ``json`` name the other places). Over-long words and path pieces are shortened
    around a "…", message words first, only as much as the width demands.
    """
    groups = report.groups()
    for word_limit, path_limit in TABLE_LIMITS:
        table = fit_table(_TABLE_COLUMNS, _table_rows(groups, word_limit, path_limit), width)
        if table is not None:
            return table
    return None


# --------------------------------------------------------------------------- JSON


def findings_json(report: CheckReport) -> str:
    """The ``json`` format: a list of finding objects (keys: see Finding)."""
    text = json.dumps([f.to_dict() for f in report.findings], ensure_ascii=False, indent=2)
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --------------------------------------------------------------------------- printing


def print_report(report: CheckReport, output_format: str, console: Console | None = None) -> None:
    """Print ``report`` on stdout in ``output_format`` (text, table or json)."""
    from rich.console import Console

    console = console or Console(highlight=False, soft_wrap=True)
    if output_format == "json":
        console.out(findings_json(report), highlight=False)
        return
    table = findings_table(report, console.width) if output_format == "table" else None
    if table is not None and report.findings:
        from rich.text import Text

        console.print(table, soft_wrap=False)
        console.print(Text(report.summary()), soft_wrap=False)  # wrapped between words
        return
    for line in text_lines(report):
        console.print(line)
