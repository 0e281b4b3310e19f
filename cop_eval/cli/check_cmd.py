"""``cop-eval check DATA --instrument ID [--instrument ...] [--json]``: the import report."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import (
    data_options,
    instrument_option,
    json_option,
    out,
    print_json,
    project_option,
    wave_option,
)
from cop_eval.cli.loading import missing_items_hint, one_wave
from cop_eval.responses import ImportReport

_SHOWN_ROWS = 50


def plain(value: object) -> Text:
    """Text from a data file, made safe to print: never read as rich markup, and control
    characters (terminal escape sequences, line breaks) shown as visible escapes such as
    ``\\x1b``."""
    text = str(value)
    if not text.isprintable():
        text = "".join(
            ch
            if ch.isprintable()
            else (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
            for ch in text
        )
    return Text(text)


def _table(title: str, *columns: tuple[str, str]) -> Table:
    table = Table(title=Text(title), title_justify="left")
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    return table


def _print_summary(report: ImportReport) -> None:
    summary = _table("Import summary", ("", "left"), ("", "left"))
    summary.show_header = False
    details = [
        ("file", report.source),
        ("format", report.format),
        ("encoding", report.encoding or "-"),
        ("delimiter", repr(report.delimiter) if report.delimiter else "-"),
        ("rows read", str(report.rows_read)),
        ("rows accepted", str(report.rows_accepted)),
        ("rows rejected", str(report.rows_rejected)),
        ("partial responses (a whole scale blank)", str(report.partial_responses)),
        ("incomplete responses (an item skipped)", str(report.incomplete_responses)),
        ("straight-lining rows", str(len(report.straight_liners))),
        ("duplicate ids", str(len(report.duplicate_ids))),
    ]
    for key, value in details:
        summary.add_row(key, plain(value))
    out.print(summary)


def _print_matches(report: ImportReport) -> None:
    matched = _table(
        "Items and columns", ("item", "left"), ("column", "left"), ("matched by", "left")
    )
    for match in report.matches:
        matched.add_row(match.item, plain(match.column), match.how)
    for item in report.unmatched_items:
        matched.add_row(item, Text("(not found)", style="red"), "-")
    out.print(matched)
    if report.unused_columns:
        out.print(plain("Columns not used: " + ", ".join(report.unused_columns)))
    hint = missing_items_hint(report)
    if hint is not None:
        out.print(plain(hint), style="red")


def _print_counts(report: ImportReport) -> None:
    counts = _table(
        "Answers per item (accepted rows)",
        ("item", "left"),
        ("answered", "right"),
        ("missing", "right"),
        ("of which missing labels", "right"),
        ("out of range", "right"),
        ("unparseable", "right"),
    )
    for s in report.items:
        counts.add_row(
            s.item,
            str(s.answered),
            str(s.missing),
            str(s.missing_label),
            str(s.out_of_range),
            str(s.unparseable),
        )
    out.print(counts)


def _print_problems(report: ImportReport) -> None:
    if report.rejected:
        rejected = _table("Rejected rows", ("row", "right"), ("reason", "left"))
        for row in report.rejected[:_SHOWN_ROWS]:
            rejected.add_row(str(row.row), plain(row.reason))
        out.print(rejected)
        if len(report.rejected) > _SHOWN_ROWS:
            out.print(
                Text(f"... and {len(report.rejected) - _SHOWN_ROWS} more (use --json for all).")
            )
    if report.value_problems:
        problems = _table(
            "Values treated as missing",
            ("row", "right"),
            ("column", "left"),
            ("item", "left"),
            ("value", "left"),
            ("problem", "left"),
        )
        for p in report.value_problems[:_SHOWN_ROWS]:
            problems.add_row(
                str(p.row), plain(p.column), p.item, plain(p.value), p.problem.replace("_", " ")
            )
        out.print(problems)
        hidden = len(report.value_problems) - _SHOWN_ROWS + report.value_problems_truncated
        if hidden > 0:
            out.print(Text(f"... and {hidden} more (use --json for the listed ones)."))
    if report.straight_liners:
        shown = ", ".join(map(str, report.straight_liners[:_SHOWN_ROWS]))
        more = " ..." if len(report.straight_liners) > _SHOWN_ROWS else ""
        out.print(Text(f"Same answer to every item (flagged, kept): rows {shown}{more}"))


def print_report(report: ImportReport) -> None:
    """Print an import report as tables (every cell from the file is shown as plain text)."""
    _print_summary(report)
    _print_matches(report)
    _print_counts(report)
    _print_problems(report)
    for warning in report.warnings:
        out.print(plain(f"warning: {warning}"), style="yellow")


@click.command("check")
@click.argument("data", required=False, type=click.Path(path_type=Path))
@instrument_option(multiple=True, required=False)
@data_options
@project_option
@wave_option
@json_option
def check_cmd(
    data: Path | None,
    instrument: tuple[str, ...],
    fmt: str | None,
    mapping: Path | None,
    sheet: str | None,
    id_column: str | None,
    group_column: str | None,
    project_dir: Path | None,
    wave_label: str | None,
    as_json: bool,
) -> None:
    """Show what was read from DATA, how columns matched items, and which rows were rejected.

    With --project DIR [--wave LABEL], show the import report stored with a wave.
    """
    responses, _ = one_wave(
        data,
        project_dir,
        wave_label,
        instrument,
        fmt=fmt,
        mapping=mapping,
        sheet=sheet,
        id_column=id_column,
        group_column=group_column,
        warn=False,
    )
    if as_json:
        print_json(responses.to_dict())
    else:
        print_report(responses.report)


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(check_cmd)
