"""Inline SVG bar charts for the review report: no script, no external file.

Two shapes: :func:`column_chart` (a histogram: one column per bin) and
:func:`row_chart` (one labelled horizontal bar per group, which stays readable
on a phone however many groups there are). Every text is escaped here (document
names are user data); colours are CSS classes, so the page's light and dark
themes apply (class names start with ``c-``: the page's stylesheet sizes
``.bar`` elements, and CSS ``width``/``height`` apply to SVG rectangles). Each
chart is ``role="img"`` with a ``<title>`` naming it, and each bar has a
``<title>`` with its exact value (a tooltip; the same numbers are in the page's
tables for screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 12  # user units; the charts are drawn about as wide as they are shown on a phone
LABEL_CHARS = 22  # longer row labels lose their middle to "…" (the full text is a tooltip)


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its length as a share of the axis, the value shown."""

    label: str
    share: float  # 0..1 of the axis
    text: str  # the value as shown ("75 %", "12")
    tooltip: str = ""
    css: str = "c-bar"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, css: str, anchor: str = "middle") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" class="{css}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _cut(label: str) -> str:
    """The label, its middle cut out if too long (ends tell documents apart: "… (fr)")."""
    if len(label) <= LABEL_CHARS:
        return label
    tail = (LABEL_CHARS - 1) // 2
    return label[: LABEL_CHARS - 1 - tail] + "…" + label[-tail:]


def column_chart(title: str, bars: Sequence[Bar], axis: Sequence[str], axis_title: str) -> Markup:
    """Vertical columns (a histogram); ``axis`` labels the scale from 0 to its top."""
    width, height, left, bottom, top = 400.0, 230.0, 34.0, 44.0, 18.0
    plot_w, plot_h = width - left - 8, height - top - bottom
    slot = plot_w / max(1, len(bars))
    parts = _open(title, width, height)
    for i, tick in enumerate(axis):
        y = top + plot_h - plot_h * i / max(1, len(axis) - 1)
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{_num(y)}" y2="{_num(y)}" class="c-grid"/>'
        )
        parts.append(_text(left - 5, y + FONT / 3, tick, "c-tick", "end"))
    for i, bar in enumerate(bars):
        bar_h = plot_h * max(0.0, min(1.0, bar.share))
        x = left + i * slot + slot * 0.14
        y = top + plot_h - bar_h
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(slot * 0.72)}" '
            f'height="{_num(bar_h)}" class="{bar.css}"><title>{escape(bar.tooltip or bar.text)}'
            "</title></rect>"
        )
        parts.append(_text(x + slot * 0.36, y - 4, bar.text, "c-value"))
        parts.append(_text(x + slot * 0.36, top + plot_h + FONT + 4, bar.label, "c-tick"))
    parts.append(_text(left + plot_w / 2, height - 6, axis_title, "c-axis"))
    return _close(parts)


def row_chart(title: str, bars: Sequence[Bar], axis: Sequence[str]) -> Markup:
    """Horizontal bars, one labelled row each; ``axis`` labels the scale from 0 to its end."""
    width, row, label_w, right, top = 400.0, 26.0, 168.0, 46.0, 6.0
    plot_w = width - label_w - right
    height = top + row * len(bars) + 24
    parts = _open(title, width, height)
    bottom = top + row * len(bars)
    for i, tick in enumerate(axis):
        x = label_w + plot_w * i / max(1, len(axis) - 1)
        parts.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top}" y2="{_num(bottom)}" class="c-grid"/>'
        )
        parts.append(_text(x, bottom + FONT + 6, tick, "c-tick"))
    for i, bar in enumerate(bars):
        y = top + i * row
        bar_w = plot_w * max(0.0, min(1.0, bar.share))
        parts.append(_text(label_w - 6, y + row / 2 + FONT / 3, _cut(bar.label), "c-label", "end"))
        tooltip = escape(bar.tooltip or f"{bar.label}: {bar.text}")  # the uncut label
        parts.append(
            f'<rect x="{label_w}" y="{_num(y + 5)}" width="{_num(bar_w)}" '
            f'height="{_num(row - 10)}" class="{bar.css}"><title>{tooltip}</title></rect>'
        )
        parts.append(
            _text(label_w + bar_w + 4, y + row / 2 + FONT / 3, bar.text, "c-value", "start")
        )
    return _close(parts)


def _open(title: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'role="img" class="chart" font-size="{FONT}"><title>{escape(title)}</title>'
    ]


def _close(parts: list[str]) -> Markup:
    parts.append("</svg>")
    return Markup("".join(parts))
