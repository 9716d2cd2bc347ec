"""Check: quality checks over every catalog of the project (see :mod:`pipeline.qa`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipeline.project import Project
from pipeline.steps.status import discover_catalogs

if TYPE_CHECKING:
    from pipeline.qa import CheckReport, ExtraCheck


def check(
    project: Project,
    languages: Sequence[str] = (),
    *,
    severity: str | None = None,
    checks: Iterable[str] | None = None,
    reviewed_only: bool = False,
) -> CheckReport:
    """Run the checks on every PO file of ``languages`` (all languages by default).

    ``severity`` is the lowest level reported ("error": errors only), ``checks``
    names the checks to run (all by default), ``reviewed_only`` checks only
    entries a person confirmed, so that an archive still being reviewed can be gated.
    """
    from pipeline import qa

    return qa.check_catalogs(
        discover_catalogs(project, languages),
        project.source_language,
        severity=severity,
        checks=checks,
        reviewed_only=reviewed_only,
        extra_checks=_extra_checks(project, languages),
    )


def _extra_checks(project: Project, languages: Sequence[str]) -> list[ExtraCheck]:
    """Checks that need more than one entry: the translation memory's consistency."""
    from pipeline.steps.memory import consistency_check

    return [check for check in (consistency_check(project, languages),) if check is not None]
