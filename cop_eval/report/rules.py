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


def stage_mean(facts: ReportFacts, stage: int) -> float | None:
    for result in facts.stages:
        if result.stage == stage:
            with_mean = [w.mean for w in result.waves if w.mean is not None]
            return with_mean[-1] if with_mean else None
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


_STAGE_ACTIONS = {
    1: (
        "Share ownership of direction and agenda",
        "Ask members to propose and vote on topics for the next cycle, rotate facilitation "
        "between members, and have the sponsor restate how the group links to strategy and "
        "professional standards.",
    ),
    2: (
        "Turn information-giving into knowledge sharing",
        "Replace some presentations with case discussions and peer challenge, pair members across "
        "teams, and invite an outside perspective (another organisation or network) each quarter.",
    ),
    3: (
        "Build structured reflection and follow-up into meetings",
        "Reserve the last 15 minutes of each meeting for reflection, note who will apply what, "
        "check back at the next meeting (closing the loop), and hold sessions in working hours so "
        "everyone has the same chance to take part.",
    ),
}

_FACTOR_ACTIONS = {
    "infrastructure": "Secure access to knowledge and evidence: library, shared drive and IT.",
    "skills": "Provide admin and IT support and build skills such as critical appraisal.",
    "resources": "Find funding and time for pilots and for evaluating what the group changes.",
    "relevance": "Check topics against members' own development and service needs.",
    "commitment": "Agree a realistic attendance and contribution pattern with members.",
    "enthusiasm": "Give members visible roles and celebrate what the group achieved.",
    "membership": "Review who can join, including those who attend but are not members.",
}


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
        if mean is None or not (mean < WEAK or (weakest and mean < STRONG)):
            continue
        title, action = _STAGE_ACTIONS[stage]
        reason = "the weakest stage" if weakest else "below the agreement threshold"
        priority = "high" if weakest and mean < WEAK else "medium"
        why = (
            f"Stage {stage} ({STAGE_NAMES[stage]}) scores {fmt_number(mean)} in "
            f"{facts.waves[-1]}, {reason}."
        )
        rec = _rec(title, action, why, refs, ("stage_profile",), priority, stage)
        if rec:
            out.append(rec)
    return out


def _agenda_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    keys = (
        "strategic_direction_ownership.collective_agenda",
        "le_may_success_factors.commitment",
        "le_may_success_factors.enthusiasm",
    )
    weak = []
    for key in keys:
        scale, mean = facts.scale(key), _scale_latest(facts, key)
        if scale is not None and mean is not None and mean < WEAK:
            weak.append(f"{scale.label.lower()} ({fmt_number(mean)})")
    if not weak:
        return []
    labels = ", ".join(weak)
    rec = _rec(
        "Move from a few voices to collective ownership",
        "Rotate facilitation, let members propose and lead topics, and agree in the group how "
        "content is chosen, so that membership is active rather than passive.",
        f"Low scores on {labels} suggest content is set by a few and most members are passive.",
        refs,
        ("scorecard", "change_table"),
        "medium",
        1,
    )
    return [rec] if rec else []


def _subgroup_rule(facts: ReportFacts, refs: Refs) -> list[Recommendation]:
    sub = facts.subgroups
    if sub is None:
        return []
    out = []
    for index, key in enumerate(sub.scales):
        if not key.endswith(".relevance"):
            continue
        overall = sub.overall[index]
        low = [
            row.group
            for row in sub.rows
            if not row.suppressed
            and row.means[index] is not None
            and overall is not None
            and (row.means[index] <= overall - GAP or row.means[index] < 3.0)  # type: ignore[operator]
        ]
        instrument = key.split(".", 1)[0]
        where = f"heatmap:{instrument}" if f"heatmap:{instrument}" in refs else "heatmap"
        if low:
            rec = _rec(
                "Co-design the agenda with the groups that find it least relevant",
                "Invite " + ", ".join(low) + " to plan the next cycle's topics with the "
                "facilitator, and check relevance again at the next survey.",
                f"Relevance is notably lower for {', '.join(low)} than for the group overall "
                f"({fmt_number(overall)}).",
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
    if scale is None or mean is None or mean >= WEAK or weakest not in _FACTOR_ACTIONS:
        return []
    rec = _rec(
        f"Strengthen the weakest success factor: {scale.label.lower()}",
        _FACTOR_ACTIONS[weakest],
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
    if latest.group_level is None or latest.group_level != latest.levels[0]:
        return []
    rec = _rec(
        "Create room for mutual engagement",
        "Work on shared problems in small groups between meetings so that members learn from "
        "each other rather than from a central source.",
        f"The group as a whole sits at the weak end of the identity continuum "
        f"({latest.group_level}).",
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
    low = sorted(
        {f.scale_label for f in facts.reliability if f.alpha is not None and f.alpha < 0.7}
    )
    if not low:
        return []
    rec = _rec(
        "Treat scales with low reliability with caution",
        "Look at their item statistics (cop-eval reliability DATA --instrument ID) before acting "
        "on them, and consider rewording weak items for the next wave.",
        f"Cronbach's alpha is below .70 for: {', '.join(low[:6])}"
        + (f" and {len(low) - 6} more" if len(low) > 6 else "")
        + ".",
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
