"""``cop-eval actions add|list|show|update|close --project DIR``: the group's "review and revise"
action plan. Every change is recorded in the project's audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.text import Text

from cop_eval.cli.actions_view import action_json, actions_table, print_action
from cop_eval.cli.common import err, json_option, out, print_json
from cop_eval.cli.project_cmd import _parse_date, _project_required
from cop_eval.errors import OptionError
from cop_eval.store import Action, Project

__all__ = ["register"]

F = TypeVar("F", bound=Callable[..., Any])


def _date_option(flag: str, help_text: str) -> Callable[[F], F]:
    return click.option(
        flag, callback=_parse_date, default=None, metavar="YYYY-MM-DD", help=help_text
    )


_target = click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="SCALE|stage:N",
    help="A scale it should move (instrument.scale, a scale id or label) or a whole stage "
    "(stage:3); repeat for several.",
)
_owner = click.option("--owner", default=None, metavar="ROLE", help="Who is responsible (a role).")
_description = click.option("--description", default=None, help="What will be done, in detail.")
_success = click.option(
    "--success-measure", default=None, metavar="TEXT", help="How the group will know it worked."
)
_note = click.option("--note", default=None, metavar="TEXT", help="A dated note.")
_note_date = _date_option("--note-date", "The note's date (default: today).")


def _from_recommendation(
    project_dir: Path, number: int, instruments: tuple[str, ...], group_column: str | None
) -> tuple[str, str, str, tuple[str, ...]]:
    """Title, description, the recommendation as text, and its targets (stage:N)."""
    from cop_eval.cli.loading import waves_from_project
    from cop_eval.cycle.inputs import CycleInputs
    from cop_eval.cycle.recommendations import report_recommendations

    responses = waves_from_project(project_dir, (group_column,) if group_column else ())
    with Project.open(project_dir) as project:
        cycle = CycleInputs.from_project(project)
    found = report_recommendations(responses, instruments, group_column=group_column, cycle=cycle)
    if not 1 <= number <= len(found):
        raise OptionError(
            f"--from-recommendation {number}: the report of {project_dir} has "
            f"{len(found)} recommendation(s), numbered 1 to {len(found)} in its "
            "'Recommendations' section (give the same --instrument and --group-column as "
            "the report)."
        )
    rec = found[number - 1]
    targets = (f"stage:{rec.stage}",) if rec.stage is not None else ()
    text = f"Recommendation {number} ({responses[-1].wave}): {rec.title}. {rec.why}"
    return rec.title, rec.action, text, targets


@click.group("actions")
def actions_group() -> None:
    """The actions the group agreed after a survey wave, and what they should move."""


@actions_group.command("add")
@_project_required
@click.option("--title", default=None, help="What will be done, in a line.")
@_target
@click.option(
    "--after",
    "agreed_after",
    default=None,
    metavar="WAVE",
    help="The wave after which it was agreed (default: the latest).",
)
@_owner
@_date_option("--due", "When it should be done.")
@click.option(
    "--status", default="planned", show_default=True, help="planned, under way, done or dropped."
)
@_description
@_success
@_note
@_note_date
@click.option(
    "--from-recommendation",
    "recommendation",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Start from recommendation N of the project's "
    "report (its title, action and stage; the other options override them).",
)
@click.option(
    "--instrument",
    "-i",
    "instruments",
    multiple=True,
    metavar="ID|PATH",
    help="With --from-recommendation: the report's instruments (default: all stored).",
)
@click.option(
    "--group-column",
    default=None,
    metavar="COL",
    help="With --from-recommendation: the report's subgroup column.",
)
@json_option
def add_cmd(
    project_dir: Path,
    title: str | None,
    targets: tuple[str, ...],
    agreed_after: str | None,
    owner: str | None,
    due: dt.date | None,
    status: str,
    description: str | None,
    success_measure: str | None,
    note: str | None,
    note_date: dt.date | None,
    recommendation: int | None,
    instruments: tuple[str, ...],
    group_column: str | None,
    as_json: bool,
) -> None:
    """Record an action agreed after a wave (e.g. from one of the report's recommendations)."""
    source = None
    if recommendation is not None:
        rec_title, action_text, source, rec_targets = _from_recommendation(
            project_dir, recommendation, instruments, group_column
        )
        title = title or rec_title
        description = description if description is not None else action_text
        targets = targets or rec_targets
    elif instruments or group_column:
        raise click.UsageError("--instrument and --group-column go with --from-recommendation")
    if not title:
        raise click.UsageError("give --title (what will be done), or --from-recommendation N")
    with Project.open(project_dir) as project:
        action = project.add_action(
            title,
            targets=targets,
            agreed_after=agreed_after,
            description=description or "",
            owner=owner or "",
            due=due,
            status=status,
            success_measure=success_measure or "",
            recommendation=source,
            note=note,
            note_date=note_date,
        )
        waves = [w.label for w in project.waves()]
    if as_json:
        print_json({"project": str(project_dir), "action": action_json(action)})
        return
    out.print(Text(f"Added action {action.id} (recorded in the audit trail)."))
    print_action(action)
    _note_unknown_wave(action.agreed_after, waves)
    if not action.targets:
        err.print(
            Text(
                "note: without --target the report cannot say whether it moved anything.",
                style="yellow",
            )
        )


def _note_unknown_wave(wave: str, waves: list[str]) -> None:
    """Warn when an action follows a wave the project does not hold (a typo, or not yet imported)."""
    if wave.casefold() in {w.casefold() for w in waves}:
        return
    stored = ", ".join(waves) or "none yet"
    err.print(
        Text(
            f"note: no wave {wave!r} is imported (waves: {stored}); the report compares the "
            "action's targets from that wave once a wave of that label is imported "
            "(change it with `actions update ID --after WAVE`).",
            style="yellow",
        )
    )


@actions_group.command("list")
@_project_required
@click.option("--status", default=None, help="Only actions with this status.")
@click.option("--notes", "with_notes", is_flag=True, help="Show each action in full, with notes.")
@json_option
def list_cmd(project_dir: Path, status: str | None, with_notes: bool, as_json: bool) -> None:
    """List the actions (overdue ones marked)."""
    with Project.open(project_dir) as project:
        actions = project.actions(status)
    if as_json:
        today = dt.date.today()
        print_json(
            {
                "project": str(project_dir),
                "actions": [{**action_json(a), "overdue": a.overdue(today)} for a in actions],
            }
        )
        return
    if not actions:
        out.print(
            Text(
                "No actions yet. Add one with `cop-eval actions add --project DIR "
                "--title ... --target SCALE`."
            )
        )
        return
    if with_notes:
        for action in actions:
            print_action(action)
        return
    out.print(actions_table(actions, dt.date.today()))


@actions_group.command("show")
@click.argument("action_id", type=int, metavar="ID")
@_project_required
@json_option
def show_cmd(action_id: int, project_dir: Path, as_json: bool) -> None:
    """Show one action with its notes."""

    with Project.open(project_dir) as project:
        action = project.action(action_id)
    if as_json:
        print_json({"project": str(project_dir), "action": action_json(action)})
        return
    print_action(action)


@actions_group.command("update")
@click.argument("action_id", type=int, metavar="ID")
@_project_required
@click.option("--title", default=None, help="A new title.")
@_target
@click.option("--clear-targets", is_flag=True, help="Remove every target.")
@click.option(
    "--after",
    "agreed_after",
    default=None,
    metavar="WAVE",
    help="The wave after which it was agreed.",
)
@_owner
@_date_option("--due", "A new due date.")
@click.option("--clear-due", is_flag=True, help="Remove the due date.")
@click.option("--status", default=None, help="planned, under way, done or dropped.")
@_description
@_success
@_note
@_note_date
@json_option
def update_cmd(
    action_id: int,
    project_dir: Path,
    title: str | None,
    targets: tuple[str, ...],
    clear_targets: bool,
    agreed_after: str | None,
    owner: str | None,
    due: dt.date | None,
    clear_due: bool,
    status: str | None,
    description: str | None,
    success_measure: str | None,
    note: str | None,
    note_date: dt.date | None,
    as_json: bool,
) -> None:
    """Change an action; a status change and any --note are added to its dated notes."""
    if clear_targets and targets:
        raise click.UsageError("give --target or --clear-targets, not both")
    if clear_due and due:
        raise click.UsageError("give --due or --clear-due, not both")
    with Project.open(project_dir) as project:
        before = project.action(action_id)
        action = project.update_action(
            action_id,
            title=title,
            targets=() if clear_targets else (targets or None),
            agreed_after=agreed_after,
            owner=owner,
            due=due,
            clear_due=clear_due,
            status=status,
            description=description,
            success_measure=success_measure,
            note=note,
            note_date=note_date,
        )
        waves = [w.label for w in project.waves()]
    _report_change(project_dir, before, action, as_json)
    if agreed_after is not None and not as_json:
        _note_unknown_wave(action.agreed_after, waves)


def _report_change(project_dir: Path, before: Action, action: Action, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "project": str(project_dir),
                "changed": action != before,
                "action": action_json(action),
            }
        )
        return
    if action == before:
        out.print(Text(f"Action {action.id} is unchanged (nothing new was given)."))
        return
    out.print(Text(f"Updated action {action.id} (recorded in the audit trail)."))
    print_action(action)


@actions_group.command("close")
@click.argument("action_id", type=int, metavar="ID")
@_project_required
@click.option("--dropped", is_flag=True, help="Close it as dropped (default: done).")
@_note
@_note_date
@json_option
def close_cmd(
    action_id: int,
    project_dir: Path,
    dropped: bool,
    note: str | None,
    note_date: dt.date | None,
    as_json: bool,
) -> None:
    """Close an action as done (or --dropped), with an optional dated note."""
    with Project.open(project_dir) as project:
        before = project.action(action_id)
        action = project.close_action(
            action_id, status="dropped" if dropped else "done", note=note, note_date=note_date
        )
    _report_change(project_dir, before, action, as_json)


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(actions_group)
