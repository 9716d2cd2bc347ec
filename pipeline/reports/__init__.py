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

from pipeline.reports.html import REPORT_LABELS, render_report_html
from pipeline.reports.records import CollectedRecords, records_from_catalog
from pipeline.reports.review import (
    GroupStats,
    ReviewRecord,
    ReviewReport,
    build_report,
    confidence_band,
    edit_distance,
)

__all__ = [
    "REPORT_LABELS",
    "CollectedRecords",
    "GroupStats",
    "ReviewRecord",
    "ReviewReport",
    "build_report",
    "confidence_band",
    "edit_distance",
    "records_from_catalog",
    "render_report_html",
]
