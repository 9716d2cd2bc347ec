"""``pipeline memory …``: the project translation memory (import, export, stats, rebuild)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.options import AsJson, CatalogOptions, InputOptions, command

app = typer.Typer(
    help="The translation memory: import TMX/XLIFF/PO, export TMX, statistics, rebuild.",
    no_args_is_help=True,
)

Files = Annotated[list[Path], typer.Argument(help="TMX, XLIFF or PO/POT files.")]


def _project(catalogs: CatalogOptions, inputs: InputOptions | None = None):  # -> Project
    from pipeline.cli.documents import build_project

    return build_project(catalogs, *([inputs] if inputs else []))


@command(app, "import")
def import_command(
    files: Files, inputs: InputOptions = ..., catalogs: CatalogOptions = ...
) -> None:
    """Import reviewed translations from TMX 1.4, XLIFF or PO compendia (all or none)."""
    from pipeline import api

    for imported in api.memory_import(_project(catalogs, inputs), files):
        pairs = ", ".join(f"{pair} {count}" for pair, count in imported.pairs.items()) or "none"
        skipped = f", {imported.skipped} skipped" if imported.skipped else ""
        typer.echo(f"{imported.name}: {imported.units} units ({pairs}){skipped}")


@command(app)
def export(
    file: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    to: Annotated[str, typer.Option("--to", "-t", help="Target language of the units.")],
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
) -> None:
    """Write the memory's units into one language as a TMX 1.4 file."""
    from pipeline import api

    count = api.memory_export(_project(catalogs, inputs), to, file)
    typer.echo(f"wrote {count} units to {file}")


@command(app)
def stats(catalogs: CatalogOptions = ..., as_json: AsJson = False) -> None:
    """Units per language pair, reviewed (from catalogs) and imported."""
    from pipeline import api

    found = api.memory_stats(_project(catalogs))
    if as_json:
        typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return
    _print(found)


@command(app)
def rebuild(catalogs: CatalogOptions = ...) -> None:
    """Rebuild the memory from every PO file (the old one's imports kept when readable)."""
    from pipeline import api

    _print(api.memory_rebuild(_project(catalogs)))


def _print(found) -> None:  # MemoryStats
    typer.echo(
        f"{found.path}: {found.units} units, {found.catalogs} catalogs, "
        f"{found.imported_files} imported files"
    )
    for pair in found.pairs:
        typer.echo(
            f"  {pair.source_language}→{pair.target_language}: "
            f"{pair.reviewed} reviewed, {pair.imported} imported"
        )
