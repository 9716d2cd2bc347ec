"""``--log FILE``: timestamped lines a nightly job appends, one per event of a batch command.

Each line is ``<UTC time, ISO 8601> pipeline[<pid>] <command> <event>`` followed by
``key=value`` fields (logfmt: a value with spaces, quotes or ``=`` is a JSON
string), so that ``grep`` and log shippers read it and two jobs writing the same
file can be told apart::

    2025-11-27T02:00:01Z pipeline[42] run start sources="(whole project)" documents=3 languages=fr
    2025-11-27T02:00:09Z pipeline[42] run document name=2019/nato status=ok
    2025-11-27T02:00:09Z pipeline[42] run document name=bad status=failed problem="bad.txt: …"
    2025-11-27T02:00:09Z pipeline[42] run end documents=3 ok=2 unchanged=0 failed=1 exit=2

A command that stops with an error writes its ``end`` line with ``exit=`` and
``error=`` (the one-line message), whatever happened before. The file is opened
in append mode before the command does anything else (a path that cannot be
written is one ``error:`` line and exit 1, nothing done); each line is one
``write`` of an ``O_APPEND`` descriptor, so lines of concurrent jobs never mix.
A write that fails later (disk full) is one warning on stderr; the command's own
result and exit status are unchanged.

Per-document results come from :func:`document_results` (``run --json`` lists the
same): ``failed`` (the input could not be used), ``unchanged`` (nothing the
document depends on changed since it was last built: left alone) or ``ok``.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pipeline.errors import ExitStatus, UserError

if TYPE_CHECKING:
    from pipeline.steps.report import RunReport
    from pipeline.steps.sources import Source

SHOWN_SOURCES = 5  # source arguments named in the start line; the rest are counted
WHOLE_PROJECT = "(whole project)"


@dataclasses.dataclass(frozen=True)
class DocumentResult:
    """One transcript's outcome in a batch: ``ok``, ``unchanged`` (left alone: nothing it
    depends on changed) or ``failed`` (with the problems), and what was done to it."""

    name: str
    path: str
    status: str
    problems: tuple[str, ...] = ()
    machine: dict[str, int] = dataclasses.field(default_factory=dict)  # language -> entries
    memory: dict[str, int] = dataclasses.field(default_factory=dict)
    files_written: int = 0

    def to_dict(self) -> dict[str, object]:
        """The result as ``--json`` lists it."""
        # Shallow (vars, not dataclasses.asdict's deep copy): --json lists every document.
        return dict(
            vars(self),
            problems=list(self.problems),
            machine=dict(self.machine),
            memory=dict(self.memory),
        )


def document_results(report: RunReport, sources: Sequence[Source]) -> list[DocumentResult]:
    """Per source file: ``failed`` when it (or one of its parts, ``<name>.part-NNNN``) has
    problems, else ``unchanged`` or ``ok``; with the file's counts from the report."""
    from pipeline.steps.report import DocumentCounts

    problems = report.problems_by_file({source.name for source in sources})
    results = []
    for source in sources:
        messages = tuple(problems.pop(source.name, []))
        counts = report.by_document.get(source.name, DocumentCounts())
        status = "failed" if messages else "ok"
        if not messages and source.name in report.unchanged_files:
            status = "unchanged"
        results.append(
            DocumentResult(
                source.name,
                str(source.path),
                status,
                messages,
                counts.machine,
                counts.memory,
                counts.files_written,
            )
        )
    return results + [  # a document no source names (not expected): still listed
        DocumentResult(name, "", "failed", tuple(messages)) for name, messages in problems.items()
    ]


def field(key: str, value: object) -> str:
    """``key=value``, the value quoted as a JSON string when it needs it."""
    import json

    text = str(value)
    if not text or any(c.isspace() or c in '"=\\' for c in text) or not text.isprintable():
        text = json.dumps(text, ensure_ascii=False)
    return f"{key}={text}"


class RunLog:
    """An open ``--log`` file (or, without one, a log that writes nothing)."""

    def __init__(self, path: Path | None, command: str) -> None:
        self.path, self.command = path, command
        self.started = time.monotonic()
        self._fd: int | None = None
        self._start_written = False
        self.counts: dict[str, int] | None = None  # per status, once results were logged
        if path is not None:
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            except OSError as error:
                raise UserError(
                    f"--log {path}: cannot write it ({error.strerror or error})"
                ) from None

    def write(self, event: str, *fields: str) -> None:
        """One line: time, program and pid, command, event, fields; one ``write`` call."""
        import datetime as dt

        if self._fd is None:
            return
        moment = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = " ".join([moment, f"pipeline[{os.getpid()}]", self.command, event, *fields])
        data = (line.replace("\n", " ") + "\n").encode("utf-8", "backslashreplace")
        try:
            while data:
                data = data[os.write(self._fd, data) :]
        except OSError as error:
            typer.echo(
                f"warning: --log {self.path}: cannot write it any more "
                f"({error.strerror or error}); the run goes on",
                err=True,
            )
            self.close()

    def start(
        self, arguments: Sequence[str], documents: int | None, languages: Sequence[str]
    ) -> None:
        """The start line: the sources as given (or the whole project), how many
        documents they are, the target languages."""
        shown = ", ".join(arguments[:SHOWN_SOURCES]) or WHOLE_PROJECT
        if len(arguments) > SHOWN_SOURCES:
            shown += f" and {len(arguments) - SHOWN_SOURCES} more"
        fields = [field("sources", shown)]
        if documents is not None:
            fields.append(field("documents", documents))
        fields.append(field("languages", ",".join(languages) or "-"))
        self.write("start", *fields)
        self._start_written = True

    def results(self, report: RunReport, sources: Sequence[Source]) -> None:
        """One line per document result."""
        results = document_results(report, sources)
        for result in results:
            start = [field("name", result.name), field("status", result.status)]
            for problem in result.problems:
                self.write("document", *start, field("problem", problem))
            if not result.problems:
                self.write("document", *start)
        self.counts = {
            status: sum(1 for result in results if result.status == status)
            for status in ("ok", "unchanged", "failed")
        }

    def end(self, status: int, error: str | None, arguments: Sequence[str]) -> None:
        """The summary line: counts (when results were logged), seconds, exit status."""
        if not self._start_written:
            self.start(arguments, None, ())
        fields = []
        if self.counts is not None:
            fields.append(field("documents", sum(self.counts.values())))
            fields += [field(name, count) for name, count in self.counts.items()]
        fields += [
            field("seconds", f"{time.monotonic() - self.started:.1f}"),
            field("exit", int(status)),
        ]
        if error:
            fields.append(field("error", " ".join(error.split())))
        self.write("end", *fields)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_CURRENT: contextvars.ContextVar[RunLog | None] = contextvars.ContextVar("run_log", default=None)


def current() -> RunLog:
    """The log of the command running now (one that writes nothing outside :func:`logged`)."""
    return _CURRENT.get() or RunLog(None, "")


def logged(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Open the ``--log`` file of the command's ``batch`` options before it runs, and
    always end it with the exit status (and the error of a command that stops)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(**values: Any) -> Any:
            log = RunLog(values["batch"].log, command)
            token = _CURRENT.set(log)
            status, error = ExitStatus.OK, None
            try:
                return func(**values)
            except typer.Exit as stop:
                status = stop.exit_code
                raise
            except UserError as failure:
                status, error = failure.exit_status, str(failure)
                raise
            except KeyboardInterrupt:
                status, error = ExitStatus.INTERRUPTED, "interrupted"
                raise
            except Exception as bug:
                status, error = ExitStatus.USAGE, f"internal error: {bug!r}"
                raise
            finally:
                log.end(status, error, values.get("sources") or [])
                log.close()
                _CURRENT.reset(token)

        return wrapper

    return decorate
