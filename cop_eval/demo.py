"""The main job on the bundled sample data: import three waves, analyse, write the board report.

``cop-eval demo --out DIR`` (and ``make demo``) runs :func:`run_demo`: it creates a project store in
``DIR/project`` (or reuses it: re-importing the same files is a no-op), imports the three sample
waves from their platform exports (Qualtrics CSV, Microsoft Forms xlsx, a semicolon CSV) and the
evaluation cycle around them (context, a roster per wave, the attendance register, two actions
agreed after the first wave: :mod:`cop_eval.demo_cycle`), scores
every built-in instrument, compares the waves and writes ``DIR/cop_evaluation_report.pdf`` and
``.html`` with the tables behind them as ``DIR/cop_evaluation_tables.xlsx``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cop_eval.cycle.inputs import CycleInputs
from cop_eval.demo_cycle import CODES_FILE, store_codings, store_cycle
from cop_eval.errors import CopEvalError
from cop_eval.ingest import read_responses
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.outputs import write_atomic
from cop_eval.responses import ResponseSet
from cop_eval.store import Project, sha256_file

__all__ = ["DemoResult", "DemoWave", "load_manifest", "run_demo", "sample_data_dir"]

#: the subgroup column every wave is given in the project, whatever the platform called it
GROUP_COLUMN = "strand"
REPORT_STEM = "cop_evaluation_report"


def sample_data_dir() -> Path:
    """The bundled sample data (in the wheel, or ``sample_data/`` in a source checkout)."""
    packaged = resources.files("cop_eval") / "_resources" / "sample_data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "sample_data"


@dataclass(frozen=True)
class DemoWave:
    """One wave of the sample data, as listed in ``sample_data/manifest.yaml``."""

    path: Path
    label: str
    date: dt.date
    format: str
    id_column: str
    group_column: str


@dataclass(frozen=True)
class Manifest:
    """What the sample data holds: waves, instruments and the membership size.

    ``cycle`` holds the manifest's entries for the evaluation cycle (``rosters``, ``context``,
    ``attendance``, ``actions``), stored by :func:`cop_eval.demo_cycle.store_cycle`.
    """

    waves: tuple[DemoWave, ...]
    instruments: tuple[str, ...]
    members: int
    folder: Path
    cycle: Mapping[str, Any]


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its outputs, and what it read."""

    pdf: Path
    html: Path
    xlsx: Path
    project: Path
    waves: tuple[tuple[str, int, int], ...]  # label, rows accepted, rows rejected


def load_manifest(folder: Path | None = None) -> Manifest:
    """Read ``manifest.yaml`` of the sample data."""
    folder = folder or sample_data_dir()
    path = folder / "manifest.yaml"
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        waves = tuple(
            DemoWave(
                path=folder / str(w["file"]),
                label=str(w["label"]),
                date=dt.date.fromisoformat(str(w["date"])),
                format=str(w["format"]),
                id_column=str(w["id_column"]),
                group_column=str(w["group_column"]),
            )
            for w in data["waves"]
        )
        members = max(sum(int(v) for v in w["invited"].values()) for w in data["waves"])
        cycle = {k: data[k] for k in ("rosters", "context", "attendance", "actions") if k in data}
        return Manifest(waves, tuple(str(i) for i in data["instruments"]), members, folder, cycle)
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise CopEvalError(
            f"{path}: the sample data manifest is missing or damaged ({exc}); reinstall cop-eval "
            "or regenerate it with `python sample_data/generate.py`"
        ) from exc


def _with_group_column(responses: ResponseSet, column: str) -> ResponseSet:
    """Rename the wave's subgroup column, so that all waves share one name."""
    groups = responses.groups.rename(columns={column: GROUP_COLUMN})
    return dataclasses.replace(responses, groups=groups)


def _redaction_names(project: Project, manifest: Manifest, step: Callable[[str], None]) -> None:
    """The members' names (in the rosters' e-mail addresses), listed for redaction before any
    comment is stored; importing the rosters (:func:`store_cycle`) adds them too, later."""
    rosters = manifest.cycle.get("rosters") or {}
    if rosters and not project.comments.terms().names:
        step("Listing the members' names to redact from comments")
        for entry in rosters.values():
            project.comments.add_roster_names(manifest.folder / str(entry["file"]))


def _import_waves(
    project: Project,
    manifest: Manifest,
    instruments: tuple[Instrument, ...],
    step: Callable[[str], None],
) -> list[tuple[str, int, int]]:
    counts: list[tuple[str, int, int]] = []
    for wave in manifest.waves:
        digest = sha256_file(wave.path)
        if project.already_stored(digest, wave.label, source_name=wave.path.name) is not None:
            step(f"{wave.label}: {wave.path.name} is already in the project (not imported again)")
            stored = project.load_wave(wave.label)
            counts.append((wave.label, stored.report.rows_accepted, stored.report.rows_rejected))
            continue
        step(f"{wave.label}: reading {wave.path.name} ({wave.format})")
        responses = read_responses(
            wave.path,
            instruments,
            format=wave.format,
            id_column=wave.id_column,
            group_columns=[wave.group_column],
            wave=wave.label,
            key=project.key,
        )
        responses = _with_group_column(responses, wave.group_column)
        project.add_wave(
            responses,
            wave.label,
            date=wave.date,
            source_sha256=digest,
            source_name=wave.path.name,
        )
        report = responses.report
        counts.append((wave.label, report.rows_accepted, report.rows_rejected))
    return counts


def run_demo(
    out_dir: Path,
    *,
    step: Callable[[str], None] = lambda message: None,
    title: str = "Evaluation of the HR Professional Group",
    organisation: str = "Sample organisation (simulated data)",
    codes: bool = True,
) -> DemoResult:
    """Run the whole job on the bundled sample data and write the report into ``out_dir``.

    Parameters
    ----------
    out_dir
        Created if needed. Receives ``project/`` (the store), the PDF, the HTML and the XLSX.
    step
        Called with a short message as each stage starts (the CLI shows them as progress).
    codes
        Store the two simulated coders' codes of the comments (:data:`CODES_FILE`), so the
        report gives their agreement; off only for ``sample_data/coding.py``, which makes them.
    """
    from cop_eval.report.build import ReportOptions, build_report_model
    from cop_eval.report.chart_pool import ChartPool
    from cop_eval.report.export import export_tables
    from cop_eval.report.render import chart_images, render_html, save_pdf

    pool = ChartPool()  # a helper process starts now: it is ready by the time charts are drawn
    manifest = load_manifest()
    instruments = tuple(load_instrument(i) for i in manifest.instruments)
    out_dir.mkdir(parents=True, exist_ok=True)
    project_dir = out_dir / "project"
    project = (
        Project.open(project_dir)
        if (project_dir / "project.sqlite").exists()
        else Project.create(project_dir)
    )
    with project:
        _redaction_names(project, manifest, step)
        counts = _import_waves(project, manifest, instruments, step)
        store_cycle(project, manifest.folder, manifest.cycle, step)
        if codes:
            store_codings(project, manifest.folder / CODES_FILE, step)
        labels = [w.label for w in manifest.waves]
        step("Loading the stored waves")
        waves = project.load_waves(labels)
        # Overdue actions are judged on the day of the last survey, so the demo reads the same
        # whatever day it runs.
        cycle = CycleInputs.from_project(project, as_of=manifest.waves[-1].date)
    step("Scoring, reliability and wave comparison")
    options = ReportOptions(
        labels=tuple(labels),
        group_column=GROUP_COLUMN,
        title=title,
        organisation=organisation,
        cycle=cycle,
        wave_dates=tuple(w.date.isoformat() for w in manifest.waves),
    )
    model = build_report_model(waves, instruments, options)
    pdf = out_dir / f"{REPORT_STEM}.pdf"
    html = out_dir / f"{REPORT_STEM}.html"
    step("Drawing the charts")
    images = chart_images(model, pool=pool)  # once, for both the HTML and the PDF
    step("Rendering the PDF report")
    # The helper lays out the PDF while this process writes the HTML and the tables.
    pdf_bytes = pool.pdf_later(render_html(model, standalone=False, images=images))
    try:
        step("Writing the HTML report")
        write_atomic(html, render_html(model, images=images).encode("utf-8"), "the HTML report")
        xlsx = out_dir / "cop_evaluation_tables.xlsx"
        step("Exporting the tables behind the report")
        export_tables(model, xlsx=xlsx)
        save_pdf(pdf_bytes(), pdf)
    finally:
        pool.close()
    return DemoResult(pdf=pdf, html=html, xlsx=xlsx, project=project_dir, waves=tuple(counts))
