"""The machine-translation cache (pipeline.mt.cache) on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.mt.cache import TranslationCache, normalise


def test_stored_translations_come_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "mt-cache.sqlite3"
    with TranslationCache(path, "argos", "1.9", "en", "fr") as cache:
        cache.store([("Good afternoon.", "Bonjour."), ("Thank you.", "Merci.")])
    with TranslationCache(path, "argos", "1.9", "en", "fr") as cache:
        assert cache.lookup(["Thank you.", "Unknown.", "Good afternoon."]) == {
            "Thank you.": "Merci.",
            "Good afternoon.": "Bonjour.",
        }
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_entries_are_kept_apart_by_model_version_and_language_pair(tmp_path: Path) -> None:
    path = tmp_path / "mt-cache.sqlite3"
    with TranslationCache(path, "argos", "1.9", "en", "fr") as cache:
        cache.store([("Yes.", "Oui.")])
    for key in (("argos", "2.0", "en", "fr"), ("argos", "1.9", "en", "de")):
        with TranslationCache(path, *key) as other:
            assert other.lookup(["Yes."]) == {}


def test_no_break_spaces_and_composition_do_not_split_the_cache(tmp_path: Path) -> None:
    assert normalise("Oui\u00a0?") == normalise("Oui ?")
    assert normalise("e\u0301t\u00e9") == normalise("\u00e9t\u00e9")
    with TranslationCache(tmp_path / "c.sqlite3", "argos", "1.9", "en", "fr") as cache:
        cache.store([("Price:\u00a0100.", "Prix : 100.")])
        assert cache.lookup(["Price: 100."]) == {"Price: 100.": "Prix : 100."}


def test_storing_again_replaces_the_translation(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite3", "argos", "1.9", "en", "fr") as cache:
        cache.store([("No.", "Non")])
        cache.store([("No.", "Non.")])
        assert cache.lookup(["No."]) == {"No.": "Non."}
