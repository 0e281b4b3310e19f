"""Result models of :func:`cop_eval.measure.validity.validity` (frozen; ``to_dict``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from cop_eval.models import FrozenModel
from cop_eval.results import Result

if TYPE_CHECKING:
    from cop_eval.stats.cfa import CfaFit

__all__ = [
    "DISCRIMINANT_LIMIT",
    "FactorCorrelation",
    "FitIndices",
    "GroupSize",
    "GroupValue",
    "InvarianceResult",
    "InvarianceStep",
    "Loading",
    "ScaleValidity",
    "ValidityResult",
    "fit_indices",
]

#: factor correlations and HTMT above this suggest two scales measure one thing
#: (Henseler, Ringle & Sarstedt 2015; Kline 2016).
DISCRIMINANT_LIMIT = 0.85

Decision = Literal["scalar", "partial_scalar", "metric", "configural", "not_tested"]


class FitIndices(FrozenModel):
    """Model fit with lavaan 0.6's definitions (see :mod:`cop_eval.stats.cfa_indices`)."""

    chisq: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci: tuple[float, float]
    srmr: float
    npar: int
    n: int


class Loading(FrozenModel):
    """An item's standardised loading (lavaan ``std.all``) in one group."""

    group: str
    scale: str
    item: str
    reverse: bool
    std: float


class FactorCorrelation(FrozenModel):
    """Two scales' factor correlation and HTMT in one group; ``flag`` when either > .85."""

    group: str
    a: str
    b: str
    r: float
    htmt: float
    flag: bool


class GroupSize(FrozenModel):
    """A group (wave or subgroup) of the analysis; ``n`` is None when suppressed (anonymity)."""

    label: str
    n: int | None
    enough: bool


class InvarianceStep(FrozenModel):
    """One model of the invariance sequence and its test against the model before it."""

    fit: FitIndices
    chisq_diff: float | None = None
    df_diff: int | None = None
    p: float | None = None
    delta_cfi: float | None = None
    delta_rmsea: float | None = None
    holds: bool | None = None
    freed: tuple[str, ...] = ()  # partial model: items whose intercepts are free


class InvarianceResult(FrozenModel):
    """Configural, metric and scalar models (and a partial one) across waves or subgroups."""

    across: Literal["waves", "groups"]
    groups: tuple[GroupSize, ...]
    configural: InvarianceStep | None
    metric: InvarianceStep | None
    scalar: InvarianceStep | None
    partial: InvarianceStep | None
    decision: Decision
    decision_text: str
    criteria: str
    notes: tuple[str, ...] = ()


class GroupValue(FrozenModel):
    """A value in one group (``"all"`` for a single-group model)."""

    group: str
    value: float


class ScaleValidity(FrozenModel):
    """What the model says about one scale, and what a reader of its means should know.

    ``omega`` is McDonald's omega from the model, per group
    (``semTools::compRelSEM(fit, obs.var = FALSE)``).
    """

    scale: str
    label: str
    items: tuple[str, ...]
    omega: tuple[GroupValue, ...]
    invariance: Decision
    caution: str | None


class ValidityResult(FrozenModel, Result):
    """The factor structure of an instrument's scales and its invariance (see :func:`validity`).

    ``fitted`` is False when the sample is too small for the model (``refused`` says why, by
    the stated rule); the invariance part may be ``not_tested`` on its own when a group is.
    """

    instrument: str
    missing: Literal["listwise", "fiml"]
    n: int
    n_required: int
    rule: str
    fitted: bool
    refused: str | None
    model: str  # what the top-level fit is: "single group", "configural (by wave)" ...
    fit: FitIndices | None
    loadings: tuple[Loading, ...]
    factor_correlations: tuple[FactorCorrelation, ...]
    scales: tuple[ScaleValidity, ...]
    left_out: tuple[str, ...]
    invariance: InvarianceResult | None
    notes: tuple[str, ...] = ()

    @property
    def cautioned_scales(self) -> tuple[str, ...]:
        """Scales whose mean comparisons need a caution (scalar invariance failed for them)."""
        return tuple(s.scale for s in self.scales if s.caution)

    def caution(self, scale_id: str) -> str | None:
        """The caution for one scale's mean comparisons (``None`` when there is none)."""
        for s in self.scales:
            if s.scale == scale_id:
                return s.caution
        return None

    def to_frame(self) -> pd.DataFrame:
        """One row per loading: group, scale, item, reverse, std."""
        return pd.DataFrame([entry.model_dump() for entry in self.loadings])

    def fit_frame(self) -> pd.DataFrame:
        """One row per model fitted (the CFA, or configural/metric/scalar/partial)."""
        rows: list[dict[str, Any]] = []
        inv = self.invariance
        steps = (
            []
            if inv is None
            else [
                ("configural", inv.configural),
                ("metric", inv.metric),
                ("scalar", inv.scalar),
                ("partial", inv.partial),
            ]
        )
        if not steps and self.fit is not None:
            rows.append({"model": self.model, **self.fit.model_dump()})
        for name, step in steps:
            if step is not None:
                rows.append({"model": name, **step.fit.model_dump()})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The ``cop-eval validity --json`` object (DESIGN.md contract, plus extra keys)."""
        doc = self.model_dump(mode="python")
        doc["fit"] = None if self.fit is None else _fit_json(self.fit)
        inv = self.invariance
        if inv is not None:
            inv_doc = doc["invariance"]
            for name in ("configural", "metric", "scalar", "partial"):
                step = getattr(inv, name)
                if step is not None:
                    inv_doc[name]["fit"] = _fit_json(step.fit)
        return dict(_lists(doc))


def _fit_json(fit: FitIndices) -> dict[str, Any]:
    doc = fit.model_dump(mode="python")
    doc["rmsea_ci"] = list(fit.rmsea_ci)
    return doc


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def fit_indices(fit: CfaFit) -> FitIndices:
    """The global fit indices of a fitted CFA, as the result model reports them."""
    return FitIndices(
        chisq=fit.chisq,
        df=fit.df,
        p=fit.p,
        cfi=fit.cfi,
        tli=fit.tli,
        rmsea=fit.rmsea,
        rmsea_ci=fit.rmsea_ci,
        srmr=fit.srmr,
        npar=fit.npar,
        n=fit.n,
    )
