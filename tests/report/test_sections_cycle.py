"""The cycle's report sections: "Purpose and context", response rates and attendance in the
participation section, "Review and revise: the actions agreed", and the summary's message.

Built from a small two-wave project in memory; the privacy policy's hidden counts must arrive as
hidden cells, the review must carry the association-in-time caveat, a one-wave report shows the
plan only, and overdue actions are flagged."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cop_eval.cycle.inputs import CycleInputs
from cop_eval.cycle.review import ActionReview
from cop_eval.instruments import load_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy, pseudonymise
from cop_eval.report.build_cycle import CycleFacts, cycle_facts
from cop_eval.report.model import Bullets, Paragraph, Table
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_cycle import attendance_blocks, context_section, membership_blocks
from cop_eval.report.sections_review import ASSOCIATION_CAVEAT, review_messages, review_section
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store.cycle_models import (
    Action,
    AttendanceRecord,
    ProjectContext,
    WaveMembership,
)

KEY = b"s" * 32
STAMP = dt.datetime(2025, 1, 1)
N = 30
LABELS = ["Spring", "Autumn"]
DATES = [dt.date(2025, 3, 15), dt.date(2025, 9, 15)]


def _ids(n: int) -> list[str]:
    return [str(p) for p in pseudonymise([f"m{k}@example.org" for k in range(n)], KEY)]


def _wave(label: str, shift: float) -> tuple[ResponseSet, ScoreTable]:
    inst = load_instrument("reflection")
    rng = np.random.default_rng(sum(map(ord, label)))
    ids = pd.Series(_ids(N), dtype=object)
    groups = pd.DataFrame({"team": ["A"] * 20 + ["B"] * 7 + ["C"] * 3})
    rs = ResponseSet(
        source=f"{label}.csv",
        instruments=(inst,),
        items=pd.DataFrame(index=range(N)),
        report=ImportReport(source=f"{label}.csv", format="csv", rows_read=N, rows_accepted=N),
        respondent_ids=ids,
        groups=groups,
        row_numbers=np.arange(2, N + 2, dtype=np.int64),
        wave=label,
    )
    base = np.linspace(2.0, 4.0, N)
    scores = pd.DataFrame(
        {
            "time_to_reflect": base + shift + rng.normal(0, 0.15, N),
            "reflecting_with_others": base + rng.normal(0, 0.15, N),
            "closing_the_loop": base + rng.normal(0, 0.15, N),
        }
    )
    return rs, ScoreTable(inst, scores, respondent_ids=ids, groups=groups, wave=label)


def _action(number: int, targets: tuple[str, ...], due: dt.date, status: str) -> Action:
    return Action(
        id=number,
        title=f"Action {number}",
        owner="Group lead",
        targets=targets,
        agreed_after="Spring",
        due=due,
        status=status,  # type: ignore[arg-type]
        created_at=STAMP,
        created_by="me",
        updated_at=STAMP,
    )


def _inputs(with_roster: bool = True) -> CycleInputs:
    ids = _ids(N + 2)
    roster = {m: ("A" if k < 20 else "B" if k < 27 else "C") for k, m in enumerate(ids)}
    membership = WaveMembership(
        wave="Spring", kind="roster", counts={"A": 20, "B": 9, "C": 3}, set_at=STAMP, set_by="me"
    )
    meetings = [dt.date(2025, m, 10) for m in (1, 2, 3, 4, 5, 6, 7, 8)]
    records = [
        AttendanceRecord(member=m, meeting_date=d, attended=(k % 10 != 0) or d.month % 2 == 0)
        for k, m in enumerate(ids[:N])
        for d in meetings
    ]
    return CycleInputs(
        context=ProjectContext(name="The group", purpose="To learn <what> works"),
        memberships={"Spring": membership} if with_roster else {},
        rosters={"Spring": roster} if with_roster else {},
        attendance=tuple(records),
        wave_dates=dict(zip(LABELS, DATES, strict=True)),
        actions=(
            _action(1, ("reflection.time_to_reflect",), dt.date(2025, 6, 30), "done"),
            _action(2, ("reflection.reflecting_with_others",), dt.date(2025, 7, 31), "under_way"),
        ),
        as_of=dt.date(2025, 9, 30),
    )


@pytest.fixture(scope="module")
def facts() -> CycleFacts:
    waves = [_wave("Spring", 0.0), _wave("Autumn", 0.6)]
    return cycle_facts(
        _inputs(),
        [rs for rs, _ in waves],
        LABELS,
        {"reflection": [t for _, t in waves]},
        group_column="team",
        privacy=PrivacyPolicy(5),
    )


def _table(blocks: object, title: str) -> Table:
    for block in blocks:  # type: ignore[attr-defined]
        if isinstance(block, Table) and block.title.startswith(title):
            return block
    raise AssertionError(f"no table {title!r}")


def test_context_section_lists_the_context_and_the_evidence(facts: CycleFacts) -> None:
    section = context_section(facts, Numbering(2))
    assert section.title == "Purpose and context"
    table = _table(section.blocks, "The group and the evaluation")
    assert [r.cells[0].value for r in table.rows] == ["Group", "Purpose of the evaluation"]
    evidence = next(b for b in section.blocks if isinstance(b, Bullets))
    assert any("rosters of members for Spring" in i for i in evidence.items)
    assert any("8 meetings" in i for i in evidence.items)
    empty = context_section(
        CycleFacts((), facts.wave_dates, None, None, None, (), facts.as_of), Numbering(2)
    )
    assert any(
        isinstance(b, Paragraph) and "with the project (its context)" in b.text
        for b in empty.blocks
    )


def test_response_rates_hide_small_subgroups(facts: CycleFacts) -> None:
    blocks = membership_blocks(facts, Numbering(3), "team")
    rates = _table(blocks, "Response rate per wave")
    spring = rates.rows[0].cells
    assert [spring[1].value, spring[2].value, spring[3].value] == [32, 30, 30 / 32]
    groups = _table(blocks, "Response rate per team and wave")
    by_group = {r.cells[1].value: r.cells for r in groups.rows}
    assert by_group["A"][2].value == 20 and by_group["A"][4].value == 1.0
    assert by_group["A"][5].value == 0  # did not answer: members minus those who answered
    assert by_group["C"][5].suppressed and by_group["B"][5].suppressed
    assert by_group["C"][3].suppressed and by_group["C"][2].suppressed  # 3 answered
    assert by_group["B"][3].suppressed, "complementary: B would give C away"
    assert (
        membership_blocks(
            CycleFacts((), facts.wave_dates, None, None, None, (), facts.as_of),
            Numbering(3),
            "team",
        )
        == []
    )


def test_attendance_blocks_and_scores_by_band(facts: CycleFacts) -> None:
    blocks = attendance_blocks(facts, Numbering(3))
    periods = _table(blocks, "Attendance per period")
    labels = [r.cells[0].value for r in periods.rows]
    assert labels == ["up to Spring", "Spring to Autumn", "all meetings"]
    groups = _table(blocks, "Mean attendance per subgroup and period")
    by_group = {r.cells[0].value: r.cells for r in groups.rows}
    assert by_group["A"][1].value is not None and not by_group["A"][1].suppressed
    assert by_group["C"][1].suppressed  # 3 people
    scores = _table(blocks, "Stage scores in Autumn")
    assert "association at one time, not an effect" in (scores.caption or "")
    (row,) = scores.rows
    assert row.cells[0].value == "Stage 3: reflection and transfer of learning"


def test_review_section_closes_the_loop_with_the_caveat(facts: CycleFacts) -> None:
    section = review_section(facts, Numbering(8), tuple(LABELS))
    assert section.id == "sec-review"
    plan = _table(section.blocks, "The actions agreed")
    first, second = (r.cells for r in plan.rows)
    assert first[5].value == "done" and first[7].value == "targets improved"
    assert second[5].value == "under way, overdue" and second[7].value == "no clear change"
    changes = _table(section.blocks, "Change of each action's targets")
    assert any(isinstance(b, Paragraph) and b.text == ASSOCIATION_CAVEAT for b in section.blocks)
    improved = changes.rows[0].cells
    assert improved[2].value == "Spring → Autumn" and improved[3].value == N
    assert isinstance(improved[6].value, float) and improved[6].value > 0.4
    assert "improvement, likely real" in str(improved[8].value)
    overdue = next(b for b in section.blocks if isinstance(b, Bullets) and b.heading == "Overdue")
    assert overdue.items[0].startswith("Action 2, 'Action 2' (Group lead): due 31 July 2025")
    single = review_section(facts, Numbering(8), ("Spring",))
    assert any(isinstance(b, Paragraph) and "shows the plan only" in b.text for b in single.blocks)


def test_summary_names_what_improved_and_what_did_not(facts: CycleFacts) -> None:
    num = Numbering(8)
    review_section(facts, num, tuple(LABELS))
    (message,) = review_messages(facts, num.refs)
    assert message.ref == num.refs["action_changes"][0]
    assert "Targets improved after one action: #1 Action 1 (time to reflect +" in message.text
    assert "Targets did not clearly improve after one action: #2 Action 2" in message.text
    assert "association in time, not proof" in message.text
    assert "One action is overdue" in message.text


def test_plan_for_a_recommendation(facts: CycleFacts) -> None:
    found = facts.plan_for("action 2")
    assert found is not None and found.id == 2
    assert facts.plan_for("Something else") is None
    from_rec = facts.reviews[0].action.model_copy(
        update={
            "title": "Ten minutes",
            "recommendation": "Recommendation 1 (Spring): Build structured reflection. "
            "Stage 3 is the weakest.",
        }
    )
    review = ActionReview(from_rec, "Spring", None, (), "not yet", False)
    with_rec = CycleFacts((), (), None, None, None, (review,), facts.as_of)
    assert with_rec.plan_for("Build structured reflection") == from_rec
