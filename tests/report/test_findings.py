"""Key messages and recommendation rules (cop_eval.report.findings)."""

from __future__ import annotations

from dataclasses import replace

from cop_eval.report.facts import (
    ReportFacts,
    ScaleResult,
    StageResult,
    SubgroupFacts,
    SubgroupRow,
    WaveStat,
)
from cop_eval.report.findings import key_messages, recommendations

REFS = {
    "stage_profile": ("fig-3-1", "Figure 3.1"),
    "change_table": ("tab-5-1", "Table 5.1"),
    "scorecard": ("fig-4-1", "Figure 4.1"),
    "identity": ("fig-4-2", "Figure 4.2"),
    "heatmap": ("fig-6-1", "Figure 6.1"),
    "participation": ("tab-2-1", "Table 2.1"),
    "reliability": ("tab-8-2", "Table 8.2"),
    "recommendations": ("sec-recommendations", "Section 7"),
}


def _stages(means: tuple[float, float, float]) -> tuple[StageResult, ...]:
    return tuple(
        StageResult(k + 1, f"Stage {k + 1}", (), (WaveStat("W1", 30, m),))
        for k, m in enumerate(means)
    )


def _plain(facts: ReportFacts) -> ReportFacts:
    """Facts with nothing weak: strong stages, no subgroups, no changes, good reliability."""
    return replace(
        facts,
        waves=("W1",),
        scales=tuple(replace(s, comparisons=()) for s in facts.scales if s.stage is not None)[:0],
        stages=_stages((4.2, 4.1, 4.0)),
        weakest_stage=3,
        weakest_stage_margin=0.1,
        factor_weakest=None,
        identity=(),
        subgroups=None,
        participation=None,
        reliability=(),
    )


def test_weak_stage_three_leads_to_structured_reflection(facts: ReportFacts) -> None:
    recs = recommendations(facts, REFS)
    first = recs[0]
    assert first.priority == "high" and first.stage == 3
    assert first.title == "Build structured reflection and follow-up into meetings"
    assert "closing the loop" in first.action
    assert first.refs == ("fig-3-1",) and first.ref_labels == ("Figure 3.1",)
    assert [r.priority for r in recs] == sorted(
        (r.priority for r in recs), key=["high", "medium", "low"].index
    )


def test_low_relevance_in_a_visible_subgroup_means_co_design(facts: ReportFacts) -> None:
    sub = SubgroupFacts(
        "role",
        "W3",
        ("le_may_success_factors.relevance",),
        ("Relevance",),
        (
            SubgroupRow("Trainers", 8, (2.6,)),
            SubgroupRow("HR", 20, (3.9,)),
            SubgroupRow("Admin", None, (None,), True),
        ),
        (3.6,),
        5,
        1,
    )
    recs = recommendations(replace(facts, subgroups=sub), REFS)
    co = [r for r in recs if r.title.startswith("Co-design the agenda")]
    assert len(co) == 1
    assert "Trainers" in co[0].action and "HR" not in co[0].action.replace("Trainers", "")
    assert "Admin" not in co[0].action and co[0].refs == ("fig-6-1",)
    refs = {**REFS, "heatmap:le_may_success_factors": ("fig-6-5", "Figure 6.5")}
    co = [r for r in recommendations(replace(facts, subgroups=sub), refs) if "Co-design" in r.title]
    assert co[0].refs == ("fig-6-5",) and co[0].ref_labels == ("Figure 6.5",)


def test_relevance_below_the_midpoint_is_not_called_notably_lower(facts: ReportFacts) -> None:
    """Issue 12, item 4: a group at 2.9 against 3.2 overall (a gap under 0.5) is named because it
    is below the midpoint, and the reason says so rather than 'notably lower'."""
    rows = (SubgroupRow("Trainers", 8, (2.9,)), SubgroupRow("HR", 20, (3.3,)))
    sub = SubgroupFacts("role", "W3", ("x.relevance",), ("Relevance",), rows, (3.2,), 5, 1)
    (co,) = [
        r for r in recommendations(replace(facts, subgroups=sub), REFS) if "Co-design" in r.title
    ]
    assert co.why == "Relevance for Trainers is below the midpoint of the scale (3)."
    rows = (*rows, SubgroupRow("OD", 9, (2.5,)))
    sub = replace(sub, rows=rows, overall=(3.1,))
    (co,) = [
        r for r in recommendations(replace(facts, subgroups=sub), REFS) if "Co-design" in r.title
    ]
    assert co.why.startswith("Relevance is notably lower for OD than for the group overall (3.10)")
    assert co.why.endswith("; Trainers is below the midpoint of the relevance scale (3).")


def test_collective_agenda_rule_names_the_scales(facts: ReportFacts) -> None:
    recs = recommendations(facts, REFS)
    agenda = next(r for r in recs if r.title == "Move from a few voices to collective ownership")
    assert "collective agenda and ownership" in agenda.why
    assert "Rotate facilitation" in agenda.action


def test_nothing_weak_keeps_the_cycle_going(facts: ReportFacts) -> None:
    recs = recommendations(_plain(facts), REFS)
    assert [r.title for r in recs] == ["Keep the cycle going"]


def test_key_messages_are_three_to_five_and_traceable(facts: ReportFacts) -> None:
    messages = key_messages(facts, REFS)
    assert 3 <= len(messages) <= 5
    assert {m.ref for m in messages} <= {v[0] for v in REFS.values()}
    weakest = next(m for m in messages if m.headline == "Weakest stage")
    assert weakest.ref == "fig-3-1" and "Stage 3" in weakest.text


def test_a_rule_without_its_evidence_in_the_report_is_skipped(facts: ReportFacts) -> None:
    refs = {k: v for k, v in REFS.items() if k != "stage_profile"}
    recs = recommendations(facts, refs)
    assert all(r.stage != 3 or "fig-3-1" not in r.refs for r in recs)
    assert not any(r.title.startswith("Build structured reflection") for r in recs)
    assert not any(m.headline == "Weakest stage" for m in key_messages(facts, refs))


def test_a_fall_on_a_neutral_scale_is_named_not_counted(facts: ReportFacts) -> None:
    """A neutral scale (the weak end of the continuum) that fell is neither good nor bad news."""
    worse = [
        s for s in facts.scales if s.overall_change and s.overall_change.direction == "deteriorated"
    ]
    assert worse, "the sample facts should contain a deterioration"
    before = next(m for m in key_messages(facts, REFS) if m.headline == "What deteriorated")
    assert worse[0].label in before.text
    keys = {s.key for s in worse}

    def neutral(s: ScaleResult) -> ScaleResult:
        if s.key not in keys:
            return s
        comparisons = tuple(
            replace(
                c, direction="decreased", verdict=c.verdict.replace("deterioration", "decrease")
            )
            if c.direction == "deteriorated"
            else c
            for c in s.comparisons
        )
        return replace(s, direction="neutral", comparisons=comparisons)

    flipped = replace(facts, scales=tuple(neutral(s) for s in facts.scales))
    messages = {m.headline: m for m in key_messages(flipped, REFS)}
    assert "What deteriorated" not in messages
    nothing = messages["Nothing deteriorated"]
    assert nothing.tone == "positive"
    assert (
        f"{worse[0].label} fell" in nothing.text and "neither direction is better" in nothing.text
    )


def _with_latest(facts: ReportFacts, means: dict[str, float]) -> ReportFacts:
    def level(s: ScaleResult) -> ScaleResult:
        if s.key not in means:
            return s
        waves = (*s.waves[:-1], replace(s.waves[-1], mean=means[s.key]))
        return replace(s, waves=waves)

    return replace(facts, scales=tuple(level(s) for s in facts.scales))


def test_a_factor_above_the_midpoint_is_not_called_low(facts: ReportFacts) -> None:
    """Issue 12: enthusiasm at 3.39 (above the midpoint 3, below agreement 3.5) is 'short of
    agreement', collective agenda at 2.73 (below the midpoint) is where members disagree."""
    facts = _with_latest(
        facts,
        {
            "strategic_direction_ownership.collective_agenda": 2.73,
            "le_may_success_factors.enthusiasm": 3.39,
            "le_may_success_factors.commitment": 3.499,  # printed 3.50: not short of agreement
        },
    )
    recs = recommendations(facts, {**REFS, "scale_means": ("tab-5-2", "Table 5.2")})
    agenda = next(r for r in recs if r.title == "Move from a few voices to collective ownership")
    assert "members disagree on average on collective agenda and ownership (2.73)" in agenda.why
    assert "enthusiasm (3.39) falls short of agreement" in agenda.why
    assert "commitment" not in agenda.why and "Low" not in agenda.why
    assert agenda.refs[0] == "tab-5-2"


def test_profile_margins_print_as_the_tables_do(facts: ReportFacts) -> None:
    """The weakest-stage message quotes the two stage means as printed, not their difference."""
    facts = replace(facts, stages=_stages((3.514, 3.56, 3.205)), weakest_stage=3)
    weakest = next(m for m in key_messages(facts, REFS) if m.headline == "Weakest stage")
    assert "(mean 3.21 in" in weakest.text and "the next, stage 1, 3.51)" in weakest.text


def test_identity_advice_needs_a_clear_classification(facts: ReportFacts) -> None:
    """'Create room for mutual engagement' is given when the group is classified at the weak end
    of the continuum, not when the level is too close to call (issue 12, item 3)."""
    latest = replace(facts.identity[-1], group_level="Interest group")
    clear = replace(facts, identity=(*facts.identity[:-1], latest))
    (rec,) = [r for r in recommendations(clear, REFS) if r.title.startswith("Create room")]
    assert "is classified at the weak end" in rec.why and "(interest group)" in rec.why
    close = replace(clear, identity=(*facts.identity[:-1], replace(latest, group_clear=False)))
    assert not [r for r in recommendations(close, REFS) if r.title.startswith("Create room")]


def test_a_stage_mean_is_quoted_only_for_the_wave_it_names(facts: ReportFacts) -> None:
    """Stage 2 was measured in W1 only: the sentences, which name the last wave, do not quote
    its W1 mean as if it were the last wave's (issue 12: figures in sentences are true)."""
    stages = tuple(
        StageResult(k, f"Stage {k}", (), (WaveStat("W1", 30, m1), WaveStat("W2", n2, m2)))
        for k, m1, n2, m2 in ((1, 3.9, 30, 3.8), (2, 2.1, 0, None), (3, 3.6, 30, 3.4))
    )
    plain = replace(_plain(facts), waves=("W1", "W2"), stages=stages, weakest_stage=3)
    texts = [r.why for r in recommendations(plain, REFS)]
    texts += [m.text for m in key_messages(plain, REFS)]
    assert not any("2.10" in t for t in texts), texts
    weakest = next(m for m in key_messages(plain, REFS) if m.headline == "Weakest stage")
    assert "mean 3.40 in W2; the next, stage 1, 3.80" in weakest.text
