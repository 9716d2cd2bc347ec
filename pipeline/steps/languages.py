"""Which language each document is written in, and which languages it goes into.

With a fixed source language (``--from en``) every document is taken to be
in it; a *new* document that is confidently detected as another language is
reported (a French transcript in an English archive would otherwise be
"translated" French→French), and skipped with ``strict_language``. With
``--from auto`` each document's language is detected (offline,
:mod:`pipeline.text.detect`) and it goes into every target language but its
own: a French transcript goes fr→en, an English one en→fr. Parts of a large
file share the language of its first part. The language a document was taken
to be in is recorded in its POT header (``X-Source-Language``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.text.languages import normalize_language

if TYPE_CHECKING:
    from pipeline.project import Project
    from pipeline.steps.sources import Source
    from pipeline.text.document import Document


def base(code: str) -> str:
    """The language without script or region: ``pt_BR`` → ``pt``."""
    return code.replace("-", "_").split("_")[0].lower()


def decide(project: Project, source: Source, document: Document, notes: list[str]) -> str:
    """The language ``document`` is taken to be in (UserError: skip it).

    Detection runs for every document with ``--from auto``, otherwise only for
    documents without a template yet (new ones), so that an unchanged archive
    never loads the detector.
    """
    from pipeline.text.detect import detect_document_language, is_confident

    if not project.detects_language:
        if project.template_path(source.name).exists():
            return project.source_language
        detection = detect_document_language(document)
        if not is_confident(detection) or base(detection.language) == base(project.source_language):
            return project.source_language
        claim = (
            f"{source.path}: looks like {_name(detection.language)} "
            f"(confidence {detection.confidence:.2f}), not {_name(project.source_language)}"
        )
        if project.strict_language:
            raise UserError(f"{claim}; skipped (strict_language); use --from auto to route it")
        notes.append(
            f"{claim}; translated as {project.source_language} anyway (--from auto "
            "would route it, --strict-language would skip it)"
        )
        return project.source_language
    detection = detect_document_language(document)
    if detection.language == "und":
        raise UserError(
            f"{source.path}: cannot tell which language it is written in; "
            "set --from or source_language"
        )
    language = normalize_language(detection.language)
    if not is_confident(detection):
        notes.append(
            f"{source.path}: probably {_name(language)} (confidence "
            f"{detection.confidence:.2f}); set --from if that is wrong"
        )
    return language


def targets(document_language: str, languages: list[str]) -> list[str]:
    """The job's target languages a document goes into: all but its own language."""
    return [language for language in languages if base(language) != base(document_language)]


def _name(code: str) -> str:
    """The language's English name ("French"), or the code."""
    from babel import Locale

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except (ValueError, TypeError, LookupError):
        return code
