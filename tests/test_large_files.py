"""Large transcripts: cut into parts that stream through the pipeline in bounded memory.

``PIPELINE_PART_BYTES`` makes parts small so that a few megabytes exercise
exactly the code path of a 200 MB file (``bench/large_file.py`` measures that
one by hand).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import DATA, ROOT, run_cli

from pipeline.testing import LONG_TRANSCRIPT_HEADER, word_by_word, write_long_transcript
from pipeline.text import ingest, parts
from pipeline.text.ingest import Part, plan_parts, read_part


def sentence_pool() -> list[str]:
    """English sentences of the test data (the test model knows their words)."""
    pool: dict[str, None] = {}
    for path in sorted(DATA.glob("*.txt")):
        if path.stem.endswith("-fr"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
                if len(sentence.split()) >= 4 and sentence[-1] in ".!?" and "•" not in sentence:
                    pool.setdefault(sentence, None)
    return list(pool)


def big_transcript(path: Path, size: int, seed: int = 0) -> Path:
    """A transcript of about ``size`` bytes (see :func:`pipeline.testing.write_long_transcript`)."""
    write_long_transcript(path, size, sentence_pool(), seed)
    return path


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("PIPELINE_PART_BYTES", "16384")
    return 16384


# --------------------------------------------------------------------------- planning


def test_small_files_are_not_split(tmp_path: Path, small_parts: int) -> None:
    path = big_transcript(tmp_path / "t.txt", 2 * small_parts - 1000)
    assert path.stat().st_size <= 2 * small_parts
    assert plan_parts(path) == []


def test_parts_cover_the_file_and_start_paragraphs(tmp_path: Path, small_parts: int) -> None:
    path = big_transcript(tmp_path / "t.txt", 40 * small_parts)
    parts = plan_parts(path)
    data = path.read_bytes()
    lines = data.split(b"\n")
    assert len(parts) >= 10
    assert parts[0].start == 0 and parts[-1].end == len(data)
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    for before, after in zip(parts, parts[1:], strict=False):
        assert before.end == after.start
        assert data[after.start - 2 : after.start] == b"\n\n"  # a paragraph boundary
        assert lines[after.first_line - 1] == data[after.start :].split(b"\n", 1)[0]
    for part in parts[:-1]:
        assert small_parts <= part.end - part.start <= 4 * small_parts + 1000
    text = "".join(read_part(path, part) for part in parts)
    assert text == data.decode("utf-8")  # lossless


def test_an_edit_moves_no_other_part_boundary(tmp_path: Path, small_parts: int) -> None:
    """Cut points depend on content: inserting a paragraph early shifts offsets, yet every
    later part starts at the same paragraph as before."""
    path = big_transcript(tmp_path / "t.txt", 40 * small_parts)
    before = [path.read_bytes()[p.start :].split(b"\n", 1)[0] for p in plan_parts(path)]
    text = path.read_text(encoding="utf-8")
    cut = text.index("\n\n", len(text) // 10) + 2
    path.write_text(text[:cut] + "An inserted paragraph.\n\n" + text[cut:], encoding="utf-8")
    after = [path.read_bytes()[p.start :].split(b"\n", 1)[0] for p in plan_parts(path)]
    assert len(set(before) ^ set(after)) <= 2  # at most the part holding the edit changes
    assert after[-5:] == before[-5:]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    monkeypatch.setattr(parts, "_READ_CHUNK", 7)  # "\r\n" straddles chunk edges
    lines = [f"line {i} " + "x" * (i % 5) for i in range(60)]
    path = tmp_path / "t.txt"
    path.write_bytes(newline.join(lines).encode("ascii"))
    with path.open("rb") as stream:
        found = list(parts._byte_lines(stream))
    assert [line.decode() for _, _, line in found] == lines
    assert [number for number, _, _ in found] == list(range(1, 61))
    data = path.read_bytes()
    for _, offset, line in found:
        assert data[offset : offset + len(line)] == line


def test_utf16_files_are_read_whole(tmp_path: Path, small_parts: int) -> None:
    source = big_transcript(tmp_path / "t.txt", 10 * small_parts)
    wide = tmp_path / "wide.txt"
    wide.write_text(source.read_text(encoding="utf-8"), encoding="utf-16")
    assert plan_parts(wide, "utf-16") == []
    assert len(plan_parts(source, "latin-1")) > 1


def test_bad_byte_in_a_later_part_names_the_file_offset_and_line(
    tmp_path: Path, small_parts: int
) -> None:
    path = big_transcript(tmp_path / "t.txt", 10 * small_parts)
    data = bytearray(path.read_bytes())
    offset = len(data) - 100
    data[offset] = 0xFF
    path.write_bytes(bytes(data))
    line = data.count(b"\n", 0, offset) + 1
    last = plan_parts(path)[-1]
    assert last.start < offset
    with pytest.raises(ingest.UserError, match=rf"t\.txt:{line}: .*0xff at offset {offset}\)"):
        read_part(path, last)
    assert isinstance(last, Part)


# --------------------------------------------------------------------------- the CLI


def test_large_file_runs_as_parts(workdir: Path, model_store: Path, small_parts: int) -> None:
    path = big_transcript(workdir / "big.txt", 8 * small_parts)
    result = run_cli("run", "big.txt", "--to", "fr", "--quiet", cwd=workdir)
    assert result.returncode == 0, result.stderr
    parts = plan_parts(path)
    assert len(parts) >= 3
    lines = path.read_text(encoding="utf-8").splitlines()
    published = []
    for part in parts:
        name = f"big.part-{part.number:04d}"
        po_path = workdir / "translations" / "fr" / f"{name}.po"
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po_path)], check=True)
        po = polib.pofile(str(po_path))
        for entry in po:
            assert entry.msgstr == word_by_word(entry.msgid)
            file, line = entry.occurrences[0]
            assert file == "big.txt" and entry.msgid in lines[int(line) - 1]  # real file lines
        published.append((workdir / "output" / "fr" / f"{name}.txt").read_text("utf-8"))
    updated = "Mis à jour le 18 févr. 2021 à 18:22"
    assert updated in published[0]  # the header belongs to the first part
    assert all(updated not in text for text in published[1:])
    last_statement = re.findall(r"statement (\d+) ", path.read_text("utf-8"))[-1]
    assert f"{last_statement}" in published[-1]
    index = (workdir / "output" / "index.html").read_text("utf-8")
    assert index.count('data-document="big.part-') == len(parts)


def test_a_file_named_like_a_part_is_refused(
    workdir: Path, model_store: Path, small_parts: int
) -> None:
    big_transcript(workdir / "big.txt", 8 * small_parts)
    (workdir / "big.part-0002.txt").write_text("Hello there.\n", encoding="utf-8")
    result = run_cli("run", ".", "--to", "fr", cwd=workdir)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "big.part-0002.txt" in result.stderr
    assert "large file" in result.stderr and "big.txt" in result.stderr
    assert not (workdir / "translations").exists()


def test_reviews_follow_sentences_when_part_boundaries_move(
    workdir: Path, model_store: Path, small_parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reviewed translations survive a re-cut into parts of another size: the compendium
    of the file's old catalogs carries them into whichever part now holds the sentence."""
    big_transcript(workdir / "big.txt", 8 * small_parts)
    assert run_cli("run", "big.txt", "--to", "fr", "--quiet", cwd=workdir).returncode == 0
    reviewed: dict[str, str] = {}
    for po_path in sorted((workdir / "translations" / "fr").glob("big.part-*.po")):
        po = polib.pofile(str(po_path))
        for entry in po[::7]:
            entry.msgstr = f"RELU {entry.msgid}"
            entry.flags.remove("fuzzy")
            reviewed[entry.msgid] = entry.msgstr
        po.save()
    before = {p.name: p.read_bytes() for p in (workdir / "translations" / "fr").glob("*.po")}
    monkeypatch.setenv("PIPELINE_PART_BYTES", str(3 * small_parts))
    result = run_cli("run", "big.txt", "--to", "fr", cwd=workdir)
    assert result.returncode == 0, result.stderr
    parts = plan_parts(workdir / "big.txt")
    catalogs = sorted((workdir / "translations" / "fr").glob("*.po"))
    assert 1 < len(parts) < len(catalogs)
    stale = [p.name for p in catalogs[len(parts) :]]  # left untouched, and the user told
    noted = re.findall(r"^note: \S*/(big\.part-\d+\.po): no part", result.stderr, re.M)
    assert noted == stale, result.stderr
    for name in stale:
        assert (workdir / "translations" / "fr" / name).read_bytes() == before[name]
    # Outputs are generated files: those of parts that no longer exist are removed,
    # from the output directory and from the index.
    outputs = sorted(p.name for p in (workdir / "output" / "fr").glob("big.part-*.txt"))
    assert outputs == [f"big.part-{part.number:04d}.txt" for part in parts]
    index = (workdir / "output" / "index.html").read_text("utf-8")
    assert index.count('data-document="big.part-') == len(parts)
    found: dict[str, str] = {}
    for part in parts:
        po_path = workdir / "translations" / "fr" / f"big.part-{part.number:04d}.po"
        for entry in polib.pofile(str(po_path)):
            if "fuzzy" not in entry.flags:
                found[entry.msgid] = entry.msgstr
    assert reviewed and {k: found.get(k) for k in reviewed} == reviewed


PEAK_SCRIPT = """
import sys, tempfile, tracemalloc
from pathlib import Path
tracemalloc.start()
from pipeline import api
work = Path(tempfile.mkdtemp(dir=sys.argv[2]))
project = api.Project(translations_dir=work / "translations", output_dir=work / "output")
options = api.PublishOptions(formats=("txt", "bilingual-html"))
api.run(project, api.find_sources([sys.argv[1]]), ["fr"], options)
print(tracemalloc.get_traced_memory()[1])
"""


def repetitive_transcript(path: Path, size: int) -> Path:
    """About ``size`` bytes of 300 distinct paragraphs in random order: cheap to segment
    (each distinct block is segmented once), so the test is quick."""
    pool = sentence_pool()
    rng = random.Random(1)
    paragraphs = [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(300)]
    chunks, total = [LONG_TRANSCRIPT_HEADER], len(LONG_TRANSCRIPT_HEADER)
    while total < size:
        chunks.append(rng.choice(paragraphs) + "\n\n")
        total += len(chunks[-1])
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def python_peak_mb(path: Path, part_bytes: int, tmp_path: Path) -> float:
    """Peak of the Python heap (tracemalloc) during ``api.run`` on ``path``, in a subprocess."""
    env = {**os.environ, "PIPELINE_PART_BYTES": str(part_bytes), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(path), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1]) / 1e6


def test_large_file_memory_does_not_grow_with_its_size(tmp_path: Path, model_store: Path) -> None:
    """With 32 KiB parts, the Python heap's peak for a 1.6 MB transcript is within 2 MB of
    that for a 0.4 MB one. The control shows the measure can fail: the same 1.6 MB read
    whole (no parts) peaks far higher."""
    small = repetitive_transcript(tmp_path / "small.txt", 400_000)
    large = repetitive_transcript(tmp_path / "large.txt", 1_600_000)
    small_peak = python_peak_mb(small, 32768, tmp_path)
    large_peak = python_peak_mb(large, 32768, tmp_path)
    whole_peak = python_peak_mb(large, 10**9, tmp_path)
    message = f"peaks: {small_peak:.1f} / {large_peak:.1f} MB in parts, {whole_peak:.1f} whole"
    assert large_peak - small_peak < 2, message
    assert whole_peak > large_peak + 10, message
