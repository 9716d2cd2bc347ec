"""The glossary's data: a term with its approved translations, and what an import did."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pipeline.gettext.states import TERMS_PREFIX

#: The extracted-comment prefix of the terms found in an entry's source (agreed format;
#: gettext.states keeps this line after the machine line it re-derives).
COMMENT_PREFIX = TERMS_PREFIX


@dataclass(frozen=True)
class Term:
    """One source term and its approved forms in one target language.

    ``keep`` marks a term to leave as it is (a name, a mission title): its only
    approved form is the source term itself. ``origin`` says where it was
    defined (``glossary.csv:12``).
    """

    source: str
    language: str  # target language, normalised (``fr``, ``fr_CA``)
    targets: tuple[str, ...]
    note: str = ""
    keep: bool = False
    source_language: str = "en"
    origin: str = ""

    @property
    def label(self) -> str:
        """``NATO → OTAN``; several approved forms are joined with `` | ``."""
        return f"{self.source} → {' | '.join(self.targets)}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (``targets`` as a list)."""
        data = asdict(self)
        data["targets"] = list(self.targets)
        return data


@dataclass(frozen=True)
class ImportResult:
    """What one ``import_glossary`` call did to the terms database."""

    path: str
    format: str  # "csv", "tsv" or "tbx"
    terms: int  # terms read from the file (after merging repeated rows)
    languages: tuple[str, ...]
    added: int  # terms new to the database
    updated: int  # terms that existed with other targets, note or keep flag
    unchanged: int
    removed: int  # terms an earlier import of this same file had, and it no longer has
    skipped: int = 0  # TBX entries with no term in the source language

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        return data
