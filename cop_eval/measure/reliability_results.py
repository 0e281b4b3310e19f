"""The results of :func:`cop_eval.measure.reliability.reliability`: frozen, with ``to_dict()``
(the ``cop-eval reliability --json`` object) and ``to_frame()``.

Figures of a scale scored by fewer respondents than the privacy policy's threshold are left out
of both (the scale keeps its name and says why).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from cop_eval.instruments import PublishedReliability
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.results import Result

__all__ = ["ItemReliability", "ReliabilityResult", "ReliabilityWarning", "ScaleReliability"]


@dataclass(frozen=True)
class ReliabilityWarning(Result):
    """Something a reader should know before trusting a scale's scores."""

    kind: Literal[
        "low_alpha",
        "uncertain_alpha",
        "negative_item_rest",
        "no_variance",
        "too_few_answers",
        "missing_correlations",
    ]
    scale: str
    message: str
    item: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "scale", "item", "message"}``."""
        return {"kind": self.kind, "scale": self.scale, "item": self.item, "message": self.message}


@dataclass(frozen=True)
class ItemReliability(Result):
    """One item's place in its scale (computed on the keyed item)."""

    item: str
    reverse: bool
    n: int  # respondents who answered the item (among the scale's rows)
    item_rest_r: float
    alpha_if_deleted: float

    def to_dict(self) -> dict[str, Any]:
        """``{"item", "reverse", "n", "item_rest_r", "alpha_if_deleted"}``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ScaleReliability(Result):
    """Reliability of one scale in this sample, beside the published value when declared."""

    scale: str
    label: str
    n: int
    n_items: int
    alpha: float
    alpha_ci: tuple[float, float]
    std_alpha: float
    average_r: float
    omega_total: float
    items: tuple[ItemReliability, ...]
    warnings: tuple[ReliabilityWarning, ...] = ()
    published: PublishedReliability | None = None

    def to_dict(self) -> dict[str, Any]:
        """The scale object of ``cop-eval reliability --json`` (every figure; no privacy rule)."""
        return {
            "scale": self.scale,
            "label": self.label,
            "n": self.n,
            "n_items": self.n_items,
            "alpha": self.alpha,
            "alpha_ci": list(self.alpha_ci),
            "std_alpha": self.std_alpha,
            "average_r": self.average_r,
            "omega_total": self.omega_total,
            "items": [i.to_dict() for i in self.items],
            "warnings": [w.to_dict() for w in self.warnings],
            "published": self.published.model_dump() if self.published else None,
        }


@dataclass(frozen=True)
class ReliabilityResult(Result):
    """Reliability of every scale of one instrument (see :func:`reliability`).

    The attributes hold every figure (to check against R). The outputs, :meth:`to_dict` and
    :meth:`to_frame`, follow ``privacy``: a scale scored by fewer respondents keeps only its name
    and the reason, as ``cop-eval reliability`` shows it.
    """

    instrument: str
    missing: Literal["pairwise", "listwise"]
    scales: tuple[ScaleReliability, ...]
    privacy: PrivacyPolicy = DEFAULT_PRIVACY

    @property
    def warnings(self) -> tuple[ReliabilityWarning, ...]:
        """Every warning of every scale."""
        return tuple(w for s in self.scales for w in s.warnings)

    def scale(self, scale_id: str) -> ScaleReliability:
        """The result for one scale (``KeyError`` when absent)."""
        for entry in self.scales:
            if entry.scale == scale_id:
                return entry
        raise KeyError(scale_id)

    def hidden(self, scale: ScaleReliability) -> bool:
        """Whether the privacy rule hides this scale's figures."""
        return self.privacy.hides(scale.n)

    def to_frame(self) -> pd.DataFrame:
        """One row per scale: n, n_items, alpha, CI, std_alpha, average_r, omega, published.

        A hidden scale's row has ``suppressed`` True and no figures (NaN).
        """
        rows = []
        for s in self.scales:
            hide = self.hidden(s)
            rows.append(
                {
                    "scale": s.scale,
                    "n": math.nan if hide else s.n,
                    "n_items": s.n_items,
                    "alpha": math.nan if hide else s.alpha,
                    "alpha_ci_low": math.nan if hide else s.alpha_ci[0],
                    "alpha_ci_high": math.nan if hide else s.alpha_ci[1],
                    "std_alpha": math.nan if hide else s.std_alpha,
                    "average_r": math.nan if hide else s.average_r,
                    "omega_total": math.nan if hide else s.omega_total,
                    "published_alpha": s.published.alpha if s.published else math.nan,
                    "suppressed": hide,
                }
            )
        return pd.DataFrame(rows)

    def items_frame(self) -> pd.DataFrame:
        """One row per item of the shown scales: scale, item, reverse, n, item_rest_r,
        alpha_if_deleted."""
        return pd.DataFrame(
            [
                {"scale": s.scale, **i.to_dict()}
                for s in self.scales
                if not self.hidden(s)
                for i in s.items
            ],
            columns=["scale", "item", "reverse", "n", "item_rest_r", "alpha_if_deleted"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``cop-eval reliability --json`` object (DESIGN.md contract, plus extra keys)."""
        return {
            "instrument": self.instrument,
            "missing": self.missing,
            "scales": [
                {
                    "scale": s.scale,
                    "label": s.label,
                    "suppressed": True,
                    "reason": self.privacy.reason(),
                }
                if self.hidden(s)
                else s.to_dict()
                for s in self.scales
            ],
        }


# ---------------------------------------------------------------------------------------------
# Public entry point
