"""Pivot translation: en→de→fr only when asked, with both models named."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polib
import pytest
from conftest import run_cli, training_texts

from pipeline.testing import build_test_package, word_by_word

EN_DE = {"The": "Die", "peace": "Friedens", "process": "Prozess", "is": "ist"}
DE_FR = {"Die": "Le", "Friedens": "paix", "Prozess": "processus", "ist": "est"}


@pytest.fixture
def pivot_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "store"
    store.mkdir()
    texts = training_texts() + [" ".join(EN_DE.values())]
    for (src, tgt), glossary in {("en", "de"): EN_DE, ("de", "fr"): DE_FR}.items():
        package = build_test_package(
            tmp_path / f"{src}{tgt}",
            training_texts=texts,
            glossary=glossary,
            from_code=src,
            to_code=tgt,
        )
        with zipfile.ZipFile(package) as archive:
            archive.extractall(store)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(store))
    return store


def test_pivot_needs_to_be_asked_for(workdir: Path, pivot_store: Path) -> None:
    (workdir / "t.txt").write_text("The peace process is fragile.\n", encoding="utf-8")
    refused = run_cli("run", "t.txt", "--to", "fr")
    assert refused.returncode == 1
    assert "--pivot de" in refused.stderr and not (workdir / "translations").exists()

    result = run_cli("run", "t.txt", "--to", "fr", "--pivot", "de", "--quiet")
    assert result.returncode == 0, result.stderr
    po = polib.pofile(str(workdir / "translations" / "fr" / "t.po"))
    (entry,) = list(po)
    assert entry.msgstr == word_by_word(word_by_word(entry.msgid, EN_DE), DE_FR)
    assert entry.msgstr == "Le paix processus est fragile."
    assert "argos en→de 1.0 + argos de→fr 1.0 (pivot de)" in entry.comment
