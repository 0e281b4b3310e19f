"""Key messages and rule-based recommendations, derived from the report facts.

Pure functions: facts in, messages out. Each message and recommendation names the figure or table
its evidence is in (``refs`` maps a logical name such as ``"stage_profile"`` to the block id and its
label, e.g. ``("fig-3-1", "Figure 3.1")``); a rule whose evidence is not in the report is skipped.

The recommendations are the model's "review and revise" step (Griggs & Allen 2018, the model for
professional groups): they turn the weakest parts of the profile into actions the group can take
at its next cycle. Thresholds are on the 1-5 agreement scale: a mean below 3.5 is "weak" (members do
not agree on average — the same cut-off the McDermott classification uses); the weakest stage gets
a recommendation unless it reaches 4 ("agree"); a subgroup gap of 0.5 points or more is "notable".
"""

from __future__ import annotations

from cop_eval.report.facts import ReportFacts
from cop_eval.report.filters import fmt_number, fmt_percent, fmt_signed
from cop_eval.report.model import KeyMessage, Recommendation
from cop_eval.report.rules import (
    GAP,
    STAGE_NAMES,
    WEAK,
    Refs,
    changed_scales,
    recommendations,
    stage_mean,
)

__all__ = ["GAP", "STAGE_NAMES", "WEAK", "key_messages", "recommendations"]


# ---------------------------------------------------------------------------------------------
# Key messages
# ---------------------------------------------------------------------------------------------


def _neutral_sentence(facts: ReportFacts) -> str:
    """Reliable changes on neutral scales, each named once (they are not counted above)."""
    moved = [*changed_scales(facts, "increased"), *changed_scales(facts, "decreased")]
    if not moved:
        return ""
    moved.sort(key=lambda pair: -abs(pair[1]))
    parts = [
        f"{s.label} {'rose' if d > 0 else 'fell'} ({fmt_signed(d)} points, "
        f"{s.overall_change.verdict if s.overall_change else ''})"
        for s, d in moved
    ]
    return (
        f" On {'a scale' if len(moved) == 1 else 'scales'} where neither direction is better, "
        + "; ".join(parts)
        + "."
    )


def _chance_sentence(facts: ReportFacts, word: str) -> str:
    """Changes in one direction that are not large or sure enough to count, named."""
    names = [
        s.label
        for s in facts.scales
        if s.overall_change is not None
        and s.overall_change.direction == "unclear"
        and s.overall_change.change == word
    ]
    if not names:
        return ""
    verb = "moves" if len(names) == 1 else "move"
    return f" {', '.join(names)} {verb} that way too, but could be chance."


def _not_compared(facts: ReportFacts) -> str:
    """Scales left out of the counts because no first-to-last comparison may be shown."""
    if len(facts.waves) < 2:
        return ""
    names = [s.label for s in facts.scales if s.overall_change is None]
    if not names:
        return ""
    return f" Not compared (too few respondents in a wave, anonymity rule): {', '.join(names)}."


def improved_first(direction: str) -> bool:
    return direction == "improved"


def _message_no_change(facts: ReportFacts, refs: Refs) -> KeyMessage | None:
    """No first-to-last comparison may be shown: say so rather than saying nothing."""
    if "sec-change" not in refs:
        return None
    ref, label = refs["sec-change"]
    return KeyMessage(
        "Change not shown",
        f"No change between {facts.waves[0]} and {facts.waves[-1]} can be shown: too few "
        "respondents answered one of the waves, or so few answered only one of them that their "
        "scores could be worked out from the wave means (anonymity rule).",
        ref,
        label,
        "neutral",
    )


def _message_change(facts: ReportFacts, refs: Refs, direction: str) -> KeyMessage | None:
    """'What improved' or 'What deteriorated' (or 'No clear improvement' / 'Nothing
    deteriorated'), counted over the scales of the change table that have a good direction.

    Every reliable change appears in exactly one message: improvements in the first,
    deteriorations in the second, changes on neutral scales named in the second (neither
    direction is better, so they are not counted). Scales without a comparison are named.
    """
    if len(facts.waves) < 2:
        return None
    with_change = [s for s in facts.scales if s.overall_change is not None]
    if not with_change:
        return _message_no_change(facts, refs) if improved_first(direction) else None
    if "change_table" not in refs:
        return None
    compared = sum(1 for s in with_change if s.direction != "neutral")
    changed = changed_scales(facts, direction)
    first, last = facts.waves[0], facts.waves[-1]
    ref, label = refs["change_table"]
    improved = direction == "improved"
    word = "improvement" if improved else "deterioration"
    extra = _chance_sentence(facts, word)
    if not improved:
        extra += _neutral_sentence(facts) + _not_compared(facts)
    noun = f"{compared} scale{'s' if compared != 1 else ''}"
    if not changed:
        if improved:
            return KeyMessage(
                "No clear improvement",
                f"None of the {noun} improved reliably between {first} and {last}.{extra}",
                ref,
                label,
                "neutral",
            )
        return KeyMessage(
            "Nothing deteriorated",
            f"None of the {noun} deteriorated reliably between {first} and {last}.{extra}",
            ref,
            label,
            "positive",
        )
    top, diff = changed[0]
    change = top.overall_change
    verdict = f" ({change.verdict})" if change and change.verdict else ""
    names = ", ".join(s.label for s, _ in changed[1:3])
    others = f"; also {names}" if names else ""
    if len(changed) > 3:
        others += f" and {len(changed) - 3} more"
    verb = "improved" if improved else "deteriorated"
    return KeyMessage(
        "What improved" if improved else "What deteriorated",
        f"{len(changed)} of {noun} {verb} reliably between {first} and {last}. The largest "
        f"change was {top.label}: {fmt_signed(diff)} points{verdict}{others}.{extra}",
        ref,
        label,
        "positive" if improved else "negative",
    )


def _message_caution(facts: ReportFacts, refs: Refs) -> KeyMessage | None:
    cautioned = [s for s in facts.scales if s.caution]
    if not cautioned or len(facts.waves) < 2:
        return None
    target = next((k for k in refs if k.startswith("validity_fit_")), "change_table")
    if target not in refs:
        return None
    ref, label = refs[target]
    names = ", ".join(s.label for s in cautioned[:4]) + (
        " and others" if len(cautioned) > 4 else ""
    )
    return KeyMessage(
        "Read some changes with caution",
        f"{names}: the questionnaire did not measure these scales in quite the same way in each "
        "wave (scalar invariance fails), so part of a change in their means may come from how "
        "items were answered rather than from the group.",
        ref,
        label,
        "neutral",
    )


def _message_weakest_stage(facts: ReportFacts, refs: Refs) -> KeyMessage | None:
    stage = facts.weakest_stage
    if stage is None or "stage_profile" not in refs:
        return None
    ref, label = refs["stage_profile"]
    mean = stage_mean(facts, stage)
    others = [
        (m, s.stage)
        for s in facts.stages
        if s.stage != stage and (m := stage_mean(facts, s.stage)) is not None
    ]
    by = ""
    if mean is not None and others:
        # Both numbers as the stage table prints them, not their difference (not in a table).
        nxt, which = min(others)
        by = f"; the next, stage {which}, {fmt_number(nxt)}"
    return KeyMessage(
        "Weakest stage",
        f"Stage {stage}, {STAGE_NAMES.get(stage, '')}, is the weakest part of the model "
        f"(mean {fmt_number(mean)} in {facts.waves[-1]}{by}).",
        ref,
        label,
        "negative",
    )


def _message_identity(facts: ReportFacts, refs: Refs) -> KeyMessage | None:
    if not facts.identity or "identity" not in refs:
        return None
    latest = facts.identity[-1]
    if latest.n_classified == 0:
        return None
    ref, label = refs["identity"]
    parts = ", ".join(
        f"{fmt_percent(share)} {level.lower()}"
        for level, share in zip(latest.levels, latest.shares, strict=True)
    )
    unclassified = f" ({latest.n_unclassified} could not)" if latest.n_unclassified else ""
    if latest.group_clear and latest.group_level:
        group = f" The group is classified as {latest.group_level.lower()}."
    else:
        group = f" The group's level is {latest.group_text}."
    return KeyMessage(
        "Identity strength",
        f"In {latest.label}, {latest.n_classified} respondents could be classified{unclassified}: "
        f"{parts}.{group}",
        ref,
        label,
        "neutral",
    )


def _message_action(recs: tuple[Recommendation, ...], refs: Refs) -> KeyMessage | None:
    if not recs or "recommendations" not in refs:
        return None
    ref, label = refs["recommendations"]
    top = recs[0]
    return KeyMessage("What to act on", f"{top.title}: {top.action}", ref, label, "action")


def key_messages(facts: ReportFacts, refs: Refs) -> tuple[KeyMessage, ...]:
    """Three to five key messages: improved, deteriorated, weakest stage, identity, what to act on.

    Examples
    --------
    >>> key_messages(facts, {"stage_profile": ("fig-3-1", "Figure 3.1")})  # doctest: +SKIP
    """
    recs = recommendations(facts, refs)
    candidates = [
        _message_change(facts, refs, "improved"),
        _message_change(facts, refs, "deteriorated"),
        _message_caution(facts, refs),
        _message_weakest_stage(facts, refs),
        _message_identity(facts, refs),
        _message_action(recs, refs),
    ]
    return tuple(m for m in candidates if m is not None)[:5]


# ---------------------------------------------------------------------------------------------
