"""Classifications declared by instruments, and the professional-group stage profile.

- :func:`classify_continuum` / :func:`continuum_summary` (from :mod:`cop_eval.measure.continuum`):
  McDermott's continuum of community identity (or any user-declared continuum): each member's
  level and the group's, with its uncertainty and sensitivity to the cut-off.
- :func:`profile`: le May's success-factor profile (strongest and weakest scale, with margins).
- :func:`stage_profile`: the three-stage model for professional groups (Griggs & Allen 2018):
  mean per stage across every instrument whose scales declare a ``stage``, weakest stage named.

The rules are those documented in :mod:`cop_eval.instruments` and docs/instruments.md. Pure
functions; results are frozen pydantic models with ``to_frame()``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from cop_eval.errors import CopEvalError
from cop_eval.instruments import ProfileClassification
from cop_eval.measure.continuum import (
    ContinuumSummary,
    LevelCount,
    classify_continuum,
    classify_members,
    continuum_summary,
)
from cop_eval.measure.scores import ScoreTable
from cop_eval.models import FrozenModel
from cop_eval.stats.distributions import t_quantile

__all__ = [
    "ContinuumSummary",
    "LevelCount",
    "ProfileResult",
    "ScaleMean",
    "StageProfile",
    "StageSummary",
    "classify_continuum",
    "classify_members",
    "continuum_summary",
    "profile",
    "stage_profile",
    "stage_scores",
]


def _missing_scales(scores: pd.DataFrame, wanted: Sequence[str], rule_id: str) -> None:
    absent = [s for s in wanted if s not in scores.columns]
    if absent:
        raise CopEvalError(
            f"classification {rule_id}: no score column for scale(s) {', '.join(absent)}; "
            "score the instrument that declares the rule (cop_eval.measure.scoring.score_items) first"
        )


# ---------------------------------------------------------------------------------------------
# Profile (le May)
# ---------------------------------------------------------------------------------------------


class ScaleMean(FrozenModel):
    """Mean of one scale's scores over the respondents who have one."""

    scale: str
    n: int
    mean: float
    sd: float  # sample SD (n - 1); NaN when n < 2


def _scale_mean(scale: str, values: pd.Series) -> ScaleMean:
    v = values.to_numpy(dtype=np.float64, na_value=np.nan)
    v = v[~np.isnan(v)]
    n = int(v.size)
    return ScaleMean(
        scale=scale,
        n=n,
        mean=float(v.mean()) if n else math.nan,
        sd=float(v.std(ddof=1)) if n > 1 else math.nan,
    )


class ProfileResult(FrozenModel):
    """Strongest and weakest of a set of scales, with the margin to the next one.

    A margin below ``tie_margin`` is a tie: ``strongest_tie``/``weakest_tie`` are true and
    ``*_tied_with`` lists the other scales within ``tie_margin`` of the extreme one. Scales
    without any score are listed with ``n = 0`` and left out of the ranking; with fewer than two
    scored scales there is no strongest or weakest (``None``).
    """

    rule: str
    label: str
    tie_margin: float
    scales: tuple[ScaleMean, ...]
    strongest: str | None
    strongest_margin: float
    strongest_tie: bool
    strongest_tied_with: tuple[str, ...]
    weakest: str | None
    weakest_margin: float
    weakest_tie: bool
    weakest_tied_with: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per scale (scale, n, mean, sd), sorted from strongest to weakest."""
        frame = pd.DataFrame([s.model_dump() for s in self.scales])
        return frame.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def _exact(value: float) -> Fraction:
    """A value as the report prints it (two decimals), as an exact fraction."""
    return Fraction(Decimal(f"{value:.2f}"))


def _shown_difference(a: float, b: float) -> Fraction:
    """``a - b`` on the printed (two-decimal) values, exactly."""
    return _exact(a) - _exact(b)


def profile(scores: pd.DataFrame, rule: ProfileClassification) -> ProfileResult:
    """Compare scale means to name the strongest and weakest (le May's success-factor profile).

    Notes
    -----
    Each scale's mean is over respondents with a score on it. With means sorted
    :math:`m_{(1)} \\ge m_{(2)} \\ge \\dots`, the strongest margin is :math:`m_{(1)} - m_{(2)}`
    and the weakest margin :math:`m_{(k-1)} - m_{(k)}`; a margin below ``rule.tie_margin`` is a tie.
    Whether a margin is a tie is decided on the means as the report prints them (two decimals),
    exactly: 3.30 − 3.20 and 1.60 − 1.50 are both 0.10, and neither is a tie at a margin of 0.10
    (in binary floating point the first difference is 0.0999… and the second 0.1000…01). The
    margins themselves are returned unrounded.

    Examples
    --------
    >>> from cop_eval.instruments import ProfileClassification
    >>> rule = ProfileClassification(id="p", label="P", description="d", scales=("a", "b", "c"))
    >>> result = profile(pd.DataFrame({"a": [3.3], "b": [3.2], "c": [1.5]}), rule)
    >>> result.strongest, round(result.strongest_margin, 12), result.strongest_tie
    ('a', 0.1, False)
    """
    _missing_scales(scores, rule.scales, rule.id)
    means = tuple(_scale_mean(s, scores[s]) for s in rule.scales)
    ranked = sorted((m for m in means if m.n > 0), key=lambda m: -m.mean)
    empty: tuple[str, ...] = ()
    if len(ranked) < 2:
        return ProfileResult(
            rule=rule.id,
            label=rule.label,
            tie_margin=rule.tie_margin,
            scales=means,
            strongest=None,
            strongest_margin=math.nan,
            strongest_tie=False,
            strongest_tied_with=empty,
            weakest=None,
            weakest_margin=math.nan,
            weakest_tie=False,
            weakest_tied_with=empty,
        )
    top, low = ranked[0], ranked[-1]
    top_margin = top.mean - ranked[1].mean
    low_margin = ranked[-2].mean - low.mean
    tie = _exact(rule.tie_margin)
    return ProfileResult(
        rule=rule.id,
        label=rule.label,
        tie_margin=rule.tie_margin,
        scales=means,
        strongest=top.scale,
        strongest_margin=top_margin,
        strongest_tie=_shown_difference(top.mean, ranked[1].mean) < tie,
        strongest_tied_with=tuple(
            m.scale for m in ranked[1:] if _shown_difference(top.mean, m.mean) < tie
        ),
        weakest=low.scale,
        weakest_margin=low_margin,
        weakest_tie=_shown_difference(ranked[-2].mean, low.mean) < tie,
        weakest_tied_with=tuple(
            m.scale for m in ranked[:-1] if _shown_difference(m.mean, low.mean) < tie
        ),
    )


# ---------------------------------------------------------------------------------------------
# Stage profile (three-stage model for professional groups)
# ---------------------------------------------------------------------------------------------


def _stage_columns(score_tables: Sequence[ScoreTable]) -> dict[int, list[pd.Series]]:
    if not score_tables:
        raise CopEvalError("stage profile: no score tables given; score at least one instrument")
    n = score_tables[0].n
    for table in score_tables[1:]:
        if table.n != n:
            raise CopEvalError(
                f"stage profile: instrument {table.instrument.id} has {table.n} respondents but "
                f"{score_tables[0].instrument.id} has {n}; score all instruments from the same "
                "responses (one wave) so that rows belong to the same people"
            )
    columns: dict[int, list[pd.Series]] = {}
    for table in score_tables:
        for scale in table.instrument.scales:
            if scale.stage is not None:
                column = table.scores[scale.id].reset_index(drop=True)
                columns.setdefault(scale.stage, []).append(
                    column.rename(f"{table.instrument.id}.{scale.id}")
                )
    return columns


def stage_scores(score_tables: Sequence[ScoreTable]) -> pd.DataFrame:
    """Per respondent, the mean of their available stage-k scale scores (columns ``stage_1``..).

    All tables must come from the same responses (same rows, same order). A respondent with no
    score on any stage-k scale has NaN for stage k. Only stages some scale declares appear.
    """
    columns = _stage_columns(score_tables)
    out = {
        f"stage_{stage}": pd.concat(cols, axis=1).mean(axis=1, skipna=True)
        for stage, cols in sorted(columns.items())
    }
    return pd.DataFrame(out, index=pd.RangeIndex(score_tables[0].n), dtype=np.float64)


class StageSummary(FrozenModel):
    """One stage: respondents with a stage score, mean, SD and t-based 95% CI of the mean."""

    stage: int
    scales: tuple[str, ...]  # "instrument_id.scale_id"
    n: int
    mean: float
    sd: float
    ci: tuple[float, float]


class StageProfile(FrozenModel):
    """Mean per stage of the professional-group model and the weakest stage.

    ``weakest_margin`` is the gap between the weakest stage's mean and the next lowest; ``None``
    / NaN when fewer than two stages have scores.
    """

    stages: tuple[StageSummary, ...]
    weakest_stage: int | None
    weakest_margin: float

    def to_frame(self) -> pd.DataFrame:
        """One row per stage: stage, n, mean, sd, ci_low, ci_high, scales."""
        return pd.DataFrame(
            [
                {
                    "stage": s.stage,
                    "n": s.n,
                    "mean": s.mean,
                    "sd": s.sd,
                    "ci_low": s.ci[0],
                    "ci_high": s.ci[1],
                    "scales": ", ".join(s.scales),
                }
                for s in self.stages
            ]
        )


def stage_profile(score_tables: Sequence[ScoreTable]) -> StageProfile:
    """The three-stage profile: n, mean, SD and 95% CI per stage; the weakest stage named.

    Notes
    -----
    Respondent :math:`i`'s stage-:math:`k` score :math:`s_{ik}` is the mean of their available
    scores on scales declaring ``stage: k`` (across all given instruments). Per stage,
    :math:`\\bar s_k \\pm t_{0.975, n_k - 1}\\, \\mathrm{SD}_k / \\sqrt{n_k}` over respondents with a
    stage score (``t.test(s)$conf.int`` in R).

    References
    ----------
    .. [1] Griggs, V. and Allen, J. (2018). The value of an HR professional group for
       organizational learning. International Journal of HRD Practice, Policy and Research 3(1).
    """
    columns = _stage_columns(score_tables)
    per_person = stage_scores(score_tables)
    summaries = []
    for stage, cols in sorted(columns.items()):
        v = per_person[f"stage_{stage}"].to_numpy()
        v = v[~np.isnan(v)]
        n = int(v.size)
        mean = float(v.mean()) if n else math.nan
        sd = float(v.std(ddof=1)) if n > 1 else math.nan
        if n > 1:
            half = float(t_quantile(0.975, n - 1)) * sd / math.sqrt(n)
            ci = (mean - half, mean + half)
        else:
            ci = (math.nan, math.nan)
        summaries.append(
            StageSummary(
                stage=stage,
                scales=tuple(str(c.name) for c in cols),
                n=n,
                mean=mean,
                sd=sd,
                ci=ci,
            )
        )
    ranked = sorted((s for s in summaries if s.n > 0), key=lambda s: s.mean)
    weakest = ranked[0].stage if len(ranked) > 1 else None
    margin = ranked[1].mean - ranked[0].mean if len(ranked) > 1 else math.nan
    return StageProfile(stages=tuple(summaries), weakest_stage=weakest, weakest_margin=margin)
