"""What the report needs from a project beyond the answers: :class:`CycleInputs`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from cop_eval.store.cycle_models import Action, AttendanceRecord, ProjectContext, WaveMembership

if TYPE_CHECKING:
    from cop_eval.store.project import Project

__all__ = ["CycleInputs"]


def _frozen(mapping: Mapping[str, object]) -> MappingProxyType[str, object]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class CycleInputs:
    """The evaluation cycle around the survey, as a report takes it.

    Parameters
    ----------
    context
        The group and the purpose of the evaluation ("Purpose and context").
    memberships, rosters
        Membership per wave label, and the roster (pseudonym → subgroup) of those given as one.
    attendance
        The attendance register (pseudonymised).
    wave_dates
        Each wave's date, for the attendance periods between waves.
    actions
        The actions agreed after waves ("Review and revise").
    as_of
        The date overdue actions are judged against (default: the report's own date, today).
    codings
        Comments coded by hand: coder → comment key → theme ids (the coding sheet's codes).
        With two coders, the report gives their agreement (Cohen's kappa per theme).

    Examples
    --------
    >>> with Project.open(Path("my-cop")) as project:  # doctest: +SKIP
    ...     cycle = CycleInputs.from_project(project)
    """

    context: ProjectContext | None = None
    memberships: Mapping[str, WaveMembership] = field(default_factory=dict)
    rosters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    attendance: tuple[AttendanceRecord, ...] = ()
    wave_dates: Mapping[str, dt.date | None] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    as_of: dt.date | None = None
    codings: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("memberships", "rosters", "wave_dates"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "attendance", tuple(self.attendance))
        object.__setattr__(self, "actions", tuple(self.actions))

    @classmethod
    def from_project(cls, project: Project, *, as_of: dt.date | None = None) -> CycleInputs:
        """Everything the project holds about the cycle (read in a few queries)."""
        memberships = {m.wave: m for m in project.memberships()}
        return cls(
            context=project.context(),
            memberships=memberships,
            rosters={w: project.roster(w) for w, m in memberships.items() if m.kind == "roster"},
            attendance=tuple(project.attendance()),
            wave_dates={w.label: w.date for w in project.waves()},
            actions=tuple(project.actions()),
            as_of=as_of,
            codings={c: project.comments.codes(c) for c in project.comments.coders()},
        )

    def relabelled(self, labels: Mapping[str, str]) -> CycleInputs:
        """The same inputs with waves renamed (``{stored label: report label}``)."""
        folded = {k.casefold(): v for k, v in labels.items()}

        def new(label: str) -> str:
            return folded.get(label.casefold(), label)

        return CycleInputs(
            context=self.context,
            memberships={
                new(k): m.model_copy(update={"wave": new(m.wave)})
                for k, m in self.memberships.items()
            },
            rosters={new(k): v for k, v in self.rosters.items()},
            attendance=self.attendance,
            wave_dates={new(k): v for k, v in self.wave_dates.items()},
            actions=tuple(
                a.model_copy(update={"agreed_after": new(a.agreed_after)}) for a in self.actions
            ),
            as_of=self.as_of,
            codings=self.codings,
        )

    @property
    def is_empty(self) -> bool:
        """Nothing beyond the answers: no context, membership, attendance or actions."""
        return (
            (self.context is None or self.context.is_empty)
            and not self.memberships
            and not self.attendance
            and not self.actions
        )
