"""The subgroup x scale heatmap: a diverging map around the scale midpoint, suppressed cells drawn
grey and hatched with the word "suppressed" (never a number), n beside each subgroup."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Rectangle

from cop_eval.report.chart_style import DIVERGING, INK, MUTED, PAGE_WIDTH_IN, SUPPRESSED_FILL, wrap
from cop_eval.report.filters import fmt_int, fmt_number
from cop_eval.report.specs import Heatmap

__all__ = ["draw_heatmap"]


def draw_heatmap(spec: Heatmap) -> MplFigure:
    """Subgroup x scale means; suppressed cells grey, hatched and labelled, never numbers."""
    n_rows, n_cols = len(spec.rows), len(spec.columns)
    label_width = 1.9
    width = min(PAGE_WIDTH_IN, label_width + 0.62 * n_cols + 0.3)
    longest = max((len(c) for c in spec.columns), default=10)
    header = 0.35 + min(longest, 28) * 0.055
    fig = MplFigure(figsize=(width, header + 0.27 * n_rows + 0.75), layout="constrained")
    ax = fig.add_subplot()
    norm = TwoSlopeNorm(vcenter=spec.centre, vmin=spec.vmin, vmax=spec.vmax)
    for i, row in enumerate(spec.values):
        for j, value in enumerate(row):
            if value is None:
                ax.add_patch(
                    Rectangle(
                        (j, i),
                        1,
                        1,
                        facecolor=SUPPRESSED_FILL,
                        hatch="////",
                        edgecolor="white",
                        linewidth=1.0,
                    )
                )
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    "suppressed",
                    ha="center",
                    va="center",
                    fontsize=5.5,
                    color=MUTED,
                    style="italic",
                )
                continue
            colour = DIVERGING(norm(value))
            ax.add_patch(
                Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.0)
            )
            luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
            ax.text(
                j + 0.5,
                i + 0.5,
                fmt_number(value),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if luminance < 0.45 else INK,
            )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(
        [j + 0.5 for j in range(n_cols)],
        [wrap(c, 16) for c in spec.columns],
        rotation=90,
        fontsize=7,
    )
    ax.xaxis.tick_top()
    row_labels = [
        f"{wrap(r, 30)} (n = {fmt_int(n)})" if n is not None else f"{wrap(r, 30)} (n < min)"
        for r, n in zip(spec.rows, spec.row_n, strict=True)
    ]
    ax.set_yticks([i + 0.5 for i in range(n_rows)], row_labels, fontsize=7)
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    mappable = mpl.cm.ScalarMappable(norm=norm, cmap=DIVERGING)
    bar = fig.colorbar(
        mappable,
        ax=ax,
        orientation="horizontal",
        location="bottom",
        fraction=0.05,
        shrink=0.6,
        aspect=40,
        pad=0.01,
    )
    bar.set_label(spec.value_label, fontsize=7)
    bar.ax.tick_params(labelsize=6.5)
    bar.outline.set_visible(False)
    return fig
