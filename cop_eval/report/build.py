"""Build the report from survey responses: results → :class:`ReportFacts` → :class:`ReportModel`.

This module only calls the statistics modules and arranges what they return; it computes no
statistics itself. Scoring: :func:`cop_eval.measure.scoring.score`; reliability:
:func:`cop_eval.measure.reliability.reliability`; stage profile, success-factor profile and identity
continuum: :mod:`cop_eval.measure.classification` (arranged in :mod:`.build_profiles`); wave
comparisons, verdicts, trend, reliable change and subgroup cells:
:func:`cop_eval.compare.waves.compare_waves` and :mod:`cop_eval.compare.cells` (arranged in
:mod:`.scales`); small-group suppression: :class:`cop_eval.privacy.PrivacyPolicy`.

:func:`build_report_facts` runs in named steps: check the inputs, score every instrument in every
wave, reliability, per-scale results, participation, profiles, subgroups, the methods facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cop_eval import __version__
from cop_eval.errors import OptionError, option
from cop_eval.instruments import Instrument
from cop_eval.measure.coverage import scales_with_differing_items
from cop_eval.measure.reliability import ReliabilityResult, reliability
from cop_eval.measure.scores import ScoreTable
from cop_eval.measure.scoring import score
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build_board import board_facts, merge_groups
from cop_eval.report.build_comments import coding_facts, comment_facts
from cop_eval.report.build_cycle import CycleFacts, cycle_facts
from cop_eval.report.build_groups import (
    NO_GROUP,
    group_values,
    members_of,
    participation_facts,
    subgroup_facts,
)
from cop_eval.report.build_profiles import factor_profile, identity_waves, stage_results
from cop_eval.report.build_quality import (
    alpha_warnings,
    import_fact,
    instrument_fact,
    reliability_facts,
    warnings_of,
)
from cop_eval.report.build_validity import validity_facts, with_cautions
from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReliabilityFact, ReportFacts
from cop_eval.report.model import ReportModel
from cop_eval.report.options import DEFAULT_TITLE, ReportOptions
from cop_eval.report.scales import scale_results
from cop_eval.responses import ResponseSet

__all__ = [
    "DEFAULT_TITLE",
    "NO_GROUP",
    "ReportOptions",
    "build_report_facts",
    "build_report_model",
]


@dataclass(frozen=True)
class _Scored:
    """Step results shared by the later steps: labels, scores and reliability per instrument."""

    labels: tuple[str, ...]
    tables: Mapping[str, list[ScoreTable]]
    reliability: Mapping[str, list[ReliabilityResult]]

    def per_wave(self, instruments: Sequence[Instrument]) -> list[list[ScoreTable]]:
        """The score tables of every instrument, wave by wave."""
        n_waves = len(self.labels)
        return [[self.tables[i.id][w] for i in instruments] for w in range(n_waves)]


def _labels(responses: Sequence[ResponseSet], labels: Sequence[str] | None) -> tuple[str, ...]:
    if labels is not None:
        if len(labels) != len(responses):
            raise OptionError(
                f"{option('labels')}: {len(labels)} label(s) for {len(responses)} wave(s); give "
                "one label per wave, in the same order"
            )
        out = tuple(str(label).strip() for label in labels)
    else:
        out = tuple(rs.wave or f"Wave {i + 1}" for i, rs in enumerate(responses))
    if len(set(out)) != len(out):
        raise OptionError(f"wave labels must be distinct, got: {', '.join(out)}")
    if any(not label for label in out):
        raise OptionError(f"{option('labels')}: a wave label is empty; give each wave a name")
    return out


def _wave_dates(options: ReportOptions, n_waves: int) -> tuple[str | None, ...]:
    dates = options.wave_dates or ()
    if dates and len(dates) != n_waves:
        raise OptionError(
            f"{len(dates)} wave date(s) for {n_waves} wave(s); give one date per wave, or none"
        )
    return tuple(dates)


def _check_inputs(
    responses: Sequence[ResponseSet], instruments: Sequence[Instrument], options: ReportOptions
) -> tuple[str, ...]:
    """Check the options before the (slower) statistics run; return the wave labels."""
    if not responses:
        raise OptionError("the report needs at least one data file (one per wave)")
    if not instruments:
        raise OptionError(f"the report needs at least one instrument ({option('instruments')})")
    wave_labels = _labels(responses, options.labels)
    _, per_group = members_of(options.members, wave_labels, [rs.n for rs in responses])
    column = options.group_column
    if column is not None:
        seen: set[str] = set()
        for index, (rs, label) in enumerate(zip(responses, wave_labels, strict=True)):
            seen.update(group_values(rs, column, index, label).unique())
        unknown = sorted(set(per_group) - seen)
        if unknown:
            raise OptionError(
                f"{option('members')}: no respondents in subgroup(s) {', '.join(unknown)}; the subgroups "
                f"in column {column} are: {', '.join(sorted(seen))}"
            )
    for instrument in instruments:
        for rs in responses:
            if any(i not in rs.items.columns for i in instrument.item_ids):
                raise OptionError(
                    f"{rs.source}: was read without instrument {instrument.id}; read every data "
                    "file with all the instruments of the report"
                )
    _same_definitions(responses, wave_labels, instruments)
    return wave_labels


def _same_definitions(
    responses: Sequence[ResponseSet], labels: Sequence[str], instruments: Sequence[Instrument]
) -> None:
    """Refuse waves read with another definition of an instrument under the same id and
    version (an extra ``reverse: true``): they would be compared as if scored alike."""
    for instrument in instruments:
        mine = instrument.model_dump_json()
        for rs, label in zip(responses, labels, strict=True):
            held = next((i for i in rs.instruments if i.id == instrument.id), None)
            if held is not None and held.model_dump_json() != mine:
                raise OptionError(
                    f"wave {label!r} was read with a different definition of instrument "
                    f"{instrument.id} version {instrument.version} (its items, scales, scoring "
                    "or labels differ), so its scores are not comparable with the others. Give "
                    "the changed definition a new version, or re-import the wave with the same "
                    "definition (--replace)."
                )


def _score_all(
    responses: Sequence[ResponseSet], instruments: Sequence[Instrument], labels: tuple[str, ...]
) -> _Scored:
    """Scores and reliability of every instrument in every wave."""
    return _Scored(
        labels=labels,
        tables={i.id: [score(rs, i) for rs in responses] for i in instruments},
        reliability={
            i.id: [reliability(rs.items_of(i), i) for rs in responses] for i in instruments
        },
    )


def _methods(
    instruments: Sequence[Instrument], scored: _Scored, privacy: PrivacyPolicy
) -> tuple[list[ReliabilityFact], list[str]]:
    """Reliability facts of every instrument and the warnings they raise."""
    facts: list[ReliabilityFact] = []
    warnings: list[str] = []
    for instrument in instruments:
        found, said = reliability_facts(
            instrument, scored.reliability[instrument.id], scored.labels, privacy
        )
        facts.extend(found)
        warnings.extend(said)
    scored_any = any(s.n > 0 for r in scored.reliability.values() for w in r for s in w.scales)
    return facts, [*alpha_warnings(facts, scored_any, privacy), *warnings]


def _cycle_of(
    options: ReportOptions,
    responses: Sequence[ResponseSet],
    labels: tuple[str, ...],
    tables: Mapping[str, list[ScoreTable]],
) -> CycleFacts | None:
    """The evaluation cycle's facts, when the options give a cycle."""
    if options.cycle is None:
        return None
    return cycle_facts(
        options.cycle,
        responses,
        labels,
        tables,
        group_column=options.group_column,
        privacy=options.privacy,
    )


def build_report_facts(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    options: ReportOptions | None = None,
) -> ReportFacts:
    """Score, check and compare every instrument in every wave; arrange the results as facts.

    Parameters are those of :func:`build_report_model`.
    """
    options = options or ReportOptions()
    privacy = options.privacy
    labels = _check_inputs(responses, instruments, options)
    responses, merge = merge_groups(
        responses, options.group_column, privacy, options.merge_small_groups
    )
    scored = _score_all(responses, instruments, labels)
    scales, matched, design, trend, notes = scale_results(
        instruments, scored.tables, scored.reliability, labels, privacy
    )
    o = options
    participation = participation_facts(
        responses, labels, o.group_column, privacy, o.members, matched, design, o.released
    )
    validity_results = validity_facts(
        responses, instruments, labels, o.group_column, privacy, participation.withheld_by_wave()
    )
    scales = with_cautions(scales, validity_results)
    per_wave = scored.per_wave(instruments)
    stages, weakest, margin = stage_results(per_wave, labels, privacy)
    factors = factor_profile(instruments, scored.tables, privacy)
    subgroups = (
        subgroup_facts(
            per_wave[-1],
            responses[-1],
            labels[-1],
            options.group_column,
            privacy,
            participation,
            {s.key: s.waves[-1].mean for s in scales},
        )
        if options.group_column
        else None
    )
    reliability_list, reliability_warnings = _methods(instruments, scored, privacy)
    cycle = _cycle_of(options, responses, labels, scored.tables)
    return ReportFacts(
        title=options.report_title,
        organisation=(options.organisation or "").strip() or None,
        waves=labels,
        min_group_size=privacy.min_group_size,
        instruments=tuple(instrument_fact(i) for i in instruments),
        scales=tuple(scales),
        stages=stages,
        weakest_stage=weakest,
        weakest_stage_margin=margin,
        factor_weakest=factors.weakest,
        factor_strongest=factors.strongest,
        factor_tie=factors.tie,
        factor_instrument=factors.instrument,
        factor_label=factors.label,
        factor_scales=factors.scales,
        identity=identity_waves(instruments, scored.tables, labels, privacy),
        subgroups=subgroups,
        participation=participation,
        reliability=tuple(reliability_list),
        imports=tuple(import_fact(rs, label) for rs, label in zip(responses, labels, strict=True)),
        trend_model=trend,
        comments=comment_facts(
            responses, instruments, labels, options.group_column, privacy, options.codebook,
            options.released,
        ),
        coding=coding_facts(options.cycle, options.codebook),
        warnings=warnings_of(reliability_warnings, responses, labels, notes),
        item_notes=tuple(
            note
            for instrument in instruments
            for note in scales_with_differing_items(responses, instrument, labels).values()
        ),
        date=options.date or dt.date.today().strftime("%-d %B %Y"),
        generator=f"cop-eval {__version__}",
        validity=validity_results,
        cycle=cycle,
        wave_dates=_wave_dates(options, len(labels)),
        board=board_facts(
            instruments, scored.tables, responses, labels, scales, stages,
            group_column=options.group_column, privacy=privacy, merge=merge,
            withheld=participation.withheld_by_wave(),
        ),
    )  # fmt: skip


def build_report_model(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    options: ReportOptions | None = None,
) -> ReportModel:
    """The board report for one or more survey waves.

    Parameters
    ----------
    responses
        One :class:`~cop_eval.responses.ResponseSet` per wave, in time order, each read with all of
        ``instruments``.
    instruments
        The questionnaires to report on.
    options
        Wave labels, subgroup column, anonymity rule, membership sizes, cover text and date:
        see :class:`~cop_eval.report.options.ReportOptions` (default: its defaults).

    Returns
    -------
    ReportModel
        Frozen; render it with :func:`cop_eval.report.render.render_pdf` or ``render_html``.

    Examples
    --------
    >>> options = ReportOptions(labels=("2024", "2025"), members=48)
    >>> model = build_report_model([wave1, wave2], instruments, options)  # doctest: +SKIP
    >>> render_pdf(model, Path("report.pdf"))  # doctest: +SKIP
    """
    return compose_report(build_report_facts(responses, instruments, options))
