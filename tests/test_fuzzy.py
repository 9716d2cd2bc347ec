"""Fuzzy matching: msgmerge's similarity, threshold, ranking and tie-breaking, with an index."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pipeline.gettext import fuzzy
from pipeline.gettext.fuzzy import FUZZY_THRESHOLD, FuzzyIndex, similarity

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from merge_speed import SentenceMaker  # noqa: E402


def _lcs(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for char in a:
        diagonal = 0
        for j, other in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if char == other else max(row[j], row[j - 1])
    return row[-1]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The peace process is fragile.", "The peace process is very fragile."),
        ("close", "c l o s e"),  # gettext's own example: 0.71, no common 2-gram
        ("abc", ""),
        ("Allies agreed.", "Les Alliés ont convenu."),
    ],
)
def test_similarity_is_fstrcmp(a: str, b: str) -> None:
    assert similarity(a, b) == pytest.approx(2 * _lcs(a, b) / (len(a) + len(b)))


def test_threshold_is_inclusive_and_unrelated_text_gets_nothing() -> None:
    index = FuzzyIndex(["abcdefghij"])
    assert similarity("abcdefXYZW", "abcdefghij") == pytest.approx(0.6)
    assert index.best("abcdefXYZW") == 0
    assert similarity("abcdeXYZWV", "abcdefghij") < FUZZY_THRESHOLD
    assert index.best("abcdeXYZWV") is None
    assert FuzzyIndex(["The peace process is fragile."]).best("Good afternoon.") is None


def test_best_candidate_wins_and_ties_go_to_the_earlier_one() -> None:
    old = ["We met in Brussels today.", "We met in Brussels on Monday.", "We met in Paris today."]
    index = FuzzyIndex(old)
    assert index.best("We met in Brussels on Tuesday.") == 1
    # "...Brussels today!" and "...Paris today." differ; equal scores go to the first
    twins = FuzzyIndex(["Allies met today X.", "Allies met today Y."])
    assert twins.best("Allies met today Z.") == 0
    reversed_twins = FuzzyIndex(["Allies met today Y.", "Allies met today X."])
    assert reversed_twins.best("Allies met today Z.") == 0


def test_context_bonus_prefers_no_or_same_context() -> None:
    old = ["Open the file.", "Open the file."]
    assert FuzzyIndex(old, ["menu", None]).best("Open the file!") == 1
    assert FuzzyIndex(old, ["menu", "toolbar"]).best("Open the file!", "toolbar") == 1
    assert FuzzyIndex(old, ["menu", "toolbar"]).best("Open the file!") == 0  # no bonus: first


def test_short_msgids_are_compared_by_length() -> None:
    index = FuzzyIndex(["Yes", "Oui", "No.", "A much longer sentence."])
    assert index.best("Ye") == 0  # 2 * 2 / 5 = 0.8
    assert index.best("No") == 2
    assert index.best("Xy") is None


def test_rare_grams_find_candidates_and_common_ones_still_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fuzzy, "RAREST_GRAMS", 1)
    old = [f"The Alliance will continue {n}." for n in range(10)] + ["The Alliance agrees."]
    index = FuzzyIndex(old)
    assert index.best("The Alliance will continue 7!") == 7  # "ue 7" is in one msgid only
    # only grams that every msgid has: all are candidates, equal scores go to the first
    assert index.best("The Alliance will continue.") == 0
    assert index.best("Nothing in common here at all") is None


def test_index_agrees_with_an_exhaustive_search() -> None:
    """On generated transcripts, every suggestion equals the one a full scan gives."""
    maker = SentenceMaker(seed=3)
    old = [maker.sentence() for _ in range(300)]
    rng = random.Random(3)
    new = [maker.edit(rng.choice(old)) if i % 3 == 0 else maker.sentence() for i in range(150)]
    index = FuzzyIndex(old)

    def exhaustive(msgid: str) -> int | None:
        scores = [similarity(msgid, candidate) for candidate in old]
        best = max(range(len(old)), key=lambda i: (scores[i], -i))
        return best if scores[best] >= FUZZY_THRESHOLD else None

    results = [(index.best(m), exhaustive(m)) for m in new]
    assert sum(a is not None for a, _ in results) >= 50  # the edits at least
    assert all(a == b for a, b in results)
