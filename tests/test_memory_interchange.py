"""Importing TMX, XLIFF and PO compendia into the translation memory, and exporting TMX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from pipeline.errors import UserError
from pipeline.memory import (
    MatchKind,
    TranslationMemory,
    export_tmx,
    import_files,
    lookup,
    open_memory,
    resolve_language,
    stats,
    sync_catalog,
)

DATA = Path(__file__).resolve().parent / "data" / "memory"


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[TranslationMemory]:
    with open_memory(tmp_path / "memory.sqlite3") as opened:
        yield opened


def units(memory: TranslationMemory, target_language: str = "fr") -> set[tuple[str, str]]:
    """(source, target) of every unit of the en→target pair."""
    return set(
        memory.db.execute(
            "SELECT coalesce(s.text, s.key), u.target FROM units u "
            "JOIN segments s ON s.id = u.segment_id WHERE s.language='en' AND u.language=?",
            (target_language,),
        )
    )


@pytest.mark.parametrize(
    ("code", "project", "expected"),
    [
        ("fr-FR", ["en", "fr"], "fr"),
        ("FR_fr", ["en", "fr"], "fr"),
        ("fr-CA", ["en", "fr"], "fr"),
        ("en-US", ["en", "fr"], "en"),
        ("pt-BR", ["en", "pt_BR"], "pt_BR"),
        ("pt-br", ["en", "pt-BR"], "pt-BR"),  # the project's own spelling
        ("pt-PT", ["en", "pt_BR"], "pt_PT"),  # the project tells Portuguese regions apart
        ("pt", ["en", "pt_BR"], "pt"),
        ("de-DE", ["en", "fr"], "de"),
        ("zh-Hant-TW", ["en", "zh_Hant"], "zh_Hant"),
        ("x-klingon", ["en", "fr"], None),
        ("*all*", ["en", "fr"], None),
    ],
)
def test_language_codes_are_mapped_onto_the_project_languages(
    code: str, project: list[str], expected: str | None
) -> None:
    assert resolve_language(code, project) == expected


def test_tmx_with_regional_codes_is_imported_with_duplicates_merged(
    memory: TranslationMemory,
) -> None:
    (result,) = import_files(memory, [DATA / "clients.en-fr-FR.tmx"], "en", ["fr"])
    # 7 TUs: one repeated, one with an empty French segment, one without English.
    assert (result.name, result.units, result.skipped) == ("clients.en-fr-FR.tmx", 5, 2)
    assert result.pairs == {"en→fr": 4, "en→de": 1}
    assert ("Good afternoon.", "Bonjour à toutes et à tous.") in units(memory)
    assert ("Thank you very much.", "Merci infiniment.") in units(memory)  # en-GB → fr-CA
    assert units(memory, "de") == {
        (
            "The Secretary General met the Prime Minister of Romania.",
            "Der Generalsekretär traf den Ministerpräsidenten Rumäniens.",
        )
    }
    (match,) = lookup(memory, "en", "fr", ["Good afternoon."])
    # The repeated TU is one unit; its origin is the later occurrence.
    assert (match.kind, match.origin) == (MatchKind.EXACT, "clients.en-fr-FR.tmx:25")
    # Importing the same file again replaces what it brought: still one unit each.
    import_files(memory, [DATA / "clients.en-fr-FR.tmx"], "en", ["fr"])
    assert stats(memory).units == 5


def test_xliff_1_2_imports_only_finished_human_translations(memory: TranslationMemory) -> None:
    (result,) = import_files(memory, [DATA / "press-release.en-fr.xlf"], "en", ["fr"])
    assert (result.units, result.skipped) == (3, 3)  # needs-review, MT suggestion, no target
    assert units(memory) == {
        ("NATO Allies stand united.", "Les Alliés de l'OTAN sont unis."),
        ("The summit will take place in Vilnius.", "Le sommet aura lieu à Vilnius."),
        ("See you in Brussels.", "À bientôt à Bruxelles."),
    }
    assert lookup(memory, "en", "fr", ["See you in Brussels."])[0].origin == (
        "press-release.en-fr.xlf:26"
    )


def test_xliff_2_imports_final_segments(memory: TranslationMemory) -> None:
    (result,) = import_files(memory, [DATA / "glossary-units.en-fr.xliff"], "en", ["fr"])
    assert (result.units, result.skipped) == (1, 1)
    assert units(memory) == {
        (
            "Collective defence is at the heart of the Alliance.",
            "La défense collective est au cœur de l'Alliance.",
        )
    }


def test_po_compendium_imports_reviewed_entries_only(memory: TranslationMemory) -> None:
    (result,) = import_files(memory, [DATA / "compendium.fr.po"], "en", ["fr", "de"])
    assert (result.units, result.skipped) == (2, 3)  # fuzzy, untranslated, obsolete
    assert units(memory) == {
        ("Good morning.", "Bonjour."),
        ("I will now take your questions.", "Je vais maintenant répondre à vos questions."),
    }
    assert lookup(memory, "en", "fr", ["Good morning."])[0].origin == "compendium.fr.po:11"


def test_malformed_file_is_one_error_and_nothing_is_imported(memory: TranslationMemory) -> None:
    with pytest.raises(UserError, match=r"broken\.tmx:11: not a valid TMX file"):
        import_files(memory, [DATA / "memory.en-fr.tmx", DATA / "broken.tmx"], "en", ["fr"])
    assert stats(memory).units == 0
    assert memory.stored_files() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.tmx", b"<html><body>not a memory</body></html>", "notes.tmx: not a valid TMX"),
        ("empty.xlf", b"", "empty.xlf"),
        ("bad.po", b'msgid "x"\nmsgstr "y\n', "bad.po:2"),
        ("table.csv", b"a,b\n", "unknown memory format"),
    ],
)
def test_other_malformed_files_name_the_file(
    memory: TranslationMemory, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        import_files(memory, [path], "en", ["fr"])
    assert stats(memory).units == 0


def test_export_then_import_gives_back_the_same_units(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    sync_catalog(
        memory,
        "briefing.po",
        "en",
        "fr",
        [
            ("Good afternoon.", "Bonjour à tous.", 20, None, None),
            ("Café\u00a0au lait  please.", "Un café, s'il vous plaît.", 24, None, None),
            ("Questions & answers <live>.", "Questions et réponses « en direct ».", 28, None, None),
        ],
        "v1",
    )
    sync_catalog(
        memory,
        "other.po",
        "en",
        "fr",
        [
            ("Good afternoon.", "Bon après-midi.", 3, None, None),
        ],
        "v1",
    )
    import_files(memory, [DATA / "clients.en-fr-FR.tmx"], "en", ["fr"])
    exported = tmp_path / "export" / "memory.en-fr.tmx"
    count = export_tmx(memory, "en", "fr", exported)
    assert count == len(units(memory)) == 8
    root = etree.parse(str(exported)).getroot()
    assert root.get("version") == "1.4" and len(root.findall("body/tu")) == 8

    with open_memory(tmp_path / "again.sqlite3") as again:
        (result,) = import_files(again, [exported], "en", ["fr"])
        assert result.units == 8
        assert units(again) == units(memory)
    assert not list(exported.parent.glob(".*.tmp"))
