"""The synthetic word-by-word Argos package of pipeline.testing is a real, exact model."""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import ctranslate2
import pytest
import sentencepiece as spm

from pipeline.testing import (
    DEFAULT_GLOSSARY,
    build_test_package,
    build_test_package_dir,
    word_by_word,
)

DATA = Path(__file__).parent / "data"
EXAMPLE = "The peace process is fragile."
EXAMPLE_FR = "Le paix processus est fragile."
TOP = "translate-en_fr-1_0"


@pytest.fixture(scope="session")
def texts() -> list[str]:
    """The transcripts in tests/data plus the example sentence."""
    return [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))] + [EXAMPLE]


@pytest.fixture(scope="session")
def package_zip(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> Path:
    return build_test_package(tmp_path_factory.mktemp("zip"), training_texts=texts)


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory, package_zip: Path) -> Path:
    """The zip, extracted the way Argos Translate installs it."""
    root = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(package_zip) as zf:
        zf.extractall(root)
    return root / TOP


@pytest.fixture(scope="session")
def sp(package_dir: Path) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))


@pytest.fixture(scope="session", params=["int8", "float32"])
def translator(request: pytest.FixtureRequest, package_dir: Path) -> ctranslate2.Translator:
    return ctranslate2.Translator(str(package_dir / "model"), compute_type=request.param)


@pytest.fixture(scope="session")
def argos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """argostranslate.translate, imported with its settings directories in a temp dir."""
    home = tmp_path_factory.mktemp("argos-home")
    with pytest.MonkeyPatch.context() as mp:
        if "argostranslate.settings" not in sys.modules:
            for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
                mp.setenv(var, str(home / var.lower()))
        import argostranslate.translate

        yield argostranslate.translate


def translate(
    translator: ctranslate2.Translator,
    sp: spm.SentencePieceProcessor,
    sentences: list[str],
    **options: object,
) -> list[str]:
    """Translate like Argos does: pieces in, replace_unknowns, pieces decoded, ▁ as space."""
    options.setdefault("replace_unknowns", True)
    batch = [sp.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(batch, **options)
    return [sp.decode_pieces(r.hypotheses[0]).replace("\u2581", " ").strip() for r in results]


def transcript_sentences(limit_words: int = 60) -> list[str]:
    """Every non-empty line of the test transcripts, cut into chunks of at most limit_words."""
    chunks = []
    for path in sorted(DATA.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            for i in range(0, len(words), limit_words):
                chunks.append(" ".join(words[i : i + limit_words]))
    return chunks


def test_word_by_word_reference() -> None:
    assert word_by_word(EXAMPLE) == EXAMPLE_FR
    assert word_by_word("  NATO  and the Allies ") == "OTAN et le Alliés"
    assert word_by_word("peace", {"peace": "Frieden"}) == "Frieden"
    assert word_by_word("") == ""


def test_example_sentence(translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor):
    assert sp.encode(EXAMPLE, out_type=str) == ["▁The", "▁peace", "▁process", "▁is", "▁fragile."]
    assert translate(translator, sp, [EXAMPLE]) == [EXAMPLE_FR]


def test_words_outside_glossary_are_kept(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    sentence = "Tomorrow Heads of State and Government in NATO will meet here in Brussels."
    pieces = sp.encode(sentence, out_type=str)
    assert all(sp.piece_to_id(p) != sp.unk_id() for p in pieces)  # all in the vocabulary
    expected = "Tomorrow Heads de State et Government dans OTAN allons meet here dans Brussels."
    assert word_by_word(sentence) == expected
    assert translate(translator, sp, [sentence]) == [expected]


def test_unknown_words_are_copied_by_replace_unknowns(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    sentence = "The Zyxwvut process is Qwertyuiop fragile."
    ids = sp.encode(sentence)
    assert ids.count(sp.unk_id()) == 2
    assert translate(translator, sp, [sentence]) == ["Le Zyxwvut processus est Qwertyuiop fragile."]
    raw = translator.translate_batch([sp.encode(sentence, out_type=str)])[0].hypotheses[0]
    assert raw == ["▁Le", "<unk>", "▁processus", "▁est", "<unk>", "▁fragile."]


def test_transcripts_translate_exactly(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    sentences = transcript_sentences()
    assert len(sentences) > 50
    assert translate(translator, sp, sentences) == [word_by_word(s) for s in sentences]


def test_long_input_stays_aligned(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    words = " ".join(transcript_sentences(10_000)).split()[:600]
    sentence = " ".join(words)
    out = translate(translator, sp, [sentence], max_decoding_length=len(words) + 8)
    assert out == [word_by_word(sentence)]


def test_zip_layout_and_metadata(package_zip: Path) -> None:
    assert package_zip.name == f"{TOP}.argosmodel"
    with zipfile.ZipFile(package_zip) as zf:
        names = set(zf.namelist())
        metadata = json.loads(zf.read(f"{TOP}/metadata.json"))
        config = json.loads(zf.read(f"{TOP}/model/config.json"))
        vocab = json.loads(zf.read(f"{TOP}/model/shared_vocabulary.json"))
    assert {n.split("/")[0] for n in names} == {TOP}
    for name in ("metadata.json", "sentencepiece.model", "README.md", "model/model.bin"):
        assert f"{TOP}/{name}" in names
    assert metadata == {
        "package_version": "1.0",
        "argos_version": "1.5",
        "from_code": "en",
        "from_name": "English",
        "to_code": "fr",
        "to_name": "French",
        "type": "translate",
        "links": [],
    }
    assert config["add_source_eos"] is True
    assert vocab[:3] == ["<unk>", "<s>", "</s>"]
    assert "▁processus" in vocab and "▁fragile." in vocab


def test_vocabulary_matches_sentencepiece_ids(package_dir: Path, sp: spm.SentencePieceProcessor):
    vocab = json.loads((package_dir / "model" / "shared_vocabulary.json").read_text("utf-8"))
    assert vocab == [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def test_argos_package_loads(argos: ModuleType, package_dir: Path) -> None:
    from argostranslate.package import Package

    pkg = Package(package_dir)
    assert (pkg.from_code, pkg.to_code, pkg.package_version) == ("en", "fr", "1.0")
    assert pkg.type == "translate"
    assert "word by word" in (pkg.get_readme() or "")
    tokens = pkg.tokenizer.encode(EXAMPLE)
    assert tokens == ["▁The", "▁peace", "▁process", "▁is", "▁fragile."]
    assert pkg.tokenizer.decode(tokens).strip() == EXAMPLE


class _OneSentence:
    """Sentencizer stub: the whole text is one sentence (no SBD model needed)."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


@pytest.mark.parametrize(
    "text",
    [EXAMPLE, "We will also dedicate two memorials at our new headquarters.", "The Zyxwvut is."],
)
def test_argos_apply_packaged_translation(argos: ModuleType, package_dir: Path, text: str):
    from argostranslate.package import Package

    pkg = Package(package_dir)
    translator = ctranslate2.Translator(str(package_dir / "model"), compute_type="int8")
    hypotheses = argos.apply_packaged_translation(pkg, text, translator, _OneSentence())
    assert hypotheses[0].value == word_by_word(text)


def test_int8_quantized_package_and_custom_glossary(tmp_path: Path) -> None:
    glossary = {"cat": "chat", "black": "noir", "small": "petit"}
    path = build_test_package_dir(
        tmp_path,
        training_texts=["a small black cat sat", "the cat"],
        glossary=glossary,
        from_code="en",
        to_code="de",
        package_version="2.1",
        quantization="int8",
        file_name="custom",
    )
    assert path == tmp_path / "custom"
    assert json.loads((path / "metadata.json").read_text("utf-8"))["to_name"] == "German"
    sp = spm.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(path / "model"), compute_type="int8")
    sentence = "a small black cat sat on the mat"
    assert translate(translator, sp, [sentence]) == ["a petit noir chat sat on the mat"]
    with pytest.raises(FileExistsError):
        build_test_package_dir(tmp_path, training_texts=["x"], file_name="custom")


def test_build_is_deterministic(tmp_path: Path, package_zip: Path, texts: list[str]) -> None:
    again = build_test_package(tmp_path, training_texts=texts)
    assert again.read_bytes() == package_zip.read_bytes()
    other_seed = build_test_package(
        tmp_path, training_texts=texts, seed=1, file_name="s1.argosmodel"
    )
    assert other_seed.read_bytes() != package_zip.read_bytes()


@pytest.mark.parametrize("glossary", [{"two words": "x"}, {"a": ""}, {"a": "b c"}])
def test_glossary_entries_must_be_single_words(tmp_path: Path, glossary: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="single word"):
        build_test_package_dir(tmp_path, training_texts=["a b"], glossary=glossary)
    assert list(tmp_path.iterdir()) == []


def test_default_glossary_shape() -> None:
    required = {
        "The": "Le",
        "peace": "paix",
        "process": "processus",
        "is": "est",
        "the": "le",
        "and": "et",
        "of": "de",
        "we": "nous",
        "NATO": "OTAN",
    }
    for source, target in required.items():
        assert DEFAULT_GLOSSARY[source] == target
    assert len(DEFAULT_GLOSSARY) >= 30
