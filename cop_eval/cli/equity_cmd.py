"""``cop-eval equity DATA... --instrument ID --group-column COL [--json]``: subgroup gaps."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import (
    instrument_option,
    json_option,
    labels_option,
    min_group_size_option,
    multi_data_options,
    out,
    print_json,
    project_option,
)
from cop_eval.cli.ledger import ProjectLedger
from cop_eval.cli.loading import waves_from_files, waves_from_project
from cop_eval.compare.equity import EquityResult, Gap, GapTrend, equity_gaps
from cop_eval.compare.grouping import DEFAULT_OTHER_LABEL, group_series, merge_small_groups
from cop_eval.errors import OptionError
from cop_eval.instruments import load_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE, PrivacyPolicy


def _num(value: float, signed: bool = False) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return "<.001" if value < 0.001 else f"{value:.3f}"


def _wave_table(result: EquityResult, wave: str) -> Table:
    table = Table(title=Text(f"{wave}: gap to the rest of the group"), title_justify="left")
    for name, justify in [
        ("scale", "left"),
        (result.group_column, "left"),
        ("n", "right"),
        ("mean", "right"),
        ("rest", "right"),
        ("gap", "right"),
        ("95% CI", "center"),
        ("p (adj.)", "right"),
        ("", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    labels = dict(zip(result.scales, result.scale_labels, strict=True))
    for cell in result.gaps:
        if cell.wave != wave:
            continue
        if not isinstance(cell, Gap):
            table.add_row(
                labels[cell.scale], cell.group, "", Text("suppressed", style="dim"), "", "", "",
                "", Text(cell.reason, style="dim"),
            )  # fmt: skip
            continue
        table.add_row(
            labels[cell.scale],
            cell.group,
            str(cell.n_group),
            _num(cell.mean_group),
            _num(cell.mean_rest),
            _num(cell.gap, signed=True),
            f"{_num(cell.ci[0])} to {_num(cell.ci[1])}",
            f"{_p(cell.p_adjusted)} ({_p(cell.p)})",
            Text("reliable gap", style="bold") if cell.reliable else "",
        )
    return table


def _trend_lines(result: EquityResult) -> list[str]:
    labels = dict(zip(result.scales, result.scale_labels, strict=True))
    lines = []
    for t in result.trends:
        if not isinstance(t, GapTrend):
            continue
        word = "widened" if t.widening else "narrowed"
        sure = "reliably" if t.reliable else "not reliably"
        lines.append(
            f"{labels[t.scale]}, {t.group}: gap {_num(t.gap_first, True)} in {t.from_label}, "
            f"{_num(t.gap_last, True)} in {t.to_label}. Allowing for who answered each wave, "
            f"the gap {word} by {_num(abs(t.change))} ({sure}: 95% CI {_num(t.ci[0])} to "
            f"{_num(t.ci[1])}, p (adj.) {_p(t.p_adjusted)})."
        )
    return lines


def print_result(result: EquityResult, title: str) -> None:
    """Per wave: every subgroup's gap to the rest; then how the gaps moved."""
    out.print(Text(f"{title} by {result.group_column}: {', '.join(result.waves)}", style="bold"))
    if result.merge is not None:
        out.print(Text(result.merge.describe()))
    for wave in result.waves:
        out.print(_wave_table(result, wave))
    for line in _trend_lines(result):
        out.print(Text(line))
    out.print(
        Text(
            "gap: subgroup mean minus the mean of everyone else (Welch t-test); p (adj.): "
            "Benjamini-Hochberg across subgroups x scales of the wave, raw p in brackets. A gap is "
            "reliable when its adjusted p is below .05. Gap trends: a random-intercept model per "
            "subgroup and for the rest, first to last wave (Wald z, BH-adjusted)."
        )
    )


@click.command("equity")
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@instrument_option()
@multi_data_options
@project_option
@labels_option("Wave labels, one per file (or per stored wave), separated by commas.")
@min_group_size_option(DEFAULT_MIN_GROUP_SIZE)
@click.option(
    "--merge-small-groups",
    "merge",
    is_flag=True,
    help="Report subgroups with fewer than --min-group-size respondents in any wave together "
    'as one group "Other" instead of hiding them.',
)
@json_option
def equity_cmd(
    data: tuple[Path, ...],
    instrument: str,
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    project_dir: Path | None,
    labels: str | None,
    min_group_size: int,
    merge: bool,
    as_json: bool,
) -> None:
    """Equity between subgroups: each subgroup's gap to the rest, per scale and wave.

    One DATA file per wave, oldest first (one is enough), or --project DIR; --group-column COL
    names the subgroup column. With two or more waves, also whether each gap widened.
    """
    from cop_eval.cli.compare_cmd import parse_labels
    from cop_eval.measure.scoring import score

    if project_dir is not None and data:
        raise click.UsageError("give DATA files or --project DIR, not both")
    if not group_column:
        raise click.UsageError("name the subgroup column with --group-column COL")
    inst = load_instrument(instrument)
    if project_dir is not None:
        responses = waves_from_project(project_dir, group_column)
        wave_labels = parse_labels(labels, len(responses)) or [
            r.wave or f"wave {k + 1}" for k, r in enumerate(responses)
        ]
    else:
        if not data:
            raise click.UsageError("give one DATA file per wave, or --project DIR")
        wave_labels = parse_labels(labels, len(data)) or [p.stem for p in data]
        responses = waves_from_files(
            data, [inst], wave_labels, fmt=fmt, mapping=mapping, sheet=sheet, id_column=id_column,
            group_column=group_column,
        )  # fmt: skip
    tables: list[ScoreTable] = []
    for r in responses:
        try:
            used = r.instrument(inst.id)
        except KeyError as exc:
            raise OptionError(
                f"wave {r.wave!r} was not imported with instrument {inst.id!r}; re-import it "
                "with the instrument added (--replace)"
            ) from exc
        tables.append(score(r, used))
    name = group_column[0]
    rule = None
    if merge:
        counts = [
            {str(k): int(v) for k, v in group_series(t.groups, name, label).value_counts().items()}
            for t, label in zip(tables, wave_labels, strict=True)
        ]
        rule = merge_small_groups(counts, min_group_size, DEFAULT_OTHER_LABEL)
    privacy = PrivacyPolicy(min_group_size)
    ledger = (
        ProjectLedger(project_dir, responses, wave_labels, name, privacy)
        if project_dir is not None
        else None
    )
    result = equity_gaps(
        tables, name, labels=wave_labels, privacy=privacy, merge=rule,
        withheld=ledger.withheld() if ledger is not None else None,
    )  # fmt: skip
    if ledger is not None:
        ledger.record("equity")
    if as_json:
        print_json(result.to_dict())
        return
    print_result(result, inst.title)


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(equity_cmd)
