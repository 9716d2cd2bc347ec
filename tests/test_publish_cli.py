"""The publishing flags on the command line: --style, --only-reviewed, --paper, --index-language."""

from __future__ import annotations

from pathlib import Path

import polib
from conftest import run_cli


def _review_everything(po_path: Path) -> None:
    """What a translator does in Poedit: check every entry (clear the fuzzy flag)."""
    po = polib.pofile(str(po_path))
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def test_public_set_of_reviewed_documents(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--style", "public", "--quiet", check=True)
    page = (workdir / "output" / "fr" / "transcript.html").read_text("utf-8")
    assert "seg mt" not in page and "Traduction automatique non relue" in page

    public = ["--output-dir", "public", "--style", "public", "--only-reviewed", "--quiet"]
    run_cli("publish", "transcript.txt", "--to", "fr", *public, check=True)
    assert not (workdir / "public" / "fr" / "transcript.html").exists()  # nothing reviewed yet
    index = (workdir / "public" / "index.html").read_text("utf-8")
    assert "Rien n&#39;a encore été publié." in index

    _review_everything(workdir / "translations" / "fr" / "transcript.po")
    run_cli(
        "publish",
        "transcript.txt",
        "--to",
        "fr",
        *public,
        "--format",
        "html,docx",
        "--paper",
        "letter",
        "--index-language",
        "de",
        check=True,
    )
    page = (workdir / "public" / "fr" / "transcript.html").read_text("utf-8")
    assert 'class="notice"' not in page and "og:title" in page
    index = (workdir / "public" / "index.html").read_text("utf-8")
    assert '<html lang="de"' in index and "1 Dokument<" in index

    import docx

    section = docx.Document(str(workdir / "public" / "fr" / "transcript.docx")).sections[0]
    assert round(section.page_width.inches, 2) == 8.5


def test_invalid_publishing_flags_are_one_line_errors(workdir: Path, model_store: Path) -> None:
    for flag, value, message in [
        ("--style", "glossy", 'publish.style: expected "review" or "public", got "glossy"'),
        ("--paper", "a3", "publish.paper: expected \"a4\" or \"letter\", got \"a3\""),
        ("--format", "odt", "odt"),
    ]:
        result = run_cli("publish", "transcript.txt", "--to", "fr", flag, value)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr
        assert not (workdir / "output").exists()
