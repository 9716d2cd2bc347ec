"""Reading transcript files safely (issue #12): devices, FIFOs, binaries, byte-order marks,
and a line splitter that stays linear on a file without line breaks."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED

from pipeline.errors import UserError
from pipeline.text import parts, reading
from pipeline.text.ingest import ingest_file, plan_parts, read_text

DEVICES = [p for p in ("/dev/zero", "/dev/urandom") if Path(p).exists()]


class CountingStream:
    """A binary stream that counts the bytes read through it."""

    def __init__(self, stream, counter: list[int]) -> None:  # type: ignore[no-untyped-def]
        self._stream, self._counter = stream, counter

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._counter.append(len(data))
        return data

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)

    def __enter__(self) -> CountingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


@pytest.fixture
def bytes_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of every read from a transcript opened by the text layer."""
    counter: list[int] = []
    original = reading.open_transcript

    def counting(path: Path) -> CountingStream:
        return CountingStream(original(path), counter)

    for module in (reading, parts):
        monkeypatch.setattr(module, "open_transcript", counting)
    return counter


# --------------------------------------------------------------------------- not regular files


@pytest.mark.parametrize("device", DEVICES)
def test_devices_are_refused_unread(device: str) -> None:
    with pytest.raises(UserError, match=rf"^{device}: is a character device, not a regular file"):
        read_text(Path(device))
    with pytest.raises(UserError, match="character device"):
        ingest_file(Path(device))
    assert plan_parts(Path(device)) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "talk.txt"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match=r"talk.txt: is a named pipe \(FIFO\), not a regular file"):
        read_text(fifo)  # opening a FIFO for reading blocks until a writer comes: not here


@pytest.mark.skipif(not DEVICES or not hasattr(os, "mkfifo"), reason="no devices or FIFOs")
def test_run_refuses_devices_and_fifos_with_one_line(workdir: Path, model_store: Path) -> None:
    os.mkfifo("pipe.txt")
    for source in [DEVICES[0], "pipe.txt"]:
        result = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", source, "--to", "fr"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "not a regular file" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not Path("translations/fr").exists()


def test_a_directory_and_a_missing_file_keep_their_messages(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a directory, expected a transcript file"):
        read_text(tmp_path)
    with pytest.raises(UserError, match="no such file"):
        read_text(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- binary content


def test_nul_byte_refused_from_the_first_bytes(tmp_path: Path, bytes_read: list[int]) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes(b"Hello\x00" + b"x" * 5_000_000)
    with pytest.raises(UserError, match=r"b.txt: binary file \(NUL byte at offset 5\)"):
        ingest_file(path)
    assert sum(bytes_read) <= reading.SNIFF_BYTES  # the rest was never read


def test_control_characters_make_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(1, 9)) * 200 + b"Some text.\n")
    with pytest.raises(UserError, match=r"noise.txt: binary file \(1600 control characters"):
        ingest_file(path)
    text = tmp_path / "text.txt"
    text.write_bytes(b"Page one.\x0c\nPage two\x07 rings a bell.\n")  # form feed, one BEL
    assert ingest_file(text).blocks[0].text == "Page one."


def test_sparse_nul_file_is_refused_before_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bytes_read: list[int]
) -> None:
    monkeypatch.setenv("PIPELINE_PART_BYTES", "1024")  # 20 MB would be cut into parts
    path = tmp_path / "sparse.txt"
    with path.open("wb") as stream:
        stream.truncate(20_000_000)
    with pytest.raises(UserError, match="binary file"):
        plan_parts(path)
    with pytest.raises(UserError, match="binary file"):
        ingest_file(path)
    assert sum(bytes_read) <= 3 * reading.SNIFF_BYTES


# --------------------------------------------------------------------------- byte-order marks

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_a_byte_order_mark_says_the_encoding(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + SEED_TEXT.encode(codec))
    expected = ingest_file(SEED)
    document = ingest_file(path, encoding="utf-8")  # the default: the mark wins
    assert [(b.text, b.line) for b in document.blocks] == [
        (b.text, b.line) for b in expected.blocks
    ]
    assert document.metadata == expected.metadata


def test_utf16_without_a_mark_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "bare.txt"
    path.write_bytes("Hello there. How are you?\n".encode("utf-16-le"))
    with pytest.raises(UserError, match="pass --encoding utf-16-le"):
        ingest_file(path)
    assert ingest_file(path, encoding="utf-16-le").blocks[0].text == "Hello there. How are you?"


def test_a_large_utf16_file_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cutting UTF-16 at "\\n" bytes would split characters: such a file is one document."""
    monkeypatch.setenv("PIPELINE_PART_BYTES", "1024")
    path = tmp_path / "wide.txt"
    path.write_text(SEED_TEXT * 4, encoding="utf-16")
    assert path.stat().st_size > 2 * 1024
    assert plan_parts(path) == []
    last, expected = ingest_file(path).blocks[-1], ingest_file(SEED).blocks[-1]
    assert (last.text, last.line) == (expected.text, 3 * SEED_TEXT.count("\n") + expected.line)


def test_utf16_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "One.\nTwo.\n".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(UserError, match=r"broken.txt:3: not valid UTF-16"):
        ingest_file(path)


# --------------------------------------------------------------------------- line splitting


class ScanCounter:
    """Stands in for parts._BYTE_LINE_END and adds up how many bytes it was asked to scan."""

    def __init__(self) -> None:
        self.pattern, self.scanned = parts._BYTE_LINE_END, 0

    def finditer(self, data, pos: int = 0, endpos: int = sys.maxsize) -> Iterator:  # type: ignore[no-untyped-def]
        self.scanned += min(endpos, len(data)) - pos
        return self.pattern.finditer(data, pos, endpos)


@pytest.mark.parametrize("filler", [b"\x00", b"a"])
def test_line_splitting_is_linear_without_line_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filler: bytes
) -> None:
    """20 MB without a line break: each byte is searched for a line end once (the old
    ``pending + chunk`` searched and copied the whole pending line again on every chunk)."""
    size = 20_000_000
    monkeypatch.setattr(parts, "_READ_CHUNK", 1 << 16)
    counter = ScanCounter()
    monkeypatch.setattr(parts, "_BYTE_LINE_END", counter)
    path = tmp_path / "one-line.txt"
    path.write_bytes(filler * size + b"\nlast")
    with path.open("rb") as stream:
        lines = [(number, offset, len(line)) for number, offset, line in parts._byte_lines(stream)]
    assert lines == [(1, 0, size), (2, size + 1, 4)]
    assert counter.scanned <= size + 5
