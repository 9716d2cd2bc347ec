"""``pipeline review-queue`` and ``pipeline report`` on real runs.

The queue runs on the test model built unsure of itself (``unsure_model_store``: the
usual word-by-word output, with scores below 0 that differ between sentences). The
report runs on a crafted review: 4 machine translations reviewed, 3 accepted as they
are and one with a known edit; its chrF and TER are computed here with sacrebleu.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import confirm
from sacrebleu.metrics import CHRF, TER

PO = Path("translations/fr/transcript.po")


def queue(*args: str) -> dict:
    return json.loads(run_cli("review-queue", "--json", *args, check=True).stdout)


def test_queue_lists_machine_translations_least_confident_first(
    workdir: Path, unsure_model_store: Path
) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    found = queue()
    entries = found["entries"]
    po = polib.pofile(str(PO))
    machine = [e for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert found["total"] == len(entries) == len(machine) > 20 and found["unknown"] == 0
    values = [item["confidence"] for item in entries]
    assert values == sorted(values) and len(set(values)) > 1
    lines = PO.read_text("utf-8").splitlines()
    for item in entries:
        entry = po.find(item["msgid"])
        assert item["msgstr"] == entry.msgstr and item["po_path"] == str(PO)
        assert f"confidence {item['confidence']:.2f}" in entry.comment  # the same value
        assert lines[item["po_line"] - 1] == "#. " + entry.comment.splitlines()[0]
        assert item["source_ref"] == f"transcript.txt:{entry.occurrences[0][1]}"

    assert queue("--limit", "3")["entries"] == entries[:3]
    first = entries[0]
    text = run_cli("review-queue", "--to", "fr", "-n", "2", check=True)
    expected = f"{PO}:{first['po_line']}: {first['confidence']:.2f}: {first['msgid']}"
    assert text.stdout.splitlines()[0] == expected
    assert len(text.stdout.splitlines()) == 2
    assert f"2 of {len(entries)} unreviewed machine translations" in text.stderr

    confirm(PO, {first["msgid"]: first["msgstr"]})  # accepted as it is: no longer in the queue
    after = queue()
    assert after["total"] == len(entries) - 1
    assert [item["msgid"] for item in after["entries"]] == [i["msgid"] for i in entries[1:]]


def test_report_gives_known_numbers_on_a_crafted_review(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    po = polib.pofile(str(PO))
    chosen = [e for e in po if "fuzzy" in e.flags and e.comment.startswith("paragraph")][:4]
    machine = [e.msgstr for e in chosen]
    reviewed = [*machine[:3], machine[3] + " Voilà."]  # 7 characters added
    confirm(PO, {e.msgid: text for e, text in zip(chosen, reviewed, strict=True)})

    data = json.loads(run_cli("report", "--json", check=True).stdout)
    overall = data["groups"][0]
    assert overall["group"] == "all"
    assert (overall["entries"], overall["unchanged"], overall["unchanged_share"]) == (4, 3, 0.75)
    distance = 7 / (len(machine[3]) + 7)
    assert overall["edit_distance_mean"] == pytest.approx(distance / 4)
    assert overall["edit_distance_histogram"][0] == 3
    assert overall["chrf"] == pytest.approx(CHRF().corpus_score(machine, [reviewed]).score)
    assert overall["ter"] == pytest.approx(TER().corpus_score(machine, [reviewed]).score)
    assert 0 < overall["chrf"] < 100
    assert overall["confidence_mean"] == pytest.approx(1.0, abs=0.01)  # a sure model
    assert (data["catalogs"], data["missing"], data["problems"]) == (1, 0, [])
    assert [g["value"] for g in data["groups"] if g["group"] == "model"] == ["argos en→fr 1.0"]

    text = run_cli("report", check=True).stdout
    assert "Machine translation review: 4 reviewed entries from 1 catalog" in text
    assert "accepted unchanged   3 of 4 (75.0 %)" in text

    page = workdir / "reports" / "review.html"
    result = run_cli("report", "--to", "fr", "--html", str(page), check=True)
    assert f"wrote {page}" in result.stderr
    html = page.read_text("utf-8")
    assert '<html lang="fr"' in html and "<h1>Relecture de la traduction automatique</h1>" in html
    assert html.count("<svg") == 3 and "75\u00a0%" in html
    written = page.stat().st_mtime_ns
    run_cli("report", "--to", "fr", "--html", str(page), check=True)
    assert page.stat().st_mtime_ns == written  # same report, file left alone


def test_empty_project_has_an_empty_queue_and_report(workdir: Path) -> None:
    result = run_cli("review-queue", check=True)
    assert result.stdout == "" and "no unreviewed machine translations" in result.stderr
    result = run_cli("report", check=True)
    assert "no reviewed machine translations yet" in result.stdout
    assert json.loads(run_cli("report", "--json", check=True).stdout)["groups"] == []
