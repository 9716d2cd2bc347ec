"""Findings and what ``pipeline check`` does with them: filter, group, count.

A :class:`Finding` is one problem at one place. Identical findings (same check,
severity, message, msgid and msgstr: the same sentence translated the same way
in 59 documents) form one :class:`FindingGroup` with every place, so an archive's
648 findings read as a few dozen lines. :class:`CheckReport` is what
:func:`pipeline.qa.check_catalogs` returns: findings, files checked, counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.errors import UserError
from pipeline.qa.rules import ERROR, SEVERITIES, WARNING
from pipeline.terminal import plural


@dataclass(frozen=True)
class Finding:
    """One problem found in one PO entry (or in the file, for ``msgfmt``/``syntax``).

    ``to_dict`` gives the JSON object of ``pipeline check --format json``; its keys
    are the field names below, in this order, and are stable.
    """

    document: str  # document name (PO path relative to its language folder, no ".po")
    language: str  # target language of the catalog
    po_path: str  # the PO file, as found under the translations directory
    po_line: int  # line where the entry starts in the PO file (0: the file as a whole)
    source_ref: str  # first "#:" reference, e.g. "speech.txt:31" ("" if none)
    msgid: str  # the entry's source text ("" for file-level findings)
    check: str  # short id: a key of CHECKS or of an extra check
    severity: str  # "error" | "warning"
    message: str  # one line, human readable
    msgstr: str = ""  # the translation that was checked ("" when untranslated)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the field names as keys, for JSON."""
        return asdict(self)

    @property
    def place(self) -> str:
        """"path:line" like a compiler prints it ("path" for the file as a whole)."""
        return f"{self.po_path}:{self.po_line}" if self.po_line else self.po_path


def sort_key(finding: Finding) -> tuple[str, int, bool, str]:
    """Reading order: by file, then line, errors before warnings, then check id."""
    return (finding.po_path, finding.po_line, finding.severity != ERROR, finding.check)


@dataclass(frozen=True)
class FindingGroup:
    """Identical findings at several places; ``first`` is the earliest in reading order."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def others(self) -> tuple[Finding, ...]:
        return self.findings[1:]


def _identity(finding: Finding) -> tuple[str, str, str, str, str]:
    """What makes two findings "the same" for grouping."""
    return (finding.check, finding.severity, finding.message, finding.msgid, finding.msgstr)


def group_findings(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Identical findings together, groups ordered by their first place."""
    groups: dict[tuple[str, str, str, str, str], list[Finding]] = {}
    for finding in sorted(findings, key=sort_key):
        groups.setdefault(_identity(finding), []).append(finding)
    return [FindingGroup(tuple(members)) for members in groups.values()]


@dataclass
class CheckReport:
    """Result of one ``pipeline check``: the findings kept by the filters, and counts."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def files_with_findings(self) -> int:
        return len({f.po_path for f in self.findings})

    @property
    def failed(self) -> bool:
        """True when any error-level finding is left: the quality gate fails (exit 3)."""
        return self.errors > 0

    def groups(self) -> list[FindingGroup]:
        return group_findings(self.findings)

    def by_check(self) -> dict[str, int]:
        """Number of findings per check id, most frequent first."""
        return dict(Counter(f.check for f in self.findings).most_common())

    def summary(self) -> str:
        """"3 errors, 12 warnings in 5 files (numbers 2, …); 9 distinct, 40 files checked"."""
        checked = f"{plural(self.files_checked, 'file')} checked"
        if not self.findings:
            return f"no findings; {checked}"
        per_check = ", ".join(f"{check} {n:,}" for check, n in self.by_check().items())
        return (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')} "
            f"in {plural(self.files_with_findings, 'file')} ({per_check}); "
            f"{len(self.groups()):,} distinct, {checked}"
        )


# --------------------------------------------------------------------------- filters


def validate_severity(severity: str | None) -> str | None:
    """``--severity``: None/"warning" keep everything, "error" keeps errors only."""
    if severity is None:
        return None
    value = severity.strip().lower()
    if value not in SEVERITIES:
        raise UserError(f"--severity {severity}: expected one of {', '.join(SEVERITIES)}")
    return value


def split_names(values: Iterable[str] | None) -> list[str] | None:
    """``["numbers,urls", "brackets"]`` -> ``["numbers", "urls", "brackets"]`` (None: all)."""
    if values is None:
        return None
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return names or None


def validate_checks(names: Iterable[str] | None, known: Mapping[str, str]) -> set[str] | None:
    """The selected check ids, or None for all; an unknown id is a UserError naming them all."""
    selected = split_names(names)
    if selected is None:
        return None
    unknown = [name for name in selected if name not in known]
    if unknown:
        raise UserError(
            f"unknown check {', '.join(repr(n) for n in unknown)}; "
            f"valid checks: {', '.join(known)}"
        )
    return set(selected)


def keep(finding: Finding, severity: str | None, checks: set[str] | None) -> bool:
    """Whether ``finding`` passes the ``--severity`` and ``--check`` filters.

    ``syntax`` is always kept: a file that cannot be read was not checked at all.
    """
    if severity == ERROR and finding.severity != ERROR:
        return False
    return checks is None or finding.check in checks or finding.check == "syntax"


def filtered(
    findings: Sequence[Finding], severity: str | None, checks: set[str] | None
) -> list[Finding]:
    """The findings that pass both filters (see :func:`keep`)."""
    return [f for f in findings if keep(f, severity, checks)]
