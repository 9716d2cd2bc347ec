"""Checking PO files: one file (:func:`check_po_file`) or a whole run (:func:`check_catalogs`).

:func:`check_catalogs` is the library behind ``pipeline check``: it runs ``msgfmt -c``
and :func:`~pipeline.qa.checks.check_text` on every catalog, adds the extra checks
other packages supply (:class:`ExtraCheck`: the translation memory's
``consistency``, the glossary's ``terminology``...), applies the filters and
returns a :class:`~pipeline.qa.findings.CheckReport` for the CLI to render.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.qa.checks import check_text
from pipeline.qa.findings import (
    CheckReport,
    Finding,
    filtered,
    sort_key,
    validate_checks,
    validate_severity,
)
from pipeline.qa.msgfmt import run_msgfmt
from pipeline.qa.rules import CHECKS, ERROR, WARNING, Problem, problem

if TYPE_CHECKING:
    import polib


@dataclass(frozen=True)
class CatalogRef:
    """One PO file to check and what it holds."""

    document: str
    language: str
    po_path: Path
    source_language: str = "en"


@dataclass(frozen=True)
class CheckRun:
    """What a whole-run extra check is given: every catalog of the run, and the filter."""

    catalogs: tuple[CatalogRef, ...]
    reviewed_only: bool


#: ``(source, target, entry, catalog) -> problems`` for one checked (source, target) pair.
EntryCheck = Callable[[str, str, "polib.POEntry", CatalogRef], list[Problem]]
#: ``(run) -> findings`` once per run (e.g. the same msgid translated two ways).
RunCheck = Callable[[CheckRun], Iterable[Finding]]


@dataclass(frozen=True)
class ExtraCheck:
    """Checks supplied from outside :mod:`pipeline.qa`, run beside the built-in ones.

    ``checks`` documents the ids they report, like :data:`~pipeline.qa.CHECKS`
    (``{"terminology": "warning: a glossary term is not used"}``): ``--check``
    accepts them. ``entry`` is called on every checked (source, target) pair
    (respecting ``--reviewed-only``); ``run`` once with all catalogs. Use
    :func:`entry_finding` to turn a problem on an entry into a finding.
    """

    checks: Mapping[str, str]
    entry: EntryCheck | None = None
    run: RunCheck | None = None


# --------------------------------------------------------------------------- entries


def source_ref(entry: polib.POEntry) -> str:
    """First "#:" reference as "path:line" (or "path"), "" without one."""
    if not entry.occurrences:
        return ""
    path, line = entry.occurrences[0]
    return f"{path}:{line}" if line else path


def is_reviewed(entry: polib.POEntry) -> bool:
    """Reviewed = a person confirmed it: translated and not fuzzy."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values())) and not entry.fuzzy


def entry_pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, target) pairs of an entry: one, or one per plural form."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    pairs = [(entry.msgid if index == 0 else entry.msgid_plural, text) for index, text in forms]
    if pairs and not any(text for _, text in pairs):
        return [(entry.msgid, "")]
    return [(source, text) for source, text in pairs if text]


def entry_finding(
    catalog: CatalogRef, entry: polib.POEntry | None, found: Problem, msgstr: str = ""
) -> Finding:
    """A finding for ``found`` on ``entry`` of ``catalog`` (None: the file as a whole)."""
    check, severity, message = found
    line = entry.linenum if entry is not None else 0
    ref = source_ref(entry) if entry is not None else ""
    msgid = entry.msgid if entry is not None else ""
    return Finding(
        catalog.document,
        catalog.language,
        str(catalog.po_path),
        line,
        ref,
        msgid,
        check,
        severity,
        message,
        msgstr,
    )


# --------------------------------------------------------------------------- one file


def _load_po(po_path: Path) -> polib.POFile:
    """Parse a PO file with polib; OSError/ValueError when it is not valid."""
    import polib

    return polib.pofile(str(po_path), wrapwidth=78)


def _msgfmt_findings(
    catalog: CatalogRef, entries: list[polib.POEntry], reviewed_only: bool
) -> list[Finding]:
    """msgfmt diagnostics as findings, attributed to the entry that contains their line."""
    diagnostics = run_msgfmt(catalog.po_path)
    if diagnostics is None:
        missing = problem("msgfmt", "msgfmt not found; validity not checked", WARNING)
        return [entry_finding(catalog, None, missing)]
    by_line = sorted(entries, key=lambda e: e.linenum)
    starts = [e.linenum for e in by_line]
    findings = []
    for line, severity, message in diagnostics:
        index = bisect.bisect_right(starts, line) - 1
        owner = by_line[index] if index >= 0 and line > 0 else None
        if owner is None:  # the header, or a line polib did not attribute
            findings.append(_file_finding(catalog, line, ("msgfmt", severity, message)))
        elif not reviewed_only or is_reviewed(owner):
            found = ("msgfmt", severity, f"line {line}: {message}")
            findings.append(entry_finding(catalog, owner, found))
    return findings


def _file_finding(catalog: CatalogRef, line: int, found: Problem) -> Finding:
    """A finding about the file (or its header) at ``line``."""
    return dataclasses.replace(entry_finding(catalog, None, found), po_line=line)


def _diagnostics_only(catalog: CatalogRef, exc: Exception) -> list[Finding]:
    """Findings for a file polib cannot parse: msgfmt's view of it, plus ``syntax``."""
    findings = _msgfmt_findings(catalog, [], reviewed_only=False)
    message = f"polib cannot parse the file ({exc}); other checks skipped"
    findings.append(entry_finding(catalog, None, problem("syntax", message)))
    return findings


def _check_catalog(
    catalog: CatalogRef,
    *,
    reviewed_only: bool,
    run_msgfmt_check: bool,
    entry_checks: Sequence[EntryCheck],
) -> list[Finding]:
    """Every finding of one catalog, unfiltered (``msgfmt`` only when asked)."""
    if not catalog.po_path.is_file():
        raise UserError(f"{catalog.po_path}: PO file not found")
    try:
        po = _load_po(catalog.po_path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return _diagnostics_only(catalog, exc)
    entries = [e for e in po if not e.obsolete and e.msgid != ""]
    findings = _msgfmt_findings(catalog, entries, reviewed_only) if run_msgfmt_check else []
    for entry in entries:
        if reviewed_only and not is_reviewed(entry):
            continue
        for source, target in entry_pairs(entry):
            problems = check_text(source, target, catalog.source_language, catalog.language)
            for extra in entry_checks:
                problems += extra(source, target, entry, catalog)
            findings += [entry_finding(catalog, entry, p, target) for p in problems]
    return findings


def check_po_file(
    po_path: Path,
    document: str,
    language: str,
    source_language: str = "en",
    *,
    reviewed_only: bool = False,
) -> list[Finding]:
    """All findings for one PO file: ``msgfmt -c`` plus :func:`check_text` on each entry.

    Obsolete entries and the header are skipped. Every other entry is checked,
    reviewed and machine (fuzzy) alike; an empty msgstr gives "untranslated".
    With ``reviewed_only`` only reviewed entries are checked (no "untranslated",
    no msgfmt diagnostics inside other entries). Findings are in reading order.
    """
    report = check_catalogs(
        [(document, language, Path(po_path))], source_language, reviewed_only=reviewed_only
    )
    return report.findings


# --------------------------------------------------------------------------- a run


def known_checks(extra_checks: Iterable[ExtraCheck] = ()) -> dict[str, str]:
    """The built-in CHECKS plus the ids documented by ``extra_checks``."""
    known = dict(CHECKS)
    for extra in extra_checks:
        known.update(extra.checks)
    return known


def check_catalogs(
    catalogs: Iterable[tuple[str, str, Path]],
    source_language: str = "en",
    *,
    severity: str | None = None,
    checks: Iterable[str] | None = None,
    reviewed_only: bool = False,
    extra_checks: Sequence[ExtraCheck] = (),
) -> CheckReport:
    """Check every ``(document, language, po_path)`` and return the filtered findings.

    ``severity``: "error" keeps errors only; "warning" or None keeps everything.
    ``checks``: ids to keep (CHECKS keys or extra ids; "numbers,urls" is split);
    None keeps all; an unknown id is a :class:`UserError` naming the valid ones.
    ``syntax`` findings are always kept. ``reviewed_only``: only entries a person
    confirmed (translated, not fuzzy). Findings come sorted by file and line.
    """
    extra_checks = tuple(extra_checks)
    level = validate_severity(severity)
    selected = validate_checks(checks, known_checks(extra_checks))
    refs = tuple(
        CatalogRef(document, language, Path(po_path), source_language)
        for document, language, po_path in catalogs
    )
    entry_checks = [extra.entry for extra in extra_checks if extra.entry is not None]
    findings: list[Finding] = []
    for ref in refs:
        findings += _check_catalog(
            ref,
            reviewed_only=reviewed_only,
            run_msgfmt_check=selected is None or "msgfmt" in selected,
            entry_checks=entry_checks,
        )
    run = CheckRun(refs, reviewed_only)
    for extra in extra_checks:
        if extra.run is not None:
            findings += extra.run(run)
    kept = sorted(filtered(findings, level, selected), key=sort_key)
    return CheckReport(kept, files_checked=len(refs))


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is error-level: ``pipeline check`` then exits 3."""
    return any(f.severity == ERROR for f in findings)
