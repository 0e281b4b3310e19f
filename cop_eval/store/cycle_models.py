"""What the store hands back about the evaluation cycle: context, membership, attendance, actions.

The cycle of the model for professional groups (strategic direction → identity and knowledge
sharing → reflection and transfer, closed by "review and revise") needs more than survey answers:
why the group is evaluated and for whom (:class:`ProjectContext`), who was invited to each wave
(:class:`WaveMembership`), who came to the meetings (:class:`AttendanceRecord`), and what the
group agreed to change after a wave (:class:`Action`). Members and attendees are pseudonyms
(``p_`` + 20 hex digits), never raw ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from cop_eval.models import FrozenModel

__all__ = [
    "ACTION_STATUSES",
    "CONTEXT_FIELDS",
    "Action",
    "ActionNote",
    "ActionStatus",
    "AttendanceImport",
    "AttendanceOutcome",
    "AttendanceRecord",
    "ProjectContext",
    "RejectedRecord",
    "RosterOutcome",
    "WaveMembership",
]

ActionStatus = Literal["planned", "under_way", "done", "dropped"]
#: Statuses in the order an action moves through them, with the words a report uses.
ACTION_STATUSES: dict[str, str] = {
    "planned": "planned",
    "under_way": "under way",
    "done": "done",
    "dropped": "dropped",
}

#: The context fields a project holds, with the label a report or form shows.
CONTEXT_FIELDS: dict[str, str] = {
    "name": "Group",
    "purpose": "Purpose of the evaluation",
    "cadence": "Meetings",
    "membership_rules": "Membership",
    "sponsor": "Sponsor",
    "evaluator": "Evaluation run by",
}


class ProjectContext(FrozenModel):
    """The group and the purpose of its evaluation (the report's "Purpose and context").

    Attributes
    ----------
    name
        The group's name, e.g. "HR Professional Group".
    purpose
        Why it is evaluated and for whom.
    cadence
        How often and how long it meets, e.g. "monthly, two hours, in working hours".
    membership_rules
        Who is a member (and who attends without being one).
    sponsor
        The senior sponsor (a role).
    evaluator
        Who runs the evaluation (a leader-run survey may be answered more favourably).
    updated_at
        When a field was last changed (``None``: nothing set yet).
    """

    name: str | None = None
    purpose: str | None = None
    cadence: str | None = None
    membership_rules: str | None = None
    sponsor: str | None = None
    evaluator: str | None = None
    updated_at: dt.datetime | None = None

    def fields(self) -> dict[str, str]:
        """The fields that are set, in :data:`CONTEXT_FIELDS` order."""
        return {k: v for k in CONTEXT_FIELDS if (v := getattr(self, k))}

    @property
    def is_empty(self) -> bool:
        """True when no field is set."""
        return not self.fields()


class WaveMembership(FrozenModel):
    """Who was invited to (eligible for) one wave: numbers per subgroup, or a roster.

    Attributes
    ----------
    wave
        The wave label (the wave need not be imported yet).
    kind
        ``counts`` (numbers given) or ``roster`` (a list of members, pseudonymised on import).
    counts
        Members per subgroup; the key ``""`` is the whole group when no subgroups were given.
    source_name, source_sha256
        The roster file's name and the SHA-256 of its bytes (``None`` for counts).
    set_at, set_by
        When (UTC) and by which operating-system user the membership was stored.
    """

    wave: str
    kind: Literal["counts", "roster"]
    counts: dict[str, int]
    source_name: str | None = None
    source_sha256: str | None = None
    set_at: dt.datetime
    set_by: str

    @property
    def total(self) -> int:
        """Members in all subgroups together."""
        return sum(self.counts.values())

    @property
    def by_subgroup(self) -> bool:
        """Whether the membership is broken down by subgroup."""
        return set(self.counts) != {""}


class AttendanceRecord(FrozenModel):
    """One person at one meeting: ``attended``, and the minutes when the register gave them."""

    member: str = Field(pattern=r"^p_[0-9a-f]{20}$")
    meeting_date: dt.date
    attended: bool
    minutes: float | None = None
    subgroup: str | None = None


class AttendanceImport(FrozenModel):
    """One attendance register stored in the project (its provenance)."""

    id: int
    source_name: str
    source_sha256: str
    imported_at: dt.datetime
    imported_by: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    meetings: int
    first_meeting: dt.date | None
    last_meeting: dt.date | None


class RejectedRecord(FrozenModel):
    """A row of a roster or register that was not used, and why (never quoting the id)."""

    row: int
    reason: str


class RosterOutcome(FrozenModel):
    """What ``Project.import_roster`` did: the membership stored, and the rows not used."""

    action: Literal["stored", "replaced", "unchanged"]
    membership: WaveMembership
    rows_read: int
    rows_rejected: int
    rejected: tuple[RejectedRecord, ...] = ()
    message: str


class AttendanceOutcome(FrozenModel):
    """What ``Project.import_attendance`` did.

    ``action``: ``imported`` (new meetings), ``replaced`` (the records of meetings already on
    file were replaced by this register's) or ``unchanged`` (this very file is stored; nothing
    was written). ``stored`` describes the register as stored.
    """

    action: Literal["imported", "replaced", "unchanged"]
    stored: AttendanceImport
    people: int
    replaced_meetings: int = 0
    rejected: tuple[RejectedRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    message: str


class ActionNote(FrozenModel):
    """A dated note on an action; ``status`` is the status it set (``None``: unchanged)."""

    date: dt.date
    text: str
    status: ActionStatus | None = None
    recorded_at: dt.datetime
    recorded_by: str


class Action(FrozenModel):
    """Something the group agreed to change after a wave, and what it should move.

    Attributes
    ----------
    id
        Its number in the project (1, 2, ...).
    title, description
        What will be done.
    owner
        Who is responsible (a role, not a name).
    targets
        What it should improve: ``instrument_id.scale_id`` keys, or ``stage:N`` for every
        scale of a stage of the model.
    agreed_after
        The wave after which it was agreed; the report compares its targets from this wave on.
    due
        When it should be done.
    status
        planned, under_way, done or dropped.
    success_measure
        How the group will know it worked (e.g. "time to reflect above 3.5 at the next wave").
    recommendation
        The report recommendation it was created from, as it read then (``None``: none).
    notes
        Dated notes, oldest first.
    """

    id: int
    title: str
    description: str = ""
    owner: str = ""
    targets: tuple[str, ...] = ()
    agreed_after: str
    due: dt.date | None = None
    status: ActionStatus = "planned"
    success_measure: str = ""
    recommendation: str | None = None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    notes: tuple[ActionNote, ...] = ()

    @property
    def open(self) -> bool:
        """Planned or under way."""
        return self.status in ("planned", "under_way")

    def overdue(self, as_of: dt.date) -> bool:
        """Open, with a due date before ``as_of``."""
        return self.open and self.due is not None and self.due < as_of

    @property
    def status_text(self) -> str:
        """The status in words ("under way")."""
        return ACTION_STATUSES[self.status]
