"""``cop-eval score DATA --instrument ID|PATH [--id-column COL] [--out scores.csv] [--json]``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import click
import pandas as pd
from rich.table import Table
from rich.text import Text

from cop_eval.api import score
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
from cop_eval.errors import OptionError
from cop_eval.instruments import ContinuumClassification, ProfileClassification
from cop_eval.measure.classification import profile
from cop_eval.measure.continuum import NOT_CLASSIFIED, STATUS_SUFFIX, continuum_summary
from cop_eval.measure.csv_out import write_csv
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY


def _num(value: float, digits: int = 2) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


def scores_frame(
    table: ScoreTable, id_column: str | None, rows: Sequence[int] | None = None
) -> pd.DataFrame:
    """The ``--out`` CSV: the source row number (``row``, as ``check`` numbers rows), the id
    column (when given and read), one column per scale, classification columns."""
    parts: list[pd.DataFrame | pd.Series] = []
    if rows is not None:
        parts.append(pd.Series(list(rows), name="row", dtype="int64"))
    if id_column and table.respondent_ids is not None:
        # An id column blank in every row was read as none (the import warned about it).
        ids = table.respondent_ids.reset_index(drop=True).rename(id_column)
        parts.append(ids)
    scores = table.scores.reset_index(drop=True)
    clash = [
        c for c in table.classifications.columns if c in scores.columns or c in (id_column, "row")
    ]
    if clash:
        raise OptionError(
            f"classification id(s) {', '.join(clash)} equal a scale id or the id column; "
            "rename the classification in the instrument"
        )
    parts.append(scores)
    parts.append(table.classifications.reset_index(drop=True))
    return pd.concat(parts, axis=1)


def _print_overview(table: ScoreTable) -> None:
    instrument = table.instrument
    overview = Table(
        title=Text(f"{instrument.title} - scale scores ({table.n} respondents)"),
        title_justify="left",
    )
    for name, justify in [
        ("scale", "left"),
        ("method", "left"),
        ("n scored", "right"),
        ("mean", "right"),
        ("SD", "right"),
        ("range", "right"),
    ]:
        overview.add_column(name, justify=justify)  # type: ignore[arg-type]
    for scale in instrument.scales:
        values = table.scores[scale.id].dropna()
        n = int(values.size)
        hidden = DEFAULT_PRIVACY.hides(n)
        k = len(instrument.items_of(scale.id))
        rs = instrument.response_scale_of(instrument.items_of(scale.id)[0].id)
        factor = k if scale.method == "sum" else 1
        overview.add_row(
            Text(f"{scale.label} [{scale.id}]"),
            scale.method,
            str(n),
            "suppressed" if hidden else _num(float(values.mean())),
            "suppressed" if hidden or n < 2 else _num(float(values.std(ddof=1))),
            f"{rs.min * factor}-{rs.max * factor}",
        )
    out.print(overview)
    if table.n and any(
        DEFAULT_PRIVACY.hides(int(table.scores[s.id].notna().sum())) for s in instrument.scales
    ):
        out.print(
            Text(
                f"Figures describing fewer than {DEFAULT_PRIVACY.min_group_size} respondents are "
                "suppressed to protect anonymity."
            )
        )


def _print_continuum(table: ScoreTable, rule: ContinuumClassification) -> None:
    summary = continuum_summary(
        table.classifications[rule.id],
        rule,
        table.classifications.get(rule.id + STATUS_SUFFIX),
    )
    levels = Table(title=Text(f"{rule.label} [{rule.id}]"), title_justify="left")
    for name, justify in [
        ("level", "left"),
        ("members", "right"),
        ("%", "right"),
        ("95% CI", "center"),
    ]:
        levels.add_column(name, justify=justify)  # type: ignore[arg-type]
    hidden = DEFAULT_PRIVACY.hides(summary.n_classified)
    for lc in summary.levels:
        levels.add_row(
            Text(lc.label),
            "suppressed" if hidden else str(lc.count),
            "suppressed" if hidden else _num(lc.percent, 1),
            "" if hidden else f"{_num(lc.ci[0], 1)} to {_num(lc.ci[1], 1)}",
        )
    out.print(levels)
    group = "suppressed" if hidden else summary.group_text
    why = "; ".join(f"{n} {NOT_CLASSIFIED[reason]}" for reason, n in summary.not_classified)
    out.print(
        Text(
            f"Group classified as (median of {summary.n_classified} classified members): "
            f"{group}; not classified: {summary.n_unclassified}" + (f" ({why})" if why else "")
        )
    )


def _print_profile(table: ScoreTable, rule: ProfileClassification) -> None:
    result = profile(table.scores, rule)
    if any(DEFAULT_PRIVACY.hides(s.n) for s in result.scales):
        out.print(
            Text(
                f"{rule.label}: suppressed (fewer than "
                f"{DEFAULT_PRIVACY.min_group_size} respondents)"
            )
        )
        return
    labels = {s.id: s.label for s in table.instrument.scales}
    out.print(Text(f"{rule.label} [{rule.id}]", style="bold"))
    for kind, named_scale, margin, tie in [
        ("strongest", result.strongest, result.strongest_margin, result.strongest_tie),
        ("weakest", result.weakest, result.weakest_margin, result.weakest_tie),
    ]:
        note = " (a tie: margin below the tie margin)" if tie else ""
        named = f"{labels[named_scale]} (margin {_num(margin)}){note}" if named_scale else "-"
        out.print(Text(f"  {kind}: {named}"))


def print_summary(table: ScoreTable) -> None:
    """n, mean and SD per scale, and each classification's distribution (never row by row)."""
    _print_overview(table)
    for rule in table.instrument.classification:
        if isinstance(rule, ContinuumClassification):
            _print_continuum(table, rule)
        elif isinstance(rule, ProfileClassification):
            _print_profile(table, rule)


@click.command("score")
@click.argument("data", required=False, type=click.Path(path_type=Path, dir_okay=False))
@instrument_option()
@data_options
@project_option
@wave_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="scores.csv",
    help="Write one row per respondent: the source row number (`row`, as `cop-eval check` "
    "numbers rows), the id column (with --id-column, pseudonymised), one column per scale, then the respondent's level on each continuum classification. Without "
    "it a summary is printed (with the group's profile classifications).",
)
@json_option
def score_cmd(
    data: Path | None,
    instrument: str,
    fmt: str | None,
    mapping: Path | None,
    sheet: str | None,
    id_column: str | None,
    group_column: str | None,
    project_dir: Path | None,
    wave_label: str | None,
    out_path: Path | None,
    as_json: bool,
) -> None:
    """Score every scale (and classification) of an instrument for each respondent.

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
    table = score(responses, inst)
    rejected = responses.report.rows_rejected
    err.print(
        Text(
            f"Scored {table.n} respondents on {len(inst.scales)} scales of {inst.id}"
            + (
                f"; {rejected} row{'' if rejected == 1 else 's'} rejected (`cop-eval check` "
                "says why)"
                if rejected
                else ""
            )
        )
    )
    if as_json:
        print_json(table.to_dict())
    if out_path is None:
        if not as_json:
            print_summary(table)
        return
    # A stored wave has a `respondent` column of pseudonyms when it was imported with ids.
    stored_ids = project_dir is not None and table.respondent_ids is not None
    rows = responses.row_numbers.tolist() if len(responses.row_numbers) == table.n else None
    frame = scores_frame(table, id_column or ("respondent" if stored_ids else None), rows)
    try:
        write_csv(frame, out_path, float_format="%.10g")
    except OSError as exc:
        raise OptionError(f"--out {out_path}: cannot write the file ({exc.strerror})") from exc
    err.print(Text(f"Wrote {out_path} ({len(frame)} rows, {len(frame.columns)} columns)"))


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(score_cmd)
