"""``cop-eval report DATA1 [DATA2...] --instrument ID... --out report.pdf [--html ...] [--xlsx ...]``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.text import Text

from cop_eval.cli.common import (
    codebook_for,
    err,
    labels_option,
    min_group_size_option,
    multi_data_options,
    project_option,
)
from cop_eval.cli.loading import waves_from_files, waves_from_project
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instruments
from cop_eval.outputs import write_atomic
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE
from cop_eval.responses import ResponseSet

if TYPE_CHECKING:
    from cop_eval.comments.results import CommentAnalysis
    from cop_eval.cycle.inputs import CycleInputs
    from cop_eval.privacy.differencing import Release
    from cop_eval.report.chart_pool import ChartPool
    from cop_eval.report.facts import ParticipationFacts
    from cop_eval.report.model import ReportModel
    from cop_eval.report.render import ChartImage

__all__ = [
    "ReportWaves",
    "check_sources",
    "load_report_waves",
    "parse_labels",
    "parse_members",
    "register",
    "report_cmd",
]


def parse_labels(text: str | None, count: int) -> list[str] | None:
    """``"Spring 2024,Autumn 2024"`` → a list; one label per data file."""
    if text is None:
        return None
    labels = [part.strip() for part in text.split(",")]
    if len(labels) != count or any(not label for label in labels):
        raise click.BadParameter(
            f"give {count} non-empty label(s) separated by commas, one per wave; got {text!r}",
            param_hint="--labels",
        )
    return labels


def parse_members(text: str | None) -> int | dict[str, int] | None:
    """``"48"`` → 48; ``"HR=22,Trainers=9"`` → sizes per subgroup."""
    if text is None:
        return None
    text = text.strip()
    if text.isdigit():
        return int(text)
    sizes: dict[str, int] = {}
    for part in text.split(","):
        name, sep, number = part.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit():
            raise click.BadParameter(
                f"expected a number (48) or subgroup sizes (HR=22,Trainers=9); got {part!r}",
                param_hint="--members",
            )
        sizes[name.strip()] = int(number)
    return sizes


def _instruments(refs: tuple[str, ...], responses: list[ResponseSet]) -> tuple[Instrument, ...]:
    if refs:
        return load_instruments(refs)
    if responses:
        return responses[0].instruments
    raise OptionError("give at least one --instrument ID (see `cop-eval instruments list`)")


def _stored_dates(project_dir: Path) -> tuple[str | None, ...]:
    """The survey dates of the stored waves, in the order the waves are reported."""
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        return tuple(w.date.isoformat() if w.date else None for w in project.waves())


def _check_stored_instruments(
    project_dir: Path, responses: list[ResponseSet], instruments: tuple[Instrument, ...]
) -> None:
    """Every stored wave must hold every instrument of the report; name the first that does not."""
    for wave in responses:
        held = [i.id for i in wave.instruments]
        missing = [i.id for i in instruments if i.id not in held]
        if missing:
            raise OptionError(
                f"{project_dir}: wave {wave.wave!r} was not imported with "
                f"{', '.join(missing)} (it holds: {', '.join(held)}); the report needs each "
                "instrument in every stored wave. Name the instruments all waves hold with "
                "--instrument, re-import that wave with the others added (--replace), or keep "
                "surveys of other questionnaires in a separate project"
            )


def _cycle_of(
    project_dir: Path, responses: list[ResponseSet], labels: list[str] | None
) -> CycleInputs:
    """The project's context, membership, attendance and actions, under the report's labels."""
    from cop_eval.cycle.inputs import CycleInputs
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        cycle = CycleInputs.from_project(project)
    if labels is None:
        return cycle
    return cycle.relabelled({str(rs.wave): new for rs, new in zip(responses, labels, strict=True)})


def check_sources(data: tuple[Path, ...], project_dir: Path | None) -> None:
    """DATA files or a project, not both and not neither (a usage error)."""
    if project_dir is not None and data:
        raise click.UsageError("give DATA files or --project DIR, not both")
    if project_dir is None and not data:
        raise click.UsageError("give at least one DATA file (one per wave), or --project DIR")


@dataclass(frozen=True, slots=True)
class ReportWaves:
    """What a report-shaped command (``report``, ``dashboard``) reads: the waves, oldest first,
    their instruments and labels, and with ``--project`` the cycle and the survey dates."""

    responses: list[ResponseSet]
    instruments: tuple[Instrument, ...]
    labels: list[str] | None
    cycle: CycleInputs | None = None
    wave_dates: tuple[str | None, ...] | None = None


def load_report_waves(
    data: tuple[Path, ...],
    project_dir: Path | None,
    instrument_refs: tuple[str, ...],
    labels: str | None,
    **data_options: Any,
) -> ReportWaves:
    """The DATA files (read with ``data_options``: fmt, mapping, sheet, id_column,
    group_column) or the project's stored waves (see :func:`check_sources`)."""
    check_sources(data, project_dir)
    if project_dir is not None:
        responses = waves_from_project(project_dir, data_options.get("group_column", ()))
        wave_labels = parse_labels(labels, len(responses))
        instruments = _instruments(instrument_refs, responses)
        _check_stored_instruments(project_dir, responses, instruments)
        return ReportWaves(
            responses,
            instruments,
            wave_labels,
            _cycle_of(project_dir, responses, wave_labels),
            _stored_dates(project_dir),
        )
    wave_labels = parse_labels(labels, len(data))
    instruments = _instruments(instrument_refs, [])
    responses = waves_from_files(data, instruments, wave_labels, **data_options)
    return ReportWaves(responses, instruments, wave_labels)


def _released(project_dir: Path) -> tuple[Release, ...]:
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        return tuple(project.releases())


def _record_released(
    project_dir: Path,
    responses: list[ResponseSet],
    participation: ParticipationFacts,
    comments: CommentAnalysis | None = None,
) -> None:
    """Record what the report showed (subgroups, and the commenters its comments section
    counts), so that a later report cannot difference against it."""
    import datetime as dt

    from cop_eval.comments.analysis import NO_GROUP
    from cop_eval.comments.released import comment_releases
    from cop_eval.report.build_groups import report_releases
    from cop_eval.store import Project

    what = f"report of {dt.date.today().isoformat()}"
    with Project.open(project_dir) as project:
        if project.read_only:
            err.print(
                Text(
                    "note: the project folder is read-only, so what this report shows is not "
                    "recorded: a later report cannot take it into account (differencing rule)."
                )
            )
            return
        releases = report_releases(responses, participation, what)
        if comments is not None:
            releases += comment_releases(responses, participation.waves, comments, what, NO_GROUP)
        project.record_releases(releases)


@click.command("report")
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--instrument",
    "-i",
    "instrument_refs",
    multiple=True,
    metavar="ID|PATH",
    help="A built-in instrument id or a YAML file; repeat for several. With --project, the "
    "project's instruments are used when left out.",
)
@click.option(
    "--out",
    "out_pdf",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the PDF report.",
)
@click.option(
    "--html",
    "out_html",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the report as one self-contained HTML file.",
)
@click.option(
    "--xlsx",
    "out_xlsx",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the tables behind the report to an Excel workbook.",
)
@click.option(
    "--csv-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Also write the tables behind the report as CSV files into this folder.",
)
@labels_option(
    "Wave labels, one per file, separated by commas (with --project: one per stored wave, "
    "instead of the stored labels)."
)
@click.option(
    "--members",
    default=None,
    metavar="N|GROUP=N,..",
    help="Membership size for response rates: a number, or sizes per subgroup.",
)
@min_group_size_option(DEFAULT_MIN_GROUP_SIZE)
@click.option(
    "--title",
    default="Community of Practice evaluation",
    show_default=True,
    help="Shown on the cover and in the page header.",
)
@click.option("--organisation", default=None, help="Shown on the cover and in the page footer.")
@click.option(
    "--codebook",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="CB.yaml",
    help="Themes for 'What members said' (default: DIR/codebook.yaml of --project DIR, or built-in).",
)
@click.option(
    "--min-comment-group-size",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Fewest people whose comments are counted or quoted (default 10, never below "
    "--min-group-size).",
)
@click.option(
    "--merge-small-groups",
    "merge",
    is_flag=True,
    help="Report subgroups with fewer than --min-group-size respondents in any wave together "
    'as one group "Other" instead of hiding them; the methods state the rule.',
)
@multi_data_options
@project_option
def report_cmd(
    data: tuple[Path, ...],
    instrument_refs: tuple[str, ...],
    out_pdf: Path,
    out_html: Path | None,
    out_xlsx: Path | None,
    csv_dir: Path | None,
    labels: str | None,
    members: str | None,
    min_group_size: int,
    title: str,
    organisation: str | None,
    codebook: Path | None,
    min_comment_group_size: int | None,
    merge: bool,
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    project_dir: Path | None,
) -> None:
    """Write the board report (PDF; optionally HTML and the tables as XLSX/CSV).

    One DATA file per survey wave, oldest first; or --project DIR for every wave stored in a
    project, in date order. With --project, give --group-column COL once: each stored wave's
    subgroup column is used under that name.
    """
    from cop_eval.cli.comments_cmd import policy_of
    from cop_eval.compare.grouping import DEFAULT_OTHER_LABEL
    from cop_eval.report.build import ReportOptions, build_report_facts
    from cop_eval.report.chart_pool import ChartPool
    from cop_eval.report.compose import compose_report
    from cop_eval.report.render import chart_images

    check_sources(data, project_dir)  # before the folder checks: the usage error first
    member_sizes = parse_members(members)
    for option, target in [("--out", out_pdf), ("--html", out_html), ("--xlsx", out_xlsx)]:
        # Say so before minutes of work, not after.
        if target is not None and not target.resolve().parent.is_dir():
            raise OptionError(
                f"{option} {target}: the folder {target.resolve().parent} does not exist; "
                "create it first or write somewhere else"
            )
    group_name = group_column[0] if group_column else None
    pool = ChartPool()  # a helper process starts now: it is ready by the time charts are drawn
    waves = load_report_waves(
        data, project_dir, instrument_refs, labels, fmt=fmt, mapping=mapping, sheet=sheet,
        id_column=id_column, group_column=group_column,
    )  # fmt: skip
    responses, instruments, wave_labels = waves.responses, waves.instruments, waves.labels
    cycle, wave_dates = waves.cycle, waves.wave_dates
    released: tuple[Release, ...] = () if project_dir is None else _released(project_dir)
    themes = codebook_for(codebook, project_dir)
    err.print(Text("Scoring, checking reliability and comparing waves ..."))
    options = ReportOptions(
        labels=None if wave_labels is None else tuple(wave_labels),
        group_column=group_name,
        privacy=policy_of(min_group_size, min_comment_group_size),
        members=member_sizes,
        title=title,
        cycle=cycle,
        organisation=organisation,
        codebook=themes,
        wave_dates=wave_dates,
        merge_small_groups=DEFAULT_OTHER_LABEL if merge else None,
        released=released,
    )
    model = compose_report(facts := build_report_facts(responses, instruments, options))
    err.print(Text("Rendering the report ..."))
    images = chart_images(model, pool=pool)
    try:
        _write_outputs(model, images, pool, (out_pdf, out_html, out_xlsx, csv_dir))
    finally:
        pool.close()
    if project_dir is not None and facts.participation is not None:
        _record_released(project_dir, responses, facts.participation, facts.comments)


def _write_outputs(
    model: ReportModel,
    images: dict[str, ChartImage],
    pool: ChartPool,
    targets: tuple[Path, Path | None, Path | None, Path | None],
) -> None:
    """Write the PDF and whichever of the HTML, workbook and CSV tables were asked for
    (``targets``: PDF, HTML, workbook, CSV folder); the pool's helper lays out the PDF while
    this process writes the others."""
    from cop_eval.report.export import export_tables
    from cop_eval.report.render import render_html, save_pdf

    out_pdf, out_html, out_xlsx, csv_dir = targets
    pdf = pool.pdf_later(render_html(model, standalone=False, images=images))
    if out_html is not None:
        page = render_html(model, standalone=True, images=images)
        write_atomic(out_html, page.encode("utf-8"), "the HTML report")
        err.print(Text(f"Wrote {out_html}"))
    for path in export_tables(model, xlsx=out_xlsx, csv_dir=csv_dir):
        if path == out_xlsx:
            err.print(Text(f"Wrote {path}"))
    if csv_dir is not None:
        err.print(Text(f"Wrote {len(model.tables())} CSV tables to {csv_dir}"))
    save_pdf(pdf(), out_pdf)
    err.print(Text(f"Wrote {out_pdf}"))


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(report_cmd)
