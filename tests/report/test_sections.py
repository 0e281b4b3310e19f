"""Golden checks on the text of each section of the rendered HTML report (sample facts)."""

from __future__ import annotations

import re
from dataclasses import replace

from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import ReportModel


def test_cover_and_contents(text: str, model: ReportModel) -> None:
    assert "HR Professional Group: evaluation 2024-2025" in text
    assert "Survey results, 3 waves: Spring 2024 to Spring 2025" in text
    assert "NHS Example Trust" in text
    assert "Smallest group reported 5 respondents" in text
    titles = [s.title for s in model.sections]
    assert titles == [
        "At a glance",
        "Executive summary",
        "Participation",
        "The three-stage model profile",
        "Success factors and identity strength",
        "Change across waves",
        "Equity between subgroups",
        "Value creation",
        "Sustainability risks",
        "Recommendations: review and revise",
        "Methods and data quality",
        "Do the scales measure the same thing in each wave and group?",
    ]
    assert [s.number for s in model.sections] == list(range(12))
    assert (
        "Contents At a glance 1 Executive summary 2 Participation 3 The three-stage model profile"
        in text
    )


def test_executive_summary_key_messages_point_to_figures(text: str, model: ReportModel) -> None:
    summary = model.sections[1]
    messages = next(b for b in summary.blocks if b.kind == "key_messages").items  # type: ignore[union-attr]
    assert 3 <= len(messages) <= 6
    assert [m.headline for m in messages][:3] == [
        "What improved",
        "What deteriorated",
        "Weakest stage",
    ]
    ids = {getattr(b, "id", None) for s in model.sections for b in s.blocks} | {
        s.id for s in model.sections
    }
    for message in messages:
        assert message.ref in ids
        assert message.ref_label in text
    assert re.search(r"Stage 3, Reflection and transfer of learning, is the weakest part", text)
    assert "What to act on Build structured reflection and follow-up into meetings" in text


def test_participation(text: str) -> None:
    assert "Table 2.1 Responses per wave" in text
    assert "Spring 2024 40 48 83%" in text
    assert "Table 2.2 Responses per role and wave" in text
    assert "Table 2.3 Respondents matched across waves" in text
    assert "Spring 2024 Autumn 2024 40 33 18%" in text


def test_stage_profile_names_weakest_stage_and_draws_the_cycle(
    text: str, model: ReportModel
) -> None:
    section = model.sections[3]
    cycle = section.blocks[1]
    assert cycle.kind == "figure" and cycle.chart.chart == "cycle"  # type: ignore[union-attr]
    assert cycle.chart.centre == "Review and revise"  # type: ignore[union-attr]
    assert cycle.chart.weakest == 2  # type: ignore[union-attr]
    assert (
        "The weakest stage in Spring 2025 is stage 3, Reflection and transfer of learning" in text
    )
    assert "Table 3.1 Stage scores per wave" in text


def test_factors_and_identity(text: str) -> None:
    assert "Figure 4.1 Success-factor scorecard per wave" in text
    assert "Figure 4.2 Identity strength: members classified at each level" in text
    assert "Table 4.2 Members classified at each level of the identity continuum" in text
    assert "In Spring 2025 the strongest factor is Membership" in text


def test_change_across_waves(text: str) -> None:
    assert (
        "Table 5.1 Change from Spring 2024 to Spring 2025 per scale, and since Autumn 2024" in text
    )
    assert "Effect size: d_z (see Methods). p adjusted with Holm's method" in text
    assert "Reliable change among matched members" in text
    assert "Mixed model (random intercept per member, REML): converged with lbfgs." in text


def test_subgroups_and_recommendations(text: str) -> None:
    assert "Does the group work equally well for everyone? Each role is compared" in text
    assert "2 groups are hidden" in text
    assert "Figure 6.1 CoP success factors (le May) by role, Spring 2025" in text
    assert "Recommendations: review and revise" in text
    assert "Build structured reflection and follow-up into meetings" in text
    assert "HIGH PRIORITY" in text.upper()


def test_methods_appendix(text: str, facts: ReportFacts) -> None:
    assert "Table 10.1 Questionnaires used" in text
    assert "seed-derived" in text
    assert "Reliability per scale: Cronbach's α per wave, beside published values" in text
    assert "Table 10.3 What was read from each file" in text
    for heading in ("Statistical methods", "Limitations", "References"):
        assert heading in text
    assert "Volunteer bias" in text and "Leader-led surveys" in text
    assert "Jacobson, N. S. and Truax, P. (1991)" in text
    assert facts.warnings[0] in text


def test_cycle_always_shows_three_stages_and_marks_unmeasured_ones() -> None:
    from cop_eval.report.compose import compose_report
    from tests.report.sample_facts import sample_facts

    facts = sample_facts(instrument_ids=("reflection",))
    facts = replace(facts, stages=tuple(s for s in facts.stages if s.stage == 3))
    cycle = compose_report(facts).sections[3].blocks[1].chart  # type: ignore[union-attr]
    assert cycle.stages[2] == "Reflection and transfer of learning"  # type: ignore[union-attr]
    assert cycle.measured == (False, False, True)  # type: ignore[union-attr]
    assert cycle.weakest == 2  # type: ignore[union-attr]
