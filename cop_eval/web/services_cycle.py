"""The web layer's calls into the library for the evaluation cycle: context, membership,
attendance and actions. Nothing here computes a statistic; every figure a page shows comes from
:mod:`cop_eval.cycle` with the project's privacy policy already applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cop_eval.cycle.attendance import AttendanceSummary, summarise_attendance
from cop_eval.errors import OptionError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.store import (
    ACTION_STATUSES,
    Action,
    AttendanceImport,
    ProjectContext,
    WaveInfo,
    WaveMembership,
)
from cop_eval.web.services import open_project, parse_date

__all__ = [
    "ActionsOverview",
    "CycleOverview",
    "actions_overview",
    "add_action",
    "change_action",
    "cycle_overview",
    "import_attendance",
    "import_roster",
    "parse_counts",
    "set_context",
    "set_members",
]


@dataclass(frozen=True)
class CycleOverview:
    """What the context page shows."""

    context: ProjectContext
    waves: list[WaveInfo]
    memberships: list[WaveMembership]
    registers: list[AttendanceImport]
    attendance: AttendanceSummary | None


def cycle_overview(directory: Path, min_group_size: int) -> CycleOverview:
    """The context, the membership of each wave and the attendance summary (suppressed)."""
    with open_project(directory) as project:
        waves = project.waves()
        memberships = project.memberships()
        rosters = {m.wave: project.roster(m.wave) for m in memberships if m.kind == "roster"}
        records = project.attendance()
        overview = CycleOverview(
            project.context(), waves, memberships, project.attendance_imports(), None
        )
    if not records:
        return overview
    summary = summarise_attendance(
        records,
        [(w.label, w.date) for w in waves],
        rosters,
        privacy=PrivacyPolicy(min_group_size),
    )
    return CycleOverview(overview.context, waves, memberships, overview.registers, summary)


def set_context(directory: Path, values: Mapping[str, str]) -> ProjectContext:
    """Save the context form (blank fields are cleared)."""
    with open_project(directory) as project:
        return project.set_context(**{k: v or None for k, v in values.items()})


def parse_counts(text: str) -> int | dict[str, int]:
    """``48`` or ``HR=20, Trainers=11``; a message that says how to write it otherwise."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    counts: dict[str, int] = {}
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        name, sep, number = part.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit():
            raise OptionError(
                f"'{part.strip()}' is not a number of members. Write one number (48), or one "
                "subgroup per line or comma: HR=20, Trainers=11."
            )
        counts[name.strip()] = int(number)
    if not counts:
        raise OptionError("Give the number of members: one number, or HR=20, Trainers=11.")
    return counts


def set_members(directory: Path, wave: str, counts: str) -> WaveMembership:
    """Store the members of a wave from the form."""
    if not wave:
        raise OptionError("Choose the wave the membership is for.")
    with open_project(directory) as project:
        return project.set_members(wave, parse_counts(counts))


def import_roster(
    directory: Path, wave: str, path: Path, id_column: str | None, group_column: str | None
) -> str:
    """Store an uploaded roster; returns the sentence for the page."""
    if not wave:
        raise OptionError("Choose the wave the roster is for.")
    with open_project(directory) as project:
        outcome = project.import_roster(wave, path, id_column=id_column, group_column=group_column)
    return outcome.message


def import_attendance(
    directory: Path,
    path: Path,
    id_column: str | None,
    date_column: str | None,
    attended_column: str | None,
    day_first: bool | None,
) -> str:
    """Store an uploaded register; returns the sentence for the page."""
    with open_project(directory) as project:
        outcome = project.import_attendance(
            path,
            id_column=id_column,
            date_column=date_column,
            attended_column=attended_column,
            day_first=day_first,
        )
    extra = (
        f" {outcome.stored.rows_rejected} row(s) were not used."
        if outcome.stored.rows_rejected
        else ""
    )
    return outcome.message + extra + "".join(f" {w}" for w in outcome.warnings)


# -- actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionsOverview:
    """What the actions page shows."""

    actions: list[Action]
    waves: list[WaveInfo]
    scales: list[tuple[str, str]]  # (target, label)
    statuses: dict[str, str]
    today: dt.date


def actions_overview(directory: Path) -> ActionsOverview:
    """The actions, and the waves and scales an action can name."""
    with open_project(directory) as project:
        actions = project.actions()
        waves = project.waves()
        instruments = project.instruments()
    scales = [(f"{i.id}.{s.id}", f"{i.title}: {s.label}") for i in instruments for s in i.scales]
    stages = sorted({s.stage for i in instruments for s in i.scales if s.stage is not None})
    scales = [(f"stage:{n}", f"Stage {n} (all its scales)") for n in stages] + scales
    return ActionsOverview(actions, waves, scales, dict(ACTION_STATUSES), dt.date.today())


def add_action(directory: Path, form: Mapping[str, object]) -> Action:
    """Add an action from the form's fields."""
    with open_project(directory) as project:
        return project.add_action(
            str(form.get("title", "")),
            targets=[str(t) for t in form.get("targets", ()) or ()],  # type: ignore[attr-defined]
            agreed_after=str(form.get("agreed_after", "")) or None,
            description=str(form.get("description", "")),
            owner=str(form.get("owner", "")),
            due=parse_date(str(form.get("due", ""))),
            success_measure=str(form.get("success_measure", "")),
            note=str(form.get("note", "")) or None,
        )


def change_action(
    directory: Path, action_id: int, status: str, note: str, note_date: str
) -> Action:
    """Change an action's status and/or add a dated note."""
    with open_project(directory) as project:
        return project.update_action(
            action_id,
            status=status or None,
            note=note or None,
            note_date=parse_date(note_date),
        )


def waves_without_members(directory: Path, labels: Sequence[str]) -> list[str]:
    """The waves among ``labels`` whose number of members the project does not know."""
    with open_project(directory) as project:
        known = {m.wave.casefold() for m in project.memberships()}
    return [label for label in labels if label.casefold() not in known]
