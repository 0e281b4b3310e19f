"""The evaluation cycle's facts for the report: context, participation, attendance, actions.

:func:`cycle_facts` calls :mod:`cop_eval.cycle` (participation from the membership, attendance
per period, scores by attendance band, and the review of each action's targets) and arranges
what they return as :class:`CycleFacts`. Every count and figure in it has been through the
privacy policy already: a hidden one is ``None`` with ``suppressed`` set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cop_eval.cycle.association import AttendanceAssociation, by_attendance
from cop_eval.cycle.attendance import AttendanceSummary, periods_between, summarise_attendance
from cop_eval.cycle.inputs import CycleInputs
from cop_eval.cycle.participation import Participation, participation
from cop_eval.cycle.review import ActionReview, review_actions
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.responses import ResponseSet
from cop_eval.store.cycle_models import CONTEXT_FIELDS, Action

__all__ = ["CycleFacts", "cycle_facts"]


@dataclass(frozen=True, slots=True)
class CycleFacts:
    """What the report shows about the cycle around the survey.

    ``context`` holds ``(label, text)`` pairs in form order; ``wave_dates`` the waves' dates
    (``None`` when not given); ``association`` the latest wave's scores by attendance band.
    """

    context: tuple[tuple[str, str], ...]
    wave_dates: tuple[tuple[str, dt.date | None], ...]
    participation: Participation | None
    attendance: AttendanceSummary | None
    association: AttendanceAssociation | None
    reviews: tuple[ActionReview, ...]
    as_of: dt.date
    registers: int = 0

    @property
    def has_actions(self) -> bool:
        """Whether any action was recorded."""
        return bool(self.reviews)

    def plan_for(self, title: str) -> Action | None:
        """The action agreed on a recommendation with this title (the latest, open first).

        An action matches when it was created from the recommendation (``cop-eval actions add
        --from-recommendation N`` keeps "Recommendation N (wave): TITLE. ...") or carries its
        title. Its owner, due date and success measure are the plan for that recommendation.
        """
        key = title.strip().casefold()
        matches = [
            r.action
            for r in self.reviews
            if r.action.title.strip().casefold() == key
            or f": {key}." in (r.action.recommendation or "").casefold()
        ]
        matches.sort(key=lambda a: (a.open, a.id))
        return matches[-1] if matches else None


def _dates(inputs: CycleInputs, labels: Sequence[str]) -> tuple[tuple[str, dt.date | None], ...]:
    by_label = {k.casefold(): v for k, v in inputs.wave_dates.items()}
    return tuple((label, by_label.get(label.casefold())) for label in labels)


def _association(
    inputs: CycleInputs,
    dates: tuple[tuple[str, dt.date | None], ...],
    per_wave: Sequence[Sequence[ScoreTable]],
    privacy: PrivacyPolicy,
) -> AttendanceAssociation | None:
    if not inputs.attendance or not per_wave:
        return None
    latest, _ = dates[-1]
    period = next((p for p in periods_between(dates) if p.closes == latest), None)
    if period is None:
        return None
    return by_attendance(latest, period, inputs.attendance, per_wave[-1], privacy=privacy)


def cycle_facts(
    inputs: CycleInputs,
    responses: Sequence[ResponseSet],
    labels: Sequence[str],
    per_instrument: Mapping[str, Sequence[ScoreTable]],
    *,
    group_column: str | None,
    privacy: PrivacyPolicy,
    report_date: dt.date | None = None,
) -> CycleFacts:
    """Arrange the cycle for the report.

    Parameters
    ----------
    inputs
        What the project holds (:meth:`CycleInputs.from_project`).
    responses, labels
        The report's waves, in time order.
    per_instrument
        Score tables per instrument id, one per wave.
    group_column
        The report's subgroup column.
    privacy
        The anonymity rule.
    report_date
        The report's date: overdue actions are those due before it (default: today; an
        ``as_of`` in the inputs wins).
    """
    as_of = inputs.as_of or report_date or dt.date.today()
    dates = _dates(inputs, labels)
    context = inputs.context.fields() if inputs.context is not None else {}
    part = (
        participation(
            responses,
            labels,
            inputs.memberships,
            inputs.rosters,
            group_column=group_column,
            privacy=privacy,
        )
        if inputs.memberships
        else None
    )
    attendance = (
        summarise_attendance(inputs.attendance, dates, inputs.rosters, privacy=privacy)
        if inputs.attendance
        else None
    )
    per_wave = [[tables[w] for tables in per_instrument.values()] for w in range(len(labels))]
    reviews = review_actions(inputs.actions, per_instrument, labels, as_of=as_of, privacy=privacy)
    return CycleFacts(
        context=tuple((CONTEXT_FIELDS[k], v) for k, v in context.items()),
        wave_dates=dates,
        participation=part,
        attendance=attendance,
        association=_association(inputs, dates, per_wave, privacy),
        reviews=reviews,
        as_of=as_of,
    )
