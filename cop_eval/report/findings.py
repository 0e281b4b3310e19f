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


def _message_change(facts: ReportFacts, refs: Refs, direction: str) -> KeyMessage | None:
    if "change_table" not in refs or len(facts.waves) < 2:
        return None
    changed = changed_scales(facts, direction)
    compared = sum(1 for s in facts.scales if s.overall_change is not None)
    if compared == 0:
        return None
    first, last = facts.waves[0], facts.waves[-1]
    ref, label = refs["change_table"]
    if not changed:
        if direction == "declined":
            return KeyMessage(
                "Nothing declined",
                f"None of the {compared} scales declined reliably between {first} and {last}.",
                ref,
                label,
                "positive",
            )
        return KeyMessage(
            "No clear improvement",
            f"None of the {compared} scales improved reliably between {first} and {last}.",
            ref,
            label,
            "neutral",
        )
    top, diff = changed[0]
    change = top.overall_change
    verdict = f" ({change.verdict})" if change and change.verdict else ""
    names = ", ".join(s.label for s, _ in changed[1:3])
    others = f"; also {names}" if names else ""
    verb = "improved" if direction == "improved" else "declined"
    return KeyMessage(
        "What improved" if direction == "improved" else "What declined",
        f"{len(changed)} of {compared} scales {verb} between {first} and {last}. The largest "
        f"change was {top.label}: {fmt_signed(diff)} points{verdict}{others}.",
        ref,
        label,
        "positive" if direction == "improved" else "negative",
    )


def _message_weakest_stage(facts: ReportFacts, refs: Refs) -> KeyMessage | None:
    stage = facts.weakest_stage
    if stage is None or "stage_profile" not in refs:
        return None
    ref, label = refs["stage_profile"]
    mean = stage_mean(facts, stage)
    margin = facts.weakest_stage_margin
    by = f", {fmt_number(margin)} points below the next stage" if margin is not None else ""
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
    group = f" The group as a whole sits at {latest.group_level}." if latest.group_level else ""
    return KeyMessage(
        "Identity strength",
        f"In {latest.label}, members describe the group as: {parts}.{group}",
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
    """Three to five key messages: improved, declined, weakest stage, identity, what to act on.

    Examples
    --------
    >>> key_messages(facts, {"stage_profile": ("fig-3-1", "Figure 3.1")})  # doctest: +SKIP
    """
    recs = recommendations(facts, refs)
    candidates = [
        _message_change(facts, refs, "improved"),
        _message_change(facts, refs, "declined"),
        _message_weakest_stage(facts, refs),
        _message_identity(facts, refs),
        _message_action(recs, refs),
    ]
    return tuple(m for m in candidates if m is not None)[:5]


# ---------------------------------------------------------------------------------------------
