"""``pipeline models …``: install, list, update and remove Argos Translate models.

A thin Typer shell over the model functions of :mod:`pipeline.api`. Each command turns a
:class:`~pipeline.errors.UserError` into one ``error: …`` line on stderr and
exit status 1; usage mistakes exit 2 (Click's convention). Download progress
goes to stderr and only when it is a terminal (and not ``--quiet``).

:func:`offer_install` is for ``pipeline run``: when the pair it needs is missing,
offer to download it (``--yes`` installs without asking; non-interactive runs
never wait on a prompt).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from pipeline.mt.models import InstalledModel

app = typer.Typer(
    help="Install, list and update Argos Translate models.",
    no_args_is_help=True,
)

FromArg = Annotated[str | None, typer.Argument(metavar="FROM", help="Source language code.")]
ToArg = Annotated[str | None, typer.Argument(metavar="TO", help="Target language code.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
InsecureOpt = Annotated[
    bool, typer.Option("--insecure", help="Allow a plain-http index or download URL.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Print a UserError as one line on stderr and exit 1."""
    try:
        yield
    except UserError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None


class DownloadBar:
    """A progress callback that shows a rich bar (bytes, rate, ETA) once bytes flow.

    The bar starts on the first call, so nothing is drawn when no download
    happens (the model is already current). Disabled, it is a no-op.
    """

    def __init__(self, description: str, enabled: bool, console: Console | None = None):
        self.description = description
        self.enabled = enabled
        self.console = console
        self._progress: Progress | None = None
        self._task: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            self._start()
        assert self._progress is not None
        self._progress.update(self._task, completed=done, total=total)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self.console or Console(stderr=True),
        )
        self._progress.start()
        self._task = self._progress.add_task(self.description, total=None)

    def close(self) -> None:
        """Stop drawing (leaves the finished bar on screen)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextlib.contextmanager
def download_bar(description: str, quiet: bool = False) -> Iterator[DownloadBar]:
    """A :class:`DownloadBar` on stderr, enabled when stderr is a terminal and not quiet."""
    bar = DownloadBar(description, enabled=not quiet and sys.stderr.isatty())
    try:
        yield bar
    finally:
        bar.close()


def _human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"  # pragma: no cover - loop always returns


def _print_table(columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, box=None, header_style="bold")
    table.columns[-1].overflow = "fold"
    for row in rows:
        table.add_row(*row)
    Console(soft_wrap=False).print(table)


def _pair_args(from_code: str | None, to_code: str | None) -> tuple[str, str] | None:
    """FROM and TO come together or not at all."""
    if (from_code is None) != (to_code is None):
        raise typer.BadParameter("give both FROM and TO (e.g. `en fr`)")
    return (from_code, to_code) if from_code and to_code else None


# --- commands ----------------------------------------------------------------------


@app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """List installed models: pair, version and path."""
    from pipeline import api

    with _user_errors():
        found = api.installed_models()
    if as_json:
        rows = [
            {"from": m.from_code, "to": m.to_code, "version": m.version, "path": str(m.path)}
            for m in found
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(
            f"No models installed in {api.packages_dir()}. Install one with "
            "`pipeline models install FROM TO` or `pipeline models install --file X.argosmodel`."
        )
        return
    _print_table(
        ["From", "To", "Version", "Path"],
        [[m.from_code, m.to_code, m.version, str(m.path)] for m in found],
    )


@app.command()
def install(
    from_code: FromArg = None,
    to_code: ToArg = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Install this .argosmodel file (offline).")
    ] = None,
    from_dir: Annotated[
        Path | None,
        typer.Option("--from-dir", help="Install every .argosmodel in this directory."),
    ] = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Install a model: FROM TO from the online index, or a file, or a directory of files."""
    from pipeline import api

    pair = _pair_args(from_code, to_code)
    if sum(x is not None for x in (pair, file, from_dir)) != 1:
        raise typer.BadParameter("give one of: FROM TO, --file X.argosmodel, --from-dir DIR")
    with _user_errors():
        if pair is not None:
            _install_pair(*pair, insecure=insecure, quiet=quiet)
        elif file is not None:
            model = api.install_file(file)
            typer.echo(f"installed {model.label} in {model.path}")
        else:
            assert from_dir is not None
            _install_dir(from_dir)


def _install_pair(from_code: str, to_code: str, *, insecure: bool, quiet: bool) -> None:
    from pipeline import api

    before = api.find_model(from_code, to_code)
    with download_bar(f"{from_code}→{to_code}", quiet) as bar:
        model = api.install_from_index(from_code, to_code, bar, insecure=insecure)
    if model == before:
        typer.echo(f"{model.label} is already installed and current ({model.path})")
    else:
        typer.echo(f"installed {model.label} in {model.path}")


def _install_dir(directory: Path) -> None:
    from pipeline import api

    def report(model: InstalledModel) -> None:
        typer.echo(f"installed {model.label} in {model.path}")

    installed = api.install_from_dir(directory, on_installed=report)
    if not installed:
        typer.echo(f"every package in {directory} is already installed (same or newer version)")


@app.command()
def available(
    from_code: Annotated[str | None, typer.Option("--from", help="Source language.")] = None,
    to_code: Annotated[str | None, typer.Option("--to", help="Target language.")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Refetch the index.")] = False,
    as_json: JsonOpt = False,
    insecure: InsecureOpt = False,
) -> None:
    """List the models in the online index (cached for a day; --refresh refetches)."""
    from pipeline import api

    with _user_errors():
        index = api.load_index(refresh, insecure=insecure)
        installed = {(m.from_code, m.to_code): m.version for m in api.installed_models()}
    found = [
        m
        for m in index.models
        if (from_code is None or m.from_code.casefold() == from_code.casefold())
        and (to_code is None or m.to_code.casefold() == to_code.casefold())
    ]
    if as_json:
        rows = [
            {
                "from": m.from_code,
                "to": m.to_code,
                "version": m.version,
                "size": m.size,
                "checksum": m.checksum,
                "links": m.links,
                "installed": installed.get((m.from_code, m.to_code)),
            }
            for m in found
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo("no package in the index matches")
    else:
        _print_table(
            ["Pair", "Version", "Size", "Installed"],
            [
                [
                    m.pair,
                    m.version,
                    _human_size(m.size),
                    installed.get((m.from_code, m.to_code), ""),
                ]
                for m in found
            ],
        )
    cached = " (cached)" if index.from_cache else ""
    typer.echo(
        f"{len(found)} packages; index {index.url} fetched "
        f"{index.fetched_at:%Y-%m-%d %H:%M} UTC{cached}",
        err=True,
    )


@app.command()
def update(
    from_code: FromArg = None,
    to_code: ToArg = None,
    insecure: InsecureOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Install newer versions of installed models (all, or FROM TO) from the index."""
    from pipeline import api

    pair = _pair_args(from_code, to_code)
    with _user_errors():
        todo = api.outdated_models(*(pair or (None, None)), insecure=insecure)
    if not todo:
        typer.echo("all installed models are up to date")
        return
    failed = 0
    for old, new in todo:
        try:
            with download_bar(new.label, quiet) as bar:
                model = api.download_and_install(new, bar, insecure=insecure)
        except UserError as e:
            typer.echo(f"error: {e}", err=True)
            failed += 1
            continue
        typer.echo(f"updated {old.pair}: {old.version} → {model.version} ({model.path})")
    if failed:
        raise typer.Exit(1)


@app.command()
def remove(
    from_code: Annotated[str, typer.Argument(metavar="FROM", help="Source language code.")],
    to_code: Annotated[str, typer.Argument(metavar="TO", help="Target language code.")],
) -> None:
    """Uninstall the FROM→TO model (every installed version)."""
    from pipeline import api

    with _user_errors():
        model = api.remove_model(from_code, to_code)
    typer.echo(f"removed {model.label} ({model.path})")


# --- for `pipeline run` --------------------------------------------------------------


def offer_install(
    from_code: str,
    to_code: str,
    assume_yes: bool,
    interactive: bool,
    *,
    insecure: bool = False,
    quiet: bool = False,
) -> InstalledModel | None:
    """Return the pair's model, installing it from the index if the user agrees.

    Installed already: returned as is. Otherwise the index is consulted (cached
    copy, or one quick fetch); if it is unreachable or lacks the pair, None
    (the caller then raises :func:`pipeline.mt.models.require_model`'s message).
    ``assume_yes`` installs without asking; ``interactive`` (stdin is a
    terminal) asks on stderr; otherwise a hint is printed and None returned,
    so a non-interactive run never waits. Download failures raise UserError.
    """
    from pipeline import api

    model = api.find_model(from_code, to_code)
    if model is not None:
        return model
    try:
        offer = api.newest_available(from_code, to_code, insecure=insecure, tries=1)
    except UserError:
        return None
    if offer is None:
        return None
    size = _human_size(offer.size)
    if not assume_yes:
        if not interactive:
            typer.echo(
                f"note: the model index has {offer.label} ({size}); pass --yes to install it",
                err=True,
            )
            return None
        question = f"No {offer.pair} model is installed. Download {offer.label} ({size})?"
        if not typer.confirm(question, default=True, err=True):
            return None
    with download_bar(offer.label, quiet) as bar:
        return api.download_and_install(offer, bar, insecure=insecure)
