"""Rule-based recommendations: the model's "review and revise" step, derived from report facts.

Each rule is a pure function of the facts. A recommendation names the figure or table its
evidence is in (``refs`` maps a logical name such as ``"stage_profile"`` to the block id and its
label, e.g. ``("fig-3-1", "Figure 3.1")``); a rule whose evidence is not in the report is skipped.
Thresholds are on the 1-5 agreement scale: a mean below 3.5 is "weak" (members do not agree on
average — the same cut-off the McDermott classification uses); the weakest stage gets a
recommendation unless it reaches 4 ("agree"); a subgroup gap of 0.5 points or more is "notable".

References
----------
.. [1] Griggs, V. and Allen, J. (2018). The value of an HR professional group for organizational
   learning. International Journal of HRD Practice, Policy and Research 3(1), 43-57.
.. [2] le May, A. (ed.) (2009). Communities of Practice in Health and Social Care. Wiley-Blackwell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cop_eval.report.advice import FACTOR_ACTIONS, STAGE_ACTIONS
from cop_eval.report.facts import ReportFacts, ScaleResult
from cop_eval.report.filters import fmt_number, fmt_percent
from cop_eval.report.model import Recommendation

__all__ = [
    "GAP",
    "LOW_RESPONSE_RATE",
    "RULES",
    "STAGE_NAMES",
    "STRONG",
    "WEAK",
    "Refs",
    "changed_scales",
    "recommendations",
    "shown",
    "shown_difference",
    "stage_mean",
]

STAGE_NAMES = {
    1: "Strategic direction and ownership",
    2: "Professional identity and knowledge sharing",
    3: "Reflection and transfer of learning",
}
WEAK = 3.5
STRONG = 4.0
GAP = 0.5
LOW_RESPONSE_RATE = 0.5

Refs = Mapping[str, tuple[str, str]]


def shown(value: float) -> float:
    """A value as the report prints it (two decimals): rules compare what the reader sees, so a
    mean printed as 3.50 is not "below 3.5"."""
    return float(Decimal(f"{value:.2f}"))


def shown_difference(a: float, b: float) -> float:
    """``a - b`` on the values as the report prints them (two decimals), so that a sentence's
    difference is the difference of the table's numbers."""
    return float(Decimal(f"{a:.2f}") - Decimal(f"{b:.2f}"))


def stage_mean(facts: ReportFacts, stage: int) -> float | None:
    """The stage's mean in the last wave (the wave the sentences name), or None when that wave
    has none (not measured, or hidden): an earlier wave's mean is never quoted as the last's."""
    for result in facts.stages:
        if result.stage == stage and result.waves:
            return result.waves[-1].mean
    return None


def changed_scales(facts: ReportFacts, direction: str) -> list[tuple[ScaleResult, float]]:
    """Scales whose headline change is ``direction`` (improved, deteriorated, increased or
    decreased), largest change first."""
    found = []
    for scale in facts.scales:
        change = scale.overall_change
        if change is not None and change.direction == direction and change.mean_diff is not None:
            found.append((scale, change.mean_diff))
    found.sort(key=lambda pair: -abs(pair[1]))
    return found


def _scale_latest(facts: ReportFacts, key: str) -> float | None:
    scale = facts.scale(key)
    latest = scale.latest if scale else None
    return latest.mean if latest else None


@dataclass(frozen=True)
class _Rule:
    name: str
    apply: Callable[[ReportFacts, Refs], list[Recommendation]]


def _rec(
    title: str,
    action: str,
    why: str,
    refs: Refs,
    names: tuple[str, ...],
    priority: str = "medium",
    stage: int | None = None,
) -> Recommendation | None:
    present = [refs[n] for n in names if n in refs]
    if not present:
        return None
    return Recommendation(
        title=title,
        action=action,
        why=why,
        refs=tuple(r[0] for r in present),
        ref_labels=tuple(r[1] for r in present),
        priority=priority,  # type: ignore[arg-type]
        stage=stage,
    )


def _stage_rules(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    out = []
    for stage in (1, 2, 3):
        mean = stage_mean(facts, stage)
        weakest = facts.weakest_stage == stage
        if mean is None or not (shown(mean) < WEAK or (weakest and shown(mean) < STRONG)):
            continue
        title, action = STAGE_ACTIONS[stage]
        reason = "the weakest stage" if weakest else "below the agreement threshold"
        priority = "high" if weakest and shown(mean) < WEAK else "medium"
        why = (
            f"Stage {stage} ({STAGE_NAMES[stage]}) scores {fmt_number(mean)} in "
            f"{facts.waves[-1]}, {reason}."
        )
        rec = _rec(title, action, why, refs, ("stage_profile",), priority, stage)
        if rec:
            out.append(rec)
    return out


def _agreement(scale: ScaleResult) -> tuple[float, float]:
    """The scale's midpoint and its agreement threshold (3 and 3.5 on 1-5), from its own range."""
    span = scale.scale_max - scale.scale_min
    return scale.scale_min + span / 2, scale.scale_min + 0.625 * span


def _agenda_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    """Collective agenda, commitment and enthusiasm short of agreement: a few voices set content.

    Wording follows the level: below the scale's midpoint a score is "low" (members disagree on
    average); between the midpoint and the agreement threshold it only "falls short of
    agreement" — a mid-ranked factor above the midpoint is not called low.
    """
    keys = (
        "strategic_direction_ownership.collective_agenda",
        "le_may_success_factors.commitment",
        "le_may_success_factors.enthusiasm",
    )
    low, short = [], []
    for key in keys:
        scale, mean = facts.scale(key), _scale_latest(facts, key)
        if scale is None or mean is None:
            continue
        midpoint, agree = _agreement(scale)
        if shown(mean) < midpoint:
            low.append(f"{scale.label.lower()} ({fmt_number(mean)})")
        elif shown(mean) < agree:
            short.append(f"{scale.label.lower()} ({fmt_number(mean)})")
    if not (low or short):
        return []
    parts = []
    if low:
        parts.append(f"members disagree on average on {', '.join(low)}")
    if short:
        parts.append(
            f"{', '.join(short)} {'falls' if len(short) == 1 else 'fall'} short of agreement"
        )
    rec = _rec(
        "Move from a few voices to collective ownership",
        "Rotate facilitation, let members propose and lead topics, and agree in the group how "
        "content is chosen, so that membership is active rather than passive.",
        f"In {facts.waves[-1]}, " + "; ".join(parts) + ": content may be set by a few while "
        "most members stay passive.",
        refs,
        ("scale_means", "scorecard"),
        "medium" if low else "low",
        1,
    )
    return [rec] if rec else []


def _relevance_why(gap: list[str], short: list[str], overall: float) -> str:
    """Why the relevance advice names these groups: a notable gap, or a mean below the midpoint
    (a group only below the midpoint is not called "notably lower")."""
    parts = []
    if gap:
        parts.append(
            f"Relevance is notably lower for {', '.join(gap)} than for the group overall "
            f"({fmt_number(overall)})"
        )
    if short:
        verb = "is" if len(short) == 1 else "are"
        parts.append(
            f"{', '.join(short)} {verb} below the midpoint of the relevance scale (3)"
            if gap
            else f"Relevance for {', '.join(short)} is below the midpoint of the scale (3)"
        )
    return "; ".join(parts) + "."


def _subgroup_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    sub = facts.subgroups
    if sub is None:
        return []
    out = []
    for index, key in enumerate(sub.scales):
        if not key.endswith(".relevance"):
            continue
        overall = sub.overall[index]
        shown = [
            (row.group, mean)
            for row in sub.rows
            if not row.suppressed and (mean := row.means[index]) is not None
        ]
        if overall is None:
            continue
        gap = [g for g, m in shown if m <= overall - GAP]
        short = [g for g, m in shown if m < 3.0 and g not in gap]  # below the midpoint only
        low = gap + short
        instrument = key.split(".", 1)[0]
        where = f"heatmap:{instrument}" if f"heatmap:{instrument}" in refs else "heatmap"
        if low:
            rec = _rec(
                "Co-design the agenda with the groups that find it least relevant",
                "Invite " + ", ".join(low) + " to plan the next cycle's topics with the "
                "facilitator, and check relevance again at the next survey.",
                _relevance_why(gap, short, overall),
                refs,
                (where,),
                "high",
                1,
            )
            if rec:
                out.append(rec)
    return out


def _deterioration_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    worse = changed_scales(facts, "deteriorated")
    if not worse:
        return []
    names = ", ".join(s.label for s, _ in worse[:4])
    if len(worse) > 4:
        names += f" and {len(worse) - 4} more"
    rec = _rec(
        "Find out what changed where results deteriorated",
        "Discuss these results with members at the next meeting, ask what changed (format, "
        "timing, membership, workload) and agree one change to try.",
        f"Results deteriorated between {facts.waves[0]} and {facts.waves[-1]} on: {names}.",
        refs,
        ("change_table", "trend"),
        "high",
    )
    return [rec] if rec else []


def _factor_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    weakest = facts.factor_weakest
    if weakest is None or facts.factor_tie:
        return []
    key = f"le_may_success_factors.{weakest}"
    scale = facts.scale(key)
    mean = _scale_latest(facts, key)
    if scale is None or mean is None or shown(mean) >= WEAK or weakest not in FACTOR_ACTIONS:
        return []
    rec = _rec(
        f"Strengthen the weakest success factor: {scale.label.lower()}",
        FACTOR_ACTIONS[weakest],
        f"{scale.label} is the weakest of le May's success factors ({fmt_number(mean)}).",
        refs,
        ("scorecard",),
        "medium",
    )
    return [rec] if rec else []


def _identity_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    if not facts.identity:
        return []
    latest = facts.identity[-1]
    if not latest.group_clear or latest.group_level != latest.levels[0]:
        return []  # "too close to call" is no ground for advice
    rec = _rec(
        "Create room for mutual engagement",
        "Work on shared problems in small groups between meetings so that members learn from "
        "each other rather than from a central source.",
        f"The group as a whole is classified at the weak end of the identity continuum "
        f"({latest.group_level.lower()}).",
        refs,
        ("identity",),
        "medium",
        2,
    )
    return [rec] if rec else []


def _response_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    found = facts.latest_response_rate()
    if found is None or found[0] >= LOW_RESPONSE_RATE:
        return []
    rate = found[0]
    rec = _rec(
        "Widen participation in the next survey",
        "Give time in a meeting to complete the survey and have someone other than the group's "
        "leader send it, so that quieter members answer too.",
        f"Only {fmt_percent(rate)} of members answered in {facts.waves[-1]}; the views of those "
        "who did not may differ.",
        refs,
        ("response_rates",) if "response_rates" in refs else ("participation",),
        "low",
    )
    return [rec] if rec else []


def _reliability_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    """Scales whose alpha is below .70: clearly (the interval lies below) or uncertain."""
    low = [f for f in facts.reliability if f.alpha is not None and f.alpha < 0.7]
    below = sorted({f.scale_label for f in low if f.alpha_hi is None or f.alpha_hi < 0.7})
    unsure = sorted({f.scale_label for f in low} - set(below))
    if not low:
        return []

    def listed(names: list[str]) -> str:
        return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")

    parts = []
    if below:
        parts.append(f"Cronbach's α is below .70 for {listed(below)}")
    if unsure:
        parts.append(
            f"α is uncertain (below .70, but its interval reaches .70) for {listed(unsure)}"
        )
    rec = _rec(
        "Treat scales with low reliability with caution"
        if below
        else "Watch uncertain reliability",
        "Look at their item statistics (the reliability table of the methods) before acting "
        "on them, and consider rewording weak items for the next wave.",
        "; ".join(parts) + ".",
        refs,
        ("reliability",),
        "low",
    )
    return [rec] if rec else []


RULES = (
    _Rule("stage", _stage_rules),
    _Rule("deterioration", _deterioration_rule),
    _Rule("subgroup_relevance", _subgroup_rule),
    _Rule("agenda", _agenda_rule),
    _Rule("factor", _factor_rule),
    _Rule("identity", _identity_rule),
    _Rule("response_rate", _response_rule),
    _Rule("reliability", _reliability_rule),
)
_ORDER = {"high": 0, "medium": 1, "low": 2}


def recommendations(facts: ReportFacts, refs: Refs) -> tuple[Recommendation, ...]:
    """Apply every rule; return the recommendations, high priority first.

    When no rule fires, one recommendation keeps the cycle going (review again next wave).
    """
    found: list[Recommendation] = []
    for rule in RULES:
        found.extend(rule.apply(facts, refs))
    found.sort(key=lambda r: _ORDER[r.priority])
    if not found:
        keep = _rec(
            "Keep the cycle going",
            "Share these results with members, agree what to keep doing, and survey again in "
            "six to twelve months to review and revise.",
            "No stage, factor or subgroup fell below the thresholds used in this report.",
            refs,
            ("stage_profile", "scorecard", "change_table"),
            "low",
        )
        if keep:
            found.append(keep)
    return tuple(found)
