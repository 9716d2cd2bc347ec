"""Reports on the review work (issue #17): what reviewers changed in machine translations.

* :func:`build_report` turns :class:`ReviewRecord` s (machine output, reviewed text,
  document, language, model, confidence) into a :class:`ReviewReport`
  (:mod:`pipeline.reports.review`), JSON-serialisable;
* :func:`records_from_catalog` collects the records of a PO file with the MT
  cache (:mod:`pipeline.reports.records`);
* :func:`render_report_html` renders the report as one self-contained page with
  inline SVG charts (:mod:`pipeline.reports.html`).

rapidfuzz, sacrebleu and Jinja2 are imported when used.
"""

from pipeline.reports.review import (
    GroupStats,
    ReviewRecord,
    ReviewReport,
    build_report,
    confidence_band,
    edit_distance,
)


def render_report_html(report: ReviewReport, language: str = "en") -> str:
    """The report as one HTML page in ``language`` (see :mod:`pipeline.reports.html`)."""
    from pipeline.reports.html import render_report_html as render

    return render(report, language)


def records_from_catalog(*args, **kwargs):  # noqa: ANN002, ANN003 - see records.py
    """See :func:`pipeline.reports.records.records_from_catalog`."""
    from pipeline.reports.records import records_from_catalog as collect

    return collect(*args, **kwargs)


__all__ = [
    "GroupStats",
    "ReviewRecord",
    "ReviewReport",
    "build_report",
    "confidence_band",
    "edit_distance",
    "records_from_catalog",
    "render_report_html",
]
