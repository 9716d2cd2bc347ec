"""Batch runs over many documents: resuming a killed run, cross-document deduplication.

These run ``python -m pipeline run`` in subprocesses with the real (tiny) test
model, kill one with SIGKILL in the middle of machine translation, and check
the machine-translation cache (SQLite), the CLI summary and every PO file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import msgfmt_check

from pipeline.testing import word_by_word

CACHE = Path("translations") / "mt-cache.sqlite3"
SUMMARY = re.compile(r"^fr: (\d+) segments machine-translated, (\d+) from cache$", re.MULTILINE)
TOPICS = (
    "the peace process",
    "our security",
    "the Alliance",
    "defence and security",
    "cooperation with our allies",
)


def _write_corpus(root: Path, documents: int, sentences_per_document: int) -> set[str]:
    """Documents of distinct sentences (five to a paragraph); return all the sentences."""
    root.mkdir(parents=True)
    every: set[str] = set()
    for d in range(documents):
        sentences = [
            f"Statement {d * sentences_per_document + i} is about {TOPICS[i % len(TOPICS)]}."
            for i in range(sentences_per_document)
        ]
        every.update(sentences)
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        (root / f"doc{d:02d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return every


def _cached_rows(path: Path) -> int:
    """Rows in the MT cache; 0 while the file or its table does not exist yet."""
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0


def _summary(stderr: str) -> tuple[int, int]:
    """(machine-translated, from cache) from the CLI's summary line for fr."""
    match = SUMMARY.search(stderr)
    assert match, f"no fr summary line in:\n{stderr}"
    return int(match.group(1)), int(match.group(2))


def _assert_complete(po_dir: Path, expected_files: int) -> set[str]:
    """Every PO file is valid and every entry holds the model's translation; return msgids."""
    paths = sorted(po_dir.glob("*.po"))
    assert len(paths) == expected_files
    msgids: set[str] = set()
    for path in paths:
        msgfmt_check(path)
        for entry in polib.pofile(str(path)):
            assert entry.msgstr == word_by_word(entry.msgid), (path, entry.msgid)
            assert "fuzzy" in entry.flags
            msgids.add(entry.msgid)
    return msgids


def _start_run(corpus: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", corpus, "--to", "fr", "--threads", "1"],
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_once_cached(process: subprocess.Popen, cache: Path, timeout: float = 120) -> None:
    """SIGKILL ``process`` as soon as the cache holds some rows (it must still be running)."""
    deadline = time.monotonic() + timeout
    while _cached_rows(cache) == 0:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"run ended (rc {process.returncode}) before anything was cached: {stderr}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("nothing was cached in time")
        time.sleep(0.02)
    assert process.poll() is None, "run finished before it could be killed: corpus too small"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_killed_run_resumes_where_it_stopped(workdir: Path, model_store: Path) -> None:
    sentences = _write_corpus(workdir / "corpus", documents=6, sentences_per_document=500)
    # One sentence per batch: slow enough to be killed between two cache commits.
    process = _start_run("corpus", {"PIPELINE_BATCH_TOKENS": "1"})
    _kill_once_cached(process, workdir / CACHE)

    cached = _cached_rows(workdir / CACHE)
    assert 0 < cached < len(sentences)
    assert not (workdir / "output").exists()  # killed before publishing

    result = run_cli("run", "corpus", "--to", "fr")
    assert result.returncode == 0, result.stderr
    translated, from_cache = _summary(result.stderr)
    assert from_cache == cached  # everything the killed run committed is reused ...
    assert translated == len(sentences) - cached  # ... and only the rest is translated
    assert _cached_rows(workdir / CACHE) == len(sentences)
    assert _assert_complete(workdir / "translations" / "fr" / "corpus", 6) == sentences
    assert len(list((workdir / "output" / "fr" / "corpus").glob("*.txt"))) == 6


def test_sentence_repeated_across_documents_is_translated_once(
    workdir: Path, model_store: Path
) -> None:
    shared = "The peace process is fragile."
    corpus = workdir / "corpus"
    corpus.mkdir()
    for d in range(25):
        text = f"{shared} Statement {d} is about our security.\n\n{shared}\n"
        (corpus / f"doc{d:02d}.txt").write_text(text, encoding="utf-8")

    result = run_cli("run", "corpus", "--to", "fr")
    assert result.returncode == 0, result.stderr
    translated, from_cache = _summary(result.stderr)
    assert (translated, from_cache) == (1 + 25, 0)  # the shared sentence once, 25 own ones
    assert _cached_rows(workdir / CACHE) == 26
    msgids = _assert_complete(workdir / "translations" / "fr" / "corpus", 25)
    assert shared in msgids and len(msgids) == 26

    # A new document repeating known sentences costs nothing; --json says so.
    (corpus / "doc99.txt").write_text(f"Statement 3 is about our security. {shared}\n", "utf-8")
    result = run_cli("run", "corpus", "--to", "fr", "--json", "--quiet")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents"] == 26
    fr = summary["languages"]["fr"]
    assert (fr["translated"], fr["from_cache"], fr["memory_exact"]) == (0, 2, 0)
    assert (summary["segments"], summary["translated"], summary["from_cache"]) == (2, 0, 2)
    assert summary["files_written"] > 0 and summary["seconds"] > 0
    published = (workdir / "output" / "fr" / "corpus" / "doc99.txt").read_text(encoding="utf-8")
    own = word_by_word("Statement 3 is about our security.")
    assert published.rstrip().endswith(f"\n{own} {word_by_word(shared)}")


def test_batch_size_and_threads_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.errors import UserError
    from pipeline.mt.engine import EngineOptions, available_cores

    monkeypatch.delenv("PIPELINE_BATCH_TOKENS", raising=False)
    assert EngineOptions().effective_batch_tokens() == 1024
    assert EngineOptions(device="cuda").effective_batch_tokens() == 4096
    assert EngineOptions(batch_tokens=300).effective_batch_tokens() == 300
    monkeypatch.setenv("PIPELINE_BATCH_TOKENS", "16")
    assert EngineOptions().effective_batch_tokens() == 16
    assert EngineOptions(batch_tokens=300).effective_batch_tokens() == 300  # explicit wins
    monkeypatch.setenv("PIPELINE_BATCH_TOKENS", "lots")
    with pytest.raises(UserError, match="PIPELINE_BATCH_TOKENS"):
        EngineOptions().effective_batch_tokens()
    # CPU: one single-threaded CTranslate2 worker per core; GPU: one worker.
    assert EngineOptions(threads=3).thread_settings() == {"inter_threads": 3, "intra_threads": 1}
    cores = available_cores()
    assert EngineOptions().thread_settings() == {"inter_threads": cores, "intra_threads": 1}
    assert EngineOptions(device="cuda").thread_settings()["inter_threads"] == 1


def test_small_job_is_split_across_workers(
    model_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.mt.engine import Engine, EngineOptions
    from pipeline.mt.models import require_model

    monkeypatch.delenv("PIPELINE_BATCH_TOKENS", raising=False)
    engine = Engine(require_model("en", "fr"), EngineOptions(threads=2))
    tokens = [["▁word"] * 10] * 30  # 300 tokens: one 1,024-token batch would idle a worker
    assert engine._batch_tokens(tokens) == 150
    assert engine._batch_tokens(tokens[:3]) == 64  # never below MIN_BATCH_TOKENS
    assert engine._batch_tokens(tokens * 10) == 1024
    sentences = [f"Statement {i} is about the peace process." for i in range(30)]
    assert engine.translate(sentences) == [word_by_word(s) for s in sentences]
