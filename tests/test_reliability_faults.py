"""Faults of the user's machine (issue #12): one line, the documented exit status, nothing lost.

A full disk, an immutable or read-only file, a damaged SQLite file, a bad
setting, an output stream that cannot be written: each is one ``error:`` line
on stderr (exit 1 for a set-up problem, 2 when a document could not be
written), never a traceback, and the files already there keep their bytes.
The faults come from ``tests/faults.py`` (the same system-call errors as the
real thing, whether or not the tests run as root). Each test is a row of
docs/reliability.md.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import run_cli

from pipeline.testing import word_by_word

PO = Path("translations/fr/transcript.po")
POT = Path("translations/templates/transcript.pot")
CACHE = Path("translations/mt-cache.sqlite3")
MANIFEST = Path("output/.published.sqlite3")


def _one_error_line(result: subprocess.CompletedProcess, status: int, fragment: str) -> str:
    """The one ``error:`` line of a failed run (besides the run's summary), checked."""
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert fragment in errors[0], errors[0]
    return errors[0]


def _snapshot(*directories: str) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for directory in directories
        for path in sorted(Path(directory).rglob("*"))
        if path.is_file() and path.name != ".pipeline.lock"
    }


def _temporaries() -> list[Path]:
    return sorted(Path().rglob(".*.tmp"))


def _first_run_then_edit() -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    with open("transcript.txt", "a", encoding="utf-8") as f:
        f.write("\nThe Allies will meet again next week.\n")


# -- full disk, immutable and read-only files ----------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "written"),
    [("*/templates/transcript.pot", POT), ("*/fr/transcript.po", PO)],
    ids=["template", "catalog"],
)
def test_disk_full_while_writing_a_catalog_is_one_line(
    workdir: Path, model_store: Path, pattern: str, written: Path
) -> None:
    _first_run_then_edit()
    before = {path: path.read_bytes() for path in (POT, PO)}
    result = run_cli("run", "transcript.txt", "--to", "fr", fault=("enospc", pattern))
    line = _one_error_line(result, 2, f"cannot write {written}: No space left on device")
    assert "left as it was" in line
    assert written.read_bytes() == before[written] and PO.read_bytes() == before[PO]
    assert _temporaries() == []
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)  # space again
    assert "The Allies will meet again next week." in PO.read_text(encoding="utf-8")


def test_immutable_po_file_is_one_line_and_keeps_its_bytes(
    workdir: Path, model_store: Path
) -> None:
    """``chattr +i``: os.replace fails with EPERM; the document is reported, the batch goes on."""
    _first_run_then_edit()
    Path("second.txt").write_text("The peace process is fragile.\n", encoding="utf-8")
    before = PO.read_bytes()
    result = run_cli(
        "run", "transcript.txt", "second.txt", "--to", "fr",
        fault=("immutable", "*/fr/transcript.po"),
    )  # fmt: skip
    _one_error_line(result, 2, f"cannot write {PO}: Operation not permitted")
    assert PO.read_bytes() == before and _temporaries() == []
    assert "1 of 2 documents skipped" in result.stderr
    assert polib.pofile("translations/fr/second.po")[0].msgstr == word_by_word(
        "The peace process is fragile."
    )


@pytest.mark.parametrize("command", ["run", "publish"])
def test_read_only_translations_directory_is_one_line(
    workdir: Path, model_store: Path, command: str
) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    before = _snapshot("translations", "output")
    result = run_cli(
        command, "transcript.txt", "--to", "fr", fault=("read-only", f"{workdir}/translations/*")
    )
    line = _one_error_line(result, 1, "translations/.pipeline.lock: cannot take the lock")
    assert "Read-only file system" in line
    assert _snapshot("translations", "output") == before


def test_lock_file_that_is_a_directory_is_one_line(workdir: Path, model_store: Path) -> None:
    Path("translations/.pipeline.lock").mkdir(parents=True)
    result = run_cli("run", "transcript.txt", "--to", "fr")
    _one_error_line(result, 1, ".pipeline.lock: cannot take the lock (Is a directory)")
    assert not PO.exists()


# -- SQLite files: full disk, damage ---------------------------------------------------------


def test_disk_full_in_the_manifest_is_one_line(workdir: Path, model_store: Path) -> None:
    """Opening (creating) the manifest, then recording many new documents in a full one."""
    result = run_cli("run", "transcript.txt", "--to", "fr", fault=("sqlite-full", "*/.published*"))
    line = _one_error_line(result, 1, f"{MANIFEST}: cannot open the record of published files")
    assert "database or disk is full" in line
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    for number in range(6):  # long names: their rows need pages the file cannot add
        Path(f"{'n' * 150}{number}.txt").write_text("The peace process is fragile.\n", "utf-8")
    result = run_cli("run", ".", "--to", "fr", fault=("sqlite-full", "*/.published*"))
    _one_error_line(result, 1, f"{MANIFEST}: cannot record the published files (database or")
    with sqlite3.connect(MANIFEST) as manifest:  # what was committed before stays usable
        assert manifest.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    run_cli("run", ".", "--to", "fr", "--quiet", check=True)
    assert (workdir / "output" / "index.html").read_text("utf-8").count("n" * 150) > 0


def test_disk_full_in_the_mt_cache_is_one_line(workdir: Path, model_store: Path) -> None:
    result = run_cli("run", "transcript.txt", "--to", "fr", fault=("sqlite-full", "*/mt-cache*"))
    _one_error_line(result, 1, f"{CACHE}: cannot open the machine-translation cache (database")
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    sentences = "".join(f"The peace process number {n} is fragile.\n\n" for n in range(150))
    Path("more.txt").write_text(sentences, encoding="utf-8")
    result = run_cli("run", "more.txt", "--to", "fr", fault=("sqlite-full", "*/mt-cache*"))
    _one_error_line(result, 1, f"{CACHE}: cannot store machine translations (database or disk")


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "another program's"], ids=["garbage", "truncated", "other"]
)
def test_damaged_cache_and_manifest_are_set_aside_and_rebuilt(
    workdir: Path, model_store: Path, damage: str
) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    for path in (CACHE, MANIFEST):
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if damage == "garbage":
            path.write_bytes(os.urandom(3000))
        elif damage == "truncated":
            path.write_bytes(path.read_bytes()[:1500])
        else:
            path.unlink()
            with sqlite3.connect(path) as other:
                other.execute("CREATE TABLE translations (a, b)")
                other.execute("CREATE TABLE published (path)")
    damaged = {path: path.read_bytes() for path in (CACHE, MANIFEST)}
    with open("transcript.txt", "a", encoding="utf-8") as f:
        f.write("\nThe Allies will meet again next week.\n")
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for path, what in ((CACHE, "machine-translation cache"), (MANIFEST, "record of published")):
        assert f"note: {path}: the {what}" in result.stderr, result.stderr
        broken = path.with_name(path.name + ".broken")
        assert f"moved to {broken.name} and started afresh" in result.stderr
        assert broken.read_bytes() == damaged[path]
    assert "error" not in result.stderr
    assert "transcript" in (workdir / "output" / "index.html").read_text("utf-8")
    again = run_cli("run", "transcript.txt", "--to", "fr", "--retranslate-machine")
    assert again.returncode == 0 and "note:" not in again.stderr, again.stderr
    assert "from cache" in again.stderr and " 0 from cache" not in again.stderr


# -- settings and options -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "publish", "status", "check"])
def test_translations_dir_that_is_a_file_is_one_line(
    workdir: Path, model_store: Path, command: str
) -> None:
    Path("not-a-dir").write_text("x", encoding="utf-8")
    args = ["transcript.txt", "--to", "fr"] if command in ("run", "publish") else []
    result = run_cli(command, *args, "--translations-dir", "not-a-dir")
    _one_error_line(result, 1, "--translations-dir not-a-dir: is a file, expected a directory")
    assert sorted(p.name for p in workdir.iterdir()) == ["not-a-dir", "transcript.txt"]


def test_output_dir_that_is_a_file_is_one_line(workdir: Path, model_store: Path) -> None:
    Path("not-a-dir").write_text("x", encoding="utf-8")
    result = run_cli("run", "transcript.txt", "--to", "fr", "--output-dir", "not-a-dir")
    _one_error_line(result, 1, "--output-dir not-a-dir: is a file, expected a directory")
    assert not PO.exists()


@pytest.mark.parametrize("command", [("run", "transcript.txt", "--to", "fr"), ("models", "list")])
def test_argos_packages_dir_that_is_a_file_is_one_line(
    workdir: Path, command: tuple[str, ...]
) -> None:
    Path("packages").write_text("x", encoding="utf-8")
    result = run_cli(*command, env={"ARGOS_PACKAGES_DIR": str(workdir / "packages")})
    _one_error_line(result, 1, "ARGOS_PACKAGES_DIR=")
    assert "is a file, expected a directory of models" in result.stderr
    assert not Path("translations").exists()


@pytest.mark.parametrize(
    ("threads", "fragment"),
    [("-5", "expected a whole number ≥ 0, got -5"), ("100000", "--threads 100000: expected 0")],
)
def test_threads_out_of_range_is_one_line(
    workdir: Path, model_store: Path, threads: str, fragment: str
) -> None:
    result = run_cli("run", "transcript.txt", "--to", "fr", "--threads", threads)
    _one_error_line(result, 1, fragment)
    assert not Path("translations").exists()


def test_target_language_codes_are_normalised(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "FR", "--quiet", check=True)
    assert sorted(p.name for p in Path("translations").iterdir() if p.is_dir()) == [
        "fr",
        "templates",
    ]
    result = run_cli("run", "transcript.txt", "--from", "fr", "--to", "FR")
    _one_error_line(result, 1, "same as the source language")


# -- the output streams ----------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("status",), ("status", "--json"), ("check",)])
def test_output_to_a_full_device_is_one_line(
    workdir: Path, model_store: Path, args: tuple[str, ...]
) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "pipeline", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: No space left on device\n"


def test_ascii_terminal_shows_names_as_escapes(workdir: Path, model_store: Path) -> None:
    Path("transcript.txt").rename("réunion.txt")
    run_cli("run", "réunion.txt", "--to", "fr", "--quiet", check=True)
    result = run_cli("status", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    rows = [line for line in result.stdout.splitlines() if "r\\xe9union" in line]
    header = next(line for line in result.stdout.splitlines() if line.startswith("document"))
    assert len(rows) == 1 and rows[0].index("fr") == header.index("language")


def test_opening_a_file_another_process_is_turning_to_wal_waits_for_it(tmp_path: Path) -> None:
    """SQLite refuses at once, without waiting, a connection that must turn a file to WAL
    while another holds the write lock (waiting could deadlock): what a worker met when
    the main process created the fill record at the start of a cold run. The file is
    opened once the other lets go, and never taken for damaged."""
    import threading

    from pipeline.dbfile import open_rebuildable

    path = tmp_path / "store.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE kept (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO kept VALUES (1)")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()

    def prepare(connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("SELECT count(*) FROM kept").fetchone()

    try:
        connection, note = open_rebuildable(path, prepare, "test store")
    finally:
        release.join()
        holder.close()
    assert note is None
    assert connection.execute("SELECT x FROM kept").fetchall() == [(1,)]
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    assert not list(tmp_path.glob("*.broken*"))
