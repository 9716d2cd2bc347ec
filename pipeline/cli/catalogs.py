"""``pipeline status``, ``check``, ``review-queue`` and ``report``: read-only views of the
catalogs (``report --html`` writes the one page asked for)."""

from __future__ import annotations

import json

import typer

from pipeline.cli.app import app
from pipeline.cli.documents import build_project
from pipeline.cli.options import (
    AsJson,
    CatalogOptions,
    CheckFlags,
    HtmlReport,
    InputOptions,
    Limit,
    To,
    comma_list,
    command,
)
from pipeline.errors import ExitStatus


@command(app)
def status(
    to: To = None,
    catalogs: CatalogOptions = ...,
    as_json: AsJson = False,
) -> None:
    """Per document and language: total, reviewed, machine, fuzzy and untranslated entries."""
    from pipeline import api

    rows = api.status(build_project(catalogs), languages_of(to))
    if as_json:
        typer.echo(json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2))
    else:
        from pipeline.cli.render import status_tables

        status_tables(rows)
    broken = [row for row in rows if row.error]
    for row in broken:
        typer.echo(f"error: {row.error}", err=True)
    if broken:
        raise typer.Exit(ExitStatus.PARTIAL)


@command(app)
def check(
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    flags: CheckFlags = ...,
    as_json: AsJson = False,
) -> None:
    """Quality checks on translated entries (numbers, URLs, punctuation, typography, msgfmt -c).

    Exits 3 when an error-level finding is left after the filters.
    """
    from pipeline import api, qa

    output_format = qa.validate_format("json" if as_json else flags.output_format)
    report = api.check(
        build_project(catalogs, inputs),
        languages_of(to),
        severity=flags.severity,
        checks=flags.only,
        reviewed_only=flags.reviewed_only,
    )
    qa.print_report(report, output_format)
    if report.failed and not flags.exit_zero:
        raise typer.Exit(ExitStatus.QUALITY)


@command(app, "review-queue")
def review_queue(
    to: To = None,
    catalogs: CatalogOptions = ...,
    limit: Limit = None,
    as_json: AsJson = False,
) -> None:
    """Unreviewed machine translations, least confident first, as file:line: where to start."""
    from pipeline import api
    from pipeline.cli.render import review_queue_lines

    queue = api.review_queue(build_project(catalogs), languages_of(to), limit=limit)
    if as_json:
        typer.echo(json.dumps(queue.to_dict(), ensure_ascii=False, indent=2))
    else:
        review_queue_lines(queue)
    _unreadable(queue.problems)


@command(app)
def report(
    to: To = None,
    catalogs: CatalogOptions = ...,
    html: HtmlReport = None,
    as_json: AsJson = False,
) -> None:
    """What reviewers changed in the machine translation: accepted unchanged, edit distance,
    chrF and TER per language, model version, document and confidence band."""
    from pipeline import api
    from pipeline.cli.render import review_report_text

    result = api.review_report(build_project(catalogs), languages_of(to), html=html)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        review_report_text(result)
    if result.html:
        typer.echo(f"wrote {result.html}", err=True)
    _unreadable(result.problems)


def _unreadable(problems: list[str]) -> None:
    """One ``error:`` line per catalog that could not be read; exit 2 (the others counted)."""
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        raise typer.Exit(ExitStatus.PARTIAL)


def languages_of(codes: list[str] | None) -> list[str]:
    """The languages ``--to`` names (normalised), or [] for all."""
    from pipeline.api import validate_language

    return [validate_language(code) for code in comma_list(codes or [])]
