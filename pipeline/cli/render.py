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
from pipeline.terminal import plural, print_rows, visible

if TYPE_CHECKING:
    from pipeline.reports import GroupStats
    from pipeline.steps.dry_run import DryRun
    from pipeline.steps.report import RunReport
    from pipeline.steps.review import ReviewQueue, ReviewReportResult
    from pipeline.steps.status import CatalogStatus
    from pipeline.terms import Term


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
            f"{plural(summary['documents'], 'document')}"
            + (f" ({summary['unchanged']:,} unchanged)" if summary["unchanged"] else "")
            + " · "
            f"{plural(summary['files_written'], 'file')} written · {summary['seconds']:.1f} s"
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
    if report.unchanged:
        typer.echo(
            f"{report.unchanged} of {report.documents} documents unchanged since the last "
            "run: left alone",
            err=True,
        )
    typer.echo(f"{report.files_written} files written", err=True)


def dry_run_lines(plan: DryRun) -> None:
    """``run --dry-run``: each document to build (or failing) on stdout, then the counts."""
    from pipeline.steps.dry_run import STATUSES

    for document in plan.documents:
        if document.status == "unchanged":
            continue
        counts = ", ".join(f"{n} {language}" for language, n in document.to_translate.items())
        detail = "; ".join(document.problems) or (f"to translate: {counts}" if counts else "")
        typer.echo(
            f"{document.status:9} {visible(document.name)}" + (f"  ({detail})" * bool(detail))
        )
    typer.echo(
        f"{len(plan.documents)} documents: "
        + ", ".join(f"{plan.count(status)} {status}" for status in STATUSES),
        err=True,
    )
    for language, count in plan.to_translate.items():
        typer.echo(f"{language}: {count} distinct sentences to translate", err=True)
    typer.echo("dry run: nothing was written", err=True)


def terms_table(terms: Sequence[Term]) -> None:
    """The glossary's terms, one row each; kept terms say so instead of repeating themselves."""
    from rich.console import Console
    from rich.table import Table

    table = Table("language", "term", "approved", "note", "defined in", box=None)
    for column in table.columns:
        column.overflow = "fold"
    for term in terms:
        approved = "(do not translate)" if term.keep else " | ".join(term.targets)
        cells = (term.language, term.source, approved, term.note, term.origin)
        table.add_row(*(visible(cell) for cell in cells))
    Console(highlight=False, soft_wrap=False).print(table)


def review_queue_lines(queue: ReviewQueue) -> None:
    """One ``file:line: confidence: source sentence`` line per entry (on stdout, for editors
    that jump to compiler-style places), then a count on stderr."""
    for entry in queue.entries:
        value = "?" if entry.confidence is None else f"{entry.confidence:.2f}"
        typer.echo(f"{visible(entry.location)}: {value}: {visible(_short(entry.msgid))}")
    if not queue.total:
        typer.echo("no unreviewed machine translations", err=True)
        return
    shown = len(queue.entries)
    head = f"{shown} of {queue.total}" if shown < queue.total else f"{queue.total}"
    unknown = f"; {queue.unknown} of unknown confidence, last" if queue.unknown else ""
    typer.echo(
        f"{head} unreviewed machine translation{'s' if queue.total > 1 else ''}, least "
        f"confident first{unknown}",
        err=True,
    )


def _short(text: str, limit: int = 100) -> str:
    """One line of at most ``limit`` characters ("…" where cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: The report's tables: (group, header of its first column).
REPORT_GROUPS = (
    ("language", "language"),
    ("model", "model version"),
    ("document", "document"),
    ("confidence", "confidence band"),
)


def review_report_text(result: ReviewReportResult) -> None:
    """The review report as text: the overall numbers, then one table per grouping."""
    from rich.console import Console

    console = Console(highlight=False)
    overall = result.report.overall
    if overall is None:
        console.print("no reviewed machine translations yet (nothing to compare)")
    else:
        entries = "entry" if overall.entries == 1 else "entries"
        console.print(
            f"Machine translation review: {overall.entries:,} reviewed {entries} "
            f"from {plural(result.catalogs, 'catalog')}"
        )
        for label, value in _report_numbers(overall):
            console.print(f"  {label:<20} {value}")
        headers = ["entries", "unchanged %", "edit mean", "chrF", "TER", "mean confidence"]
        for group, first in REPORT_GROUPS:
            rows = [[visible(_group_name(g)), *_report_cells(g)] for g in result.report.by(group)]
            print_rows(console, f"By {first}", [first, *headers], rows)
    if result.missing:
        typer.echo(
            f"note: {plural(result.missing, 'reviewed machine translation')} left out: the "
            "machine output is no longer in the MT cache",
            err=True,
        )


def _report_numbers(stats: GroupStats) -> list[tuple[str, str]]:
    confidence = "–" if stats.confidence_mean is None else f"{stats.confidence_mean:.2f}"
    return [
        (
            "accepted unchanged",
            f"{stats.unchanged} of {stats.entries} ({100 * stats.unchanged_share:.1f} %)",
        ),
        (
            "edit distance",
            f"mean {stats.edit_distance_mean:.3f}, median {stats.edit_distance_median:.3f}",
        ),
        ("chrF", f"{stats.chrf:.1f}"),
        ("TER", f"{stats.ter:.1f}"),
        ("mean confidence", confidence),
    ]


def _group_name(stats: GroupStats) -> str:
    if stats.group == "document" and stats.language:
        return f"{stats.value} ({stats.language})"
    return stats.value


def _report_cells(stats: GroupStats) -> list[str]:
    confidence = "–" if stats.confidence_mean is None else f"{stats.confidence_mean:.2f}"
    return [
        f"{stats.entries:,}",
        f"{100 * stats.unchanged_share:.1f}",
        f"{stats.edit_distance_mean:.3f}",
        f"{stats.chrf:.1f}",
        f"{stats.ter:.1f}",
        confidence,
    ]
