"""The dashboard's status rules: strength, watch or concern, from declared thresholds.

The rules are declared per instrument (``status_rules`` in its YAML,
:class:`~cop_eval.instruments.StatusRules`); a threshold left out takes its default from the
response scale. For a scale whose higher scores are better:

- **concern** when the latest mean is below ``concern`` (default: the scale's midpoint, 3 on 1-5),
  or, when ``decline_is_concern``, when the change since the previous wave is a deterioration the
  verdict calls likely real;
- **strength** when the latest mean is at least ``strength`` (default: three quarters up the
  scale, 4 on 1-5) and it did not deteriorate reliably;
- **watch** otherwise.

A lower-is-better scale uses the mirror image of each threshold (``min + max - value``); a neutral
scale gets no status. A respondent is *favourable* on a scale when their score is at least
``favourable`` (default 3.5 on 1-5: nearer "agree" than "neither"), mirrored likewise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from cop_eval.instruments import ResponseScale, StatusRules
from cop_eval.report.filters import fmt_number

__all__ = ["DETERIORATED", "Rules", "Status", "StatusResult", "resolve_rules", "status_of"]

Status = Literal["strength", "watch", "concern", "none"]
Direction = Literal["higher_is_better", "lower_is_better", "neutral"]

#: The change words (report facts) that mean "got worse, likely real".
DETERIORATED = frozenset({"deteriorated", "declined"})


@dataclass(frozen=True)
class Rules:
    """Status rules with every threshold resolved, read as if higher were better."""

    strength: float
    concern: float
    favourable: float
    decline_is_concern: bool
    scale_min: float
    scale_max: float
    declared: tuple[str, ...] = ()

    def mirror(self, value: float) -> float:
        return self.scale_min + self.scale_max - value

    def favourable_mask(
        self, x: npt.NDArray[np.float64], direction: Direction
    ) -> npt.NDArray[np.bool_]:
        """Which finite scores are favourable (lower-is-better scales: at or below the mirror)."""
        if direction == "lower_is_better":
            return np.asarray(x <= self.mirror(self.favourable))
        return np.asarray(x >= self.favourable)

    def describe(self, title: str) -> str:
        """The rules in one sentence, for the methods appendix."""
        source = (
            f"declared in the instrument ({', '.join(self.declared)})"
            if self.declared
            else "the defaults for its response scale"
        )
        decline = (
            "; a deterioration since the previous wave that is likely real is a concern whatever "
            "the level"
            if self.decline_is_concern
            else ""
        )
        return (
            f"{title}: strength at a mean of {fmt_number(self.strength)} or more, concern below "
            f"{fmt_number(self.concern)}, watch in between{decline}; favourable means a score of "
            f"{fmt_number(self.favourable)} or more ({source}; mirrored for a lower-is-better "
            "scale, no status for a neutral one)."
        )


def resolve_rules(rules: StatusRules, rs: ResponseScale) -> Rules:
    """Fill in the defaults of an instrument's status rules from its response scale.

    Examples
    --------
    >>> from cop_eval.instruments import load_instrument
    >>> inst = load_instrument("reflection")
    >>> r = resolve_rules(inst.status_rules, inst.response_scale)
    >>> r.strength, r.concern, r.favourable
    (4.0, 3.0, 3.5)
    """
    lo, hi = float(rs.min), float(rs.max)
    span = hi - lo
    declared = tuple(
        f"{key} {fmt_number(value)}"
        for key in ("strength", "concern", "favourable")
        if (value := getattr(rules, key)) is not None
    )
    if not rules.decline_is_concern:
        declared = (*declared, "a decline alone is not a concern")
    return Rules(
        strength=rules.strength if rules.strength is not None else lo + 0.75 * span,
        concern=rules.concern if rules.concern is not None else lo + 0.5 * span,
        favourable=rules.favourable if rules.favourable is not None else lo + 0.625 * span,
        decline_is_concern=rules.decline_is_concern,
        scale_min=lo,
        scale_max=hi,
        declared=declared,
    )


@dataclass(frozen=True)
class StatusResult:
    """A status and the reason, in words, that the dashboard prints beside it."""

    status: Status
    reason: str


def status_of(
    mean: float | None,
    direction: Direction,
    rules: Rules,
    *,
    change_since_previous: str | None = None,
    previous_label: str | None = None,
) -> StatusResult:
    """The dashboard status of one scale (or stage) from its latest mean and latest change.

    Parameters
    ----------
    mean
        The latest mean (``None``: not shown, e.g. suppressed).
    direction
        The scale's direction.
    rules
        The resolved rules of its instrument.
    change_since_previous
        The change word of the comparison with the previous wave (``"deteriorated"``,
        ``"improved"``, ``"no_change"``, ...), if there is one.
    previous_label
        The previous wave's label, for the reason.

    Examples
    --------
    >>> from cop_eval.instruments import load_instrument
    >>> rules = resolve_rules(load_instrument("reflection").status_rules,
    ...                       load_instrument("reflection").response_scale)
    >>> status_of(4.2, "higher_is_better", rules).status
    'strength'
    >>> status_of(4.2, "higher_is_better", rules, change_since_previous="deteriorated",
    ...           previous_label="Sep 2025").reason
    'fell reliably since Sep 2025'
    >>> status_of(1.8, "lower_is_better", rules).status
    'strength'
    """
    if mean is None:
        return StatusResult("none", "not shown")
    if direction == "neutral":
        return StatusResult("none", "neutral scale")
    lower = direction == "lower_is_better"
    # Judge the mean as printed (two decimals), so that the reason agrees with the figure.
    mean = round(mean, 2)
    strength = rules.mirror(rules.strength) if lower else rules.strength
    concern = rules.mirror(rules.concern) if lower else rules.concern
    fell = rules.decline_is_concern and change_since_previous in DETERIORATED
    if fell:
        verb = "rose" if lower else "fell"
        since = f" since {previous_label}" if previous_label else ""
        return StatusResult("concern", f"{verb} reliably{since}")
    if (mean > concern) if lower else (mean < concern):
        side = "above" if lower else "below"
        return StatusResult("concern", f"{side} {fmt_number(concern)}")
    if (mean <= strength) if lower else (mean >= strength):
        side = "at or below" if lower else "at or above"
        return StatusResult("strength", f"{side} {fmt_number(strength)}")
    low, high = sorted((concern, strength))
    return StatusResult("watch", f"{fmt_number(low)} to {fmt_number(high)}")
