"""Source-language detection on real transcripts and short texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.text.detect import (
    CONFIDENT,
    UNDETERMINED,
    Detection,
    body_sample,
    detect_document_language,
    detect_language,
    is_confident,
    known_languages,
)
from pipeline.text.document import Block, BlockKind, Document
from pipeline.text.ingest import ingest_file

DATA = Path(__file__).parent / "data"
FRENCH = DATA / "nato-2019-04-03-congress-fr.txt"
ENGLISH = sorted(p for p in DATA.glob("nato-*.txt") if p != FRENCH)
SIX = ["en", "fr", "de", "es", "it", "pt"]


def test_the_french_transcript_is_french_even_when_declared_english() -> None:
    document = ingest_file(FRENCH, language="en")  # what a fixed --from en reads it as
    detection = detect_document_language(document)
    assert detection.language == "fr"
    assert detection.confidence > 0.999
    assert is_confident(detection)


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_english_transcripts_are_english(path: Path) -> None:
    detection = detect_document_language(ingest_file(path))
    assert detection.language == "en"
    assert is_confident(detection)


def test_candidates_keep_the_callers_spelling() -> None:
    document = ingest_file(FRENCH)
    assert detect_document_language(document, ["en_GB", "fr-FR"]).language == "fr-FR"
    assert detect_language("Vielen Dank für Ihre Frage.", ["xx", "de_AT"]).language == "de_AT"
    assert detect_language("Vielen Dank für Ihre Frage.", ["xx"]).language == "de"  # none known


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thank you very much for your question.", "en"),
        ("Next question, please.", "en"),
        ("Merci beaucoup pour votre question.", "fr"),
        ("Les Alliés ont décidé de renforcer leur présence.", "fr"),
        ("Die Lage vor Ort bleibt sehr schwierig.", "de"),
        ("Wo ist der Bahnhof?", "de"),
        ("La situación sobre el terreno sigue siendo muy difícil.", "es"),
        ("¿Dónde está la estación?", "es"),
        ("La situazione sul terreno resta molto difficile.", "it"),
        ("Buongiorno a tutti.", "it"),
        ("A situação no terreno continua muito difícil.", "pt"),
        ("Muito obrigado.", "pt"),
    ],
)
def test_short_texts_among_six_languages(text: str, language: str) -> None:
    detection = detect_language(text, SIX)
    assert detection.language == language
    assert 0 < detection.confidence <= 1


def test_restricting_candidates_always_answers_one_of_them() -> None:
    german = "Die Minister haben sich heute in Brüssel getroffen."
    free = detect_language(german)
    forced = detect_language(german, ["en", "fr"])
    assert free.language == "de" and is_confident(free)
    assert forced.language in ("en", "fr")
    assert forced.confidence < free.confidence


def test_a_one_word_text_is_not_confident() -> None:
    detection = detect_language("Merci.")
    assert not is_confident(detection)
    assert detection.confidence < CONFIDENT


@pytest.mark.parametrize("text", ["", "   ", "2019 - 12:30", "• | —"])
def test_text_without_letters_is_undetermined(text: str) -> None:
    assert detect_language(text) == Detection(UNDETERMINED, 0.0)
    assert not is_confident(detect_language(text), threshold=0.0)


def test_body_sample_skips_the_header_and_short_lines() -> None:
    document = ingest_file(FRENCH)
    sample = body_sample(document)
    assert sample.startswith("Mesdames et messieurs les membres du Congrès des États-Unis,\nJe")
    assert "Madame la Présidente," not in sample  # a salutation: too short to tell
    assert "L’OTAN : un atout pour l’Europe" not in sample  # the title
    assert "Jens Stoltenberg, devant le Congrès" not in sample  # the by-line
    assert "Mesdames, Messieurs," not in sample  # a salutation: too short to tell
    short = body_sample(document, max_chars=100)
    assert len(short) <= 100
    assert sample.startswith(short) and sample[len(short)] in " \n"  # cut between words


def test_body_sample_falls_back_when_every_line_is_short() -> None:
    blocks = [
        Block(BlockKind.TITLE, "Press conference", 1, 0),
        Block(BlockKind.PARAGRAPH, "Thank you.", 3, 1),
        Block(BlockKind.PARAGRAPH, "Questions?", 4, 1),
    ]
    document = Document("x", "x.txt", "en", blocks=blocks)
    assert body_sample(document) == "Thank you.\nQuestions?"
    only_title = Document("y", "y.txt", "en", blocks=blocks[:1])
    assert body_sample(only_title) == "Press conference"


def test_known_languages() -> None:
    known = known_languages()
    assert {"en", "fr", "de", "es", "it", "pt", "zh", "ar"} <= set(known)
    assert "zxx" not in known
