"""``pipeline prune``: what transcripts that are gone left behind, listed or removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.app import app
from pipeline.cli.documents import build_project
from pipeline.cli.options import AsJson, CatalogOptions, OutputDirOptions, command

if TYPE_CHECKING:
    from pipeline.steps.prune import PrunedFile, PruneReport

Apply = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Do it: delete the generated files, move catalogs with translations by a "
        "person to translations/.attic/ (default: only list).",
    ),
]


@command(app)
def prune(
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
    yes: Apply = False,
    as_json: AsJson = False,
) -> None:
    """List the catalogs and published files of transcripts that are gone (deleted, renamed,
    left out); with --yes remove them (reviewed catalogs go to translations/.attic/)."""
    from pipeline import api

    report = api.prune(build_project(catalogs, outputs), apply=yes)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for found in report.files:
        typer.echo(_line(found, report.applied))
    typer.echo(_summary(report))
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)


def _line(found: PrunedFile, applied: bool) -> str:
    """``would delete output/fr/b.html``, ``moved translations/fr/b.po → …``."""
    from pipeline.terminal import visible

    if found.attic is not None:
        verb = "moved" if applied else "would move"
        where = f"{visible(_shown(found.path))} → {visible(_shown(found.attic))}"
    else:
        verb = "deleted" if applied else "would delete"
        where = visible(_shown(found.path))
    return f"{verb:<12} {where}" + (f" ({found.reason})" if found.reason else "")


def _shown(path: Path) -> str:
    """``path`` relative to the current directory when it lies under it."""
    import os

    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative


def _summary(report: PruneReport) -> str:
    from pipeline.terminal import plural, visible

    documents = [visible(name) for name in report.documents]
    if not documents:
        return "nothing to prune: every catalog and published file has its transcript"
    moved, deleted = len(report.moved), len(report.deleted)
    names = ", ".join(documents[:10]) + (
        f" and {len(documents) - 10} more" if len(documents) > 10 else ""
    )
    what = (
        f"{plural(len(documents), 'document')} with no transcript any more ({names}): "
        f"{plural(moved, 'catalog')} {'moved' if report.applied else 'to move'} to the attic, "
        f"{plural(deleted, 'file')} {'deleted' if report.applied else 'to delete'}"
    )
    return what if report.applied else f"{what}; run `pipeline prune --yes` to do it"
