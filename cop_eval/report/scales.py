"""Arrange per-scale results (wave summaries, comparisons, trend, reliable change) as facts.

Two or more waves: :func:`cop_eval.compare.waves.compare_waves` per instrument. One wave:
:func:`cop_eval.compare.cells.wave_stat` per scale. Waves with fewer respondents than the minimum
group size are suppressed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np

from cop_eval.compare.cells import wave_stat
from cop_eval.compare.results import Comparison as WaveComparisonCell
from cop_eval.compare.results import SuppressedCell
from cop_eval.compare.results import WaveStat as EngineWaveStat
from cop_eval.compare.waves import compare_waves
from cop_eval.instruments import Instrument
from cop_eval.measure.reliability import ReliabilityResult
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import Comparison, Direction, ReliableChangeFact, ScaleResult, WaveStat

__all__ = ["direction_of", "scale_results"]


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
    )


def _first_alpha(results: list[ReliabilityResult]) -> dict[str, float]:
    return {
        s.scale: float(s.alpha)
        for s in results[0].scales
        if math.isfinite(s.alpha) and 0 < s.alpha < 1
    }


def scale_results(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, list[ScoreTable]],
    reliabilities: Mapping[str, list[ReliabilityResult]],
    labels: tuple[str, ...],
    group_column: str | None,
    privacy: PrivacyPolicy,
) -> tuple[list[ScaleResult], tuple[tuple[str, str, int], ...], str, str | None, list[str]]:
    """Per-scale facts, matched counts per consecutive pair, design, trend sentence, notes."""
    del group_column  # subgroups are arranged from the latest wave in build.py
    results: list[ScaleResult] = []
    matched: dict[tuple[str, str], int] = {}
    designs: set[str] = set()
    notes: list[str] = []
    fits = converged = 0
    optimisers: set[str] = set()
    for instrument in instruments:
        tables = per_instrument[instrument.id]
        rs = instrument.response_scale
        if len(tables) < 2:
            for scale in instrument.scales:
                x = tables[0].scores[scale.id].to_numpy(dtype=np.float64)
                stat = wave_stat(labels[0], x[np.isfinite(x)], 0.95)
                results.append(
                    ScaleResult(
                        instrument.id,
                        instrument.title,
                        scale.id,
                        scale.label,
                        scale.stage,
                        rs.min,
                        rs.max,
                        (_wave(stat, privacy),),
                        direction=scale.direction,
                    )
                )
            continue
        comparison = compare_waves(
            tables,
            labels=list(labels),
            privacy=privacy,
            reliabilities=_first_alpha(reliabilities[instrument.id]),
        )
        notes.extend(f"{instrument.title}: {n}" for n in comparison.notes)
        for sc in comparison.scales:
            scale = instrument.scale(sc.scale)
            cells = [c for c in sc.comparisons if isinstance(c, WaveComparisonCell)]
            for c in cells:
                designs.add(c.design)
                if (
                    c.matched is not None
                    and labels.index(c.to_label) == labels.index(c.from_label) + 1
                ):
                    matched.setdefault((c.from_label, c.to_label), c.matched)
            overall = next(
                (c for c in cells if c.from_label == labels[0] and c.to_label == labels[-1]), None
            )
            rc = overall.reliable_change if overall is not None else None
            if sc.trend is not None:
                fits += 1
                converged += bool(sc.trend.converged)
                if sc.trend.optimiser:
                    optimisers.add(sc.trend.optimiser)
            if sc.trend_note:
                notes.append(f"{instrument.title}, {scale.label}: {sc.trend_note}")
            results.append(
                ScaleResult(
                    instrument.id,
                    instrument.title,
                    scale.id,
                    scale.label,
                    scale.stage,
                    rs.min,
                    rs.max,
                    tuple(_wave(c, privacy) for c in sc.waves),
                    tuple(_comparison(c) for c in cells),
                    reliable_change=ReliableChangeFact(
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
                    if rc is not None and overall is not None
                    else None,
                    direction=scale.direction,
                )
            )
    trend = None
    if fits:
        how = f" ({', '.join(sorted(optimisers))})" if optimisers else ""
        trend = (
            "Trend over three or more waves: a linear mixed model with a random intercept per "
            f"respondent was fitted for each scale; it converged for {converged} of {fits} "
            f"scales{how}."
        )
    design = "paired" if "paired" in designs else "independent"
    ordered = tuple(
        (a, b, matched[(a, b)]) for a, b in itertools.pairwise(labels) if (a, b) in matched
    )
    return results, ordered, design, trend, notes
