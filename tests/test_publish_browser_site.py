"""The index and the public pages in a real browser (headless Chromium), as a reader uses them.

As in tests/test_publish_browser.py, Chromium is driven through its command
line: a probe page shows the published pages, unchanged, in iframes of the
wanted size, runs a scenario against them (typing in the search box, picking a
sort order …) and writes what it saw into its own DOM as JSON, which
``--dump-dom`` prints. Touch screens are emulated with Blink's settings
(``primaryHoverType``/``availableHoverTypes``: the ``(hover: none)`` media
feature), and each scenario checks the emulation took effect. Screenshots go
to ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_publish_browser import ARTIFACTS, DESKTOP, PHONE, probe, run_chromium, screenshot
from test_publish_index import headerless
from test_publish_samples import seed_translation, titled_translation
from test_publish_styles import reviewed_translation

from pipeline.publish import PublishOptions, publish_document, publish_languages, write_index

# Blink settings: a mouse (hover, fine pointer) or a touch screen (no hover, coarse pointer).
# (Blink's HoverType: 1 none, 2 hover; PointerType: 2 coarse, 4 fine.)
MOUSE = "--blink-settings=" + ",".join(
    [
        "primaryHoverType=2",
        "availableHoverTypes=2",
        "primaryPointerType=4",
        "availablePointerTypes=4",
    ]
)
TOUCH = "--blink-settings=" + ",".join(
    [
        "primaryHoverType=1",
        "availableHoverTypes=1",
        "primaryPointerType=2",
        "availablePointerTypes=2",
    ]
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Three documents (2021 in fr and de, 2019 in en, an undated one), index in French."""
    out = tmp_path_factory.mktemp("site")
    options = PublishOptions(formats=("html", "bilingual-html"), index_language="fr")
    published = publish_languages([seed_translation("fr"), seed_translation("de")], out, options)
    published += publish_document(titled_translation(), out, options)
    published += publish_document(headerless("notes/plain"), out, options)
    write_index(out, published, options)
    return out


INDEX_SCENARIO = """
var win = frames[0].win, doc = frames[0].doc, form = doc.getElementById("filters");
function visible() {
  return Array.prototype.filter.call(doc.querySelectorAll("#documents tbody tr"),
    function (r) { return !r.hidden && r.offsetHeight > 0; })
    .map(function (r) { return r.getAttribute("data-document"); });
}
function set(name, value) {
  form[name].value = value;
  form[name].dispatchEvent(new win.Event(name === "q" ? "input" : "change", {bubbles: true}));
}
var out = {formShown: !form.hidden && form.offsetHeight > 0, all: visible(),
  searchLabel: form.querySelector(".search span").textContent,
  sortOptions: Array.prototype.map.call(form.sort.options, function (o) { return o.text; })};
set("q", "amerique");  /* accents and case do not matter: "Amérique" */
out.searched = visible(); out.shown = form.shown.value;
set("q", "zzzz"); out.nothing = visible();
out.noMatchShown = doc.getElementById("no-match").offsetHeight > 0;
set("q", "");
set("sort", "oldest"); out.oldest = visible();
set("sort", "newest"); out.newest = visible();
set("language", "de"); out.german = visible();
set("language", ""); set("state", "reviewed"); out.reviewed = visible();
set("state", "");
var box = function (el) { var r = el.getBoundingClientRect(); return [r.left, r.right]; };
out.viewport = win.innerWidth; out.scrollWidth = doc.documentElement.scrollWidth;
out.search = box(form.q);
out.controls = Array.prototype.map.call(form.querySelectorAll("input, select"), box);
out.titles = Array.prototype.map.call(doc.querySelectorAll(".doc-title"), box);
return out;
"""


def test_index_search_sort_filter_and_french_labels(site, tmp_path):
    facts = probe([site / "index.html"], DESKTOP, INDEX_SCENARIO, tmp_path)
    assert facts["formShown"]
    assert facts["all"] == ["defence-ministers", "speeches/congress", "notes/plain"]
    assert facts["searchLabel"] == "Rechercher dans les titres"
    assert facts["sortOptions"] == ["Plus récents d'abord", "Plus anciens d'abord", "Titre (A–Z)"]
    assert facts["searched"] == ["speeches/congress"]
    assert facts["shown"] == "1 sur 3 affichés"
    assert facts["nothing"] == [] and facts["noMatchShown"]
    assert facts["oldest"] == ["speeches/congress", "defence-ministers", "notes/plain"]
    assert facts["newest"] == facts["all"]
    assert facts["german"] == ["defence-ministers"]
    assert facts["reviewed"] == ["notes/plain"]
    screenshot(site / "index.html", (DESKTOP[0], 1100), "index-desktop.png", tmp_path)


def test_index_is_usable_at_390_px(site, tmp_path):
    facts = probe([site / "index.html"], PHONE, INDEX_SCENARIO, tmp_path)
    assert facts["viewport"] == PHONE[0]
    assert facts["scrollWidth"] <= facts["viewport"], "index wider than the phone screen"
    left, right = facts["search"]
    assert right - left > 300  # the search box takes the width of the screen
    for left, right in facts["controls"] + facts["titles"]:
        assert left >= 0 and right <= PHONE[0], (left, right)
    assert facts["searched"] == ["speeches/congress"]
    screenshot(site / "index.html", (PHONE[0], 1400), "index-phone.png", tmp_path)


NO_SCRIPT_SCENARIO = """
var doc = frames[0].doc;
return {
  scriptRan: doc.documentElement.classList.contains("js") || !doc.getElementById("filters").hidden,
  formHeight: doc.getElementById("filters").offsetHeight,
  rows: Array.prototype.filter.call(doc.querySelectorAll("#documents tbody tr"),
    function (r) { return r.offsetHeight > 0; })
    .map(function (r) { return r.getAttribute("data-document"); })
};
"""


def test_index_without_javascript_is_the_complete_list(site, tmp_path):
    """Scripts blocked (a sandboxed frame): no dead controls, every document, newest first."""
    facts = probe([site / "index.html"], DESKTOP, NO_SCRIPT_SCENARIO, tmp_path, sandbox=True)
    assert facts["scriptRan"] is False
    assert facts["formHeight"] == 0
    assert facts["rows"] == ["defence-ministers", "speeches/congress", "notes/plain"]


STYLE_SCENARIO = """
return frames.map(function (frame) {
  var doc = frame.doc, win = frame.win;
  var segs = Array.prototype.slice.call(doc.querySelectorAll(".seg"));
  var notice = doc.querySelector(".notice");
  return {
    marked: doc.querySelectorAll(".seg.mt, .seg.ut").length,
    underlined: segs.filter(function (s) {
      return win.getComputedStyle(s).textDecorationLine.indexOf("underline") >= 0;
    }).length,
    reviewBar: doc.querySelectorAll(".review, .legend").length,
    notice: notice && notice.offsetHeight > 0 ? notice.textContent : null,
    noticeTop: notice ? notice.getBoundingClientRect().top : null,
    h1Top: doc.querySelector("h1").getBoundingClientRect().top,
    scrollWidth: doc.documentElement.scrollWidth, viewport: win.innerWidth
  };
});
"""


@pytest.fixture(scope="module")
def styled(tmp_path_factory) -> dict[str, Path]:
    """The seed (partly machine-translated) in both styles, and a fully reviewed document."""
    out = tmp_path_factory.mktemp("styles")
    pages = {}
    for style in ("review", "public"):
        options = PublishOptions(formats=("html", "bilingual-html"), style=style)
        for f in publish_document(seed_translation(), out / style, options):
            pages[f"{style}-{f.format}"] = f.path
    options = PublishOptions(formats=("html",), style="public")
    pages["public-reviewed"] = publish_document(reviewed_translation(), out / "ok", options)[0].path
    return pages


def test_public_pages_have_no_marks_and_a_notice_only_when_needed(styled, tmp_path):
    names = ["review-html", "public-html", "public-bilingual-html", "public-reviewed"]
    review, public, bilingual, reviewed = probe(
        [styled[n] for n in names], DESKTOP, STYLE_SCENARIO, tmp_path
    )
    assert review["marked"] > 0 and review["underlined"] > 0 and review["reviewBar"] > 0
    assert review["notice"] is None
    for page in (public, bilingual, reviewed):
        assert page["marked"] == page["underlined"] == page["reviewBar"] == 0, page
    for page in (public, bilingual):
        assert page["notice"].startswith("Traduction automatique partiellement relue")
        assert page["noticeTop"] < page["h1Top"]  # at the top
    assert reviewed["notice"] is None
    screenshot(styled["public-html"], DESKTOP, "public-desktop.png", tmp_path)


def test_public_pages_fit_a_phone(styled, tmp_path):
    pages = [styled["public-html"], styled["public-bilingual-html"]]
    for page in probe(pages, PHONE, STYLE_SCENARIO, tmp_path):
        assert page["viewport"] == PHONE[0] and page["scrollWidth"] <= PHONE[0]
    screenshot(
        styled["public-bilingual-html"], (PHONE[0], 1400), "public-bilingual-phone.png", tmp_path
    )


HINT_SCENARIO = """
var doc = frames[0].doc, win = frames[0].win, hint = doc.querySelector(".hint");
var src = doc.querySelector(".head-row .col.src"), tgt = doc.querySelector(".head-row .col.tgt");
var row = doc.querySelector(".rows .row.first:not(.heading)");
return {
  hoverNone: win.matchMedia("(hover: none)").matches,
  hintShown: hint.offsetHeight > 0,
  hintDisplay: win.getComputedStyle(hint).display,
  headerSourceFirst: src.getBoundingClientRect().top < tgt.getBoundingClientRect().top,
  bodySourceFirst: row.querySelector(".col.src").getBoundingClientRect().top <
    row.querySelector(".col.tgt").getBoundingClientRect().top
};
"""


def test_hover_hint_shows_only_where_a_pointer_can_hover(styled, tmp_path):
    page = [styled["review-bilingual-html"]]
    touch = probe(page, PHONE, HINT_SCENARIO, tmp_path, TOUCH)
    assert touch["hoverNone"] is True  # the emulation took effect
    assert touch["hintShown"] is False and touch["hintDisplay"] == "none"
    # on a phone the header shows the source first, as the body rows do
    assert touch["headerSourceFirst"] and touch["bodySourceFirst"]
    mouse = probe(page, DESKTOP, HINT_SCENARIO, tmp_path, MOUSE)
    assert mouse["hoverNone"] is False
    assert mouse["hintShown"] is True
    ARTIFACTS.mkdir(exist_ok=True)
    run_chromium(
        tmp_path / "print",
        DESKTOP,
        "--no-pdf-header-footer",
        f"--print-to-pdf={ARTIFACTS / 'public-bilingual-print.pdf'}",
        styled["public-bilingual-html"].as_uri(),
    )
