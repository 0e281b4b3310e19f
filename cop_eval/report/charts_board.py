"""Charts of the board pages: the equity heatmap and the value-creation cycle.

The heatmap is one ``pcolormesh`` (not one patch per cell) coloured by each subgroup's
difference from the overall mean, with an "All" row; suppressed cells are one hatched
collection with the word "hidden" (the row label says why), never a number; reliable gaps are
outlined (one collection) and carry a marker after the number, so the mark does not rely on
colour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.collections import PatchCollection, QuadMesh
from matplotlib.colors import Normalize
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from cop_eval.report.chart_axes import (
    LABEL_PAD_PT,
    TICK_PAD_PT,
    TICK_SIZE_PT,
    Frame,
    auto_ticks,
    axis_label,
    bare,
    colour_bar,
    grid_lines,
    text_height_pt,
    tick_text,
    ticks,
)
from cop_eval.report.chart_labels import cell_labels
from cop_eval.report.chart_style import (
    DIVERGING,
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    PAGE_WIDTH_IN,
    SUPPRESSED_FILL,
    WAVE_COLOURS,
    fixed_margins,
    text_width_in,
    wrap,
)
from cop_eval.report.filters import fmt_int, fmt_number, fmt_percent, n_range
from cop_eval.report.specs import GapHeatmap, ValueCycle

__all__ = ["RELIABLE_MARK", "draw_gap_heatmap", "draw_value_cycle"]

#: Printed after a number whose gap to the rest of the group is reliable.
RELIABLE_MARK = "◆"


def draw_gap_heatmap(spec: GapHeatmap) -> MplFigure:
    """Means per subgroup and scale, coloured by the difference from everyone's mean.

    A fixed layout from the measured labels and the font's line height, with the ticks and
    colour bar as plain artists (:mod:`cop_eval.report.chart_axes`): constrained layout and
    matplotlib's ticks measured every label twice (two thirds of the drawing time).
    """
    n_rows, n_cols = len(spec.rows), len(spec.columns)
    label_width = 2.0
    cell = min(0.78, (PAGE_WIDTH_IN - label_width - 0.3) / max(n_cols, 1))
    width = min(PAGE_WIDTH_IN, label_width + cell * n_cols + 0.3)
    longest_word = max((len(w) for c in spec.columns for w in c.split()), default=8)
    chars = max(8, int(cell * 15), min(longest_word, 16))
    headings = [wrap(c, chars) for c in spec.columns]
    lines = max((h.count("\n") + 1 for h in headings), default=1)
    row_height = 0.27 if n_rows <= 8 else 0.2
    notes = spec.row_notes or tuple(None for _ in spec.rows)
    labels = [
        f"{wrap(r, 30)} (n = {n_range(low, n)})"
        if n is not None
        else f"{wrap(r, 30)}\n({note or 'hidden'})"
        for r, n, note, low in zip(
            spec.rows, spec.row_n, notes, spec.row_n_min or spec.row_n, strict=True
        )
    ]
    edge, pad = 0.04, TICK_PAD_PT / 72  # the margin constrained layout kept; the ticks' pad
    left = (
        edge + pad + max(text_width_in(labels[:1], 7.5, "semibold"), text_width_in(labels[1:], 7.5))
    )
    top = edge + pad + text_height_pt(lines, 7, 1.1) / 72
    # Under the map: a gap, the bar, its ticks and labels, the two-line caption, the margin.
    bar_gap, bar_height = 0.08, 0.07
    under = (TICK_SIZE_PT + TICK_PAD_PT + text_height_pt(1, 6.5) + LABEL_PAD_PT) / 72
    bottom = bar_gap + bar_height + under + text_height_pt(2, 7) / 72 + edge
    # The figure keeps the size it had under constrained layout; the rows take what is left.
    height = max(0.2 + 0.13 * lines + row_height * n_rows + 0.62, top + bottom + 0.2 * n_rows)
    fig = MplFigure(figsize=(width, height))
    fixed_margins(fig, left=left, right=edge, top=top, bottom=bottom)
    frame = Frame.of_subplot(fig, (0, n_cols), (n_rows, 0))
    norm = Normalize(vmin=-spec.limit, vmax=spec.limit)
    _gap_cells(frame, spec, norm)
    frame.add_artist(
        Line2D([0, 1], [1, 1], transform=frame.get_yaxis_transform(), color=INK, linewidth=1.2),
        clip=True,
    )
    ticks(frame, "top", [j + 0.5 for j in range(n_cols)], headings, fontsize=7, length=0,
          linespacing=1.1)  # fmt: skip
    names = ticks(frame, "left", [i + 0.5 for i in range(n_rows)], labels, fontsize=7.5, length=0)
    names[0].set_fontweight("semibold")
    box = fig.subplotpars
    bar_width = (box.right - box.left) * 0.6
    colour_bar(
        fig,
        (box.left + (box.right - box.left - bar_width) / 2, (bottom - bar_gap - bar_height) / height,
         bar_width, bar_height / height),
        DIVERGING,
        norm,
        f"{spec.value_label}\norange: worse · blue: better",
        extend=True,
    )  # fmt: skip
    return fig


def _gap_cells(ax: Frame, spec: GapHeatmap, norm: Normalize) -> None:
    """The coloured cells (one mesh), the hidden ones (one hatched collection), the numbers
    and the outlines of reliable gaps (one collection)."""
    gaps = np.array(
        [[np.nan if g is None else g for g in row] for row in spec.gaps], dtype=np.float64
    )
    corners = np.stack(np.meshgrid(np.arange(gaps.shape[1] + 1), np.arange(gaps.shape[0] + 1)), -1)
    mesh = QuadMesh(corners, cmap=DIVERGING, norm=norm, edgecolors="white", linewidth=1.0,
                    antialiased=False, snap=True)  # what pcolormesh makes  # fmt: skip
    mesh.set_array(np.ma.masked_invalid(gaps))
    numbers: list[tuple[tuple[float, float], str, Any, str]] = []  # where, text, colour, weight
    ax.add_collection(mesh)
    hidden, marked = [], []
    for i, (values, row_gaps, marks) in enumerate(
        zip(spec.values, gaps, spec.reliable, strict=True)
    ):
        for j, value in enumerate(values):
            if value is None:
                hidden.append(Rectangle((j, i), 1, 1))
                continue
            if np.isfinite(row_gaps[j]):
                colour = DIVERGING(norm(row_gaps[j]))
                luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
                ink = "white" if luminance < 0.45 else INK
            else:
                ink = INK
            text = fmt_number(value) + (f" {RELIABLE_MARK}" if marks[j] else "")
            weight = "semibold" if marks[j] or i == 0 else "normal"
            numbers.append(((j + 0.5, i + 0.5), text, ink, weight))
            if marks[j]:
                marked.append(Rectangle((j + 0.04, i + 0.06), 0.92, 0.88))
    cell_labels(ax, [n[0] for n in numbers], [n[1] for n in numbers], fontsize=7.5,
                colours=[n[2] for n in numbers], weights=[n[3] for n in numbers])  # fmt: skip
    where = [(r.get_x() + 0.5, r.get_y() + 0.5) for r in hidden]
    cell_labels(ax, where, ["hidden"] * len(where), fontsize=6.5, colours=[INK] * len(where),
                styles=["italic"] * len(where))  # fmt: skip
    if hidden:
        ax.add_collection(
            PatchCollection(
                hidden, facecolor=SUPPRESSED_FILL, hatch="////", edgecolor="white", linewidth=1.0
            )
        )
    if marked:
        ax.add_collection(PatchCollection(marked, facecolor="none", edgecolor=INK, linewidth=1.3))


def draw_value_cycle(spec: ValueCycle) -> MplFigure:
    """Five boxes in order (flowing, where value stops, beyond), and how far members' value reaches."""
    k = len(spec.steps)
    fig = MplFigure(figsize=(PAGE_WIDTH_IN, 1.5 + 0.5 + 0.32 * k * max(len(spec.waves), 1) / 2))
    top = fig.add_axes((0.0, 0.66, 1.0, 0.34))
    top.set_xlim(0, k)
    top.set_ylim(0, 1)
    top.axis("off")
    for i, (step, mean) in enumerate(zip(spec.steps, spec.means, strict=True)):
        stopped = spec.stops_at is not None and i >= spec.stops_at
        first_stop = spec.stops_at == i
        edge = OKABE_ITO["vermillion"] if first_stop else ("#9aa5b1" if stopped else "#0072B2")
        face = "#fbe9dd" if first_stop else ("#f1f3f5" if stopped else "#eef4f9")
        top.add_patch(
            FancyBboxPatch((i + 0.08, 0.12), 0.72, 0.76, boxstyle="round,pad=0.01,rounding_size=0.06",
                           facecolor=face, edgecolor=edge, linewidth=2.0 if first_stop else 1.1)
        )  # fmt: skip
        top.text(i + 0.44, 0.68, wrap(step, 14), ha="center", va="center", fontsize=7.5,
                 color=INK, fontweight="semibold", linespacing=1.05)  # fmt: skip
        top.text(i + 0.44, 0.34, "hidden" if mean is None else fmt_number(mean), ha="center",
                 va="center", fontsize=11, color=edge if first_stop else INK)  # fmt: skip
        if first_stop:
            top.text(i + 0.44, 0.04, "value stops here", ha="center", va="center", fontsize=7,
                     color=OKABE_ITO["vermillion"], style="italic")  # fmt: skip
        if i < k - 1:
            top.add_patch(
                FancyArrowPatch((i + 0.81, 0.5), (i + 1.07, 0.5), arrowstyle="-|>,head_length=5,head_width=3",
                                color=MUTED, linewidth=1.1)
            )  # fmt: skip
    ax = bare(fig.add_axes((0.2, 0.1, 0.76, 0.46)), "bottom")
    s = max(len(spec.waves), 1)
    height = min(0.8 / s, 0.28)
    for j, (wave, shares, n) in enumerate(zip(spec.waves, spec.reach, spec.members, strict=True)):
        ys = [k - 1 - i + (j - (s - 1) / 2) * height for i in range(k)]
        colour = WAVE_COLOURS[j % len(WAVE_COLOURS)] if j < s - 1 else "#0072B2"
        ax.barh(ys, shares, height=height * 0.9, color=colour, label=f"{wave} (n = {fmt_int(n)})")
        for y, share in zip(ys, shares, strict=True):
            ax.text(share + 0.01, y, fmt_percent(share), va="center", fontsize=6.5, color=INK)
    ticks(ax, "left", list(range(k - 1, -1, -1)), [wrap(x, 22) for x in spec.steps],
          fontsize=7.5, length=0)  # fmt: skip
    ax.set_xlim(0, 1.08)
    length = 0.76 * fig.get_size_inches()[0]
    steps = auto_ticks(0.0, 1.08, length, 8.5, x=True)
    ticks(ax, "bottom", steps, tick_text(steps, percent=True))
    grid_lines(ax, "x", steps, color=GRID, linewidth=0.6)
    axis_label(
        ax,
        "bottom",
        f"Members whose value reaches the step (scores of {fmt_number(spec.threshold)} or more "
        "from the first step on)",
        away_pt=TICK_SIZE_PT + TICK_PAD_PT + text_height_pt(1, 8.5) + LABEL_PAD_PT,
        fontsize=7.5,
    )
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(s, 4), fontsize=8)
    return fig
