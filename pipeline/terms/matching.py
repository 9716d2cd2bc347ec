"""Finding glossary terms in sentences: whole words, inflections, multi-word terms.

A text is cut into words (letters and digits; apostrophes, hyphens and spaces
separate them, so ``l'OTAN`` holds ``OTAN`` and ``Secretary-General`` matches
``Secretary General``). Each word is lower-cased and stemmed with the Snowball
stemmer of its language, so ``Allies`` matches the term ``Ally`` and ``Alliés``
the form ``Allié``. A term matches where its words' stems follow each other.

Case: a term word written in lower case matches any case; a word with capitals
must agree in case with the text on the letters they share before the stems
diverge (``Ally`` matches ``Allies`` but not ``ally``; ``NATO`` matches ``NATO``
and ``NGOs`` matches ``NGO``, not ``Nato``). Text in capitals (a heading)
matches any case.

Speed: terms are stemmed once, when the index is built, into a trie of stems;
a sentence is stemmed once (one C call) and from each of its words the trie is
walked only as far as a term continues, so the cost does not grow with the
number of terms (``bench/terms_scale.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.terms.languages import stemmer_for

# Letters and digits, with combining accents (decomposed text keeps its offsets).
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


class Words:
    """The words of a text: their stems for matching; positions and spelling on demand.

    Most sentences hold no term, so the common path is one ``lower()``, one
    ``findall`` and one stemmer call; word offsets are computed only when a
    term may be there. Text that is not NFC, or whose length changes when
    lower-cased, takes a slower path that keeps the offsets exact.
    """

    __slots__ = ("_spans", "stems", "text")

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        lowered = text.lower()
        if len(lowered) == len(text) and unicodedata.is_normalized("NFC", text):
            self._spans: list[tuple[int, int]] | None = None
            tokens = _WORD.findall(lowered)
        else:
            self._spans = [m.span() for m in _WORD.finditer(text)]
            tokens = [unicodedata.normalize("NFC", text[a:b]).lower() for a, b in self._spans]
        self.stems: list[str] = stemmer_for(language)(tokens)

    def __len__(self) -> int:
        return len(self.stems)

    def span(self, index: int) -> tuple[int, int]:
        """Character offsets of word ``index``."""
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self.text)]
        return self._spans[index]

    def written(self, index: int) -> str:
        """Word ``index`` as written."""
        start, end = self.span(index)
        return self.text[start:end]


@dataclass(frozen=True)
class Pattern:
    """A term or approved form, as the stems and written words to find."""

    stems: tuple[str, ...]
    words: tuple[str, ...]
    value: object  # what a match reports (a Term, or a form's text)


@dataclass(frozen=True)
class Match:
    """Where a pattern was found: characters ``start:end`` of the text."""

    start: int
    end: int
    pattern: Pattern


class _Node:
    """A trie node: patterns ending here, and the next stems."""

    __slots__ = ("children", "patterns")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.patterns: list[Pattern] = []


def case_agrees(written: str, pattern: str) -> bool:
    """Whether a text word may stand for a pattern word, as far as case goes."""
    if pattern == pattern.lower() or (len(written) > 1 and written.isupper()):
        return True
    shared = 0
    for a, b in zip(written.lower(), pattern.lower(), strict=False):
        if a != b:
            break
        shared += 1
    return written[: max(shared, 1)] == pattern[: max(shared, 1)]


class PatternIndex:
    """Patterns of one language in a trie of stems."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._root = _Node()
        self._size = 0

    def add(self, text: str, value: object) -> None:
        """Index ``text`` (a term or form) reporting ``value`` when found."""
        found = Words(text, self.language)
        if not found.stems:
            return
        node = self._root
        for stem in found.stems:
            node = node.children.setdefault(stem, _Node())
        spelling = tuple(found.written(i) for i in range(len(found)))
        node.patterns.append(Pattern(tuple(found.stems), spelling, value))
        self._size += 1

    def __len__(self) -> int:
        return self._size

    def find(self, text: str, overlapping: bool = False) -> list[Match]:
        """Matches in ``text``, left to right.

        By default the longest match at a position wins and the search goes on
        after it ("North Atlantic Council", not also "Council"); ``overlapping``
        reports every pattern found at every position.
        """
        return self.find_in(Words(text, self.language), overlapping)

    def find_in(self, found: Words, overlapping: bool = False) -> list[Match]:
        """:meth:`find` on words already cut and stemmed."""
        matches: list[Match] = []
        position = 0
        while position < len(found):
            hits = self._hits(found, position)  # longest first
            if overlapping:
                matches += hits
            elif hits:
                matches.append(hits[0])
                position += len(hits[0].pattern.stems)
                continue
            position += 1
        return matches

    def _hits(self, found: Words, position: int) -> list[Match]:
        """Patterns starting at ``position`` whose case agrees, longest first."""
        hits: list[Match] = []
        node = self._root
        stems = found.stems
        for end in range(position, len(stems)):
            node = node.children.get(stems[end])
            if node is None:
                break
            for pattern in node.patterns:
                spelling = [found.written(i) for i in range(position, end + 1)]
                if all(map(case_agrees, spelling, pattern.words)):
                    start, stop = found.span(position)[0], found.span(end)[1]
                    hits.append(Match(start, stop, pattern))
        hits.reverse()
        return hits


def build_index(language: str, entries: Iterable[tuple[str, object]]) -> PatternIndex:
    """A :class:`PatternIndex` of (text, value) pairs."""
    index = PatternIndex(language)
    for text, value in entries:
        index.add(text, value)
    return index
