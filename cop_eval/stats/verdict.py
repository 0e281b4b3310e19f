"""Plain-English verdicts that combine effect size *and* uncertainty (never p alone).

Rule, per scale and comparison:

1. Too few respondents: fewer than :data:`MIN_N_FOR_VERDICT` matched pairs (paired design) or
   respondents in either wave (independent design) → "too few matched respondents to tell" /
   "too few respondents to tell". With ten pairs the 95% interval of a standardised change is
   about ±0.7 wide: it cannot tell a large decline from a large improvement.
2. Magnitude of the standardised change (Cohen 1988): negligible < 0.2 ≤ small < 0.5 ≤ medium
   < 0.8 ≤ large. The paired design uses d_av (comparable with between-group d; Lakens 2013), the
   independent design Hedges' g.
3. Certainty: "likely real" when the effect's 95% CI excludes 0 **and** the adjusted p < .05;
   otherwise "could be chance".
4. Direction: the scale's declared direction turns the sign of the change into a word. On a
   ``higher_is_better`` scale a rise is an "improvement" and a fall a "deterioration"; on a
   ``lower_is_better`` scale (stress, workload) the other way round; a ``neutral`` scale (a kind of
   community rather than a quality, such as the interest-group end of the identity continuum)
   only "increases" or "decreases".
5. Wording: "{magnitude} {direction word}, {certainty}"; a negligible change is "no clear
   change" when it could be chance and e.g. "negligible improvement (too small to matter), likely
   real" when it is not.

``Verdict.direction`` is the word the verdict asserts: improvement, deterioration, increase or
decrease, or "none" when it names no direction (no clear change, too few to tell, cannot tell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MIN_N_FOR_VERDICT",
    "ChangeDirection",
    "ScaleDirection",
    "Verdict",
    "change_direction",
    "magnitude",
    "verdict",
]

#: Below this many matched pairs (or respondents per wave) no verdict is given.
MIN_N_FOR_VERDICT = 10

Magnitude = Literal["negligible", "small", "medium", "large"]
Certainty = Literal["likely real", "could be chance", "too few to tell", "cannot tell"]
#: What a higher score means on a scale (the instrument schema's ``direction``).
ScaleDirection = Literal["higher_is_better", "lower_is_better", "neutral"]
#: The direction a verdict asserts.
ChangeDirection = Literal["improvement", "deterioration", "increase", "decrease", "none"]


def change_direction(effect: float, scale_direction: ScaleDirection) -> ChangeDirection:
    """The word for a change of this sign on a scale of this direction.

    Examples
    --------
    >>> change_direction(0.4, "higher_is_better"), change_direction(0.4, "lower_is_better")
    ('improvement', 'deterioration')
    >>> change_direction(-0.4, "neutral"), change_direction(0.0, "higher_is_better")
    ('decrease', 'none')
    """
    if not effect or not math.isfinite(effect):
        return "none"
    rise = effect > 0
    if scale_direction == "neutral":
        return "increase" if rise else "decrease"
    good = rise == (scale_direction == "higher_is_better")
    return "improvement" if good else "deterioration"


def magnitude(effect: float) -> Magnitude:
    """Cohen's (1988) labels for an absolute standardised difference.

    Examples
    --------
    >>> magnitude(0.19), magnitude(-0.2), magnitude(0.5), magnitude(0.8)
    ('negligible', 'small', 'medium', 'large')
    """
    size = abs(effect)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "medium"
    return "large"


@dataclass(frozen=True)
class Verdict:
    """A verdict and its parts: ``text`` is what a report prints."""

    text: str
    magnitude: Magnitude | None
    direction: ChangeDirection
    certainty: Certainty
    effect: float
    basis: str
    scale_direction: ScaleDirection = "higher_is_better"

    def to_dict(self) -> dict[str, object]:
        """JSON form (``direction``: the word asserted; ``scale_direction``: the scale's)."""
        return {
            "text": self.text,
            "magnitude": self.magnitude,
            "direction": self.direction,
            "certainty": self.certainty,
            "effect": self.effect,
            "basis": self.basis,
            "scale_direction": self.scale_direction,
        }


def verdict(
    effect: float,
    effect_ci: tuple[float, float],
    p_adjusted: float,
    n: int,
    *,
    design: Literal["paired", "independent"],
    basis: str,
    scale_direction: ScaleDirection = "higher_is_better",
    alpha: float = 0.05,
    min_n: int = MIN_N_FOR_VERDICT,
) -> Verdict:
    """Combine effect size and uncertainty into one plain-English verdict.

    Parameters
    ----------
    effect
        Standardised change (later − earlier): d_av (paired) or Hedges' g (independent).
    effect_ci
        95% CI of the standardised change (d_z for the paired design: it excludes 0 exactly
        when the CI of the mean difference does).
    p_adjusted
        The multiplicity-adjusted p-value (Holm across scales, BH across subgroup × scale).
    n
        Matched pairs (paired) or the smaller wave's n (independent).
    design
        Chooses the "too few" wording.
    basis
        Name of the effect size, kept in the result (e.g. ``"d_av"``).
    scale_direction
        What a higher score means on this scale: ``higher_is_better`` (the default),
        ``lower_is_better`` or ``neutral``.
    alpha, min_n
        Significance level; the minimum n for a verdict.

    Examples
    --------
    >>> verdict(0.3, (0.1, 0.5), 0.01, 120, design="paired", basis="d_av").text
    'small improvement, likely real'
    >>> verdict(-0.6, (-1.3, 0.1), 0.09, 25, design="independent", basis="hedges_g").text
    'medium deterioration, could be chance'
    >>> verdict(0.6, (0.3, 0.9), 0.001, 40, design="paired", basis="d_av",
    ...         scale_direction="lower_is_better").text
    'medium deterioration, likely real'
    >>> verdict(-0.6, (-0.9, -0.3), 0.001, 40, design="paired", basis="d_av",
    ...         scale_direction="neutral").text
    'medium decrease, likely real'
    >>> verdict(0.05, (-0.2, 0.3), 0.7, 80, design="paired", basis="d_av").text
    'no clear change'
    >>> verdict(0.9, (0.1, 1.7), 0.02, 6, design="paired", basis="d_av").text
    'too few matched respondents to tell'
    """
    d = scale_direction
    if n < min_n:
        who = "matched respondents" if design == "paired" else "respondents"
        return Verdict(f"too few {who} to tell", None, "none", "too few to tell", effect, basis, d)
    lo, hi = effect_ci
    if not (math.isfinite(effect) and math.isfinite(p_adjusted)):
        text = "cannot tell (no variation in the scores)"
        return Verdict(text, None, "none", "cannot tell", effect, basis, d)
    excludes_zero = math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0)
    real = excludes_zero and p_adjusted < alpha
    certainty: Certainty = "likely real" if real else "could be chance"
    size = magnitude(effect)
    word = change_direction(effect, d)
    if size == "negligible":
        if not real or word == "none":
            return Verdict("no clear change", size, "none", certainty, effect, basis, d)
        text = f"negligible {word} (too small to matter), likely real"
        return Verdict(text, size, word, certainty, effect, basis, d)
    return Verdict(f"{size} {word}, {certainty}", size, word, certainty, effect, basis, d)
