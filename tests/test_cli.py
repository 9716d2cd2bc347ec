"""The CLI end to end, as a new user runs it: real files, real model, real gettext tools."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import DATA, run_cli
from po_files import msgfmt_check

from pipeline.testing import word_by_word


def _all_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_run_seed_end_to_end(workdir: Path, model_store: Path) -> None:
    result = run_cli("run", "transcript.txt", "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr

    pot = workdir / "translations" / "templates" / "transcript.pot"
    po_path = workdir / "translations" / "fr" / "transcript.po"
    msgfmt_check(pot)
    msgfmt_check(po_path)
    po = polib.pofile(str(po_path))
    assert po.metadata["Language"] == "fr"
    assert len(po) > 30
    for entry in po:
        assert entry.msgstr == word_by_word(entry.msgid), entry.msgid  # the model's own output
        assert "fuzzy" in entry.flags
        assert "machine translation: argos en→fr 1.0" in entry.comment
        assert entry.occurrences[0][0] == "transcript.txt"

    text = (workdir / "output" / "fr" / "transcript.txt").read_text(encoding="utf-8")
    assert "Mis à jour le" in text and "18 févr. 2021" in text
    # every sentence, in source order
    positions = [text.find(e.msgstr) for e in po]
    assert -1 not in positions and positions == sorted(positions)
    assert (workdir / "output" / "fr" / "transcript.md").exists()
    html = (workdir / "output" / "en-fr" / "transcript.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html and 'lang="fr"' in html
    assert (workdir / "output" / "index.html").exists()


def test_rerun_unchanged_does_nothing(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    before = {
        p: p.stat().st_mtime_ns for p in workdir.rglob("*") if p.is_file() and p.suffix != ".lock"
    }
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 0, result.stderr
    assert "0 files written" in result.stderr
    after = {p: p.stat().st_mtime_ns for p in before}
    changed = [str(p) for p in before if before[p] != after[p] and "mt-cache" not in p.name]
    assert changed == []


def test_run_offline_with_sockets_disabled(
    workdir: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import api

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    project = api.Project()
    report = api.run(project, api.find_sources(["transcript.txt"]), ["fr"])
    assert report.translated["fr"] > 30
    assert (workdir / "output" / "fr" / "transcript.txt").exists()


def test_status_json(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    result = run_cli("status", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {"document", "language", "total", "reviewed", "machine", "untranslated"} <= set(row)
    assert row["document"] == "transcript" and row["language"] == "fr"
    assert row["machine"] == row["total"] > 30 and row["reviewed"] == 0


@pytest.mark.parametrize(
    ("setup", "args", "message", "status"),
    [
        (None, ["missing.txt", "--to", "fr"], "missing.txt: no such file", 1),
        ("empty", ["empty.txt", "--to", "fr"], "empty.txt: file is empty", 2),
        ("latin1", ["latin1.txt", "--to", "fr"], "latin1.txt:1: not valid UTF-8", 2),
        (
            "binary",
            ["binary.txt", "--to", "fr"],
            "binary.txt: binary file (NUL byte at offset 8)",
            2,
        ),
        (None, ["transcript.txt", "--to", "xx"], "unknown language code 'xx'", 1),
        (None, ["transcript.txt", "--to", "de"], "no en→de translation model installed", 1),
    ],
)
def test_user_errors_one_line_nothing_written(
    workdir: Path,
    model_store: Path,
    setup: str | None,
    args: list[str],
    message: str,
    status: int,
) -> None:
    """A usage or set-up error exits 1; a document that cannot be read exits 2 (the
    batch's other documents would have been processed)."""
    if setup == "empty":
        (workdir / "empty.txt").write_text("  \n")
    elif setup == "latin1":
        (workdir / "latin1.txt").write_bytes("Deuxième.".encode("latin-1"))
    elif setup == "binary":
        (workdir / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    before = _all_files(workdir)
    result = run_cli("run", *args)
    assert result.returncode == status
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert _all_files(workdir) == before


def test_missing_model_says_how_to_install(workdir: Path, empty_store: Path) -> None:
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 1
    assert "pipeline models install en fr" in result.stderr
    assert "--file" in result.stderr
    assert not (workdir / "translations").exists()


def test_models_install_file_and_list(workdir: Path, empty_store: Path, argosmodel: Path) -> None:
    result = run_cli("models", "install", "--file", str(argosmodel))
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_cli("models", "list", "--json").stdout)
    assert [(m["from"], m["to"], m["version"]) for m in listed] == [("en", "fr", "1.0")]
    assert Path(listed[0]["path"]).is_dir()


def test_whole_corpus_runs(workdir: Path, model_store: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in DATA.glob("nato-*.txt"):
        if "-fr" not in path.name:
            (corpus / path.name).write_bytes(path.read_bytes())
    result = run_cli("run", str(corpus), "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    pos = sorted((workdir / "translations" / "fr").glob("*.po"))
    assert len(pos) == 4
    for po_path in pos:
        msgfmt_check(po_path)


def test_usage_error_is_one_line(workdir: Path) -> None:
    result = run_cli("run", "transcript.txt", "--bogus")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--bogus" in result.stderr


def test_help_and_version() -> None:
    assert run_cli("--help").returncode == 0
    assert "pipeline" in run_cli("--version").stdout


@pytest.mark.skipif(not shutil.which("script"), reason="no `script` (util-linux)")
def test_run_on_a_terminal_ends_with_a_summary_table(workdir: Path, model_store: Path) -> None:
    """On a terminal: progress bars, then a rich summary table (logs get plain lines)."""
    command = f"{sys.executable} -m pipeline run transcript.txt --to fr"
    result = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout
    screen = result.stdout
    assert "Reading" in screen and "Translating en→fr" in screen and "Run summary" in screen
    row = next(line for line in screen.splitlines() if line.startswith("│ fr "))
    assert [cell.strip() for cell in row.strip("│").split("│")][:4] == ["fr", "36", "36", "0"]
    assert "1 document · 6 files written" in screen
    assert "segments machine-translated" not in screen  # the plain lines are for logs
