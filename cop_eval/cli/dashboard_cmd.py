"""``cop-eval dashboard (DATA... | --project DIR) [--json]``: the report's "At a glance" page.

The lines are taken from the composed report model (:class:`~cop_eval.report.model.Dashboard`),
so the terminal, the JSON and the PDF say the same thing. The whole group only: subgroups are in
``cop-eval equity`` and the report, where the anonymity rules for them apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import (
    err,
    json_option,
    labels_option,
    min_group_size_option,
    multi_data_options,
    out,
    print_json,
    project_option,
)
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE, PrivacyPolicy

__all__ = ["dashboard_cmd", "register"]

_TONE = {"positive": "green", "negative": "dark_orange", "neutral": "", "action": ""}
_STATUS = {"strength": "Strength", "watch": "Watch", "concern": "Concern", "none": "–"}


def _change(value: float | None, tone: str) -> Text:
    """The change as the report prints it (``▲ +0.25``, ``0.00``, ``–``), coloured by tone."""
    from cop_eval.report.filters import fmt_change

    return Text(fmt_change(value), style=_TONE.get(tone, ""))


def _favourable(line: Any) -> str:
    from cop_eval.report.filters import fmt_percent

    if line.favourable is None:
        return fmt_percent(None)
    if line.favourable_lo is None or line.favourable_hi is None:
        return fmt_percent(line.favourable)
    return f"{fmt_percent(line.favourable)} ({fmt_percent(line.favourable_lo)}–{fmt_percent(line.favourable_hi)})"


def _table(board: Any) -> Table:
    from cop_eval.report.filters import fmt_number

    table = Table(title=Text(board.title), title_justify="left")
    table.add_column("stage, factor or level")
    table.add_column("mean", justify="right")
    table.add_column("% favourable (95% CI)", justify="right")
    if board.previous:
        table.add_column(f"since {board.previous}", justify="right")
    if board.first:
        table.add_column(f"since {board.first}", justify="right")
    table.add_column("status")
    table.add_column("why", style="dim")
    for group, lines in board.groups:
        table.add_section()
        table.add_row(Text(group, style="bold"))
        for line in lines:
            cells: list[str | Text] = [
                line.label,
                fmt_number(line.mean),
                _favourable(line),
            ]
            if board.previous:
                cells.append(_change(line.previous, line.previous_tone))
            if board.first:
                cells.append(_change(line.first, line.first_tone))
            cells += [
                _STATUS[line.status],
                "too few respondents" if line.suppressed else line.reason,
            ]
            table.add_row(*cells)
    return table


@click.command("dashboard")
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--instrument",
    "-i",
    "instrument_refs",
    multiple=True,
    metavar="ID|PATH",
    help="A questionnaire (built-in id or YAML path); repeat for several. With --project, the "
    "project's instruments are used when left out.",
)
@project_option
@labels_option("Wave labels, one per file (or per stored wave), separated by commas.")
@click.option(
    "--members",
    default=None,
    metavar="N|GROUP=N,..",
    help="Members invited to each wave (for the response rate), when the project does not "
    "record the membership.",
)
@min_group_size_option(DEFAULT_MIN_GROUP_SIZE)
@multi_data_options
@json_option
def dashboard_cmd(
    data: tuple[Path, ...],
    instrument_refs: tuple[str, ...],
    project_dir: Path | None,
    labels: str | None,
    members: str | None,
    min_group_size: int,
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    as_json: bool,
) -> None:
    """The status of every stage, success factor, identity level and value cycle at a glance.

    The report's first page, in the terminal (or as JSON): the latest mean, % favourable, the
    change since the previous and the first wave, and the status with its reason; then the
    summary's key messages. One DATA file per wave, oldest first, or --project DIR. The whole
    group only: for subgroups see `cop-eval equity` and the report.
    """
    from cop_eval.cli.report_cmd import load_report_waves, parse_members
    from cop_eval.report.build import ReportOptions, build_report_model
    from cop_eval.report.glance import at_a_glance

    if group_column:
        raise click.UsageError(
            "the dashboard describes the whole group; for subgroups use `cop-eval equity "
            "--group-column COL` or the report"
        )
    member_sizes = parse_members(members)
    waves = load_report_waves(
        data, project_dir, instrument_refs, labels, fmt=fmt, mapping=mapping, sheet=sheet,
        id_column=id_column, group_column=(),
    )  # fmt: skip
    options = ReportOptions(
        labels=None if waves.labels is None else tuple(waves.labels),
        privacy=PrivacyPolicy(min_group_size),
        members=member_sizes,
        cycle=waves.cycle,
        wave_dates=waves.wave_dates,
    )
    model = build_report_model(waves.responses, waves.instruments, options)
    if not any(s.id == "sec-dashboard" for s in model.sections):
        raise click.UsageError(
            "these questionnaires have no dashboard (it shows the built-in stages, success "
            "factors, identity levels and value cycle); see `cop-eval compare` for any scale"
        )
    payload = at_a_glance(model)
    if as_json:
        print_json(payload)
        return
    from cop_eval.report.model import Dashboard

    board = next(b for b in model.section("sec-dashboard").blocks if isinstance(b, Dashboard))
    out.print(_table(board))
    for k, message in enumerate(payload["key_messages"], 1):
        out.print(Text(f"{k}. {message['headline']}", style="bold"))
        out.print(Text(f"   {message['text']} (report: {message['where']})"))
    err.print(Text(model.meta.anonymity, style="dim"))


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(dashboard_cmd)
