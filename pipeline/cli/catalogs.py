"""``pipeline status`` and ``pipeline check``: read-only views of the catalogs."""

from __future__ import annotations

import json

import typer

from pipeline.cli.app import app
from pipeline.cli.documents import build_project
from pipeline.cli.options import (
    AsJson,
    CatalogOptions,
    CheckFlags,
    InputOptions,
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

    rows = api.status(build_project(catalogs), _languages(to))
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
        _languages(to),
        severity=flags.severity,
        checks=flags.only,
        reviewed_only=flags.reviewed_only,
    )
    qa.print_report(report, output_format)
    if report.failed and not flags.exit_zero:
        raise typer.Exit(ExitStatus.QUALITY)


def _languages(codes: list[str] | None) -> list[str]:
    """The languages ``--to`` names (normalised), or [] for all."""
    from pipeline.api import validate_language

    return [validate_language(code) for code in comma_list(codes or [])]
