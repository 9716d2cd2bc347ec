"""Machine translation: an Argos package's CTranslate2 model driven directly.

We do not call ``argostranslate.translate``: its sentence splitter downloads
models at run time and it translates one paragraph at a time. Sentences come
already segmented, so all of them go to CTranslate2 together, sorted by length
and grouped in token-bounded batches, with exactly Argos's decoding settings
(beam 4, length penalty 0.2, unknown-token replacement, the package's target
prefix) so that each sentence translates as ``argostranslate`` would
translate it alone.

CTranslate2 silently truncates inputs over ``max_input_length`` tokens, and
decoding stops at ``max_decoding_length``; a sentence longer than
:attr:`Engine.max_input_tokens` is therefore split at safe points (clause
punctuation, then spaces) into pieces that are translated and rejoined.

Scores: every translation comes with the model's *normalised log-probability*
(:class:`ScoredTranslation`). With ``return_scores=True`` (which only keeps a
number beam search computes anyway) CTranslate2 returns the cumulated token
log-probability divided by ``length ** length_penalty`` (its
``finalize_hypothesis_score``; CTranslate2 4.x counts the end-of-sentence token
in ``length``, as measured in tests/test_confidence.py). With Argos's penalty of
0.2 that number still falls with length, so a long sentence would look less
certain than a short one only for being long. We undo the penalty
(``score × length**0.2`` is the cumulated log-probability) and divide by the
number of tokens the model predicted (the end-of-sentence token included, a
forced target prefix excluded): the mean log-probability per predicted token,
at most 0, what CTranslate2's ``score_batch`` reports for the same output
(tested). A sentence split into pieces gets the token-weighted mean of its
pieces; a pivot route adds the scores of its steps (their probabilities
multiply). :func:`pipeline.mt.confidence.confidence` maps it to 0–1.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline.errors import UserError
from pipeline.mt.models.package import ENGINE_NAME

if TYPE_CHECKING:
    from pipeline.mt.models import InstalledModel

BEAM_SIZE = 4  # argostranslate.settings.beam_size default
LENGTH_PENALTY = 0.2  # as in argostranslate.translate.apply_packaged_translation
DEFAULT_MAX_INPUT_TOKENS = 200
# Tokens per batch (bench/translate_speed.py, transformer-base on 2 cores: 512-1024 tokens
# per batch and one worker per core is fastest on CPU; a GPU wants larger batches).
CPU_BATCH_TOKENS = 1024
CUDA_BATCH_TOKENS = 4096
MIN_BATCH_TOKENS = 64  # never split a small job finer than this to feed idle workers
BATCH_TOKENS_ENV = "PIPELINE_BATCH_TOKENS"  # overrides the default (tests, tuning)
DEVICES = ("cpu", "cuda")
MAX_THREADS = 256  # CTranslate2 aborts the process (not an exception) far above core counts

# Split candidates, best first: after clause punctuation, before dashes, any space.
_SPLIT_PATTERNS = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+(?=[–—-]\s)"),
    re.compile(r"\s+"),
)


class ScoredTranslation(NamedTuple):
    """A machine translation and the model's mean log-probability per token (≤ 0).

    ``score`` is None where no score is known (a cache row written before scores).
    """

    text: str
    score: float | None


class _Piece(NamedTuple):
    """One decoded piece: its text, cumulated log-probability and token count."""

    text: str
    log_probability: float
    tokens: int


def mean_score(pieces: Iterable[tuple[float, int]]) -> float | None:
    """Token-weighted mean log-probability of (cumulated log-probability, tokens) pieces."""
    total, tokens = 0.0, 0
    for log_probability, count in pieces:
        total += log_probability
        tokens += count
    if not tokens or not math.isfinite(total):
        return None
    return total / tokens


@dataclass(frozen=True)
class EngineOptions:
    """How to run CTranslate2: device, threads, batching, the long-input limit."""

    device: str = "cpu"
    threads: int = 0  # 0: all cores
    compute_type: str = "default"  # the model's own type, as argostranslate does
    batch_tokens: int = 0  # 0: $PIPELINE_BATCH_TOKENS, else the device's default
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS

    def __post_init__(self) -> None:
        """Refuse settings CTranslate2 would fail on with a crash instead of a message."""
        if self.device not in DEVICES:
            raise UserError(f"--device {self.device}: expected {' or '.join(DEVICES)}")
        if not 0 <= self.threads <= MAX_THREADS:
            raise UserError(f"--threads {self.threads}: expected 0 (all cores) to {MAX_THREADS}")

    def effective_batch_tokens(self) -> int:
        """The batch size in tokens: explicit, else from the environment, else by device."""
        if self.batch_tokens > 0:
            return self.batch_tokens
        value = os.environ.get(BATCH_TOKENS_ENV, "").strip()
        if value:
            try:
                return max(1, int(value))
            except ValueError:
                raise UserError(f"{BATCH_TOKENS_ENV}={value!r}: expected a number") from None
        return CUDA_BATCH_TOKENS if self.device == "cuda" else CPU_BATCH_TOKENS

    def thread_settings(self) -> dict[str, int]:
        """CTranslate2 ``inter_threads``/``intra_threads`` for these options.

        On CPU: one single-threaded worker per core, each taking whole batches.
        Measured faster than one worker using every core (no OpenMP barrier per
        layer), and it does not collapse when other processes share the cores,
        as spinning OpenMP threads do. The workers share the model's weights.
        """
        if self.device != "cpu":
            return {"inter_threads": 1, "intra_threads": 0}
        return {"inter_threads": self.threads or available_cores(), "intra_threads": 1}


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class StreamingTranslator:
    """What an engine offers besides its own :meth:`translate_scored_stream`: the same
    as plain text, and whole lists in input order. Base of :class:`Engine`,
    :class:`RouteEngine` and :class:`pipeline.mt.distributed.RayEngine`."""

    def translate_scored_stream(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, ScoredTranslation]]:
        """Yield ``(index, ScoredTranslation)`` as each sentence is finished;
        ``progress(n)`` is called as n more are done."""
        raise NotImplementedError

    def translate_stream(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, str]]:
        """Yield ``(index, translation)`` as each sentence is finished.

        Streaming lets the caller commit results to its cache as batches finish,
        so an interrupted run resumes where it stopped.
        """
        for index, scored in self.translate_scored_stream(sentences, progress):
            yield index, scored.text

    def translate_scored(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[ScoredTranslation]:
        """Each sentence's translation with its score, in input order."""
        results = dict(self.translate_scored_stream(sentences, progress))
        return [results[i] for i in range(len(sentences))]

    def translate(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate sentences, results in input order; ``progress(n)`` is called as n
        more are done."""
        return [t.text for t in self.translate_scored(sentences, progress)]


class Engine(StreamingTranslator):
    """One loaded model for one language pair."""

    def __init__(self, model: InstalledModel, options: EngineOptions | None = None) -> None:
        self.model = model
        self.options = options or EngineOptions()
        self._tokenizer = model.tokenizer()
        self._translator = self._load_translator()

    @property
    def label(self) -> str:
        """Names engine, pair and model version, e.g. ``argos en→fr 1.9``."""
        return self.model.label

    def _load_translator(self) -> Any:
        import ctranslate2

        options = self.options
        if options.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise UserError("--device cuda: no CUDA device is visible to CTranslate2")
        try:
            return ctranslate2.Translator(
                str(self.model.model_dir),
                device=options.device,
                compute_type=options.compute_type,
                **options.thread_settings(),
            )
        except (RuntimeError, ValueError) as exc:
            raise UserError(f"{self.model.model_dir}: cannot load model: {exc}") from None

    # -- public API ---------------------------------------------------------

    def translate_scored_stream(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, ScoredTranslation]]:
        """Yield ``(index, ScoredTranslation)`` as each sentence is finished (shortest
        first); ``progress(n)`` is called as n more are done."""
        pieces = [self._pieces(sentence) for sentence in sentences]
        jobs = [
            (i, j, tokens) for i, parts in enumerate(pieces) for j, (tokens, _) in enumerate(parts)
        ]
        jobs.sort(key=lambda job: len(job[2]))
        done: dict[int, dict[int, _Piece]] = {}
        for (i, j, _), decoded in zip(jobs, self._decode(job[2] for job in jobs), strict=True):
            parts = done.setdefault(i, {})
            parts[j] = decoded
            if len(parts) == len(pieces[i]):
                text = self._rejoin(pieces[i], {k: p.text for k, p in parts.items()})
                score = mean_score((p.log_probability, p.tokens) for p in parts.values())
                yield i, ScoredTranslation(text, score)
                del done[i]
                if progress:
                    progress(1)

    # -- internals ----------------------------------------------------------

    def _pieces(self, sentence: str) -> list[tuple[list[str], str]]:
        """Token lists of the sentence, split if too long, with the whitespace after each."""
        limit = self.options.max_input_tokens
        tokens = self._tokenizer.encode(sentence)
        if len(tokens) <= limit:
            return [(tokens, "")]
        return [(self._tokenizer.encode(text), gap) for text, gap in self._split(sentence)]

    def _split(self, text: str) -> list[tuple[str, str]]:
        """Split text into (piece, following whitespace) pieces each within the token limit."""
        if len(self._tokenizer.encode(text)) <= self.options.max_input_tokens:
            return [(text, "")]
        cut = _best_cut(text)
        if cut is None:  # no whitespace at all: cut characters in half
            middle = len(text) // 2
            head, gap, tail = text[:middle], "", text[middle:]
        else:
            head, gap, tail = text[: cut[0]], text[cut[0] : cut[1]], text[cut[1] :]
        left = self._split(head)
        left[-1] = (left[-1][0], gap)
        return left + self._split(tail)

    @staticmethod
    def _rejoin(parts: list[tuple[list[str], str]], translated: dict[int, str]) -> str:
        # gaps are the whitespace the split cut at: one space joins translated pieces
        return "".join(
            translated[j] + (" " if gap else "") for j, (_, gap) in enumerate(parts)
        ).strip()

    def _decode(self, token_lists: Iterable[list[str]]) -> Iterator[_Piece]:
        """Run CTranslate2 with Argos's decoding settings and detokenize like Argos."""
        prefix = self.model.target_prefix
        token_lists = list(token_lists)
        results = self._translator.translate_iterable(
            token_lists,
            target_prefix=[[prefix]] * len(token_lists) if prefix else None,
            max_batch_size=self._batch_tokens(token_lists),
            batch_type="tokens",
            beam_size=BEAM_SIZE,
            num_hypotheses=1,
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            max_input_length=0,  # never truncate: long inputs are split before
            max_decoding_length=2 * self.options.max_input_tokens + 64,
            return_scores=True,
        )
        for result in results:
            hypothesis = result.hypotheses[0]
            length = len(hypothesis) + 1  # with the end-of-sentence token, as CTranslate2 counts
            forced = int(bool(prefix) and hypothesis[:1] == [prefix])
            log_probability = result.scores[0] * length**LENGTH_PENALTY
            yield _Piece(self._detokenize(hypothesis), log_probability, length - forced)

    def _batch_tokens(self, token_lists: Sequence[list[str]]) -> int:
        """Tokens per batch: the configured size, less when the job is too small to
        give every worker a batch (a single document should not run on one core)."""
        workers = max(1, self._translator.num_translators)
        total = sum(len(tokens) for tokens in token_lists)
        share = max(MIN_BATCH_TOKENS, -(-total // workers))
        return min(self.options.effective_batch_tokens(), share)

    def _detokenize(self, tokens: list[str]) -> str:
        """argostranslate's post-processing: decode, drop the prefix and one leading space."""
        value = self._tokenizer.decode(tokens)
        prefix = self.model.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        if value.startswith(" "):
            value = value[1:]
        return value


@dataclass(frozen=True)
class Route:
    """The models that take a language pair: one, or two through a pivot language.

    Pivoting (en→de→fr where no en→fr model exists) loses quality, so it is
    only used when asked for, and the PO comment names both models.
    """

    models: tuple[InstalledModel, ...]

    @property
    def label(self) -> str:
        labels = " + ".join(m.label for m in self.models)
        return labels if len(self.models) == 1 else f"{labels} (pivot {self.models[0].to_code})"

    @property
    def cache_key(self) -> tuple[str, str]:
        """(engine, model version) under which the MT cache files this route's output."""
        if len(self.models) == 1:
            return ENGINE_NAME, self.models[0].version
        versions = "+".join(f"{m.from_code}-{m.to_code}-{m.version}" for m in self.models)
        return f"{ENGINE_NAME}-pivot", versions

    def open(self, options: EngineOptions | None = None) -> RouteEngine:
        return RouteEngine(self, options)


class RouteEngine(StreamingTranslator):
    """Translates along a route: intermediate steps whole, the last one streamed."""

    def __init__(self, route: Route, options: EngineOptions | None = None) -> None:
        self.route = route
        self.engines = [Engine(model, options) for model in route.models]

    def translate_scored_stream(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, ScoredTranslation]]:
        """Yield ``(index, ScoredTranslation)`` as the last step finishes each sentence;
        a pivot adds the scores of its steps."""
        texts = list(sentences)
        earlier: list[float | None] = [0.0] * len(texts)
        for engine in self.engines[:-1]:
            step = engine.translate_scored(texts)
            texts = [t.text for t in step]
            earlier = [_add(a, t.score) for a, t in zip(earlier, step, strict=True)]
        for index, scored in self.engines[-1].translate_scored_stream(texts, progress):
            yield index, ScoredTranslation(scored.text, _add(earlier[index], scored.score))


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _best_cut(text: str) -> tuple[int, int] | None:
    """The best place to split: the highest-priority whitespace nearest the middle.

    Returns (start, end) of the whitespace run, or None if there is none.
    """
    middle = len(text) / 2
    for pattern in _SPLIT_PATTERNS:
        spans = [m.span() for m in pattern.finditer(text) if m.start() > 0 and m.end() < len(text)]
        # Only accept a clause boundary that leaves both sides reasonably large.
        good = [s for s in spans if len(text) * 0.2 <= s[0] <= len(text) * 0.8]
        if good:
            return min(good, key=lambda s: abs(s[0] - middle))
    spans = [m.span() for m in re.finditer(r"\s+", text) if m.start() > 0 and m.end() < len(text)]
    return min(spans, key=lambda s: abs(s[0] - middle)) if spans else None
