"""Reading the commands' data: export files or a project's stored waves, with the hints the
command line adds to an import (missing items, unusable answers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cop_eval.cli.common import err, per_file
from cop_eval.instruments import Instrument

if TYPE_CHECKING:  # pandas is imported by the commands that read data, not by every command
    from cop_eval.responses import ImportReport, ResponseSet


def unify_group_column(responses: Sequence[ResponseSet], name: str) -> list[ResponseSet]:
    """Give every wave's subgroup column the same name, ``name``.

    A wave that already has a column ``name`` is kept; a wave read with exactly one other
    subgroup column has it renamed (files from different platforms, or stored waves imported
    with their own column names); anything else is an error naming the wave and its columns.
    """
    import dataclasses

    from cop_eval.errors import OptionError

    unified = []
    for index, wave in enumerate(responses):
        columns = [str(c) for c in wave.groups.columns]
        if name in columns:
            unified.append(wave)
        elif len(columns) == 1:
            groups = wave.groups.rename(columns={columns[0]: name})
            unified.append(dataclasses.replace(wave, groups=groups))
        else:
            label = wave.wave or f"wave {index + 1}"
            found = ", ".join(columns) or "none"
            raise OptionError(
                f"--group-column {name}: {label} ({wave.source}) has no such subgroup column "
                f"(subgroup columns read: {found}). Give the column once per file, in order."
            )
    return unified


def missing_items_hint(report: ImportReport) -> str | None:
    """A sentence naming the items no column was found for (``None`` when all were found).

    Such items count as unanswered everywhere, so a misspelt column heading quietly lowers
    every score's item count; commands say so instead of scoring in silence.
    """
    missing = report.unmatched_items
    if not missing:
        return None
    count = f"{len(missing)} item" + ("s" if len(missing) > 1 else "")
    return (
        f"{report.source}: {count} not found in the file, counted as unanswered: "
        f"{', '.join(missing)}. Name the column after the item id or the item text, or map it "
        "with --mapping MAP.yaml (docs/import.md); `cop-eval check` lists the file's columns."
    )


def unusable_answers_hint(report: ImportReport) -> str | None:
    """A sentence counting the answers that could not be used (``None`` when there are none)."""
    unparseable = sum(s.unparseable for s in report.items)
    out_of_range = sum(s.out_of_range for s in report.items)
    total = unparseable + out_of_range
    if not total:
        return None
    kinds = [
        f"{n} {what}"
        for n, what in [
            (unparseable, "not a code or label of the answer scale"),
            (out_of_range, "a number outside the scale"),
        ]
        if n
    ]
    answers = "1 answer" if total == 1 else f"{total} answers"
    return (
        f"{report.source}: {answers} could not be used and count as missing ({'; '.join(kinds)}); "
        "`cop-eval check` lists each with its row and column."
    )


def warn_about_input(responses: ResponseSet) -> None:
    """On stderr: the import's own warnings (layout, id column, ambiguous status values), items
    not found in the file, and answers that could not be used."""
    from rich.text import Text

    for warning in responses.report.warnings:
        err.print(Text(f"warning: {responses.source}: {warning}", style="yellow"))
    for hint in [missing_items_hint(responses.report), unusable_answers_hint(responses.report)]:
        if hint is not None:
            err.print(Text(f"warning: {hint}", style="yellow"))


def load_responses(
    path: str | Path,
    instruments: Sequence[Instrument | str | Path],
    *,
    fmt: str | None = None,
    mapping: Path | None = None,
    id_column: str | None = None,
    group_column: str | None = None,
    wave: str | None = None,
    warn: bool = True,
    sheet: str | None = None,
) -> ResponseSet:
    """Read a survey export for a command (instruments given as objects, ids or YAML paths).

    Several files read for one command get one subgroup column name with
    :func:`unify_group_column`. With ``warn`` (the default), items that no column was found
    for, and answers that could not be used, are reported on stderr (:func:`warn_about_input`).
    """
    from cop_eval.cli.keys import user_key
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instruments

    refs = [i for i in instruments if not isinstance(i, Instrument)]
    loaded = iter(load_instruments(refs)) if refs else iter(())
    resolved = [i if isinstance(i, Instrument) else next(loaded) for i in instruments]
    responses = read_responses(
        path,
        resolved,
        format=fmt,
        mapping=mapping,
        id_column=id_column,
        group_columns=(group_column,) if group_column else (),
        wave=wave,
        sheet=sheet,
        key=user_key() if id_column else None,
    )
    if warn:
        warn_about_input(responses)
    return responses


# -- project store (stored waves) ----------------------------------------------------------------


def responses_from_project(
    project_dir: Path, waves: Sequence[str] | None = None
) -> list[ResponseSet]:
    """The stored waves of a project as ResponseSets (``wave`` set to each label).

    Parameters
    ----------
    project_dir
        The project folder (``--project DIR``).
    waves
        Wave labels, returned in this order; ``None`` for every wave in date, then import order.

    Raises
    ------
    StoreError
        No project there, an unknown wave label (the message lists the stored ones), or a
        project without waves.
    """
    from cop_eval.errors import StoreError
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        loaded = project.load_waves(waves)
    if not loaded:
        raise StoreError(
            f"{project_dir}: the project has no waves yet. Add one with `cop-eval import DATA "
            f"--project {project_dir} --wave LABEL --instrument ID`."
        )
    return loaded


def one_wave(
    data: Path | None,
    project_dir: Path | None,
    wave_label: str | None,
    instruments: Sequence[str],
    *,
    fmt: str | None = None,
    mapping: Path | None = None,
    id_column: str | None = None,
    group_column: str | None = None,
    warn: bool = True,
    sheet: str | None = None,
) -> tuple[ResponseSet, tuple[Instrument, ...]]:
    """The one wave a single-wave command works on: a DATA file, or a wave stored in a project.

    Returns the responses and the instruments to use, in the order asked for. For a stored
    wave these are the versions it was imported with (``instruments`` names them by id or
    path; empty means all of them). ``warn`` as for :func:`load_responses` (a stored wave
    was warned about when it was imported).
    """
    from cop_eval.errors import OptionError
    from cop_eval.instruments import load_instrument

    if data is not None and project_dir is not None:
        raise click.UsageError("give a DATA file or --project DIR, not both")
    if data is not None:
        if wave_label is not None:
            raise click.UsageError("--wave goes with --project")
        if not instruments:
            raise click.UsageError("Missing option '--instrument' / '-i'.")
        responses = load_responses(
            data,
            list(instruments),
            fmt=fmt,
            mapping=mapping,
            id_column=id_column,
            group_column=group_column,
            warn=warn,
            sheet=sheet,
        )
        return responses, responses.instruments
    if project_dir is None:
        raise click.UsageError("give a DATA file, or --project DIR (with --wave LABEL)")
    given = [
        ("--format", fmt),
        ("--mapping", mapping),
        ("--id-column", id_column),
        ("--sheet", sheet),
    ]
    used = [name for name, value in given if value is not None]
    if used:
        raise click.UsageError(
            f"{', '.join(used)}: these describe a DATA file; a stored wave was read at import"
        )
    waves = responses_from_project(project_dir, [wave_label] if wave_label else None)
    responses = waves[-1]
    if group_column is not None:
        (responses,) = unify_group_column([responses], group_column)
    if not instruments:
        return responses, responses.instruments
    chosen = []
    for ref in instruments:
        ident = load_instrument(ref).id
        try:
            chosen.append(responses.instrument(ident))
        except KeyError as exc:
            stored = ", ".join(i.id for i in responses.instruments)
            raise OptionError(
                f"wave {responses.wave!r} of {project_dir} was not imported with instrument "
                f"{ident!r}; it holds: {stored}"
            ) from exc
    return responses, tuple(chosen)


def waves_from_files(
    data: Sequence[Path],
    instruments: Sequence[Instrument | str | Path],
    labels: Sequence[str] | None,
    *,
    fmt: str | None,
    mapping: Sequence[str],
    id_column: Sequence[str],
    group_column: Sequence[str],
    sheet: Sequence[str] = (),
) -> list[ResponseSet]:
    """Read one DATA file per wave for a multi-wave command (``compare``, ``report``).

    ``mapping``, ``id_column``, ``group_column`` and ``sheet`` are the repeatable options (once,
    or once per file; a mapping of ``-`` is none for that file); the subgroup column gets the
    first name given in every wave.
    """
    ids = per_file(id_column, len(data), "--id-column")
    groups = per_file(group_column, len(data), "--group-column")
    maps = [
        None if m in (None, "", "-") else Path(m) for m in per_file(mapping, len(data), "--mapping")
    ]
    sheets = per_file(sheet, len(data), "--sheet")
    responses = []
    for index, path in enumerate(data):
        err.print(f"Reading {path} ...", markup=False, highlight=False)
        responses.append(
            load_responses(
                path,
                instruments,
                fmt=fmt,
                mapping=maps[index],
                id_column=ids[index],
                group_column=groups[index],
                wave=labels[index] if labels else None,
                sheet=sheets[index],
            )
        )
    return unify_group_column(responses, group_column[0]) if group_column else responses


def waves_from_project(project_dir: Path, group_column: Sequence[str]) -> list[ResponseSet]:
    """Every stored wave of a project, its subgroup column under the one name given."""
    if len(group_column) > 1:
        raise click.UsageError("with --project, give --group-column once")
    responses = responses_from_project(project_dir)
    return unify_group_column(responses, group_column[0]) if group_column else responses
