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


# --- the resilience charts --------------------------------------------------------------------------
#
# Two plots on the same plain SVG footing: P(overload) against the number of officers (a line with
# a point per N, the alpha line, today's staff and the resilient N marked), and the weekly load per
# officer at work over the past year (a bar per week, the paid week's line across). Labels come in
# already translated; every point and bar has its own <title>, and a table under each chart holds
# the same numbers.

PLOT_WIDTH = 800
PLOT_HEIGHT = 300
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 24
MARGIN_BOTTOM = 40


def _svg(chart_id: str, title: str, description: str, body: str, *, css_class: str) -> SafeString:
    cid = escape(chart_id)
    return mark_safe(
        f'<svg class="{css_class}" id="{cid}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" width="{PLOT_WIDTH}" height="{PLOT_HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(description)}</desc>{body}</svg>'
    )


def overload_chart(
    points: list[dict],
    *,
    alpha: float,
    officers_now: int | None,
    required: int | None,
    chart_id: str,
    title: str,
    description: str,
    labels: dict[str, str],
) -> SafeString:
    """P(overload) (0 to 1) against N. `points`: {"officers", "p_overload"} in order of N (the
    engine's overload_curve). `labels`: "now", "required", "alpha", "x_axis", "y_axis", "point"
    (a format with %(officers)s and %(p)s), all translated."""
    ns = [p["officers"] for p in points] or [0]
    low = min(ns)
    high = max(max(ns), low + 1)
    left, right = MARGIN_LEFT, PLOT_WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, PLOT_HEIGHT - MARGIN_BOTTOM

    def x(n: float) -> float:
        return left + (n - low) / (high - low) * (right - left)

    def y(p: float) -> float:
        return bottom - p * (bottom - top)

    parts = [f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"></line>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"></line>']  # fmt: skip
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line class="grid" x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}"></line>'
                     f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>')  # fmt: skip
    step = max(1, (high - low) // 12 + 1)
    for n in range(low, high + 1, step):
        parts.append(f'<text class="tick" x="{x(n):.1f}" y="{bottom + 15}" text-anchor="middle">{n}</text>')
    parts.append(f'<text class="axis-label" x="{(left + right) / 2:.1f}" y="{PLOT_HEIGHT - 6}" text-anchor="middle">{escape(labels["x_axis"])}</text>')
    parts.append(f'<text class="axis-label" x="12" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + bottom) / 2:.1f})">{escape(labels["y_axis"])}</text>')  # fmt: skip
    # alpha: the share of weeks the policy accepts over the paid week
    parts.append(f'<line class="alpha-line" x1="{left}" y1="{y(alpha):.1f}" x2="{right}" y2="{y(alpha):.1f}"></line>'
                 f'<text class="alpha-label" x="{right - 4}" y="{y(alpha) - 4:.1f}" text-anchor="end">{escape(labels["alpha"])}</text>')  # fmt: skip
    drawn = [p for p in points if p.get("p_overload") is not None]
    if drawn:
        path = " ".join(f'{"M" if i == 0 else "L"}{x(p["officers"]):.1f},{y(p["p_overload"]):.1f}' for i, p in enumerate(drawn))
        parts.append(f'<path class="curve" d="{path}"></path>')
        for p in drawn:
            tip = labels["point"] % {"officers": p["officers"], "p": f'{p["p_overload"]:.1%}'}
            parts.append(f'<circle class="point" data-officers="{p["officers"]}" cx="{x(p["officers"]):.1f}" '
                         f'cy="{y(p["p_overload"]):.1f}" r="3.5"><title>{escape(tip)}</title></circle>')  # fmt: skip
    for key, n, css, dy in (("now", officers_now, "marker-now", 0), ("required", required, "marker-required", 14)):
        if n is None or not low <= n <= high:
            continue
        parts.append(f'<g class="marker {css}" data-officers="{n}"><title>{escape(labels[key])}</title>'
                     f'<line x1="{x(n):.1f}" y1="{top}" x2="{x(n):.1f}" y2="{bottom}"></line>'
                     f'<text x="{x(n) + 4:.1f}" y="{top + 10 + dy}">{escape(labels[key])}</text></g>')  # fmt: skip
    return _svg(chart_id, title, description, "".join(parts), css_class="line-chart overload-chart")


def load_history_chart(
    weeks: list[dict],
    *,
    week_hours: float,
    chart_id: str,
    title: str,
    description: str,
    labels: dict[str, str],
) -> SafeString:
    """A bar per week: the load per FTE at work (hours); red above `week_hours`, a line at it.
    `weeks`: the engine's weekly_load_history rows. `labels`: "x_axis", "y_axis", "week_line",
    "bar" (a format with %(week)s, %(hours)s and %(away)s), "nobody" (no one at work)."""
    left, right = MARGIN_LEFT, PLOT_WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, PLOT_HEIGHT - MARGIN_BOTTOM
    values = [w["load_per_fte_at_work"] for w in weeks]
    high = max([week_hours * 1.25, *(v for v in values if v is not None)])

    def y(h: float) -> float:
        return bottom - h / high * (bottom - top)

    n = max(len(weeks), 1)
    slot = (right - left) / n
    parts = [f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"></line>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"></line>']  # fmt: skip
    for tick in sorted({0.0, week_hours, round(high / 2), round(high)}):
        parts.append(f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for i, week in enumerate(weeks):
        value = week["load_per_fte_at_work"]
        label = f'{week["iso_year"]}-W{week["iso_week"]:02d}'
        bx = left + i * slot + slot * 0.15
        if value is None:
            tip = labels["nobody"] % {"week": label}
            parts.append(f'<rect class="bar nobody" data-week="{label}" x="{bx:.1f}" y="{top}" width="{slot * 0.7:.1f}" '
                         f'height="{bottom - top}"><title>{escape(tip)}</title></rect>')  # fmt: skip
            continue
        kind = "over" if value > week_hours + 1e-9 else "under"
        tip = labels["bar"] % {"week": label, "hours": f"{value:.1f}", "away": f'{week["fte_away"]:.1f}'}
        parts.append(f'<rect class="bar {kind}" data-week="{label}" x="{bx:.1f}" y="{y(value):.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{max(bottom - y(value), 0.5):.1f}"><title>{escape(tip)}</title></rect>')  # fmt: skip
        if i % 4 == 0:
            parts.append(f'<text class="tick" x="{bx + slot * 0.35:.1f}" y="{bottom + 15}" text-anchor="middle">W{week["iso_week"]:02d}</text>')
    parts.append(f'<line class="week-line" x1="{left}" y1="{y(week_hours):.1f}" x2="{right}" y2="{y(week_hours):.1f}"></line>'
                 f'<text class="week-label" x="{right - 4}" y="{y(week_hours) - 4:.1f}" text-anchor="end">{escape(labels["week_line"])}</text>')  # fmt: skip
    parts.append(f'<text class="axis-label" x="{(left + right) / 2:.1f}" y="{PLOT_HEIGHT - 6}" text-anchor="middle">{escape(labels["x_axis"])}</text>')
    parts.append(f'<text class="axis-label" x="12" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + bottom) / 2:.1f})">{escape(labels["y_axis"])}</text>')  # fmt: skip
    return _svg(chart_id, title, description, "".join(parts), css_class="bar-chart load-history-chart")
