"""The gap chart: a horizontal bar per region or site, drawn as inline SVG on the server.

No chart library and nothing fetched: the page works offline and without JavaScript. A bar runs
from the zero line to the gap (required − actual FTE): right and red where officers are missing,
left and green where there are more than the method requires. The chart is an image with a
title and a description for screen readers; every bar has its own <title> (a tooltip), and the
table under the chart holds the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 800
LABEL_WIDTH = 170  # left column for the region or site label
VALUE_ROOM = 56  # room for the value text beyond the longest bar, each side
ROW = 20
BAR = 13
TOP = 8
AXIS_ROOM = 22


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str = ""
    description: str = ""  # the tooltip; the label and the value by default


def signed(value: float) -> str:
    """+1.25 for a shortfall, -0.50 for a surplus; float noise around zero is 0.00."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def gap_chart(bars: list[Bar], *, chart_id: str, title: str, description: str, unit: str = "FTE") -> SafeString:
    """An SVG bar chart of `bars` in the given order. `title` and `description` are its accessible
    name and description (already translated)."""
    height = TOP + ROW * max(len(bars), 1) + AXIS_ROOM
    values = [bar.value for bar in bars] or [0.0]
    low, high = min(0.0, *values), max(0.0, *values)
    if high - low < 1e-9:
        high = low + 1.0  # all zero: any scale will do
    plot_left = LABEL_WIDTH + (VALUE_ROOM if low < 0 else 8)
    plot_right = WIDTH - (VALUE_ROOM if high > 0 else 8)

    def x(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    zero = x(0.0)
    parts = []
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        left, right = sorted((zero, x(bar.value)))
        width = max(right - left, 1.0 if abs(bar.value) >= 0.005 else 0.0)
        kind = "shortfall" if bar.value >= 0.005 else "surplus"
        text_x, anchor = (right + 4, "start") if bar.value >= 0 else (left - 4, "end")
        tooltip = bar.description or f"{bar.label}: {signed(bar.value)} {unit}"
        row = (
            f'<g class="row"><title>{escape(tooltip)}</title>'
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + ROW / 2 + 4:.1f}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="bar {kind}" x="{left:.1f}" y="{y + (ROW - BAR) / 2:.1f}" width="{width:.1f}" height="{BAR}"></rect>'
            f'<text class="value" x="{text_x:.1f}" y="{y + ROW / 2 + 4:.1f}" text-anchor="{anchor}">{signed(bar.value)}</text></g>'
        )
        parts.append(f'<a href="{escape(bar.href)}">{row}</a>' if bar.href else row)
    axis_y = TOP + ROW * max(len(bars), 1)
    # Ticks at the ends and at zero; one too close to zero (40 px) would overwrite its text.
    tick_values = [v for v in sorted({low, high}) if abs(x(v) - zero) >= 40] + [0.0]
    ticks = "".join(
        f'<text class="tick" x="{x(v):.1f}" y="{axis_y + 15}" text-anchor="middle">{signed(v)}</text>' for v in tick_values
    )
    return mark_safe(
        f'<svg class="gap-chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title><desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f'{"".join(parts)}'
        f'<line class="zero" x1="{zero:.1f}" y1="{TOP - 4}" x2="{zero:.1f}" y2="{axis_y}"></line>{ticks}</svg>'
    )
