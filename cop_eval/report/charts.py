"""Charts for the report: each chart spec from :mod:`cop_eval.report.model` drawn with matplotlib.

Charts are drawn without pyplot (no global figure state), in the report's own font (Inter, bundled
with the templates) and the Okabe-Ito colour-blind-safe palette, with a second cue (marker shape,
hatching, labels) wherever colour carries meaning. Output is SVG with text converted to paths
(``svg.fonttype = "path"``), so the PDF needs no chart fonts and user text never appears as SVG
markup, or PNG at 150 dpi.

References
----------
.. [1] Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from cop_eval.report.chart_axes import (
    LABEL_PAD_PT,
    TICK_PAD_PT,
    TICK_SIZE_PT,
    auto_ticks,
    axis_label,
    bare,
    grid_lines,
    text_height_pt,
    tick_text,
)
from cop_eval.report.chart_axes import ticks as axis_ticks
from cop_eval.report.chart_style import (
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    PAGE_WIDTH_IN,
    PNG_DPI,
    WAVE_COLOURS,
    WAVE_MARKERS,
    ImageFormat,
    chart_style,
    fixed_margins,
    nan_of,
    save_figure,
    text_width_in,
    wrap,
)
from cop_eval.report.charts_board import draw_gap_heatmap, draw_value_cycle
from cop_eval.report.charts_heatmap import draw_heatmap
from cop_eval.report.charts_trend import draw_trend
from cop_eval.report.filters import fmt_int, fmt_number, fmt_percent
from cop_eval.report.model import (
    Chart,
    CycleDiagram,
    DotPlot,
    StackedBars,
)

__all__ = ["PNG_DPI", "ImageFormat", "draw_chart"]


def _value_axis(
    fig: MplFigure,
    ax: Axes,
    low: float,
    high: float,
    label: str,
    *,
    grid: bool = False,
    percent: bool = False,
    label_size: float = 8.5,
) -> None:
    """The horizontal value axis: matplotlib's automatic ticks for its length, their grid
    lines, and its label under them."""
    length = ax.get_position().width * fig.get_size_inches()[0]
    values = auto_ticks(low, high, length, 8.5, x=True)
    axis_ticks(ax, "bottom", values, tick_text(values, percent=percent))
    if grid:
        grid_lines(ax, "x", values, color=GRID, linewidth=0.6)
    away = TICK_SIZE_PT + TICK_PAD_PT + text_height_pt(1, 8.5) + LABEL_PAD_PT
    axis_label(ax, "bottom", label, away_pt=away, fontsize=label_size)


# ---------------------------------------------------------------------------------------------
# Dot plot (stage profile, success-factor scorecard)
# ---------------------------------------------------------------------------------------------


def _dotplot(spec: DotPlot) -> MplFigure:
    k = len(spec.categories)
    s = max(len(spec.series), 1)
    height = 0.9 + k * (0.22 + 0.11 * s)
    fig = MplFigure(figsize=(PAGE_WIDTH_IN, height))
    labels = [wrap(category, 34) for category in spec.categories]
    legend_rows = math.ceil(s / 4) if spec.series else 0
    # A fixed layout from the measured labels (see chart_style.text_width_in).
    fixed_margins(
        fig,
        left=text_width_in(labels, 8.5, "semibold") + 0.12,
        right=0.12,
        top=0.08 + 0.2 * legend_rows,
        bottom=0.5,
    )
    ax = bare(fig.add_subplot(), "bottom")
    offsets = [(j - (s - 1) / 2) * min(0.22, 0.7 / s) for j in range(s)]
    for j, series in enumerate(spec.series):
        colour = WAVE_COLOURS[j % len(WAVE_COLOURS)]
        marker = WAVE_MARKERS[j % len(WAVE_MARKERS)]
        ys = [k - 1 - i + offsets[j] for i in range(k)]
        xs = [nan_of(v) for v in series.values]
        if series.lo and series.hi:
            spans = [
                [(lo, y), (hi, y)]
                for y, lo, hi in zip(ys, series.lo, series.hi, strict=True)
                if lo is not None and hi is not None
            ]
            ax.add_collection(
                LineCollection(spans, colors=colour, linewidths=1.4, alpha=0.85,
                               capstyle="projecting", zorder=2)
            )  # fmt: skip
        label = series.label + (f" ({'n = ' + fmt_int(series.n)})" if series.n else "")
        ax.plot(
            xs,
            ys,
            linestyle="none",
            marker=marker,
            markersize=6,
            color=colour,
            markeredgecolor="white",
            markeredgewidth=0.6,
            label=label,
            zorder=3,
        )
    names = axis_ticks(ax, "left", list(range(k - 1, -1, -1)), labels, length=0)
    for name, category in zip(names, spec.categories, strict=True):
        if category == spec.highlight:
            name.set_fontweight("semibold")
            name.set_color(OKABE_ITO["vermillion"])
    if spec.reference is not None:
        ax.axvline(spec.reference, color=MUTED, linewidth=0.8, linestyle=(0, (3, 3)))
    ax.set_xlim(spec.axis_min, spec.axis_max)
    ax.set_ylim(-0.7, k - 0.3)
    _value_axis(fig, ax, spec.axis_min, spec.axis_max, spec.axis_label, grid=True)
    if spec.series:
        ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(s, 4),
            fontsize=8,
            handletextpad=0.3,
            columnspacing=1.2,
        )
    return fig


# ---------------------------------------------------------------------------------------------
# The three-stage cycle with its review-and-revise loop
# ---------------------------------------------------------------------------------------------


def _cycle(spec: CycleDiagram) -> MplFigure:
    fig = MplFigure(figsize=(PAGE_WIDTH_IN, 3.5))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-3.3, 3.3)
    ax.set_ylim(-1.75, 1.75)
    ax.set_aspect("equal")
    ax.axis("off")
    k = len(spec.stages)
    radius = 1.12
    # Stage 1 at the top, then clockwise (the model reads as a cycle).
    angles = [math.pi / 2 - 2 * math.pi * i / k for i in range(k)]
    centres = [(radius * 1.55 * math.cos(a), radius * math.sin(a) - 0.05) for a in angles]
    box_w, box_h = 1.95, 0.92
    ax.add_patch(Circle((0, -0.05), 0.55, facecolor="#eef4f9", edgecolor="#0072B2", linewidth=1.0))
    ax.text(0, 0.08, "↻", ha="center", va="center", fontsize=17, color="#0072B2")
    ax.text(
        0,
        -0.27,
        wrap(spec.centre, 12),
        ha="center",
        va="center",
        fontsize=7.5,
        color=INK,
        fontweight="semibold",
        linespacing=1.1,
    )
    for i, ((x, y), stage) in enumerate(zip(centres, spec.stages, strict=True)):
        weakest = spec.weakest == i
        measured = spec.measured[i] if i < len(spec.measured) else True
        edge = OKABE_ITO["vermillion"] if weakest else "#0072B2"
        face = "#fbe9dd" if weakest else "#ffffff"
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=face,
                edgecolor=edge,
                linewidth=2.0 if weakest else 1.1,
                linestyle="-" if measured else (0, (4, 3)),
                zorder=2,
            )
        )
        ax.text(
            x,
            y + 0.26,
            f"Stage {i + 1}",
            ha="center",
            va="center",
            fontsize=7.5,
            color=MUTED,
            zorder=3,
        )
        ax.text(
            x,
            y + 0.02,
            wrap(stage, 26),
            ha="center",
            va="center",
            fontsize=8,
            color=INK,
            fontweight="semibold",
            zorder=3,
            linespacing=1.05,
        )
        value = spec.values[i] if i < len(spec.values) else None
        note = f"{spec.value_label} {fmt_number(value)}" if measured else "not measured"
        if weakest:
            note += "  ·  weakest"
        ax.text(
            x,
            y - 0.3,
            note,
            ha="center",
            va="center",
            fontsize=7.5,
            color=OKABE_ITO["vermillion"] if weakest else INK,
            zorder=3,
        )
    # Arrows run clockwise along the ellipse the boxes sit on, from just past one box to just
    # before the next, so that no arrowhead hides under a box.
    gap = math.radians(40)

    def on_ellipse(angle: float) -> tuple[float, float]:
        return radius * 1.55 * math.cos(angle), radius * math.sin(angle) - 0.05

    for i in range(k):
        start = on_ellipse(angles[i] - gap)
        end = on_ellipse(angles[(i + 1) % k] + gap)
        arrow = FancyArrowPatch(
            start,
            end,
            connectionstyle="arc3,rad=-0.25",
            arrowstyle="-|>,head_length=6,head_width=3.5",
            color=MUTED,
            linewidth=1.2,
            zorder=1,
        )
        ax.add_patch(arrow)
    return fig


# ---------------------------------------------------------------------------------------------
# Stacked 100 % bars (identity strength distribution per wave)
# ---------------------------------------------------------------------------------------------


def _stacked(spec: StackedBars) -> MplFigure:
    k = len(spec.categories)
    fig = MplFigure(figsize=(PAGE_WIDTH_IN, 0.95 + 0.42 * k))
    labels = [f"{c}\n(n = {fmt_int(n)})" for c, n in zip(spec.categories, spec.n, strict=True)]
    fixed_margins(fig, left=text_width_in(labels, 8.5) + 0.12, right=0.2, top=0.3, bottom=0.5)
    ax = bare(fig.add_subplot(), "bottom")
    colours = ("#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7")
    hatches = ("", "..", "", "//", "xx")
    for i, shares in enumerate(spec.shares):
        left = 0.0
        y = k - 1 - i
        for j, share in enumerate(shares):
            colour = colours[j % len(colours)]
            ax.barh(
                y,
                share,
                left=left,
                height=0.62,
                color=colour,
                edgecolor="white",
                linewidth=0.8,
                hatch=hatches[j % len(hatches)],
                label=spec.segments[j] if i == 0 else None,
            )
            if share >= 0.07:
                dark = colour in ("#0072B2", "#009E73")
                ax.text(
                    left + share / 2,
                    y,
                    fmt_percent(share),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else INK,
                )
            left += share
    axis_ticks(ax, "left", list(range(k - 1, -1, -1)), labels, length=0)
    ax.set_xlim(0, 1)
    _value_axis(fig, ax, 0.0, 1.0, spec.axis_label, percent=True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(spec.segments), fontsize=8)
    return fig


_DRAW = {
    "dotplot": _dotplot,
    "cycle": _cycle,
    "stacked": _stacked,
    "trend": draw_trend,
    "heatmap": draw_heatmap,
    "gap_heatmap": draw_gap_heatmap,
    "value_cycle": draw_value_cycle,
}


def draw_chart(spec: Chart, fmt: ImageFormat = "svg") -> bytes:
    """Draw a chart spec and return the image bytes (SVG with text as paths, or 150-dpi PNG).

    Parameters
    ----------
    spec
        One of the chart specs in :mod:`cop_eval.report.model`.
    fmt
        ``"svg"`` (vector; the default) or ``"png"``.

    Examples
    --------
    >>> from cop_eval.report.model import CycleDiagram
    >>> svg = draw_chart(CycleDiagram(("Direction", "Identity", "Reflection"), (3.8, 3.6, 3.1), 2))
    >>> svg[:5]
    b'<?xml'
    """
    with chart_style():
        fig = _DRAW[spec.chart](spec)  # type: ignore[operator]
        return save_figure(fig, fmt)
