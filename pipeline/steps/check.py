"""Check: quality checks over every catalog of the project (see :mod:`pipeline.qa`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipeline.project import Project
from pipeline.steps.status import discover_catalogs

if TYPE_CHECKING:
    from pipeline.qa import CheckReport


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
    )
