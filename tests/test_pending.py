"""PendingSentences: the on-disk set of distinct sentences a run must translate."""

from __future__ import annotations

from pathlib import Path

from pipeline.mt.engine import ScoredTranslation
from pipeline.mt.pending import PendingSentences


def test_deduplicates_keeps_first_seen_order_and_chunks(tmp_path: Path) -> None:
    with PendingSentences(tmp_path) as pending:
        pending.add(["b", "a", "b"])
        pending.add(["c", "a", "d", "e"])
        assert len(pending) == 5
        assert list(pending.chunks(2)) == [["b", "a"], ["c", "d"], ["e"]]
        assert list(pending.chunks(10)) == [["b", "a", "c", "d", "e"]]


def test_translations_recorded_while_iterating_untranslated(tmp_path: Path) -> None:
    with PendingSentences(tmp_path) as pending:
        pending.add(f"sentence {i}" for i in range(7))
        pending.set_translations([("sentence 1", "phrase 1"), ("unknown", "ignored")])
        assert pending.untranslated() == 6
        seen = []
        for chunk in pending.chunks(4, untranslated_only=True):
            seen.append(chunk)
            pending.set_translations((s, s.replace("sentence", "phrase")) for s in chunk)
        assert seen == [
            ["sentence 0", "sentence 2", "sentence 3", "sentence 4"],
            ["sentence 5", "sentence 6"],
        ]
        assert pending.untranslated() == 0
        assert pending.translation("sentence 6") == "phrase 6"
        assert pending.translation("unknown") is None
        assert list(pending.chunks(4, untranslated_only=True)) == []


def test_unicode_and_scratch_file_removed_on_close(tmp_path: Path) -> None:
    pending = PendingSentences(tmp_path)
    text = "L’OTAN : « oui » — 北约\u00a0✓"
    pending.add([text, "x" * 100_000])
    pending.set_translations([(text, "NATO")])
    assert pending.translation(text) == "NATO"
    assert list(pending.chunks(1, untranslated_only=True)) == [["x" * 100_000]]
    assert any(tmp_path.iterdir())
    pending.close()
    assert not any(tmp_path.iterdir())


def test_scores_travel_with_translations(tmp_path: Path) -> None:
    with PendingSentences(tmp_path) as pending:
        pending.add(["a", "b", "c"])
        pending.set_scored_translations([("a", "A", -0.5), ("b", "B", None)])
        pending.set_translations([("c", "C")])
        assert pending.scored_translation("a") == ScoredTranslation("A", -0.5)
        assert pending.scored_translation("b") == ScoredTranslation("B", None)
        assert pending.translation("c") == "C" and pending.scored_translation("c").score is None
        assert pending.scored_translation("unknown") is None
