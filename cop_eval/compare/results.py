"""Result models of a wave comparison (:func:`cop_eval.compare.waves.compare_waves`) and their JSON form.

Frozen dataclasses derived from :class:`~cop_eval.results.Result`; ``to_dict`` gives the DESIGN.md
``compare`` contract plus extra keys.
A suppressed cell is a :class:`SuppressedCell`: it carries no numbers at all, so nothing hidden
can reach JSON or a report by accident.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from cop_eval.privacy import PrivacyPolicy
from cop_eval.privacy.promise import anonymity_promise
from cop_eval.results import Result
from cop_eval.stats.power import Detectable, detectable
from cop_eval.stats.ranktests import RankTest
from cop_eval.stats.reliable_change import ReliableChange
from cop_eval.stats.trend import TrendFit
from cop_eval.stats.ttests import PairedTest, WelchTest
from cop_eval.stats.verdict import ScaleDirection, Verdict

__all__ = [
    "ComparedWave",
    "PairComparison",
    "ScaleComparison",
    "SubgroupResult",
    "SuppressedCell",
    "WaveComparison",
    "WaveSummary",
]

Design = Literal["paired", "independent"]


def _pair(values: tuple[float, float]) -> list[float]:
    return [values[0], values[1]]


@dataclass(frozen=True)
class SuppressedCell(Result):
    """A hidden cell: what it would have described and why it is hidden, never a number."""

    label: str
    reason: str
    group: str | None = None
    to_label: str | None = None

    def to_dict(self) -> dict[str, object]:
        """``{"label" | "from"/"to", "group"?, "suppressed": true, "reason"}``."""
        out: dict[str, object] = {}
        if self.group is not None:
            out["group"] = self.group
        if self.to_label is None:
            out["label"] = self.label
        else:
            out["from"], out["to"] = self.label, self.to_label
        out["suppressed"] = True
        out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class ComparedWave(Result):
    """One wave: its label, respondents (rows) and how many carry a respondent id."""

    label: str
    n: int
    n_with_ids: int

    def to_dict(self) -> dict[str, Any]:
        """``{"label", "n", "n_with_ids"}``."""
        return {"label": self.label, "n": self.n, "n_with_ids": self.n_with_ids}


@dataclass(frozen=True)
class WaveSummary(Result):
    """Scale score summary in one wave: n scored, mean, SD and the t-based 95% CI of the mean."""

    label: str
    n: int
    mean: float
    sd: float
    ci: tuple[float, float]

    def to_dict(self) -> dict[str, object]:
        """Contract keys ``label, n, mean, sd`` plus ``ci``."""
        return {
            "label": self.label,
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "ci": _pair(self.ci),
        }


@dataclass(frozen=True)
class PairComparison(Result):
    """One scale compared between two waves (later minus earlier).

    ``n`` is the number of matched pairs (paired) or of scores in both waves together
    (independent). ``matched``, ``attrition`` (ids in the earlier wave not found in the later)
    and ``new_joiners`` (ids in the later wave not in the earlier) are wave-level counts of
    linked respondents, ``None`` when the waves are not linked.
    """

    from_label: str
    to_label: str
    design: Design
    n: int
    n_from: int
    n_to: int
    matched: int | None
    attrition: int | None
    new_joiners: int | None
    test: PairedTest | WelchTest
    check: RankTest
    p_adjusted: float
    adjustment: str
    verdict: Verdict
    reliable_change: ReliableChange | None
    note: str | None = None

    @property
    def mean_diff(self) -> float:
        """Later minus earlier."""
        return self.test.mean_diff

    @property
    def p(self) -> float:
        """Unadjusted p of the t-test."""
        return self.test.p

    def effect_size(self) -> dict[str, object]:
        """The standardised effect sizes of this design."""
        t = self.test
        if isinstance(t, PairedTest):
            return {
                "d_z": t.d_z,
                "d_z_ci": _pair(t.d_z_ci),
                "d_av": t.d_av,
                "method": "d_z = mean difference / SD of differences, noncentral-t CI; "
                "d_av = mean difference / mean of the two SDs (Lakens 2013)",
            }
        return {
            "hedges_g": t.hedges_g,
            "hedges_g_ci": _pair(t.hedges_g_ci),
            "cohens_d": t.cohens_d,
            "method": "Hedges' g (pooled SD, exact J), noncentral-t CI (Steiger & Fouladi 1997)",
        }

    def detectable(self) -> Detectable | None:
        """The smallest change this comparison could detect with 80% power (two-sided α = .05).

        Paired: d_z at ``n`` matched pairs, in points times the SD of the differences;
        independent: Cohen's d at the two waves' n, in points times the pooled SD. ``None``
        when there are too few respondents to say.
        """
        t = self.test
        if isinstance(t, PairedTest):
            found = detectable(t.n, t.sd_diff, design="paired")
        else:
            n1, n2 = t.n_earlier, t.n_later
            if n1 < 2 or n2 < 2:
                return None
            pooled = math.sqrt(
                ((n1 - 1) * t.sd_earlier**2 + (n2 - 1) * t.sd_later**2) / (n1 + n2 - 2)
            )
            found = detectable(n1, pooled, design="independent", n2=n2)
        return found if math.isfinite(found.effect) else None

    def to_dict(self) -> dict[str, object]:
        """The contract's comparison object plus the rank check, verdict, reliable change and
        the smallest change it could detect (``detectable``)."""
        t = self.test
        out: dict[str, object] = {
            "from": self.from_label,
            "to": self.to_label,
            "design": self.design,
            "n": self.n,
            "n_from": self.n_from,
            "n_to": self.n_to,
            "mean_diff": t.mean_diff,
            "ci": _pair(t.ci),
            "statistic": t.statistic,
            "df": t.df,
            "p": t.p,
            "p_adjusted": self.p_adjusted,
            "adjustment": self.adjustment,
            "effect_size": self.effect_size(),
            self.check.test: self.check.to_dict(),
            "verdict": self.verdict.text,
            "verdict_detail": self.verdict.to_dict(),
        }
        if self.matched is not None:
            out["matched"] = self.matched
            out["attrition"] = self.attrition
            out["new_joiners"] = self.new_joiners
        if self.reliable_change is not None:
            out["reliable_change"] = self.reliable_change.to_dict()
        found = self.detectable()
        if found is not None:
            out["detectable"] = {
                "effect": found.effect,
                "effect_name": found.effect_name,
                "points": found.points if math.isfinite(found.points) else None,
                "power": found.power,
                "alpha": found.alpha,
            }
        if self.note:
            out["note"] = self.note
        return out


Cell = WaveSummary | SuppressedCell
ComparisonCell = PairComparison | SuppressedCell


@dataclass(frozen=True)
class SubgroupResult(Result):
    """One subgroup of one scale: its wave cells and comparisons (BH-adjusted p)."""

    group: str
    waves: tuple[Cell, ...]
    comparisons: tuple[ComparisonCell, ...]

    @property
    def fully_suppressed(self) -> bool:
        """Every cell hidden."""
        return all(isinstance(c, SuppressedCell) for c in (*self.waves, *self.comparisons))

    @property
    def hidden_because(self) -> str:
        """Why its cells are hidden: their distinct reasons, in order."""
        cells = (*self.waves, *self.comparisons)
        return "; ".join(dict.fromkeys(c.reason for c in cells if isinstance(c, SuppressedCell)))

    def to_dict(self) -> dict[str, object]:
        """``{"group", "waves", "comparisons"}``, or ``{"group", "suppressed": true, "reason"}``."""
        if self.fully_suppressed:
            return {
                "group": self.group,
                "suppressed": True,
                "reason": f"every cell of this group is hidden (anonymity rule: {self.hidden_because})",
            }
        return {
            "group": self.group,
            "waves": [c.to_dict() for c in self.waves],
            "comparisons": [c.to_dict() for c in self.comparisons],
        }


@dataclass(frozen=True)
class ScaleComparison(Result):
    """Everything about one scale: wave summaries, comparisons, trend and subgroups.

    ``direction`` is the scale's declared direction, which the verdicts follow.
    """

    scale: str
    label: str
    waves: tuple[Cell, ...]
    comparisons: tuple[ComparisonCell, ...]
    trend: TrendFit | None
    trend_note: str | None
    subgroups: tuple[SubgroupResult, ...] = ()
    direction: ScaleDirection = "higher_is_better"
    #: ``((wave label, items scored), ...)`` when the waves' answers were at hand (see
    #: :func:`cop_eval.measure.coverage.items_scored`); ``items_note`` says how they differ.
    items_by_wave: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    items_note: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The contract's scale object plus ``label``, ``direction``, ``trend_note``, ``subgroups``."""
        out: dict[str, object] = {
            "scale": self.scale,
            "label": self.label,
            "direction": self.direction,
            "waves": [c.to_dict() for c in self.waves],
            "comparisons": [c.to_dict() for c in self.comparisons],
        }
        if self.trend is not None:
            out["trend"] = self.trend.to_dict()
        if self.trend_note:
            out["trend_note"] = self.trend_note
        if self.subgroups:
            out["subgroups"] = [g.to_dict() for g in self.subgroups]
        if self.items_by_wave is not None:
            out["items_by_wave"] = {label: list(items) for label, items in self.items_by_wave}
            out["items_differ"] = self.items_note is not None
        return out


@dataclass(frozen=True)
class WaveComparison(Result):
    """The result of :func:`cop_eval.compare.waves.compare_waves`."""

    instrument: str
    instrument_version: str
    waves: tuple[ComparedWave, ...]
    design: Literal["auto", "paired", "independent"]
    scales: tuple[ScaleComparison, ...]
    group_column: str | None
    privacy: PrivacyPolicy
    notes: tuple[str, ...]

    @property
    def min_group_size(self) -> int:
        """The smallest group any figure of this comparison describes."""
        return self.privacy.min_group_size

    @property
    def labels(self) -> tuple[str, ...]:
        """Wave labels in time order."""
        return tuple(w.label for w in self.waves)

    def scale(self, scale_id: str) -> ScaleComparison:
        """The result for one scale (``KeyError`` when absent)."""
        for s in self.scales:
            if s.scale == scale_id:
                return s
        raise KeyError(scale_id)

    def to_dict(self) -> dict[str, object]:
        """The DESIGN.md ``compare`` JSON object (plus extra keys); no suppressed numbers."""
        return {
            "instrument": self.instrument,
            "instrument_version": self.instrument_version,
            "design": self.design,
            "min_group_size": self.min_group_size,
            "anonymity": anonymity_promise(self.min_group_size),
            "group_column": self.group_column,
            "waves": [w.to_dict() for w in self.waves],
            "scales": [s.to_dict() for s in self.scales],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per visible (scale, wave pair) comparison at the top level."""
        rows: list[dict[str, object]] = []
        for s in self.scales:
            for c in s.comparisons:
                if isinstance(c, SuppressedCell):
                    continue
                es = c.effect_size()
                name = "d_av" if c.design == "paired" else "hedges_g"
                rows.append(
                    {
                        "scale": s.scale,
                        "direction": s.direction,
                        "from": c.from_label,
                        "to": c.to_label,
                        "design": c.design,
                        "n": c.n,
                        "mean_diff": c.mean_diff,
                        "ci_low": c.test.ci[0],
                        "ci_high": c.test.ci[1],
                        "statistic": c.test.statistic,
                        "df": c.test.df,
                        "p": c.p,
                        "p_adjusted": c.p_adjusted,
                        "effect": name,
                        "effect_size": es[name],
                        "verdict": c.verdict.text,
                    }
                )
        return pd.DataFrame(rows)
