"""Check: quality checks over every catalog of the project (see :mod:`pipeline.qa`).

Besides the built-in checks, the glossary's ``terminology`` and
``do-not-translate`` warnings run on every checked entry when the project has
a terms database (:func:`term_checks`); the check ids are accepted by
``--check`` either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipeline.project import Project
from pipeline.steps.status import discover_catalogs
from pipeline.steps.terms import Glossaries

if TYPE_CHECKING:
    import polib

    from pipeline.qa import CatalogRef, CheckReport, ExtraCheck, Problem


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


def term_checks(project: Project) -> ExtraCheck:
    """The glossary's checks: ``terminology`` (a term's approved forms all missing from the
    translation) and ``do-not-translate`` (a term to keep is missing). Without a glossary
    they find nothing and no terms database is opened."""
    from pipeline.qa import ExtraCheck
    from pipeline.terms import TERM_CHECKS

    glossary = Glossaries(project).get()  # terms in the project's source language
    if glossary is None:
        return ExtraCheck(TERM_CHECKS)

    def entry(source: str, target: str, _: polib.POEntry, catalog: CatalogRef) -> list[Problem]:
        return glossary.check(source, target, catalog.language)

    return ExtraCheck(TERM_CHECKS, entry=entry)


def _extra_checks(project: Project, languages: Sequence[str]) -> list[ExtraCheck]:
    """Checks from outside qa: the glossary's, and the translation memory's consistency."""
    from pipeline.steps.memory import consistency_check

    extras = [term_checks(project), consistency_check(project, languages)]
    return [check for check in extras if check is not None]
