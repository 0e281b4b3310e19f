"""Build the report from survey responses: results → :class:`ReportFacts` → :class:`ReportModel`.

This module only calls the statistics modules and arranges what they return; it computes no
statistics itself. Scoring: :func:`cop_eval.measure.scoring.score`; reliability:
:func:`cop_eval.measure.reliability.reliability`; stage profile, success-factor profile and identity
continuum: :mod:`cop_eval.measure.classification`; wave comparisons, verdicts, trend, reliable change and
subgroup cells: :func:`cop_eval.compare.waves.compare_waves` and :mod:`cop_eval.compare.cells`; small-group
suppression: :class:`cop_eval.privacy.PrivacyPolicy`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from cop_eval import __version__
from cop_eval.errors import OptionError
from cop_eval.instruments import ContinuumClassification, Instrument, ProfileClassification
from cop_eval.measure.classification import continuum_summary, profile, stage_profile
from cop_eval.measure.coverage import scales_with_differing_items
from cop_eval.measure.reliability import ReliabilityResult, reliability
from cop_eval.measure.scores import ScoreTable
from cop_eval.measure.scoring import score
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.report.build_groups import (
    NO_GROUP,
    group_values,
    members_of,
    participation_facts,
    subgroup_facts,
)
from cop_eval.report.compose import compose_report
from cop_eval.report.facts import (
    IdentityWave,
    ImportFact,
    InstrumentFact,
    ReliabilityFact,
    ReportFacts,
    StageResult,
    WaveStat,
)
from cop_eval.report.findings import STAGE_NAMES
from cop_eval.report.model import ReportModel
from cop_eval.report.scales import scale_results
from cop_eval.responses import ResponseSet

__all__ = ["DEFAULT_TITLE", "NO_GROUP", "build_report_facts", "build_report_model"]

DEFAULT_TITLE = "Community of Practice evaluation"
MAX_WARNINGS = 12


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _labels(responses: Sequence[ResponseSet], labels: Sequence[str] | None) -> tuple[str, ...]:
    if labels is not None:
        if len(labels) != len(responses):
            raise OptionError(
                f"--labels: {len(labels)} label(s) for {len(responses)} data file(s); give one "
                "label per file, separated by commas, in the same order"
            )
        out = tuple(str(label).strip() for label in labels)
    else:
        out = tuple(rs.wave or f"Wave {i + 1}" for i, rs in enumerate(responses))
    if len(set(out)) != len(out):
        raise OptionError(f"wave labels must be distinct, got: {', '.join(out)}")
    if any(not label for label in out):
        raise OptionError("--labels: a wave label is empty; give each wave a name")
    return out


# ---------------------------------------------------------------------------------------------
# Stages, profiles, identity
# ---------------------------------------------------------------------------------------------


def _stages(
    per_wave: list[list[ScoreTable]], labels: tuple[str, ...], privacy: PrivacyPolicy
) -> tuple[tuple[StageResult, ...], int | None, float | None]:
    staged = [
        [t for t in tables if any(s.stage is not None for s in t.instrument.scales)]
        for tables in per_wave
    ]
    if not staged[-1]:
        return (), None, None
    profiles = [stage_profile(tables) if tables else None for tables in staged]
    stages = sorted({s.stage for p in profiles if p for s in p.stages})
    results = []
    for stage in stages:
        stats = []
        for label, prof in zip(labels, profiles, strict=True):
            summary = next((s for s in prof.stages if s.stage == stage), None) if prof else None
            if summary is None or summary.n == 0:
                stats.append(WaveStat(label, 0, None))
            elif privacy.hides(summary.n):
                stats.append(WaveStat(label, None, None, suppressed=True))
            else:
                stats.append(
                    WaveStat(
                        label,
                        summary.n,
                        _finite(summary.mean),
                        _finite(summary.sd),
                        _finite(summary.ci[0]),
                        _finite(summary.ci[1]),
                    )
                )
        scales = next((s.scales for p in profiles if p for s in p.stages if s.stage == stage), ())
        results.append(
            StageResult(stage, STAGE_NAMES.get(stage, f"Stage {stage}"), scales, tuple(stats))
        )
    latest = profiles[-1]
    if latest is None or any(w.suppressed for r in results for w in r.waves[-1:]):
        return tuple(results), None, None
    return tuple(results), latest.weakest_stage, _finite(latest.weakest_margin)


def _factor_profile(table: ScoreTable) -> tuple[str | None, str | None, bool]:
    for rule in table.instrument.classification:
        if isinstance(rule, ProfileClassification):
            result = profile(table.scores, rule)
            return result.weakest, result.strongest, result.weakest_tie
    return None, None, False


def _identity(
    tables: list[ScoreTable], labels: tuple[str, ...], privacy: PrivacyPolicy
) -> tuple[IdentityWave, ...]:
    out = []
    for table, label in zip(tables, labels, strict=True):
        rule = next(
            (r for r in table.instrument.classification if isinstance(r, ContinuumClassification)),
            None,
        )
        if rule is None or rule.id not in table.classifications.columns:
            return ()
        summary = continuum_summary(table.classifications[rule.id], rule)
        if privacy.hides(summary.n_classified):
            continue
        out.append(
            IdentityWave(
                label,
                summary.n_classified,
                summary.n_unclassified,
                tuple(level.label for level in summary.levels),
                tuple(level.count for level in summary.levels),
                tuple(level.count / summary.n_classified for level in summary.levels),
                summary.group_level_label,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Methods appendix
# ---------------------------------------------------------------------------------------------


def _reliability_facts(
    instrument: Instrument,
    results: list[ReliabilityResult],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[list[ReliabilityFact], list[str]]:
    facts: list[ReliabilityFact] = []
    warnings: list[str] = []
    for result, label in zip(results, labels, strict=True):
        for scale in result.scales:
            if privacy.hides(scale.n):
                continue
            published = scale.published
            facts.append(
                ReliabilityFact(
                    instrument.title,
                    scale.label,
                    label,
                    scale.n,
                    scale.n_items,
                    _finite(scale.alpha),
                    _finite(scale.alpha_ci[0]),
                    _finite(scale.alpha_ci[1]),
                    _finite(scale.omega_total),
                    published.alpha if published else None,
                    published.citation if published else None,
                    tuple(w.message for w in scale.warnings),
                )
            )
            warnings.extend(f"{label}, {instrument.title}: {w.message}" for w in scale.warnings)
    return facts, warnings


def _import_fact(rs: ResponseSet, label: str) -> ImportFact:
    report = rs.report
    return ImportFact(
        wave=label,
        source=Path(report.source).name,
        format=report.format,
        rows_read=report.rows_read,
        rows_accepted=report.rows_accepted,
        rows_rejected=report.rows_rejected,
        unmatched_items=len(report.unmatched_items),
        value_problems=len(report.value_problems) + report.value_problems_truncated,
        straight_liners=len(report.straight_liners),
        partial_responses=report.partial_responses,
        duplicate_ids=len(report.duplicate_ids),
    )


def _instrument_fact(instrument: Instrument) -> InstrumentFact:
    return InstrumentFact(
        instrument.id,
        instrument.title,
        instrument.version,
        instrument.status,
        len(instrument.items),
        len(instrument.scales),
        instrument.sources[0].citation,
        instrument.license.status,
    )


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def build_report_facts(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    *,
    labels: Sequence[str] | None = None,
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    members: int | Mapping[str, int] | None = None,
    title: str = DEFAULT_TITLE,
    organisation: str | None = None,
    date: str | None = None,
) -> ReportFacts:
    """Score, check and compare every instrument in every wave; arrange the results as facts.

    Parameters are those of :func:`build_report_model`.
    """
    if not responses:
        raise OptionError("the report needs at least one data file (one per wave)")
    if not instruments:
        raise OptionError("the report needs at least one instrument (--instrument ID)")
    wave_labels = _labels(responses, labels)
    # Check the options before the (slower) statistics run.
    _, per_group = members_of(members, wave_labels, [rs.n for rs in responses])
    if group_column is not None:
        seen: set[str] = set()
        for index, (rs, label) in enumerate(zip(responses, wave_labels, strict=True)):
            seen.update(group_values(rs, group_column, index, label).unique())
        unknown = sorted(set(per_group) - seen)
        if unknown:
            raise OptionError(
                f"--members: no respondents in subgroup(s) {', '.join(unknown)}; the subgroups "
                f"in column {group_column} are: {', '.join(sorted(seen))}"
            )
    per_instrument: dict[str, list[ScoreTable]] = {}
    for instrument in instruments:
        tables = []
        for rs in responses:
            missing = [i for i in instrument.item_ids if i not in rs.items.columns]
            if missing:
                raise OptionError(
                    f"{rs.source}: was read without instrument {instrument.id}; read every data "
                    "file with all the instruments of the report"
                )
            tables.append(score(rs, instrument))
        per_instrument[instrument.id] = tables
    reliabilities = {
        instrument.id: [reliability(rs.items_of(instrument), instrument) for rs in responses]
        for instrument in instruments
    }
    scales, matched, design, trend, notes = scale_results(
        instruments, per_instrument, reliabilities, wave_labels, group_column, privacy
    )
    participation = participation_facts(
        responses, wave_labels, group_column, privacy, members, matched, design
    )
    per_wave = [[per_instrument[i.id][w] for i in instruments] for w in range(len(responses))]
    stages, weakest, margin = _stages(per_wave, wave_labels, privacy)
    weakest_factor = strongest_factor = None
    tie = False
    identity: tuple[IdentityWave, ...] = ()
    for instrument in instruments:
        latest = per_instrument[instrument.id][-1]
        if not privacy.hides(latest.n) and any(
            isinstance(r, ProfileClassification) for r in instrument.classification
        ):
            weakest_factor, strongest_factor, tie = _factor_profile(latest)
        if not identity and any(
            isinstance(r, ContinuumClassification) for r in instrument.classification
        ):
            identity = _identity(per_instrument[instrument.id], wave_labels, privacy)
    subgroups = (
        subgroup_facts(
            per_wave[-1],
            responses[-1],
            wave_labels[-1],
            group_column,
            privacy,
            participation,
            {s.key: s.waves[-1].mean for s in scales},
        )
        if group_column
        else None
    )
    reliability_facts: list[ReliabilityFact] = []
    warnings: list[str] = []
    for instrument in instruments:
        found, said = _reliability_facts(
            instrument, reliabilities[instrument.id], wave_labels, privacy
        )
        reliability_facts.extend(found)
        warnings.extend(said)
    for rs, label in zip(responses, wave_labels, strict=True):
        warnings.extend(f"{label}: {w}" for w in rs.report.warnings)
    warnings.extend(notes)
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS
        warnings = [
            *warnings[:MAX_WARNINGS],
            f"… and {extra} more (see the exported tables and "
            "`cop-eval reliability` / `cop-eval check`).",
        ]
    return ReportFacts(
        title=title.strip() or DEFAULT_TITLE,
        organisation=(organisation or "").strip() or None,
        waves=wave_labels,
        min_group_size=privacy.min_group_size,
        instruments=tuple(_instrument_fact(i) for i in instruments),
        scales=tuple(scales),
        stages=stages,
        weakest_stage=weakest,
        weakest_stage_margin=margin,
        factor_weakest=weakest_factor,
        factor_strongest=strongest_factor,
        factor_tie=tie,
        identity=identity,
        subgroups=subgroups,
        participation=participation,
        reliability=tuple(reliability_facts),
        imports=tuple(
            _import_fact(rs, label) for rs, label in zip(responses, wave_labels, strict=True)
        ),
        trend_model=trend,
        warnings=tuple(dict.fromkeys(warnings)),
        item_notes=tuple(
            note
            for instrument in instruments
            for note in scales_with_differing_items(responses, instrument, wave_labels).values()
        ),
        date=date or dt.date.today().strftime("%-d %B %Y"),
        generator=f"cop-eval {__version__}",
    )


def build_report_model(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    *,
    labels: Sequence[str] | None = None,
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    members: int | Mapping[str, int] | None = None,
    title: str = DEFAULT_TITLE,
    organisation: str | None = None,
    date: str | None = None,
) -> ReportModel:
    """The board report for one or more survey waves.

    Parameters
    ----------
    responses
        One :class:`~cop_eval.responses.ResponseSet` per wave, in time order, each read with all of
        ``instruments``.
    instruments
        The questionnaires to report on.
    labels
        Wave labels (default: each response set's ``wave``, else "Wave 1", "Wave 2", ...).
    group_column
        A subgroup column read with the data (role, strand), for the participation table and the
        subgroup heatmaps.
    privacy
        The anonymity rule (:class:`~cop_eval.privacy.PrivacyPolicy`; default: no figure describes
        fewer than 5 respondents, with complementary suppression).
    members
        Membership size (for response rates): one number, or sizes per subgroup.
    title, organisation
        Cover page text.
    date
        The date printed on the cover (default: today).

    Returns
    -------
    ReportModel
        Frozen; render it with :func:`cop_eval.report.render.render_pdf` or ``render_html``.

    Examples
    --------
    >>> model = build_report_model([wave1, wave2], instruments, labels=["2024", "2025"])  # doctest: +SKIP
    >>> render_pdf(model, Path("report.pdf"))  # doctest: +SKIP
    """
    facts = build_report_facts(
        responses,
        instruments,
        labels=labels,
        group_column=group_column,
        privacy=privacy,
        members=members,
        title=title,
        organisation=organisation,
        date=date,
    )
    return compose_report(facts)
