"""The report's "Review and revise: the actions agreed" section and the summary's message about
the actions: each action's status, and the change of its targeted scales since the wave it was
agreed after (:func:`cop_eval.cycle.review.review_actions`), with the caveat that this is an
association in time, not proof of effect.
"""

from __future__ import annotations

import datetime as dt

from cop_eval.cycle.review import ActionReview
from cop_eval.report.build_cycle import CycleFacts
from cop_eval.report.filters import fmt_signed
from cop_eval.report.model import Block, Bullets, Cell, Column, KeyMessage, Paragraph, Row, Section
from cop_eval.report.numbering import Numbering
from cop_eval.store.cycle_models import Action

__all__ = ["ASSOCIATION_CAVEAT", "plan_text", "review_messages", "review_section"]

#: The words every review of actions carries.
ASSOCIATION_CAVEAT = (
    "A change that follows an action is an association in time, not proof that the action "
    "caused it: other things changed between the waves too, and scales can move without any "
    "action."
)


def _day(date: dt.date | None) -> str:
    return f"{date:%-d %B %Y}" if date else "no date given"


def plan_text(action: Action, as_of: dt.date) -> str:
    """The action agreed on a recommendation, in a sentence for the recommendation's card.

    Examples
    --------
    >>> stamp = dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc)
    >>> a = Action(id=1, title="Ten minutes of reflection", agreed_after="Mar 2025",
    ...            owner="Group lead", due=dt.date(2025, 6, 30), status="done",
    ...            created_at=stamp, created_by="me", updated_at=stamp)
    >>> plan_text(a, dt.date(2026, 3, 15))
    'after Mar 2025, action 1 "Ten minutes of reflection" (Group lead, due 30 June 2025): done.'
    """
    who = ", ".join(
        part for part in (action.owner, f"due {_day(action.due)}" if action.due else "") if part
    )
    status = action.status_text + (", overdue" if action.overdue(as_of) else "")
    return (
        f'after {action.agreed_after}, action {action.id} "{action.title}"'
        + (f" ({who})" if who else "")
        + f": {status}."
    )


def _n(value: int | None) -> Cell:
    return Cell.hidden() if value is None else Cell(value)


# ---------------------------------------------------------------------------------------------
# Review and revise
# ---------------------------------------------------------------------------------------------

_OUTCOME_WORDS = {
    "improved": "targets improved",
    "deteriorated": "targets deteriorated",
    "mixed": "some improved, some deteriorated",
    "no clear change": "no clear change",
    "too few to tell": "too few respondents to tell",
    "not yet": "no later wave yet",
    "no targets": "no targets named",
}


def _status(review: ActionReview, as_of: dt.date) -> Cell:
    action = review.action
    if review.overdue:
        return Cell(f"{action.status_text}, overdue")
    return Cell(action.status_text)


def _plan_table(cycle: CycleFacts, num: Numbering) -> Block:
    rows = []
    for r in cycle.reviews:
        a = r.action
        rows.append(
            Row(
                (
                    Cell(a.id),
                    Cell(a.title),
                    Cell(a.owner or "—"),
                    Cell(a.agreed_after),
                    Cell(_day(a.due) if a.due else "—"),
                    _status(r, cycle.as_of),
                    Cell(a.success_measure or "—"),
                    Cell(_OUTCOME_WORDS[r.outcome]),
                )
            )
        )
    return num.table(
        "actions",
        "The actions agreed, their status and what their targets did",
        (
            Column("#", "int"),
            Column("Action"),
            Column("Owner"),
            Column("Agreed after"),
            Column("Due"),
            Column("Status"),
            Column("Success measure"),
            Column("Targets"),
        ),
        tuple(rows),
        caption=f"Status as recorded in the project on {_day(cycle.as_of)}; an action still "
        "open after its due date is overdue.",
    )


def _changes_table(cycle: CycleFacts, num: Numbering) -> Block | None:
    rows = []
    for r in cycle.reviews:
        for k, c in enumerate(r.changes):
            hidden = c.suppressed
            rows.append(
                Row(
                    (
                        Cell(r.action.id if k == 0 else None),
                        Cell(c.label, note=c.instrument),
                        Cell(f"{c.from_label} → {c.to_label}"),
                        _n(c.n),
                        Cell.hidden() if hidden else Cell(c.mean_from),
                        Cell.hidden() if hidden else Cell(c.mean_to),
                        Cell.hidden() if hidden else Cell(c.mean_diff),
                        Cell.hidden() if hidden else Cell(lo=c.lo, hi=c.hi),
                        Cell(c.verdict),
                    )
                )
            )
    if not rows:
        return None
    return num.table(
        "action_changes",
        "Change of each action's targets since the wave it was agreed after",
        (
            Column("#", "int"),
            Column("Target"),
            Column("Waves"),
            Column("n", "int"),
            Column("Then", "number"),
            Column("Now", "number"),
            Column("Change", "signed"),
            Column("95% CI", "ci"),
            Column("Verdict"),
        ),
        tuple(rows),
        caption="Paired on members who answered both waves when their ids link them, else "
        "the two waves compared as independent samples; verdicts combine the size of the "
        "change with its confidence interval and follow each scale's direction.",
    )


def review_section(cycle: CycleFacts, num: Numbering, waves: tuple[str, ...]) -> Section:
    """The actions agreed after earlier waves, their status, and what their targets did."""
    title = "Review and revise: the actions agreed"
    lead = Paragraph(
        'The model closes each cycle with "review and revise": the group checks what its '
        "last changes did before agreeing the next. In the study behind the model nobody "
        "checked whether learning was embedded. This section closes the loop for the actions "
        "recorded in the project.",
        "lead",
    )
    if not cycle.reviews:
        note = Paragraph(
            "No actions were recorded. After reading the recommendations, record what the "
            "group agrees as the project's actions, each with the scales it should move; "
            "the next report will show whether they moved.",
            "note",
        )
        return Section("sec-review", num.section, title, (lead, note))
    blocks: list[Block] = [lead, _plan_table(cycle, num)]
    if len(waves) < 2:
        blocks.append(
            Paragraph(
                "This report has one survey wave, so it shows the plan only; the changes of "
                "the actions' targets will be reported after the next wave.",
                "note",
            )
        )
    else:
        changes = _changes_table(cycle, num)
        if changes is not None:
            blocks.append(changes)
        blocks.append(Paragraph(ASSOCIATION_CAVEAT, "note"))
    overdue = [r.action for r in cycle.reviews if r.overdue]
    if overdue:
        blocks.append(
            Bullets(
                tuple(
                    f"Action {a.id}, {a.title!r} ({a.owner or 'no owner'}): due "
                    f"{_day(a.due)}, still {a.status_text}."
                    for a in overdue
                ),
                "Overdue",
            )
        )
    return Section("sec-review", num.section, title, tuple(blocks))


def _count(n: int, word: str) -> str:
    """``"one action"``, ``"2 actions"``."""
    return f"one {word}" if n == 1 else f"{n} {word}s"


def _named(reviews: list[ActionReview]) -> str:
    parts = []
    for r in reviews:
        moved = [c for c in r.changes if c.moved in ("improved", "deteriorated")] or list(r.changes)
        detail = "; ".join(
            f"{c.label.lower()} {fmt_signed(c.mean_diff)}, {c.verdict}"
            if c.mean_diff is not None
            else f"{c.label.lower()}: {c.verdict}"
            for c in moved[:2]
        )
        parts.append(f"#{r.action.id} {r.action.title} ({detail})")
    return "; ".join(parts)


def review_messages(cycle: CycleFacts | None, refs: dict[str, tuple[str, str]]) -> list[KeyMessage]:
    """The summary's message: which actions' targets improved, and which did not."""
    if cycle is None or not cycle.reviews:
        return []
    ref_name = "action_changes" if "action_changes" in refs else "actions"
    if ref_name not in refs:
        return []
    ref, label = refs[ref_name]
    reviewed = [r for r in cycle.reviews if r.outcome not in ("not yet", "no targets")]
    overdue = [r for r in cycle.reviews if r.overdue]
    late = (
        f" {_count(len(overdue), 'action').capitalize()} {'is' if len(overdue) == 1 else 'are'} "
        "overdue."
        if overdue
        else ""
    )
    if not reviewed:
        return [
            KeyMessage(
                "The action plan",
                f"{_count(len(cycle.reviews), 'action').capitalize()} recorded; their targets can be "
                f"reviewed after the next survey wave.{late}",
                ref,
                label,
                "action",
            )
        ]
    improved = [r for r in reviewed if r.outcome == "improved"]
    other = [r for r in reviewed if r.outcome != "improved"]
    text = []
    if improved:
        text.append(
            f"Targets improved after {_count(len(improved), 'action')}: {_named(improved)}."
        )
    if other:
        text.append(
            f"Targets did not clearly improve after {_count(len(other), 'action')}: "
            f"{_named(other)}."
        )
    text.append("An association in time, not proof of effect." + late)
    return [
        KeyMessage(
            "Review of the actions agreed",
            " ".join(text),
            ref,
            label,
            "positive" if improved and not other else "neutral",
        )
    ]
