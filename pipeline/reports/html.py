"""The review report as one self-contained HTML page: summary, three SVG charts, tables.

The page uses the published documents' stylesheet (``pipeline/templates/style.css``,
included inline) plus a few rules of its own, no script and no external
request, and carries no timestamp (same report, same bytes). Labels come from
the tool's catalogs through :class:`pipeline.publish.labels.Labels` (English
until the catalogs translate :data:`REPORT_LABELS`); numbers and percentages are
formatted by Babel for the page's language.

Charts: the distribution of edit distance (a histogram), the accepted-unchanged
share per document (the :data:`MAX_DOCUMENT_BARS` least accepted documents;
all are in the table) and chrF per model version.
"""

from __future__ import annotations

import functools
import math

from markupsafe import Markup

from pipeline.publish import labels as lab
from pipeline.reports.review import HISTOGRAM_BINS, UNKNOWN, GroupStats, ReviewReport
from pipeline.reports.svg import Bar, column_chart, row_chart

MAX_DOCUMENT_BARS = 25

#: The page's closing explanation, one msgid per paragraph.
ABOUT = (
    "Every number compares the machine translation with the text a reviewer approved. "
    "Accepted unchanged: the share of entries left exactly as the machine wrote them. "
    "Edit distance: characters changed, divided by the length of the longer text. "
    "chrF (0–100, higher is closer) and TER (edits per 100 words, lower is closer) "
    "are computed by sacrebleu with the reviewed text as reference.",
    "They measure how much reviewers changed, on these texts: not whether a translation "
    "is right, and not how a model does on other texts. A reviewer who accepts too "
    "quickly makes the machine look better; few entries make any number uncertain.",
)

#: Every label this page prints (msgctxt, msgid): to add to ``pipeline/locale/pipeline.pot``.
REPORT_LABELS: tuple[tuple[str | None, str], ...] = (
    (None, "Machine translation review"),
    (None, "What reviewers changed in the machine translation: {entries} reviewed entries."),
    (None, "No reviewed machine translations yet."),
    (None, "Reviewed entries"),
    (None, "Accepted unchanged"),
    (None, "Mean edit distance"),
    (None, "Median edit distance"),
    (None, "Mean confidence"),
    (None, "Edit distance between machine translation and reviewed text"),
    (None, "0 = unchanged, 1 = rewritten"),
    (None, "Accepted unchanged, per document"),
    (None, "{count} more documents are in the table below."),
    (None, "chrF per model version"),
    (None, "By language"),
    (None, "By model version"),
    (None, "By document"),
    (None, "By confidence band"),
    ("column header", "Language"),
    ("column header", "Model version"),
    ("column header", "Document"),
    ("column header", "Confidence"),
    ("confidence band", "unknown"),
    ("histogram bin", "same"),
    (None, "About these numbers"),
    *((None, paragraph) for paragraph in ABOUT),
)

_CSS = """
.report { max-width: 64rem; }
.report h2 { margin: 2.25rem 0 .75rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr));
  gap: .75rem; margin: 1.5rem 0 0; padding: 0; list-style: none; }
.cards li { background: var(--wash); border-radius: .5rem; padding: .75rem 1rem; }
.cards .n { display: block; font-size: 1.6rem; font-weight: 700; line-height: 1.2; }
.cards .k { color: var(--muted); font-size: .8125rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
  gap: 1.5rem 2rem; }
figure { margin: 0; }
figcaption { font-weight: 650; margin-bottom: .5rem; }
figcaption small { display: block; font-weight: 400; color: var(--muted); }
svg.chart { display: block; width: 100%; max-width: 34rem; height: auto; }
svg.chart .c-bar { fill: var(--accent); }
svg.chart .c-same { fill: #2e7d32; }
svg.chart .c-grid { stroke: var(--rule); stroke-width: 1; }
svg.chart text { fill: var(--ink-soft); }
svg.chart .c-value { fill: var(--ink); font-weight: 600; }
svg.chart .c-axis { fill: var(--muted); }
.note { color: var(--muted); font-size: .875rem; margin-top: .5rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9375rem; }
th, td { padding: .4rem .6rem; border-bottom: 1px solid var(--rule); text-align: end;
  white-space: nowrap; }
th:first-child, td:first-child { text-align: start; white-space: normal;
  min-width: min(11rem, 40vw); overflow-wrap: anywhere; }
thead th { color: var(--muted); font-weight: 600; font-size: .8125rem; white-space: normal;
  vertical-align: bottom; }
.about p + p { margin-top: .75rem; }
"""


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    from pipeline import __version__

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("pipeline", "reports"), jinja2.PackageLoader("pipeline")]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


class _Format:
    """Numbers in the page's language."""

    def __init__(self, language: str) -> None:
        self.locale = lab.babel_locale(language)
        self.language = language

    def number(self, value: float, digits: int = 0) -> str:
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float) -> str:
        return lab.format_percent(share, self.language)

    def maybe(self, value: float | None, digits: int) -> str:
        return "–" if value is None else self.number(value, digits)


def render_report_html(report: ReviewReport, language: str = "en") -> str:
    """The whole page, labels and numbers in ``language``."""
    t = lab.Labels(language)
    fmt = _Format(language)
    overall = report.overall
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=lab.language_tag(language),
            dir=lab.text_direction(language),
            t=t,
            css=Markup(_CSS),
            overall=overall,
            number=fmt.number,
            cards=_cards(overall, t, fmt) if overall else [],
            charts=_charts(report, t, fmt) if overall else [],
            tables=_tables(report, t, fmt) if overall else [],
            about=[t(paragraph) for paragraph in ABOUT],
            page_size="A4",  # the shared stylesheet's print size
        )
    )


def _cards(overall: GroupStats, t: lab.Labels, fmt: _Format) -> list[tuple[str, str]]:
    return [
        (t("Reviewed entries"), fmt.number(overall.entries)),
        (t("Accepted unchanged"), fmt.percent(overall.unchanged_share)),
        (t("Mean edit distance"), fmt.number(overall.edit_distance_mean, 2)),
        ("chrF", fmt.number(overall.chrf, 1)),
        ("TER", fmt.number(overall.ter, 1)),
    ]


def _charts(report: ReviewReport, t: lab.Labels, fmt: _Format) -> list[dict]:
    return [
        _histogram(report.overall, t, fmt),
        _per_document(report.by("document"), t, fmt),
        _chrf_per_model(report.by("model"), t, fmt),
    ]


def _histogram(overall: GroupStats, t: lab.Labels, fmt: _Format) -> dict:
    counts = overall.edit_distance_histogram
    top = _nice_top(max(counts))
    labels = [t("same", "histogram bin")] + [
        fmt.number(i / HISTOGRAM_BINS, 1) for i in range(1, HISTOGRAM_BINS + 1)
    ]
    bars = [
        Bar(
            label,
            count / top,
            fmt.number(count) if count else "",
            fmt.number(count),
            "c-bar c-same" if i == 0 else "c-bar",
        )
        for i, (label, count) in enumerate(zip(labels, counts, strict=True))
    ]
    axis = [fmt.number(top * i / 2) for i in range(3)]
    caption = t("Edit distance between machine translation and reviewed text")
    svg = column_chart(caption, bars, axis, t("0 = unchanged, 1 = rewritten"))
    return {"id": "edit-distance", "caption": caption, "hint": "", "svg": svg, "note": ""}


def _per_document(documents: list[GroupStats], t: lab.Labels, fmt: _Format) -> dict:
    ranked = sorted(documents, key=lambda g: (g.unchanged_share, g.value))
    shown = ranked[:MAX_DOCUMENT_BARS]
    several_languages = len({g.language for g in documents}) > 1
    bars = [
        Bar(
            f"{g.value} ({g.language})" if several_languages else g.value,
            g.unchanged_share,
            fmt.percent(g.unchanged_share),
        )
        for g in shown
    ]
    caption = t("Accepted unchanged, per document")
    svg = row_chart(caption, bars, [fmt.percent(i / 2) for i in range(3)])
    more = len(ranked) - len(shown)
    note = (
        t("{count} more documents are in the table below.", count=fmt.number(more)) if more else ""
    )
    return {"id": "accepted-per-document", "caption": caption, "hint": "", "svg": svg, "note": note}


def _chrf_per_model(models: list[GroupStats], t: lab.Labels, fmt: _Format) -> dict:
    bars = [Bar(g.value, g.chrf / 100, fmt.number(g.chrf, 1)) for g in models]
    caption = t("chrF per model version")
    svg = row_chart(caption, bars, [fmt.number(v) for v in (0, 50, 100)])
    return {"id": "chrf-per-model", "caption": caption, "hint": "", "svg": svg, "note": ""}


def _nice_top(value: int) -> int:
    """The axis top: ``value`` rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _tables(report: ReviewReport, t: lab.Labels, fmt: _Format) -> list[dict]:
    tables = []
    for group, title, head in (
        ("language", t("By language"), t("Language", "column header")),
        ("model", t("By model version"), t("Model version", "column header")),
        ("document", t("By document"), t("Document", "column header")),
        ("confidence", t("By confidence band"), t("Confidence", "column header")),
    ):
        rows = [[_name(g, group, t, fmt)] + _numbers(g, fmt) for g in report.by(group)]
        if rows:
            tables.append({"title": title, "head": [head, *_number_heads(t)], "rows": rows})
    return tables


def _name(stats: GroupStats, group: str, t: lab.Labels, fmt: _Format) -> str:
    if group == "language":
        return f"{lab.language_name(stats.value, t.language)} ({stats.value})"
    if group == "document" and stats.language:
        return f"{stats.value} ({stats.language})"
    if group == "confidence":
        if stats.value == UNKNOWN:
            return t("unknown", "confidence band")
        low, high = (float(edge) for edge in stats.value.split("–"))
        return f"{fmt.number(low, 1)}–{fmt.number(high, 1)}"
    return stats.value


def _number_heads(t: lab.Labels) -> list[str]:
    return [
        t("Reviewed entries"),
        t("Accepted unchanged"),
        t("Mean edit distance"),
        t("Median edit distance"),
        "chrF",
        "TER",
        t("Mean confidence"),
    ]


def _numbers(stats: GroupStats, fmt: _Format) -> list[str]:
    return [
        fmt.number(stats.entries),
        fmt.percent(stats.unchanged_share),
        fmt.number(stats.edit_distance_mean, 2),
        fmt.number(stats.edit_distance_median, 2),
        fmt.number(stats.chrf, 1),
        fmt.number(stats.ter, 1),
        fmt.maybe(stats.confidence_mean, 2),
    ]
