"""The Typer application every command module registers its commands on."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline import __version__

app = typer.Typer(
    name="pipeline",
    help="Translate transcripts offline: extract POT/PO catalogs, machine-translate with Argos "
    "models (marked fuzzy for review), and publish translated and bilingual documents.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Offline transcript translation pipeline."""
