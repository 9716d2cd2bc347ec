"""``pipeline terms …``: import glossaries into the project, list their terms.

A thin shell over :func:`pipeline.api.import_glossary` and
:func:`pipeline.api.list_terms`; a malformed glossary is one ``error:`` line
naming ``file:line``, and nothing of it is imported.
"""

from __future__ import annotations

import json

import typer

from pipeline.cli.options import (
    AsJson,
    CatalogOptions,
    GlossaryFile,
    GlossaryLanguage,
    GlossarySource,
    To,
    command,
)

app = typer.Typer(
    help="Import glossaries (CSV, TSV, TBX) and list their terms.", no_args_is_help=True
)


@command(app, "import")
def import_command(
    file: GlossaryFile,
    to: GlossaryLanguage = None,
    source_language: GlossarySource = None,
    catalogs: CatalogOptions = ...,
    as_json: AsJson = False,
) -> None:
    """Import a glossary into translations/terms.sqlite3, replacing an earlier import of
    the same file (all or nothing: a malformed line imports nothing)."""
    from pipeline import api
    from pipeline.cli.documents import build_project
    from pipeline.terminal import visible

    result = api.import_glossary(
        build_project(catalogs), file, language=to, source_language=source_language
    )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    languages = ", ".join(result.languages) or "no language"
    typer.echo(
        f"{visible(result.path)}: {result.terms} terms ({languages}): {result.added} new, "
        f"{result.updated} changed, {result.unchanged} unchanged, {result.removed} removed"
        + _skipped(result.skipped)
    )


def _skipped(count: int) -> str:
    """TBX entries with no term in the source language (a multilingual termbase has gaps)."""
    if not count:
        return ""
    return f"; {count} entr{'y' if count == 1 else 'ies'} without a source-language term skipped"


@command(app, "list")
def list_command(
    to: To = None,
    catalogs: CatalogOptions = ...,
    as_json: AsJson = False,
) -> None:
    """List the glossary's terms: source term, approved translations, note, where defined."""
    from pipeline import api
    from pipeline.cli.catalogs import languages_of
    from pipeline.cli.documents import build_project

    found = api.list_terms(build_project(catalogs), languages_of(to))
    if as_json:
        typer.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        return
    if not found.terms:
        typer.echo("no terms (import a glossary with `pipeline terms import FILE`)")
        return
    from pipeline.cli.render import terms_table

    terms_table(found.terms)
