"""The cycle in the report: the "Purpose and context" section, and the membership and
attendance blocks of the participation section (the actions are in
:mod:`~cop_eval.report.sections_review`).

Each function arranges :class:`~cop_eval.report.build_cycle.CycleFacts` into blocks; the figures
arrive with hidden cells already empty (``None``), and become :meth:`Cell.hidden` cells here.
"""

from __future__ import annotations

import datetime as dt

from cop_eval.cycle.association import AssociationRow
from cop_eval.cycle.attendance import BANDS, PeriodAttendance
from cop_eval.cycle.participation import NOT_MEMBERS
from cop_eval.report.build_cycle import CycleFacts
from cop_eval.report.model import Block, Bullets, Cell, CellKind, Column, Paragraph, Row, Section
from cop_eval.report.numbering import Numbering

__all__ = ["attendance_blocks", "context_section", "membership_blocks"]

STAGE_WORDS = {
    1: "Stage 1: strategic direction and ownership",
    2: "Stage 2: professional identity and knowledge sharing",
    3: "Stage 3: reflection and transfer of learning",
}


def _day(date: dt.date | None) -> str:
    return f"{date:%-d %B %Y}" if date else "no date given"


def _n(value: int | None) -> Cell:
    return Cell.hidden() if value is None else Cell(value)


def _rate(value: float | None, hidden: bool = False) -> Cell:
    return Cell.hidden() if hidden else Cell(value)


# ---------------------------------------------------------------------------------------------
# Purpose and context
# ---------------------------------------------------------------------------------------------


def _evidence(cycle: CycleFacts) -> tuple[str, ...]:
    waves = ", ".join(f"{w} ({_day(d)})" for w, d in cycle.wave_dates)
    items = [f"Survey waves: {waves}."]
    part = cycle.participation
    if part is not None and part.has_members:
        rosters = [w.wave for w in part.waves if w.source == "roster"]
        counted = [w.wave for w in part.waves if w.source == "counts"]
        kinds = []
        if rosters:
            kinds.append(f"rosters of members for {', '.join(rosters)}")
        if counted:
            kinds.append(f"numbers of members for {', '.join(counted)}")
        items.append("Membership: " + "; ".join(kinds) + ".")
    else:
        items.append(
            "Membership: not given, so there are no response rates (record each wave's "
            "number of members, or a roster of members, with the project)."
        )
    if cycle.attendance is not None:
        overall = cycle.attendance.overall
        items.append(
            f"Attendance register: {overall.meetings} meetings, {overall.people} people "
            "(ids hashed like survey ids, so attendance links to answers)."
        )
    if cycle.reviews:
        items.append(f"Actions agreed after survey waves: {len(cycle.reviews)}.")
    return tuple(items)


def context_section(cycle: CycleFacts, num: Numbering) -> Section:
    """What the group is, why it was evaluated, and the evidence the report uses."""
    blocks: list[Block] = []
    if cycle.context:
        blocks.append(
            num.table(
                "context",
                "The group and the evaluation",
                (Column("About"), Column("")),
                tuple(Row((Cell(label), Cell(text))) for label, text in cycle.context),
            )
        )
    else:
        blocks.append(
            Paragraph(
                "No context was recorded for this project. Record the group's name, the "
                "purpose of the evaluation, how often it meets, who is a member and who "
                "sponsors it with the project (its context) and this section will say so.",
                "note",
            )
        )
    blocks.append(Bullets(_evidence(cycle), "Evidence used"))
    blocks.append(
        Paragraph(
            "The evaluation follows the model for professional groups (Griggs & Allen 2018): "
            "strategic direction and ownership, professional identity and knowledge sharing, "
            'reflection and transfer of learning, and a feedback loop, "review and revise", '
            "that checks what changed and agrees what to change next."
        )
    )
    # It follows the summary on the same page: the summary often spills a few lines (its "Read
    # with care" box) onto a page of its own otherwise.
    return Section(
        "sec-context", num.section, "Purpose and context", tuple(blocks), page_break=False
    )


# ---------------------------------------------------------------------------------------------
# Membership and attendance (blocks of the participation section)
# ---------------------------------------------------------------------------------------------


def membership_blocks(cycle: CycleFacts, num: Numbering, group_label: str) -> list[Block]:
    """Response rates per wave (members only) and per subgroup, leavers and joiners."""
    part = cycle.participation
    if part is None or not part.has_members:
        return []
    rows = []
    for w in part.waves:
        rows.append(
            Row(
                (
                    Cell(w.wave),
                    Cell(w.members),
                    Cell(w.member_respondents),
                    Cell(w.rate),
                    Cell.hidden()
                    if w.not_members is None and w.source != "none"
                    else Cell(w.not_members),
                    Cell(w.left),
                    Cell(w.joined),
                    Cell(w.retained),
                )
            )
        )
    blocks: list[Block] = [
        num.table(
            "response_rates",
            "Response rate per wave: members who answered",
            (
                Column("Wave"),
                Column("Members", "int"),
                Column("Answered", "int"),
                Column("Rate", "percent"),
                Column("Not members", "int"),
                Column("Left", "int"),
                Column("Joined", "int"),
                Column("Retained", "percent"),
            ),
            tuple(rows),
            caption="Members: those invited to each wave (a roster or the numbers given); "
            "answered: members who answered; not members: people who answered without being "
            "members, counted apart and not in the rate. Left, joined and retained (the share of "
            "the last wave's members still members) need a roster for both waves.",
        )
    ]
    if part.by_group:
        blocks.append(_group_rates(cycle, num, group_label))
    notes = [n for w in part.waves for n in w.notes]
    if notes:
        blocks.append(Bullets(tuple(notes), "About the response rates"))
    return blocks


def _group_rates(cycle: CycleFacts, num: Numbering, group_label: str) -> Block:
    part = cycle.participation
    assert part is not None
    rows = []
    for w in part.waves:
        for k, g in enumerate(w.groups):
            name = (
                g.group if g.member_group or g.group == NOT_MEMBERS else f"{g.group} (not members)"
            )
            name = "Not members" if g.group == NOT_MEMBERS else name
            rows.append(
                Row(
                    (
                        Cell(w.wave if k == 0 else ""),
                        Cell(name, note=g.reason),
                        Cell.hidden() if g.suppressed else Cell(g.members),
                        _n(g.respondents),
                        _rate(g.rate, g.suppressed),
                        Cell.hidden() if g.suppressed else Cell(g.non_respondents),
                        Cell.hidden() if g.suppressed else Cell(g.left),
                        Cell.hidden() if g.suppressed else Cell(g.joined),
                    )
                )
            )
    return num.table(
        "response_rates_groups",
        f"Response rate per {group_label} and wave",
        (
            Column("Wave"),
            Column(group_label.capitalize()),
            Column("Members", "int"),
            Column("Answered", "int"),
            Column("Response rate", "percent"),
            Column("Did not answer", "int"),
            Column("Left", "int"),
            Column("Joined", "int"),
        ),
        tuple(rows),
        caption="Did not answer: members of the subgroup who did not answer; left and joined: "
        "members since the last wave's roster.",
        notes=(
            f"A {group_label}'s figures are hidden when fewer than "
            f"{part.privacy.min_group_size} of its people answered, and so are the next "
            "smallest's, so that a hidden one cannot be worked out from the total.",
        ),
    )


def attendance_blocks(cycle: CycleFacts, num: Numbering) -> list[Block]:
    """Attendance per period and subgroup, and the latest wave's scores by attendance band."""
    summary = cycle.attendance
    if summary is None:
        return []
    periods = (*summary.periods, summary.overall)
    rows = [
        Row(
            (
                Cell(p.period.label),
                Cell(p.meetings),
                Cell(p.people),
                Cell(p.rate),
                *(_n(b.people) for b in p.bands),
                Cell(p.retained),
            ),
            emphasis=p is summary.overall,
        )
        for p in periods
    ]
    bands = "; ".join(f"{b}: {words}" for b, _, words in BANDS)
    blocks: list[Block] = [
        Paragraph(
            "Attendance is evidence beyond the survey: le May's commitment is attending and "
            "contributing. A person's attendance rate is the share of a period's meetings they "
            "attended, of those the register expected them at.",
        ),
        num.table(
            "attendance",
            "Attendance per period between survey waves",
            (
                Column("Period"),
                Column("Meetings", "int"),
                Column("People", "int"),
                Column("Mean attendance", "percent"),
                *(Column(b.capitalize(), "int") for b, _, _ in BANDS),
                Column("Still attending", "percent"),
            ),
            tuple(rows),
            caption=f"People per band of attendance ({bands}). Still attending: of the people "
            "who came at least once in the period before, the share who came at least once in "
            "this one.",
            notes=(
                f"A band with fewer than {summary.privacy.min_group_size} people is hidden, "
                "with the next smallest, so that it cannot be worked out from the total.",
            ),
        ),
    ]
    groups = list(dict.fromkeys(g.group for p in periods for g in p.groups))
    if groups:
        blocks.append(_attendance_groups(num, periods, groups, summary.privacy.min_group_size))
    blocks.extend(_association_blocks(cycle, num))
    return blocks


def _attendance_groups(
    num: Numbering, periods: tuple[PeriodAttendance, ...], groups: list[str], min_size: int
) -> Block:
    """Mean attendance per subgroup (rows) and period (columns)."""
    rows = []
    for group in groups:
        cells = [Cell(group)]
        for p in periods:
            found = next((g for g in p.groups if g.group == group), None)
            if found is None:
                cells.append(Cell(None))
            else:
                cells.append(_rate(found.rate, found.suppressed))
        overall = next((g for g in periods[-1].groups if g.group == group), None)
        cells.append(_n(overall.people) if overall is not None else Cell(None))
        rows.append(Row(tuple(cells)))
    return num.table(
        "attendance_groups",
        "Mean attendance per subgroup and period",
        (
            Column("Subgroup"),
            *(Column(p.period.label, "percent") for p in periods),
            Column("People", "int"),
        ),
        tuple(rows),
        caption="Subgroups come from the register, else from the roster of the wave that ends "
        "the period; people on no roster are counted apart. People: on the register at all.",
        notes=(
            f"A subgroup with fewer than {min_size} people in a period is hidden there, and so "
            "is the next smallest, so that it cannot be worked out from the total.",
        ),
    )


def _association_rows(rows: tuple[AssociationRow, ...]) -> tuple[Row, ...]:
    out = []
    for r in rows:
        regular, less = r.cells
        out.append(
            Row(
                (
                    Cell(STAGE_WORDS.get(r.stage, r.measure) if r.stage else r.measure),
                    _n(regular.n),
                    Cell.hidden() if regular.suppressed else Cell(regular.value),
                    _n(less.n),
                    Cell.hidden() if less.suppressed else Cell(less.value),
                    Cell(r.difference),
                    Cell(lo=r.lo, hi=r.hi),
                )
            )
        )
    return tuple(out)


def _association_blocks(cycle: CycleFacts, num: Numbering) -> list[Block]:
    assoc = cycle.association
    if assoc is None or not assoc.rows:
        return []
    blocks: list[Block] = []
    means = tuple(r for r in assoc.rows if r.kind == "mean")
    shares = tuple(r for r in assoc.rows if r.kind == "share")
    caveat = (
        "This is an association at one time, not an effect of attending: a subgroup may both "
        "attend less and score lower."
    )
    title = f"in {assoc.wave} by attendance in the period before it ({assoc.period})"
    tables: tuple[tuple[tuple[AssociationRow, ...], CellKind, str, str], ...] = (
        (means, "number", "Stage scores", "Means on the 1-5 scale; Welch's difference and CI"),
        (
            shares,
            "percent",
            "Identity strength",
            "The share at the strongest level of the "
            "continuum; the difference and Newcombe's CI as proportions (0.25 = 25 points)",
        ),
    )
    for rows, kind, what, how in tables:
        if not rows:
            continue
        blocks.append(
            num.table(
                "attendance_scores" if kind == "number" else "attendance_identity",
                f"{what} {title}",
                (
                    Column("Measure"),
                    Column("Regular: n", "int"),
                    Column("Regular", kind),
                    Column("Less often: n", "int"),
                    Column("Less often", kind),
                    Column("Difference", "signed"),
                    Column("95% CI", "ci"),
                ),
                _association_rows(rows),
                caption=f"Respondents are linked to the register by their hashed id; regular: "
                f"75% of the period's meetings or more. {how}. {caveat}",
            )
        )
    return blocks
