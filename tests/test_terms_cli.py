"""Terminology through the command line: ``pipeline terms import|list``, the glossaries
``[terms] files`` lists, the ``#. terms:`` comments of real runs, and ``check``.

Runs use the word-by-word test model (``model_store``); PO files are read back with
polib, as a translator's editor would read them.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import polib
from conftest import run_cli
from po_files import confirm

GLOSSARIES = Path(__file__).parent / "data" / "glossaries"
SAMPLE = GLOSSARIES / "terms.en-fr.csv"

ALLIES = (
    "At this stage, we have made no final decision on the future of our presence, but, as the "
    "May 1 deadline is approaching, NATO Allies will continue to closely consult and coordinate "
    "in the coming weeks."
)
RESOLUTE = (
    "We remain committed to our Resolute Support mission, with training and funding for the "
    "brave Afghan security forces."
)
ALLIES_FR = (
    "À ce stade, nous n'avons pris aucune décision finale sur l'avenir de notre présence, mais, "
    "à l'approche de l'échéance du 1er mai, les Alliés de l'OTAN continueront de se consulter "
    "étroitement et de se coordonner dans les semaines à venir."
)
RESOLUTE_FR = (
    "Nous restons attachés à notre mission Resolute Support, qui forme et finance les "
    "courageuses forces de sécurité afghanes."
)
PO = Path("translations/fr/transcript.po")


def comment_lines(msgid: str, path: Path = PO) -> list[str]:
    entry = polib.pofile(str(path)).find(msgid)
    assert entry is not None, msgid
    return entry.comment.splitlines()


def terms_line(msgid: str) -> str | None:
    return next((ln for ln in comment_lines(msgid) if ln.startswith("terms: ")), None)


# -- terms import / list ---------------------------------------------------------------


def test_import_and_list_csv_and_tbx(workdir: Path) -> None:
    result = run_cli("terms", "import", str(SAMPLE), check=True)
    assert result.stdout.startswith(f"{SAMPLE}: 7 terms (fr): 7 new, 0 changed")
    result = run_cli("terms", "import", str(GLOSSARIES / "termbase.tbx"), "--json", check=True)
    tbx = json.loads(result.stdout)
    assert (tbx["format"], tbx["skipped"], tbx["languages"]) == ("tbx", 1, ["de", "fr"])
    listed = json.loads(run_cli("terms", "list", "--to", "fr", "--json", check=True).stdout)
    terms = {(t["source"], t["language"]): t for t in listed["terms"]}
    assert terms[("Ally", "fr")]["targets"] == ["Allié"]
    assert terms[("Resolute Support", "fr")]["keep"] is True
    assert {language for _, language in terms} == {"fr"}
    assert listed["database"].endswith(os.path.join("translations", "terms.sqlite3"))
    table = run_cli("terms", "list", check=True).stdout
    assert "Nordatlantikrat" in table and "(do not translate)" in table


def test_a_malformed_glossary_is_one_error_line_and_nothing_is_imported(workdir: Path) -> None:
    broken = workdir / "broken.csv"
    broken.write_text("source,language,target\nNATO,fr,OTAN\nAlly,fr,\n", encoding="utf-8")
    result = run_cli("terms", "import", "broken.csv")
    assert result.returncode == 1
    assert result.stderr == "error: broken.csv:3: no target term for 'Ally'\n"
    assert not (workdir / "translations" / "terms.sqlite3").exists()
    listed = run_cli("terms", "list", check=True)
    assert listed.stdout.startswith("no terms")


def test_a_file_without_languages_takes_the_to_language(workdir: Path) -> None:
    (workdir / "two.csv").write_text("source,target\nNATO,OTAN\n", encoding="utf-8")
    result = run_cli("terms", "import", "two.csv")
    assert result.returncode == 1 and "two.csv:2: no target language" in result.stderr
    run_cli("terms", "import", "two.csv", "--to", "fr-FR", check=True)
    listed = json.loads(run_cli("terms", "list", "--json", check=True).stdout)
    assert [(t["source"], t["language"]) for t in listed["terms"]] == [("NATO", "fr")]


# -- comments in real runs -------------------------------------------------------------


def test_term_comments_follow_terms_and_sources(workdir: Path, model_store: Path) -> None:
    shutil.copy(SAMPLE, workdir / "glossary.csv")
    run_cli("terms", "import", "glossary.csv", check=True)
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    lines = comment_lines(ALLIES)
    assert lines[-2].startswith("machine translation: argos en→fr 1.0, confidence ")
    assert lines[-1] == "terms: NATO → OTAN; Ally → Allié"  # after our machine line
    assert terms_line(RESOLUTE) == "terms: Resolute Support → Resolute Support"
    assert terms_line("Good afternoon.") is None

    # The glossary loses NATO: the comment loses it on the next run.
    kept = [ln for ln in SAMPLE.read_text("utf-8").splitlines() if not ln.startswith("NATO,")]
    (workdir / "glossary.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    run_cli("terms", "import", "glossary.csv", check=True)
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    assert terms_line(ALLIES) == "terms: Ally → Allié"

    # The source sentence loses its terms: so does its entry's comment.
    source = workdir / "transcript.txt"
    edited = ALLIES.replace("NATO Allies", "our partners")
    source.write_text(source.read_text("utf-8").replace(ALLIES, edited), encoding="utf-8")
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    assert terms_line(edited) is None
    assert comment_lines(edited)[-1].startswith("machine translation: ")
    assert subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(PO)]).returncode == 0


def test_listed_glossaries_are_imported_when_they_change(workdir: Path, model_store: Path) -> None:
    shutil.copy(SAMPLE, workdir / "glossary.csv")
    project = workdir / "pipeline.toml"
    project.write_text('target_languages = ["fr"]\n[terms]\nfiles = ["glossary.csv"]\n', "utf-8")
    first = run_cli("run", "transcript.txt", check=True)
    assert "glossary.csv: glossary imported (7 terms: 7 new" in first.stderr
    assert terms_line(ALLIES) == "terms: NATO → OTAN; Ally → Allié"

    database = workdir / "translations" / "terms.sqlite3"
    os.utime(workdir / "glossary.csv")  # touched, same bytes: not imported again
    second = run_cli("extract", "transcript.txt", check=True)
    assert "glossary imported" not in second.stderr

    with open(workdir / "glossary.csv", "a", encoding="utf-8") as glossary:
        glossary.write("coming weeks,fr,semaines à venir,\n")
    third = run_cli("extract", "transcript.txt", check=True)
    assert "glossary imported (8 terms: 1 new, 0 changed" in third.stderr
    assert terms_line(ALLIES).endswith("; coming weeks → semaines à venir")

    project.write_text('target_languages = ["fr"]\n', "utf-8")  # no longer listed
    fourth = run_cli("extract", "transcript.txt", check=True)
    assert "no longer in [terms] files of the project; its terms were removed" in fourth.stderr
    assert terms_line(ALLIES) is None
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM terms").fetchone()[0] == 0


def test_a_project_without_glossary_creates_no_terms_database(
    workdir: Path, model_store: Path
) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    assert terms_line(ALLIES) is None
    assert not (workdir / "translations" / "terms.sqlite3").exists()
    found = run_cli("check", "--check", "terminology,do-not-translate", "--format", "json")
    assert found.returncode == 0 and json.loads(found.stdout) == []


# -- check --------------------------------------------------------------------------


def term_findings() -> set[tuple[str, str]]:
    """(check, msgid) of the glossary findings on reviewed entries."""
    result = run_cli(
        "check", "--reviewed-only", "--check", "terminology,do-not-translate", "--format", "json"
    )
    assert result.returncode == 0, result.stderr  # warnings only
    findings = json.loads(result.stdout)
    assert all(f["severity"] == "warning" for f in findings)
    return {(f["check"], f["message"].split("'")[1]) for f in findings}


def test_check_flags_incorrect_french_and_passes_correct_french(
    workdir: Path, model_store: Path
) -> None:
    shutil.copy(SAMPLE, workdir / "glossary.csv")
    run_cli("terms", "import", "glossary.csv", check=True)
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)

    confirm(PO, {ALLIES: ALLIES_FR, RESOLUTE: RESOLUTE_FR})  # "Alliés": an inflected form
    assert term_findings() == set()

    confirm(
        PO,
        {
            ALLIES: ALLIES_FR.replace("les Alliés de l'OTAN", "les alliés de l'Otan"),
            RESOLUTE: RESOLUTE_FR.replace("mission Resolute Support", "mission Soutien résolu"),
        },
    )
    assert term_findings() == {
        ("terminology", "NATO"),
        ("terminology", "Ally"),
        ("do-not-translate", "Resolute Support"),
    }
    text = run_cli("check", "--reviewed-only", "--check", "terminology").stdout
    assert "warning: [terminology] 'Ally' should be translated as 'Allié' (glossary.csv:4)" in text
