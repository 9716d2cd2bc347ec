"""The ``msgfmt`` check: GNU gettext's own validation (``msgfmt -c``) of a whole PO file.

msgfmt is the reference for what a PO file may contain (the same tool every
gettext-based program and Weblate run). Its diagnostics are parsed from stderr
in the C locale and attributed by line to the entry that contains them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from pipeline.qa.rules import ERROR, WARNING

MSGFMT = "/usr/bin/msgfmt"
MSGFMT_TIMEOUT_S = 60

Diagnostic = tuple[int, str, str]  # (line, severity, message)

_LINE_RE = re.compile(r"(?P<line>\d+):(?:\d+:)? (?P<message>.*)", re.DOTALL)
_ANY_PATH_LINE_RE = re.compile(r"(?P<path>[^:]+):(?P<rest>\d+:.*)", re.DOTALL)
_HEADER_FIELD_RE = re.compile(r"warning: header field '(?P<field>[^']+)' missing in header")


def msgfmt_binary() -> str | None:
    """/usr/bin/msgfmt, or msgfmt from PATH, or None when gettext is not installed."""
    if os.access(MSGFMT, os.X_OK):
        return MSGFMT
    return shutil.which("msgfmt")


def run_msgfmt(po_path: Path) -> list[Diagnostic] | None:
    """``msgfmt -c`` diagnostics as (line, severity, message); None if msgfmt is missing.

    ``--use-fuzzy`` makes msgfmt check fuzzy (machine) entries too: they get published.
    The C locale keeps messages in English with ASCII quotes, so they can be parsed.
    """
    binary = msgfmt_binary()
    if binary is None:
        return None
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}
    args = [binary, "-c", "--use-fuzzy", "-o", os.devnull, "--", str(po_path)]
    try:
        result = subprocess.run(
            args, capture_output=True, env=env, timeout=MSGFMT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return [(0, ERROR, f"msgfmt did not finish within {MSGFMT_TIMEOUT_S} s")]
    diagnostics = parse_msgfmt(result.stderr.decode("utf-8", errors="replace"), str(po_path))
    if result.returncode != 0 and not any(sev == ERROR for _, sev, _ in diagnostics):
        diagnostics.append((0, ERROR, f"msgfmt -c failed with exit status {result.returncode}"))
    return diagnostics


def _split_location(raw: str, path: str | None) -> tuple[int, str] | None:
    """(line, message) of a "path:line[:column]: message" line, None for other lines.

    With ``path`` (the file msgfmt was given) its exact prefix is removed, so a
    path holding ":12:" cannot be misread; without it the path is taken to end
    at the first colon followed by a line number.
    """
    if path is not None:
        if not raw.startswith(path + ":"):
            return None
        rest = raw[len(path) + 1 :]
    else:
        match = _ANY_PATH_LINE_RE.fullmatch(raw)
        if match is None:
            return None
        rest = match["rest"]
    located = _LINE_RE.fullmatch(rest)
    if located is None:
        return None
    return int(located["line"]), located["message"].strip()


def parse_msgfmt(stderr: str, path: str | None = None) -> list[Diagnostic]:
    """Parse "file:line: message" lines; continuation lines join the previous message.

    The "header field 'X' missing" warnings of one line are merged into one.
    """
    diagnostics: list[Diagnostic] = []
    missing_fields: dict[int, list[str]] = {}
    for raw in stderr.splitlines():
        located = _split_location(raw, path)
        if located is None:
            if raw.startswith((" ", "\t")) and diagnostics:
                line, severity, message = diagnostics[-1]
                diagnostics[-1] = (line, severity, f"{message} {raw.strip()}")
            continue  # "msgfmt: found 1 fatal error" and the like
        line, message = located
        header = _HEADER_FIELD_RE.fullmatch(message)
        if header:
            missing_fields.setdefault(line, []).append(header["field"])
            continue
        severity = WARNING if message.startswith("warning:") else ERROR
        diagnostics.append((line, severity, message.removeprefix("warning:").strip()))
    for line, fields in missing_fields.items():
        diagnostics.append((line, WARNING, "header fields missing: " + ", ".join(fields)))
    return diagnostics
