"""Atomic writes and the lock helper (pipeline.fsutil), on real files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.errors import UserError
from pipeline.fsutil import (
    atomic_open,
    atomic_write_text,
    file_lock,
    write_chunks_if_changed,
    write_if_changed,
)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "catalog.po"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target, "w", encoding="utf-8") as f:
        f.write("half of the new")
        raise RuntimeError("crash in the middle of a write")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_atomic_write_keeps_permissions_and_creates_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.txt"
    atomic_write_text(target, "first")
    assert target.read_text(encoding="utf-8") == "first"
    os.chmod(target, 0o640)
    atomic_write_text(target, "second")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "second"


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    assert write_if_changed(target, "<p>x</p>") is True
    os.utime(target, ns=(1, 1))
    assert write_if_changed(target, "<p>x</p>") is False
    assert target.stat().st_mtime_ns == 1
    assert write_if_changed(target, b"<p>y</p>") is True
    assert target.read_bytes() == b"<p>y</p>"


def test_chunks_are_compared_before_replacing(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    assert write_chunks_if_changed(target, iter(["a", "b", "c"])) is True
    os.utime(target, ns=(1, 1))
    assert write_chunks_if_changed(target, iter(["ab", "c"])) is False
    assert target.stat().st_mtime_ns == 1
    assert write_chunks_if_changed(target, iter(["abd"])) is True
    assert target.read_text(encoding="utf-8") == "abd"
    assert _leftovers(tmp_path) == []


def test_lock_held_elsewhere_is_one_clear_error(tmp_path: Path) -> None:
    lock_path = tmp_path / "translations" / ".pipeline.lock"
    with (
        file_lock(lock_path, 1, "busy"),
        pytest.raises(UserError, match="^someone else has it$"),
        file_lock(lock_path, 0.05, "someone else has it"),
    ):
        pass  # pragma: no cover - never reached
    with file_lock(lock_path, 0.05, "free again"):
        assert lock_path.exists()


def test_lock_path_that_is_a_directory_is_one_clear_error(tmp_path: Path) -> None:
    lock_path = tmp_path / ".pipeline.lock"
    lock_path.mkdir()
    with (
        pytest.raises(UserError, match=r"\.pipeline\.lock: cannot take the lock"),
        file_lock(lock_path, 0.05, "busy"),
    ):
        pass  # pragma: no cover - never reached
