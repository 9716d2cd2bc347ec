"""Terminology: glossary import (CSV, TSV, TBX), storage, matching, comments, checks, spans.

Glossaries are real files: copies in ``tests/data/glossaries`` (the sample glossary,
an Excel-style export with a BOM and semicolons, a UTF-16 column-per-language
TSV, a TBX termbase) and malformed variants written by the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import polib
import pytest

from pipeline.errors import UserError
from pipeline.terms import (
    COMMENT_PREFIX,
    Glossary,
    Term,
    import_glossary,
    list_terms,
    terms_path,
    update_term_comment,
)
from pipeline.terms.languages import normalise_language

GLOSSARIES = Path(__file__).parent / "data" / "glossaries"
SAMPLE = GLOSSARIES / "terms.en-fr.csv"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return terms_path(tmp_path / "translations")


@pytest.fixture(scope="module")
def glossary(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    """The sample glossary, imported into a real database and loaded back."""
    path = terms_path(tmp_path_factory.mktemp("translations"))
    import_glossary(SAMPLE, path)
    return Glossary.load(path)


def by_source(terms: list[Term], language: str = "fr") -> dict[str, Term]:
    return {t.source: t for t in terms if t.language == language}


# -- import ---------------------------------------------------------------------------


def test_sample_csv_imports_into_a_wal_database(db):
    result = import_glossary(SAMPLE, db)
    assert (result.format, result.terms, result.added, result.languages) == ("csv", 7, 7, ("fr",))
    terms = by_source(list_terms(db, "fr"))
    assert terms["NATO"].targets == ("OTAN",) and not terms["NATO"].keep
    assert terms["Secretary General"].targets == ("secrétaire général",)
    assert terms["Resolute Support"].keep and terms["Resolute Support"].note.startswith("mission")
    assert terms["Ally"].origin == "terms.en-fr.csv:4"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    dumped = json.loads(json.dumps([t.to_dict() for t in list_terms(db)]))
    assert dumped[0]["targets"]
    assert json.loads(json.dumps(result.to_dict()))["languages"] == ["fr"]


def test_excel_export_with_bom_semicolons_region_codes_and_dnt_column(db):
    result = import_glossary(GLOSSARIES / "excel-export.csv", db)
    assert result.languages == ("fr", "fr_CA")
    french = by_source(list_terms(db), "fr")
    assert set(french) == {"NATO", "Ally", "Defence Ministers", "Resolute Support"}
    assert french["Ally"].targets == ("Allié", "Alliée")
    assert french["Defence Ministers"].note == "plural; lower case"  # quoted semicolon kept
    assert french["Resolute Support"].keep and french["Resolute Support"].targets == (
        "Resolute Support",
    )
    # fr_CA gets its own "Ally" plus the generic French terms
    canadian = by_source(list_terms(db, "fr-CA"), "fr_CA")
    assert canadian["Ally"].targets == ("Allié",)
    assert {t.source for t in list_terms(db, "fr-CA")} >= {"NATO", "Ally"}


def test_column_per_language_utf16_tsv(db):
    result = import_glossary(GLOSSARIES / "wide.tsv", db)
    assert result.format == "tsv" and result.languages == ("de", "fr")
    german = by_source(list_terms(db, "de"), "de")
    assert german["NATO"].keep  # same as the source: kept as it is
    assert "Ally" not in german  # an empty cell is a gap, not an error
    assert by_source(list_terms(db, "fr"))["Ally"].note == "no German entry yet"


def test_headerless_csv_uses_the_documented_column_order(tmp_path, db):
    path = tmp_path / "plain.csv"
    path.write_text("NATO,fr,OTAN,,\nJens Stoltenberg,fr,,,yes\n", encoding="utf-8")
    import_glossary(path, db)
    terms = by_source(list_terms(db))
    assert terms["NATO"].targets == ("OTAN",) and terms["Jens Stoltenberg"].keep


def test_default_language_for_a_file_without_one(tmp_path, db):
    path = tmp_path / "two-columns.csv"
    path.write_text("source,target\nNATO,OTAN\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"two-columns.csv:2: no target language"):
        import_glossary(path, db)
    import_glossary(path, db, default_language="fr-FR")
    assert by_source(list_terms(db))["NATO"].targets == ("OTAN",)


def test_tbx_through_translate_toolkit(db):
    result = import_glossary(GLOSSARIES / "termbase.tbx", db)
    assert (result.format, result.skipped, result.languages) == ("tbx", 1, ("de", "fr"))
    french = by_source(list_terms(db, "fr"))
    assert french["NATO"].targets == ("OTAN",)  # the deprecated form is not approved
    assert french["NATO"].note == "North Atlantic Treaty Organization"
    assert french["North Atlantic Council"].targets == ("Conseil de l'Atlantique Nord",)
    assert french["Resolute Support"].keep  # "Translation needed: no", in every language
    assert by_source(list_terms(db, "de"), "de")["Resolute Support"].keep
    assert "Alliance" not in french  # no English term: skipped


MALFORMED_CSV = [
    ("source,language,target,note\nNATO,fr,OTAN,,extra\n", 2, "5 fields, but the header has 4"),
    ("source,language,target\nNATO,fr,OTAN\nAlly,fr,\n", 3, "no target term for 'Ally'"),
    ("source,language,target\nNATO,fr,OTAN\nAlly,xx-YY,Allié\n", 3, "unknown language code"),
    ("source,language,target,dnt\nNATO,fr,OTAN,maybe\n", 2, "do-not-translate value 'maybe'"),
    ("source,language,target,dnt\nNATO,fr,OTAN,yes\n", 2, "marked do-not-translate"),
    ("source,language,target\nNATO,fr,OTAN\n,fr,Allié\n", 3, "no source term"),
    ('source,language,target\nNATO,fr,OTAN\nAlly,fr,"Allié\n', 3, "unexpected end of data"),
    ("source,language,target\nNATO,fr,OTAN\nNATO,fr,NATO\n", 3, "defined on line 2"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED_CSV)
def test_a_malformed_line_is_one_error_and_nothing_is_imported(tmp_path, db, text, line, message):
    path = tmp_path / "broken.csv"
    shutil.copy(SAMPLE, path)
    import_glossary(path, db)
    before = list_terms(db)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as error:
        import_glossary(path, db)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert list_terms(db) == before  # the old import of this file is intact


def test_not_utf8_names_the_line(tmp_path, db):
    path = tmp_path / "latin1.csv"
    path.write_bytes("source,language,target\nNATO,fr,OTAN\nAlly,fr,Alli\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"latin1.csv:3: not UTF-8"):
        import_glossary(path, db)
    assert not db.exists()


def test_malformed_tbx_names_the_line(tmp_path, db):
    path = tmp_path / "broken.tbx"
    text = (GLOSSARIES / "termbase.tbx").read_text(encoding="utf-8")
    path.write_text(text.replace("</langSet>\n</termEntry>\n<termEntry id=\"rs\">", ""), "utf-8")
    with pytest.raises(UserError, match=r"broken.tbx:\d+: not well-formed XML"):
        import_glossary(path, db)
    assert list_terms(db) == []


def test_reimport_replaces_what_the_file_defined(tmp_path, db):
    path = tmp_path / "terms.csv"
    shutil.copy(SAMPLE, path)
    import_glossary(path, db)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    edited = [line.replace("OTAN", "OTAN|l'OTAN") for line in lines if "Jens" not in line]
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    result = import_glossary(path, db)
    assert (result.added, result.updated, result.unchanged, result.removed) == (0, 1, 5, 1)
    terms = by_source(list_terms(db))
    assert "Jens Stoltenberg" not in terms and terms["NATO"].targets == ("OTAN", "l'OTAN")


def test_language_codes_are_normalised_with_babel():
    assert normalise_language("fr-FR") == "fr"
    assert normalise_language("FR") == "fr"
    assert normalise_language("fr-ca") == "fr_CA"
    assert normalise_language("pt-PT") == "pt_PT"
    assert normalise_language("French") == "fr"
    assert normalise_language("xx") is None


# -- matching and comments --------------------------------------------------------------


def test_matching_is_whole_word_inflection_tolerant_and_case_aware(glossary):
    def found(text: str) -> list[str]:
        return [span.text for span in glossary.find(text, "fr")]

    assert found("NATO Allies and the Ally") == ["NATO", "Allies", "Ally"]
    assert found("all allies, a Nato ally, Allyson") == []  # lower case "allies" is not the term
    assert found("The Secretary-General met the North Atlantic Council.") == [
        "Secretary-General",
        "North Atlantic Council",
    ]
    assert found("NATO's defence ministers; NATO’s Defence Ministers") == [
        "NATO",
        "NATO",
        "Defence Ministers",
    ]
    assert found("ALLIES OF NATO") == ["ALLIES", "NATO"]  # a heading in capitals


def test_term_comment_is_the_agreed_line(glossary):
    source = "NATO Allies met Secretary General Jens Stoltenberg, and NATO agreed."
    assert glossary.comment(source, "fr") == (
        "terms: NATO → OTAN; Ally → Allié; Secretary General → secrétaire général; "
        "Jens Stoltenberg → Jens Stoltenberg"
    )
    assert glossary.comment("Good afternoon.", "fr") is None
    assert glossary.comment(source, "de") is None  # no German terms


def test_term_comment_appears_and_disappears_on_a_po_entry(glossary):
    entry = polib.POEntry(msgid="NATO Allies agree.", msgstr="", comment="paragraph")
    entry.comment += "\nmachine translation: argos en→fr 1.9, confidence 0.62"
    assert update_term_comment(entry, glossary.comment(entry.msgid, "fr"))
    assert entry.comment.splitlines() == [
        "paragraph",
        "machine translation: argos en→fr 1.9, confidence 0.62",
        "terms: NATO → OTAN; Ally → Allié",
    ]
    assert not update_term_comment(entry, glossary.comment(entry.msgid, "fr"))  # re-derived
    entry.msgid = "The partners agree."
    assert update_term_comment(entry, glossary.comment(entry.msgid, "fr"))
    assert not any(line.startswith(COMMENT_PREFIX) for line in entry.comment.splitlines())
    po = polib.POFile()
    po.append(entry)
    assert "#. paragraph" in str(po)


# -- checks ---------------------------------------------------------------------------

SOURCE = (
    "NATO Allies met at the North Atlantic Council with Secretary General "
    "Jens Stoltenberg to discuss Resolute Support."
)
CORRECT = (
    "Les Alliés de l'OTAN se sont réunis au Conseil de l'Atlantique Nord avec le "
    "Secrétaire général Jens Stoltenberg pour discuter de Resolute Support."
)
INCORRECT = (
    "Les alliés de l'Otan se sont réunis au Conseil avec le secrétaire "
    "Jens Stoltenberg pour discuter du Soutien résolu."
)


def test_a_correct_french_sentence_passes_with_inflected_forms(glossary):
    assert glossary.check(SOURCE, CORRECT, "fr") == []
    feminine = "L'Alliée et les Alliés soutiennent l'OTAN."
    assert glossary.check("The Ally and the Allies support NATO.", feminine, "fr") == []


def test_an_incorrect_french_sentence_is_flagged(glossary):
    problems = glossary.check(SOURCE, INCORRECT, "fr")
    flagged = {(check, message.split("'")[1]) for check, _, message in problems}
    assert flagged == {
        ("terminology", "NATO"),
        ("terminology", "Ally"),
        ("terminology", "North Atlantic Council"),
        ("terminology", "Secretary General"),
        ("do-not-translate", "Resolute Support"),
    }
    assert {severity for _, severity, _ in problems} == {"warning"}
    message = next(m for c, _, m in problems if "Ally" in m)
    assert message == "'Ally' should be translated as 'Allié' (terms.en-fr.csv:4)"


def test_do_not_translate_flags_a_translated_name(glossary):
    source = "Jens Stoltenberg spoke."
    assert glossary.check(source, "Jens Stoltenberg a parlé.", "fr") == []
    [(check, severity, message)] = glossary.check(source, "M. Stoltenberg a parlé.", "fr")
    assert (check, severity) == ("do-not-translate", "warning")
    assert message.startswith("'Jens Stoltenberg' must stay as it is")


def test_no_term_checks_on_an_empty_translation(glossary):
    assert glossary.check(SOURCE, "", "fr") == []


# -- spans ----------------------------------------------------------------------------


def test_spans_in_source_and_translation(glossary):
    spans = glossary.spans(SOURCE, CORRECT, "fr")
    assert [(s.text, s.title) for s in spans.source][:2] == [
        ("NATO", "NATO → OTAN"),
        ("Allies", "Ally → Allié"),
    ]
    assert [s.text for s in spans.target] == [
        "Alliés",
        "OTAN",
        "Conseil de l'Atlantique Nord",
        "Secrétaire général",
        "Jens Stoltenberg",
        "Resolute Support",
    ]
    for span in [*spans.source, *spans.target]:
        text = SOURCE if span in spans.source else CORRECT
        assert text[span.start : span.end] == span.text
    assert spans.target[1].title == "NATO → OTAN"


def test_target_spans_only_mark_forms_of_terms_in_the_source(glossary):
    spans = glossary.spans("The Allies met.", "Les Alliés de l'OTAN se sont réunis.", "fr")
    assert [s.text for s in spans.target] == ["Alliés"]


def test_span_offsets_hold_in_decomposed_text(glossary):
    source = "NATO Allies met."
    translation = unicodedata.normalize("NFD", "Les Alliés de l'OTAN.")
    spans = glossary.spans(source, translation, "fr")
    assert [translation[s.start : s.end] for s in spans.target] == [
        unicodedata.normalize("NFD", "Alliés"),
        "OTAN",
    ]


def test_term_comment_follows_the_glossary(tmp_path, db):
    path = tmp_path / "terms.csv"
    shutil.copy(SAMPLE, path)
    import_glossary(path, db)
    source = "NATO Allies agree."
    assert Glossary.load(db).comment(source, "fr") == "terms: NATO → OTAN; Ally → Allié"
    kept = [line for line in SAMPLE.read_text("utf-8").splitlines() if not line.startswith("NATO")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    import_glossary(path, db)
    assert Glossary.load(db).comment(source, "fr") == "terms: Ally → Allié"
    path.write_text("source,language,target\nSummit,fr,sommet\n", encoding="utf-8")
    import_glossary(path, db)
    assert Glossary.load(db).comment(source, "fr") is None


# -- the project's listed glossaries ---------------------------------------------------


def test_sync_imports_listed_files_only_when_their_bytes_change(tmp_path, db):
    from pipeline.terms import sync_glossaries

    nothing = sync_glossaries([], db)
    assert (nothing.imported, nothing.removed) == ([], [])
    assert not db.exists()  # nothing listed, nothing created
    path = tmp_path / "terms.csv"
    shutil.copy(SAMPLE, path)
    first = sync_glossaries([path], db)
    assert [r.added for r in first.imported] == [7] and first.removed == []
    assert sync_glossaries([path], db).imported == []  # same stamp: not even read
    os.utime(path, ns=(1, 1))
    assert sync_glossaries([path], db).imported == []  # new stamp, same bytes
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT mtime_ns FROM glossaries").fetchone()[0] == 1
    path.write_text(SAMPLE.read_text("utf-8").replace("OTAN", "l'OTAN"), encoding="utf-8")
    [changed] = sync_glossaries([path], db).imported
    assert (changed.updated, changed.unchanged) == (1, 6)
    manual = tmp_path / "manual.csv"
    manual.write_text("source,language,target\nSummit,fr,sommet\n", encoding="utf-8")
    import_glossary(manual, db)  # imported by hand: not the project's list
    gone = sync_glossaries([], db)
    assert gone.removed == [str(path.resolve())]
    assert [t.source for t in list_terms(db)] == ["Summit"]


def test_sync_of_a_missing_listed_file_names_it(tmp_path, db):
    from pipeline.terms import sync_glossaries

    with pytest.raises(UserError, match=r"missing.csv: glossary not found \(listed in \[terms"):
        sync_glossaries([tmp_path / "missing.csv"], db)
