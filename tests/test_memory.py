"""The translation memory library: syncing catalogs, lookups, consistency, damaged files.

Real SQLite files in a temporary directory; PO files written and read with polib.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from pipeline.memory import (
    IMPORTED,
    MatchKind,
    MemoryCorrupt,
    Query,
    ReviewedEntry,
    TranslationMemory,
    catalog_is_current,
    forget_catalog,
    import_files,
    inconsistencies,
    lookup,
    open_memory,
    rebuilding,
    stats,
    sync_catalog,
)
from pipeline.memory.text import sentence_key

DATA = Path(__file__).resolve().parent / "data" / "memory"


class Clock:
    """A clock that ticks one second per reading: every write is later than the one before."""

    def __init__(self) -> None:
        self._ticks = itertools.count(1_700_000_000)

    def __call__(self) -> float:
        return float(next(self._ticks))


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[TranslationMemory]:
    with open_memory(tmp_path / "translations" / "memory.sqlite3", clock=Clock()) as opened:
        yield opened


def briefing(greeting: str = "Bonjour à tous.") -> list[ReviewedEntry]:
    return [
        ReviewedEntry("Good afternoon.", greeting, 20, None, "Thank you for coming."),
        ReviewedEntry(
            "Thank you for coming.", "Merci d'être venus.", 24, "Good afternoon.", "Questions?"
        ),
        ReviewedEntry("Questions?", "Des questions ?", 28, "Thank you for coming.", None),
    ]


def fr(memory: TranslationMemory, *queries: Query | str, **options: object) -> list:
    return lookup(memory, "en", "fr", list(queries), **options)


# ---------------------------------------------------------------------------
# Exact and in-context matches


def test_exact_match_carries_target_origin_and_comment(memory: TranslationMemory) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "v1")
    (match,) = fr(memory, "Thank you for coming.")
    assert match.target == "Merci d'être venus."
    assert (match.kind, match.score, match.variants) == (MatchKind.EXACT, 100, 1)
    assert match.origin == "briefing.po:24"
    assert match.source == "Thank you for coming."
    assert match.comment == "translation memory: exact match, briefing.po:24"
    assert fr(memory, "Never seen before.") == [None]
    assert lookup(memory, "en", "de", ["Thank you for coming."]) == [None]


def test_exact_match_ignores_spacing_and_unicode_form(memory: TranslationMemory) -> None:
    sync_catalog(
        memory,
        "briefing.po",
        "en",
        "fr",
        [("Café au lait, please.", "Un café.", 3, None, None)],
        "v1",
    )
    respaced = "  Cafe\u0301 au\u00a0lait,\n please. "  # NFD é, a no-break space, a line break
    (match,) = fr(memory, respaced)
    assert (match.kind, match.target) == (MatchKind.EXACT, "Un café.")
    assert sentence_key(respaced) == "Café au lait, please."


def test_in_context_match_prefers_the_translation_made_between_the_same_neighbours(
    memory: TranslationMemory,
) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing("Bonjour à tous."), "v1")
    sync_catalog(
        memory,
        "summit.po",
        "en",
        "fr",
        [
            ("Good afternoon.", "Bon après-midi.", 7, None, "Welcome to Vilnius."),
        ],
        "v1",
    )
    here = Query("Good afternoon.", None, "Thank you for coming.")
    elsewhere = Query("Good afternoon.", None, "Something else.")
    context, exact = fr(memory, here, elsewhere)
    assert (context.kind, context.target, context.origin) == (
        MatchKind.CONTEXT,
        "Bonjour à tous.",
        "briefing.po:20",
    )
    assert context.comment == "translation memory: in-context exact match, briefing.po:20"
    # Without the same neighbours, the most recent review wins and the variants are counted.
    assert (exact.kind, exact.target, exact.origin, exact.variants) == (
        MatchKind.EXACT,
        "Bon après-midi.",
        "summit.po:7",
        2,
    )


def test_a_renamed_catalog_gets_its_reviews_back_in_context(memory: TranslationMemory) -> None:
    sync_catalog(memory, "old-name.po", "en", "fr", briefing(), "v1")
    queries = [Query(e.msgid, e.previous, e.next) for e in briefing()]
    matches = fr(memory, *queries)
    assert [m.kind for m in matches] == [MatchKind.CONTEXT] * 3
    assert [m.target for m in matches] == [e.msgstr for e in briefing()]


def test_batch_repeats_are_looked_up_once(memory: TranslationMemory) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "v1")
    first, second, third = fr(memory, "Questions?", "Questions?", "Nothing.")
    assert first is second and third is None


# ---------------------------------------------------------------------------
# Fuzzy matches


def test_fuzzy_match_scores_like_msgmerge_and_keeps_the_memory_source(
    memory: TranslationMemory,
) -> None:
    sync_catalog(
        memory,
        "briefing.po",
        "en",
        "fr",
        [
            ("NATO Allies stand united.", "Les Alliés de l'OTAN sont unis.", 48, None, None),
            (
                "Allies agreed to increase defence spending by 2024.",
                "Les Alliés sont convenus d'augmenter les dépenses de défense d'ici 2024.",
                52,
                None,
                None,
            ),
        ],
        "v1",
    )
    united, spending, case = fr(
        memory,
        "NATO Allies stand united today.",
        "Allies agreed to increase defence spending by 2030.",
        "nato allies stand united.",
    )
    assert (united.kind, united.score, united.origin) == (MatchKind.FUZZY, 89, "briefing.po:48")
    assert united.source == "NATO Allies stand united."  # for #| msgid
    assert united.target == "Les Alliés de l'OTAN sont unis."
    assert united.comment == "translation memory: 89% match, briefing.po:48"
    assert (spending.kind, spending.score) == (MatchKind.FUZZY, 96)
    assert (case.kind, case.score) == (MatchKind.FUZZY, 80)  # case is not ignored


def test_fuzzy_threshold_and_switch(memory: TranslationMemory) -> None:
    sync_catalog(
        memory,
        "briefing.po",
        "en",
        "fr",
        [
            ("NATO Allies stand united.", "Les Alliés de l'OTAN sont unis.", 48, None, None),
        ],
        "v1",
    )
    query = "NATO Allies stand united today."  # 89 %
    assert fr(memory, query, min_score=89)[0].score == 89
    assert fr(memory, query, min_score=90) == [None]
    assert fr(memory, query, fuzzy=False) == [None]
    assert fr(memory, "The weather is fine in Brussels today.") == [None]


def test_fuzzy_match_found_among_many_sentences_sharing_common_words(
    memory: TranslationMemory,
) -> None:
    words = ["the", "of", "and", "to", "in", "we", "our", "allies", "nato", "will"]
    filler = [
        (
            " ".join(words[(i + j) % len(words)] for j in range(12)).capitalize() + f" {i}.",
            f"Phrase {i}.",
            i,
            None,
            None,
        )
        for i in range(1500)
    ]
    target = (
        "The Secretary General welcomed the decision of Finland to join the Alliance.",
        "Le Secrétaire général a salué la décision de la Finlande.",
        9999,
        None,
        None,
    )
    sync_catalog(memory, "archive.po", "en", "fr", [*filler, target], "v1")
    (match,) = fr(
        memory, "The Secretary General welcomed the decision of Sweden to join the Alliance."
    )
    assert match.kind is MatchKind.FUZZY and match.target == target[1]
    assert match.score >= 90


def test_threshold_outside_percent_range_is_a_user_error(memory: TranslationMemory) -> None:
    from pipeline.errors import UserError

    with pytest.raises(UserError, match="120"):
        fr(memory, "Anything.", min_score=120)


# ---------------------------------------------------------------------------
# Variants and duplicates


def test_most_recent_review_fills_and_variants_are_counted(memory: TranslationMemory) -> None:
    sync_catalog(memory, "a.po", "en", "fr", [("Good afternoon.", "Bonjour.", 5, None, None)], "v1")
    sync_catalog(
        memory, "b.po", "en", "fr", [("Good afternoon.", "Bon après-midi.", 9, None, None)], "v1"
    )
    (match,) = fr(memory, "Good afternoon.")
    assert (match.target, match.origin, match.variants) == ("Bon après-midi.", "b.po:9", 2)
    # Re-reading a.po after an unrelated edit does not make its old review the newest.
    sync_catalog(
        memory,
        "a.po",
        "en",
        "fr",
        [
            ("Good afternoon.", "Bonjour.", 5, None, None),
            ("Thank you.", "Merci.", 9, None, None),
        ],
        "v2",
    )
    assert fr(memory, "Good afternoon.")[0].target == "Bon après-midi."
    # Changing the translation in a.po makes it the newest review.
    sync_catalog(memory, "a.po", "en", "fr", [("Good afternoon.", "Bonsoir.", 5, None, None)], "v3")
    assert fr(memory, "Good afternoon.")[0].target == "Bonsoir."


def test_duplicates_are_merged_into_one_unit_with_the_latest_origin(
    memory: TranslationMemory,
) -> None:
    entry = ("Thank you.", "Merci.", 12, None, None)
    sync_catalog(memory, "a.po", "en", "fr", [entry], "v1")
    sync_catalog(memory, "b.po", "en", "fr", [entry[:2] + (30, None, None)], "v1")
    (pair,) = stats(memory).pairs
    assert (pair.units, pair.reviewed, pair.imported) == (1, 1, 0)
    (match,) = fr(memory, "Thank you.")
    assert (match.origin, match.variants) == ("b.po:30", 1)
    assert list(inconsistencies(memory)) == []
    forget_catalog(memory, "b.po", "fr")
    assert fr(memory, "Thank you.")[0].origin == "a.po:12"


# ---------------------------------------------------------------------------
# Syncing catalogs


def test_unchanged_fingerprint_skips_the_catalog_without_reading_entries(
    memory: TranslationMemory,
) -> None:
    first = sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "sha-1")
    assert (first.skipped, first.entries) == (False, 3)
    assert catalog_is_current(memory, "briefing.po", "fr", "sha-1")
    assert not catalog_is_current(memory, "briefing.po", "de", "sha-1")

    def unreadable() -> Iterator[ReviewedEntry]:
        raise AssertionError("entries of an unchanged catalog were read")
        yield  # pragma: no cover

    again = sync_catalog(memory, "briefing.po", "en", "fr", unreadable(), "sha-1")
    assert (again.skipped, again.entries) == (True, 3)


def test_changed_catalog_replaces_its_units(memory: TranslationMemory) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "sha-1")
    edited = [briefing()[0], ReviewedEntry("Questions?", "Vos questions ?", 26, None, None)]
    result = sync_catalog(memory, "briefing.po", "en", "fr", edited, "sha-2")
    assert (result.skipped, result.entries) == (False, 2)
    gone, changed = fr(memory, "Thank you for coming.", "Questions?")
    assert gone is None
    assert (changed.target, changed.origin, changed.variants) == (
        "Vos questions ?",
        "briefing.po:26",
        1,
    )
    assert stats(memory).units == 2  # units nobody holds any more are deleted


def test_catalogs_of_two_languages_are_kept_apart(memory: TranslationMemory) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "fr-1")
    sync_catalog(
        memory, "briefing.po", "en", "de", [("Questions?", "Fragen?", 28, None, None)], "de-1"
    )
    assert lookup(memory, "en", "de", ["Questions?"])[0].target == "Fragen?"
    assert fr(memory, "Questions?")[0].target == "Des questions ?"
    forget_catalog(memory, "briefing.po", "de")
    assert lookup(memory, "en", "de", ["Questions?"]) == [None]
    assert fr(memory, "Questions?")[0].target == "Des questions ?"


def test_reviewed_obsolete_entries_of_a_real_po_file_are_kept(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    po_path = tmp_path / "briefing.po"
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: briefing.txt:3\nmsgid "Good afternoon."\nmsgstr "Bonjour à tous."\n\n'
        '#, fuzzy\n#. machine translation: argos en→fr 1.9\nmsgid "Thank you."\n'
        'msgstr "Merci vous."\n\n'
        '#~ msgid "The old closing sentence."\n#~ msgstr "L\'ancienne phrase de clôture."\n',
        encoding="utf-8",
    )
    po = polib.pofile(str(po_path))
    # What the caller does: reviewed = translated and not fuzzy, active or obsolete.
    active = [e for e in po if not e.obsolete]
    reviewed = [
        ReviewedEntry(
            e.msgid,
            e.msgstr,
            e.linenum,
            active[i - 1].msgid if i else None,
            active[i + 1].msgid if i + 1 < len(active) else None,
        )
        for i, e in enumerate(active)
        if e.msgstr and "fuzzy" not in e.flags
    ] + [
        ReviewedEntry(e.msgid, e.msgstr, e.linenum, None, None)
        for e in po.obsolete_entries()
        if e.msgstr and "fuzzy" not in e.flags
    ]
    sync_catalog(memory, "briefing.po", "en", "fr", reviewed, "v1")
    greeting, machine, obsolete = fr(
        memory, "Good afternoon.", "Thank you.", "The old closing sentence."
    )
    assert greeting.origin == "briefing.po:6"
    assert machine is None  # machine translations never enter the memory
    assert (obsolete.target, obsolete.origin) == ("L'ancienne phrase de clôture.", "briefing.po:15")


# ---------------------------------------------------------------------------
# Consistency and statistics


def test_sentences_reviewed_differently_are_reported_with_every_origin(
    memory: TranslationMemory,
) -> None:
    sync_catalog(
        memory,
        "a.po",
        "en",
        "fr",
        [("Good afternoon.", "Bonjour.", 5, None, None), ("Thank you.", "Merci.", 9, None, None)],
        "v1",
    )
    sync_catalog(
        memory, "b.po", "en", "fr", [("Good afternoon.", "Bon après-midi.", 3, None, None)], "v1"
    )
    sync_catalog(
        memory,
        "c.po",
        "en",
        "fr",
        [("Good afternoon.", "Bonjour.", 40, None, None), ("Thank you.", "Merci.", 44, None, None)],
        "v1",
    )
    import_files(memory, [DATA / "memory.en-fr.tmx"], "en", ["fr"])  # imports are not reviews
    (finding,) = inconsistencies(memory)
    assert (finding.source, finding.target_language) == ("Good afternoon.", "fr")
    variants = {v.target: v.origins for v in finding.variants}
    assert variants == {"Bonjour.": ["a.po:5", "c.po:40"], "Bon après-midi.": ["b.po:3"]}
    assert list(inconsistencies(memory, target_language="de")) == []


def test_stats_count_units_per_pair_and_kind_as_json(memory: TranslationMemory) -> None:
    sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "v1")
    sync_catalog(
        memory, "briefing.po", "en", "de", [("Questions?", "Fragen?", 28, None, None)], "v1"
    )
    import_files(memory, [DATA / "memory.en-fr.tmx"], "en", ["fr"])
    summary = stats(memory)
    data = json.loads(json.dumps(summary.to_json()))
    assert data["units"] == 8 and data["catalogs"] == 2 and data["imported_files"] == 1
    assert data["pairs"] == [
        {
            "source_language": "en",
            "target_language": "de",
            "reviewed": 1,
            "imported": 0,
            "units": 1,
        },
        {
            "source_language": "en",
            "target_language": "fr",
            "reviewed": 3,
            "imported": 4,
            "units": 7,
        },
    ]
    assert data["size_bytes"] > 0


# ---------------------------------------------------------------------------
# Damaged files and rebuilding


def test_garbage_file_is_reported_as_damaged_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    path.write_bytes(b"\x00\xffnot a database at all" * 200)
    with pytest.raises(MemoryCorrupt, match=r"memory.sqlite3: .*damaged.*rebuild"):
        open_memory(path)
    assert path.read_bytes().startswith(b"\x00\xffnot a database")


def test_another_schema_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    with pytest.raises(MemoryCorrupt, match="another application"):
        open_memory(path)


def test_corrupt_pages_are_detected_and_rebuilding_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    with open_memory(path) as memory:
        entries = [
            (f"Sentence number {i} of the archive.", f"Phrase {i}.", i, None, None)
            for i in range(400)
        ]
        sync_catalog(memory, "archive.po", "en", "fr", entries, "v1")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(MemoryCorrupt, match="damaged"), open_memory(path) as memory:
        fr(memory, "Sentence number 7 of the archive.")

    with rebuilding(path) as fresh:
        sync_catalog(fresh, "archive.po", "en", "fr", entries[:10], "v1")
    assert (tmp_path / "memory.sqlite3.damaged").read_bytes() == bytes(data)
    with open_memory(path) as memory:
        assert memory.verify() == []
        assert fr(memory, "Sentence number 7 of the archive.")[0].target == "Phrase 7."


def test_rebuilding_keeps_imports_and_a_failed_rebuild_keeps_the_old_memory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite3"
    with open_memory(path) as memory:
        sync_catalog(memory, "briefing.po", "en", "fr", briefing(), "v1")
        import_files(memory, [DATA / "memory.en-fr.tmx"], "en", ["fr"])
    with pytest.raises(RuntimeError), rebuilding(path) as fresh:
        sync_catalog(fresh, "briefing.po", "en", "fr", briefing()[:1], "v2")
        raise RuntimeError("killed half-way")
    with open_memory(path) as memory:
        assert stats(memory).units == 7
    assert not (tmp_path / "memory.sqlite3.rebuild").exists()

    with rebuilding(path) as fresh:
        assert [f.name for f in fresh.stored_files(IMPORTED)] == ["memory.en-fr.tmx"]
        sync_catalog(fresh, "briefing.po", "en", "fr", briefing()[:1], "v2")
    with open_memory(path) as memory:
        summary = stats(memory)
        assert (summary.pairs[0].reviewed, summary.pairs[0].imported) == (1, 4)
        assert fr(memory, "Thank you very much.")[0].origin == "memory.en-fr.tmx:6"
    assert not (tmp_path / "memory.sqlite3.damaged").exists()
