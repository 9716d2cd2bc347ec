"""Terminal rendering for the CLI: progress bars, summaries and tables (rich).

Progress and summaries go to stderr, so that ``--json`` output on stdout stays
clean; bars and the summary table only appear on a terminal, so logs of batch
jobs get plain lines instead of redraws.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import typer

from pipeline.steps.progress import Progress
from pipeline.terminal import print_rows, visible

if TYPE_CHECKING:
    from pipeline.steps.report import RunReport
    from pipeline.steps.status import CatalogStatus


class RichProgress(Progress):
    """One rich progress bar per step (extracting, translating en→fr, publishing)."""

    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, description: str, total: int | None) -> None:
        self.finish()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
            self._task = None


@contextlib.contextmanager
def progress_for(quiet: bool) -> Iterator[Progress]:
    """Progress bars on stderr (segments, rate, ETA), or none with --quiet."""
    if quiet:
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second (segments/s while translating)."""

        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:,.1f}/s" if task.speed else "", style="progress.data.speed")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    # Off when stderr is not a terminal: logs of batch jobs stay free of redraws.
    with Bar(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        yield RichProgress(bar)


#: The per-catalog counts of ``pipeline status``: (header, CatalogStatus attribute).
STATUS_COUNTS = (
    ("total", "total"),
    ("translated", "translated"),
    ("fuzzy", "fuzzy"),
    ("untranslated", "untranslated"),
)
#: Where the text comes from, summed per language (the JSON has them per catalog).
ORIGIN_COUNTS = (
    ("reviewed", "reviewed"),
    ("memory", "memory"),
    ("machine", "machine"),
    ("suggestion", "suggestion"),
    ("needs work", "needs_work"),
)


def status_tables(rows: Sequence[CatalogStatus]) -> None:
    """Per document/language counts in gettext's words, then where the text comes from,
    per language.

    Document names are never cut (:func:`pipeline.terminal.print_rows`): a table
    when it fits (names fold after a ``/``), else each name on a line of its own
    above its counts, else (``COLUMNS=20``) one line per catalog ``document
    language counts``. Names are printed through :func:`pipeline.terminal.visible`.
    """
    from rich.console import Console

    console = Console(highlight=False)
    if not rows:
        console.print(
            "no PO files found (run `pipeline extract --to LANG` or `pipeline run` first)"
        )
        return
    headers = ["document", "language", *(h for h, _ in STATUS_COUNTS), "translated %"]
    cells = [
        [
            visible(row.document),
            visible(row.language),
            *(f"{getattr(row, attr):,}" for _, attr in STATUS_COUNTS),
            f"{row.reviewed_percent:.0f}%",
        ]
        for row in rows
    ]
    print_rows(console, "Catalogs", headers, cells, name_columns=2)
    summary = [_language_summary(language, rows) for language in sorted({r.language for r in rows})]
    summary_headers = ["language", "documents", *(h for h, _ in ORIGIN_COUNTS)]
    print_rows(console, "By language: where the text comes from", summary_headers, summary)


def _language_summary(language: str, rows: Sequence[CatalogStatus]) -> list[str]:
    """One row of the "By language" table: the catalogs' origin counts added up."""
    mine = [row for row in rows if row.language == language]
    sums = [sum(getattr(row, attr) for row in mine) for _, attr in ORIGIN_COUNTS]
    return [visible(language), f"{len(mine):,}", *(f"{n:,}" for n in sums)]


def run_summary_table(summary: dict[str, Any]) -> bool:
    """The end-of-run summary (``run --json``'s numbers) as a rich table on stderr.

    Returns False, printing nothing, when stderr is not a terminal: logs and
    scripts get the plain summary lines instead.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    if not console.is_terminal:
        return False
    seconds = summary["seconds"] or 1e-9
    table = Table(
        title="Run summary",
        caption=(
            f"{_plural(summary['documents'], 'document')} · "
            f"{_plural(summary['files_written'], 'file')} written · {summary['seconds']:.1f} s"
        ),
    )
    for column in ("language", "segments", "machine-translated", "from cache", "segments/s"):
        table.add_column(column, justify="left" if column == "language" else "right")
    for language, counts in summary["languages"].items():
        total = counts["translated"] + counts["from_cache"]
        table.add_row(
            language,
            f"{total:,}",
            f"{counts['translated']:,}",
            f"{counts['from_cache']:,}",
            f"{counts['translated'] / seconds:,.1f}",
        )
    console.print(table)
    return True


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def notes(report: RunReport) -> None:
    """Things the user should know, one ``note:`` line each on stderr."""
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)


def problems(report: RunReport) -> None:
    """Each skipped document's problem as one ``error:`` line on stderr, then a count."""
    for problem in report.problems:
        typer.echo(f"error: {problem.message}", err=True)
    if report.problems and report.documents > 1:
        skipped = len({problem.document for problem in report.problems})
        typer.echo(
            f"{skipped} of {report.documents} documents skipped; the others were processed",
            err=True,
        )


def summary_lines(report: RunReport) -> None:
    """The plain end-of-step summary on stderr (logs, non-terminals)."""
    notes(report)
    for language, count in report.translated.items():
        cached = report.from_cache.get(language, 0)
        typer.echo(
            f"{language}: {count} segments machine-translated, {cached} from cache", err=True
        )
    typer.echo(f"{report.files_written} files written", err=True)
