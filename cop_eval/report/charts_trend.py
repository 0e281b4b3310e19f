"""Means with CIs over waves: one small panel per scale, four to a row, on a shared axis."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import FillBetweenPolyCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from cop_eval.report.chart_axes import (
    LABEL_PAD_PT,
    TICK_PAD_PT,
    TICK_SIZE_PT,
    Frame,
    auto_ticks,
    axes_title,
    axis_label,
    bare,
    grid_lines,
    tick_text,
)
from cop_eval.report.chart_axes import ticks as axis_ticks
from cop_eval.report.chart_style import (
    GRID,
    INK,
    MUTED,
    PAGE_WIDTH_IN,
    fixed_margins,
    nan_of,
    text_width_in,
    wrap,
)
from cop_eval.report.filters import fmt_int, fmt_number
from cop_eval.report.model import TrendPanel, TrendPanels

__all__ = ["draw_trend"]


def draw_trend(spec: TrendPanels) -> MplFigure:
    """Small multiples: each scale's means with their CIs over the waves, on a shared axis."""
    count = len(spec.panels)
    cols = min(4, max(count, 1))
    rows = math.ceil(count / cols)
    titles = [wrap(p.title, 24) for p in spec.panels]
    ticks = [
        [
            f"{wrap(w, 9 if cols > 2 else 16)}\nn = {fmt_int(n)}" if n is not None else w
            for w, n in zip(p.waves, p.n, strict=True)
        ]
        for p in spec.panels
    ]
    # A fixed layout: room for the longest title above and the deepest wave label below.
    title_in = 0.14 + 0.14 * max((t.count("\n") + 1 for t in titles), default=1)
    tick_in = 0.13 + 0.115 * max((t.count("\n") + 1 for row in ticks for t in row), default=1)
    height = 0.35 + 1.75 * rows + max(0.0, title_in + tick_in - 0.78) * rows
    fig = MplFigure(figsize=(PAGE_WIDTH_IN, height))
    row_gap = title_in + tick_in
    panel_in = (height - title_in - tick_in - row_gap * (rows - 1)) / rows
    fixed_margins(
        fig,
        left=0.5,
        right=0.08,
        top=title_in,
        bottom=tick_in,
        wspace=0.12,
        hspace=row_gap / panel_in,
    )
    grid = fig.add_gridspec(rows, cols)
    levels = auto_ticks(spec.axis_min, spec.axis_max, panel_in, 8.5, x=False)
    level_labels = tick_text(levels)
    label_away = TICK_SIZE_PT + TICK_PAD_PT + 72 * text_width_in(level_labels, 8.5) + LABEL_PAD_PT
    for index, (panel, title, wave_ticks) in enumerate(
        zip(spec.panels, titles, ticks, strict=True)
    ):
        xs = list(range(len(panel.waves)))
        rect = grid[index // cols, index % cols].get_position(fig).bounds
        frame = bare(
            Frame(fig, rect, (-0.4, len(xs) - 0.6), (spec.axis_min, spec.axis_max)),
            "left",
            "bottom",
        )
        _trend_panel(frame, panel, spec)
        axes_title(frame, title, fontsize=8)
        axis_ticks(frame, "bottom", xs, wave_ticks, fontsize=6.5)
        grid_lines(frame, "y", levels, color=GRID, linewidth=0.6)
        if index % cols == 0:
            axis_ticks(frame, "left", levels, level_labels)
            axis_label(frame, "left", spec.axis_label, away_pt=label_away, fontsize=7.5)
        else:  # the shared axis: its marks, not its numbers again
            axis_ticks(frame, "left", levels, None)
    return fig


def _trend_panel(frame: Frame, panel: TrendPanel, spec: TrendPanels) -> None:
    """One scale's means over the waves: the neutral line, the CI band, the line and values."""
    span = spec.axis_max - spec.axis_min
    xs = list(range(len(panel.waves)))
    means = [nan_of(m) for m in panel.means]
    lows = [nan_of(v) for v in panel.lo]
    highs = [nan_of(v) for v in panel.hi]
    frame.add_artist(
        Line2D([0, 1], [spec.neutral_line] * 2, transform=frame.get_yaxis_transform(),
               color=MUTED, linewidth=0.8, linestyle=(0, (3, 3)), zorder=1),
        clip=True,
    )  # fmt: skip
    frame.add_artist(
        FillBetweenPolyCollection("x", *(np.ma.masked_invalid(np.asarray(v, dtype=float)) for v in (xs, lows, highs)), transform=frame.transData,
                                  color="#56B4E9", alpha=0.25, linewidth=0, zorder=1),
        clip=True,
    )  # fmt: skip
    frame.add_artist(
        Line2D(xs, means, transform=frame.transData, color="#0072B2", marker="o",
               markersize=4, linewidth=1.4, zorder=3),
        clip=True,
    )  # fmt: skip
    for x, mean, high in zip(xs, panel.means, highs, strict=True):
        if mean is None:
            continue
        # The value above its band (below it when the band reaches the top of the axis).
        above = math.isnan(high) or high < spec.axis_max - 0.12 * span
        y = (high if not math.isnan(high) else mean) + (0.03 if above else -0.03) * span
        if not above:
            y = min(mean, nan_of(panel.lo[x]) if panel.lo[x] is not None else mean) - 0.03 * span
        frame.add_artist(
            Text(x, y, fmt_number(mean), transform=frame.transData, ha="center",
                 va="bottom" if above else "top", fontsize=6.5, color=INK, zorder=4,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85})
        )  # fmt: skip
