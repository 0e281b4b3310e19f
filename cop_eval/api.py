"""The analyst's API, re-exported by :mod:`cop_eval` (``import cop_eval as ce``).

Thin functions over the layers (:mod:`~cop_eval.ingest`, :mod:`~cop_eval.measure`,
:mod:`~cop_eval.compare`, :mod:`~cop_eval.report`) that take what a notebook has at hand: an
instrument by id, a path or a DataFrame, the responses themselves rather than their scores. The
command line calls the same functions, so ``result.to_dict()`` is what ``--json`` prints.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import pandas as pd

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instrument, load_instruments
from cop_eval.outputs import write_atomic
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy, read_key

if TYPE_CHECKING:
    from cop_eval.compare.results import WaveComparison
    from cop_eval.measure.reliability import ReliabilityResult
    from cop_eval.measure.scores import ScoreTable
    from cop_eval.measure.validity_results import ValidityResult
    from cop_eval.report.model import ReportModel
    from cop_eval.report.options import ReportOptions
    from cop_eval.responses import ResponseSet
    from cop_eval.store import Project

__all__ = [
    "at_a_glance",
    "build_report",
    "compare_waves",
    "read_responses",
    "reliability",
    "score",
    "validity",
    "write_report",
]

#: An instrument, its built-in id, or the path of its YAML file.
InstrumentRef: TypeAlias = "Instrument | str | Path"


def _instruments(refs: InstrumentRef | Sequence[InstrumentRef]) -> list[Instrument]:
    if isinstance(refs, Instrument | str | Path):
        refs = [refs]
    named = [r for r in refs if not isinstance(r, Instrument)]
    loaded = iter(load_instruments(named)) if named else iter(())
    return [r if isinstance(r, Instrument) else next(loaded) for r in refs]


def _key(key: bytes | str | Path | Project | None) -> bytes | None:
    if key is None or isinstance(key, bytes):
        return key
    if isinstance(key, str | Path):
        return read_key(Path(key))
    return bytes(key.key)


def read_responses(
    data: str | Path | pd.DataFrame,
    instruments: InstrumentRef | Sequence[InstrumentRef],
    *,
    format: str | None = None,
    mapping: Path | Mapping[str, str] | None = None,
    id_column: str | None = None,
    group_columns: str | Sequence[str] | Mapping[str, str] = (),
    wave: str | None = None,
    key: bytes | str | Path | Project | None = None,
) -> ResponseSet:
    """Read survey answers (an export file or a DataFrame) for one or more instruments.

    Parameters
    ----------
    data
        The path of an export (CSV, XLSX, SPSS .sav, a platform export; the format is detected),
        or a pandas DataFrame with one column per question.
    instruments
        An instrument, a built-in id, a YAML path, or several of them.
    format, mapping
        As for :func:`cop_eval.ingest.read_responses`: name the format instead of detecting it;
        item id → column header (or a YAML file of that mapping).
    id_column
        The column of respondent ids (e-mail, staff number); pseudonymised with ``key``.
    group_columns
        One or several subgroup columns (role, strand); a mapping ``{column: name}`` reads each
        column under a name of your choice (the same name in every wave lets waves whose
        exports call the column differently be compared by subgroup).
    wave
        The wave's label.
    key
        The secret the ids are hashed with: bytes, the path of a key file, or a
        :class:`~cop_eval.store.Project` (its key). Needed when ``id_column`` is given; nothing is
        created in your home folder.

    Returns
    -------
    ResponseSet
        The answers; ``.report`` says what was read, matched and rejected (``to_dict()`` is
        ``cop-eval check --json``).
    """
    from cop_eval.ingest import read_responses as read

    renames: dict[str, str] = {}
    if isinstance(group_columns, str):
        groups: tuple[str, ...] = (group_columns,)
    elif isinstance(group_columns, Mapping):
        groups, renames = tuple(group_columns), {str(k): str(v) for k, v in group_columns.items()}
    else:
        groups = tuple(group_columns)
    responses = read(
        data,
        _instruments(instruments),
        format=format,
        mapping=mapping,
        id_column=id_column,
        group_columns=groups,
        wave=wave,
        key=_key(key),
    )
    if not renames:
        return responses
    # The group frame holds the columns in the order asked for, under the file's own headers.
    named = responses.groups.set_axis(list(renames.values()), axis=1)
    return dataclasses.replace(responses, groups=named)


def _instrument_of(responses: ResponseSet, instrument: InstrumentRef | None) -> Instrument:
    """The instrument to analyse ``responses`` with: the version they were read with."""
    if instrument is None:
        if len(responses.instruments) != 1:
            held = ", ".join(i.id for i in responses.instruments)
            raise OptionError(
                f"{responses.source}: the responses were read with several instruments ({held}); "
                "name the one to use"
            )
        return responses.instruments[0]
    wanted = instrument.id if isinstance(instrument, Instrument) else load_instrument(instrument).id
    try:
        return responses.instrument(wanted)
    except KeyError as exc:
        held = ", ".join(i.id for i in responses.instruments)
        raise OptionError(
            f"{responses.source}: the responses were read without instrument {wanted!r} (they "
            f"hold: {held}); read them again with it"
        ) from exc


def score(responses: ResponseSet, instrument: InstrumentRef | None = None) -> ScoreTable:
    """Scale scores (and continuum classifications) of one instrument.

    ``instrument`` may be left out when the responses were read with one instrument only.
    """
    from cop_eval.measure.scoring import score as score_responses

    return score_responses(responses, _instrument_of(responses, instrument))


def reliability(
    responses: ResponseSet,
    instrument: InstrumentRef | None = None,
    *,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> ReliabilityResult:
    """Alpha (Feldt CI), standardised alpha, average r, omega and item statistics per scale.

    A scale scored by fewer respondents than ``privacy`` allows keeps only its name in
    ``to_dict()`` and ``to_frame()`` (as ``cop-eval reliability`` shows it).
    """
    from cop_eval.measure.reliability import reliability as scale_reliability

    inst = _instrument_of(responses, instrument)
    return scale_reliability(responses.items_of(inst), inst, missing=missing, privacy=privacy)


def observed_alphas(responses: ResponseSet, instrument: Instrument) -> dict[str, float]:
    """Observed alpha per scale (for the reliable change index), where it is in [0, 1)."""
    from cop_eval.measure.reliability import scale_alphas  # alpha only: no omega fit

    alphas = scale_alphas(responses.items_of(instrument), instrument)
    return {scale: float(a) for scale, a in alphas.items() if math.isfinite(a) and 0 <= a < 1}


def compare_waves(
    waves: Sequence[ResponseSet] | Sequence[ScoreTable],
    instrument: InstrumentRef | None = None,
    *,
    labels: Sequence[str] | None = None,
    design: Literal["auto", "paired", "independent"] = "auto",
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    reliabilities: Mapping[str, float] | None = None,
    level: float = 0.95,
    withheld: Mapping[str, Collection[str]] | None = None,
) -> WaveComparison:
    """Compare every scale of one instrument across two or more waves (oldest first).

    ``waves`` are response sets (scored here with ``instrument``; reliable change then uses the
    first wave's observed alpha, as ``cop-eval compare`` does) or score tables. The rules
    (design, trend, subgroups, anonymity) are those of
    :func:`cop_eval.compare.waves.compare_waves`.
    """
    from cop_eval.compare.waves import compare_waves as compare
    from cop_eval.measure.scores import ScoreTable

    tables: list[ScoreTable] = []
    for wave in waves:
        tables.append(wave if isinstance(wave, ScoreTable) else score(wave, instrument))
    responses = [w for w in waves if not isinstance(w, ScoreTable)]
    if reliabilities is None and responses and len(responses) == len(waves):
        reliabilities = observed_alphas(responses[0], tables[0].instrument)
    result = compare(
        tables,
        labels=labels,
        design=design,
        group_column=group_column,
        privacy=privacy,
        reliabilities=reliabilities,
        level=level,
        withheld=withheld,
    )
    if responses and len(responses) == len(waves):
        result = _with_item_coverage(result, responses, tables[0].instrument)
    return result


def _with_item_coverage(
    result: WaveComparison, waves: Sequence[ResponseSet], instrument: Instrument
) -> WaveComparison:
    """Say, per scale, which items each wave was scored from (and when they differ)."""
    from cop_eval.measure.coverage import items_scored, scales_with_differing_items

    by_wave = [items_scored(w, instrument) for w in waves]
    notes = scales_with_differing_items(waves, instrument, result.labels)
    scales = tuple(
        dataclasses.replace(
            sc,
            items_by_wave=tuple(
                (label, used[sc.scale]) for label, used in zip(result.labels, by_wave, strict=True)
            ),
            items_note=notes.get(sc.scale),
        )
        for sc in result.scales
    )
    return dataclasses.replace(result, scales=scales)


def validity(
    data: ResponseSet | Sequence[ResponseSet] | pd.DataFrame,
    instrument: InstrumentRef | None = None,
    *,
    labels: Sequence[str] | None = None,
    group_column: str | None = None,
    missing: Literal["listwise", "fiml"] = "listwise",
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> ValidityResult:
    """Confirmatory factor analysis of the instrument's scales, and invariance across waves or
    subgroups (see :func:`cop_eval.measure.validity.validity`).

    ``instrument`` may be left out when the responses were read with one instrument only; a
    DataFrame of answer codes needs it.
    """
    from cop_eval.measure.validity import validity as factor_validity

    if isinstance(data, pd.DataFrame):
        if instrument is None:
            raise OptionError("validity of a DataFrame of answers needs the instrument")
        inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    else:
        first = data if not isinstance(data, Sequence) else data[0]
        inst = _instrument_of(first, instrument)
    return factor_validity(
        data, inst, labels=labels, group_column=group_column, missing=missing, privacy=privacy
    )


def build_report(
    waves: Sequence[ResponseSet],
    instruments: InstrumentRef | Sequence[InstrumentRef] | None = None,
    options: ReportOptions | None = None,
    **settings: Any,
) -> ReportModel:
    """The board report of one or more waves (oldest first), as a frozen model.

    ``instruments`` default to those the first wave was read with. The report's settings are a
    :class:`~cop_eval.report.options.ReportOptions` (labels, group_column, privacy, members,
    title, organisation, date), given whole as ``options`` or field by field as keywords. Write
    it with :func:`write_report`.
    """
    from cop_eval.report.build import build_report_model
    from cop_eval.report.options import ReportOptions

    if not waves:
        raise OptionError("the report needs at least one wave of responses")
    chosen = (
        list(waves[0].instruments)
        if instruments is None
        else [_instrument_of(waves[0], i) for i in _instruments(instruments)]
    )
    try:
        options = dataclasses.replace(options or ReportOptions(), **settings)
    except TypeError as exc:
        known = ", ".join(f.name for f in dataclasses.fields(ReportOptions))
        raise OptionError(f"build_report: {exc}; the report's settings are: {known}") from exc
    return build_report_model(waves, chosen, options)


def at_a_glance(report: ReportModel) -> dict[str, Any]:
    """The report's "At a glance" page as plain data: every stage, success factor, identity
    level and value cycle with its latest mean, % favourable, changes and status, and the
    summary's key messages (what ``cop-eval dashboard --json`` prints; the same figures as
    the PDF).

    Raises
    ------
    OptionError
        When the report has no dashboard (questionnaires without stages, success factors,
        identity levels or value cycles).
    """
    from cop_eval.report.glance import at_a_glance as glance

    try:
        return glance(report)
    except (KeyError, StopIteration) as exc:
        raise OptionError(
            "this report has no dashboard: it shows the built-in stages, success factors, "
            "identity levels and value cycle; compare_waves covers any scale"
        ) from exc


def write_report(
    report: ReportModel,
    pdf: str | Path | None = None,
    *,
    html: str | Path | None = None,
    xlsx: str | Path | None = None,
    csv_dir: str | Path | None = None,
) -> list[Path]:
    """Write the report as PDF and/or stand-alone HTML, and its tables as XLSX/CSV.

    Returns the paths written. The PDF renderer fetches nothing from the network.
    """
    from cop_eval.report.export import export_tables
    from cop_eval.report.render import chart_images, render_html, render_html_to_pdf

    if pdf is None and html is None and xlsx is None and csv_dir is None:
        raise OptionError("say where to write the report: pdf, html, xlsx or csv_dir")
    written: list[Path] = []
    images = chart_images(report)
    if pdf is not None:
        render_html_to_pdf(render_html(report, standalone=False, images=images), Path(pdf))
        written.append(Path(pdf))
    if html is not None:
        target = Path(html)
        page = render_html(report, standalone=True, images=images)
        write_atomic(target, page.encode("utf-8"), "the HTML report")
        written.append(target)
    written.extend(
        export_tables(
            report,
            xlsx=Path(xlsx) if xlsx is not None else None,
            csv_dir=Path(csv_dir) if csv_dir is not None else None,
        )
    )
    return written
