"""The compendium: exact (msgctxt, msgid) lookups across catalogs, the best translation winning."""

from __future__ import annotations

from pathlib import Path

import polib

from pipeline.gettext import merge, states
from pipeline.gettext.compendium import Compendium

MT = "machine translation: argos en→fr 1.0"


def _entry(msgid: str, msgstr: str = "", **fields: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **fields)


def test_exact_lookup_returns_the_whole_entry() -> None:
    with Compendium() as compendium:
        compendium.add(
            [
                _entry(
                    "We met today.",
                    "Nous nous sommes réunis.",
                    flags=["python-format"],
                    tcomment="checked by Anne",
                    comment="paragraph",
                    previous_msgid="We met.",
                )
            ]
        )
        found, origin = compendium.lookup("We met today.")
        assert not found.obsolete and origin is states.Origin.REVIEWED
        assert (found.msgstr, found.flags, found.tcomment, found.comment, found.previous_msgid) == (
            "Nous nous sommes réunis.",
            ["python-format"],
            "checked by Anne",
            "paragraph",
            "We met.",
        )
        assert compendium.lookup("We met today") is None  # exact only
        assert compendium.lookup("we met today.") is None


def test_best_rank_wins_and_first_among_equals() -> None:
    machine = _entry("A.", "MT", flags=["fuzzy"], comment=MT)
    reviewed = _entry("A.", "Relu")
    other_reviewed = _entry("A.", "Relu aussi")
    fuzzy = _entry("A.", "Suggestion", flags=["fuzzy"], previous_msgid="A")
    with Compendium() as compendium:
        compendium.add([machine])
        assert compendium.lookup("A.")[0].msgstr == "MT"
        compendium.add([reviewed, fuzzy])
        compendium.add([other_reviewed])
        best, origin = compendium.lookup("A.")
        assert best.msgstr == "Relu" and origin is states.Origin.REVIEWED


def test_untranslated_entries_are_not_added() -> None:
    with Compendium() as compendium:
        compendium.add([_entry("Empty."), _entry("%d cat", msgid_plural="%d cats",
                                                  msgstr_plural={0: "", 1: ""})])  # fmt: skip
        assert compendium.lookup("Empty.") is None
        assert compendium.lookup("%d cat") is None


def test_context_is_part_of_the_key() -> None:
    with Compendium() as compendium:
        compendium.add(
            [_entry("Open.", "Ouvrir."), _entry("Open.", "Ouvrir (menu).", msgctxt="menu")]
        )
        assert compendium.lookup("Open.")[0].msgstr == "Ouvrir."
        menu, _ = compendium.lookup("Open.", "menu")
        assert (menu.msgctxt, menu.msgstr) == ("menu", "Ouvrir (menu).")
        assert compendium.lookup("Open.", "toolbar") is None
        assert compendium.lookup("menu\x04Open.") is None  # the separator is not a msgid


def test_plural_entries_keep_their_forms() -> None:
    forms = {0: "%d fichier", 1: "%d fichiers"}
    with Compendium() as compendium:
        compendium.add([_entry("%d file", msgid_plural="%d files", msgstr_plural=forms)])
        found, origin = compendium.lookup("%d file")
        assert found.msgid_plural == "%d files" and found.msgstr_plural == forms
        assert origin is states.Origin.REVIEWED


def test_obsolete_entries_are_found_as_active_ones() -> None:
    with Compendium() as compendium:
        compendium.add([_entry("Gone.", "Parti.", obsolete=True)])
        found, _ = compendium.lookup("Gone.")
        assert found.msgstr == "Parti." and not found.obsolete


def test_merge_asks_the_compendium_with_the_context() -> None:
    template = polib.POFile()
    template.append(_entry("Open.", msgctxt="menu"))
    template.append(_entry("Close."))
    asked: list[tuple[str, str | None]] = []
    with Compendium() as compendium:
        compendium.add([_entry("Open.", "Ouvrir (menu).", msgctxt="menu"), _entry("Close.", "X")])

        def lookup(msgid: str, msgctxt: str | None) -> tuple[polib.POEntry, states.Origin] | None:
            asked.append((msgid, msgctxt))
            return compendium.lookup(msgid, msgctxt)

        po = merge.merge(template, None, "fr", lookup)
    assert asked == [("Open.", "menu"), ("Close.", None)]
    assert [(e.msgctxt, e.msgstr) for e in po] == [("menu", "Ouvrir (menu)."), (None, "X")]


def test_closing_deletes_the_database() -> None:
    compendium = Compendium()
    directory = Path(compendium._tmp.name)
    assert directory.is_dir()
    compendium.close()
    assert not directory.exists()
