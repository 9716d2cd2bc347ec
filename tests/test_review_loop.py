"""The translator round trip: run → review in a PO editor → source changes → run again.

Every reviewed translation must survive, exactly as msgmerge users expect.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
from conftest import run_cli

from pipeline.testing import word_by_word

A_OLD = "The size of our mission will increase from 500 personnel to around 4,000."
A_NEW = "The size of our mission will increase from 500 personnel to around 5,000."
B = "We are also closely coordinating with the Global Coalition."
R = "Our presence is conditions-based, and increases in troop numbers will be incremental."
N = "This sentence is brand new."

REVIEWED = {
    A_OLD: "La taille de notre mission passera de 500 personnes à environ 4 000.",
    B: "Nous coordonnons aussi étroitement avec la Coalition mondiale.",
    R: "Notre présence dépend des conditions, et les hausses d’effectifs seront progressives.",
}


def _review(po_path: Path) -> None:
    """A translator edits in an editor (polib), then gettext rewraps the file (msgcat)."""
    po = polib.pofile(str(po_path))
    for msgid, msgstr in REVIEWED.items():
        entry = po.find(msgid)
        entry.msgstr = msgstr
        entry.flags.remove("fuzzy")
        entry.tcomment = "relu par Anne"
    po.save()
    subprocess.run(["msgcat", str(po_path), "-o", str(po_path)], check=True)


def _snapshot(root: Path) -> dict[str, int]:
    return {
        str(p): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(("mt-cache", ".pipeline.lock"))
    }


def test_review_round_trip(workdir: Path, model_store: Path) -> None:
    source = workdir / "transcript.txt"
    po_path = workdir / "translations" / "fr" / "transcript.po"
    original = source.read_text(encoding="utf-8")
    assert A_OLD in original and B in original and R in original

    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    _review(po_path)
    reviewed_bytes = {msgid: polib.pofile(str(po_path)).find(msgid).msgstr for msgid in REVIEWED}

    # The source changes: A edited, R removed, N added.
    changed = original.replace(A_OLD, A_NEW).replace(R + "\n", "").replace(B, B + "\n" + N)
    source.write_text(changed, encoding="utf-8")
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)

    po = polib.pofile(str(po_path))
    b = po.find(B)
    assert (
        b.msgstr == reviewed_bytes[B] and "fuzzy" not in b.flags and b.tcomment == "relu par Anne"
    )
    a = po.find(A_NEW)
    assert a.previous_msgid == A_OLD and "fuzzy" in a.flags and a.msgstr == REVIEWED[A_OLD]
    assert '#| "The size of our mission will increase from 500 personnel to around 4,000."' in (
        po_path.read_text(encoding="utf-8")
    )  # a long previous msgid is wrapped as gettext wraps it
    obsolete = {e.msgid: e for e in po.obsolete_entries()}
    assert obsolete[R].msgstr == REVIEWED[R]
    new = po.find(N)
    assert "fuzzy" in new.flags and "machine translation: argos en→fr 1.0" in new.comment

    # The removed sentence comes back with its reviewed translation.
    source.write_text(changed.replace(B, B + "\n" + R), encoding="utf-8")
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    po = polib.pofile(str(po_path))
    restored = po.find(R)
    assert restored.msgstr == REVIEWED[R] and "fuzzy" not in restored.flags
    assert R not in {e.msgid for e in po.obsolete_entries()}
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po_path)], check=True)

    # Published documents use the reviewed text; the edited sentence is published as the
    # machine translation of its new text (not the old suggestion, not English).
    text = (workdir / "output" / "fr" / "transcript.txt").read_text(encoding="utf-8")
    assert REVIEWED[B] in text and REVIEWED[R] in text
    assert REVIEWED[A_OLD] not in text and A_NEW not in text
    assert word_by_word(A_NEW) in text

    # status counts: gettext's words, and where the text comes from
    (row,) = json.loads(run_cli("status", "--json").stdout)
    assert row["reviewed"] == row["translated"] == 2 and row["suggestion"] == 1
    assert row["fuzzy"] == row["total"] - 2 and row["untranslated"] == 0
    assert row["machine"] == row["total"] - 3

    # A no-op run changes no file.
    before = _snapshot(workdir)
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 0 and "0 segments machine-translated" not in result.stderr
    assert _snapshot(workdir) == before


def test_publishing_policy(workdir: Path, model_store: Path) -> None:
    po_path = workdir / "translations" / "fr" / "transcript.po"
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    _review(po_path)

    refused = run_cli("publish", "transcript.txt", "--to", "fr", "--require-reviewed")
    assert refused.returncode == 3  # ExitStatus.QUALITY: a quality gate refused
    total = len(polib.pofile(str(po_path)))
    assert f"transcript [fr]: {total - 3} not reviewed" in refused.stderr

    html = workdir / "output" / "fr" / "transcript.html"
    html.unlink()
    skipped = run_cli("publish", "transcript.txt", "--to", "fr", "--min-reviewed", "80")
    assert skipped.returncode == 0 and not html.exists()  # 3 of ~36 reviewed: kept back

    po = polib.pofile(str(po_path))
    for entry in po:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save()
    assert run_cli("publish", "transcript.txt", "--to", "fr", "--require-reviewed").returncode == 0
    assert 'content="1' in html.read_text(encoding="utf-8")  # x-reviewed-ratio meta: 1.0


def test_retranslate_machine_after_model_update(
    workdir: Path, model_store: Path, tmp_path: Path
) -> None:
    from conftest import training_texts

    from pipeline.testing import DEFAULT_GLOSSARY, build_test_package

    po_path = workdir / "translations" / "fr" / "transcript.po"
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    _review(po_path)
    newer = build_test_package(
        tmp_path / "newer",
        training_texts=training_texts(),
        glossary={**DEFAULT_GLOSSARY, "Good": "Bon"},
        package_version="1.1",
    )
    run_cli("models", "install", "--file", str(newer), check=True)

    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    assert polib.pofile(str(po_path)).find("Good afternoon.").msgstr == "Good afternoon."

    run_cli("translate", "transcript.txt", "--to", "fr", "--retranslate-machine", check=True)
    po = polib.pofile(str(po_path))
    redone = po.find("Good afternoon.")
    assert redone.msgstr == "Bon afternoon." and "argos en→fr 1.1" in redone.comment
    for msgid, msgstr in REVIEWED.items():
        entry = po.find(msgid)
        assert entry.msgstr == msgstr and "fuzzy" not in entry.flags
