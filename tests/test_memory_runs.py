"""The translation memory in real runs (issue #15): reviews compound across the archive.

Every test runs the CLI on transcripts with the word-by-word test model, edits PO
files as a translator would (polib, then msgcat's layout), and reads the results
back with polib and ``msgfmt -c``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import polib
from conftest import DATA, run_cli
from po_files import checked_po, confirm

from pipeline.testing import word_by_word

GOOD = "Good afternoon."
THANKS = "Thank you very much."
SPEECH = (
    "Good afternoon.\n\n"
    "The peace process is fragile and the Allies are strong.\n\n"
    "Thank you very much.\n"
)
OTHER = (
    "Good afternoon.\n\n"
    "Today NATO ministers discussed cooperation with our partners in the region.\n\n"
    "Thank you very much.\n"
)


def _po(name: str) -> polib.POFile:
    return checked_po(Path("translations/fr") / f"{name}.po")


def _write(name: str, text: str) -> None:
    Path(f"{name}.txt").write_text(text, encoding="utf-8")


def test_a_review_is_reused_in_another_document_and_propagates(
    workdir: Path, model_store: Path
) -> None:
    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    confirm(Path("translations/fr/speech.po"), {GOOD: "Bonjour à tous."}, rewrap=True)

    # A new document with the same sentence: filled from the memory, not fuzzy.
    _write("other", OTHER)
    result = run_cli("run", "other.txt", "--to", "fr", "--json", "--quiet")
    assert result.returncode == 0, result.stderr
    entry = _po("other").find(GOOD)
    assert entry.msgstr == "Bonjour à tous." and "fuzzy" not in entry.flags
    assert entry.comment.splitlines()[-1].startswith("translation memory: ")
    assert "exact match, speech.po:" in entry.comment
    summary = json.loads(result.stdout)
    assert summary["memory_exact"] == 1 and summary["languages"]["fr"]["memory_exact"] == 1
    published = Path("output/fr/other.txt").read_text(encoding="utf-8")
    assert "Bonjour à tous." in published

    # A later review propagates to the other document's machine translation …
    assert _po("other").find(THANKS).msgstr == word_by_word(THANKS)  # machine, for now
    confirm(Path("translations/fr/speech.po"), {THANKS: "Merci beaucoup."}, rewrap=True)
    result = run_cli("run", "speech.txt", "other.txt", "--to", "fr")
    assert result.returncode == 0, result.stderr
    assert "1 machine translation was replaced by a reviewed translation" in result.stderr
    assert _po("other").find(THANKS).msgstr == "Merci beaucoup."

    # … but never over a person's text.
    confirm(Path("translations/fr/other.po"), {THANKS: "Merci infiniment."}, rewrap=True)
    confirm(Path("translations/fr/speech.po"), {THANKS: "Grand merci."}, rewrap=True)
    run_cli("run", "speech.txt", "other.txt", "--to", "fr", "--quiet", check=True)
    assert _po("other").find(THANKS).msgstr == "Merci infiniment."
    status = {
        row["document"]: row for row in json.loads(run_cli("status", "--json").stdout)
    }
    assert status["other"]["memory_exact"] == 1 and status["other"]["reviewed"] == 1


def test_fuzzy_memory_match_and_exact_matches_marked_fuzzy(
    workdir: Path, model_store: Path
) -> None:
    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    confirm(
        Path("translations/fr/speech.po"),
        {THANKS: "Merci beaucoup.", GOOD: "Bonjour."},
        rewrap=True,
    )
    _write("other", OTHER.replace(THANKS, "Thank you very much indeed."))
    run_cli("run", "other.txt", "--to", "fr", "--memory-exact", "fuzzy", "--quiet", check=True)
    po = _po("other")
    fuzzy = po.find("Thank you very much indeed.")
    assert fuzzy.msgstr == "Merci beaucoup." and "fuzzy" in fuzzy.flags
    assert fuzzy.previous_msgid == THANKS  # what Poedit shows as the previous source
    assert "% match, speech.po:" in fuzzy.comment
    exact = po.find(GOOD)
    assert exact.msgstr == "Bonjour." and "fuzzy" in exact.flags  # --memory-exact fuzzy
    assert "exact match" in exact.comment
    # the fuzzy match is not published: the sentence's machine translation is
    published = Path("output/fr/other.txt").read_text(encoding="utf-8")
    assert word_by_word("Thank you very much indeed.") in published
    assert "Merci beaucoup." not in published


def test_no_memory_switch(workdir: Path, model_store: Path) -> None:
    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    confirm(Path("translations/fr/speech.po"), {GOOD: "Bonjour à tous."}, rewrap=True)
    _write("other", OTHER)
    run_cli("run", "other.txt", "--to", "fr", "--no-memory", "--quiet", check=True)
    assert _po("other").find(GOOD).msgstr == word_by_word(GOOD)


def test_a_renamed_document_gets_its_reviews_back(workdir: Path, model_store: Path) -> None:
    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    confirm(
        Path("translations/fr/speech.po"),
        {GOOD: "Bonjour.", THANKS: "Merci beaucoup."},
        rewrap=True,
    )
    Path("speech.txt").rename("renamed.txt")
    result = run_cli("run", "renamed.txt", "--to", "fr")
    assert result.returncode == 0, result.stderr
    assert "back from the memory in context" in result.stderr
    po = _po("renamed")
    assert po.find(GOOD).msgstr == "Bonjour." and po.find(THANKS).msgstr == "Merci beaucoup."
    assert "in-context exact match, speech.po:" in po.find(GOOD).comment


def test_import_tmx_and_po_compendium_then_export(workdir: Path, model_store: Path) -> None:
    shutil.copy(DATA / "memory" / "memory.en-fr.tmx", "sample.tmx")
    compendium = polib.POFile()
    compendium.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    compendium.append(polib.POEntry(msgid=THANKS, msgstr="Merci bien."))
    compendium.save("compendium.po")
    result = run_cli("memory", "import", "sample.tmx", "compendium.po", "--from", "en")
    assert result.returncode == 0, result.stderr
    assert "sample.tmx: 4 units (en→fr 4)" in result.stdout
    stats = json.loads(run_cli("memory", "stats", "--json").stdout)
    assert stats["units"] == 5 and stats["pairs"][0]["imported"] == 5

    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    po = _po("speech")
    assert po.find(GOOD).msgstr == "Bonjour." and "fuzzy" not in po.find(GOOD).flags
    assert po.find(THANKS).msgstr in ("Merci beaucoup.", "Merci bien.")
    assert "sample.tmx" in po.find(GOOD).comment

    result = run_cli("memory", "export", "--to", "fr", "out.tmx")
    assert result.returncode == 0, result.stderr
    shutil.rmtree("translations")
    run_cli("memory", "import", "out.tmx", check=True)
    assert json.loads(run_cli("memory", "stats", "--json").stdout)["units"] == 5


def test_a_malformed_memory_file_imports_nothing(workdir: Path) -> None:
    shutil.copy(DATA / "memory" / "memory.en-fr.tmx", "good.tmx")
    Path("bad.tmx").write_text("<tmx version='1.4'><body><tu>", encoding="utf-8")
    result = run_cli("memory", "import", "good.tmx", "bad.tmx")
    assert result.returncode == 1 and "bad.tmx" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run_cli("memory", "stats", "--json").stdout)["units"] == 0


def test_consistency_warning_lists_every_variant(workdir: Path, model_store: Path) -> None:
    _write("speech", SPEECH)
    _write("other", OTHER)
    run_cli("run", "speech.txt", "other.txt", "--to", "fr", "--quiet", check=True)
    confirm(Path("translations/fr/speech.po"), {GOOD: "Bonjour."}, rewrap=True)
    confirm(Path("translations/fr/other.po"), {GOOD: "Bon après-midi."}, rewrap=True)
    result = run_cli("check", "--check", "consistency")
    assert result.returncode == 0, result.stderr  # a warning does not fail the gate
    line = next(ln for ln in result.stdout.splitlines() if "[consistency]" in ln)
    assert "«Bonjour.» (speech.po:" in line and "«Bon après-midi.» (other.po:" in line


def test_a_damaged_memory_loses_no_review_and_is_rebuilt(
    workdir: Path, model_store: Path
) -> None:
    _write("speech", SPEECH)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    confirm(Path("translations/fr/speech.po"), {GOOD: "Bonjour à tous."}, rewrap=True)
    run_cli("run", "speech.txt", "--to", "fr", "--quiet", check=True)
    reviewed = Path("translations/fr/speech.po").read_bytes()
    Path("translations/memory.sqlite3").write_bytes(b"garbage" * 1000)
    for leftover in Path("translations").glob("memory.sqlite3-*"):
        leftover.unlink()
    result = run_cli("run", "speech.txt", "--to", "fr")
    assert result.returncode == 0, result.stderr
    assert "pipeline memory rebuild" in result.stderr
    assert _po("speech").find(GOOD).msgstr == "Bonjour à tous."
    assert b"Bonjour \xc3\xa0 tous." in reviewed
    result = run_cli("memory", "rebuild")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect("translations/memory.sqlite3") as db:
        targets = {row[0] for row in db.execute("SELECT target FROM units")}
    assert "Bonjour à tous." in targets
