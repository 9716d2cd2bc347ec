"""Entry origins derived from facts that survive other tools (pipeline.gettext.provenance)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.gettext.provenance import (
    Fill,
    FillStore,
    annotate,
    machine_comment,
    memory_comment,
    provenance_comment,
)
from pipeline.gettext.states import Origin, classify, counts, machine_label

MT = "Merci vous."


def _entry(msgstr: str = "", fuzzy: bool = False, comment: str = "paragraph", **kw) -> object:
    return polib.POEntry(
        msgid="Thank you.", msgstr=msgstr, flags=["fuzzy"] if fuzzy else [], comment=comment, **kw
    )


@pytest.fixture
def store(tmp_path: Path) -> FillStore:
    with FillStore(tmp_path) as fills:
        yield fills


def _fill(store: FillStore, text: str, origin: Origin, **kw) -> object:
    key = store.key("fr", "doc", None, "Thank you.")
    store.record([(key, Fill(text, origin, **kw))])
    return store.get(key)


def test_machine_text_is_machine_even_after_msgmerge_dropped_the_comment(store) -> None:
    fill = _fill(store, MT, Origin.MACHINE, label="argos en→fr 1.9", score=0.62)
    bare = _entry(MT, fuzzy=True)  # what msgmerge leaves: no #. lines
    assert classify(bare, fill) is Origin.MACHINE
    assert classify(bare, None, lambda msgid: {MT}) is Origin.MACHINE  # the MT cache knows it
    assert provenance_comment(Origin.MACHINE, fill) == (
        "machine translation: argos en→fr 1.9, confidence 0.62"
    )


def test_a_corrected_translation_left_fuzzy_is_a_persons_work(store) -> None:
    fill = _fill(store, MT, Origin.MACHINE, label="argos en→fr 1.9")
    corrected = _entry("Merci.", fuzzy=True, comment="paragraph\n" + machine_comment("x"))
    assert classify(corrected, fill, lambda msgid: {MT}) is Origin.NEEDS_WORK
    assert Origin.NEEDS_WORK.is_human and not Origin.MACHINE.is_human


def test_reviewed_memory_suggestion_and_untranslated(store) -> None:
    assert classify(_entry("Merci."), None) is Origin.REVIEWED
    assert classify(_entry(), None) is Origin.UNTRANSLATED
    suggestion = _entry("Merci.", fuzzy=True, previous_msgid="Thanks.")
    assert classify(suggestion, None) is Origin.SUGGESTION
    fill = _fill(store, "Merci beaucoup.", Origin.MEMORY_EXACT, label="exact match, b.po:4")
    assert classify(_entry("Merci beaucoup."), fill) is Origin.MEMORY_EXACT
    assert classify(_entry("Merci bien."), fill) is Origin.REVIEWED  # edited after the fill
    assert provenance_comment(Origin.MEMORY_EXACT, fill) == (
        "translation memory: exact match, b.po:4"
    )


def test_memory_fuzzy_without_record_falls_back_to_our_comment() -> None:
    entry = _entry(
        "Merci.", fuzzy=True, previous_msgid="Thanks.", comment=memory_comment("87% match, b.po:4")
    )
    assert entry.comment == "translation memory: 87% match, b.po:4"
    assert classify(entry, None) is Origin.MEMORY_FUZZY


def test_plural_entries_need_every_form() -> None:
    entry = polib.POEntry(
        msgid="%d apple", msgid_plural="%d apples", msgstr_plural={0: "%d pomme", 1: ""}
    )
    assert classify(entry, None) is Origin.UNTRANSLATED
    entry.msgstr_plural[1] = "%d pommes"
    assert classify(entry, None) is Origin.REVIEWED


def test_annotate_rederives_only_our_lines() -> None:
    entry = _entry(MT, fuzzy=True, comment="heading\nmachine translation: argos en→fr 1.0")
    annotate(entry, [machine_comment("argos en→fr 1.9", 0.5), None, "terms: NATO → OTAN"])
    assert entry.comment.splitlines() == [
        "heading",
        "machine translation: argos en→fr 1.9, confidence 0.50",
        "terms: NATO → OTAN",
    ]
    assert machine_label(entry) == "argos en→fr 1.9"
    annotate(entry, [])
    assert entry.comment == "heading"


def test_a_damaged_record_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "provenance.sqlite3").write_bytes(b"this is not a database" * 100)
    with FillStore(tmp_path) as fills:
        assert fills.notes and "damaged" in fills.notes[0]
        key = fills.key("fr", "doc", None, "x")
        fills.record([(key, Fill("y", Origin.MACHINE))])
        assert fills.get(key).wrote("y")
    assert (tmp_path / "provenance.sqlite3.broken").exists()


def test_counts_speak_gettext_and_say_where_text_comes_from() -> None:
    entries = [
        (_entry("Merci."), Origin.REVIEWED),
        (_entry(MT, fuzzy=True), Origin.MACHINE),
        (_entry("Merci.", fuzzy=True, previous_msgid="Thanks."), Origin.SUGGESTION),
        (_entry(), Origin.UNTRANSLATED),
    ]
    result = counts(entries)
    assert (result["translated"], result["fuzzy"], result["untranslated"]) == (1, 2, 1)
    assert (result["reviewed"], result["machine"], result["suggestion"]) == (1, 1, 1)
    assert result["total"] == 4 and result["memory_exact"] == result["needs_work"] == 0
