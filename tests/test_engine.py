"""Engine: real CTranslate2 translations with the test model, decoded exactly as Argos does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.mt.engine import Engine, EngineOptions, _best_cut
from pipeline.testing import word_by_word

SENTENCES = [
    "The peace process is fragile.",
    "Good afternoon.",
    "NATO Allies will continue to closely consult and coordinate in the coming weeks.",
    "Zyxwv is not a word anyone knows.",
    "And bring lasting peace.",
]


@pytest.fixture
def engine(model_store: Path) -> Engine:
    from pipeline.mt.models import require_model

    return Engine(require_model("en", "fr"), EngineOptions(threads=1))


def test_known_translation(engine: Engine) -> None:
    assert engine.translate(["The peace process is fragile."]) == ["Le paix processus est fragile."]
    assert engine.label == "argos en→fr 1.0"


def test_batch_equals_argostranslate_one_by_one(engine: Engine) -> None:
    """Same decoding as argostranslate.translate, sentence by sentence."""
    import ctranslate2
    from argostranslate.package import Package
    from argostranslate.translate import apply_packaged_translation

    class OneSentence:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    package = Package(engine.model.path)
    translator = ctranslate2.Translator(str(engine.model.model_dir))
    expected = [
        apply_packaged_translation(package, s, translator, OneSentence(), 1)[0].value
        for s in SENTENCES
    ]
    assert engine.translate(SENTENCES) == expected
    assert expected[0] == "Le paix processus est fragile."
    assert expected[3] == word_by_word(SENTENCES[3])  # unknown words copied (replace_unknowns)


def test_progress_counts_every_sentence(engine: Engine) -> None:
    seen: list[int] = []
    engine.translate(SENTENCES * 3, progress=seen.append)
    assert sum(seen) == 15


def test_long_sentence_is_split_not_truncated(model_store: Path) -> None:
    from pipeline.mt.models import require_model

    engine = Engine(require_model("en", "fr"), EngineOptions(threads=1, max_input_tokens=40))
    words = ("the peace process is fragile, and we remain committed to our mission; " * 30).split()
    sentence = " ".join(words)
    assert len(words) > 300
    (translated,) = engine.translate([sentence])
    assert translated == word_by_word(sentence)  # every word there, in order


def test_best_cut_prefers_clause_boundaries() -> None:
    text = "one two three four, five six seven eight nine ten"
    start, end = _best_cut(text)
    assert text[:start] == "one two three four,"
    assert _best_cut("nowhitespace") is None
