"""The invariance part of a validity result, and each scale's verdict, in plain words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from cop_eval.instruments import Instrument
from cop_eval.measure.validity_results import (
    GroupSize,
    GroupValue,
    InvarianceResult,
    InvarianceStep,
    ScaleValidity,
    fit_indices,
)
from cop_eval.stats.cfa import CfaFit
from cop_eval.stats.invariance import (
    CHEN_CFI_DROP,
    CHEN_RMSEA_RISE,
    Invariance,
    ModelComparison,
)

__all__ = ["CRITERIA", "POOR_CFI", "POOR_RMSEA", "invariance_result", "scale_verdicts"]

CRITERIA = (
    f"Chen (2007): a more constrained model is accepted when CFI drops by no more than "
    f"{CHEN_CFI_DROP:.3f} and RMSEA rises by no more than {CHEN_RMSEA_RISE:.3f} against the "
    "model before it. The chi-square difference test is shown beside; with large samples it "
    "flags differences too small to matter, so it does not decide."
)
#: conventional limits of acceptable fit (Hu & Bentler 1999 use .95/.06 for good fit)
POOR_CFI = 0.90
POOR_RMSEA = 0.08


def _step(fit: CfaFit, test: ModelComparison | None, freed: tuple[str, ...] = ()) -> InvarianceStep:
    if test is None:
        return InvarianceStep(fit=fit_indices(fit), freed=freed)
    return InvarianceStep(
        fit=fit_indices(fit),
        chisq_diff=test.chisq_diff,
        df_diff=test.df_diff,
        p=test.p,
        delta_cfi=test.delta_cfi,
        delta_rmsea=test.delta_rmsea,
        holds=test.holds,
        freed=freed,
    )


def _names(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _decision_text(inv: Invariance, freed: tuple[str, ...], unit: str) -> str:
    if inv.decision == "scalar":
        return (
            f"Yes. The items relate to their scales in the same way in each {unit} (equal "
            "loadings) and start from the same point (equal intercepts): scalar invariance "
            f"holds, so scale means can be compared between {unit}s."
        )
    if inv.decision == "partial_scalar":
        return (
            f"Mostly. Loadings are equal in each {unit}; intercepts are equal once those of "
            f"{_names(freed)} may differ (partial scalar invariance). Means of the scales "
            "holding those items should be compared with caution."
        )
    if inv.decision == "metric":
        return (
            f"Partly. The items relate to their scales in the same way in each {unit} (equal "
            "loadings), but their intercepts differ, even after freeing the worst: the same "
            f"score may not mean the same level in each {unit}. Compare means with caution."
        )
    return (
        f"Not fully. The same scales emerge in each {unit}, but the items relate to them "
        f"differently (loadings differ): scores may not mean the same thing in each {unit}. "
        "Compare means with caution."
    )


def invariance_result(
    inv: Invariance | None,
    spec_items: Sequence[str],
    sizes: tuple[GroupSize, ...],
    across: Literal["waves", "groups"],
    needed: int,
    fit_labels: Sequence[str],
) -> InvarianceResult:
    """The invariance part of the result: each model, the decision and notes."""
    unit = "wave" if across == "waves" else "group"
    small = [g.label for g in sizes if not g.enough]
    notes = []
    if small and inv is not None:
        notes.append(
            f"Left out of the comparison, with fewer than {needed} usable respondents: "
            f"{_names(small)}."
        )
    if inv is None:
        return InvarianceResult(
            across=across,
            groups=sizes,
            configural=None,
            metric=None,
            scalar=None,
            partial=None,
            decision="not_tested",
            decision_text=(
                f"Not tested: fewer than two {unit}s have the {needed} usable respondents the "
                f"model needs in each {unit}."
            ),
            criteria=CRITERIA,
            notes=tuple(notes),
        )
    configural = inv.configural
    if configural.cfi < POOR_CFI or configural.rmsea > POOR_RMSEA:
        notes.append(
            f"The model itself fits poorly (CFI {configural.cfi:.3f}, RMSEA "
            f"{configural.rmsea:.3f}; acceptable is CFI at least {POOR_CFI:.2f} and RMSEA at "
            f"most {POOR_RMSEA:.2f}): the scales may not be the factors the instrument "
            "declares, and the invariance tests mean less."
        )
    freed = tuple(spec_items[i] for i in inv.freed)
    partial = (
        None if inv.partial is None or not freed else _step(inv.partial, inv.partial_test, freed)
    )
    return InvarianceResult(
        across=across,
        groups=sizes,
        configural=_step(configural, None),
        metric=_step(inv.metric, inv.metric_test),
        scalar=_step(inv.scalar, inv.scalar_test),
        partial=partial,
        decision=inv.decision,
        decision_text=_decision_text(inv, freed, unit),
        criteria=CRITERIA,
        notes=tuple(notes),
    )


def scale_verdicts(
    fit: CfaFit | None,
    inv: Invariance | None,
    scales: Sequence[str],
    items: Sequence[str],
    factor_of: Sequence[int],
    fit_labels: Sequence[str],
    instrument: Instrument,
    across: Literal["waves", "groups"] | None,
) -> tuple[ScaleValidity, ...]:
    """Per scale: its items, omega per group, and a caution when scalar invariance fails."""
    unit = "wave" if across == "waves" else "group"
    freed = set() if inv is None else {items[i] for i in inv.freed}
    out = []
    for f, scale in enumerate(scales):
        own = tuple(item for item, k in zip(items, factor_of, strict=True) if k == f)
        omega = (
            ()
            if fit is None
            else tuple(
                GroupValue(group=label, value=float(g.omega[f]))
                for label, g in zip(fit_labels, fit.groups, strict=True)
            )
        )
        decision = "not_tested" if inv is None else inv.decision
        caution = None
        if inv is not None and inv.decision == "partial_scalar":
            differing = [i for i in own if i in freed]
            if differing:
                caution = (
                    f"the intercepts of {_names(differing)} differ between {unit}s (partial "
                    "scalar invariance): compare this scale's means with caution"
                )
            else:
                decision = "scalar"
        elif inv is not None and inv.decision in ("metric", "configural"):
            caution = (
                f"scalar invariance fails across {unit}s: the same score may not mean the "
                "same level in each; compare this scale's means with caution"
            )
        out.append(
            ScaleValidity(
                scale=scale,
                label=instrument.scale(scale).label,
                items=own,
                omega=omega,
                invariance=decision,  # type: ignore[arg-type]
                caution=caution,
            )
        )
    return tuple(out)
