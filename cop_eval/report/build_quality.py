"""Methods-appendix facts: the instruments, their observed reliability, what each import read,
and the data-quality warnings the report lists."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from cop_eval.instruments import Instrument
from cop_eval.measure.reliability import ReliabilityResult
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import ImportFact, InstrumentFact, ReliabilityFact
from cop_eval.responses import ResponseSet

__all__ = ["MAX_WARNINGS", "import_fact", "instrument_fact", "reliability_facts", "warnings_of"]

#: The report lists at most this many warnings; the rest are counted.
MAX_WARNINGS = 12


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def reliability_facts(
    instrument: Instrument,
    results: list[ReliabilityResult],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[list[ReliabilityFact], list[str]]:
    """Reliability per scale and wave (scales scored by too few are left out) and its warnings."""
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


def import_fact(rs: ResponseSet, label: str) -> ImportFact:
    """The import report of one wave, in numbers."""
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


def instrument_fact(instrument: Instrument) -> InstrumentFact:
    """What an instrument is and where it comes from."""
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


def warnings_of(
    reliability: Sequence[str],
    responses: Sequence[ResponseSet],
    labels: tuple[str, ...],
    notes: Sequence[str],
) -> tuple[str, ...]:
    """Reliability warnings, import warnings and comparison notes, each once, at most
    :data:`MAX_WARNINGS` (the rest counted)."""
    warnings = list(reliability)
    for rs, label in zip(responses, labels, strict=True):
        warnings.extend(f"{label}: {w}" for w in rs.report.warnings)
    warnings.extend(notes)
    warnings = list(dict.fromkeys(warnings))
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS
        warnings = [
            *warnings[:MAX_WARNINGS],
            f"… and {extra} more (see the exported tables and "
            "`cop-eval reliability` / `cop-eval check`).",
        ]
    return tuple(warnings)
