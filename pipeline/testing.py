"""Build a real, tiny Argos Translate package for tests and benchmarks, offline.

The package is a genuine ``.argosmodel`` zip: a CTranslate2 transformer plus a
SentencePiece tokenizer, exactly what Argos Translate and :mod:`pipeline.mt.engine`
load. Its weights are not trained but written by hand with numpy so that the
model translates *word by word* from a small glossary; its output is therefore
known in advance (:func:`word_by_word`) and tests can assert exact strings.

How the hand-made transformer works (pre-norm, ``d`` wide, heads of 64):

* The tokenizer is a SentencePiece ``word`` model: each space-separated word
  (punctuation attached) is one piece; a word outside the vocabulary becomes
  ``<unk>`` and CTranslate2's ``replace_unknowns`` copies the source word.
* The residual stream has three regions: a token code ``[r, -r]`` (``r`` a
  random unit vector per translation: a source piece carries the code of the
  piece it translates to), a 64-dim position code
  ``[sin, cos, -sin, -cos]`` and a copy region ``[c, -c]``. The mirrored halves
  keep every LayerNorm input at zero mean and (nearly) constant norm.
* Every sub-layer writes (almost) nothing to the residual, except the cross
  attention of the last decoder layer: its queries and keys read the position
  code, so decoder step ``t`` attends to source position ``t``; its values read
  the source token code and its output projection writes it into the copy region.
* The output projection row of target piece ``j`` is its code ``r_j``, so the
  argmax at step ``t`` is the translation of source word ``t``; words sharing
  a translation share a code and do not compete. ``</s>`` (appended to the source,
  ``add_source_eos``) copies to itself and ends the decoding.

Source position ``t`` is copied exactly for any length the position table
covers (2047 tokens plus ``</s>``; longer inputs make CTranslate2 raise). Note
CTranslate2's default ``max_decoding_length`` of 256 truncates longer outputs.

The sub-layers that do nothing still hold random weights (their output
projections tiny), so a "base" model costs what a real transformer-base Argos
model costs: no weight is all-zero and CTranslate2 cannot alias them away.

The module is longer than most (about 600 lines) because the weights of each
sub-layer, the tokenizer and the package's files only make sense together: split,
each part would have to explain the others' conventions.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.fsutil import atomic_open

if TYPE_CHECKING:
    import numpy as np

DEFAULT_GLOSSARY: dict[str, str] = {
    "The": "Le",
    "the": "le",
    "peace": "paix",
    "process": "processus",
    "is": "est",
    "are": "sont",
    "and": "et",
    "of": "de",
    "to": "à",
    "in": "dans",
    "we": "nous",
    "We": "Nous",
    "our": "nos",
    "will": "allons",
    "with": "avec",
    "for": "pour",
    "NATO": "OTAN",
    "Allies": "Alliés",
    "allies": "alliés",
    "Alliance": "Alliance",
    "security": "sécurité",
    "defence": "défense",
    "countries": "pays",
    "leaders": "dirigeants",
    "meeting": "réunion",
    "ministers": "ministres",
    "Secretary": "Secrétaire",
    "General": "Général",
    "cooperation": "coopération",
    "strong": "fort",
    "new": "nouveau",
    "also": "aussi",
    "today": "aujourd'hui",
    "Thank": "Merci",
    "you": "vous",
    "more": "plus",
}

Size = Literal["tiny", "base"]

_SPECIALS = ("<unk>", "<s>", "</s>")
_WORD_MARK = "\u2581"  # SentencePiece's "▁": a piece that starts a word
_POS_FREQS = 16  # position code: 16 frequencies -> 64 dims (sin, cos, -sin, -cos)
_POS_DIMS = 4 * _POS_FREQS
_POS_BASE = 40.0  # frequencies POS_BASE ** (-k / POS_FREQS), k = 0..15
_HEAD_DIM = 64
_ATTN_SCALE = 60.0  # cross-attention logit = ATTN_SCALE * sum_k cos((t - s) * w_k)
_LOGIT_SCALE = 30.0  # output logit of the right word (one source word per target)
_FILLER_WRITE = 1e-3  # relative size of what the "idle" sub-layers add to the residual
_LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}


@dataclass(frozen=True)
class _Dims:
    """Architecture of one model size."""

    d_model: int
    num_layers: int
    ffn_dim: int
    vocab_size: int  # CTranslate2 vocabulary padded to at least this many entries
    max_positions: int

    @property
    def num_heads(self) -> int:
        return self.d_model // _HEAD_DIM

    @property
    def code_dims(self) -> int:
        """Dims of the random token code ``r`` (the token and copy regions are twice this)."""
        return (self.d_model - _POS_DIMS) // 4


_SIZES: dict[str, _Dims] = {
    "tiny": _Dims(d_model=256, num_layers=1, ffn_dim=256, vocab_size=0, max_positions=2048),
    "base": _Dims(d_model=512, num_layers=6, ffn_dim=2048, vocab_size=32000, max_positions=2048),
}


def word_by_word(sentence: str, glossary: Mapping[str, str] = DEFAULT_GLOSSARY) -> str:
    """Return what the test model outputs for ``sentence`` (pure Python reference).

    Words are separated by ASCII spaces (runs of spaces collapse, as in the
    tokenizer); each word becomes ``glossary.get(word, word)``. Exact for
    sentences whose glossary words are in the model's vocabulary (they always
    are: the builder trains on the glossary); other words are copied unchanged.
    Argos's own decoder also turns ``_`` into a space, so avoid underscores.
    """
    return " ".join(glossary.get(word, word) for word in sentence.split(" ") if word)


LONG_TRANSCRIPT_HEADER = (
    "Press conference\n\nLarge archive transcript\n\nby NATO Secretary General\n\n"
    "* 18 Feb. 2021 -\n* Last updated: 18 Feb. 2021 18:22\n\n(As delivered)\n\n"
)


def write_long_transcript(path: Path, size: int, sentences: Sequence[str], seed: int = 0) -> int:
    """Write about ``size`` bytes of transcript to ``path``; return its size in bytes.

    A NATO header, then paragraphs of 1–3 of ``sentences`` (random, seeded)
    each ending with a numbered sentence of its own, so the catalogs grow with
    the file as they do with a real one. Written paragraph by paragraph: a
    200 MB file is never in memory (``bench/large_file.py``,
    ``tests/test_large_files.py``).
    """
    import random

    rng = random.Random(seed)
    total = 0
    with Path(path).open("w", encoding="utf-8") as out:
        out.write(LONG_TRANSCRIPT_HEADER)
        number = 0
        while total < size:
            number += 1
            paragraph = " ".join(rng.sample(sentences, rng.randint(1, 3)))
            paragraph += f" This is statement {number} of the session.\n\n"
            out.write(paragraph)
            total += len(paragraph.encode("utf-8"))
    return Path(path).stat().st_size


def build_test_package(dest_dir: Path, *, file_name: str | None = None, **spec: Any) -> Path:
    """Build a .argosmodel zip in dest_dir and return its path.

    ``spec`` takes the keywords of :func:`build_test_package_dir` (training
    texts, glossary, language pair, version, size, quantization, seed, logit
    scale). The zip
    holds one top-level directory (the file name without ``.argosmodel``) with
    metadata.json, model/, sentencepiece.model and README.md, as Argos
    Translate expects. An existing zip is replaced atomically.
    """
    pair_and_version = (
        spec.get("from_code", "en"),
        spec.get("to_code", "fr"),
        spec.get("package_version", "1.0"),
    )
    file_name = file_name or f"{_package_name(*pair_and_version)}.argosmodel"
    top = file_name.removesuffix(".argosmodel")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=dest_dir) as tmp:
        package_dir = build_test_package_dir(Path(tmp), file_name=top, **spec)
        zip_path = dest_dir / file_name
        _zip_directory(package_dir, zip_path, top)
    return zip_path


def build_test_package_dir(
    dest_dir: Path,
    *,
    training_texts: Iterable[str],
    glossary: Mapping[str, str] = DEFAULT_GLOSSARY,
    from_code: str = "en",
    to_code: str = "fr",
    package_version: str = "1.0",
    size: Size = "tiny",
    quantization: str | None = None,
    seed: int = 0,
    file_name: str | None = None,
    logit_scale: float = 1.0,
) -> Path:
    """Build the unzipped package directory and return it.

    The directory ``dest_dir / file_name`` (default ``translate-en_fr-1_0``)
    holds metadata.json, model/ (CTranslate2), sentencepiece.model and
    README.md. It is assembled beside its destination and renamed into place;
    raises FileExistsError if the destination already exists.

    ``logit_scale`` below 1 makes the model less sure of itself without
    changing what it outputs: every output logit is multiplied by it (a
    softmax temperature of ``1 / logit_scale``), so each step's best word stays
    the best, but with a probability below 1 that depends on how close other
    words' random codes are; sentences then get different scores (tests of MT
    confidence). At 1 the model is certain: every score is 0.
    """
    _check_glossary(glossary)
    if size not in _SIZES:
        raise ValueError(f"unknown test model size {size!r}; expected one of {sorted(_SIZES)}")
    dims = _SIZES[size]
    name = file_name or _package_name(from_code, to_code, package_version)
    dest_dir = Path(dest_dir)
    target = dest_dir / name
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=dest_dir))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; an installed package is not
        sp_model = _train_sentencepiece(training_texts, glossary)
        (tmp / "sentencepiece.model").write_bytes(sp_model)
        pieces = _sentencepiece_pieces(sp_model)
        spec = _build_spec(pieces, glossary, dims, seed, logit_scale)
        spec.validate()
        spec.optimize(quantization=quantization)
        (tmp / "model").mkdir()
        spec.save(str(tmp / "model"))
        metadata = _metadata(from_code, to_code, package_version)
        (tmp / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", "utf-8")
        (tmp / "README.md").write_text(_readme(metadata, size, glossary), "utf-8")
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


# --- package files -----------------------------------------------------------------


def _package_name(from_code: str, to_code: str, package_version: str) -> str:
    """Argos's usual package name, e.g. ``translate-en_fr-1_0``."""
    return f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"


def _language_name(code: str) -> str:
    """English name of a language code, for metadata.json."""
    if code in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[code]
    try:
        from babel import Locale

        return str(Locale.parse(code).english_name)
    except Exception:  # unknown to babel too: the code is name enough for a test model
        return code


def _metadata(from_code: str, to_code: str, package_version: str) -> dict[str, Any]:
    """The metadata.json Argos Translate reads."""
    return {
        "package_version": package_version,
        "argos_version": "1.5",
        "from_code": from_code,
        "from_name": _language_name(from_code),
        "to_code": to_code,
        "to_name": _language_name(to_code),
        "type": "translate",
        "links": [],
    }


def _readme(metadata: Mapping[str, Any], size: str, glossary: Mapping[str, str]) -> str:
    """README.md saying that this is a synthetic word-by-word model."""
    return (
        f"# Synthetic test model {metadata['from_code']} -> {metadata['to_code']} ({size})\n\n"
        "Built by pipeline.testing for tests and benchmarks; not a real translation model.\n"
        "It translates word by word: each space-separated word becomes its glossary entry,\n"
        f"or stays unchanged. Glossary size: {len(glossary)} entries.\n"
    )


def _zip_directory(package_dir: Path, zip_path: Path, top: str) -> None:
    """Zip ``package_dir`` under the single top-level folder ``top``, atomically."""
    files = sorted(p for p in package_dir.rglob("*") if p.is_file())
    with atomic_open(zip_path, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
        for path in files:
            arcname = f"{top}/{path.relative_to(package_dir).as_posix()}"
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            # Weights do not compress; the small text files do.
            info.compress_type = (
                zipfile.ZIP_STORED if path.name == "model.bin" else zipfile.ZIP_DEFLATED
            )
            zf.writestr(info, path.read_bytes())


# --- tokenizer ---------------------------------------------------------------------


def _check_glossary(glossary: Mapping[str, str]) -> None:
    """Glossary entries must be single words: each side becomes one SentencePiece piece."""
    for source, target in glossary.items():
        for word in (source, target):
            if not word or any(ch.isspace() for ch in word) or _WORD_MARK in word:
                raise ValueError(f"glossary entry {source!r} -> {target!r}: not a single word")


def _train_sentencepiece(training_texts: Iterable[str], glossary: Mapping[str, str]) -> bytes:
    """Train a SentencePiece ``word`` model whose vocabulary is every training word.

    The glossary's words are added to the training input so that glossary
    translations work whatever the texts, and so that targets are pieces too.
    """
    import sentencepiece as spm

    lines = [line for text in training_texts for line in text.splitlines() if line.strip()]
    lines += [" ".join(glossary.keys()), " ".join(glossary.values())]
    words = {word for line in lines for word in line.split(" ") if word}
    longest = max(len(word) for word in words) + 1
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        model_type="word",
        vocab_size=len(words) + len(_SPECIALS),
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        max_sentencepiece_length=max(16, longest),
        max_sentence_length=1 << 20,
        input_sentence_size=0,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def _sentencepiece_pieces(sp_model: bytes) -> list[str]:
    """The SentencePiece vocabulary in id order (``<unk>, <s>, </s>`` first)."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if tuple(pieces[: len(_SPECIALS)]) != _SPECIALS:
        raise RuntimeError(f"unexpected SentencePiece special pieces: {pieces[:3]}")
    return pieces


def _vocabulary(pieces: list[str], dims: _Dims) -> list[str]:
    """The CTranslate2 vocabulary: the pieces, padded with never-emitted dummies."""
    padding = [f"<dummy{i:05d}>" for i in range(max(0, dims.vocab_size - len(pieces)))]
    return pieces + padding


def _translation_ids(pieces: list[str], glossary: Mapping[str, str]) -> list[int]:
    """For each piece id, the id of the piece it translates to (specials map to themselves)."""
    index = {piece: i for i, piece in enumerate(pieces)}
    result = []
    for i, piece in enumerate(pieces):
        if i < len(_SPECIALS) or not piece.startswith(_WORD_MARK):
            result.append(i)
            continue
        word = piece[len(_WORD_MARK) :]
        target = _WORD_MARK + glossary.get(word, word)
        if target not in index:
            raise RuntimeError(f"glossary target piece {target!r} is not in the vocabulary")
        result.append(index[target])
    return result


# --- weights -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where each region of the residual stream lives."""

    dims: _Dims

    @property
    def code(self) -> int:
        return self.dims.code_dims

    @property
    def token(self) -> slice:
        return slice(0, 2 * self.code)

    @property
    def pos(self) -> slice:
        return slice(2 * self.code, 2 * self.code + _POS_DIMS)

    @property
    def copy(self) -> slice:
        start = 2 * self.code + _POS_DIMS
        return slice(start, start + 2 * self.code)

    def layer_norm_gain(self, squared_norm: float) -> float:
        """Factor a unit-gain LayerNorm applies to a zero-mean vector of this squared norm."""
        return math.sqrt(self.dims.d_model / squared_norm)


def _token_codes(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random unit vectors of ``k`` dims."""
    import numpy as np

    codes = rng.standard_normal((n, k)).astype(np.float32)
    return codes / np.linalg.norm(codes, axis=1, keepdims=True)


def _embeddings(codes: np.ndarray, layout: _Layout) -> np.ndarray:
    """Token embeddings ``[r, -r, 0, 0]`` (unit-norm r, so squared norm 2)."""
    import numpy as np

    table = np.zeros((codes.shape[0], layout.dims.d_model), np.float32)
    table[:, : layout.code] = codes
    table[:, layout.code : 2 * layout.code] = -codes
    return table


def _position_encodings(layout: _Layout) -> np.ndarray:
    """Position table ``[sin, cos, -sin, -cos] / 4`` in the position region (squared norm 2)."""
    import numpy as np

    positions = np.arange(layout.dims.max_positions, dtype=np.float64)[:, None]
    freqs = _POS_BASE ** (-np.arange(_POS_FREQS) / _POS_FREQS)
    angles = positions * freqs[None, :]
    code = np.concatenate([np.sin(angles), np.cos(angles)], axis=1) / 4.0
    table = np.zeros((layout.dims.max_positions, layout.dims.d_model), np.float32)
    table[:, layout.pos] = np.concatenate([code, -code], axis=1)
    return table


def _output_projection(
    codes: np.ndarray,
    translation: list[int],
    n_pieces: int,
    layout: _Layout,
    logit_scale: float = 1.0,
) -> np.ndarray:
    """Row ``j`` reads the copy region and scores how much it holds the code of target ``j``.

    Only targets that some real piece translates to get a row; the others
    (``<s>``, pieces the glossary translates away, dummies) score 0. Every
    logit is multiplied by ``logit_scale``.
    """
    import numpy as np

    produced = sorted({translation[i] for i in range(n_pieces) if i != 1})  # 1 is <s>
    # Final decoder LayerNorm input: token [r,-r] (2) + position (2) + copy [r,-r] (2).
    gain = layout.layer_norm_gain(6.0)
    scale = logit_scale * _LOGIT_SCALE / (2.0 * gain)
    weight = np.zeros((codes.shape[0], layout.dims.d_model), np.float32)
    copy = layout.copy
    weight[produced, copy.start : copy.start + layout.code] = scale * codes[produced]
    weight[produced, copy.start + layout.code : copy.stop] = -scale * codes[produced]
    return weight


def _set_layer_norm(spec: Any, d_model: int) -> None:
    """Unit gain, zero bias."""
    import numpy as np

    spec.gamma = np.ones(d_model, np.float32)
    spec.beta = np.zeros(d_model, np.float32)


def _filler(rng: np.random.Generator, rows: int, cols: int, scale: float = 1.0) -> np.ndarray:
    """Random weights with the usual 1/sqrt(fan_in) spread, times ``scale``."""
    import numpy as np

    return (rng.standard_normal((rows, cols)) * (scale / math.sqrt(cols))).astype(np.float32)


def _set_idle_attention(spec: Any, dims: _Dims, rng: np.random.Generator, fused: int) -> None:
    """An attention sub-layer with random projections whose output is negligible."""
    d = dims.d_model
    _set_layer_norm(spec.layer_norm, d)
    if fused == 3:
        spec.linear[0].weight = _filler(rng, 3 * d, d)
    else:
        spec.linear[0].weight = _filler(rng, d, d)
        spec.linear[1].weight = _filler(rng, 2 * d, d)
    # Residual entries are about 1/sqrt(d/4); keep this sub-layer's share tiny.
    spec.linear[-1].weight = _filler(rng, d, d, _FILLER_WRITE * 2 / math.sqrt(d))


def _set_idle_ffn(spec: Any, dims: _Dims, rng: np.random.Generator) -> None:
    """A feed-forward sub-layer with random weights whose output is negligible."""
    _set_layer_norm(spec.layer_norm, dims.d_model)
    spec.linear_0.weight = _filler(rng, dims.ffn_dim, dims.d_model)
    spec.linear_1.weight = _filler(
        rng, dims.d_model, dims.ffn_dim, _FILLER_WRITE * 2 / math.sqrt(dims.d_model)
    )


def _set_copy_attention(spec: Any, layout: _Layout) -> None:
    """Cross attention that copies the code of source token t into the copy region at step t.

    Inputs are LayerNorm outputs of ``[r, -r, p, 0]`` (squared norm 4), i.e.
    scaled by ``g = sqrt(d / 4)`` on both the decoder and the encoder side.
    """
    import numpy as np

    d, k = layout.dims.d_model, layout.code
    gain = layout.layer_norm_gain(4.0)
    _set_layer_norm(spec.layer_norm, d)
    pos = layout.pos
    # Query and key: every head reads the whole 64-dim position code. The dot
    # product of two position codes is S/8 with S = sum_k cos((t - s) w_k), and
    # CTranslate2 divides by sqrt(64): scale the query so the logit is ATTN_SCALE * S.
    query_scale = _ATTN_SCALE * 64.0 / (gain * gain)
    query = np.zeros((d, d), np.float32)
    key = np.zeros((d, d), np.float32)
    eye = np.eye(_POS_DIMS, dtype=np.float32)
    for head in range(layout.dims.num_heads):
        rows = slice(head * _HEAD_DIM, (head + 1) * _HEAD_DIM)
        query[rows, pos] = query_scale * eye
        key[rows, pos] = eye
    # Value: the source code r, spread over the heads' dims (all heads attend alike).
    value = np.zeros((d, d), np.float32)
    value[:k, :k] = np.eye(k, dtype=np.float32)
    # Output: write r (undoing the encoder LayerNorm gain) into the copy region as [r, -r].
    out = np.zeros((d, d), np.float32)
    copy = layout.copy
    out[copy.start : copy.start + k, :k] = np.eye(k, dtype=np.float32) / gain
    out[copy.start + k : copy.stop, :k] = -np.eye(k, dtype=np.float32) / gain
    spec.linear[0].weight = query
    spec.linear[1].weight = np.concatenate([key, value], axis=0)
    spec.linear[2].weight = out


def _build_spec(
    pieces: list[str],
    glossary: Mapping[str, str],
    dims: _Dims,
    seed: int,
    logit_scale: float = 1.0,
) -> Any:
    """The complete CTranslate2 TransformerSpec of the word-by-word model."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    layout = _Layout(dims)
    vocabulary = _vocabulary(pieces, dims)
    translation = _translation_ids(pieces, glossary)
    # Each target has a random code r; a source piece carries the code of its
    # translation, so words with the same translation do not compete.
    codes = _token_codes(len(vocabulary), layout.code, rng)
    source_codes = codes[translation + list(range(len(pieces), len(vocabulary)))]

    spec = TransformerSpec.from_config(dims.num_layers, dims.num_heads, pre_norm=True)
    spec.config.add_source_eos = True
    embeddings = _embeddings(source_codes, layout)
    positions = _position_encodings(layout)
    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = False
        side.position_encodings.encodings = positions
        _set_layer_norm(side.layer_norm, dims.d_model)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    for layer in spec.encoder.layer:
        _set_idle_attention(layer.self_attention, dims, rng, fused=3)
        _set_idle_ffn(layer.ffn, dims, rng)
    for i, layer in enumerate(spec.decoder.layer):
        _set_idle_attention(layer.self_attention, dims, rng, fused=3)
        if i == dims.num_layers - 1:
            _set_copy_attention(layer.attention, layout)
        else:
            _set_idle_attention(layer.attention, dims, rng, fused=2)
        _set_idle_ffn(layer.ffn, dims, rng)
    spec.decoder.projection.weight = _output_projection(
        codes, translation, len(pieces), layout, logit_scale
    )
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def install_demo_model(training_files: Iterable[Path] = ()) -> Path:
    """Build the word-by-word en→fr test model and install it into the model store.

    For ``make demo-offline``: shows the whole pipeline working on a machine
    that cannot download a real model. Its output is glossary lookups, not
    French, and its README says so.
    """
    from pipeline.mt.models import install_file

    texts = [Path(f).read_text(encoding="utf-8") for f in training_files]
    with tempfile.TemporaryDirectory() as tmp:
        package = build_test_package(Path(tmp), training_texts=texts or ["The peace process."])
        return install_file(package).path


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] != ["install-demo-model"]:
        sys.exit("usage: python -m pipeline.testing install-demo-model [TRAINING_TEXT...]")
    installed = install_demo_model(Path(arg) for arg in sys.argv[2:])
    print(f"installed the word-by-word TEST model (not a real translation model) in {installed}")
