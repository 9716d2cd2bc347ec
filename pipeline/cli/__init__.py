"""Command-line interface: a thin Typer shell over :mod:`pipeline.api`.

Every command parses its options (declared once, in :mod:`pipeline.cli.options`),
calls one API function and renders its result (:mod:`pipeline.cli.render`).
Problems the user can fix print one ``error:`` line on stderr, never a
traceback, and exit with the statuses of :class:`pipeline.errors.ExitStatus`:
0 done, 1 usage or set-up error, 2 some documents failed, 3 a quality gate
refused, 130 interrupted.

Commands live in one module per group: :mod:`~pipeline.cli.documents` (run,
extract, translate, publish), :mod:`~pipeline.cli.catalogs` (status, check,
review-queue, report), :mod:`~pipeline.cli.prune` (prune), :mod:`~pipeline.cli.memory`
(``pipeline memory …``), :mod:`~pipeline.cli.models` (``pipeline models …``) and
:mod:`~pipeline.cli.terms` (``pipeline terms …``). Only Typer and those
modules load for ``--help``; the library is imported when a command runs.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from pipeline.cli import catalogs, documents, prune  # noqa: F401 - registers their commands
from pipeline.cli.app import app
from pipeline.cli.memory import app as memory_app
from pipeline.cli.models import app as models_app
from pipeline.cli.terms import app as terms_app

app.add_typer(models_app, name="models", help="Install, list and update Argos Translate models.")
app.add_typer(
    memory_app, name="memory", help="The translation memory: import, export, stats, rebuild."
)
app.add_typer(terms_app, name="terms")


def main() -> None:
    """Console-script entry point: user errors become one line on stderr, never a traceback.

    Typer bundles its own copy of click, so its exception classes are taken
    from ``typer._click`` when present.
    """
    try:
        from typer._click import exceptions as click_exceptions
    except ImportError:  # older Typer: plain click
        from click import exceptions as click_exceptions

    from pipeline.errors import ExitStatus, UserError

    _tolerant_streams()
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()
    except UserError as exc:
        fail(str(exc), exc.exit_status)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except click_exceptions.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())
            sys.exit(ExitStatus.OK)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        fail(f"{exc.format_message()}{hint}", ExitStatus.USAGE)
    except KeyboardInterrupt:
        typer.echo("interrupted: files already written are complete; run again to resume", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:  # `pipeline status | head`: the reader is gone, as for any tool
        _silence_stdout()
        sys.exit(ExitStatus.OK)
    except OSError as exc:
        if exc.filename is not None:
            raise  # a file the program opened: a bug (user-caused ones are UserErrors)
        _silence_stdout()
        fail(f"cannot write the output: {exc.strerror or exc}", ExitStatus.USAGE)
    sys.exit(code if isinstance(code, int) else ExitStatus.OK)


def _tolerant_streams() -> None:
    """Never fail on a character the terminal's encoding cannot show
    (``PYTHONIOENCODING=ascii``): it is printed as an escape (``\\xe9``) instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def fail(message: str, status: int = 1) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``status``."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(status)
