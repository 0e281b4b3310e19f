"""``cop-eval compare DATA1 DATA2 [DATA3...] --instrument ID|PATH [--id-column COL] [--json]``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import click
from rich.table import Table
from rich.text import Text

from cop_eval.api import compare_waves
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
from cop_eval.compare.results import PairComparison, ScaleComparison, SuppressedCell, WaveComparison
from cop_eval.errors import OptionError
from cop_eval.instruments import load_instrument
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE, PrivacyPolicy
from cop_eval.stats.ttests import PairedTest


def _num(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return "<.001" if value < 0.001 else f"{value:.3f}"


def parse_labels(text: str | None, count: int) -> list[str] | None:
    """``"T1,T2"`` → ``["T1", "T2"]``, checked against the number of waves."""
    if text is None:
        return None
    labels = [part.strip() for part in text.split(",")]
    if len(labels) != count or any(not label for label in labels):
        raise click.UsageError(
            f"--labels needs {count} non-empty, comma-separated labels (one per wave), got {text!r}"
        )
    return labels


def _scale_table(sc: ScaleComparison) -> Table:
    table = Table(title=Text(f"{sc.label} [{sc.scale}]"), title_justify="left")
    for name, justify in [
        ("wave", "left"),
        ("n", "right"),
        ("mean", "right"),
        ("SD", "right"),
        ("95% CI", "center"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for cell in sc.waves:
        if isinstance(cell, SuppressedCell):
            table.add_row(cell.label, "", Text("suppressed", style="dim"), "", Text(cell.reason))
        else:
            table.add_row(
                cell.label,
                str(cell.n),
                _num(cell.mean),
                _num(cell.sd),
                f"{_num(cell.ci[0])} to {_num(cell.ci[1])}",
            )
    return table


def _comparison_table(sc: ScaleComparison) -> Table:
    which = {
        "lower_is_better": " (lower is better)",
        "neutral": " (neither higher nor lower is better)",
    }
    title = f"Change in {sc.label}{which.get(sc.direction, '')}"
    table = Table(
        title=Text(title),
        title_justify="left",
        caption="detectable: the smallest change the comparison could detect with 80% power "
        "(two-sided, .05), standardised and in scale points",
        caption_justify="left",
    )
    for name, justify in [
        ("waves", "left"),
        ("design", "left"),
        ("n", "right"),
        ("change", "right"),
        ("95% CI", "center"),
        ("p (adj.)", "right"),
        ("effect", "right"),
        ("detectable", "right"),
        ("verdict", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in sc.comparisons:
        if isinstance(c, SuppressedCell):
            table.add_row(
                f"{c.label} -> {c.to_label}",
                "",
                "",
                Text("suppressed", style="dim"),
                "",
                "",
                "",
                "",
                Text(c.reason),
            )
            continue
        assert isinstance(c, PairComparison)
        t = c.test
        effect = f"d_av {_num(t.d_av)}" if isinstance(t, PairedTest) else f"g {_num(t.hedges_g)}"
        n = f"{c.n} matched" if c.design == "paired" else f"{c.n_from}+{c.n_to}"
        style = "bold" if c.verdict.certainty == "likely real" else ""
        found = c.detectable()
        smallest = (
            "-"
            if found is None
            else f"{found.effect_name} {found.effect:.2f}"
            + (f" ({found.points:.2f} pts)" if math.isfinite(found.points) else "")
        )
        table.add_row(
            f"{c.from_label} -> {c.to_label}",
            c.design,
            n,
            f"{c.mean_diff:+.2f}" if math.isfinite(c.mean_diff) else "-",
            f"{_num(c.test.ci[0])} to {_num(c.test.ci[1])}",
            f"{_p(c.p_adjusted)} ({_p(c.p)})",
            effect,
            smallest,
            Text(c.verdict.text, style=style),
        )
    return table


def print_result(result: WaveComparison, title: str) -> None:
    """Per scale: wave means with CI, then each change with effect size and verdict (and a note
    under a scale whose waves were scored from different items)."""
    waves = ", ".join(f"{w.label} (n={w.n})" for w in result.waves)
    out.print(Text(f"{title}: {waves}", style="bold"))
    for sc in result.scales:
        out.print(_scale_table(sc))
        if sc.items_note:
            out.print(Text(f"Note: {sc.items_note}", style="yellow"))
        if sc.comparisons:
            out.print(_comparison_table(sc))
        if sc.trend is not None:
            t = sc.trend
            parts = ", ".join(f"{k} {v:+.2f} (SE {t.se[k]:.2f})" for k, v in t.estimates.items())
            state = "" if t.converged else " [NOT CONVERGED]"
            out.print(Text(f"Trend against {result.waves[0].label}: {parts}{state}. {t.note}"))
        elif sc.trend_note:
            out.print(Text(sc.trend_note))
        for group in sc.subgroups:
            if group.fully_suppressed:
                cells = (*group.waves, *group.comparisons)
                why = "; ".join(
                    dict.fromkeys(c.reason for c in cells if isinstance(c, SuppressedCell))
                )
                out.print(Text(f"  {group.group}: suppressed ({why})", style="dim"))
                continue
            verdicts = "; ".join(
                f"{c.from_label}->{c.to_label}: {c.verdict.text}"
                if isinstance(c, PairComparison)
                else f"{c.label}->{c.to_label}: suppressed"
                for c in group.comparisons
            )
            out.print(Text(f"  {group.group}: {verdicts}"))
    for note in result.notes:
        out.print(Text(f"Note: {note}"))
    out.print(
        Text(
            "p (adj.): Holm across scales (Benjamini-Hochberg across subgroups x scales), raw p in "
            "brackets. Effect: d_av (paired) or Hedges' g (independent); the verdict needs both a "
            "95% CI that excludes zero and an adjusted p below .05."
        )
    )


@click.command("compare")
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@instrument_option()
@multi_data_options
@project_option
@labels_option(
    "Wave labels, one per file, separated by commas (with --project: one per stored wave, "
    "instead of the stored labels)."
)
@click.option(
    "--design",
    type=click.Choice(["auto", "paired", "independent"]),
    default="auto",
    show_default=True,
    help="auto: paired on respondents matched by --id-column when at least --min-group-size "
    "answered both waves, independent otherwise.",
)
@min_group_size_option(DEFAULT_MIN_GROUP_SIZE)
@json_option
def compare_cmd(
    data: tuple[Path, ...],
    instrument: str,
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    project_dir: Path | None,
    labels: str | None,
    design: Literal["auto", "paired", "independent"],
    min_group_size: int,
    as_json: bool,
) -> None:
    """Compare scale scores across waves: change, effect size, verdict (and trend for 3+ waves).

    One DATA file per survey wave, oldest first; or --project DIR for every wave stored in a
    project, in date order. With --project, give --group-column COL once: each stored wave's
    subgroup column is used under that name.
    """
    if project_dir is not None and data:
        raise click.UsageError("give DATA files or --project DIR, not both")
    inst = load_instrument(instrument)
    group_name = group_column[0] if group_column else None
    if project_dir is not None:
        responses = waves_from_project(project_dir, group_column)
        wave_labels = parse_labels(labels, len(responses)) or [
            r.wave or f"wave {k + 1}" for k, r in enumerate(responses)
        ]
    else:
        if len(data) < 2:
            raise click.UsageError("give at least two DATA files (one per wave), or --project DIR")
        wave_labels = parse_labels(labels, len(data)) or [p.stem for p in data]
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
    if len(responses) < 2:
        raise OptionError("compare needs at least two waves; the project has only one")
    for r in responses:
        try:
            r.instrument(inst.id)
        except KeyError as exc:
            held = ", ".join(i.id for i in r.instruments)
            raise OptionError(
                f"wave {r.wave!r} was not imported with instrument {inst.id!r} (it holds: "
                f"{held}); compare needs the questionnaire in every wave. With --project every "
                "stored wave is compared: re-import that wave with the instrument added "
                "(--replace), or keep waves of other questionnaires in a separate project"
            ) from exc
    privacy = PrivacyPolicy(min_group_size)
    ledger = (
        ProjectLedger(project_dir, responses, wave_labels, group_name, privacy)
        if project_dir is not None and group_name is not None
        else None
    )
    result = compare_waves(
        responses,
        inst,
        labels=wave_labels,
        design=design,
        group_column=group_name,
        privacy=privacy,
        withheld=ledger.withheld() if ledger is not None else None,
    )
    if ledger is not None:
        ledger.record("compare")
    if as_json:
        print_json(result.to_dict())
        return
    print_result(result, inst.title)


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(compare_cmd)
