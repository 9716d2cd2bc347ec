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

Speed: terms are stemmed once, when the index is built, and indexed by their
first stem; a sentence is stemmed once (one C call) and each of its words
costs one dictionary lookup, so the cost does not grow with the number of
terms (``bench/terms_scale.py``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.terms.languages import stemmer_for

# Letters and digits, with combining accents (decomposed text keeps its offsets).
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


@dataclass(frozen=True)
class Word:
    """One word of a text: where it is, as written, and its stem."""

    start: int
    end: int
    text: str
    stem: str


@dataclass(frozen=True)
class Pattern:
    """A term or approved form, as the stems and written words to find."""

    stems: tuple[str, ...]
    words: tuple[str, ...]
    value: object  # what a match reports (a Term, or a form with its terms)


@dataclass(frozen=True)
class Match:
    """Where a pattern was found: characters ``start:end`` of the text."""

    start: int
    end: int
    pattern: Pattern


def words(text: str, language: str) -> list[Word]:
    """The words of ``text`` with their character offsets and stems."""
    found = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    lowered = [unicodedata.normalize("NFC", w).lower() for _, _, w in found]
    stems = stemmer_for(language)(lowered)
    return [Word(s, e, w, stem) for (s, e, w), stem in zip(found, stems, strict=True)]


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
    """Patterns of one language, indexed by their first stem."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._by_first: dict[str, list[Pattern]] = {}

    def add(self, text: str, value: object) -> None:
        """Index ``text`` (a term or form) reporting ``value`` when found."""
        found = words(text, self.language)
        if not found:
            return
        pattern = Pattern(tuple(w.stem for w in found), tuple(w.text for w in found), value)
        bucket = self._by_first.setdefault(pattern.stems[0], [])
        bisect.insort(bucket, pattern, key=lambda p: -len(p.stems))  # longest first

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._by_first.values())

    def find(self, text: str, overlapping: bool = False) -> list[Match]:
        """Matches in ``text``, left to right.

        By default the longest match at a position wins and the search goes on
        after it ("North Atlantic Council", not also "Council"); ``overlapping``
        reports every pattern found at every position.
        """
        return self.find_in(words(text, self.language), overlapping)

    def find_in(self, found: Sequence[Word], overlapping: bool = False) -> list[Match]:
        """:meth:`find` on words already cut and stemmed."""
        matches: list[Match] = []
        position = 0
        while position < len(found):
            hits = [
                p
                for p in self._by_first.get(found[position].stem, ())
                if _matches_at(found, position, p)
            ]
            if not hits:
                position += 1
                continue
            for pattern in hits if overlapping else hits[:1]:
                last = found[position + len(pattern.stems) - 1]
                matches.append(Match(found[position].start, last.end, pattern))
            position += 1 if overlapping else len(hits[0].stems)
        return matches


def _matches_at(found: Sequence[Word], position: int, pattern: Pattern) -> bool:
    end = position + len(pattern.stems)
    if end > len(found):
        return False
    window = found[position:end]
    return all(w.stem == s for w, s in zip(window, pattern.stems, strict=True)) and all(
        case_agrees(w.text, p) for w, p in zip(window, pattern.words, strict=True)
    )


def build_index(language: str, entries: Iterable[tuple[str, object]]) -> PatternIndex:
    """A :class:`PatternIndex` of (text, value) pairs."""
    index = PatternIndex(language)
    for text, value in entries:
        index.add(text, value)
    return index
