"""Stage profile, success-factor profile and identity continuum, arranged as report facts.

The classifications themselves are computed in :mod:`cop_eval.measure.classification`; this module
picks the rules each instrument declares, applies the minimum group size and copies the results.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cop_eval.instruments import ContinuumClassification, Instrument, ProfileClassification
from cop_eval.measure.classification import profile, stage_profile
from cop_eval.measure.continuum import (
    NOT_CLASSIFIED,
    STATUS_SUFFIX,
    continuum_sensitivity,
    continuum_summary,
)
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import IdentityWave, StageResult, WaveStat
from cop_eval.report.rules import STAGE_NAMES

__all__ = ["FactorProfile", "factor_profile", "identity_waves", "stage_results"]


@dataclass(frozen=True)
class FactorProfile:
    """The profile rule used (its instrument and scales) and its result in the latest wave."""

    instrument: str | None = None
    label: str | None = None
    scales: tuple[str, ...] = ()
    weakest: str | None = None
    strongest: str | None = None
    tie: bool = False


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def stage_results(
    per_wave: list[list[ScoreTable]], labels: tuple[str, ...], privacy: PrivacyPolicy
) -> tuple[tuple[StageResult, ...], int | None, float | None]:
    """Stage means per wave, the weakest stage of the latest wave and its margin."""
    staged = [
        [t for t in tables if any(s.stage is not None for s in t.instrument.scales)]
        for tables in per_wave
    ]
    if not staged[-1]:
        return (), None, None
    profiles = [stage_profile(tables) if tables else None for tables in staged]
    stages = sorted({s.stage for p in profiles if p for s in p.stages})
    results = []
    for stage in stages:
        stats = []
        for label, prof in zip(labels, profiles, strict=True):
            summary = next((s for s in prof.stages if s.stage == stage), None) if prof else None
            if summary is None or summary.n == 0:
                stats.append(WaveStat(label, 0, None))
            elif privacy.hides(summary.n):
                stats.append(WaveStat(label, None, None, suppressed=True))
            else:
                stats.append(
                    WaveStat(
                        label,
                        summary.n,
                        _finite(summary.mean),
                        _finite(summary.sd),
                        _finite(summary.ci[0]),
                        _finite(summary.ci[1]),
                    )
                )
        scales = next((s.scales for p in profiles if p for s in p.stages if s.stage == stage), ())
        results.append(
            StageResult(stage, STAGE_NAMES.get(stage, f"Stage {stage}"), scales, tuple(stats))
        )
    latest = profiles[-1]
    if latest is None or any(w.suppressed for r in results for w in r.waves[-1:]):
        return tuple(results), None, None
    return tuple(results), latest.weakest_stage, _finite(latest.weakest_margin)


def factor_profile(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, list[ScoreTable]],
    privacy: PrivacyPolicy,
) -> FactorProfile:
    """The weakest and strongest scale of the (last) profile rule, in the latest wave."""
    found = FactorProfile()
    for instrument in instruments:
        latest = per_instrument[instrument.id][-1]
        rule = next(
            (r for r in instrument.classification if isinstance(r, ProfileClassification)), None
        )
        if rule is None:
            continue
        found = FactorProfile(instrument.id, rule.label, tuple(rule.scales))
        if privacy.hides(latest.n):
            continue
        result = profile(latest.scores, rule)
        found = dataclasses.replace(
            found, weakest=result.weakest, strongest=result.strongest, tie=result.weakest_tie
        )
    return found


def _identity_wave(
    table: ScoreTable, rule: ContinuumClassification, label: str, privacy: PrivacyPolicy
) -> IdentityWave | None:
    status = table.classifications.get(rule.id + STATUS_SUFFIX)
    summary = continuum_summary(table.classifications[rule.id], rule, status)
    if privacy.hides(summary.n_classified):
        return None
    straight = None if status is None else (status == "straight_lining").to_numpy()
    sensitivity = continuum_sensitivity(table.scores, rule, straight)
    return IdentityWave(
        label,
        summary.n_classified,
        summary.n_unclassified,
        tuple(level.label for level in summary.levels),
        tuple(level.count for level in summary.levels),
        tuple(level.count / summary.n_classified for level in summary.levels),
        summary.group_level_label,
        share_lo=tuple(_finite(level.ci[0] / 100) for level in summary.levels),
        share_hi=tuple(_finite(level.ci[1] / 100) for level in summary.levels),
        group_text=summary.group_text,
        group_clear=summary.group_status == "classified",
        not_classified=tuple((NOT_CLASSIFIED[r], n) for r, n in summary.not_classified),
        threshold=rule.threshold,
        sensitivity=tuple(
            (s.threshold, s.group_text if not privacy.hides(s.n_classified) else "suppressed")
            for s in sensitivity
            if s.threshold != rule.threshold
        ),
    )


def _identity(
    tables: list[ScoreTable], labels: tuple[str, ...], privacy: PrivacyPolicy
) -> tuple[IdentityWave, ...]:
    out = []
    for table, label in zip(tables, labels, strict=True):
        rule = next(
            (r for r in table.instrument.classification if isinstance(r, ContinuumClassification)),
            None,
        )
        if rule is None or rule.id not in table.classifications.columns:
            return ()
        wave = _identity_wave(table, rule, label, privacy)
        if wave is not None:
            out.append(wave)
    return tuple(out)


def identity_waves(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, list[ScoreTable]],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[IdentityWave, ...]:
    """The continuum distribution per wave, from the first instrument with a continuum rule."""
    for instrument in instruments:
        if any(isinstance(r, ContinuumClassification) for r in instrument.classification):
            found = _identity(per_instrument[instrument.id], labels, privacy)
            if found:
                return found
    return ()
