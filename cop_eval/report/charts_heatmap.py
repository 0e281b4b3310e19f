"""The subgroup x scale heatmap: a diverging map around each scale's midpoint, oriented by the
scale's direction (blue better, orange worse; a neutral scale in greys), suppressed cells drawn grey
and hatched with the word "suppressed" (never a number), n or why it is hidden beside each
subgroup."""

from __future__ import annotations

from matplotlib.collections import PatchCollection
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Rectangle

from cop_eval.report.chart_axes import Frame, colour_bar, ticks
from cop_eval.report.chart_labels import cell_labels
from cop_eval.report.chart_style import (
    DIVERGING,
    INK,
    MUTED,
    PAGE_WIDTH_IN,
    SUPPRESSED_FILL,
    fixed_margins,
    text_width_in,
    wrap,
)
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


def _row_label(name: str, n: int | None, note: str | None) -> str:
    if n is not None:
        return f"{wrap(name, 30)} (n = {fmt_int(n)})"
    return f"{wrap(name, 30)} ({note or 'hidden'})"


def draw_heatmap(spec: Heatmap) -> MplFigure:
    """Subgroup x scale means; suppressed cells grey, hatched and labelled, never numbers.

    The cells are one collection and the suppressed ones another, in a fixed layout from the
    measured labels (a patch per cell under constrained layout cost ~1 s per 25 x 10 map).
    """
    n_rows, n_cols = len(spec.rows), len(spec.columns)
    columns = [wrap(c, 16) for c in spec.columns]
    notes = spec.row_notes or tuple(None for _ in spec.rows)
    row_labels = [
        _row_label(r, n, note) for r, n, note in zip(spec.rows, spec.row_n, notes, strict=True)
    ]
    uniform = not spec.column_ranges or len(set(spec.column_ranges)) == 1
    with_bar = uniform and all(d == "higher_is_better" for d in spec.column_directions)
    left = text_width_in(row_labels, 7) + 0.12
    top = text_width_in(columns, 7) + 0.12  # the column labels stand on end
    bottom, right = (0.72 if with_bar else 0.1), 0.12  # the colour bar, its ticks and label
    width = min(PAGE_WIDTH_IN, left + 0.62 * n_cols + right)
    fig = MplFigure(figsize=(width, top + 0.27 * n_rows + bottom))
    fixed_margins(fig, left=left, right=right, top=top, bottom=bottom)
    ax = Frame.of_subplot(fig, (0, n_cols), (n_rows, 0))
    _draw_cells(ax, spec)
    ticks(ax, "top", [j + 0.5 for j in range(n_cols)], columns, fontsize=7, length=0, rotation=90)
    ticks(ax, "left", [i + 0.5 for i in range(n_rows)], row_labels, fontsize=7, length=0)
    if with_bar:  # otherwise colours differ by column: the caption explains them
        box = fig.subplotpars
        height = fig.get_size_inches()[1]
        bar_width = (box.right - box.left) * 0.6
        colour_bar(
            fig,
            (box.left + (box.right - box.left - bar_width) / 2, (bottom - 0.22) / height, bar_width,
             0.1 / height),
            DIVERGING,
            TwoSlopeNorm(vcenter=spec.centre, vmin=spec.vmin, vmax=spec.vmax),
            spec.value_label,
        )  # fmt: skip
    return fig


def _draw_cells(ax: Frame, spec: Heatmap) -> None:
    """Every cell's square (one collection per kind) and its number or "suppressed"."""
    shown: list[Rectangle] = []
    colours: list[tuple[float, float, float, float]] = []
    hidden: list[Rectangle] = []
    numbers: list[tuple[tuple[float, float], str, str]] = []  # where, text, colour
    for i, row in enumerate(spec.values):
        for j, value in enumerate(row):
            if value is None:
                hidden.append(Rectangle((j, i), 1, 1))
                continue
            colour = _colour(spec, j, value)
            shown.append(Rectangle((j, i), 1, 1))
            colours.append(colour)
            luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
            numbers.append(
                ((j + 0.5, i + 0.5), fmt_number(value), "white" if luminance < 0.45 else INK)
            )
    cell_labels(ax, [n[0] for n in numbers], [n[1] for n in numbers], fontsize=7,
                colours=[n[2] for n in numbers])  # fmt: skip
    where = [(r.get_x() + 0.5, r.get_y() + 0.5) for r in hidden]
    cell_labels(ax, where, ["suppressed"] * len(where), fontsize=5.5, colours=[MUTED] * len(where),
                styles=["italic"] * len(where))  # fmt: skip
    if shown:
        ax.add_collection(
            PatchCollection(shown, facecolors=colours, edgecolor="white", linewidth=1.0)
        )
    if hidden:
        ax.add_collection(
            PatchCollection(
                hidden, facecolor=SUPPRESSED_FILL, edgecolor="white", hatch="////", linewidth=1.0
            )
        )
