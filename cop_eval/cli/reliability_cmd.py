"""``cop-eval reliability DATA --instrument ID|PATH [--missing pairwise|listwise] [--json]``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import click
from rich.table import Table
from rich.text import Text

from cop_eval.api import reliability
from cop_eval.cli.common import (
    data_options,
    err,
    instrument_option,
    json_option,
    out,
    print_json,
    project_option,
    wave_option,
)
from cop_eval.cli.loading import one_wave
from cop_eval.measure.reliability import LOW_ALPHA, ReliabilityResult, ScaleReliability


def _num(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def _alpha_text(value: float) -> Text:
    style = "bold red" if math.isfinite(value) and value < LOW_ALPHA else ""
    return Text(_num(value), style=style)


def _scale_table(result: ReliabilityResult, title: str) -> Table:
    scales = Table(
        title=Text(f"{title} - reliability ({result.missing} missing-data handling)"),
        title_justify="left",
    )
    for name, justify in [
        ("scale", "left"),
        ("n", "right"),
        ("items", "right"),
        ("alpha", "right"),
        ("95% CI (Feldt)", "center"),
        ("std alpha", "right"),
        ("average r", "right"),
        ("omega total", "right"),
        ("published alpha", "right"),
    ]:
        scales.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in result.scales:
        published = (
            f"{s.published.alpha:.2f}" + (f" (n={s.published.n})" if s.published.n else "")
            if s.published
            else "-"
        )
        if result.hidden(s):
            scales.add_row(
                Text(f"{s.label} [{s.scale}]"),
                "suppressed",
                str(s.n_items),
                *(["suppressed"] * 5),
                published,
            )
            continue
        scales.add_row(
            Text(f"{s.label} [{s.scale}]"),
            str(s.n),
            str(s.n_items),
            _alpha_text(s.alpha),
            f"{_num(s.alpha_ci[0])} to {_num(s.alpha_ci[1])}",
            _num(s.std_alpha),
            _num(s.average_r),
            _num(s.omega_total),
            published,
        )
    return scales


def _item_table(s: ScaleReliability) -> Table:
    items = Table(title=Text(f"Items of {s.label} [{s.scale}]"), title_justify="left")
    for name, justify in [
        ("item", "left"),
        ("key", "center"),
        ("n", "right"),
        ("item-rest r", "right"),
        ("alpha if deleted", "right"),
    ]:
        items.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i in s.items:
        negative = math.isfinite(i.item_rest_r) and i.item_rest_r < 0
        better = math.isfinite(i.alpha_if_deleted) and i.alpha_if_deleted > s.alpha
        items.add_row(
            i.item,
            "-" if i.reverse else "+",
            str(i.n),
            Text(_num(i.item_rest_r), style="bold red" if negative else ""),
            Text(_num(i.alpha_if_deleted), style="yellow" if better else ""),
        )
    return items


def print_result(result: ReliabilityResult, title: str) -> None:
    """Scale table, one item table per scale, then the warnings."""
    out.print(_scale_table(result, title))
    for s in result.scales:
        if not result.hidden(s):
            out.print(_item_table(s))
    if any(result.hidden(s) for s in result.scales):
        out.print(
            Text(
                f"Scales scored by fewer than {result.privacy.min_group_size} respondents are "
                "suppressed to protect anonymity."
            )
        )
    warnings = [w for s in result.scales if not result.hidden(s) for w in s.warnings]
    if warnings:
        out.print(Text(f"{len(warnings)} warning(s):", style="bold red"))
        for w in warnings:
            out.print(Text(f"  ! {w.message}", style="red"))
    elif all(result.hidden(s) for s in result.scales):
        out.print(
            Text(
                "No reliability is shown, so there is nothing to warn about: every scale was "
                f"scored by fewer than {result.privacy.min_group_size} respondents."
            )
        )
    else:
        shown = "shown " if any(result.hidden(s) for s in result.scales) else ""
        out.print(
            Text(f"No warnings: every {shown}alpha is at least .70 and no item-rest r is negative.")
        )
    out.print(
        Text(
            "Key: '-' = reverse-keyed (scored as min + max - answer). Alpha below .70 in red; "
            "an item whose removal would raise alpha in yellow."
        )
    )


@click.command("reliability")
@click.argument("data", required=False, type=click.Path(path_type=Path, dir_okay=False))
@instrument_option()
@data_options
@project_option
@wave_option
@click.option(
    "--missing",
    type=click.Choice(["pairwise", "listwise"]),
    default="pairwise",
    show_default=True,
    help="pairwise: each covariance from everyone who answered both items (as R psych::alpha); "
    "listwise: only respondents who answered every item of the scale.",
)
@json_option
def reliability_cmd(
    data: Path | None,
    instrument: str,
    fmt: str | None,
    mapping: Path | None,
    sheet: str | None,
    id_column: str | None,
    group_column: str | None,
    project_dir: Path | None,
    wave_label: str | None,
    missing: Literal["pairwise", "listwise"],
    as_json: bool,
) -> None:
    """Alpha (with CI), standardised alpha, average r, omega and item statistics per scale.

    DATA is a survey export; or use --project DIR [--wave LABEL] for a stored wave.
    """
    responses, (inst,) = one_wave(
        data,
        project_dir,
        wave_label,
        [instrument],
        fmt=fmt,
        mapping=mapping,
        sheet=sheet,
        id_column=id_column,
        group_column=group_column,
    )
    result = reliability(responses, inst, missing=missing)
    if as_json:
        print_json(result.to_dict())
        return
    err.print(Text(f"{responses.n} respondents read from {data or responses.source}"))
    print_result(result, inst.title)


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(reliability_cmd)
