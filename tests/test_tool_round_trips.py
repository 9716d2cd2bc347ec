"""Other tools rewrite our catalogs; entry states, counts and published text survive (#13).

One project is built per module as the review loop builds it (``tests/test_review_loop.py``,
``tests/test_memory_runs.py``): a run, a translator's review (entries confirmed, one
corrected but left fuzzy, one translation cleared), an edited, a removed and a new
sentence, and a second document filled from the translation memory (an exact and a
fuzzy match). Its catalogs then go through the tools translators and platforms run on
them — ``msgmerge`` the way Weblate runs it (no ``--previous``: every ``#.`` comment and
every ``#|`` previous msgid is dropped), ``msgcat``, ``msguniq`` and translate-toolkit's
``pomerge`` — and ``pipeline status`` must count the same, ``pipeline publish`` must
publish the same text, and the next run must give our comments back. Where a tool drops
a fact, the state comes from the fill record (``translations/provenance.sqlite3``) and
the MT cache (:func:`pipeline.gettext.states.classify`).

The same catalogs (and a hand-edited one with plural and ``msgctxt`` entries) are
counted by ``msgfmt --statistics`` and translate-toolkit's ``pocount``: gettext's
``translated``/``fuzzy``/``untranslated`` must be what ``status`` says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import needs_msgfmt
from test_review_loop import A_NEW, A_OLD, REVIEWED, B, N, R, _review

from pipeline.gettext.states import MACHINE_PREFIX, MEMORY_PREFIX
from pipeline.testing import word_by_word

pytestmark = needs_msgfmt

BIN = Path(sys.executable).parent  # translate-toolkit's commands beside our Python
DOCUMENTS = ("transcript", "other")
NEEDS_WORK = ("Good afternoon.", "Bon après-midi à tous.")  # corrected, left fuzzy
CLEARED = "And for our own security."  # a translator emptied the machine translation
SIMILAR = "We are also closely coordinating with the Global Coalition partners."
OTHER = f"Good evening.\n\n{B}\n\n{SIMILAR}\n"
COUNTS = (
    "total",
    "translated",
    "fuzzy",
    "untranslated",
    "reviewed",
    "memory_exact",
    "memory_fuzzy",
    "machine",
    "suggestion",
    "needs_work",
)


@dataclass(frozen=True)
class Project:
    """A project directory and the environment its commands run in."""

    root: Path
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli(*args, cwd=self.root, env=self.env, check=True)

    def status(self) -> dict[str, dict[str, int]]:
        rows = json.loads(self.cli("status", "--json").stdout)
        return {row["document"]: {key: row[key] for key in COUNTS} for row in rows}

    def published(self, output: str) -> dict[str, str]:
        """The txt published for every document into ``output`` (a fresh directory)."""
        documents = [f"{d}.txt" for d in DOCUMENTS]
        self.cli("publish", *documents, "--to", "fr", "--format", "txt", "--output-dir", output)
        return {d: (self.root / output / "fr" / f"{d}.txt").read_text("utf-8") for d in DOCUMENTS}

    def po(self, document: str) -> Path:
        return self.root / "translations" / "fr" / f"{document}.po"

    def pot(self, document: str) -> Path:
        return self.root / "translations" / "templates" / f"{document}.pot"

    def copy(self, dest: Path) -> Project:
        shutil.copytree(self.root, dest, symlinks=True)
        return Project(dest, self.env)


@dataclass(frozen=True)
class NextRun:
    """What status, our comments and publishing say after the next ``pipeline run``."""

    status: dict[str, dict[str, int]]
    comments: dict[str, dict[str, list[str]]]
    published: dict[str, str]


@dataclass(frozen=True)
class Reviewed:
    """The project as the review loop left it, what status and publish said then, and
    what they say after the next run (on a copy)."""

    project: Project
    status: dict[str, dict[str, int]]
    published: dict[str, str]
    next_run: NextRun


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory, _installed_store: Path) -> Reviewed:
    """Run → review → edit the source → run with a second document (module-scoped: the
    function-scoped ``workdir``/``model_store`` fixtures cannot serve several tests)."""
    base = tmp_path_factory.mktemp("round-trips")
    shutil.copytree(_installed_store, base / "argos-packages")
    env = {
        "ARGOS_PACKAGES_DIR": str(base / "argos-packages"),
        "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",
        "PIPELINE_HTTP_TRIES": "1",
        "PIPELINE_CACHE_DIR": str(base / "pipeline-cache"),
        "SOURCE_DATE_EPOCH": "1764240000",
    }
    project = Project(base / "work", env)
    project.root.mkdir()
    source = project.root / "transcript.txt"
    shutil.copy(Path(__file__).parent.parent / "examples" / "transcript.txt", source)
    project.cli("run", "transcript.txt", "--to", "fr", "--quiet")
    _review(project.po("transcript"))
    po = polib.pofile(str(project.po("transcript")))
    po.find(NEEDS_WORK[0]).msgstr = NEEDS_WORK[1]  # "Needs work" stays on
    po.save()

    original = source.read_text(encoding="utf-8")
    changed = original.replace(A_OLD, A_NEW).replace(R + "\n", "").replace(B, B + "\n" + N)
    source.write_text(changed, encoding="utf-8")
    (project.root / "other.txt").write_text(OTHER, encoding="utf-8")
    project.cli("run", "transcript.txt", "other.txt", "--to", "fr", "--quiet")

    _clear(project.po("transcript"), CLEARED)
    return Reviewed(project, project.status(), project.published("published"), _next_run(project))


def _clear(path: Path, msgid: str) -> None:
    """Poedit's "Clear translation" on a one-line entry, by editing the text (polib's save
    would drop the ``#.`` lines of obsolete entries, which the next test looks at)."""
    text = path.read_text(encoding="utf-8")
    entry = re.search(rf'^msgid "{re.escape(msgid)}"\nmsgstr ".+"$', text, re.MULTILINE)
    assert entry is not None, msgid
    cleared = f'msgid "{msgid}"\nmsgstr ""'
    path.write_text(text[: entry.start()] + cleared + text[entry.end() :], encoding="utf-8")


def _next_run(project: Project) -> NextRun:
    """Run again on a copy: the cleared entry is machine-translated again, comments re-derived."""
    again = project.copy(project.root.with_name("next-run"))
    return _run_again(again)


def _run_again(project: Project) -> NextRun:
    project.cli("run", *(f"{d}.txt" for d in DOCUMENTS), "--to", "fr", "--quiet")
    comments = {d: _own_comments(project.po(d)) for d in DOCUMENTS}
    return NextRun(project.status(), comments, project.published("output"))


def test_the_reviewed_project_has_every_kind_of_entry(reviewed: Reviewed) -> None:
    """The scenario is what the round trips need: each origin at least once."""
    transcript, other = reviewed.status["transcript"], reviewed.status["other"]
    assert transcript["reviewed"] == 1 and transcript["suggestion"] == 1  # B; A edited
    assert transcript["needs_work"] == 1 and transcript["untranslated"] == 1
    assert transcript["machine"] == transcript["total"] - 4
    assert other["memory_exact"] == 1 and other["memory_fuzzy"] == 1 and other["machine"] == 1
    published = reviewed.published["transcript"]
    assert REVIEWED[B] in published and NEEDS_WORK[1] in published
    assert REVIEWED[A_OLD] not in published and A_NEW not in published  # machine of A_NEW
    assert word_by_word(CLEARED) in published  # the cleared entry: machine, from the cache
    assert REVIEWED[B] in reviewed.published["other"]


def test_only_machine_text_carries_a_machine_comment(reviewed: Reviewed) -> None:
    """Our ``#.`` lines are re-derived on every entry, obsolete ones too: a reviewed
    sentence that left the transcript does not claim to be a machine translation."""
    for document in DOCUMENTS:
        for entry in polib.pofile(str(reviewed.project.po(document))):
            if entry.msgid == CLEARED:
                continue  # emptied after the last run: its line goes with the next one
            if any(line.startswith(MACHINE_PREFIX) for line in entry.comment.splitlines()):
                assert "fuzzy" in entry.flags and entry.msgstr == word_by_word(entry.msgid), (
                    document,
                    entry.msgid,
                )
    po = polib.pofile(str(reviewed.project.po("transcript")))
    assert {e.msgid: e.msgstr for e in po.obsolete_entries()}[R] == REVIEWED[R]


def _in_place(command: Callable[[Path, Path, Path], list[str]]) -> Callable[[Path, Path], None]:
    """Run ``command(po, pot, out)`` and put ``out`` in the catalog's place."""

    def rewrite(po: Path, pot: Path) -> None:
        out = po.with_name("out.po")
        subprocess.run(command(po, pot, out), check=True, capture_output=True)
        os.replace(out, po)

    return rewrite


TOOLS: dict[str, Callable[[Path, Path], None]] = {
    # Weblate's update: `msgmerge -o out.po file.po template.pot`, no --previous
    "msgmerge": _in_place(lambda po, pot, out: ["msgmerge", "--quiet", "-o", out, po, pot]),
    "msgcat": _in_place(lambda po, pot, out: ["msgcat", "-o", out, po]),
    "msgcat --no-wrap --sort-output": _in_place(
        lambda po, pot, out: ["msgcat", "--no-wrap", "--sort-output", "-o", out, po]
    ),
    "msguniq": _in_place(lambda po, pot, out: ["msguniq", "-o", out, po]),
    # translate-toolkit: translations merged into the template (header and obsolete
    # entries are the POT's), and into the catalog itself (a snippet merged back)
    "pomerge -t template.pot": _in_place(
        lambda po, pot, out: [BIN / "pomerge", "--progress", "none", "-t", pot, "-i", po, "-o", out]
    ),
    "pomerge -t file.po": _in_place(
        lambda po, pot, out: [BIN / "pomerge", "--progress", "none", "-t", po, "-i", po, "-o", out]
    ),
}


def _own_comments(path: Path) -> dict[str, list[str]]:
    """msgid → our ``#.`` lines, for the active entries of a catalog."""
    own = (MACHINE_PREFIX, MEMORY_PREFIX)
    return {
        entry.msgid: [line for line in entry.comment.splitlines() if line.startswith(own)]
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


@pytest.mark.parametrize("tool", list(TOOLS))
def test_a_tool_round_trip_keeps_counts_and_published_text(
    reviewed: Reviewed, tool: str, tmp_path: Path
) -> None:
    project = reviewed.project.copy(tmp_path / "work")
    for document in DOCUMENTS:
        TOOLS[tool](project.po(document), project.pot(document))
        subprocess.run(["msgfmt", "-c", "-o", os.devnull, project.po(document)], check=True)
    if tool == "msgmerge":  # the facts msgmerge erases are gone indeed
        text = project.po("transcript").read_text(encoding="utf-8")
        assert "#|" not in text and "#. machine translation" not in text
        assert "#. translation memory" not in project.po("other").read_text(encoding="utf-8")

    status = project.status()
    assert status == reviewed.status
    for document in DOCUMENTS:  # and gettext counts what status counts, after the tool too
        counted = {key: status[document][key] for key in STATISTICS}
        assert msgfmt_statistics(project.po(document)) == counted
    assert project.published("republished") == reviewed.published
    # The next run gives our comments back: it does what it does without the round trip.
    assert _run_again(project) == reviewed.next_run


def test_without_the_fill_record_the_mt_cache_still_knows_machine_text(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    """Losing ``provenance.sqlite3`` and msgmerge's erasures together costs precision (a
    suggestion or a memory match without ``#|`` and comment reads as a person's work),
    never gettext's counts nor the machine count: the MT cache knows every machine output."""
    project = reviewed.project.copy(tmp_path / "work")
    for leftover in (project.root / "translations").glob("provenance.sqlite3*"):
        leftover.unlink()
    assert project.status() == reviewed.status  # #| and our comments still say it all
    for document in DOCUMENTS:
        TOOLS["msgmerge"](project.po(document), project.pot(document))
    after = project.status()
    for document, before in reviewed.status.items():
        kept = ("total", "translated", "fuzzy", "untranslated", "machine")
        assert {key: after[document][key] for key in kept} == {key: before[key] for key in kept}
    assert after["transcript"]["needs_work"] == 2  # the suggestion joins the draft
    assert after["other"]["reviewed"] == 1 and after["other"]["needs_work"] == 1


# --------------------------------------------------------------------------- gettext's counts

STATISTICS = {
    "translated": r"(\d+) translated messages?",
    "fuzzy": r"(\d+) fuzzy translations?",
    "untranslated": r"(\d+) untranslated messages?",
}


def msgfmt_statistics(path: Path) -> dict[str, int]:
    """What ``msgfmt --statistics`` prints ("2 translated messages, 1 fuzzy translation.";
    a count of 0 is left out)."""
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    found = {key: re.search(pattern, result.stderr) for key, pattern in STATISTICS.items()}
    return {key: int(match.group(1)) if match else 0 for key, match in found.items()}


def pocount(path: Path) -> dict[str, int]:
    """translate-toolkit's ``pocount --csv`` message counts."""
    result = subprocess.run(
        [BIN / "pocount", "--csv", str(path)], capture_output=True, text=True, check=True
    )
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    return {
        "translated": int(row["Translated Messages"]),
        "fuzzy": int(row["Fuzzy Messages"]),
        "untranslated": int(row["Untranslated Messages"]),
    }


FRENCH_FORMS = 3  # nplurals of our French header (CLDR: 1 000 000 takes its own form)


def _plural(msgid: str, forms: list[str], flags: str = "", msgctxt: str = "") -> str:
    lines = [flags, f'msgctxt "{msgctxt}"' if msgctxt else ""]
    lines += [f'msgid "{msgid}"', f'msgid_plural "{msgid}s"']
    lines += [f'msgstr[{n}] "{form}"' for n, form in enumerate(forms)]
    return "\n".join(line for line in lines if line) + "\n"


HAND_ADDED = [  # what a translator types into the file: plural and context entries
    _plural("%d ally", ["%d allié", "%d d’alliés", "%d alliés"]),
    _plural("%d minister", ["%d ministre", "%d de ministres", "%d ministres"], "#, fuzzy"),
    _plural("%d partner", ["", "", ""]),
    _plural("%d country", ["%d pays"] * 3, msgctxt="table"),
    f'msgctxt "title"\nmsgid "{B}"\nmsgstr "Coordination avec la Coalition mondiale"\n',
    '#, fuzzy\nmsgctxt "menu"\nmsgid "Good afternoon."\nmsgstr "Bonjour"\n',
    'msgctxt "menu"\nmsgid "Thank you."\nmsgstr ""\n',
]


def _hand_edited(project: Project) -> Path:
    path = project.po("transcript")
    path.write_text(path.read_text("utf-8") + "\n" + "\n".join(HAND_ADDED), encoding="utf-8")
    subprocess.run(["msgfmt", "-c", "-o", os.devnull, path], check=True)
    return path


def test_status_counts_what_msgfmt_statistics_and_pocount_count(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    """Every catalog of the scenarios: the review loop's, the memory's, a hand-edited one."""
    catalogs = {d: reviewed.project.po(d) for d in DOCUMENTS}
    hand = reviewed.project.copy(tmp_path / "work")
    catalogs["hand-edited"] = _hand_edited(hand)
    rows = {**reviewed.status, "hand-edited": hand.status()["transcript"]}
    assert rows["hand-edited"]["total"] == rows["transcript"]["total"] + len(HAND_ADDED)
    for name, path in catalogs.items():
        ours = {key: rows[name][key] for key in STATISTICS}
        assert ours == msgfmt_statistics(path) == pocount(path), name


def test_a_plural_entry_with_an_empty_form_is_the_one_known_difference(tmp_path: Path) -> None:
    """gettext 0.21 counts a plural entry translated when ``msgstr[0]`` has text; we count
    it (as polib and PO editors do) only when every form has (see gettext/states.py)."""
    path = tmp_path / "translations" / "fr" / "partial.po"
    path.parent.mkdir(parents=True)
    header = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )
    forms = '"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n'  # noqa: E501
    path.write_text(
        header + forms + "\n" + _plural("%d ally", ["%d allié", "", ""]), encoding="utf-8"
    )
    (row,) = json.loads(run_cli("status", "--json", cwd=tmp_path, check=True).stdout)
    assert (row["translated"], row["untranslated"]) == (0, 1)
    assert msgfmt_statistics(path) == {"translated": 1, "fuzzy": 0, "untranslated": 0}
