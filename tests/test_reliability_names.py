"""File names and places that once lost work or grew without end (issue #12).

Names a catalog cannot hold (a newline, ``..txt``), a file named like a part
of its neighbour, a symbolic link and its file, outputs inside the source tree,
leftovers of a killed run, files that are not text. Each test is a row of
docs/reliability.md; all go through the command line, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import msgfmt_check

from pipeline.testing import word_by_word

SENTENCE = "The peace process is fragile."


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and ".pipeline.lock" not in p.name
    )


# -- names a catalog cannot hold -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("new\nline.txt", "new\\nline: a file name with a control character"),
        ("tab\there.txt", "tab\\there: a file name with a control character"),
        ("...txt", "...txt: its name '..' cannot be a file name"),
        ("..txt", "..txt: its name '.' cannot be a file name"),
    ],
    ids=["newline", "tab", "three dots", "two dots"],
)
def test_a_name_no_catalog_can_hold_skips_that_document_only(
    workdir: Path, model_store: Path, name: str, message: str
) -> None:
    """Refused before anything is written for it, with one line naming it (exit 2); the
    archive's other documents are translated and published, and every catalog is valid."""
    (workdir / name).write_text(SENTENCE + "\n", encoding="utf-8")
    result = run_cli("run", ".", "--to", "fr")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "1 of 2 documents skipped" in result.stderr
    catalogs = sorted(Path("translations").rglob("*.po*"))
    assert [p.name for p in catalogs] == ["transcript.po", "transcript.pot"]
    for path in catalogs:
        msgfmt_check(path)
    assert 'data-document="transcript"' in Path("output/index.html").read_text("utf-8")
    alone = run_cli("run", name, "--to", "fr")
    assert alone.returncode == 2 and message in alone.stderr


# -- a file named like a part of its neighbour -----------------------------------------------


def test_a_file_named_like_a_part_of_a_small_file_is_a_document_of_its_own(
    workdir: Path, model_store: Path
) -> None:
    """``x.part-0001.txt`` beside a small ``x.txt``: neither its catalog nor its published
    files are ever taken for a stale part of ``x``, run after run (issue #12, case 4)."""
    Path("transcript.part-0001.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    for _ in range(3):
        result = run_cli("run", ".", "--to", "fr")
        assert result.returncode == 0, result.stderr
        assert "note:" not in result.stderr, result.stderr
        published = Path("output/fr/transcript.part-0001.txt").read_text("utf-8")
        assert published.endswith(word_by_word(SENTENCE) + "\n")
        assert Path("output/fr/transcript.txt").is_file()
        index = Path("output/index.html").read_text("utf-8")
        assert 'data-document="transcript.part-0001"' in index
        assert 'data-document="transcript"' in index
    po = polib.pofile("translations/fr/transcript.part-0001.po")
    assert [e.msgid for e in po] == [SENTENCE]


def test_a_file_named_like_a_part_outside_the_job_is_protected(
    workdir: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file whose part would take the catalogs of a file named like it is refused,
    even when that file is not in the job (``pipeline run big.txt``)."""
    monkeypatch.setenv("PIPELINE_PART_BYTES", "8192")
    big = "".join(f"Paragraph {n} of the peace process is fragile.\n\n" for n in range(900))
    Path("big.txt").write_text(big, encoding="utf-8")
    Path("big.part-0001.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    run_cli("run", "big.part-0001.txt", "--to", "fr", "--quiet", check=True)
    before = {p: p.read_bytes() for p in Path("translations").rglob("*.po*")}
    result = run_cli("run", "big.txt", "--to", "fr")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "big.part-0001.txt" in result.stderr
    assert "is also the name of a part of the large file" in result.stderr
    assert {p: p.read_bytes() for p in Path("translations").rglob("*.po*")} == before


# -- symbolic links, and outputs inside the source tree ---------------------------------------


@pytest.mark.parametrize("link", ["src/alias.txt", "a-link.txt"])
def test_a_link_and_its_file_are_one_document_named_by_the_file(
    workdir: Path, model_store: Path, link: str
) -> None:
    """Whichever comes first in the walk, the document is named by the real file, and the
    run says so for the link (issue #12, case 5)."""
    Path(link).parent.mkdir(exist_ok=True)
    Path(link).symlink_to(os.path.relpath(workdir / "transcript.txt", Path(link).parent))
    result = run_cli("run", ".", "--to", "fr")
    assert result.returncode == 0, result.stderr
    target = workdir / "transcript.txt"
    assert f"note: {workdir / link}: a link to {target}; filed once, as 'transcript'" in (
        result.stderr
    )
    assert _files(workdir / "translations" / "fr") == ["transcript.po"]
    assert _files(workdir / "output" / "fr") == [
        "index.html",
        "transcript.html",
        "transcript.md",
        "transcript.txt",
    ]


def test_outputs_inside_the_source_tree_are_never_read_back(
    workdir: Path, model_store: Path
) -> None:
    """``cd dir; pipeline run .`` three times: the same files, no ``output/fr/output/…``
    (issue #12, case 6)."""
    Path("src").mkdir()
    Path("src/b.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    run_cli("run", ".", "--to", "fr", "--quiet", check=True)
    first = _files(workdir)
    for _ in range(2):
        result = run_cli("run", ".", "--to", "fr")
        assert result.returncode == 0 and "0 files written" in result.stderr, result.stderr
    assert _files(workdir) == first
    assert not any("output/" in name for name in _files(workdir / "output"))
    globbed = run_cli("run", "**/*.txt", "--to", "fr")  # a pattern's matches in output/ left out
    assert globbed.returncode == 0 and _files(workdir) == first, globbed.stderr


def test_run_from_a_project_subdirectory_records_each_transcript(
    workdir: Path, model_store: Path
) -> None:
    """The index knows where each document's transcript is whatever directory the command
    runs in: a deleted transcript leaves the index, and only outputs published from a file
    are ever removed as its stale parts."""
    run_cli("init", "--to", "fr", check=True)
    Path("sub").mkdir()
    Path("other.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    run_cli("run", "--quiet", cwd=workdir / "sub", check=True)
    assert 'data-document="transcript"' in Path("output/index.html").read_text("utf-8")
    Path("transcript.txt").unlink()
    run_cli("run", "--quiet", cwd=workdir / "sub", check=True)
    index = Path("output/index.html").read_text("utf-8")
    assert 'data-document="transcript"' not in index and 'data-document="other"' in index


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("src", "--output-dir", "src"), "src: is the output directory too; give --output-dir"),
        ((".", "--output-dir", "."), ": is the output directory too"),
        (("src", "--translations-dir", "src"), "src: is the translations directory too"),
        (("output/fr",), "output/fr: is in the output directory"),
        (("output/fr/transcript.txt",), "output/fr/transcript.txt: is in the output directory"),
    ],
    ids=["output is src", "output is root", "translations is src", "in output", "a file in it"],
)
def test_walking_or_naming_the_output_or_translations_directory_is_one_line(
    workdir: Path, model_store: Path, args: tuple[str, ...], message: str
) -> None:
    Path("src").mkdir()
    Path("src/b.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    run_cli("run", ".", "--to", "fr", "--quiet", check=True)
    before = _files(workdir)
    result = run_cli("run", *args, "--to", "fr")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert _files(workdir) == before


# -- leftovers of a killed run ----------------------------------------------------------------


def test_leftovers_of_a_killed_run_are_swept(
    workdir: Path, model_store: Path, tmp_path: Path
) -> None:
    """Temporary files beside catalogs and outputs, and the scratch directories of dead
    processes in the system temporary directory, are removed by the next run."""
    scratch = tmp_path / "system-tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True, env=env)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftovers = [
        Path("translations/fr/.transcript.po.k3j9x_1a.tmp"),
        Path("output/fr/.transcript.html.0a1b2c3d.tmp"),
    ]
    for path in leftovers:
        path.write_text("half a file", encoding="utf-8")
    Path("translations/.pipeline.running").write_text("12345\n", encoding="utf-8")
    stale = scratch / f"pipeline-pending-{dead.pid}-x1y2z3"
    alive = scratch / f"pipeline-pending-{os.getpid()}-a1b2c3"
    for directory in (stale, alive):
        directory.mkdir()
        (directory / "pending.sqlite3").write_bytes(b"x")
    result = run_cli("run", "transcript.txt", "--to", "fr", env=env)
    assert result.returncode == 0, result.stderr
    assert "removed 2 temporary files it left behind" in result.stderr
    assert not any(path.exists() for path in leftovers)
    assert not stale.exists() and alive.exists()  # another run's scratch is never touched
    assert not Path("translations/.pipeline.running").exists()


# -- files that are not text (the text layer's fixes are on another branch) -------------------


def test_devices_are_refused_with_one_line(workdir: Path) -> None:
    for device in ("/dev/zero", "/dev/urandom"):
        result = run_cli("run", device, "--to", "fr")
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "not a regular file" in result.stderr


def test_a_named_fifo_is_refused_with_one_line(workdir: Path) -> None:
    os.mkfifo("pipe.txt")
    result = run_cli("run", "pipe.txt", "--to", "fr")
    assert result.returncode == 1 and "pipe.txt: not a regular file" in result.stderr


def test_a_fifo_in_a_walked_directory_is_skipped_and_reported(
    workdir: Path, model_store: Path
) -> None:
    os.mkfifo("pipe.txt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", ".", "--to", "fr"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("blocked on the FIFO")
    assert proc.returncode == 2 and "pipe.txt" in stderr
    assert Path("translations/fr/transcript.po").is_file()


def test_a_sparse_file_of_nuls_is_refused_as_binary(workdir: Path) -> None:
    with open("sparse.txt", "wb") as f:
        f.truncate(4 << 20)
    result = run_cli("run", "sparse.txt", "--to", "fr")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "sparse.txt: binary file" in result.stderr


def test_utf16_with_a_bom_is_read_or_named(workdir: Path, model_store: Path) -> None:
    Path("utf16.txt").write_bytes((SENTENCE + "\n").encode("utf-16"))
    result = run_cli("run", "utf16.txt", "--to", "fr")
    if result.returncode == 0:
        po = polib.pofile("translations/fr/utf16.po")
        assert [e.msgid for e in po] == [SENTENCE]
    else:
        assert "utf-16" in result.stderr.lower() and "binary" not in result.stderr
