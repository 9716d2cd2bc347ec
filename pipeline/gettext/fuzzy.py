"""Fuzzy matching of msgids as msgmerge does it, with an index so that a merge stays fast.

msgmerge proposes, for a new msgid without a translation, the old message most
similar to it: similarity is gettext's ``fstrcmp``, ``2 * LCS / (len(a) +
len(b))`` over the longest common subsequence, and a proposal needs at least
:data:`FUZZY_THRESHOLD` (0.6). Scoring every old msgid for every new one is
quadratic: with Python's difflib, replacing a transcript of 1,000 sentences by
another took minutes (issue #12 case 8).

The search follows the design of msgmerge's own fuzzy index (gettext's
``msgl-fsearch.c``), made cheaper where msgmerge is still quadratic:

* **Candidates.** msgmerge considers every old msgid sharing a character
  4-gram with the new one. In real text nearly every sentence shares " the"
  with every other, so the new msgid is cut into :data:`RAREST_GRAMS` (8)
  stretches and looked up by the rarest 4-gram of each among those the old
  msgids have: an edited sentence shares them with its original outside the
  edit (taking the 8 rarest of the whole sentence instead missed originals
  whose only rare words the edit had replaced). A msgid shorter than
  4 characters is compared with every old msgid of a compatible length
  (``l * 3/7 … l * 7/3``, outside which the similarity is below 0.6), as
  msgmerge does.
* **Ranking.** Candidates are ranked by how many of those 4-grams they share,
  then by their order in the old catalog (msgmerge's order), and the
  :func:`examined` best of them, at most, are scored exactly (msgmerge's
  heuristic mode scores ``max(10, √n)``).
* **Choice.** The best similarity ≥ 0.6 wins, with msgmerge's bonus of
  0.00001 for a candidate without a context or of the same context. Equal
  scores go to the better-ranked candidate, so the result is deterministic.

What is given up: a pair of unrelated sentences that happen to score 0.6
without sharing a rare 4-gram (which msgmerge would propose) gets no
suggestion. On generated transcripts (``bench/merge_speed.py --check``)
every edited sentence of 10,000 (1,998 of 2,000 in 20,000) gets its original,
and the suggestions equal an exhaustive search's for 296 of 300 sentences,
the others being such coincidences.

Scoring uses rapidfuzz's ``Indel`` distance, whose normalised similarity is
exactly ``fstrcmp``'s formula, computed in C (gettext counts bytes, we count
characters). 4-grams are integers and their posting lists numpy arrays; all
the new msgids of a merge are looked up at once. Measured
(docs/performance.md): 10,000 changed sentences merge in about 3 s, where
difflib over all pairs took hours. rapidfuzz is a dependency for this.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FUZZY_THRESHOLD = 0.6  # msgmerge's FUZZY_THRESHOLD: fstrcmp similarity of old and new msgid
NGRAM = 4  # msgmerge's n-gram size
RAREST_GRAMS = 8  # a new msgid looks for old ones through 8 rare 4-grams, one per stretch
CONTEXT_BONUS = 0.00001  # msgmerge: a candidate without context or of the same context
_SLACK = 1e-5  # below the threshold: rapidfuzz refuses 0.6 itself with a cutoff of 0.6
_BLOCK = 1 << 21  # postings counted at once (bounds the memory of a merge)
_MAX_BASE = 55_108  # largest base whose 4-digit numbers fit in 63 bits


def similarity(a: str, b: str) -> float:
    """gettext's fstrcmp: 2 * LCS(a, b) / (len(a) + len(b)), 1.0 for two empty strings."""
    from rapidfuzz.distance import Indel

    return Indel.normalized_similarity(a, b)


def reaches_threshold(a: str, b: str) -> bool:
    """similarity(a, b) >= FUZZY_THRESHOLD, decided in integers (no rounding at the edge).

    rapidfuzz's own ``score_cutoff`` is applied in floating point and refuses a
    similarity of exactly 0.6; the search uses a slightly lower cutoff and this.
    """
    from fractions import Fraction

    from rapidfuzz.distance import Indel

    threshold = Fraction(FUZZY_THRESHOLD).limit_denominator(1000)
    total = len(a) + len(b)
    distance = Indel.distance(a, b)  # similarity = 1 - distance / total
    return distance * threshold.denominator <= (threshold.denominator - threshold.numerator) * total


def examined(candidates: int) -> int:
    """How many best-ranked candidates are scored exactly: max(50, √candidates)."""
    return max(50, math.isqrt(candidates))


def _code_points(texts: Sequence[str]) -> np.ndarray:
    import numpy as np

    return np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def _sort_by(keys: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """Order of the rows of integer columns, most significant first; ``(column, bound)``.

    Each column's values lie in ``[0, bound)``. The columns are combined into
    one int64 when their bounds allow it (a plain sort is ten times faster
    than ``np.lexsort``).
    """
    import numpy as np

    if math.prod(bound for _, bound in keys) < 2**63:
        combined = np.zeros(len(keys[0][0]), dtype=np.int64)
        for column, bound in keys:
            combined = combined * bound + column
        return np.argsort(combined)
    return np.lexsort([column for column, _ in reversed(keys)])


def _distinct_sorted(*columns: np.ndarray) -> np.ndarray:
    """Mask of the first of each run of equal rows in sorted columns."""
    import numpy as np

    first = np.ones(len(columns[0]), dtype=bool)
    if len(first) > 1:
        first[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in columns])
    return first


def _first_of_groups(groups: np.ndarray, limit: int) -> np.ndarray:
    """Mask of the first ``limit`` items of each run of equal values in sorted ``groups``."""
    import numpy as np

    starts = np.flatnonzero(_distinct_sorted(groups))
    sizes = np.diff(np.append(starts, len(groups)))
    return np.arange(len(groups)) - np.repeat(starts, sizes) < limit


class _Alphabet:
    """Digits of the characters of the old msgids, so that a 4-gram is one integer."""

    def __init__(self, chars: np.ndarray) -> None:
        import numpy as np

        seen = np.bincount(chars) if len(chars) else np.zeros(1, dtype=np.int64)
        known = np.flatnonzero(seen)
        # one digit per known character, the next one for all others; beyond
        # 55,107 distinct characters digits repeat and grams may collide, which
        # only adds shared grams to the ranking, never to the scores
        self.base = min(len(known) + 1, _MAX_BASE)
        self._unknown = len(known) % _MAX_BASE
        self._digits = np.full(len(seen), self._unknown, dtype=np.int64)
        self._digits[known] = np.arange(len(known)) % _MAX_BASE

    def grams(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text index, gram code, share of the text before it, in 1/2**20) of every 4-gram."""
        import numpy as np

        chars = _code_points(texts)
        if len(chars) < NGRAM:
            return (np.empty(0, dtype=np.int64),) * 3
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        table = self._digits
        digits = np.where(
            chars < len(table), table[np.minimum(chars, len(table) - 1)], self._unknown
        )
        base = self.base
        codes = digits[:-3] * base**3 + digits[1:-2] * base**2 + digits[2:-1] * base + digits[3:]
        owners = owner[:-3]
        inside = owners == owner[3:]  # the four characters belong to one text
        starts = np.cumsum(lengths) - lengths
        offsets = np.arange(len(codes)) - starts[owners]
        share = (offsets << 20) // np.maximum(lengths[owners] - NGRAM + 1, 1)
        return owners[inside], codes[inside], share[inside]

    def gram_pairs(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, gram code) of each distinct 4-gram of each text, sorted by (code, index)."""
        owners, codes, _ = self.grams(texts)
        order = _sort_by([(codes, self.base**4), (owners, len(texts))])
        codes, owners = codes[order], owners[order]
        distinct = _distinct_sorted(codes, owners)
        return owners[distinct], codes[distinct]


class FuzzyIndex:
    """The old msgids (with their contexts), indexed by character 4-grams."""

    def __init__(self, msgids: Sequence[str], contexts: Sequence[str | None] | None = None) -> None:
        import numpy as np

        self._msgids = list(msgids)
        self._contexts = list(contexts) if contexts is not None else [None] * len(self._msgids)
        self._plain = all(context is None for context in self._contexts)
        self._limit = examined(len(self._msgids))
        self._by_length: dict[int, list[int]] = {}  # for new msgids shorter than a 4-gram
        for index, msgid in enumerate(self._msgids):
            self._by_length.setdefault(len(msgid), []).append(index)
        self._alphabet = _Alphabet(_code_points(self._msgids))
        owners, codes = self._alphabet.gram_pairs(self._msgids)
        # Postings: the old msgids holding the i-th distinct gram self._codes[i] are
        # self._postings[self._starts[i] : self._starts[i + 1]], in catalog order.
        first = np.flatnonzero(_distinct_sorted(codes))
        self._codes = codes[first]
        self._starts = np.append(first, len(codes))
        self._postings = owners

    def best(self, msgid: str, msgctxt: str | None = None) -> int | None:
        """Index of the old msgid most similar to ``msgid`` (≥ FUZZY_THRESHOLD), or None."""
        return self.best_many([msgid], [msgctxt])[0]

    def best_many(
        self, msgids: Sequence[str], contexts: Sequence[str | None] | None = None
    ) -> list[int | None]:
        """:meth:`best` of each msgid; the 4-gram counting is done for all at once."""
        contexts = list(contexts) if contexts is not None else [None] * len(msgids)
        candidates = self._ranked(msgids)
        return [
            self._best_scored(msgid, msgctxt, found)
            for msgid, msgctxt, found in zip(msgids, contexts, candidates, strict=True)
        ]

    def _ranked(self, msgids: Sequence[str]) -> list[list[int]]:
        """Per new msgid, the old msgids to score, best-ranked first."""
        import numpy as np

        result: list[list[int]] = [self._short(m) if len(m) < NGRAM else [] for m in msgids]
        if not len(self._codes):
            return result
        queries, grams = self._rarest_grams(msgids)
        sizes = self._starts[grams + 1] - self._starts[grams]
        volume = np.cumsum(np.bincount(queries, weights=sizes, minlength=len(msgids)))
        first = 0
        while first < len(msgids):  # in blocks of about _BLOCK postings
            last = max(first + 1, int(np.searchsorted(volume, volume[first] + _BLOCK)))
            low, high = np.searchsorted(queries, [first, last])
            for query, found in self._count(queries[low:high], grams[low:high], sizes[low:high]):
                result[query] = found
            first = last
        return result

    def _rarest_grams(self, msgids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(query, gram) pairs: in each of RAREST_GRAMS stretches of a msgid, its rarest 4-gram.

        Only 4-grams the old msgids have count, and the rarest of each stretch:
        an edited sentence shares them with its original outside the edit.
        """
        import numpy as np

        queries, codes, share = self._alphabet.grams(msgids)
        grams = np.minimum(np.searchsorted(self._codes, codes), len(self._codes) - 1)
        hit = self._codes[grams] == codes
        queries, grams, stretch = queries[hit], grams[hit], (share[hit] * RAREST_GRAMS) >> 20
        sizes = self._starts[grams + 1] - self._starts[grams]
        order = _sort_by(
            [
                (queries, len(msgids)),
                (stretch, RAREST_GRAMS),
                (sizes, len(self._msgids) + 1),
                (grams, len(self._codes)),
            ]
        )
        queries, grams, stretch = queries[order], grams[order], stretch[order]
        first = _distinct_sorted(queries, stretch)
        queries, grams = queries[first], grams[first]
        order = _sort_by([(queries, len(msgids)), (grams, len(self._codes))])
        queries, grams = queries[order], grams[order]
        distinct = _distinct_sorted(queries, grams)
        return queries[distinct], grams[distinct]

    def _count(
        self, queries: np.ndarray, grams: np.ndarray, sizes: np.ndarray
    ) -> list[tuple[int, list[int]]]:
        """Old msgids sharing the most grams with each query: [(query, best-ranked first)]."""
        import numpy as np

        total = int(sizes.sum())
        if not total:
            return []
        offsets = np.repeat(self._starts[grams] - (np.cumsum(sizes) - sizes), sizes)
        old = self._postings[offsets + np.arange(total)]
        pairs = np.sort(np.repeat(queries, sizes) * len(self._msgids) + old)
        first = np.flatnonzero(_distinct_sorted(pairs))
        shared = np.diff(np.append(first, len(pairs)))  # grams each (query, old) pair shares
        who, old = np.divmod(pairs[first], len(self._msgids))
        # more shared grams first, then the earlier old msgid (msgmerge's order)
        order = _sort_by(
            [
                (who, int(who.max()) + 1),
                (RAREST_GRAMS - shared, RAREST_GRAMS),
                (old, len(self._msgids)),
            ]
        )
        who, old = who[order], old[order]
        keep = _first_of_groups(who, self._limit)
        who, old = who[keep], old[keep]
        bounds = np.flatnonzero(np.diff(who)) + 1
        return [
            (int(group[0]), part.tolist())
            for group, part in zip(np.split(who, bounds), np.split(old, bounds), strict=True)
            if len(group)
        ]

    def _short(self, msgid: str) -> list[int]:
        """Old msgids whose length allows a similarity ≥ 0.6 with a msgid under 4 characters."""
        size = len(msgid)
        low, high = math.ceil(size * 3 / 7), size * 7 // 3
        return sorted(i for n in range(low, high + 1) for i in self._by_length.get(n, ()))

    def _best_scored(self, msgid: str, msgctxt: str | None, candidates: list[int]) -> int | None:
        """Score ``candidates`` (in rank order) exactly; the best, msgmerge's bonus included."""
        if not candidates:
            return None
        if self._plain and msgctxt is None:
            return self._best_of(msgid, candidates)
        best: tuple[float, int] | None = None  # (-weight, rank position)
        for bonus in (True, False):
            members = [i for i in candidates if (self._contexts[i] in (None, msgctxt)) is bonus]
            found = self._best_of(msgid, members)
            if found is not None:
                weight = similarity(msgid, self._msgids[found]) + (CONTEXT_BONUS if bonus else 0)
                key = (-weight, candidates.index(found))
                best = key if best is None or key < best else best
        return None if best is None else candidates[best[1]]

    def _best_of(self, msgid: str, candidates: list[int]) -> int | None:
        """The first most similar of ``candidates``, if similar enough."""
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        found = process.extractOne(
            msgid,
            [self._msgids[i] for i in candidates],
            scorer=Indel.normalized_similarity,
            processor=None,
            score_cutoff=FUZZY_THRESHOLD - _SLACK,
        )
        if found is None or not reaches_threshold(msgid, found[0]):
            return None
        return candidates[found[2]]
