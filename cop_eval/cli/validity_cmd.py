"""``cop-eval validity DATA1 [DATA2...] --instrument ID|PATH [--group-column COL] [--json]``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import (
    err,
    instrument_option,
    json_option,
    labels_option,
    multi_data_options,
    out,
    print_json,
    project_option,
)
from cop_eval.cli.compare_cmd import parse_labels
from cop_eval.cli.loading import waves_from_files, waves_from_project
from cop_eval.instruments import load_instrument
from cop_eval.measure.validity import validity
from cop_eval.measure.validity_results import (
    DISCRIMINANT_LIMIT,
    FitIndices,
    InvarianceResult,
    ValidityResult,
)


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return "<.001" if value < 0.001 else f"{value:.3f}"


def _signed(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:+.3f}"
    return "+0.000" if text == "-0.000" else text


def _fit_cells(fit: FitIndices) -> list[str]:
    return [
        f"{fit.chisq:.2f}",
        str(fit.df),
        _p(fit.p),
        _num(fit.cfi),
        _num(fit.tli),
        f"{_num(fit.rmsea)} ({_num(fit.rmsea_ci[0])}-{_num(fit.rmsea_ci[1])})",
        _num(fit.srmr),
    ]


_FIT_COLUMNS = ["chi-square", "df", "p", "CFI", "TLI", "RMSEA (90% CI)", "SRMR"]


def _print_fit(result: ValidityResult) -> None:
    assert result.fit is not None
    table = Table(title=Text(f"Model fit ({result.model}, n = {result.n})"), title_justify="left")
    for name in _FIT_COLUMNS:
        table.add_column(name, justify="right")
    table.add_row(*_fit_cells(result.fit))
    out.print(table)
    groups = sorted(
        {entry.group for entry in result.loadings},
        key=list(dict.fromkeys(e.group for e in result.loadings)).index,
    )
    loads = Table(title=Text("Standardised loadings"), title_justify="left")
    loads.add_column("scale")
    loads.add_column("item")
    loads.add_column("key", justify="center")
    for g in groups:
        loads.add_column(g if len(groups) > 1 else "loading", justify="right")
    items = list(dict.fromkeys((e.scale, e.item, e.reverse) for e in result.loadings))
    value = {(e.group, e.item): e.std for e in result.loadings}
    for scale, item, reverse in items:
        cells = [value[(g, item)] for g in groups]
        loads.add_row(
            scale,
            item,
            "-" if reverse else "+",
            *[Text(_num(c, 2), style="yellow" if c < 0.4 else "") for c in cells],
        )
    out.print(loads)
    cors = Table(title=Text("Discriminant validity"), title_justify="left")
    for name in ["group", "scales", "factor r", "HTMT"]:
        cors.add_column(name, justify="left" if name in ("group", "scales") else "right")
    for c in result.factor_correlations:
        style = "bold red" if c.flag else ""
        cors.add_row(
            c.group,
            f"{c.a} / {c.b}",
            Text(_num(c.r, 2), style=style),
            Text(_num(c.htmt, 2), style=style),
        )
    out.print(cors)
    omega = Table(title=Text("Omega per scale (from the model)"), title_justify="left")
    omega.add_column("scale")
    for g in groups:
        omega.add_column(g if len(groups) > 1 else "omega", justify="right")
    for s in result.scales:
        by_group = {v.group: v.value for v in s.omega}
        omega.add_row(f"{s.label} [{s.scale}]", *[_num(by_group.get(g), 2) for g in groups])
    out.print(omega)


def _print_invariance(inv: InvarianceResult) -> None:
    unit = "waves" if inv.across == "waves" else "groups"
    sizes = ", ".join(
        f"{g.label} (n = {g.n if g.n is not None else 'suppressed'}"
        + ("" if g.enough else ", too few")
        + ")"
        for g in inv.groups
    )
    out.print(Text(f"Invariance across {unit}: {sizes}", style="bold"))
    steps = [
        ("configural", inv.configural),
        ("metric", inv.metric),
        ("scalar", inv.scalar),
        ("partial scalar", inv.partial),
    ]
    if any(step is not None for _, step in steps):
        table = Table(title_justify="left")
        table.add_column("model")
        for name in [
            *_FIT_COLUMNS,
            "change in chi-square (df), p",
            "change in CFI",
            "change in RMSEA",
            "holds",
        ]:
            table.add_column(name, justify="right")
        for name, step in steps:
            if step is None:
                continue
            label = name + (f" (free: {', '.join(step.freed)})" if step.freed else "")
            test = (
                ["", "", "", ""]
                if step.holds is None
                else [
                    f"{step.chisq_diff:.2f} ({step.df_diff}), {_p(step.p)}",
                    _signed(step.delta_cfi),
                    _signed(step.delta_rmsea),
                    Text("yes" if step.holds else "no", style="" if step.holds else "bold red"),
                ]
            )
            table.add_row(label, *_fit_cells(step.fit), *test)
        out.print(table)
    out.print(Text(inv.decision_text))
    out.print(Text(inv.criteria, style="dim"))
    for note in inv.notes:
        out.print(Text(f"Note: {note}", style="yellow"))


def print_result(result: ValidityResult, title: str) -> None:
    """Fit, loadings, discriminant validity, omega, invariance, cautions and notes."""
    out.print(
        Text(f"{title} - factor structure ({result.missing} missing-data handling)", style="bold")
    )
    if not result.fitted:
        out.print(Text(f"Not fitted: {result.refused}", style="bold red"))
    else:
        _print_fit(result)
    if result.invariance is not None:
        _print_invariance(result.invariance)
    for s in result.scales:
        if s.caution:
            out.print(Text(f"Caution, {s.label}: {s.caution}.", style="yellow"))
    for note in [*result.left_out, *result.notes]:
        out.print(Text(f"Note: {note}", style="yellow"))
    if result.fitted:
        out.print(
            Text(
                "Key: '-' = reverse-keyed (scored as min + max - answer). Loadings below .40 in "
                f"yellow; factor r or HTMT above {DISCRIMINANT_LIMIT:.2f} in red (the two "
                "scales are hard to tell apart). Fit: CFI and TLI of .90 or more and RMSEA and "
                "SRMR of .08 or less are usually read as acceptable.",
                style="dim",
            )
        )


@click.command("validity")
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@instrument_option()
@multi_data_options
@project_option
@labels_option("Wave labels, one per file, separated by commas.")
@click.option(
    "--missing",
    type=click.Choice(["listwise", "fiml"]),
    default="listwise",
    show_default=True,
    help="listwise: respondents who answered every item (as lavaan by default); fiml: "
    "full-information maximum likelihood, using everyone who answered something.",
)
@json_option
def validity_cmd(
    data: tuple[Path, ...],
    instrument: str,
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    project_dir: Path | None,
    labels: str | None,
    missing: Literal["listwise", "fiml"],
    as_json: bool,
) -> int:
    """Factor structure of the instrument's scales (CFA) and invariance across waves or groups.

    One DATA file: a confirmatory factor analysis (fit, loadings, factor correlations, HTMT,
    omega); with --group-column COL, invariance across its subgroups. Several DATA files (one
    per wave, oldest first) or --project DIR: invariance across the waves. The model is fitted
    only on enough respondents: at least 100, and 5 per free parameter; otherwise the command
    says so and exits with status 1.
    """
    if project_dir is not None and data:
        raise click.UsageError("give DATA files or --project DIR, not both")
    if project_dir is None and not data:
        raise click.UsageError("give one or more DATA files, or --project DIR")
    if len(data) > 1 and group_column:
        raise click.UsageError(
            "--group-column compares the subgroups of one DATA file; with several files the "
            "waves are compared"
        )
    inst = load_instrument(instrument)
    if project_dir is not None:
        if group_column:
            raise click.UsageError(
                "with --project the waves are compared; for subgroups give one DATA file"
            )
        responses = waves_from_project(project_dir, ())
        wave_labels = parse_labels(labels, len(responses))
    else:
        wave_labels = parse_labels(labels, len(data)) or (
            [p.stem for p in data] if len(data) > 1 else None
        )
        responses = waves_from_files(
            data,
            [inst],
            wave_labels,
            fmt=fmt,
            mapping=mapping,
            sheet=sheet,
            id_column=id_column,
            group_column=group_column,
        )
    used = [
        r.instrument(inst.id) if inst.id in {i.id for i in r.instruments} else inst
        for r in responses
    ]
    result = validity(
        responses if len(responses) > 1 else responses[0],
        used[0],
        labels=wave_labels,
        group_column=group_column[0] if group_column else None,
        missing=missing,
    )
    if as_json:
        print_json(result.to_dict())
    else:
        print_result(result, inst.title)
    if not result.fitted:
        reason = result.refused if as_json else "too few respondents (see above)"
        err.print(Text(f"error: no factor model fitted: {reason}"))
        return 1
    return 0


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(validity_cmd)
