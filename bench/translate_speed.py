"""Translation speed: argostranslate vs our translate stage vs raw CTranslate2.

Run by hand (takes a few minutes; the argostranslate part is the slow one)::

    .venv/bin/python bench/translate_speed.py [--paragraphs 200] [--repeat 3]

Everything runs in one process on the same machine with the same model: the
transformer-base-sized synthetic test model built by :mod:`pipeline.testing`
(d=512, 6+6 layers, FFN 2048, 32k vocabulary). Its weights are hand-made, but
every layer is computed, so it costs what a real Argos transformer-base model
costs per token. The corpus is the English transcripts of ``examples/`` and
``tests/data/``, split into paragraphs and repeated to ``--paragraphs``.

Measured:

(a) ``argostranslate.translate.translate(paragraph, "en", "fr")`` per
    paragraph, as its users call it. Its sentence splitter (MiniSBD, which
    downloads a model at run time) is replaced by a plain regex so that it
    runs offline; the same regex defines the sentences of (b) and (c), so all
    three translate exactly the same sentences.
(b) our translate stage: :meth:`pipeline.mt.engine.Engine.translate` over all
    those sentences (the same work as (a)), over the distinct ones only (what
    a run does), and the full :func:`pipeline.api.translate` path (cache
    off: reading and writing PO files, our own segmenter) on the corpus
    written as documents.
(c) one raw ``ctranslate2.Translator.translate_batch`` call on the same token
    lists with the same options and threads: the practical ceiling; and the
    same call with ``return_scores=True`` (what the engine asks for since MT
    confidence), the two alternated run by run so that machine load hits both
    alike: their ratio is what scores cost.

Then the start-up costs: a no-op ``pipeline run`` (everything cached, tiny
model) and ``pipeline --help``, in subprocesses.

Other processes on the machine slow every figure; the load and CPU pressure
are printed with the results, and CPU seconds per sentence (less sensitive to
load than wall time) are reported beside sentences per second.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "transcript.txt"
DATA = ROOT / "tests" / "data"
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
REGEX_NOTE = (
    "argostranslate's sentence splitter (MiniSBD, downloads an ONNX model) is patched to "
    f"the regex {SENTENCE_END.pattern!r} so it runs offline; (b) and (c) use the same sentences."
)


# --- corpus ------------------------------------------------------------------------


def english_sources() -> list[Path]:
    """The seed transcript and the English test transcripts (French ones end in ``-fr``)."""
    return [SEED, *(p for p in sorted(DATA.glob("*.txt")) if not p.stem.endswith("-fr"))]


def training_texts() -> list[str]:
    """Everything the test model's vocabulary is built from (as tests/conftest.py does)."""
    return [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))] + [
        SEED.read_text(encoding="utf-8")
    ]


def corpus_paragraphs(count: int) -> list[str]:
    """Blank-line separated paragraphs of the English sources, repeated to ``count``."""
    base = [
        " ".join(paragraph.split(" ")).strip()
        for path in english_sources()
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        if paragraph.strip()
    ]
    return [base[i % len(base)] for i in range(count)]


def regex_sentences(text: str) -> list[str]:
    """The patched splitter: split after . ! ? … followed by whitespace."""
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def paragraph_sentences(paragraph: str) -> list[str]:
    """What argostranslate translates for a paragraph: its lines, each regex-split."""
    return [s for line in paragraph.split("\n") for s in regex_sentences(line)]


# --- measurements -------------------------------------------------------------------


@dataclass
class Timing:
    """One measured row of the table."""

    label: str
    sentences: int  # sentences of the corpus covered (the rate's numerator)
    seconds: float
    cpu_seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.seconds else float("inf")


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and process CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def median_timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The run with the median wall time out of ``repeat``."""
    runs = sorted((timed(function) for _ in range(repeat)), key=lambda run: run[0])
    return runs[len(runs) // 2]


def measure_argos(paragraphs: Sequence[str], intra_threads: int | None) -> tuple[Timing, list]:
    """(a): argostranslate.translate.translate per paragraph, splitter patched to the regex."""
    from argostranslate import sbd, settings
    from argostranslate import translate as argos

    sbd.MiniSBDSentencizer.split_sentences = lambda self, text: regex_sentences(text)
    if intra_threads is not None:
        settings.intra_threads = intra_threads
    argos.translate("Warm up the model.", "en", "fr")  # loads the translator
    wall, cpu, outputs = timed(lambda: [argos.translate(p, "en", "fr") for p in paragraphs])
    sentences = sum(len(paragraph_sentences(p)) for p in paragraphs)
    note = f"inter_threads={settings.inter_threads} intra_threads={settings.intra_threads}"
    row = Timing("(a) argostranslate.translate, per paragraph", sentences, wall, cpu, note)
    return row, outputs


def measure_engine(engine: Any, sentences: Sequence[str], repeat: int) -> tuple[Timing, Timing]:
    """(b): Engine.translate over all sentences, then over the distinct ones."""
    wall, cpu, _ = median_timed(lambda: engine.translate(list(sentences)), repeat)
    every = Timing("(b) Engine.translate, all sentences", len(sentences), wall, cpu)
    distinct = list(dict.fromkeys(sentences))
    wall, cpu, _ = median_timed(lambda: engine.translate(distinct), repeat)
    note = f"{len(distinct)} distinct translated; rate counts all {len(sentences)}"
    return every, Timing("(b) Engine.translate, distinct only", len(sentences), wall, cpu, note)


def measure_api(paragraphs: Sequence[str], workdir: Path, repeat: int) -> Timing:
    """(b): pipeline.api.translate (cache off) on the corpus as 10 documents."""
    from pipeline import api

    sources_dir = workdir / "corpus"
    sources_dir.mkdir(parents=True)
    per_document = max(1, len(paragraphs) // 10)
    for start in range(0, len(paragraphs), per_document):
        text = "\n\n".join(paragraphs[start : start + per_document]) + "\n"
        (sources_dir / f"doc{start // per_document:03d}.txt").write_text(text, encoding="utf-8")
    sources = api.find_sources([sources_dir])

    def one_run() -> api.StepReport:
        translations = workdir / "translations"
        shutil.rmtree(translations, ignore_errors=True)
        project = api.Project(translations_dir=translations, use_cache=False)
        api.extract(project, sources, ["fr"])  # PO files exist; translate then re-checks them
        wall, cpu, report = timed(lambda: api.translate(project, sources, ["fr"]))
        return wall, cpu, report

    runs = sorted((one_run() for _ in range(repeat)), key=lambda run: run[0])
    wall, cpu, report = runs[len(runs) // 2]
    total = _catalog_entries(workdir / "translations" / "fr")
    note = f"{report.translated.get('fr', 0)} distinct translated of {total} PO entries"
    return Timing("(b) api.translate (PO files, cache off)", total, wall, cpu, note)


def _catalog_entries(directory: Path) -> int:
    """Number of (non-obsolete) entries in all PO files under ``directory``."""
    import polib

    return sum(
        len([e for e in polib.pofile(str(p)) if not e.obsolete]) for p in directory.rglob("*.po")
    )


def measure_ray(engine: Any, sentences: Sequence[str], repeat: int) -> Timing:
    """(b) through pipeline.mt.distributed.RayEngine: a local Ray, one 1-CPU actor per core."""
    import ray

    from pipeline.mt.distributed import RayEngine
    from pipeline.mt.engine import Route, available_cores

    cores = engine.options.threads or available_cores()
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
    try:
        with RayEngine(Route((engine.model,)), workers=cores, cpus_per_worker=1) as ray_engine:
            ray_engine.translate(["Warm up the model."] * cores * 4)
            wall, cpu, _ = median_timed(lambda: ray_engine.translate(sentences), repeat)
    finally:
        ray.shutdown()
    note = f"{cores} actors x 1 CPU; CPU column: the driver process only"
    return Timing("(b) RayEngine (local Ray), all sentences", len(sentences), wall, cpu, note)


def measure_raw(engine: Any, sentences: Sequence[str], repeat: int) -> list[Timing]:
    """(c): one translate_batch call on the token lists, same options and threads as (b),
    without and with ``return_scores``, alternated run by run."""
    import ctranslate2

    from pipeline.mt import engine as engine_module

    settings = engine.options.thread_settings()
    translator = ctranslate2.Translator(
        str(engine.model.model_dir), device="cpu", compute_type="default", **settings
    )
    tokens = [engine._tokenizer.encode(s) for s in sentences]
    options = {
        "max_batch_size": engine._batch_tokens(tokens),
        "batch_type": "tokens",
        "beam_size": engine_module.BEAM_SIZE,
        "num_hypotheses": 1,
        "length_penalty": engine_module.LENGTH_PENALTY,
        "replace_unknowns": True,
        "max_input_length": 0,
        "max_decoding_length": 2 * engine.options.max_input_tokens + 64,
    }
    translator.translate_batch(tokens[:4], **options)
    runs: dict[bool, list[tuple[float, float, Any]]] = {False: [], True: []}
    for _ in range(repeat):
        for scores in (False, True):
            call = functools.partial(translator.translate_batch, tokens, return_scores=scores)
            runs[scores].append(timed(functools.partial(call, **options)))
    note = ", ".join(
        f"{k}={v}"
        for k, v in {**settings, **options}.items()
        if "threads" in k or k == "max_batch_size"
    )
    rows = []
    for scores, label in (
        (False, "(c) raw translate_batch, one call"),
        (True, "(c) same, return_scores=True"),
    ):
        wall, cpu, _ = sorted(runs[scores], key=lambda run: run[0])[len(runs[scores]) // 2]
        rows.append(
            Timing(label, len(sentences), wall, cpu, note if not scores else "alternated with (c)")
        )
    return rows


def agreement(paragraphs: Sequence[str], argos_out: Sequence[str], ours: dict[str, str]) -> float:
    """Share of paragraphs where argostranslate's output equals ours, sentence by sentence."""
    same = 0
    for paragraph, theirs in zip(paragraphs, argos_out, strict=True):
        lines = [" ".join(ours[s] for s in regex_sentences(line)) for line in paragraph.split("\n")]
        same += "\n".join(lines) == theirs
    return same / len(paragraphs)


# --- start-up costs ---------------------------------------------------------------


def cli_seconds(args: Sequence[str], cwd: Path, env: dict[str, str], repeat: int) -> float:
    """Median wall time of ``python -m pipeline ARGS`` (a fresh interpreter each time)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline", *args],
            cwd=cwd,
            env=env,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup_costs(tmp: Path, repeat: int) -> tuple[float, float]:
    """(no-op re-run of `pipeline run`, `pipeline --help`) in seconds, with the tiny model."""
    from pipeline.testing import build_test_package_dir

    store = tmp / "tiny-store"
    build_test_package_dir(store, training_texts=training_texts(), size="tiny")
    work = tmp / "noop"
    work.mkdir()
    shutil.copy(SEED, work / "transcript.txt")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(store)}
    run = ["run", "transcript.txt", "--to", "fr", "--quiet"]
    cli_seconds(run, work, env, 1)  # the real run: translate everything, fill the cache
    return cli_seconds(run, work, env, repeat), cli_seconds(["--help"], work, env, repeat)


# --- report -------------------------------------------------------------------------


def machine_line() -> str:
    """Cores, load and CPU pressure now (other processes make every figure slower)."""
    from pipeline.mt.engine import available_cores

    pressure = ""
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        pressure = ", CPU pressure " + some.split()[1].replace("avg10=", "") + "% (10 s)"
    except (OSError, IndexError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{available_cores()} cores available, load average {load:.2f}{pressure}"


def print_table(rows: Sequence[Timing]) -> None:
    """The results table: sentences, seconds, sentences/s, CPU ms per sentence, notes."""
    header = f"{'measurement':46} {'sent.':>6} {'wall s':>8} {'sent/s':>8} {'CPU ms/s.':>9}  notes"
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu_ms = 1000 * row.cpu_seconds / row.sentences if row.sentences else 0.0
        print(
            f"{row.label:46} {row.sentences:>6} {row.seconds:>8.2f} {row.rate:>8.1f} "
            f"{cpu_ms:>9.1f}  {row.note}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=200, help="corpus size (paragraphs)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (b), (c) (median kept)")
    parser.add_argument("--threads", type=int, default=0, help="EngineOptions.threads (0: all)")
    parser.add_argument(
        "--argos-intra-threads",
        type=int,
        default=None,
        help="override argostranslate's intra_threads (default: its own setting)",
    )
    parser.add_argument(
        "--quantization",
        choices=("int8", "none"),
        default="int8",
        help="weights of the test model; int8 is what Argos packages ship (argos-train converts "
        "with --quantization int8)",
    )
    parser.add_argument(
        "--ray", action="store_true", help="also (b) through RayEngine on a local Ray"
    )
    parser.add_argument("--skip-argos", action="store_true", help="do not measure (a)")
    parser.add_argument("--skip-startup", action="store_true", help="no CLI start-up timings")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="translate-speed-"))
    try:
        run_benchmark(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, tmp: Path) -> None:
    """Build the model, measure (a), (b), (c) and the start-up costs, print the table."""
    from pipeline.testing import build_test_package_dir

    store = tmp / "base-store"
    print(f"building the transformer-base test model in {store} ...", flush=True)
    quantization = None if args.quantization == "none" else args.quantization
    build_test_package_dir(
        store, training_texts=training_texts(), size="base", quantization=quantization
    )
    os.environ["ARGOS_PACKAGES_DIR"] = str(store)  # before argostranslate is imported

    from pipeline.mt.engine import Engine, EngineOptions
    from pipeline.mt.models import require_model

    paragraphs = corpus_paragraphs(args.paragraphs)
    sentences = [s for p in paragraphs for s in paragraph_sentences(p)]
    print(
        f"corpus: {len(paragraphs)} paragraphs, {len(sentences)} sentences "
        f"({len(set(sentences))} distinct)"
    )
    print(f"machine before: {machine_line()}", flush=True)
    engine = Engine(require_model("en", "fr"), EngineOptions(threads=args.threads))
    engine.translate(["Warm up the model."])
    rows = list(measure_engine(engine, sentences, args.repeat))
    rows += measure_raw(engine, sentences, args.repeat)
    rows.insert(2, measure_api(paragraphs, tmp / "api", args.repeat))
    if args.ray:
        rows.insert(3, measure_ray(engine, sentences, args.repeat))
    ours = dict(zip(sentences, engine.translate(sentences), strict=True))
    same = None
    if not args.skip_argos:
        print("measuring argostranslate (slow) ...", flush=True)
        argos_row, argos_out = measure_argos(paragraphs, args.argos_intra_threads)
        rows.insert(0, argos_row)
        same = agreement(paragraphs, argos_out, ours)
    print(f"machine after:  {machine_line()}\n")
    print(
        f"model: transformer-base test model, weights {args.quantization}; engine: "
        f"{engine.options}, {engine.options.thread_settings()}"
    )
    print(f"note: {REGEX_NOTE}\n")
    print_table(rows)
    report_ratios(rows, same)
    if not args.skip_startup:
        noop, help_s = startup_costs(tmp, max(3, args.repeat))
        print(
            f"\nno-op re-run `pipeline run transcript.txt --to fr` (all cached, tiny model): "
            f"{noop:.2f} s (target < 1 s)"
        )
        print(f"`pipeline --help`: {help_s:.2f} s (target < 0.3 s)")


def report_ratios(rows: Sequence[Timing], same: float | None) -> None:
    """(b)/(a) and (c)/(b) from the rows, against the targets."""
    b = next(r for r in rows if r.label.startswith("(b) Engine") and "all" in r.label)
    c = next(r for r in rows if r.label.startswith("(c) raw"))
    scored = next(r for r in rows if "return_scores" in r.label)
    print()
    a = next((r for r in rows if r.label.startswith("(a)")), None)
    if a is not None:
        print(f"(b)/(a) = {b.rate / a.rate:.1f}x  (target >= 10x; same sentences, no dedup)")
        distinct = next(r for r in rows if "distinct" in r.label)
        print(f"(b distinct)/(a) = {distinct.rate / a.rate:.1f}x  (with cross-paragraph dedup)")
        print(f"argostranslate output identical to ours on {100 * same:.0f}% of paragraphs")
    print(f"(c)/(b) = {c.rate / b.rate:.2f}x  (target <= 1.25x)")
    print(
        f"return_scores: {scored.seconds / c.seconds:.3f}x the wall time, "
        f"{scored.cpu_seconds / c.cpu_seconds:.3f}x the CPU time of (c) (target: 1.00)"
    )


if __name__ == "__main__":
    main()
