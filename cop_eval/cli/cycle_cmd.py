"""``cop-eval project set|show``, ``cop-eval members set|roster|list`` and
``cop-eval attendance import|show``: the evaluation cycle around the survey waves."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import err, json_option, out, print_json
from cop_eval.cli.project_cmd import _project_required
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE
from cop_eval.store import CONTEXT_FIELDS, Project, RejectedRecord, WaveMembership

__all__ = ["register"]

_MAX_SHOWN = 20


def _table(title: str, columns: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    return table


def _rejected(rows: tuple[RejectedRecord, ...], total: int) -> None:
    for r in rows[:_MAX_SHOWN]:
        err.print(Text(f"  row {r.row}: {r.reason}", style="yellow"))
    if total > min(len(rows), _MAX_SHOWN):
        err.print(Text(f"  … and {total - min(len(rows), _MAX_SHOWN)} more rows not used."))


# -- project set|show ----------------------------------------------------------------------------


@click.group("project")
def project_group() -> None:
    """The project's context: the group, the purpose of the evaluation, its sponsor."""


def _context_options(func: click.decorators.FC) -> click.decorators.FC:
    helps = {
        "name": "The group's name.",
        "purpose": "Why it is evaluated, and for whom.",
        "cadence": "How often and how long it meets.",
        "membership_rules": "Who is a member (and who attends without being one).",
        "sponsor": "The senior sponsor (a role).",
        "evaluator": "Who runs the evaluation.",
    }
    for field in reversed(CONTEXT_FIELDS):
        flag = "--" + field.replace("_", "-")
        func = click.option(flag, field, default=None, metavar="TEXT", help=helps[field])(func)
    return func


@project_group.command("set")
@_project_required
@_context_options
@json_option
def project_set(project_dir: Path, as_json: bool, **fields: str | None) -> None:
    """Set the context shown in the report's "Purpose and context" ("" clears a field)."""
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        options = ", ".join("--" + f.replace("_", "-") for f in CONTEXT_FIELDS)
        raise click.UsageError(f"give at least one of {options}")
    with Project.open(project_dir) as project:
        context = project.set_context(**given)
    if as_json:
        print_json({"project": str(project_dir), "context": context.model_dump(mode="json")})
        return
    out.print(Text(f"Context of {project_dir} updated (recorded in the audit trail)."))
    _print_context(context.fields())


def _print_context(fields: dict[str, str]) -> None:
    if not fields:
        out.print(Text("No context set yet: cop-eval project set --project DIR --name ..."))
        return
    for field, value in fields.items():
        out.print(Text(f"{CONTEXT_FIELDS[field]}: ", style="bold") + Text(value))


@project_group.command("show")
@_project_required
@json_option
def project_show(project_dir: Path, as_json: bool) -> None:
    """Show the project's context, waves, membership, attendance and actions at a glance."""
    with Project.open(project_dir) as project:
        context = project.context()
        waves = project.waves()
        memberships = project.memberships()
        registers = project.attendance_imports()
        actions = project.actions()
    if as_json:
        print_json(
            {
                "project": str(project_dir),
                "context": context.model_dump(mode="json"),
                "waves": [w.label for w in waves],
                "membership": [_membership_json(m) for m in memberships],
                "attendance": [r.model_dump(mode="json") for r in registers],
                "actions": len(actions),
                "open_actions": sum(a.open for a in actions),
            }
        )
        return
    _print_context(context.fields())
    out.print(Text(f"Waves: {', '.join(w.label for w in waves) or 'none yet'}"))
    out.print(
        Text(
            "Membership: "
            + (", ".join(f"{m.wave} ({m.total})" for m in memberships) or "none given")
        )
    )
    meetings = sum(r.meetings for r in registers)
    out.print(Text(f"Attendance: {len(registers)} register(s), {meetings} meeting(s)"))
    out.print(Text(f"Actions: {len(actions)} ({sum(a.open for a in actions)} open)"))


# -- members set|roster|list ---------------------------------------------------------------------


def _membership_json(m: WaveMembership) -> dict[str, object]:
    return {**m.model_dump(mode="json"), "total": m.total}


def parse_member_counts(text: str) -> int | dict[str, int]:
    """``"48"`` → 48; ``"HR=20,Trainers=11"`` → per subgroup."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    counts: dict[str, int] = {}
    for part in text.split(","):
        name, sep, number = part.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit():
            raise click.BadParameter(
                f"expected a number (48) or members per subgroup (HR=20,Trainers=11); got "
                f"{part.strip()!r}",
                param_hint="COUNTS",
            )
        counts[name.strip()] = int(number)
    return counts


@click.group("members")
def members_group() -> None:
    """Who was invited to each wave: a number per subgroup, or a roster of members."""


_wave_required = click.option(
    "--wave", "wave", required=True, metavar="LABEL", help="The wave (it need not be imported yet)."
)


@members_group.command("set")
@click.argument("counts", metavar="N|GROUP=N,..")
@_project_required
@_wave_required
@json_option
def members_set(counts: str, project_dir: Path, wave: str, as_json: bool) -> None:
    """Store how many members were invited to a wave: 48, or HR=20,Trainers=11 per subgroup.

    Give the subgroup names the survey uses. Leave out people who answer but are not members
    (e.g. administrators who attend), so that response rates count members only.
    """
    with Project.open(project_dir) as project:
        stored = project.set_members(wave, parse_member_counts(counts))
        waves = {w.label.casefold() for w in project.waves()}
    if as_json:
        print_json({"project": str(project_dir), "membership": _membership_json(stored)})
        return
    out.print(Text(f"Stored the membership of wave {stored.wave!r}: {stored.total} members."))
    _note_wave_not_imported(stored.wave, waves)


def _note_wave_not_imported(wave: str, waves: set[str]) -> None:
    if wave.casefold() not in waves:
        err.print(
            Text(
                f"note: no wave {wave!r} is imported yet; import it with that label "
                "(`cop-eval waves --project DIR` lists the stored waves).",
                style="yellow",
            )
        )


@members_group.command("roster")
@click.argument("roster_file", type=click.Path(path_type=Path, dir_okay=False))
@_project_required
@_wave_required
@click.option(
    "--id-column",
    default=None,
    metavar="COL",
    help="The column of member ids "
    "(default: email, id, staff number, name, ...). Hashed like survey ids.",
)
@click.option(
    "--group-column",
    default=None,
    metavar="COL",
    help="The subgroup column (default: strand, subgroup, group, role or team when present).",
)
@json_option
def members_roster(
    roster_file: Path,
    project_dir: Path,
    wave: str,
    id_column: str | None,
    group_column: str | None,
    as_json: bool,
) -> None:
    """Store a wave's roster (CSV/XLSX, one member per row); ids are hashed, never stored raw.

    The ids are pseudonymised with the project's key exactly like survey ids, so members are
    matched to respondents: response rates count members only, and consecutive rosters give
    leavers and joiners.
    """
    with Project.open(project_dir) as project:
        outcome = project.import_roster(
            wave, roster_file, id_column=id_column, group_column=group_column
        )
        waves = {w.label.casefold() for w in project.waves()}
    if as_json:
        payload = outcome.model_dump(mode="json")
        payload["membership"] = _membership_json(outcome.membership)
        print_json({"project": str(project_dir), **payload})
        return
    out.print(Text(outcome.message))
    if outcome.rows_rejected:
        err.print(Text("Rows not used:", style="yellow"))
        _rejected(outcome.rejected, outcome.rows_rejected)
    _note_wave_not_imported(outcome.membership.wave, waves)


@members_group.command("list")
@_project_required
@json_option
def members_list(project_dir: Path, as_json: bool) -> None:
    """List the membership of each wave (numbers per subgroup)."""
    with Project.open(project_dir) as project:
        memberships = project.memberships()
    if as_json:
        print_json(
            {"project": str(project_dir), "membership": [_membership_json(m) for m in memberships]}
        )
        return
    if not memberships:
        out.print(
            Text(
                "No membership given yet. Add it with `cop-eval members set` or "
                "`cop-eval members roster`."
            )
        )
        return
    table = _table(
        "Members per wave",
        [("wave", "left"), ("from", "left"), ("subgroup", "left"), ("members", "right")],
    )
    for m in memberships:
        source = (m.source_name or "roster") if m.kind == "roster" else "numbers given"
        for k, (group, n) in enumerate(sorted(m.counts.items())):
            table.add_row(
                Text(m.wave if k == 0 else ""),
                Text(source if k == 0 else ""),
                Text(group or "(whole group)"),
                str(n),
            )
        if m.by_subgroup:
            table.add_row("", "", Text("all", style="bold"), Text(str(m.total), style="bold"))
    out.print(table)


# -- attendance import|show ----------------------------------------------------------------------


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
    """Attach the commands to the main group."""
    cli.add_command(project_group)
    cli.add_command(members_group)
    cli.add_command(attendance_group)
