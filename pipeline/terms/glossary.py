"""The loaded glossary: which terms a sentence holds, and what the translation should say.

:class:`Glossary` is built once per run from the terms database (or a list of
terms) and answers, per target language:

* :meth:`Glossary.comment`: the extracted comment ``terms: NATO → OTAN; Ally → Allié``
  for a PO entry (re-derived on every run: :func:`update_term_comment`);
* :meth:`Glossary.check`: ``terminology`` and ``do-not-translate`` warnings as
  ``(check, severity, message)`` triples, like :func:`pipeline.qa.check_text`;
* :meth:`Glossary.spans`: character spans of the terms in a source sentence and
  of their approved forms in its translation, for ``<abbr title>`` in the
  bilingual HTML.

Indexes are built lazily, once per target language. See
:mod:`pipeline.terms.matching` for what matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.terms.languages import language_fallbacks, normalise_language
from pipeline.terms.matching import Match, PatternIndex, Words, build_index
from pipeline.terms.model import COMMENT_PREFIX, Term

if TYPE_CHECKING:
    import polib

WARNING = "warning"

#: The checks of this module, described as :data:`pipeline.qa.CHECKS` describes its own.
TERM_CHECKS: dict[str, str] = {
    "terminology": "warning: the source holds a glossary term and the translation none of its "
    "approved forms (inflections accepted)",
    "do-not-translate": "warning: a glossary term to keep as it is (a name, a title) is missing "
    "from the translation",
}


@dataclass(frozen=True)
class TermSpan:
    """A glossary term found in a text: characters ``start:end``, and its entry."""

    start: int
    end: int
    text: str  # the text as written there ("Allies", "Alliés")
    term: Term

    @property
    def title(self) -> str:
        """The tooltip: ``Ally → Allié``."""
        return self.term.label


@dataclass(frozen=True)
class SentenceSpans:
    """Term spans of a source sentence and of its translation."""

    source: list[TermSpan]
    target: list[TermSpan]


class _LanguageTerms:
    """The terms of one target language with their two indexes."""

    def __init__(self, terms: list[Term], source_language: str, language: str) -> None:
        self.terms = terms
        self.source_index = build_index(source_language, ((t.source, t) for t in terms))
        self.language = language

    @cached_property
    def form_index(self) -> PatternIndex:
        """Approved forms, each indexed once (its value is the form's text)."""
        forms = dict.fromkeys(form for term in self.terms for form in term.targets)
        return build_index(self.language, ((form, form) for form in forms))

    def source_matches(self, source: str) -> list[Match]:
        return self.source_index.find(source)

    def form_matches(self, translation: str) -> list[Match]:
        return self.form_index.find_in(Words(translation, self.language), overlapping=True)


class Glossary:
    """Terms of one source language, for every target language they were given in."""

    def __init__(self, terms: Iterable[Term], source_language: str = "en") -> None:
        self.source_language = normalise_language(source_language) or source_language
        self._terms = [t for t in terms if t.source_language == self.source_language]
        self._by_language: dict[str, _LanguageTerms] = {}

    @classmethod
    def load(cls, db_path: Path, source_language: str = "en") -> Glossary:
        """The terms stored in ``db_path`` (none if the file does not exist)."""
        from pipeline.terms.store import list_terms

        return cls(list_terms(db_path, source_language=source_language), source_language)

    def __bool__(self) -> bool:
        return bool(self._terms)

    def terms_for(self, language: str) -> list[Term]:
        """The terms that apply to a target language: its own, then its base language's
        (``fr`` terms apply to ``fr_CA``) unless ``fr_CA`` defines the same source term."""
        return self._index(language).terms

    def _index(self, language: str) -> _LanguageTerms:
        index = self._by_language.get(language)
        if index is None:
            chosen: dict[str, Term] = {}
            for candidate in reversed(language_fallbacks(language)):
                chosen.update({t.source: t for t in self._terms if t.language == candidate})
            target = language_fallbacks(language)[0]
            index = _LanguageTerms(list(chosen.values()), self.source_language, target)
            self._by_language[language] = index
        return index

    # -- what a source sentence holds ---------------------------------------------

    def find(self, source: str, language: str) -> list[TermSpan]:
        """The terms in a source sentence, left to right, longest first, not overlapping."""
        return [
            _span(source, m, m.pattern.value) for m in self._index(language).source_matches(source)
        ]

    def comment(self, source: str, language: str) -> str | None:
        """``terms: NATO → OTAN; Ally → Allié`` for a source sentence, or None if it has none."""
        found = _distinct(span.term for span in self.find(source, language))
        if not found:
            return None
        return COMMENT_PREFIX + "; ".join(term.label for term in found)

    # -- what its translation should hold -----------------------------------------

    def spans(self, source: str, translation: str, language: str) -> SentenceSpans:
        """Terms in the source, and the approved forms of those terms in the translation.

        Target spans do not overlap (the longest form wins); each names the
        first source term, in source order, that approves its form.
        """
        index = self._index(language)
        source_spans = self.find(source, language)
        owners: dict[str, Term] = {}
        for span in source_spans:
            for form in span.term.targets:
                owners.setdefault(form, span.term)
        wanted = [m for m in index.form_matches(translation) if m.pattern.value in owners]
        target_spans = [
            _span(translation, m, owners[m.pattern.value]) for m in _non_overlapping(wanted)
        ]
        return SentenceSpans(source_spans, target_spans)

    def check(self, source: str, translation: str, language: str) -> list[tuple[str, str, str]]:
        """``terminology``/``do-not-translate`` warnings for one (source, translation) pair.

        An empty translation gives none (``untranslated`` is :mod:`pipeline.qa`'s).
        """
        if not translation.strip():
            return []
        terms = _distinct(span.term for span in self.find(source, language))
        if not terms:
            return []
        present = {m.pattern.value for m in self._index(language).form_matches(translation)}
        problems = []
        for term in terms:
            if any(form in present for form in term.targets):
                continue
            if term.keep:
                message = f"'{term.source}' must stay as it is (do not translate; {term.origin})"
                problems.append(("do-not-translate", WARNING, message))
            else:
                forms = " or ".join(f"'{form}'" for form in term.targets)
                message = f"'{term.source}' should be translated as {forms} ({term.origin})"
                problems.append(("terminology", WARNING, message))
        return problems


def _span(text: str, match: Match, term: Term) -> TermSpan:
    return TermSpan(match.start, match.end, text[match.start : match.end], term)


def _distinct(terms: Iterable[Term]) -> list[Term]:
    return list(dict.fromkeys(terms))


def _non_overlapping(matches: list[Match]) -> list[Match]:
    """Left to right, the longest match at each place, skipping what overlaps it."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start, m.start - m.end)):
        if not chosen or match.start >= chosen[-1].end:
            chosen.append(match)
    return chosen


def update_term_comment(entry: polib.POEntry, comment: str | None) -> bool:
    """Replace the entry's ``terms:`` comment line with ``comment`` (None: remove it).

    Other extracted-comment lines keep their order; the terms line goes last.
    Returns whether the entry changed.
    """
    lines = [line for line in entry.comment.splitlines() if not line.startswith(COMMENT_PREFIX)]
    if comment:
        lines.append(comment)
    new = "\n".join(lines)
    if new == entry.comment:
        return False
    entry.comment = new
    return True
