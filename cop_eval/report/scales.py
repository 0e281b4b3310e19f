"""Arrange per-scale results (wave summaries, comparisons, trend, reliable change) as facts.

Two or more waves: :func:`cop_eval.compare.waves.compare_waves` per instrument. One wave:
:func:`cop_eval.compare.cells.wave_stat` per scale. Waves with fewer respondents than the minimum
group size are suppressed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cop_eval.compare.cells import wave_stat
from cop_eval.compare.results import PairComparison as WaveComparisonCell
from cop_eval.compare.results import ScaleComparison, SuppressedCell, WaveComparison
from cop_eval.compare.results import WaveSummary as EngineWaveStat
from cop_eval.compare.waves import compare_waves
from cop_eval.instruments import Instrument
from cop_eval.measure.reliability import ReliabilityResult
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import Comparison, Direction, ReliableChangeFact, ScaleResult, WaveStat
from cop_eval.stats.trend import TrendFit

__all__ = ["direction_of", "scale_range", "scale_results"]


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


_CHANGED: dict[str, Direction] = {
    "improvement": "improved",
    "deterioration": "deteriorated",
    "increase": "increased",
    "decrease": "decreased",
}


def direction_of(comparison: WaveComparisonCell) -> Direction:
    """What the change amounts to: a direction only for a non-negligible, likely real change.

    The word follows the verdict, which follows the scale's declared direction.
    """
    v = comparison.verdict
    if v.certainty in ("too few to tell", "cannot tell"):
        return "unclear"
    if v.magnitude in (None, "negligible") or v.direction == "none":
        return "no_change"
    if v.certainty == "likely real":
        return _CHANGED[v.direction]
    return "unclear"


def _wave(cell: EngineWaveStat | SuppressedCell, privacy: PrivacyPolicy) -> WaveStat:
    if isinstance(cell, SuppressedCell) or privacy.hides(cell.n):
        return WaveStat(cell.label, None, None, suppressed=True)
    return WaveStat(
        cell.label,
        cell.n,
        _finite(cell.mean),
        _finite(cell.sd),
        _finite(cell.ci[0]),
        _finite(cell.ci[1]),
    )


def _comparison(c: WaveComparisonCell) -> Comparison:
    return Comparison(
        from_label=c.from_label,
        to_label=c.to_label,
        design=c.design,
        n=c.n,
        mean_diff=_finite(c.mean_diff),
        lo=_finite(c.test.ci[0]),
        hi=_finite(c.test.ci[1]),
        p=_finite(c.p),
        p_adjusted=_finite(c.p_adjusted),
        effect_name=c.verdict.basis,
        effect=_finite(c.verdict.effect),
        verdict=c.verdict.text,
        direction=direction_of(c),
        change=c.verdict.direction,
    )


def _first_alpha(results: list[ReliabilityResult]) -> dict[str, float]:
    return {
        s.scale: float(s.alpha)
        for s in results[0].scales
        if math.isfinite(s.alpha) and 0 < s.alpha < 1
    }


@dataclass
class _Tally:
    """What the per-scale results say about the whole report: matching, designs, trend, notes."""

    matched: dict[tuple[str, str], int] = field(default_factory=dict)
    designs: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    fits: int = 0
    converged: int = 0
    optimisers: set[str] = field(default_factory=set)

    def add_cells(self, cells: Sequence[WaveComparisonCell], labels: tuple[str, ...]) -> None:
        for c in cells:
            self.designs.add(c.design)
            consecutive = labels.index(c.to_label) == labels.index(c.from_label) + 1
            if c.matched is not None and consecutive:
                self.matched.setdefault((c.from_label, c.to_label), c.matched)

    def add_trend(self, sc: ScaleComparison, where: str) -> None:
        if sc.trend is not None:
            self.fits += 1
            self.converged += bool(sc.trend.converged)
            if sc.trend.optimiser:
                self.optimisers.add(sc.trend.optimiser)
        if sc.trend_note:
            self.notes.append(f"{where}: {sc.trend_note}")

    def trend_sentence(self) -> str | None:
        if not self.fits:
            return None
        how = f" ({', '.join(sorted(self.optimisers))})" if self.optimisers else ""
        return (
            "Trend over three or more waves: a linear mixed model with a random intercept per "
            f"respondent was fitted for each scale; it converged for {self.converged} of "
            f"{self.fits} scales{how}."
        )

    def ordered_matches(self, labels: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
        return tuple(
            (a, b, self.matched[(a, b)])
            for a, b in itertools.pairwise(labels)
            if (a, b) in self.matched
        )


def scale_range(
    instrument: Instrument, scale_id: str
) -> tuple[float, float, str | None, str | None]:
    """A scale's own range and, for a mean scale, the answer labels at its ends.

    A mean stays on the items' response scale; a sum runs from the sum of the items' minimums
    to the sum of their maximums.
    """
    scale = instrument.scale(scale_id)
    scales = [instrument.response_scale_of(item.id) for item in instrument.items_of(scale_id)]
    if scale.method == "sum":
        return float(sum(r.min for r in scales)), float(sum(r.max for r in scales)), None, None
    rs = scales[0] if scales else instrument.response_scale
    return float(rs.min), float(rs.max), rs.labels.get(rs.min), rs.labels.get(rs.max)


def _result(
    instrument: Instrument,
    scale_id: str,
    waves: tuple[WaveStat, ...],
    comparisons: tuple[Comparison, ...] = (),
    reliable: ReliableChangeFact | None = None,
    trend: TrendFit | None = None,
) -> ScaleResult:
    scale = instrument.scale(scale_id)
    lo, hi, low_label, high_label = scale_range(instrument, scale_id)
    return ScaleResult(
        instrument.id,
        instrument.title,
        scale.id,
        scale.label,
        scale.stage,
        lo,
        hi,
        waves,
        comparisons,
        reliable_change=reliable,
        direction=scale.direction,
        method=scale.method,
        low_label=low_label,
        high_label=high_label,
        trend_estimates=()
        if trend is None
        else tuple(
            (label, _finite(trend.estimates.get(label)), _finite(trend.se.get(label)))
            for label in trend.labels[1:]
        ),
        trend_converged=None if trend is None else bool(trend.converged),
    )


def _one_wave(
    instrument: Instrument, table: ScoreTable, label: str, privacy: PrivacyPolicy
) -> list[ScaleResult]:
    out = []
    for scale in instrument.scales:
        x = table.scores[scale.id].to_numpy(dtype=np.float64)
        stat = wave_stat(label, x[np.isfinite(x)], 0.95)
        out.append(_result(instrument, scale.id, (_wave(stat, privacy),)))
    return out


def _reliable(
    cells: Sequence[WaveComparisonCell], labels: tuple[str, ...]
) -> ReliableChangeFact | None:
    """Reliable change of the first-to-last comparison, when it has one."""
    overall = next(
        (c for c in cells if c.from_label == labels[0] and c.to_label == labels[-1]), None
    )
    rc = overall.reliable_change if overall is not None else None
    if rc is None:
        return None
    return ReliableChangeFact(
        labels[0],
        labels[-1],
        rc.n,
        rc.improved,
        rc.unchanged,
        rc.deteriorated,
        rc.reliability,
        rc.increased,
        rc.decreased,
    )


def _compared(
    instrument: Instrument,
    comparison: WaveComparison,
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
    tally: _Tally,
) -> list[ScaleResult]:
    tally.notes.extend(f"{instrument.title}: {n}" for n in comparison.notes)
    out = []
    for sc in comparison.scales:
        cells = [c for c in sc.comparisons if isinstance(c, WaveComparisonCell)]
        tally.add_cells(cells, labels)
        tally.add_trend(sc, f"{instrument.title}, {sc.label}")
        out.append(
            _result(
                instrument,
                sc.scale,
                tuple(_wave(c, privacy) for c in sc.waves),
                tuple(_comparison(c) for c in cells),
                _reliable(cells, labels),
                sc.trend,
            )
        )
    return out


def scale_results(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, list[ScoreTable]],
    reliabilities: Mapping[str, list[ReliabilityResult]],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[list[ScaleResult], tuple[tuple[str, str, int], ...], str, str | None, list[str]]:
    """Per-scale facts, matched counts per consecutive pair, design, trend sentence, notes."""
    results: list[ScaleResult] = []
    tally = _Tally()
    for instrument in instruments:
        tables = per_instrument[instrument.id]
        if len(tables) < 2:
            results.extend(_one_wave(instrument, tables[0], labels[0], privacy))
            continue
        comparison = compare_waves(
            tables,
            labels=list(labels),
            privacy=privacy,
            reliabilities=_first_alpha(reliabilities[instrument.id]),
        )
        results.extend(_compared(instrument, comparison, labels, privacy, tally))
    design = "paired" if "paired" in tally.designs else "independent"
    return results, tally.ordered_matches(labels), design, tally.trend_sentence(), tally.notes
