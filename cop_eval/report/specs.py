"""Chart specifications: plain data describing each chart (drawn by cop_eval.report.charts).

Part of the report model (:mod:`cop_eval.report.model` re-exports them). A :class:`Heatmap` cell
that is suppressed is ``None`` and cannot be a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Chart",
    "CycleDiagram",
    "DotPlot",
    "GapHeatmap",
    "Heatmap",
    "Series",
    "StackedBars",
    "TrendPanel",
    "TrendPanels",
    "ValueCycle",
]


def _finite_or_none(value: float | None) -> bool:
    return value is None or math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a dot plot: a value (with optional CI and n) per category."""

    label: str
    values: tuple[float | None, ...]
    lo: tuple[float | None, ...] = ()
    hi: tuple[float | None, ...] = ()
    n: int | None = None


@dataclass(frozen=True, slots=True)
class DotPlot:
    """Categories down the side, one dot (and CI bar) per series; e.g. factor scores per wave."""

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_min: float
    axis_max: float
    axis_label: str
    highlight: str | None = None
    reference: float | None = None
    chart: Literal["dotplot"] = "dotplot"

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.label!r}: one value per category needed")


@dataclass(frozen=True, slots=True)
class CycleDiagram:
    """The three-stage model drawn as a cycle with a "Review and revise" loop in the middle.

    ``weakest`` is a 0-based index into ``stages``; ``measured`` (default: all) marks stages that
    the survey's instruments cover — the others are drawn as "not measured".
    """

    stages: tuple[str, ...]
    values: tuple[float | None, ...]
    weakest: int | None
    centre: str = "Review and revise"
    value_label: str = "mean"
    measured: tuple[bool, ...] = ()
    chart: Literal["cycle"] = "cycle"


@dataclass(frozen=True, slots=True)
class StackedBars:
    """One horizontal 100 % bar per category (e.g. per wave) split into ordered segments."""

    categories: tuple[str, ...]
    segments: tuple[str, ...]
    shares: tuple[tuple[float, ...], ...]
    n: tuple[int, ...]
    axis_label: str = "Share of respondents"
    chart: Literal["stacked"] = "stacked"


@dataclass(frozen=True, slots=True)
class TrendPanel:
    """Means with CIs over waves for one scale."""

    title: str
    waves: tuple[str, ...]
    means: tuple[float | None, ...]
    lo: tuple[float | None, ...]
    hi: tuple[float | None, ...]
    n: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class TrendPanels:
    """Small multiples of :class:`TrendPanel` sharing one y axis."""

    panels: tuple[TrendPanel, ...]
    axis_min: float
    axis_max: float
    axis_label: str = "Mean score"
    neutral: float | None = None
    chart: Literal["trend"] = "trend"

    @property
    def neutral_line(self) -> float:
        """Where the dashed "neutral" line is drawn (default: the middle of the scale)."""
        return self.neutral if self.neutral is not None else (self.axis_min + self.axis_max) / 2


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Subgroup x scale means; ``None`` values are drawn as suppressed, never as numbers."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    row_n: tuple[int | None, ...]
    vmin: float
    vmax: float
    centre: float
    value_label: str = "Mean score"
    chart: Literal["heatmap"] = "heatmap"
    #: Per column: higher_is_better, lower_is_better or neutral (colours follow it; default all
    #: higher_is_better) and its own (min, max) (default vmin, vmax for every column).
    column_directions: tuple[str, ...] = ()
    column_ranges: tuple[tuple[float, float], ...] = ()
    #: Per row: why a hidden row is hidden (``None`` for a row shown).
    row_notes: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        if len(self.values) != len(self.rows) or len(self.row_n) != len(self.rows):
            raise ValueError("heatmap: one row of values and one n per subgroup needed")
        for row in self.values:
            if len(row) != len(self.columns):
                raise ValueError("heatmap: one value per column needed")
            if not all(_finite_or_none(v) for v in row):
                raise ValueError("heatmap: values must be finite or None (suppressed)")


@dataclass(frozen=True, slots=True)
class GapHeatmap:
    """Subgroup x scale means coloured by their difference from the overall mean.

    Row 0 is the "All" row (everyone's mean; difference 0). ``gaps`` are oriented so that a
    positive value is *better* (the caller flips lower-is-better scales); ``None`` in ``gaps``
    leaves a cell uncoloured (a neutral scale), ``None`` in ``values`` draws it suppressed.
    ``reliable`` marks gaps to the rest of the group that are reliable (BH-adjusted).
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    gaps: tuple[tuple[float | None, ...], ...]
    reliable: tuple[tuple[bool, ...], ...]
    row_n: tuple[int | None, ...]
    limit: float = 1.0
    value_label: str = "Difference from the overall mean (points)"
    #: why each hidden row is hidden (printed instead of its n; ``()``: "hidden")
    row_notes: tuple[str | None, ...] = ()
    chart: Literal["gap_heatmap"] = "gap_heatmap"
    #: per row, the smallest n of its cells when they differ (printed "n = 7–8"; ``()``: one n)
    row_n_min: tuple[int | None, ...] = ()

    def __post_init__(self) -> None:
        shape = (len(self.rows), len(self.columns))
        for name in ("values", "gaps", "reliable"):
            grid = getattr(self, name)
            if len(grid) != shape[0] or any(len(r) != shape[1] for r in grid):
                raise ValueError(f"gap heatmap: {name} needs one entry per row and column")
        if len(self.row_n) != shape[0]:
            raise ValueError("gap heatmap: one n per row needed")
        for vals, gaps, marks in zip(self.values, self.gaps, self.reliable, strict=True):
            for v, g, r in zip(vals, gaps, marks, strict=True):
                if v is None and (g is not None or r):
                    raise ValueError("gap heatmap: a suppressed cell carries no gap")
                if not (_finite_or_none(v) and _finite_or_none(g)):
                    raise ValueError("gap heatmap: values must be finite or None")


@dataclass(frozen=True, slots=True)
class ValueCycle:
    """The value-creation cycle read in order: step means, where value stops, how far it reaches.

    ``means`` per step for the latest wave (``None``: hidden); ``stops_at`` the 0-based index of
    the first step below ``threshold``; ``reach`` per wave: the share of members whose value
    reaches each step.
    """

    steps: tuple[str, ...]
    means: tuple[float | None, ...]
    threshold: float
    stops_at: int | None
    waves: tuple[str, ...]
    reach: tuple[tuple[float, ...], ...]
    members: tuple[int, ...]
    chart: Literal["value_cycle"] = "value_cycle"

    def __post_init__(self) -> None:
        if len(self.means) != len(self.steps):
            raise ValueError("value cycle: one mean per step needed")
        if len(self.reach) != len(self.waves) or len(self.members) != len(self.waves):
            raise ValueError("value cycle: one reach row and one n per wave needed")
        if any(len(r) != len(self.steps) for r in self.reach):
            raise ValueError("value cycle: one share per step needed")


Chart = DotPlot | CycleDiagram | StackedBars | TrendPanels | Heatmap | GapHeatmap | ValueCycle
