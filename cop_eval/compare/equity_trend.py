"""Is a subgroup's gap widening? The change in the gap from the first to the last wave.

Used by :func:`cop_eval.compare.equity.equity_gaps` (its docstring states the rules). For a
subgroup and a scale, ``score ~ C(wave) + (1 | respondent)`` is fitted by exact REML
(:func:`cop_eval.stats.reml.profile_reml`) to the subgroup's answers and to the rest's; the gap
change is the subgroup's last-wave effect minus the rest's, its SE the root of the sum of their
squared SEs (independent fits of different people), with a two-sided Wald z test. The same
model in R: ``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")`` on each
subset (tests/reference/equity.R; the rest's fits alone: tests/reference/equity_rest.R).

The rest's fit needs only the rest's pattern totals (:class:`~cop_eval.stats.reml.PatternTotals`),
taken as the whole group's minus those of the subgroup's people plus those people's answers
outside the subgroup: one pass over everyone per scale, then a cost per subgroup that grows
with the subgroup, not with the group (:class:`_Subgroups`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.compare.trend import NUMERICAL_FAILURE
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.stats.distributions import norm_quantile, norm_sf
from cop_eval.stats.multiplicity import benjamini_hochberg
from cop_eval.stats.reml import (
    ModelNotFitted,
    PatternTotals,
    ProfileREML,
    profile_reml,
    profile_reml_totals,
    reml_is_well_conditioned,
)

if TYPE_CHECKING:  # pragma: no cover
    from cop_eval.compare.equity import Gap, HiddenGap

__all__ = ["GapTrend", "SkippedTrend", "gap_trends"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GapTrend:
    """The change in one subgroup's gap to the rest, first to last wave (positive: the subgroup
    gained on the rest)."""

    scale: str
    group: str
    from_label: str
    to_label: str
    n_group: int
    n_rest: int
    gap_first: float
    gap_last: float
    model_gap_first: float
    b_group: float
    se_group: float
    b_rest: float
    se_rest: float
    change: float
    se: float
    ci: tuple[float, float]
    z: float
    p: float
    p_adjusted: float
    reliable: bool

    @property
    def widening(self) -> bool:
        """The model's gap grew in size from the first to the last wave (reliably or not)."""
        return abs(self.model_gap_first + self.change) > abs(self.model_gap_first)

    def to_dict(self) -> dict[str, object]:
        return {
            "scale": self.scale,
            "group": self.group,
            "from": self.from_label,
            "to": self.to_label,
            "n_group": self.n_group,
            "n_rest": self.n_rest,
            "gap_first": self.gap_first,
            "gap_last": self.gap_last,
            "model_gap_first": self.model_gap_first,
            "change": self.change,
            "widening": self.widening,
            "se": self.se,
            "ci": [self.ci[0], self.ci[1]],
            "z": self.z,
            "p": self.p,
            "p_adjusted": self.p_adjusted,
            "reliable": self.reliable,
            "model": "score ~ C(wave) + (1 | respondent), REML, fitted to the subgroup and to "
            "the rest; change = difference of their last-wave effects (Wald z)",
            "estimates": {
                "group": {"b": self.b_group, "se": self.se_group},
                "rest": {"b": self.b_rest, "se": self.se_rest},
            },
        }


@dataclass(frozen=True)
class SkippedTrend:
    """No gap trend for this subgroup and scale, and why."""

    scale: str
    group: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"scale": self.scale, "group": self.group, "skipped": True, "reason": self.reason}


def _person_codes(waves: Sequence[ScoreTable]) -> list[npt.NDArray[np.int64]]:
    """Person codes shared across waves; a row without an id (or all rows, when a wave has no
    ids) gets a code of its own."""
    linked = all(w.respondent_ids is not None for w in waves)
    codes: list[npt.NDArray[np.int64]] = []
    if linked:
        pooled = pd.concat([w.respondent_ids for w in waves if w.respondent_ids is not None])
        factor, _ = pd.factorize(pooled.astype("object"), use_na_sentinel=True)
        start = 0
        for w in waves:
            codes.append(np.asarray(factor[start : start + w.n], dtype=np.int64))
            start += w.n
    else:
        codes = [np.full(w.n, -1, dtype=np.int64) for w in waves]
    next_code = 1 + max((int(c.max(initial=-1)) for c in codes), default=-1)
    for c in codes:
        missing = np.flatnonzero(c < 0)
        c[missing] = np.arange(next_code, next_code + missing.size)
        next_code += missing.size
    return codes


def _wide(
    persons: Sequence[npt.NDArray[np.int64]],
    scores: Sequence[FloatArray],
    masks: Sequence[npt.NDArray[np.bool_]],
) -> FloatArray:
    """People × waves (NaN: not answered) for the rows selected by ``masks``."""
    chosen = [p[m & np.isfinite(x)] for p, x, m in zip(persons, scores, masks, strict=True)]
    uniq, inverse = np.unique(np.concatenate(chosen), return_inverse=True)
    wide = np.full((uniq.size, len(scores)), np.nan)
    start = 0
    for k, (p, x, m) in enumerate(zip(chosen, scores, masks, strict=True)):
        rows = inverse[start : start + p.size]
        wide[rows, k] = x[m & np.isfinite(x)]
        start += p.size
    return wide


class _People:
    """Everyone with a finite score in some wave, in person-code order (as ``np.unique``
    gives them), sorted once per scale: the wide table of any row selection is then a
    scatter, not a sort of nearly every person for each subgroup's "rest of the group"."""

    def __init__(self, persons: Sequence[npt.NDArray[np.int64]], scores: Sequence[FloatArray]):
        self.finite = [np.isfinite(x) for x in scores]
        chosen = [p[f] for p, f in zip(persons, self.finite, strict=True)]
        uniq, inverse = np.unique(np.concatenate(chosen), return_inverse=True)
        self.size = uniq.size
        bounds = np.cumsum([0, *(c.size for c in chosen)])
        self.rows = [inverse[a:b] for a, b in itertools.pairwise(bounds)]
        self.values = [x[f] for x, f in zip(scores, self.finite, strict=True)]

    def wide(self, masks: Sequence[npt.NDArray[np.bool_]]) -> FloatArray:
        """``_wide(persons, scores, masks)``, the same rows in the same order."""
        wide = np.full((self.size, len(masks)), np.nan)
        for k, m in enumerate(masks):
            chosen = m[self.finite[k]]
            wide[self.rows[k][chosen], k] = self.values[k][chosen]
        return np.asarray(wide[~np.isnan(wide).all(axis=1)], dtype=np.float64)


class _Subgroups:
    """One scale's answers, indexed by subgroup and by person so that a subgroup's table and its
    rest's totals cost the subgroup's size, not the group's.

    The rest of subgroup ``k`` is everyone minus the people with an answer in ``k``, plus those
    people's answers outside ``k`` (a person may change subgroup between waves). Its totals are
    differences of sums over nearly everyone, so they are taken of answers centred on the
    scale's mean (``shift``), and each rest fit is checked
    (:func:`~cop_eval.stats.reml.reml_is_well_conditioned`) and refitted from the rest's own
    table when the differences have lost precision.
    """

    def __init__(
        self,
        persons: Sequence[npt.NDArray[np.int64]],
        scores: Sequence[FloatArray],
        group_codes: Sequence[npt.NDArray[np.intp]],
    ):
        finite = np.concatenate([x[np.isfinite(x)] for x in scores])
        self.shift = float(finite.mean()) if finite.size else 0.0
        self.group_codes = group_codes
        self.people = people = _People(persons, scores)
        self.full = people.wide([np.ones(x.size, dtype=np.bool_) for x in scores]) - self.shift
        self.everyone = PatternTotals.of(self.full)
        self.codes = [
            np.asarray(g[f], dtype=np.int64)
            for g, f in zip(group_codes, people.finite, strict=True)
        ]
        self.by_group = [np.argsort(c, kind="stable") for c in self.codes]
        self.sorted_codes = [c[o] for c, o in zip(self.codes, self.by_group, strict=True)]
        self.by_person = [np.argsort(r, kind="stable") for r in people.rows]
        self.person_start = [
            np.searchsorted(r[o], np.arange(people.size + 1))
            for r, o in zip(people.rows, self.by_person, strict=True)
        ]

    def _rows_of(self, k: int, wave: int) -> npt.NDArray[np.intp]:
        """Finite rows (of the wave's finite answers) in subgroup ``k``, in row order."""
        lo, hi = np.searchsorted(self.sorted_codes[wave], [k, k + 1])
        return self.by_group[wave][lo:hi]

    def group_wide(self, k: int) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """The subgroup's people × waves table (as ``_wide`` gives it) and their person indices."""
        rows = [self._rows_of(k, w) for w in range(len(self.codes))]
        who = [self.people.rows[w][r] for w, r in enumerate(rows)]
        uniq, inverse = np.unique(np.concatenate(who), return_inverse=True)
        wide = np.full((uniq.size, len(rows)), np.nan)
        start = 0
        for w, r in enumerate(rows):
            wide[inverse[start : start + r.size], w] = self.people.values[w][r]
            start += r.size
        return wide, uniq

    def _outside(self, k: int, touched: npt.NDArray[np.intp]) -> FloatArray:
        """The ``touched`` people's answers outside subgroup ``k`` (people × waves)."""
        wide = np.full((touched.size, len(self.codes)), np.nan)
        for w, (order, start) in enumerate(zip(self.by_person, self.person_start, strict=True)):
            lo, lens = start[touched], start[touched + 1] - start[touched]
            where = np.repeat(np.arange(touched.size), lens)
            rows = order[np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())]
            keep = self.codes[w][rows] != k
            wide[where[keep], w] = self.people.values[w][rows[keep]]
        return wide - self.shift

    def rest_fit(self, k: int, touched: npt.NDArray[np.intp]) -> ProfileREML:
        """REML fit to the rest of the group (``touched``: the people answering in ``k``)."""
        rest = self.everyone.minus(PatternTotals.of(self.full[touched]))
        rest = rest.plus(PatternTotals.of(self._outside(k, touched)))
        try:
            fit: ProfileREML | None = profile_reml_totals(rest)
        except (ValueError, np.linalg.LinAlgError):  # e.g. a negative sum of squares
            fit = None
        if fit is None or not reml_is_well_conditioned(rest, fit):
            inside = [g == k for g in self.group_codes]
            fit = profile_reml(self.people.wide([~m for m in inside]) - self.shift)
        beta = fit.beta.copy()
        beta[0] += self.shift  # the first wave's mean, uncentred
        return dataclasses.replace(fit, beta=beta)


def _fit(fit: ProfileREML) -> tuple[float, float, float, bool]:
    """First-wave mean, last-wave effect and its SE, and whether REML converged."""
    return float(fit.beta[0]), float(fit.beta[-1]), float(math.sqrt(fit.cov[-1, -1])), fit.converged


def gap_trends(
    waves: Sequence[ScoreTable],
    labels: Sequence[str],
    group_codes: Sequence[npt.NDArray[np.intp]],
    names: Sequence[str],
    gaps: Sequence[Gap | HiddenGap],
    privacy: PrivacyPolicy,
    alpha: float,
    level: float,
) -> list[GapTrend | SkippedTrend]:
    """Gap trends for every scale × subgroup (empty for a single wave), BH-adjusted."""
    from cop_eval.compare.equity import Gap

    if len(waves) < 2:
        return []
    persons = _person_codes(waves)
    cells = {(g.scale, g.group, g.wave): g for g in gaps}
    out: list[GapTrend | SkippedTrend] = []
    q = float(norm_quantile(0.5 + level / 2))
    for scale in waves[0].instrument.scale_ids:
        scores = [w.scores[scale].to_numpy(dtype=np.float64) for w in waves]
        sub = _Subgroups(persons, scores, group_codes)
        for k, name in enumerate(names):
            seen = [cells.get((scale, name, label)) for label in labels]
            if all(c is None for c in seen):
                continue
            missing = [lab for lab, c in zip(labels, seen, strict=True) if not isinstance(c, Gap)]
            if missing:
                out.append(
                    SkippedTrend(
                        scale,
                        name,
                        f"not shown in {', '.join(missing)} (too few respondents, or hidden by "
                        "the anonymity rule), so its gap cannot be followed over time",
                    )
                )
                continue
            first, last = seen[0], seen[-1]
            assert isinstance(first, Gap) and isinstance(last, Gap)
            wide_g, touched = sub.group_wide(k)
            try:
                fit_g = profile_reml(wide_g)
            except ModelNotFitted as exc:  # its message is written for the reader
                out.append(SkippedTrend(scale, name, f"no trend model for the subgroup: {exc}"))
                continue
            except np.linalg.LinAlgError:
                out.append(SkippedTrend(scale, name, NUMERICAL_FAILURE))
                continue
            try:
                fit_r = sub.rest_fit(k, touched)
            except ModelNotFitted as exc:
                out.append(
                    SkippedTrend(scale, name, f"no trend model for the rest of the group: {exc}")
                )
                continue
            except np.linalg.LinAlgError:
                out.append(SkippedTrend(scale, name, NUMERICAL_FAILURE))
                continue
            a_g, b_g, se_g, ok_g = _fit(fit_g)
            a_r, b_r, se_r, ok_r = _fit(fit_r)
            if not (ok_g and ok_r):
                out.append(SkippedTrend(scale, name, "the mixed model did not converge"))
                continue
            change, se = b_g - b_r, math.sqrt(se_g**2 + se_r**2)
            z = change / se if se > 0 else math.nan
            p = float(2 * norm_sf(abs(z))) if math.isfinite(z) else math.nan
            n_group, n_rest = int(wide_g.shape[0]), fit_r.n_respondents
            out.append(
                GapTrend(
                    scale, name, labels[0], labels[-1], n_group, n_rest, first.gap, last.gap,
                    a_g - a_r,
                    b_g, se_g, b_r, se_r, change, se, (change - q * se, change + q * se), z, p,
                    math.nan, False,
                )
            )  # fmt: skip
    adjusted = benjamini_hochberg(
        np.array([t.p if isinstance(t, GapTrend) else np.nan for t in out], dtype=np.float64)
    )
    final: list[GapTrend | SkippedTrend] = []
    for trend, p_adj in zip(out, adjusted, strict=True):
        if isinstance(trend, GapTrend):
            p_adj = float(p_adj)
            trend = dataclasses.replace(trend, p_adjusted=p_adj, reliable=bool(p_adj < alpha))
        final.append(trend)
    return final
