"""Helpers for tests that need real PO files (written with polib, checked with msgfmt -c)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

NBSP = "\u00a0"
NNBSP = "\u202f"

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext missing")

HEADER = {
    "Project-Id-Version": "transcripts 1",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2024-01-01 00:00+0000",
    "PO-Revision-Date": "2024-01-02 00:00+0000",
    "Last-Translator": "Test <test@example.org>",
    "Language-Team": "French",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def entry(
    msgid: str, msgstr: str, line: int, *, machine: bool = False, ref: str = "transcript.txt"
) -> polib.POEntry:
    """A PO entry referencing ``ref:line``; ``machine``: fuzzy, with the MT comment."""
    made = polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[(ref, str(line))])
    if machine:
        made.comment = "machine translation: argos en->fr 1.9"
        made.flags.append("fuzzy")
    return made


def write_po(
    path: Path, entries: list[polib.POEntry], *, language: str = "fr", valid: bool = True
) -> Path:
    """Save ``entries`` under a full header; ``valid``: assert that ``msgfmt -c`` accepts it."""
    po = polib.POFile(wrapwidth=78)
    po.metadata = {**HEADER, "Language": language}
    for made in entries:
        po.append(made)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    if valid and shutil.which("msgfmt"):
        args = ["msgfmt", "-c", "--use-fuzzy", "-o", "/dev/null", "--", str(path)]
        subprocess.run(args, check=True, capture_output=True)
    return path


def entry_start_lines(path: Path) -> dict[str, int]:
    """msgid text -> 1-based line where its block starts (independent of polib's parser)."""
    starts: dict[str, int] = {}
    block_start = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            block_start = None
            continue
        if block_start is None:
            block_start = number
        if line.startswith('msgid "'):
            starts[line[len('msgid "') : -1]] = block_start
    return starts


def msgfmt_check(path: Path) -> None:
    """Assert that ``msgfmt -c`` accepts the catalog at ``path`` (its complaints if not)."""
    result = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def checked_po(path: Path) -> polib.POFile:
    """The catalog at ``path``, read with polib once ``msgfmt -c`` has accepted it."""
    msgfmt_check(path)
    return polib.pofile(str(path))


def confirm(po_path: Path, translations: dict[str, str], *, rewrap: bool = False) -> None:
    """A translator confirms these translations (msgid -> msgstr, fuzzy off), as a PO
    editor would; ``rewrap``: then msgcat rewraps the file, as gettext's tools leave it."""
    po = polib.pofile(str(po_path))
    for msgid, msgstr in translations.items():
        found = po.find(msgid)
        found.msgstr = msgstr
        found.flags = [flag for flag in found.flags if flag != "fuzzy"]
    po.save()
    if rewrap:
        subprocess.run(["msgcat", str(po_path), "-o", str(po_path)], check=True)
