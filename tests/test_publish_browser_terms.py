"""Glossary terms and the least confident sentences on a real bilingual page, in Chromium.

The whole chain: a glossary imported with ``pipeline terms import``, ``pipeline run``
with the test model built unsure of itself (``unsure_model_store``), then the page
the run published, loaded unchanged in headless Chromium (see
``test_publish_browser.py`` for the probe technique). A screenshot of a focused term
is kept in ``test-artifacts/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from test_publish_browser import DESKTOP, chromium, probe, screenshot

from pipeline.mt.confidence import low_confidence_threshold

SAMPLE = Path(__file__).parent / "data" / "glossaries" / "terms.en-fr.csv"

TERMS_SCENARIO = """
var win = frames[0].win, doc = frames[0].doc;
var terms = Array.prototype.map.call(doc.querySelectorAll("abbr.term[title]"), function (a) {
  return {side: a.closest(".col").classList.contains("src") ? "src" : "tgt",
          text: a.textContent, title: a.title, tabIndex: a.tabIndex};
});
var target = doc.querySelector(".rows .col.tgt abbr.term[title]");
target.focus();
var focused = doc.activeElement === target;
var tooltip = win.getComputedStyle(target, "::after").content;
var segs = Array.prototype.map.call(doc.querySelectorAll(".col.tgt .seg.mt"), function (s) {
  var n = s.getAttribute("data-seg");
  var twin = doc.querySelector('.col.src [data-seg="' + n + '"]');
  return {seg: n, lc: s.classList.contains("lc"), source: twin.textContent,
          wavy: win.getComputedStyle(s).textDecorationStyle};
});
return {terms: terms, focused: focused, tooltip: tooltip, title: target.title, segs: segs};
"""


@pytest.fixture
def published(workdir: Path, unsure_model_store: Path) -> Path:
    chromium()  # skip early where there is no browser
    shutil.copy(SAMPLE, workdir / "glossary.csv")
    run_cli("terms", "import", "glossary.csv", check=True)
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    return workdir / "output" / "en-fr" / "transcript.html"


def test_terms_and_least_confident_sentences_in_chromium(published: Path, tmp_path: Path):
    facts = probe([published], DESKTOP, TERMS_SCENARIO, tmp_path)

    terms = {(t["side"], t["text"], t["title"]) for t in facts["terms"]}
    assert ("src", "NATO", "NATO → OTAN") in terms and ("tgt", "OTAN", "NATO → OTAN") in terms
    assert ("src", "Allies", "Ally → Allié") in terms and ("tgt", "Alliés", "Ally → Allié") in terms
    kept = "Resolute Support → Resolute Support"
    assert {("src", "Resolute Support", kept), ("tgt", "Resolute Support", kept)} <= terms
    assert all(t["tabIndex"] == 0 for t in facts["terms"])  # reachable with the Tab key
    assert facts["focused"] and facts["title"] == "NATO → OTAN"
    assert facts["tooltip"] == '"NATO → OTAN"'  # shown under the term with keyboard focus

    # The least confident 10 % of the page's machine translations carry the mark.
    queue = json.loads(run_cli("review-queue", "--json", check=True).stdout)["entries"]
    confidence = {item["msgid"]: item["confidence"] for item in queue}
    segs = facts["segs"]
    threshold = low_confidence_threshold([confidence[s["source"]] for s in segs], 0.1)
    expected = {s["seg"] for s in segs if confidence[s["source"]] <= threshold}
    marked = {s["seg"] for s in segs if s["lc"]}
    assert marked == expected and 0 < len(marked) < len(segs) / 5
    assert all(s["wavy"] == "wavy" for s in segs if s["lc"])
    assert all(s["wavy"] == "dotted" for s in segs if not s["lc"])

    screenshot(published, DESKTOP, "publish-bilingual-terms.png", tmp_path)
