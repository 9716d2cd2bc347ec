"""Machine-translation scores and confidence: engine, pivot, MT cache, PO comment.

Scores come from real CTranslate2 decoding of the test model built unsure of itself
(``unsure_model_store``: same output as the usual test model, token probabilities
below 1), and are checked against CTranslate2's own ``score_batch`` of the output.
"""

from __future__ import annotations

import math
import sqlite3
import tempfile
from pathlib import Path

import pytest

from pipeline.gettext.provenance import machine_comment
from pipeline.mt.cache import SCHEMA_VERSION, TranslationCache
from pipeline.mt.confidence import confidence, low_confidence_threshold, parse_machine_comment
from pipeline.mt.engine import Engine, EngineOptions, Route, ScoredTranslation, mean_score
from pipeline.testing import build_test_package_dir, word_by_word

SENTENCES = [
    "The peace process is fragile.",
    "Good afternoon.",
    "NATO Allies will continue to closely consult and coordinate in the coming weeks.",
    "Zyxwv is not a word anyone knows.",
    "peace",
]


@pytest.fixture
def engine(unsure_model_store: Path) -> Engine:
    from pipeline.mt.models import require_model

    return Engine(require_model("en", "fr"), EngineOptions(threads=1))


def reference_scores(engine: Engine, sources: list[str], outputs: list[str]) -> list[list[float]]:
    """Per-token log-probabilities CTranslate2's score_batch gives the outputs (with </s>)."""
    tokenizer = engine._tokenizer
    results = engine._translator.score_batch(
        [tokenizer.encode(s) for s in sources], [tokenizer.encode(t) for t in outputs]
    )
    return [r.log_probs for r in results]


def test_scores_are_the_mean_log_probability_per_token(engine: Engine) -> None:
    scored = engine.translate_scored(SENTENCES)
    assert [s.text for s in scored] == [word_by_word(s) for s in SENTENCES]  # output unchanged
    reference = reference_scores(engine, SENTENCES, [s.text for s in scored])
    for result, log_probs in zip(scored, reference, strict=True):
        assert result.score == pytest.approx(sum(log_probs) / len(log_probs), rel=1e-3)
    assert all(s.score < 0 for s in scored)
    assert len({round(s.score, 4) for s in scored}) == len(SENTENCES)  # they differ


def test_translate_stream_still_yields_plain_text(engine: Engine) -> None:
    streamed = dict(engine.translate_stream(SENTENCES))
    assert streamed == {i: word_by_word(s) for i, s in enumerate(SENTENCES)}


def test_split_sentence_gets_the_token_weighted_mean(unsure_model_store: Path) -> None:
    from pipeline.mt.models import require_model

    model = require_model("en", "fr")
    clauses = ["the peace process is fragile, and we remain committed"] * 2
    sentence = "; ".join(clauses[:1]) + "; " + "our security and defence are key for Allies"
    small = Engine(model, EngineOptions(threads=1, max_input_tokens=10))
    (whole,) = small.translate_scored([sentence])
    pieces = [text for text, _ in small._split(sentence)]
    assert len(pieces) > 1
    outputs = [word_by_word(p) for p in pieces]
    reference = reference_scores(small, pieces, outputs)
    expected = sum(map(sum, reference)) / sum(map(len, reference))
    assert whole.text == word_by_word(sentence)
    assert whole.score == pytest.approx(expected, rel=1e-3)
    assert mean_score([(-1.0, 1), (-2.0, 3)]) == pytest.approx(-0.75)
    assert mean_score([]) is None


def test_pivot_route_adds_the_scores_of_its_steps(tmp_path: Path, monkeypatch) -> None:
    from pipeline.mt.models import require_model

    for source, target in (("en", "de"), ("de", "fr")):
        build_test_package_dir(
            tmp_path,
            training_texts=["The peace process is fragile."],
            from_code=source,
            to_code=target,
            logit_scale=0.15,
        )
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path))
    first, second = require_model("en", "de"), require_model("de", "fr")
    options = EngineOptions(threads=1)
    sentence = "The peace process is fragile."
    (step1,) = Engine(first, options).translate_scored([sentence])
    (step2,) = Engine(second, options).translate_scored([step1.text])
    [(index, pivoted)] = list(
        Route((first, second)).open(options).translate_scored_stream([sentence])
    )
    assert pivoted.text == step2.text
    assert pivoted.score == pytest.approx(step1.score + step2.score)
    assert confidence(pivoted.score) == pytest.approx(
        confidence(step1.score) * confidence(step2.score)
    )


# -- the mapping and the comment ----------------------------------------------------


def test_confidence_is_exp_of_the_score_and_monotonic() -> None:
    assert confidence(0.0) == 1.0
    assert confidence(math.log(0.5)) == pytest.approx(0.5)
    assert confidence(None) is None and confidence(math.nan) is None
    assert confidence(0.1) == 1.0  # never above 1
    values = [confidence(s) for s in (-5.0, -1.0, -0.5, -0.1, 0.0)]
    assert values == sorted(values) and values[0] > 0


def test_comment_with_confidence_and_parsing_old_and_new_forms() -> None:
    score = math.log(0.62)
    assert machine_comment("argos en→fr 1.9", confidence(score)) == (
        "machine translation: argos en→fr 1.9, confidence 0.62"
    )
    assert machine_comment("argos en→fr 1.9", None) == "machine translation: argos en→fr 1.9"
    new = parse_machine_comment("paragraph\nmachine translation: argos en→fr 1.9, confidence 0.62")
    assert (new.label, new.model_version, new.confidence) == ("argos en→fr 1.9", "1.9", 0.62)
    old = parse_machine_comment("machine translation: argos en→fr 1.9")
    assert (old.label, old.target_language, old.confidence) == ("argos en→fr 1.9", "fr", None)
    assert parse_machine_comment("paragraph") is None


def test_parsed_cache_key_is_the_routes(package_file, tmp_path: Path, monkeypatch) -> None:
    import zipfile

    from pipeline.mt.models import require_model

    store = tmp_path / "store"
    for pair in (("en", "de", "1.0"), ("de", "fr", "1.1"), ("en", "fr", "1.0")):
        with zipfile.ZipFile(package_file(*pair)) as archive:
            archive.extractall(store)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(store))
    direct = Route((require_model("en", "fr"),))
    pivot = Route((require_model("en", "de"), require_model("de", "fr")))
    for route in (direct, pivot):
        parsed = parse_machine_comment(machine_comment(route.label, confidence(-0.3)))
        assert parsed.cache_key == route.cache_key
        assert parsed.label == route.label


def test_low_confidence_threshold_marks_the_lowest_share() -> None:
    values = [0.9, 0.2, 0.5, None, 0.7, 0.95, 0.8, 0.6, 0.3, 0.85, 0.75, 0.65]
    threshold = low_confidence_threshold(values, share=0.1)
    assert threshold == 0.2  # 11 known values: the lowest one
    assert low_confidence_threshold(values, share=0.25) == 0.3  # floor(2.75) = 2 values
    assert low_confidence_threshold(values, share=0.3) == 0.5
    assert low_confidence_threshold([None]) is None
    assert low_confidence_threshold([0.8, 0.8, 0.8], share=0.1) is None  # nothing stands out


# -- the MT cache ---------------------------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE translations (
    engine TEXT NOT NULL, model_version TEXT NOT NULL, source_language TEXT NOT NULL,
    target_language TEXT NOT NULL, source_key TEXT NOT NULL, translation TEXT NOT NULL,
    PRIMARY KEY (engine, model_version, source_language, target_language, source_key)
) WITHOUT ROWID
"""


def test_cache_stores_scores_and_migrates_an_old_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "mt-cache.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute(OLD_SCHEMA)
        old.execute(
            "INSERT INTO translations VALUES (?,?,?,?,?,?)",
            ("argos", "1.9", "en", "fr", "Good afternoon.", "Bonjour."),
        )
    with TranslationCache(path, "argos", "1.9", "en", "fr") as cache:
        assert cache.lookup_scored(["Good afternoon."]) == {
            "Good afternoon.": ScoredTranslation("Bonjour.", None)
        }
        cache.store_scored([("The peace process is fragile.", "Le processus.", -0.25)])
        cache.store([("Thank you.", "Merci.")])
        found = cache.lookup_scored(["The peace process is fragile.", "Thank you.", "Unknown."])
        assert found == {
            "The peace process is fragile.": ScoredTranslation("Le processus.", -0.25),
            "Thank you.": ScoredTranslation("Merci.", None),
        }
        assert cache.lookup(["Good afternoon."]) == {"Good afternoon.": "Bonjour."}
    with TranslationCache(path, "argos", "1.9", "en", "fr") as again:  # idempotent
        assert again.lookup_scored(["The peace process is fragile."])[
            "The peace process is fragile."
        ].score == pytest.approx(-0.25)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [row[1] for row in con.execute("PRAGMA table_info(translations)")]
        assert columns[-1] == "score"


def test_new_cache_has_the_score_column(tmp_path: Path) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "c.sqlite3"
    with TranslationCache(path, "a", "1", "en", "fr"):
        pass
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(translations)")}
    assert "score" in columns
