"""Sections 2-4 of the report: participation, the three-stage model profile, success factors and
identity strength."""

from __future__ import annotations

from cop_eval.report.facts import ReportFacts, ScaleResult
from cop_eval.report.filters import fmt_number
from cop_eval.report.findings import STAGE_NAMES
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    CycleDiagram,
    DotPlot,
    Paragraph,
    Row,
    Section,
    Series,
    StackedBars,
)
from cop_eval.report.numbering import Numbering, wave_stat_columns, wave_stat_rows
from cop_eval.report.sections_cycle import attendance_blocks, membership_blocks

__all__ = ["LE_MAY", "factors_section", "participation_section", "stages_section"]

LE_MAY = "le_may_success_factors"


# ---------------------------------------------------------------------------------------------
# 2 Participation
# ---------------------------------------------------------------------------------------------


def participation_section(facts: ReportFacts, num: Numbering) -> Section:
    """Responses per wave and subgroup, response rates, matched respondents and attrition."""
    part = facts.participation
    blocks: list[Block] = []
    if part is None:
        blocks.append(Paragraph("No participation figures are available."))
        return Section("sec-participation", num.section, "Participation", tuple(blocks))
    cycle = facts.cycle
    from_project = (
        cycle is not None and cycle.participation is not None and (cycle.participation.has_members)
    )
    has_members = not from_project and any(m is not None for m in part.members)
    columns = [Column("Wave"), Column("Responses", "int")]
    if has_members:
        columns += [Column("Members", "int"), Column("Response rate", "percent")]
    rows = []
    for wave, responses, members in zip(part.waves, part.responses, part.members, strict=True):
        cells = [Cell(wave), Cell(responses)]
        if has_members:
            rate = responses / members if members else None
            cells += [Cell(members), Cell(rate)]
        rows.append(Row(tuple(cells)))
    blocks.append(
        Paragraph(
            f"The survey ran in {len(part.waves)} wave{'s' if len(part.waves) != 1 else ''}. "
            "A high response rate matters: people who answer a survey run by the group's own "
            "leaders may be its keenest members, so low rates make results look better than "
            "they are.",
            "lead",
        )
    )
    blocks.append(
        num.table(
            "participation",
            "Responses per wave",
            tuple(columns),
            tuple(rows),
            caption=None
            if has_members or from_project
            else "Response rates need the membership of each wave (cop-eval members set, or "
            "--members N).",
        )
    )
    if cycle is not None:
        blocks.extend(membership_blocks(cycle, num, part.group_column or "subgroup"))
    if part.groups:
        group_cols = (
            Column(part.group_column or "Subgroup"),
            *tuple(Column(w, "int") for w in part.waves),
        )
        with_members = not from_project and any(m is not None for m in part.group_members)
        if with_members:
            group_cols += (
                Column("Members", "int"),
                Column(f"Response rate {part.waves[-1]}", "percent"),
            )
        group_rows = []
        for index, group in enumerate(part.groups):
            counts = part.group_counts[index]
            cells = [Cell(group)] + [
                Cell.hidden() if count is None else Cell(count) for count in counts
            ]
            if with_members:
                member = part.group_members[index] if index < len(part.group_members) else None
                latest = counts[-1]
                cells.append(Cell(member))
                if latest is None:
                    cells.append(Cell.hidden())
                else:
                    cells.append(Cell(latest / member if member else None))
            group_rows.append(Row(tuple(cells)))
        blocks.append(
            num.table(
                "participation_groups",
                f"Responses per {part.group_column or 'subgroup'} and wave",
                group_cols,
                tuple(group_rows),
                notes=(
                    f"Counts below {facts.min_group_size} are suppressed, and so is the "
                    "next-smallest count in the same wave, so that a hidden group cannot be "
                    "worked out from the total.",
                ),
            )
        )
    if part.matched:
        match_rows = []
        for first, second, matched in part.matched:
            base = part.responses[part.waves.index(first)] if first in part.waves else None
            attrition = 1 - matched / base if base else None
            match_rows.append(
                Row((Cell(first), Cell(second), Cell(base), Cell(matched), Cell(attrition)))
            )
        blocks.append(
            num.table(
                "matched",
                "Respondents matched across waves",
                (
                    Column("From"),
                    Column("To"),
                    Column("Responses (from)", "int"),
                    Column("Matched", "int"),
                    Column("Attrition", "percent"),
                ),
                tuple(match_rows),
                caption="Matched through a pseudonymised respondent id; attrition is the share "
                "of earlier respondents not found in the later wave.",
            )
        )
    if cycle is not None:
        blocks.extend(attendance_blocks(cycle, num))
    title = "Participation and attendance" if cycle and cycle.attendance else "Participation"
    return Section("sec-participation", num.section, title, tuple(blocks))


# ---------------------------------------------------------------------------------------------
# 3 Three-stage model profile
# ---------------------------------------------------------------------------------------------


def stages_section(facts: ReportFacts, num: Numbering) -> Section:
    """The stage profile, the cycle diagram and the weakest stage."""
    blocks: list[Block] = [
        Paragraph(
            "The model for professional groups describes three stages that build on each other "
            "in a cycle: strategic direction and ownership; professional identity and knowledge "
            'sharing; and reflection and transfer of learning. A "review and revise" loop '
            "links them: what the group learns at stage 3 feeds the next cycle's direction.",
            "lead",
        )
    ]
    if not facts.stages:
        blocks.append(
            Paragraph(
                "No stage scores: include the stage instruments (strategic_direction_ownership, "
                "professional_identity, reflection, transfer_of_learning) to see the profile.",
                "warning",
            )
        )
        return Section("sec-stages", num.section, "The three-stage model profile", tuple(blocks))
    latest = facts.waves[-1]
    names = tuple(STAGE_NAMES.get(s.stage, f"Stage {s.stage}") for s in facts.stages)
    weakest_index = next(
        (i for i, s in enumerate(facts.stages) if s.stage == facts.weakest_stage), None
    )
    # The cycle always shows the model's three stages; a stage without instruments says so.
    measured = {
        s.stage: next((w.mean for w in s.waves if w.label == latest), None) for s in facts.stages
    }
    cycle_values = tuple(measured.get(stage) for stage in sorted(STAGE_NAMES))
    blocks.append(
        num.figure(
            "stage_profile",
            f"The model's cycle, with stage means in {latest}",
            CycleDiagram(
                tuple(STAGE_NAMES[stage] for stage in sorted(STAGE_NAMES)),
                cycle_values,
                None if facts.weakest_stage is None else facts.weakest_stage - 1,
                value_label="mean",
                measured=tuple(stage in measured for stage in sorted(STAGE_NAMES)),
            ),
            alt="Cycle diagram: "
            + "; ".join(
                f"stage {stage} {STAGE_NAMES[stage]} "
                + (f"mean {fmt_number(measured[stage])}" if stage in measured else "not measured")
                for stage in sorted(STAGE_NAMES)
            ),
            caption="Stage score: the mean of a member's scale scores within the stage, averaged "
            "over members (1 = strongly disagree, 5 = strongly agree). The weakest stage is "
            "outlined in orange.",
        )
    )
    if facts.weakest_stage is not None:
        margin = facts.weakest_stage_margin
        clear = (
            f", {fmt_number(margin)} points below the next-weakest stage"
            if margin is not None
            else ""
        )
        blocks.append(
            Paragraph(
                f"The weakest stage in {latest} is stage {facts.weakest_stage}, "
                f"{STAGE_NAMES.get(facts.weakest_stage, '')}{clear}. The study the model comes "
                "from found the same: reflection and transfer was the least mature stage, and "
                "nobody checked whether learning was embedded."
                if facts.weakest_stage == 3
                else f"The weakest stage in {latest} is stage {facts.weakest_stage}, "
                f"{STAGE_NAMES.get(facts.weakest_stage, '')}{clear}."
            )
        )
    series = tuple(
        Series(
            wave,
            tuple(next((w.mean for w in s.waves if w.label == wave), None) for s in facts.stages),
            tuple(next((w.lo for w in s.waves if w.label == wave), None) for s in facts.stages),
            tuple(next((w.hi for w in s.waves if w.label == wave), None) for s in facts.stages),
            n=max(
                (w.n for s in facts.stages for w in s.waves if w.label == wave and w.n),
                default=None,
            ),
        )
        for wave in facts.waves
    )
    blocks.append(
        num.figure(
            "stage_waves",
            "Stage means per wave, with 95% confidence intervals",
            DotPlot(
                tuple(f"Stage {s.stage}: {n}" for s, n in zip(facts.stages, names, strict=True)),
                series,
                1,
                5,
                "Mean (1 = strongly disagree, 5 = strongly agree)",
                highlight=None
                if weakest_index is None
                else f"Stage {facts.stages[weakest_index].stage}: {names[weakest_index]}",
                reference=3.0,
            ),
            alt="Dot plot of stage means per wave.",
        )
    )
    rows: list[Row] = []
    for stage, name in zip(facts.stages, names, strict=True):
        rows.extend(wave_stat_rows(f"{stage.stage}. {name}", stage.waves))
    blocks.append(
        num.table("stage_table", "Stage scores per wave", wave_stat_columns("Stage"), tuple(rows))
    )
    return Section("sec-stages", num.section, "The three-stage model profile", tuple(blocks))


# ---------------------------------------------------------------------------------------------
# 4 Success factors and identity strength
# ---------------------------------------------------------------------------------------------


def _scorecard_series(scales: list[ScaleResult], waves: tuple[str, ...]) -> tuple[Series, ...]:
    out = []
    for wave in waves:
        stats = [next((w for w in s.waves if w.label == wave), None) for s in scales]
        out.append(
            Series(
                wave,
                tuple(w.mean if w else None for w in stats),
                tuple(w.lo if w else None for w in stats),
                tuple(w.hi if w else None for w in stats),
                n=max((w.n for w in stats if w and w.n), default=None),
            )
        )
    return tuple(out)


def factors_section(facts: ReportFacts, num: Numbering) -> Section:
    """le May's success-factor scorecard and McDermott's identity strength."""
    blocks: list[Block] = []
    factors = [s for s in facts.scales if s.instrument_id == LE_MAY]
    if factors:
        weakest = next((s.label for s in factors if s.scale_id == facts.factor_weakest), None)
        strongest = next((s.label for s in factors if s.scale_id == facts.factor_strongest), None)
        blocks.append(
            Paragraph(
                "le May's seven success factors for communities of practice: membership, "
                "commitment, relevance, enthusiasm, infrastructure, skills and resources.",
                "lead",
            )
        )
        blocks.append(
            num.figure(
                "scorecard",
                "Success-factor scorecard per wave",
                DotPlot(
                    tuple(s.label for s in factors),
                    _scorecard_series(factors, facts.waves),
                    1,
                    5,
                    "Mean (1 = strongly disagree, 5 = strongly agree)",
                    highlight=weakest,
                    reference=3.0,
                ),
                alt="Dot plot of the seven success factors per wave.",
                caption="Dots: means; lines: 95% confidence intervals; the dashed line marks "
                "the neutral midpoint. The weakest factor in the latest wave is in orange.",
            )
        )
        if weakest or strongest:
            tie = " (a tie: the margin to the next factor is small)" if facts.factor_tie else ""
            blocks.append(
                Paragraph(
                    f"In {facts.waves[-1]} the strongest factor is {strongest or '–'} and the "
                    f"weakest is {weakest or '–'}{tie}."
                )
            )
        rows: list[Row] = []
        for scale in factors:
            rows.extend(wave_stat_rows(scale.label, scale.waves))
        blocks.append(
            num.table(
                "scorecard_table",
                "Success factors per wave",
                wave_stat_columns("Factor"),
                tuple(rows),
            )
        )
    if facts.identity:
        levels = facts.identity[0].levels
        blocks.append(
            Paragraph(
                "McDermott's continuum places each member by how strongly they identify with the "
                "group: an interest group (members come for the same information), a network "
                "(members share insights and learn from each other) or a community of practice "
                "(members share practice and identity)."
            )
        )
        blocks.append(
            num.figure(
                "identity",
                "Identity strength: members per level of the continuum",
                StackedBars(
                    tuple(w.label for w in facts.identity),
                    levels,
                    tuple(w.shares for w in facts.identity),
                    tuple(w.n_classified for w in facts.identity),
                ),
                alt="Stacked bars of the share of members at each level, per wave.",
                caption="A member's level is the strongest level whose items they agree with on "
                "average (mean of at least 3.5); the group's level is the median member's.",
            )
        )
        rows = [
            Row(
                (
                    Cell(w.label),
                    *(Cell(c) for c in w.counts),
                    Cell(w.n_unclassified),
                    Cell(w.group_level),
                )
            )
            for w in facts.identity
        ]
        blocks.append(
            num.table(
                "identity_table",
                "Members per level of the identity continuum",
                (
                    Column("Wave"),
                    *(Column(level, "int") for level in levels),
                    Column("Not classified", "int"),
                    Column("Group level"),
                ),
                tuple(rows),
            )
        )
    if not blocks:
        blocks.append(
            Paragraph(
                "Neither the success-factor nor the identity questionnaire was "
                "included in this survey.",
                "note",
            )
        )
    return Section(
        "sec-factors", num.section, "Success factors and identity strength", tuple(blocks)
    )
