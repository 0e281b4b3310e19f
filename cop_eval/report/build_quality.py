"""Methods-appendix facts: the instruments, their observed reliability, what each import read,
and the data-quality warnings the report lists."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from cop_eval.instruments import Instrument
from cop_eval.measure.reliability import LOW_ALPHA, ReliabilityResult, ScaleReliability
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import ImportFact, InstrumentFact, ReliabilityFact
from cop_eval.report.filters import fmt_alpha
from cop_eval.responses import ResponseSet

__all__ = [
    "MAX_WARNINGS",
    "alpha_warnings",
    "import_fact",
    "instrument_fact",
    "reliability_facts",
    "warnings_of",
]

#: The report lists at most this many warnings; the rest are counted.
MAX_WARNINGS = 12


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _item_name(instrument: Instrument, item_id: str | None) -> str:
    if item_id is None:
        return "an item"
    try:
        short = instrument.item(item_id).short
    except KeyError:
        short = None
    return f"'{short}' ({item_id})" if short else item_id


def _scale_warnings(instrument: Instrument, scale: ScaleReliability, label: str) -> list[str]:
    """Item-level and computability warnings of one scale, in the report's words."""
    where = f"{scale.label} ({instrument.title}, {label})"
    out = []
    for w in scale.warnings:
        item = _item_name(instrument, w.item)
        if w.kind == "negative_item_rest":
            out.append(
                f"{where}: item {item} runs against the rest of its scale (negative item-rest "
                "correlation); check whether it should be reverse-keyed."
            )
        elif w.kind == "no_variance":
            out.append(
                f"{where}: everyone who answered item {item} gave the same answer, so it cannot "
                "correlate with the other items; omega is left blank when it cannot be computed."
            )
        elif w.kind == "too_few_answers":
            out.append(f"{where}: reliability could not be computed from these answers.")
        elif w.kind == "missing_correlations":
            out.append(
                f"{where}: α is shown but ω is not: some pairs of items have no correlation (an "
                "item does not vary among those who answered both)."
            )
    silent = not any(w.kind in ("no_variance", "missing_correlations") for w in scale.warnings)
    if math.isfinite(scale.alpha) and not math.isfinite(scale.omega_total) and silent:
        why = (
            "a one-factor model needs at least three items"
            if scale.n_items < 3
            else "the one-factor model could not be fitted"
        )
        # The same in every wave for a two-item scale: said once (the text has no wave).
        scale_only = f"{scale.label} ({instrument.title})" if scale.n_items < 3 else where
        out.append(f"{scale_only}: α is shown but ω is not: {why}.")
    return out


def reliability_facts(
    instrument: Instrument,
    results: list[ReliabilityResult],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[list[ReliabilityFact], list[str]]:
    """Reliability per scale and wave (scales scored by too few are left out) and the item-level
    warnings, worded with the scales' labels."""
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
            warnings.extend(_scale_warnings(instrument, scale, label))
    return facts, warnings


def _alpha_text(f: ReliabilityFact) -> str:
    ci = f" [{fmt_alpha(f.alpha_lo)}, {fmt_alpha(f.alpha_hi)}]" if f.alpha_lo is not None else ""
    return f"{f.scale_label} ({f.wave}, α {fmt_alpha(f.alpha)}{ci})"


#: Where each alpha and its interval are printed; the summary puts the table's number in its place.
RELIABILITY_TABLE = "the reliability table"


def _listed(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _by_wave(facts: Sequence[ReliabilityFact]) -> str:
    """Scale labels grouped by wave, waves in the order met: 'A and B (Spring); C (Autumn)'."""
    waves: dict[str, list[str]] = {}
    for f in facts:
        waves.setdefault(f.wave, []).append(f.scale_label)
    return "; ".join(f"{_listed(names)} ({wave})" for wave, names in waves.items())


def alpha_warnings(
    facts: Sequence[ReliabilityFact], any_scored: bool, privacy: PrivacyPolicy
) -> list[str]:
    """Alpha against .70 with its confidence interval: clearly below, or uncertain.

    An alpha below .70 whose 95% interval reaches .70 is *uncertain*, not "below .70"; with no
    interval it counts as below. ``any_scored`` False with no facts: every alpha was hidden.
    """
    if not facts and any_scored:
        return [
            "Reliability is not shown: every scale was answered by fewer than "
            f"{privacy.min_group_size} respondents in every wave (anonymity rule), so nothing "
            "can be said about how well its items hang together."
        ]
    low = [f for f in facts if f.alpha is not None and f.alpha < LOW_ALPHA]
    below = [f for f in low if f.alpha_hi is None or f.alpha_hi < LOW_ALPHA]
    unsure = [f for f in low if f not in below]
    out = []
    if below:
        out.append(
            "Reliability below .70 (the 95% interval lies below .70): "
            + "; ".join(_alpha_text(f) for f in below)
            + ". The items may not measure one thing; read these scores with caution."
        )
    if unsure:
        out.append(
            "Reliability uncertain (α below .70, but its 95% interval reaches .70; see "
            f"{RELIABILITY_TABLE}): " + _by_wave(unsure) + "."
        )
    return out


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
            f"… and {extra} more (see the exported tables and the reliability and import checks).",
        ]
    return tuple(warnings)
