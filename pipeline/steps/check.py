"""Check: quality checks over every catalog of the project (see :mod:`pipeline.qa`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.project import Project
from pipeline.steps.status import discover_catalogs

if TYPE_CHECKING:
    from pipeline.qa import Finding


@dataclass
class CheckReport:
    """The findings of ``pipeline check`` and how many catalogs were checked."""

    findings: list[Finding] = field(default_factory=list)
    catalogs: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def check(project: Project, languages: Sequence[str] = ()) -> CheckReport:
    """Run every check on every PO file of ``languages`` (all languages by default)."""
    from pipeline import qa

    report = CheckReport()
    for name, language, path in discover_catalogs(project, languages):
        report.findings += qa.check_po_file(path, name, language, project.source_language)
        report.catalogs += 1
    return report
