"""Factor structure and measurement invariance of an instrument's scales (CFA as lavaan fits it).

The instrument's scales are the factors and its items their indicators, reverse-keyed from the
declared response scale first. One sample: a confirmatory factor analysis (ML; listwise by
default, as lavaan; FIML on request) with chi-square, CFI, TLI, RMSEA (90% CI), SRMR,
standardised loadings, factor correlations, HTMT and omega per scale. Several waves (or
subgroups of one wave): configural, metric and scalar invariance judged by Chen (2007), and a
partial model when scalar invariance fails (see :mod:`cop_eval.stats.invariance`).

Honest limits
-------------
- **Sample size**: a model is fitted only when every sample it uses has at least
  :data:`MIN_N` respondents *and* at least :data:`PER_PARAMETER` per free parameter of the
  measurement model (loadings, residual variances, factor variances and covariances; Bentler &
  Chou 1987's 5:1). Otherwise the result says so (``fitted`` False, ``refused``) instead of
  printing an unstable fit.
- **Waves are not independent samples**: the multi-group test treats each wave as a separate
  sample. When the same people answer several waves (matched ids show how many), the tests
  are approximate; a longitudinal model would be needed for an exact one. The result says so.
- Scales with fewer than two items, and items nobody answered, are left out (named).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.measure.scoring import keyed_items
from cop_eval.measure.validity_results import (
    DISCRIMINANT_LIMIT,
    FactorCorrelation,
    GroupSize,
    Loading,
    ValidityResult,
    fit_indices,
)
from cop_eval.measure.validity_text import invariance_result, scale_verdicts
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.responses import ResponseSet
from cop_eval.stats.cfa import CfaFit, fit_cfa, prepare_groups
from cop_eval.stats.cfa_indices import htmt
from cop_eval.stats.invariance import invariance

__all__ = ["MIN_N", "PER_PARAMETER", "ModelSpec", "required_n", "validity"]

MIN_N = 100
PER_PARAMETER = 5

_FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ModelSpec:
    """The scales and items that enter the model, and the factor of each item."""

    scales: tuple[str, ...]
    items: tuple[str, ...]
    factor_of: tuple[int, ...]
    left_out: tuple[str, ...]

    @property
    def free_parameters(self) -> int:
        """Loadings (all but each marker), residual variances, factor (co)variances."""
        p, k = len(self.items), len(self.scales)
        return (p - k) + p + k * (k + 1) // 2


def required_n(spec: ModelSpec) -> int:
    """The smallest sample the model is fitted on: max(100, 5 x free parameters)."""
    return max(MIN_N, PER_PARAMETER * spec.free_parameters)


def _rule(spec: ModelSpec) -> str:
    return (
        f"at least {MIN_N} respondents and at least {PER_PARAMETER} per free parameter of the "
        f"measurement model ({spec.free_parameters} here: {len(spec.items) - len(spec.scales)} "
        f"loadings, {len(spec.items)} residual variances, "
        f"{len(spec.scales) * (len(spec.scales) + 1) // 2} factor variances and covariances), "
        f"so {required_n(spec)} per sample"
    )


@dataclass(frozen=True)
class _Sample:
    label: str
    x: _FloatArray
    ids: pd.Series | None


def _spec(instrument: Instrument, answered: pd.Series) -> ModelSpec:
    scales: list[str] = []
    items: list[str] = []
    factor_of: list[int] = []
    left_out: list[str] = []
    for scale in instrument.scales:
        ids = [i.id for i in instrument.items_of(scale.id)]
        empty = [i for i in ids if answered.get(i, 0) == 0]
        used = [i for i in ids if i not in empty]
        left_out += [f"item {i} ({scale.id}): nobody answered it" for i in empty]
        if len(used) < 2:
            left_out.append(
                f"scale {scale.id}: {len(used)} answered item(s); a factor needs at least two"
            )
            continue
        factor_of += [len(scales)] * len(used)
        scales.append(scale.id)
        items += used
    return ModelSpec(tuple(scales), tuple(items), tuple(factor_of), tuple(left_out))


def _samples(
    data: ResponseSet | Sequence[ResponseSet] | pd.DataFrame,
    instrument: Instrument,
    labels: Sequence[str] | None,
    group_column: str | None,
) -> tuple[list[tuple[str, pd.DataFrame, pd.Series | None]], Literal["waves", "groups"] | None]:
    if isinstance(data, pd.DataFrame):
        waves: list[tuple[str, pd.DataFrame, pd.Series | None, pd.DataFrame]] = [
            ("all", data, None, data[[group_column]] if group_column in data else pd.DataFrame())
        ]
    else:
        sets = [data] if isinstance(data, ResponseSet) else list(data)
        if labels is not None and len(labels) != len(sets):
            raise OptionError(f"labels: {len(labels)} given for {len(sets)} waves")
        waves = [
            (
                labels[i] if labels else (w.wave or f"wave {i + 1}"),
                w.items,
                w.respondent_ids,
                w.groups,
            )
            for i, w in enumerate(sets)
        ]
    if len(waves) > 1:
        if group_column is not None:
            raise OptionError(
                "a subgroup column goes with one wave: invariance is tested across the waves "
                "when several are given, or across the subgroups of one wave"
            )
        return [(label, items, ids) for label, items, ids, _ in waves], "waves"
    label, items, ids, groups = waves[0]
    if group_column is None:
        return [(label, items, ids)], None
    if group_column not in groups.columns:
        found = ", ".join(map(str, groups.columns)) or "none"
        raise OptionError(
            f"subgroup column {group_column!r} was not read with the data (subgroup columns "
            f"read: {found})"
        )
    values = groups[group_column].astype("string")
    out = []
    for value in sorted(values.dropna().unique()):
        mask = (values == value).fillna(False).to_numpy()
        out.append(
            (
                str(value),
                items.loc[mask].reset_index(drop=True),
                None if ids is None else ids[mask].reset_index(drop=True),
            )
        )
    return out, "groups"


def _usable(x: _FloatArray, missing: str) -> npt.NDArray[np.bool_]:
    seen = ~np.isnan(x)
    return np.asarray(seen.all(axis=1) if missing == "listwise" else seen.any(axis=1))


def _shared_respondents(samples: Sequence[_Sample], missing: str) -> str:
    if any(s.ids is None for s in samples):
        return (
            "The waves were read without respondent ids, so it is not known whether the same "
            "people answered several waves. The test treats the waves as independent samples; "
            "if many people answered more than one, its p-values are approximate."
        )
    seen: dict[str, int] = {}
    for s in samples:
        assert s.ids is not None
        for rid in set(s.ids[_usable(s.x, missing)].dropna().astype(str)):
            seen[rid] = seen.get(rid, 0) + 1
    shared = sum(1 for count in seen.values() if count > 1)
    if not shared:
        return "No respondent id appears in more than one wave: the waves are separate samples."
    return (
        f"{shared} respondents answered more than one wave. The multi-group test treats the "
        "waves as independent samples, which they are not: its chi-square difference and "
        "p-values are approximate (a longitudinal model would be exact)."
    )


def _solution_tables(
    fit: CfaFit, labels: Sequence[str], spec: ModelSpec, instrument: Instrument
) -> tuple[tuple[Loading, ...], tuple[FactorCorrelation, ...]]:
    loadings = []
    correlations = []
    for label, group in zip(labels, fit.groups, strict=True):
        for i, item in enumerate(spec.items):
            loadings.append(
                Loading(
                    group=label,
                    scale=spec.scales[spec.factor_of[i]],
                    item=item,
                    reverse=instrument.item(item).reverse,
                    std=float(group.std_loadings[i]),
                )
            )
        sd = np.sqrt(np.diag(group.observed_cov))
        ratio = htmt(group.observed_cov / np.outer(sd, sd), spec.factor_of)
        for a in range(len(spec.scales)):
            for b in range(a + 1, len(spec.scales)):
                r = float(group.factor_correlations[a, b])
                h = float(ratio[a, b])
                correlations.append(
                    FactorCorrelation(
                        group=label,
                        a=spec.scales[a],
                        b=spec.scales[b],
                        r=r,
                        htmt=h,
                        flag=abs(r) > DISCRIMINANT_LIMIT or h > DISCRIMINANT_LIMIT,
                    )
                )
    return tuple(loadings), tuple(correlations)


def validity(
    data: ResponseSet | Sequence[ResponseSet] | pd.DataFrame,
    instrument: Instrument,
    *,
    labels: Sequence[str] | None = None,
    group_column: str | None = None,
    missing: Literal["listwise", "fiml"] = "listwise",
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> ValidityResult:
    """Confirmatory factor analysis of the instrument's scales, and invariance across samples.

    Parameters
    ----------
    data
        One wave (a :class:`~cop_eval.responses.ResponseSet`, or a DataFrame of raw answer
        codes with one column per item), or several waves (compared as groups).
    instrument
        The instrument whose scales are the factors (reverse keying from its declaration).
    labels
        Wave labels (default: each wave's own label, else "wave 1", ...).
    group_column
        With one wave: the subgroup column whose groups are compared.
    missing
        ``"listwise"`` (respondents who answered every item of the model; lavaan's default) or
        ``"fiml"`` (full-information ML: everyone who answered something).
    privacy
        The anonymity rule: a wave or group it hides shows no respondent count (and then,
        so that it cannot be worked out from the total, no group shows one).

    Returns
    -------
    ValidityResult
        Fit, loadings, factor correlations with HTMT, omega and cautions per scale, and the
        invariance sequence; or a refusal by the stated sample-size rule.

    Examples
    --------
    >>> # In R: lavaan::cfa(model, data, group = "wave", group.equal = c("loadings",
    >>> #       "intercepts")); semTools::compRelSEM(fit, obs.var = FALSE); semTools::htmt
    """
    if missing not in ("listwise", "fiml"):
        raise OptionError(f"missing must be 'listwise' or 'fiml', got {missing!r}")
    raw, across = _samples(data, instrument, labels, group_column)
    answered = sum(
        (items.reindex(columns=list(instrument.item_ids)).notna().sum() for _, items, _ in raw),
        start=pd.Series(dtype=float),
    )
    spec = _spec(instrument, answered)
    if not spec.scales:
        raise OptionError(
            f"instrument {instrument.id}: no scale has two answered items, so there is no "
            "factor model to fit"
        )
    samples = []
    for label, items, ids in raw:  # only the rows a fit can use (listwise: a few % of them)
        x = keyed_items(items, instrument, list(spec.items))
        keep = _usable(x, missing)
        samples.append(
            _Sample(label, x[keep], None if ids is None else ids[keep].reset_index(drop=True))
        )
    needed = required_n(spec)
    counts = [int(_usable(s.x, missing).sum()) for s in samples]
    any_hidden = any(privacy.hides(n) for n in counts)
    sizes = tuple(
        GroupSize(label=s.label, n=None if any_hidden else n, enough=n >= needed)
        for s, n in zip(samples, counts, strict=True)
    )
    notes: list[str] = []
    if across == "waves":
        notes.append(_shared_respondents(samples, missing))
    return _analyse(instrument, spec, samples, counts, sizes, across, missing, tuple(notes))


def _analyse(
    instrument: Instrument,
    spec: ModelSpec,
    samples: Sequence[_Sample],
    counts: Sequence[int],
    sizes: tuple[GroupSize, ...],
    across: Literal["waves", "groups"] | None,
    missing: Literal["listwise", "fiml"],
    notes: tuple[str, ...],
) -> ValidityResult:
    needed = required_n(spec)
    rule = _rule(spec)
    eligible = [s for s, size in zip(samples, sizes, strict=True) if size.enough]
    inv = None
    fit: CfaFit | None = None
    fit_labels: list[str] = []
    model = "single group"
    if across is not None and len(eligible) >= 2:
        moments = prepare_groups([s.x for s in eligible], missing=missing)
        inv = invariance(moments, spec.factor_of, missing=missing)
        fit, fit_labels = inv.configural, [s.label for s in eligible]
        model = f"configural (each {'wave' if across == 'waves' else 'group'} its own estimates)"
    pooled_n = sum(counts)
    refused = None
    if fit is None:
        if pooled_n >= needed:
            x = np.vstack([s.x for s in samples])
            fit, fit_labels = fit_cfa([x], spec.factor_of, missing=missing), ["all"]
            if across is not None:
                model = "all respondents pooled"
                if across == "waves":
                    notes += (
                        "The waves are pooled for this fit, so a person who answered several "
                        "waves counts more than once.",
                    )
        else:
            refused = (
                f"{pooled_n} respondents usable ({missing}); the model needs {needed}: {rule}. "
                "A factor analysis on fewer would be unstable, so none is shown."
            )
    invariance_part = (
        invariance_result(inv, spec.items, sizes, across, needed, fit_labels)
        if across is not None
        else None
    )
    verdicts = scale_verdicts(
        fit, inv, spec.scales, spec.items, spec.factor_of, fit_labels, instrument, across
    )
    if fit is None:
        return ValidityResult(
            instrument=instrument.id,
            missing=missing,
            n=pooled_n,
            n_required=needed,
            rule=rule,
            fitted=False,
            refused=refused,
            model=model,
            fit=None,
            loadings=(),
            factor_correlations=(),
            scales=verdicts,
            left_out=spec.left_out,
            invariance=invariance_part,
            notes=notes,
        )
    loadings, correlations = _solution_tables(fit, fit_labels, spec, instrument)
    return ValidityResult(
        instrument=instrument.id,
        missing=missing,
        n=fit.n,
        n_required=needed,
        rule=rule,
        fitted=True,
        refused=None,
        model=model,
        fit=fit_indices(fit),
        loadings=loadings,
        factor_correlations=correlations,
        scales=verdicts,
        left_out=spec.left_out,
        invariance=invariance_part,
        notes=notes,
    )
