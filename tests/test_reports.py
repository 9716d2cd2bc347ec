"""The review report: known numbers on a crafted set, records from a real PO file and MT
cache, and the HTML page in real Chromium at 1280 and 390 px (screenshots kept in
``test-artifacts/``)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import polib
import pytest
from sacrebleu.metrics import CHRF, TER

from pipeline.gettext.provenance import machine_comment
from pipeline.mt.cache import TranslationCache
from pipeline.mt.confidence import confidence
from pipeline.reports import (
    ReviewRecord,
    ReviewReport,
    build_report,
    confidence_band,
    records_from_catalog,
    render_report_html,
)
from pipeline.reports.html import REPORT_LABELS
from pipeline.reports.review import histogram_bin

MACHINE = "Le processus de paix est fragile."
EDITED = "Le processus de paix reste fragile."  # "est" → "reste": 2 insertions


def crafted() -> list[ReviewRecord]:
    """4 reviewed entries: 3 accepted unchanged, one edited (edit distance 2/35)."""
    return [
        ReviewRecord("speech", "fr", "argos en→fr 1.9", 0.91, "Bonjour.", "Bonjour."),
        ReviewRecord("speech", "fr", "argos en→fr 1.9", 0.35, MACHINE, EDITED),
        ReviewRecord("briefing", "fr", "argos en→fr 1.9", 0.72, "Merci.", "Merci."),
        ReviewRecord("briefing", "fr", "argos en→fr 1.8", None, "OTAN.", "OTAN."),
    ]


def test_known_numbers_on_a_crafted_set():
    report = build_report(crafted())
    overall = report.overall
    assert (overall.entries, overall.unchanged, overall.unchanged_share) == (4, 3, 0.75)
    assert overall.edit_distance_mean == pytest.approx((2 / 35) / 4)
    assert overall.edit_distance_median == 0
    assert overall.edit_distance_histogram == [3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    hypotheses = ["Bonjour.", MACHINE, "Merci.", "OTAN."]
    references = ["Bonjour.", EDITED, "Merci.", "OTAN."]
    assert overall.chrf == pytest.approx(CHRF().corpus_score(hypotheses, [references]).score)
    assert overall.ter == pytest.approx(TER().corpus_score(hypotheses, [references]).score)
    assert 0 < overall.chrf < 100 and overall.ter > 0
    assert overall.confidence_mean == pytest.approx((0.91 + 0.35 + 0.72) / 3)


def test_groups_per_language_model_document_and_band():
    report = build_report(crafted())
    assert [(g.value, g.entries) for g in report.by("language")] == [("fr", 4)]
    models = {g.value: g for g in report.by("model")}
    assert models["argos en→fr 1.9"].unchanged_share == pytest.approx(2 / 3)
    assert models["argos en→fr 1.8"].unchanged == 1
    documents = {g.value: g for g in report.by("document")}
    assert documents["speech"].unchanged_share == 0.5 and documents["speech"].language == "fr"
    assert documents["briefing"].chrf == pytest.approx(100)
    speech = CHRF().corpus_score(["Bonjour.", MACHINE], [["Bonjour.", EDITED]]).score
    assert documents["speech"].chrf == pytest.approx(speech)
    bands = [(g.value, g.entries, g.unchanged) for g in report.by("confidence")]
    assert bands == [("0.2–0.4", 1, 0), ("0.6–0.8", 1, 1), ("0.8–1.0", 1, 1), ("unknown", 1, 1)]
    data = json.loads(report.to_json())
    assert (
        data["groups"][0]["group"] == "all"
        and "chrF2" in data["signatures"]["chrf"]
        or ("nc:6" in data["signatures"]["chrf"])
    )


def test_bands_and_bins_at_their_edges():
    assert confidence_band(0.0) == "0.0–0.2"
    assert confidence_band(0.2) == "0.2–0.4"
    assert confidence_band(0.7999) == "0.6–0.8"
    assert confidence_band(1.0) == "0.8–1.0"
    assert confidence_band(None) == "unknown"
    assert [histogram_bin(d) for d in (0.0, 0.01, 0.1, 0.3, 0.3001, 1.0)] == [0, 1, 1, 3, 4, 10]


def test_an_empty_report():
    report = build_report([])
    assert report.overall is None and report.groups == []
    assert "No reviewed machine translations yet." in render_report_html(report)


# -- records from a PO file and the MT cache ---------------------------------------


def test_records_from_a_catalog_and_the_mt_cache(tmp_path: Path):
    cache_path = tmp_path / "mt-cache.sqlite3"
    with TranslationCache(cache_path, "argos", "1.9", "en", "fr") as cache:
        cache.store_scored(
            [
                ("The peace process is fragile.", MACHINE, math.log(0.4)),
                ("Thank you.", "Merci.", None),
                ("Good afternoon.", "Bonjour.", -0.1),
            ]
        )
    po = polib.POFile()
    label = "argos en→fr 1.9"

    def entry(msgid: str, msgstr: str, comment: str, fuzzy: bool = False) -> None:
        e = polib.POEntry(msgid=msgid, msgstr=msgstr, comment=comment)
        if fuzzy:
            e.flags.append("fuzzy")
        po.append(e)

    entry(
        "The peace process is fragile.", EDITED, machine_comment(label, confidence(math.log(0.4)))
    )
    entry(
        "Thank you.", "Merci.", "paragraph\nmachine translation: argos en→fr 1.9, confidence 0.80"
    )
    entry(
        "Good afternoon.", "Bonjour.", machine_comment(label, confidence(-0.1)), fuzzy=True
    )  # not reviewed
    entry("Hello.", "Salut.", "paragraph")  # a translator's own translation: no MT
    entry("Gone.", "Parti.", "machine translation: argos en→fr 1.9")  # MT no longer cached
    path = tmp_path / "speech.po"
    po.save(str(path))

    collected = records_from_catalog(polib.pofile(str(path)), "speech", "fr", cache_path)
    assert collected.missing == 1
    by_source = {r.source: r for r in collected.records}
    assert set(by_source) == {"The peace process is fragile.", "Thank you."}
    peace = by_source["The peace process is fragile."]
    assert (peace.machine, peace.reviewed, peace.model) == (MACHINE, EDITED, label)
    assert peace.confidence == pytest.approx(0.4)  # the cache's exact score
    assert by_source["Thank you."].confidence == 0.8  # no score cached: the comment's
    report = build_report(collected.records)
    assert report.overall.unchanged == 1


# -- the page ---------------------------------------------------------------------


def test_page_is_localised_escaped_and_self_contained():
    records = [*crafted(), ReviewRecord("<script>x()</script>", "fr", "m", 0.5, "a", "b")]
    page = render_report_html(build_report(records), "fr")
    assert '<html lang="fr"' in page
    assert "<script>" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "60\u00a0%" in page  # 3 of 5 accepted, formatted by Babel for French
    assert re.search(r'<svg[^>]+role="img"', page) and page.count("<svg") == 3
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_every_label_the_page_uses_is_listed():
    source = Path(__file__).parents[1] / "pipeline" / "reports"
    used = set()
    for path in [*source.glob("*.py"), *source.glob("*.j2")]:
        used |= set(re.findall(r'\bt\(\s*"([^"]+)"', path.read_text("utf-8")))
    listed = {msgid for _, msgid in REPORT_LABELS}
    assert used and used <= listed, used - listed


# -- in Chromium ------------------------------------------------------------------

CHARTS_SCENARIO = """
var win = frames[0].win, doc = frames[0].doc;
var charts = Array.prototype.map.call(doc.querySelectorAll("figure"), function (f) {
  var svg = f.querySelector("svg"), r = svg.getBoundingClientRect();
  var rects = svg.querySelectorAll("rect.c-bar");
  var bars = Array.prototype.filter.call(rects, function (b) {
    var box = b.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && win.getComputedStyle(b).fill !== "none";
  });
  var labels = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
    var box = t.getBoundingClientRect();
    return box.left >= r.left - 1 && box.right <= r.right + 1;
  });
  return {id: f.id, width: r.width, height: r.height, left: r.left, right: r.right,
          rects: rects.length, bars: bars.length, textInside: labels.every(Boolean)};
});
return {viewport: win.innerWidth, scrollWidth: doc.documentElement.scrollWidth,
        charts: charts, title: doc.querySelector("h1").textContent};
"""


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReviewReport]:
    """A report of 60 entries over 3 documents, 2 languages, 3 models, written to a file."""
    records = []
    for i in range(60):
        language = "de" if i % 5 == 0 else "fr"
        model = f"argos en→{language} 1.{9 - i % 2 if language == 'fr' else 0}"
        reviewed = MACHINE if i % 3 else (EDITED if i % 2 else "Une autre phrase, réécrite.")
        document = ("speech", "briefing", "nato-2021-02-18-defence-ministers")[i % 3]
        records.append(ReviewRecord(document, language, model, (i % 10) / 10, MACHINE, reviewed))
    path = tmp_path_factory.mktemp("report") / "report.html"
    report = build_report(records)
    path.write_text(render_report_html(report, "fr"), encoding="utf-8")
    return path, report


@pytest.mark.parametrize(("size", "name"), [((1280, 900), "desktop"), ((390, 844), "phone")])
def test_report_charts_render_in_chromium(report_page, tmp_path: Path, size, name):
    from test_publish_browser import probe, screenshot

    report_page, report = report_page
    facts = probe([report_page], size, CHARTS_SCENARIO, tmp_path)
    assert facts["viewport"] == size[0]
    assert facts["scrollWidth"] <= facts["viewport"], "page wider than the screen"
    charts = {c["id"]: c for c in facts["charts"]}
    assert set(charts) == {"edit-distance", "accepted-per-document", "chrf-per-model"}
    for chart in charts.values():
        assert chart["width"] > 300 and chart["height"] > 80, chart
        assert chart["right"] <= size[0] and chart["textInside"], chart
    histogram = report.overall.edit_distance_histogram
    assert charts["edit-distance"]["rects"] == len(histogram) == 11
    assert charts["edit-distance"]["bars"] == sum(1 for n in histogram if n) == 3
    documents = report.by("document")
    assert charts["accepted-per-document"]["rects"] == len(documents) == 6  # 3 docs x 2 languages
    assert charts["accepted-per-document"]["bars"] == sum(g.unchanged > 0 for g in documents) >= 4
    assert charts["chrf-per-model"]["rects"] == charts["chrf-per-model"]["bars"] == 3
    screenshot(report_page, (size[0], 2400), f"review-report-{name}.png", tmp_path)
