"""``cop-eval attendance import|show``: the attendance register of the evaluation cycle."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from cop_eval.cli.common import err, json_option, out, print_json
from cop_eval.cli.cycle_cmd import _rejected
from cop_eval.cli.project_cmd import _project_required
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE
from cop_eval.store import Project

__all__ = ["register"]


@click.group("attendance")
def attendance_group() -> None:
    """The attendance register: who came to which meeting (ids hashed on import)."""


@attendance_group.command("import")
@click.argument("register_file", type=click.Path(path_type=Path, dir_okay=False))
@_project_required
@click.option(
    "--id-column",
    default=None,
    metavar="COL",
    help="The column of member ids or names (default: email, id, name, ...).",
)
@click.option(
    "--date-column",
    default=None,
    metavar="COL",
    help="One row per person and "
    "meeting: the meeting date column (default: meeting date, date, ...). Without "
    "one, columns headed by a date are the meetings.",
)
@click.option(
    "--attended-column",
    default=None,
    metavar="COL",
    help="Attended: yes/no, x, a tick, apologies, or minutes.",
)
@click.option(
    "--minutes-column",
    default=None,
    metavar="COL",
    help="Minutes attended instead (attended when above 0).",
)
@click.option(
    "--group-column",
    default=None,
    metavar="COL",
    help="A subgroup column, when the register has one (else the roster's is used).",
)
@click.option(
    "--month-first",
    "month_first",
    flag_value=True,
    default=None,
    help="Numeric dates such as 03/04/2025 are month first (default: taken from the "
    "data; day first when the data cannot tell).",
)
@click.option(
    "--day-first",
    "month_first",
    flag_value=False,
    help="Numeric dates are day first (as in the UK).",
)
@json_option
def attendance_import(
    register_file: Path,
    project_dir: Path,
    id_column: str | None,
    date_column: str | None,
    attended_column: str | None,
    minutes_column: str | None,
    group_column: str | None,
    month_first: bool | None,
    as_json: bool,
) -> None:
    """Store an attendance register (CSV/XLSX): one row per person and meeting, or one column
    per meeting. Ids (or names) are hashed with the project's key; no name is stored.

    A register replaces the stored records of the meetings it covers; the same file twice
    changes nothing.
    """
    with Project.open(project_dir) as project:
        outcome = project.import_attendance(
            register_file,
            id_column=id_column,
            date_column=date_column,
            attended_column=attended_column,
            minutes_column=minutes_column,
            group_column=group_column,
            day_first=None if month_first is None else not month_first,
        )
    if as_json:
        print_json({"project": str(project_dir), **outcome.model_dump(mode="json")})
        return
    out.print(Text(outcome.message))
    for warning in outcome.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    if outcome.stored.rows_rejected and outcome.action != "unchanged":
        err.print(
            Text(
                "Rows not used (in full or in part); correct them and import again:", style="yellow"
            )
        )
        _rejected(outcome.rejected, outcome.stored.rows_rejected)


@attendance_group.command("show")
@_project_required
@click.option(
    "--min-group-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MIN_GROUP_SIZE,
    show_default=True,
    help="No figure describes fewer people than this.",
)
@json_option
def attendance_show(project_dir: Path, min_group_size: int, as_json: bool) -> None:
    """Attendance per period between waves: meetings, people, rates by subgroup and band."""
    from cop_eval.cli.cycle_views import attendance_json, attendance_tables
    from cop_eval.cycle.attendance import summarise_attendance
    from cop_eval.privacy import PrivacyPolicy

    with Project.open(project_dir) as project:
        records = project.attendance()
        waves = [(w.label, w.date) for w in project.waves()]
        rosters = {
            m.wave: project.roster(m.wave) for m in project.memberships() if m.kind == "roster"
        }
    if not records:
        raise click.UsageError(
            f"no attendance stored in {project_dir} yet; add a register with "
            f"`cop-eval attendance import FILE --project {project_dir}`"
        )
    summary = summarise_attendance(records, waves, rosters, privacy=PrivacyPolicy(min_group_size))
    if as_json:
        print_json({"project": str(project_dir), **attendance_json(summary)})
        return
    for table in attendance_tables(summary):
        out.print(table)


def register(cli: click.Group) -> None:
    """Attach the command group to the main group."""
    cli.add_command(attendance_group)
