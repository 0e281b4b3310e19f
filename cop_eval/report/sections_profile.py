"""Sections 2-3 of the report: participation and the three-stage model profile."""

from __future__ import annotations

from cop_eval.report.facts import ParticipationFacts, ReportFacts, ScaleResult
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
    Table,
)
from cop_eval.report.numbering import Numbering, in_waves, wave_stat_columns, wave_stat_rows
from cop_eval.report.rules import shown_difference
from cop_eval.report.sections_cycle import attendance_blocks, membership_blocks

__all__ = ["participation_section", "stages_section"]


# ---------------------------------------------------------------------------------------------
# 2 Participation
# ---------------------------------------------------------------------------------------------


def _from_project(facts: ReportFacts) -> bool:
    """The project's membership gives the response rates (the cycle's tables show them)."""
    cycle = facts.cycle
    return cycle is not None and cycle.participation is not None and cycle.participation.has_members


def _wave_table(facts: ReportFacts, part: ParticipationFacts, num: Numbering) -> Table:
    from_project = _from_project(facts)
    has_members = not from_project and any(m is not None for m in part.members)
    columns = [Column("Wave"), Column("Responses", "int")]
    if has_members:
        columns += [Column("Members", "int"), Column("Response rate", "percent")]
    rows = []
    for wave, responses, members in zip(part.waves, part.responses, part.members, strict=True):
        cells = [Cell(wave), Cell(responses)]
        if has_members:
            cells += [Cell(members), Cell(responses / members if members else None)]
        rows.append(Row(tuple(cells)))
    return num.table(
        "participation",
        f"Responses {in_waves(facts)}",
        tuple(columns),
        tuple(rows),
        caption=None
        if has_members or from_project
        else "Response rates need the number of members of each wave (the project's membership).",
    )


def _group_table(facts: ReportFacts, part: ParticipationFacts, num: Numbering) -> Table:
    name = part.group_column or "Subgroup"
    columns = (
        Column(name[:1].upper() + name[1:]),  # "strand" heads its column as "Strand"
        *tuple(Column(w, "int") for w in part.waves),
    )
    with_members = not _from_project(facts) and any(m is not None for m in part.group_members)
    if with_members:
        columns += (Column("Members", "int"), Column(f"Response rate {part.waves[-1]}", "percent"))
    rows = []
    for index, group in enumerate(part.groups):
        counts = part.group_counts[index]
        why = part.group_hidden[index] if index < len(part.group_hidden) else ()
        cells = [Cell(group)] + [
            Cell.hidden(why[k] if k < len(why) else None) if count is None else Cell(count)
            for k, count in enumerate(counts)
        ]
        if with_members:
            member = part.group_members[index] if index < len(part.group_members) else None
            cells.append(Cell(member))
            latest = counts[-1]
            cells.append(
                Cell.hidden() if latest is None else Cell(latest / member if member else None)
            )
        rows.append(Row(tuple(cells)))
    n = facts.min_group_size
    return num.table(
        "participation_groups",
        f"Responses per {part.group_column or 'subgroup'} {in_waves(facts).replace('per ', 'and ')}",
        columns,
        tuple(rows),
        notes=(
            f"A count below {n} is hidden ('hidden: fewer than {n}'), and so is the "
            "next-smallest count in the same wave ('hidden: protects a smaller group'), so that "
            "a hidden group cannot be worked out from the total.",
        ),
    )


def _matched_table(part: ParticipationFacts, num: Numbering) -> Table:
    rows = []
    for first, second, matched in part.matched:
        base = part.responses[part.waves.index(first)] if first in part.waves else None
        attrition = 1 - matched / base if base else None
        rows.append(Row((Cell(first), Cell(second), Cell(base), Cell(matched), Cell(attrition))))
    return num.table(
        "matched",
        "Respondents matched across waves",
        (
            Column("From"),
            Column("To"),
            Column("Responses (from)", "int"),
            Column("Matched", "int"),
            Column("Attrition", "percent"),
        ),
        tuple(rows),
        caption="Matched through a pseudonymised respondent id; attrition is the share "
        "of earlier respondents not found in the later wave.",
    )


def participation_section(facts: ReportFacts, num: Numbering) -> Section:
    """Responses per wave and subgroup, response rates, matched respondents and attrition."""
    part = facts.participation
    if part is None:
        blocks: list[Block] = [Paragraph("No participation figures are available.")]
        return Section("sec-participation", num.section, "Participation", tuple(blocks))
    waves = len(part.waves)
    blocks = [
        Paragraph(
            f"The survey ran in {waves} wave{'s' if waves != 1 else ''}. "
            "A high response rate matters: people who answer a survey run by the group's own "
            "leaders may be its keenest members, so low rates make results look better than "
            "they are.",
            "lead",
        ),
        _wave_table(facts, part, num),
    ]
    cycle = facts.cycle
    if cycle is not None:
        blocks.extend(membership_blocks(cycle, num, part.group_column or "subgroup"))
    if part.groups:
        blocks.append(_group_table(facts, part, num))
    if part.matched:
        blocks.append(_matched_table(part, num))
    if cycle is not None:
        blocks.extend(attendance_blocks(cycle, num))
    title = "Participation and attendance" if cycle and cycle.attendance else "Participation"
    return Section("sec-participation", num.section, title, tuple(blocks))


# ---------------------------------------------------------------------------------------------
# 3 Three-stage model profile
# ---------------------------------------------------------------------------------------------


def _stage_axis(facts: ReportFacts) -> tuple[float, float, str | None]:
    """The range of the staged scales and what its ends mean ("1 = strongly disagree, ...")."""
    staged: list[ScaleResult] = [s for s in facts.scales if s.stage is not None]
    lo = min((s.scale_min for s in staged), default=1.0)
    hi = max((s.scale_max for s in staged), default=5.0)
    first = staged[0] if staged else None
    if first is not None and first.low_label and first.high_label:
        ends = (
            f"{fmt_number(lo, 0)} = {first.low_label.lower()}, "
            f"{fmt_number(hi, 0)} = {first.high_label.lower()}"
        )
        return lo, hi, ends
    return lo, hi, None


def _weakest_paragraph(facts: ReportFacts) -> Paragraph | None:
    stage = facts.weakest_stage
    if stage is None:
        return None
    latest = facts.waves[-1]
    means = {
        s.stage: next((w.mean for w in s.waves if w.label == latest), None) for s in facts.stages
    }
    weakest = means.get(stage)
    others = [m for k, m in means.items() if k != stage and m is not None]
    clear = (
        f", {fmt_number(shown_difference(min(others), weakest))} points below the next-weakest stage"
        if weakest is not None and others
        else ""
    )
    text = f"The weakest stage in {latest} is stage {stage}, {STAGE_NAMES.get(stage, '')}{clear}."
    if stage == 3:
        text += (
            " The study the model comes from found the same: reflection and transfer was the "
            "least mature stage, and nobody checked whether learning was embedded."
        )
    return Paragraph(text)


def _cycle_figure(facts: ReportFacts, num: Numbering) -> Block:
    latest = facts.waves[-1]
    # The cycle shows the model's three stages; a stage without a declared scale says so.
    measured = {
        s.stage: next((w.mean for w in s.waves if w.label == latest), None) for s in facts.stages
    }
    order = sorted(STAGE_NAMES)
    return num.figure(
        "stage_profile",
        f"The model's cycle, with stage means in {latest}",
        CycleDiagram(
            tuple(STAGE_NAMES[stage] for stage in order),
            tuple(measured.get(stage) for stage in order),
            None if facts.weakest_stage is None else facts.weakest_stage - 1,
            value_label="mean",
            measured=tuple(stage in measured for stage in order),
        ),
        alt="Cycle diagram: "
        + "; ".join(
            f"stage {stage} {STAGE_NAMES[stage]} "
            + (f"mean {fmt_number(measured[stage])}" if stage in measured else "not measured")
            for stage in order
        ),
        caption="Stage score: the mean of a member's scale scores within the stage, averaged "
        "over members"
        + (f" ({ends})" if (ends := _stage_axis(facts)[2]) else "")
        + "."
        + (" The weakest stage is outlined in orange." if facts.weakest_stage is not None else "")
        + (" A stage no questionnaire measured is marked so." if len(measured) < 3 else ""),
    )


def _stage_dots(facts: ReportFacts, num: Numbering) -> Block:
    lo, hi, ends = _stage_axis(facts)
    axis_label = f"Mean ({ends})" if ends else "Mean score"
    names = tuple(STAGE_NAMES.get(s.stage, f"Stage {s.stage}") for s in facts.stages)
    weakest = next((i for i, s in enumerate(facts.stages) if s.stage == facts.weakest_stage), None)
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
    return num.figure(
        "stage_waves",
        f"Stage means {in_waves(facts)}, with 95% confidence intervals",
        DotPlot(
            tuple(f"Stage {s.stage}: {n}" for s, n in zip(facts.stages, names, strict=True)),
            series,
            lo,
            hi,
            axis_label,
            highlight=None
            if weakest is None
            else f"Stage {facts.stages[weakest].stage}: {names[weakest]}",
            reference=(lo + hi) / 2,
        ),
        alt=f"Dot plot of stage means {in_waves(facts)}.",
    )


def stages_section(facts: ReportFacts, num: Numbering) -> Section:
    """The stage profile, the cycle diagram and the weakest stage (stages the scales declare)."""
    declared = ", ".join(str(s.stage) for s in facts.stages)
    only = "" if len(facts.stages) == 3 else f" This report measures stage {declared} only."
    blocks: list[Block] = [
        Paragraph(
            "The model for professional groups describes three stages that build on each other "
            "in a cycle: strategic direction and ownership; professional identity and knowledge "
            'sharing; and reflection and transfer of learning. A "review and revise" loop '
            "links them: what the group learns at stage 3 feeds the next cycle's direction." + only,
            "lead",
        ),
        _cycle_figure(facts, num),
    ]
    weakest = _weakest_paragraph(facts)
    if weakest is not None:
        blocks.append(weakest)
    blocks.append(_stage_dots(facts, num))
    rows: list[Row] = []
    for stage in facts.stages:
        name = STAGE_NAMES.get(stage.stage, f"Stage {stage.stage}")
        rows.extend(wave_stat_rows(f"{stage.stage}. {name}", stage.waves))
    blocks.append(
        num.table(
            "stage_table",
            f"Stage scores {in_waves(facts)}",
            wave_stat_columns("Stage"),
            tuple(rows),
        )
    )
    return Section("sec-stages", num.section, "The three-stage model profile", tuple(blocks))
