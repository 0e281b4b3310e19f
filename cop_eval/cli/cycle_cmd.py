"""``cop-eval project set|show`` and ``cop-eval members set|roster|list``: the evaluation cycle
around the survey waves (``cop-eval attendance`` is in :mod:`cop_eval.cli.attendance_cmd`)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import err, json_option, out, print_json
from cop_eval.cli.project_cmd import _project_required
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


def register(cli: click.Group) -> None:
    """Attach the commands to the main group."""
    cli.add_command(project_group)
    cli.add_command(members_group)
