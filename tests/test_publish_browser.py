"""The bilingual page in a real browser (headless Chromium): layout, escaping, localisation.

Chromium is driven through its command line only: ``--screenshot`` for the
artefacts a person looks at, and ``--dump-dom`` on a probe page that shows the
published pages, unchanged, in iframes of the wanted size, runs a scenario
against them and writes what it saw (here: column boxes, whether the
transcript's ``<script>`` ran, the French metadata) into its own DOM as JSON:
``probe``, which the other browser tests use too. Screenshots and the print PDF
are kept in ``test-artifacts/`` (ignored by git). Where Chromium is not
installed the tests skip with the reason.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_publish_samples import HOSTILE_SOURCE, seed_translation

from pipeline.publish import PublishOptions, publish_document

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DESKTOP = (1280, 900)
PHONE = (390, 844)

PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
%(frames)s
<script>
window.addEventListener("load", function () {
  var frames = Array.prototype.map.call(document.querySelectorAll("iframe"), function (f) {
    return {win: f.contentWindow, doc: f.contentWindow.document};
  });
  var out;
  try { out = (function (frames) { %(scenario)s })(frames); }
  catch (e) { out = {error: String(e)}; }
  var pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
</body></html>
"""

LAYOUT_SCENARIO = """
var win = frames[0].win, doc = frames[0].doc;
function box(el) {
  var r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
}
var row = doc.querySelector(".rows .row.first:not(.heading)");
var hostile = Array.prototype.filter.call(
  doc.querySelectorAll(".rows .col.src .seg"),
  function (s) { return s.textContent.indexOf("__pwned") >= 0; })[0];
var seg = row.querySelector(".col.src .seg");
seg.dispatchEvent(new win.MouseEvent("mouseover", {bubbles: true}));
var twin = row.querySelector('.col.tgt [data-seg="' + seg.getAttribute("data-seg") + '"]');
return {
  src: box(row.querySelector(".col.src")),
  tgt: box(row.querySelector(".col.tgt")),
  viewport: win.innerWidth,
  scrollWidth: doc.documentElement.scrollWidth,
  pwned: typeof win.__pwned,
  scripts: doc.scripts.length,
  hostile: hostile ? hostile.textContent : null,
  targetMeta: doc.querySelector(".head-row .col.tgt .meta").textContent,
  twinHighlighted: twin.classList.contains("hl"),
  twinBackground: win.getComputedStyle(twin).backgroundColor,
  otherBackground: win.getComputedStyle(row.nextElementSibling.querySelector(".seg"))
    .backgroundColor
};
"""


def chromium() -> str:
    """Path of the Chromium binary, or skip the test saying how to install it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if not found:
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


def run_chromium(profile: Path, size: tuple[int, int], *args: str) -> str:
    """Run headless Chromium with no network features; return its stdout."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--mute-audio",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The French bilingual page of the seed (with the hostile paragraph), published once."""
    out = tmp_path_factory.mktemp("output")
    files = publish_document(seed_translation(), out, PublishOptions(formats=("bilingual-html",)))
    return files[0].path


def probe(
    pages: list[Path],
    size: tuple[int, int],
    scenario: str,
    tmp_path: Path,
    *flags: str,
    sandbox: bool = False,
) -> Any:
    """Run ``scenario`` (a JS function body over ``frames``) on ``pages`` shown at ``size``
    and return what it returns; ``sandbox`` blocks the pages' own scripts (the probe can
    still read them).

    Each page is loaded unchanged as the ``srcdoc`` of an iframe of exactly that size
    (Chromium's window has a minimum width); the probe page around them runs the
    scenario once everything has loaded.
    """
    attributes = ' sandbox="allow-same-origin"' if sandbox else ""
    frames = "\n".join(
        f'<iframe{attributes} style="border:0;width:{size[0]}px;height:{size[1]}px" '
        f'srcdoc="{html.escape(page.read_text("utf-8"), quote=True)}"></iframe>'
        for page in pages
    )
    path = tmp_path / f"probe-{len(list(tmp_path.glob('probe-*')))}.html"
    path.write_text(PROBE % {"frames": frames, "scenario": scenario}, "utf-8")
    window = (size[0] + 200, size[1] * len(pages) + 100)
    dom = run_chromium(
        tmp_path / f"profile-{path.stem}", window, *flags, "--dump-dom", path.as_uri()
    )
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    facts = json.loads(html.unescape(found.group(1)))
    assert "error" not in facts, facts
    return facts


def measure(page: Path, size: tuple[int, int], tmp_path: Path) -> dict:
    """Layout facts of the bilingual ``page`` shown in a ``size`` frame."""
    return probe([page], size, LAYOUT_SCENARIO, tmp_path)


def screenshot(page: Path, size: tuple[int, int], name: str, tmp_path: Path) -> Path:
    """Save a screenshot of ``page`` at ``size`` under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    run_chromium(tmp_path / f"shot-{name}", size, f"--screenshot={target}", page.as_uri())
    assert target.stat().st_size > 10_000  # a rendered page, not a blank image
    return target


def test_desktop_shows_source_and_translation_side_by_side(page, tmp_path):
    facts = measure(page, DESKTOP, tmp_path)
    src, tgt = facts["src"], facts["tgt"]
    assert facts["viewport"] == DESKTOP[0]
    assert src["right"] <= tgt["left"], facts
    assert abs(src["top"] - tgt["top"]) < 1, facts
    assert min(src["width"], tgt["width"]) > 350, facts
    assert facts["scrollWidth"] <= facts["viewport"]
    screenshot(page, DESKTOP, "publish-bilingual-desktop.png", tmp_path)
    screenshot(page, (DESKTOP[0], 2000), "publish-bilingual-desktop-full.png", tmp_path)


def test_phone_stacks_translation_under_source(page, tmp_path):
    facts = measure(page, PHONE, tmp_path)
    src, tgt = facts["src"], facts["tgt"]
    assert facts["viewport"] == PHONE[0]
    assert tgt["top"] >= src["bottom"] - 1, facts
    assert abs(src["left"] - tgt["left"]) < 20, facts
    assert facts["scrollWidth"] <= facts["viewport"], "page wider than the phone screen"
    screenshot(page, PHONE, "publish-bilingual-phone.png", tmp_path)


def test_script_in_the_transcript_is_shown_as_text_and_never_runs(page, tmp_path):
    facts = measure(page, DESKTOP, tmp_path)
    assert facts["pwned"] == "undefined"
    assert facts["hostile"] == HOSTILE_SOURCE
    assert facts["scripts"] == 1  # the page's own alignment script, nothing from the text


def test_french_metadata_and_sentence_highlighting(page, tmp_path):
    facts = measure(page, DESKTOP, tmp_path)
    assert "Mis à jour le 18 févr. 2021 à 18:22" in facts["targetMeta"]
    assert "(Tel que prononcé)" in facts["targetMeta"]
    assert facts["twinHighlighted"] is True
    assert facts["twinBackground"] != facts["otherBackground"]


def test_print_layout_is_a4(page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "publish-bilingual-print.pdf"
    run_chromium(
        tmp_path / "print",
        DESKTOP,
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    )
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    for width, height in boxes:  # A4 is 595 x 842 points
        assert abs(float(width) - 595) < 2 and abs(float(height) - 842) < 2
