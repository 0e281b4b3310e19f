"""The subgroup x scale heatmap: a diverging map around each scale's midpoint, oriented by the
scale's direction (blue better, orange worse; a neutral scale in greys), suppressed cells drawn grey
and hatched with the word "suppressed" (never a number), n or why it is hidden beside each
subgroup."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Rectangle

from cop_eval.report.chart_style import DIVERGING, INK, MUTED, PAGE_WIDTH_IN, SUPPRESSED_FILL, wrap
from cop_eval.report.filters import fmt_int, fmt_number
from cop_eval.report.specs import Heatmap

__all__ = ["draw_heatmap"]

_NEUTRAL = LinearSegmentedColormap.from_list("cop_eval_neutral", ["#F7F7F7", "#9AA5B1"])


def _colour(spec: Heatmap, column: int, value: float) -> tuple[float, float, float, float]:
    """The cell colour: good/bad by the column's direction around its own midpoint."""
    if spec.column_ranges:
        lo, hi = spec.column_ranges[column]
        centre = (lo + hi) / 2
    else:
        lo, hi, centre = spec.vmin, spec.vmax, spec.centre
    direction = spec.column_directions[column] if spec.column_directions else "higher_is_better"
    if direction == "neutral":
        share = (value - lo) / (hi - lo) if hi > lo else 0.5
        return tuple(_NEUTRAL(min(max(share, 0.0), 1.0)))  # type: ignore[return-value]
    if direction == "lower_is_better":
        value = lo + hi - value
    return tuple(DIVERGING(TwoSlopeNorm(vcenter=centre, vmin=lo, vmax=hi)(value)))  # type: ignore[return-value]


def _draw_cell(ax: Axes, spec: Heatmap, i: int, j: int, value: float | None) -> None:
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
        return
    colour = _colour(spec, j, value)
    ax.add_patch(Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.0))
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


def _row_label(name: str, n: int | None, note: str | None) -> str:
    if n is not None:
        return f"{wrap(name, 30)} (n = {fmt_int(n)})"
    return f"{wrap(name, 30)} ({note or 'hidden'})"


def draw_heatmap(spec: Heatmap) -> MplFigure:
    """Subgroup x scale means; suppressed cells grey, hatched and labelled, never numbers."""
    n_rows, n_cols = len(spec.rows), len(spec.columns)
    label_width = 1.9
    width = min(PAGE_WIDTH_IN, label_width + 0.62 * n_cols + 0.3)
    longest = max((len(c) for c in spec.columns), default=10)
    header = 0.35 + min(longest, 28) * 0.055
    fig = MplFigure(figsize=(width, header + 0.27 * n_rows + 0.75), layout="constrained")
    ax = fig.add_subplot()
    for i, row in enumerate(spec.values):
        for j, value in enumerate(row):
            _draw_cell(ax, spec, i, j, value)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(
        [j + 0.5 for j in range(n_cols)],
        [wrap(c, 16) for c in spec.columns],
        rotation=90,
        fontsize=7,
    )
    ax.xaxis.tick_top()
    notes = spec.row_notes or tuple(None for _ in spec.rows)
    row_labels = [
        _row_label(r, n, note) for r, n, note in zip(spec.rows, spec.row_n, notes, strict=True)
    ]
    ax.set_yticks([i + 0.5 for i in range(n_rows)], row_labels, fontsize=7)
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    uniform = not spec.column_ranges or len(set(spec.column_ranges)) == 1
    if not uniform or any(d != "higher_is_better" for d in spec.column_directions):
        return fig  # colours differ by column: the caption explains them, not one colour bar
    norm = TwoSlopeNorm(vcenter=spec.centre, vmin=spec.vmin, vmax=spec.vmax)
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
