"""Merge identity as msgmerge has it: (msgctxt, msgid), plural entries, obsolete entries.

Issue #12 case 1: hand-added plural and ``msgctxt`` entries were deleted or
merged into the plain entry of the same msgid by ``pipeline extract``. These
tests reproduce the case through the CLI and compare the merge with GNU
``msgmerge`` itself on the same files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import msgfmt_check

from pipeline.gettext import merge, states
from pipeline.gettext.po_format import format_po, write_po

needs_gettext = pytest.mark.skipif(
    shutil.which("msgmerge") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext (msgmerge, msgfmt) is not installed",
)

HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Language: {language}\\n"\n"Plural-Forms: {plural}\\n"\n\n'
)
FRENCH = HEADER.format(language="fr", plural="nplurals=2; plural=(n > 1);")
POLISH_PLURAL = (
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
APPLES = (
    'msgid "%d apple"\nmsgid_plural "%d apples"\n'
    'msgstr[0] "%d jabłko"\nmsgstr[1] "%d jabłka"\nmsgstr[2] "%d jabłek"\n'
)


def _po(text: str) -> polib.POFile:
    return polib.pofile(text, wrapwidth=79)


def _pot(*msgids: str | tuple[str, str]) -> polib.POFile:
    """A template; a (msgctxt, msgid) pair gives an entry with a context."""
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for item in msgids:
        msgctxt, msgid = item if isinstance(item, tuple) else (None, item)
        pot.append(polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr=""))
    return pot


def _by_key(po: polib.POFile) -> dict[tuple[str | None, str, bool], polib.POEntry]:
    return {(e.msgctxt, e.msgid, bool(e.obsolete)): e for e in po}


# --------------------------------------------------------------------------
# The case, end to end
# --------------------------------------------------------------------------
@needs_gettext
def test_hand_added_plural_and_context_entries_survive_extract(workdir: Path) -> None:
    run_cli("extract", "transcript.txt", "--to", "pl", check=True)
    path = workdir / "translations" / "pl" / "transcript.po"
    po = polib.pofile(str(path), wrapwidth=79)
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    plain = po[0]
    plain.msgstr = "Tłumaczenie zwykłe"
    write_po(po, path)
    # a translator appends a plural entry and a context entry for an existing msgid
    context = f'msgctxt "menu"\nmsgid "{plain.msgid}"\nmsgstr "Tłumaczenie w menu"\n'
    path.write_text(path.read_text(encoding="utf-8") + f"\n{APPLES}\n{context}", encoding="utf-8")
    msgfmt_check(path)
    before = json.loads(run_cli("status", "--to", "pl", "--json", check=True).stdout)[0]

    run_cli("extract", "transcript.txt", "--to", "pl", check=True)

    msgfmt_check(path)
    entries = _by_key(polib.pofile(str(path), wrapwidth=79))
    apples = entries[None, "%d apple", True]
    assert apples.msgid_plural == "%d apples"
    assert apples.msgstr_plural == {0: "%d jabłko", 1: "%d jabłka", 2: "%d jabłek"}
    assert entries["menu", plain.msgid, True].msgstr == "Tłumaczenie w menu"
    kept = entries[None, plain.msgid, False]
    assert kept.msgstr == "Tłumaczenie zwykłe" and kept.flags == []
    assert not [key for key in entries if key[0] == "menu" and not key[2]]
    # status counted both hand-added entries as reviewed before; they are obsolete now
    after = json.loads(run_cli("status", "--to", "pl", "--json", check=True).stdout)[0]
    assert before["reviewed"] == 3 and after["reviewed"] == 1
    assert before["total"] == after["total"] + 2


# --------------------------------------------------------------------------
# Identity and obsolete entries
# --------------------------------------------------------------------------
def test_context_entry_is_its_own_message() -> None:
    old = _po(
        FRENCH + 'msgid "Open."\nmsgstr "Ouvrir."\n\n'
        'msgctxt "menu"\nmsgid "Open."\nmsgstr "Ouvrir (menu)."\n'
    )
    new = merge.merge(_pot("Open."), old, "fr")
    entries = _by_key(new)
    assert entries[None, "Open.", False].msgstr == "Ouvrir."
    assert entries["menu", "Open.", True].msgstr == "Ouvrir (menu)."
    assert len(new) == 2


def test_unmatched_translated_entries_of_any_shape_become_obsolete() -> None:
    old = _po(
        FRENCH
        + 'msgid "Kept."\nmsgstr "Gardé."\n\n'
        + 'msgid "Reviewed."\nmsgstr "Relu."\n\n'
        + '#, fuzzy\nmsgid "Needs work."\nmsgstr "À revoir."\n\n'
        + 'msgid "%d pear"\nmsgid_plural "%d pears"\nmsgstr[0] "%d poire"\nmsgstr[1] ""\n\n'
        + 'msgctxt "title"\nmsgid "Kept."\nmsgstr "Gardé (titre)."\n\n'
        + 'msgid "Never translated."\nmsgstr ""\n'
    )
    new = merge.merge(_pot("Kept."), old, "fr")
    obsolete = {(e.msgctxt, e.msgid): e for e in new.obsolete_entries()}
    assert set(obsolete) == {
        (None, "Reviewed."),
        (None, "Needs work."),
        (None, "%d pear"),
        ("title", "Kept."),
    }
    assert obsolete[None, "%d pear"].msgstr_plural == {0: "%d poire", 1: ""}
    assert obsolete[None, "Needs work."].flags == ["fuzzy"]
    text = format_po(new)
    assert '#~ msgctxt "title"' in text and '#~ msgstr[0] "%d poire"' in text
    assert "Never translated." not in text


def test_obsolete_entries_come_back_by_context_and_msgid() -> None:
    old = _po(
        FRENCH + 'msgid "Stay."\nmsgstr "Reste."\n\n'
        '#~ msgctxt "menu"\n#~ msgid "Open."\n#~ msgstr "Ouvrir (menu)."\n\n'
        '#~ msgid "%d file"\n#~ msgid_plural "%d files"\n'
        '#~ msgstr[0] "%d fichier"\n#~ msgstr[1] "%d fichiers"\n'
    )
    back = _pot("Stay.", ("menu", "Open."))
    back.append(polib.POEntry(msgid="%d file", msgid_plural="%d files", msgstr_plural={0: ""}))
    new = merge.merge(back, old, "fr")
    assert not new.obsolete_entries()
    entries = _by_key(new)
    assert entries["menu", "Open.", False].msgstr == "Ouvrir (menu)."
    assert entries[None, "%d file", False].msgstr_plural == {0: "%d fichier", 1: "%d fichiers"}
    # a plain template entry does not revive the context entry: a suggestion, as msgmerge
    plain = _by_key(merge.merge(_pot("Stay.", "Open."), old, "fr"))
    suggestion = plain[None, "Open.", False]
    assert suggestion.msgstr == "Ouvrir (menu)." and suggestion.flags == ["fuzzy"]
    assert (suggestion.previous_msgctxt, suggestion.previous_msgid) == ("menu", "Open.")
    assert plain["menu", "Open.", True].msgstr == "Ouvrir (menu)."  # reviewed: kept


def test_suggestion_from_a_plural_entry_keeps_the_plural_as_obsolete() -> None:
    old = _po(
        FRENCH + 'msgid "%d apple was eaten"\nmsgid_plural "%d apples were eaten"\n'
        'msgstr[0] "%d pomme a été mangée"\nmsgstr[1] "%d pommes ont été mangées"\n'
    )
    new = merge.merge(_pot("%d apple was eaten today"), old, "fr")
    entry = new[0]
    assert entry.msgstr == "%d pomme a été mangée" and "fuzzy" in entry.flags
    assert entry.previous_msgid == "%d apple was eaten"
    assert entry.previous_msgid_plural == "%d apples were eaten"
    assert [e.msgid for e in new.obsolete_entries()] == ["%d apple was eaten"]
    assert states.classify(entry) is states.Origin.SUGGESTION


@needs_gettext
def test_merge_agrees_with_msgmerge(tmp_path: Path) -> None:
    """Same translations, fuzziness and obsolete entries as GNU msgmerge on one file."""
    old_text = (
        FRENCH
        + 'msgid "Open."\nmsgstr "Ouvrir."\n\n'
        + 'msgctxt "menu"\nmsgid "Open."\nmsgstr "Ouvrir (menu)."\n\n'
        + 'msgid "%d apple"\nmsgid_plural "%d apples"\nmsgstr[0] "%d pomme"\n'
        + 'msgstr[1] "%d pommes"\n\n'
        + 'msgid "%d pear"\nmsgid_plural "%d pears"\nmsgstr[0] "%d poire"\n'
        + 'msgstr[1] "%d poires"\n\n'
        + 'msgid "The peace process is fragile."\nmsgstr "Le processus de paix est fragile."\n\n'
        + 'msgid "Unrelated words here."\nmsgstr "Des mots sans rapport."\n\n'
        + '#~ msgid "Back again."\n#~ msgstr "De retour."\n\n'
        + '#~ msgctxt "x"\n#~ msgid "Gone."\n#~ msgstr "Parti."\n'
    )
    template = _pot(
        "Open.", "%d apple", "The peace process is very fragile.", "Back again.", "Hello."
    )
    (tmp_path / "old.po").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.pot").write_text(format_po(template), encoding="utf-8")
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", str(tmp_path / "gnu.po"),
         str(tmp_path / "old.po"), str(tmp_path / "new.pot")],
        check=True,
    )  # fmt: skip

    def summary(po: polib.POFile) -> dict:
        return {
            (e.msgctxt, e.msgid, bool(e.obsolete)): (
                states.translation_forms(e),
                "fuzzy" in e.flags,
                e.previous_msgid,
            )
            for e in po
        }

    ours = summary(merge.merge(template, _po(old_text), "fr"))
    gnu = summary(polib.pofile(str(tmp_path / "gnu.po")))
    # msgmerge drops a consumed entry; we keep reviewed ones for a revert (see merge.py)
    extra = {key: ours.pop(key) for key in set(ours) - set(gnu)}
    assert set(extra) == {(None, "The peace process is fragile.", True)}
    assert ours == gnu


# --------------------------------------------------------------------------
# States of plural entries
# --------------------------------------------------------------------------
def test_plural_entries_are_counted_by_their_forms() -> None:
    po = _po(
        FRENCH
        + 'msgid "%d apple"\nmsgid_plural "%d apples"\nmsgstr[0] "%d pomme"\n'
        + 'msgstr[1] "%d pommes"\n\n'
        + 'msgid "%d pear"\nmsgid_plural "%d pears"\nmsgstr[0] "%d poire"\nmsgstr[1] ""\n\n'
        + '#, fuzzy\nmsgid "%d fig"\nmsgid_plural "%d figs"\nmsgstr[0] "%d figue"\n'
        + 'msgstr[1] "%d figues"\n'
    )
    found = states.counts((e, states.classify(e)) for e in po)
    assert (found["translated"], found["fuzzy"], found["untranslated"]) == (1, 1, 1)
    assert found["reviewed"] == 1 and found["machine"] == 0 and found["total"] == 3
