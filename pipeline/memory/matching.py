"""Looking sentences up in the translation memory: in-context, exact, then fuzzy.

For each sentence of a batch, the first of these that exists is returned:

1. *in-context exact*: the same source (same key, :func:`~pipeline.memory.text.sentence_key`)
   seen between the same previous and next sentences: the translation used
   in that place, typically the same passage of a renamed or moved document;
2. *exact*: the same source anywhere; where it was translated differently
   in several places, the most recently added translation, and the match
   says how many variants exist;
3. *fuzzy*: the most similar source at or above ``min_score`` percent.

Similarity is rapidfuzz's ``fuzz.ratio`` on the keys: the Indel
(insertions/deletions) similarity of the two character strings,
``100 × (1 − distance / (len(a) + len(b)))``. It is the measure behind
msgmerge's fuzzy matches and of the pipeline's own catalog merge
(``difflib.SequenceMatcher.ratio`` gives the same figure on similar sentences),
so "87 %" means here what it means in a ``#| msgid`` suggestion: one
changed word in a 12-word sentence scores about 90, a changed number in a
long sentence 97 or more, "Thank you." against "Thank you!" 90, two
unrelated sentences of similar length 40 to 55. A word-based score
(OmegaT's) would rate "Thank you." against "Thank you!" at 67 and punish
inflections ("Ally"/"Allies") as much as a different word; translators
correcting a suggestion edit characters, not tokens. Scores are rounded
down, so a 75 % threshold never lets a 74.6 % match through.

Fuzzy candidates come from the word index (FTS5, see
:mod:`pipeline.memory.database`), never from a scan, and at most
:data:`MAX_CANDIDATES` are read and scored per sentence. A sentence similar
enough to be a 75 % match shares most of its words, rare ones included, so
the index is asked for the sentences holding at least two of the query's
rarest words: as many of its :data:`MAX_INDEX_WORDS` rarest words as keep
the expected number of *unrelated* sentences holding two of them by chance
(from each word's document frequency) under half of :data:`MAX_CANDIDATES`.
If none of those scores high enough, a second query covers the similar
sentence whose rarest words are the edited ones: sentences holding all of
the next rarest words. Both are answered inside SQLite.
rapidfuzz (C++) is imported only when a fuzzy lookup runs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from pipeline.errors import UserError
from pipeline.gettext.states import MEMORY_PREFIX
from pipeline.memory.store import TranslationMemory, guarded
from pipeline.memory.text import index_words, neighbour_hash, sentence_key

DEFAULT_MIN_SCORE = 75
MAX_INDEX_WORDS = 6  # rarest words of a query whose index entries are read
MAX_CANDIDATES = 100  # memory sentences scored per query, at most
#: Our extracted-comment line for a memory match: gettext.states reads entries by it.
COMMENT_PREFIX = MEMORY_PREFIX


class MatchKind(str, Enum):
    CONTEXT = "context"
    EXACT = "exact"
    FUZZY = "fuzzy"


class Query(NamedTuple):
    """A sentence to look up, with its neighbours in the catalog (None: none)."""

    source: str
    previous: str | None = None
    next: str | None = None


@dataclass(frozen=True)
class Match:
    """A translation found in the memory for one sentence."""

    target: str
    kind: MatchKind
    score: int  # percent: 100 for context and exact matches
    origin: str  # "briefing.po:48", "clients.tmx:12" or "clients.tmx"
    source: str  # the memory's source sentence (for ``#| msgid`` on a fuzzy match)
    variants: int  # distinct translations of that source in the memory (1: no variants)

    @property
    def comment(self) -> str:
        """The extracted-comment line recording where the translation came from."""
        if self.kind is MatchKind.FUZZY:
            what = f"{self.score}% match"
        elif self.kind is MatchKind.CONTEXT:
            what = "in-context exact match"
        else:
            what = "exact match"
        return f"{COMMENT_PREFIX}{what}, {self.origin}"


@guarded
def lookup(
    memory: TranslationMemory,
    source_language: str,
    target_language: str,
    queries: Sequence[Query | str],
    min_score: int = DEFAULT_MIN_SCORE,
    fuzzy: bool = True,
) -> list[Match | None]:
    """The best match for each query (a :class:`Query` or a plain sentence), in order.

    One call per run and language: sentences repeated in the batch are
    looked up once. ``fuzzy=False`` returns in-context and exact matches only.
    """
    if not 1 <= min_score <= 100:
        raise UserError(f"fuzzy match threshold {min_score}: expected a percentage from 1 to 100")
    search = _Search(memory, source_language, target_language, min_score if fuzzy else None)
    seen: dict[Query, Match | None] = {}
    results = []
    for query in queries:
        query = Query(query) if isinstance(query, str) else query
        if query not in seen:
            seen[query] = search.match(query)
        results.append(seen[query])
    return results


class _Search:
    """Lookups for one language pair on one open memory."""

    def __init__(
        self, memory: TranslationMemory, source: str, target: str, min_score: int | None
    ) -> None:
        self.db = memory.db
        self.memory = memory
        self.source_language = source
        self.target_language = target
        self.min_score = min_score
        self._segment_count: int | None = None

    def match(self, query: Query) -> Match | None:
        key = sentence_key(query.source)
        if not key:
            return None
        found = self.memory.find_segment(self.source_language, key)
        if found is not None:
            match = self._exact(found[0], found[1] or key, query)
            if match is not None:
                return match
        return self._fuzzy(key) if self.min_score is not None else None

    # -- exact -------------------------------------------------------------

    def _exact(self, segment_id: int, source: str, query: Query) -> Match | None:
        units = self._units(segment_id)
        if not units:
            return None
        context = self._in_context(segment_id, query)
        if context is not None:
            target, origin = context
            return Match(target, MatchKind.CONTEXT, 100, origin, source, len(units))
        unit_id, target = units[0]
        return Match(target, MatchKind.EXACT, 100, self._origin(unit_id), source, len(units))

    def _units(self, segment_id: int) -> list[tuple[int, str]]:
        """(id, target) of the segment's translations, most recent first."""
        return self.db.execute(
            "SELECT id, target FROM units WHERE segment_id=? AND language=? "
            "ORDER BY updated DESC, id DESC",
            (segment_id, self.target_language),
        ).fetchall()

    def _in_context(self, segment_id: int, query: Query) -> tuple[str, str] | None:
        """(target, origin) of the latest occurrence between the query's neighbours."""
        previous, following = neighbour_hash(query.previous), neighbour_hash(query.next)
        if previous is None and following is None:
            return None  # no context given: nothing to compare
        row = self.db.execute(
            "SELECT u.target, f.name, o.line FROM units u "
            "JOIN occurrences o ON o.unit_id = u.id JOIN files f ON f.id = o.file_id "
            "WHERE u.segment_id=? AND u.language=? AND o.previous_hash IS ? AND o.next_hash IS ? "
            "ORDER BY o.added DESC, o.id DESC LIMIT 1",
            (segment_id, self.target_language, previous, following),
        ).fetchone()
        return (row[0], _where(row[1], row[2])) if row else None

    def _origin(self, unit_id: int) -> str:
        name, line = self.db.execute(
            "SELECT f.name, o.line FROM occurrences o JOIN files f ON f.id = o.file_id "
            "WHERE o.unit_id=? ORDER BY o.added DESC, o.id DESC LIMIT 1",
            (unit_id,),
        ).fetchone()
        return _where(name, line)

    # -- fuzzy -------------------------------------------------------------

    def _fuzzy(self, key: str) -> Match | None:
        """The best match among the candidates of the first tier that has one."""
        seen: set[int] = set()
        for ids in self._candidate_tiers(key):
            candidates = self._scorable([i for i in ids if i not in seen])
            seen.update(ids)
            match = self._best(key, candidates)
            if match is not None:
                return match
        return None

    def _best(self, key: str, candidates: dict[int, tuple[str, str | None]]) -> Match | None:
        from rapidfuzz import fuzz, process

        assert self.min_score is not None
        scored = process.extract(
            key,
            {segment_id: stored for segment_id, (stored, _) in candidates.items()},
            scorer=fuzz.ratio,
            score_cutoff=self.min_score,
            limit=None,
        )
        best = max(((math.floor(s), segment_id) for _, s, segment_id in scored), default=None)
        if best is None or best[0] < self.min_score:
            return None
        score, segment_id = best
        units = self._units(segment_id)
        stored, text = candidates[segment_id]
        unit_id, target = units[0]
        origin = self._origin(unit_id)
        return Match(target, MatchKind.FUZZY, score, origin, text or stored, len(units))

    def _candidate_tiers(self, key: str) -> Iterator[list[int]]:
        """Candidate segment ids, in two tiers (the second is read only if the first fails).

        1. Sentences with at least two of the query's rarest words: as many
           words (up to MAX_INDEX_WORDS) as keep the expected number of
           unrelated sentences sharing two of them by chance under half of
           MAX_CANDIDATES; three, four… of them while that is too many.
        2. Sentences with all of the next rarest words, as few as make chance
           matches rare: the similar sentence whose two rarest words are
           the ones that were edited.
        """
        words = index_words(key)
        frequency = dict(
            self.db.execute(
                f"SELECT word, segments FROM words WHERE word IN ({','.join('?' * len(words))})",
                words,
            )
        )
        known = sorted((w for w in words if w in frequency), key=frequency.__getitem__)
        if len(known) < 2:
            yield self._segments_with(_all_of(known)) if known else []
            return
        if self._segment_count is None:
            self._segment_count = self.db.execute("SELECT max(id) FROM segments").fetchone()[0]
        total, few = max(self._segment_count or 1, 1), MAX_CANDIDATES / 2
        rare = known[:2]
        for word in known[2:MAX_INDEX_WORDS]:
            if _chance([frequency[w] for w in (*rare, word)], 2, total) > few:
                break
            rare.append(word)
        yield self._sharing(rare, 2)
        rest = known[2:]
        if rest:
            group = rest[:1]
            for word in rest[1:MAX_INDEX_WORDS]:
                if _chance([frequency[w] for w in group], len(group), total) <= few:
                    break
                group.append(word)
            yield self._segments_with(_all_of(group))

    def _sharing(self, words: list[str], least: int) -> list[int]:
        """Segments with at least ``least`` of ``words`` (one more, while too many)."""
        ids: list[int] = []
        for size in range(least, len(words) + 1):
            groups = itertools.combinations(words, size)
            found = self._segments_with(" OR ".join(f"({_all_of(g)})" for g in groups))
            if len(found) < MAX_CANDIDATES:
                return list(dict.fromkeys([*found, *ids]))[:MAX_CANDIDATES]
            ids = found
        return ids

    def _segments_with(self, expression: str) -> list[int]:
        """The first MAX_CANDIDATES segments matching an FTS5 query (in id order)."""
        return [
            segment_id
            for (segment_id,) in self.db.execute(
                "SELECT rowid FROM segment_words WHERE segment_words MATCH ? LIMIT ?",
                (expression, MAX_CANDIDATES),
            )
        ]

    def _scorable(self, ids: list[int]) -> dict[int, tuple[str, str | None]]:
        """Those of ``ids`` in the source language that have a translation in the target one."""
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, key, text FROM segments s WHERE id IN ({','.join('?' * len(ids))}) "
            "AND language=? AND EXISTS (SELECT 1 FROM units u "
            "WHERE u.segment_id = s.id AND u.language = ?)",
            [*ids, self.source_language, self.target_language],
        )
        return {segment_id: (stored, text) for segment_id, stored, text in rows}


def _chance(frequencies: list[int], least: int, total: int) -> float:
    """About how many of ``total`` unrelated sentences hold ``least`` of words this frequent."""
    return total * sum(
        math.prod(f / total for f in group) for group in itertools.combinations(frequencies, least)
    )


def _all_of(words: Sequence[str]) -> str:
    return " AND ".join(f'"{w}"' for w in words)


def _where(name: str, line: int | None) -> str:
    return f"{name}:{line}" if line else name
