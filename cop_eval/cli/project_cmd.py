"""``cop-eval init DIR``, ``cop-eval import DATA --project DIR --wave LABEL ...`` and
``cop-eval waves --project DIR [--audit]``: the project store on the command line."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import data_options, instrument_option, json_option, out, print_json
from cop_eval.cli.loading import warn_about_input
from cop_eval.errors import StoreError
from cop_eval.store import AuditEntry, ImportOutcome, Project, WaveInfo, sha256_file

_project_required = click.option(
    "--project",
    "project_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="The project folder (made by `cop-eval init DIR`).",
)

_KEY_WARNING = (
    "secret.key pseudonymises respondent ids. Back it up together with the project, and never "
    "share it or send it with the data: whoever holds it and a staff list can re-identify "
    "respondents, and without it waves imported later cannot be matched to stored ones."
)


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init_cmd(directory: Path) -> None:
    """Create a project in DIRECTORY: a database of waves and a secret key for pseudonyms."""
    with Project.create(directory) as project:
        out.print(Text(f"Created project {directory}"))
        out.print(Text(f"  {project.database_path}  waves, answers and the audit trail"))
        out.print(Text(f"  {project.key_path}  the project's secret key (private to you)"))
    out.print(Text(f"Important: {_KEY_WARNING}", style="bold"))
    out.print(
        Text(
            f"Next: cop-eval import DATA --project {directory} --wave LABEL "
            "[--date YYYY-MM-DD] --instrument ID"
        )
    )


def _wave_json(info: WaveInfo) -> dict[str, object]:
    payload = info.model_dump(mode="json")
    payload["n"] = info.n
    return payload


def _outcome_json(project: Project, outcome: ImportOutcome) -> dict[str, object]:
    return {
        "project": str(project.directory),
        "action": outcome.action,
        "message": outcome.message,
        "wave": _wave_json(outcome.wave),
        "previous": _wave_json(outcome.previous) if outcome.previous else None,
    }


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """``--date``: a calendar date written year first, ``2025-03-15``."""
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError as exc:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            problem = "is not a date in the calendar"
        else:
            problem = "is not written as YYYY-MM-DD (year, month, day)"
        raise click.BadParameter(
            f"{value!r} {problem}; write it year first, for example 2025-03-15 for 15 March 2025"
        ) from exc


@click.command("import")
@click.argument("data", type=click.Path(path_type=Path, dir_okay=False))
@_project_required
@click.option(
    "--wave", "label", required=True, metavar="LABEL", help="Name of the wave, e.g. 2025-spring."
)
@click.option(
    "--date",
    "wave_date",
    callback=_parse_date,
    default=None,
    metavar="YYYY-MM-DD",
    help="When the survey ran, e.g. 2025-03-15 for 15 March 2025; waves are ordered by it.",
)
@instrument_option(multiple=True)
@data_options
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a stored wave of the same label (recorded in the audit trail).",
)
@json_option
def import_cmd(
    data: Path,
    project_dir: Path,
    label: str,
    wave_date: dt.date | None,
    instrument: tuple[str, ...],
    fmt: str | None,
    mapping: Path | None,
    sheet: str | None,
    id_column: str | None,
    group_column: str | None,
    replace: bool,
    as_json: bool,
) -> None:
    """Add the survey export DATA to a project as one wave (all of it, or nothing).

    Respondent ids (--id-column) are pseudonymised with the project's key before anything is
    stored. Importing a file that is already stored changes nothing.
    """
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instruments

    with Project.open(project_dir) as project:
        digest = sha256_file(data)
        outcome = project.already_stored(digest, label, replace=replace, source_name=data.name)
        if outcome is None:
            responses = read_responses(
                data,
                load_instruments(instrument),
                format=fmt,
                mapping=mapping,
                sheet=sheet,
                id_column=id_column,
                group_columns=(group_column,) if group_column else (),
                wave=label,
                key=project.key,
            )
            outcome = project.add_wave(
                responses,
                label,
                date=wave_date,
                source_sha256=digest,
                source_name=data.name,
                replace=replace,
            )
            warn_about_input(responses)
        if as_json:
            print_json(_outcome_json(project, outcome))
            return
        out.print(Text(outcome.message))
        wave = outcome.wave
        if outcome.action != "unchanged":
            dated = f", dated {wave.date}" if wave.date else ""
            out.print(
                Text(
                    f"  {wave.rows_read} rows read, {wave.rows_accepted} accepted, "
                    f"{wave.rows_rejected} rejected{dated}; sha256 {wave.source_sha256}"
                )
            )
            if wave.rows_rejected:
                # Quoted for the shell: a user copies this line, and column headings have spaces.
                options = [f"--instrument {shlex.quote(i)}" for i in instrument]
                for flag, value in [
                    ("--format", fmt),
                    ("--mapping", mapping),
                    ("--sheet", sheet),
                    ("--id-column", id_column),
                    ("--group-column", group_column),
                ]:
                    if value is not None:
                        options.append(f"{flag} {shlex.quote(str(value))}")
                command = f"cop-eval check {shlex.quote(str(data))} {' '.join(options)}"
                out.print(Text(f"  Why rows were rejected: {command}"))


def _waves_table(waves: list[WaveInfo]) -> Table:
    table = Table(title="Waves", title_justify="left")
    for name, justify in [
        ("wave", "left"),
        ("date", "left"),
        ("respondents", "right"),
        ("rejected", "right"),
        ("instruments", "left"),
        ("ids", "center"),
        ("groups", "left"),
        ("file", "left"),
        ("imported", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for w in waves:
        table.add_row(
            Text(w.label),
            str(w.date) if w.date else "-",
            str(w.rows_accepted),
            str(w.rows_rejected),
            ", ".join(f"{i.id} {i.version}" for i in w.instruments),
            "yes" if w.has_ids else "no",
            Text(", ".join(w.group_columns) or "-"),
            Text(w.source_name),
            Text(f"{w.imported_at:%Y-%m-%d %H:%M} UTC by {w.imported_by}"),
        )
    return table


def _audit_table(entries: list[AuditEntry]) -> Table:
    table = Table(title="Audit trail", title_justify="left")
    for name, justify in [
        ("when (UTC)", "left"),
        ("who", "left"),
        ("action", "left"),
        ("wave", "left"),
        ("file", "left"),
        ("sha256", "left"),
        ("read", "right"),
        ("accepted", "right"),
        ("rejected", "right"),
        ("version", "left"),
        ("detail", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for e in entries:
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            Text(e.who),
            e.action,
            Text(e.wave or "-"),
            Text(e.file_name or "-"),
            e.file_sha256[:12] if e.file_sha256 else "-",
            "-" if e.rows_read is None else str(e.rows_read),
            "-" if e.rows_accepted is None else str(e.rows_accepted),
            "-" if e.rows_rejected is None else str(e.rows_rejected),
            e.cop_eval_version,
            Text(e.detail or ""),
        )
    return table


@click.command("waves")
@_project_required
@click.option("--audit", "show_audit", is_flag=True, help="Also list the audit trail.")
@click.option(
    "--verify",
    "verify",
    is_flag=True,
    help="Check the audit trail's chain, each wave's seal and the stored answers against the "
    "project key, and list every sign of an edit made outside cop-eval.",
)
@json_option
def waves_cmd(project_dir: Path, show_audit: bool, verify: bool, as_json: bool) -> None:
    """List the waves stored in a project (and, with --audit, who changed what and when)."""
    if verify:
        _verify(project_dir)
        return
    with Project.open(project_dir) as project:
        waves = project.waves()
        entries = project.audit() if show_audit else []
        if as_json:
            payload: dict[str, object] = {
                "project": str(project.directory),
                "schema_version": project.schema_version,
                "waves": [_wave_json(w) for w in waves],
            }
            if show_audit:
                payload["audit"] = [e.model_dump(mode="json") for e in entries]
            print_json(payload)
            return
        if waves:
            out.print(_waves_table(waves))
        else:
            out.print(
                Text(
                    f"No waves in {project_dir} yet. Add one with: cop-eval import DATA "
                    f"--project {project_dir} --wave LABEL --instrument ID"
                )
            )
        if show_audit:
            out.print(_audit_table(entries))


def _verify(project_dir: Path) -> None:
    with Project.open(project_dir, verify=False) as project:
        problems = project.verify()
        entries, waves = len(project.audit()), len(project.waves())
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise StoreError(
            f"{project_dir}: {len(problems)} sign(s) of an edit made outside cop-eval:\n"
            f"{listed}\nRestore project.sqlite from a backup. What is and is not protected: "
            "docs/projects.md, 'Tamper evidence'."
        )
    out.print(
        Text(
            f"{project_dir}: no sign of an edit made outside cop-eval ({entries} audit "
            f"entries chained, {waves} wave(s) sealed, answers match their checksums)."
        )
    )


def register(cli: click.Group) -> None:
    """Attach the commands to the main group."""
    cli.add_command(init_cmd)
    cli.add_command(import_cmd)
    cli.add_command(waves_cmd)
