"""Build the board facts: dashboard rows, equity, the value cycle, the ownership statements.

Only calls the statistics modules and arranges what they return. Stage changes: the per-person
stage scores (:func:`cop_eval.measure.classification.stage_scores`) compared across waves with
:func:`cop_eval.compare.waves.compare_waves`, as for any scale. % favourable: share of
respondents with a favourable score (:mod:`cop_eval.report.status`), Wilson CI
(:func:`cop_eval.stats.proportions.wilson_ci`). Equity: :func:`cop_eval.compare.equity.equity_gaps`.
The value cycle: :func:`cop_eval.measure.value_flow.value_flow`. Every figure passes the
privacy policy: fewer than ``min_group_size`` respondents, no figure.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from cop_eval.compare.equity import equity_gaps
from cop_eval.compare.grouping import GroupMerge, merge_small_groups
from cop_eval.compare.results import PairComparison as EngineComparison
from cop_eval.compare.waves import compare_waves
from cop_eval.instruments import (
    ContinuumClassification,
    Instrument,
    ProfileClassification,
    parse_instrument,
)
from cop_eval.measure.classification import stage_scores
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build_board_parts import (
    detectable_facts,
    equity_facts,
    ownership_items,
    scale_direction,
    value_flow_facts,
)
from cop_eval.report.build_groups import group_values
from cop_eval.report.facts import Comparison, ScaleResult, StageResult
from cop_eval.report.facts_board import (
    BoardFacts,
    ChangeFact,
    DashboardRow,
    EquityFacts,
)
from cop_eval.report.filters import fmt_number
from cop_eval.report.findings import STAGE_NAMES
from cop_eval.report.scales import direction_of
from cop_eval.report.status import Rules, resolve_rules, status_of
from cop_eval.responses import ResponseSet
from cop_eval.stats.proportions import wilson_ci

__all__ = ["board_facts", "merge_groups"]


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _favourable(
    x: np.ndarray, direction: str, rules: Rules, privacy: PrivacyPolicy
) -> tuple[float | None, float | None, float | None]:
    x = x[np.isfinite(x)]
    if direction == "neutral" or privacy.hides(int(x.size)):
        return None, None, None
    count = int(rules.favourable_mask(x, direction).sum())  # type: ignore[arg-type]
    lo, hi = wilson_ci(count, int(x.size))
    return count / x.size, lo, hi


def _change(c: Comparison | None) -> ChangeFact | None:
    if c is None:
        return None
    return ChangeFact(c.from_label, c.to_label, c.mean_diff, c.direction, c.verdict, c.design, c.n)


def _between(comparisons: Sequence[Comparison], a: str, b: str) -> Comparison | None:
    return next((c for c in comparisons if (c.from_label, c.to_label) == (a, b)), None)


def _row(
    group: str,
    key: str,
    label: str,
    direction: str,
    latest: tuple[int | None, float | None],
    x: np.ndarray,
    changes: tuple[ChangeFact | None, ChangeFact | None],
    rules: Rules,
    privacy: PrivacyPolicy,
) -> DashboardRow:
    n, mean = latest
    previous, first = changes
    if mean is None:
        return DashboardRow(
            group, key, label, direction, None, None, None, None, None, None, None, "none",
            "too few respondents (anonymity rule)", suppressed=True,
        )  # fmt: skip
    fav, lo, hi = _favourable(x, direction, rules, privacy)
    verdict = status_of(
        mean,
        direction,  # type: ignore[arg-type]
        rules,
        change_since_previous=previous.direction if previous else None,
        previous_label=previous.from_label if previous else None,
    )
    return DashboardRow(
        group, key, label, direction, n, mean, fav, lo, hi, previous, first, verdict.status,
        verdict.reason,
    )  # fmt: skip


def _stage_instrument(stages: Sequence[int]) -> Instrument:
    """A stand-in instrument whose scales are the model's stages (for compare_waves)."""
    return parse_instrument(
        {
            "id": "model_stages",
            "version": "1",
            "title": "Stages of the model for professional groups",
            "description": "Per-person stage scores: the mean of the stage's scale scores.",
            "status": "seed-derived",
            "sources": [{"citation": "Griggs and Allen (2018)"}],
            "license": {"status": "project-authored"},
            "response_scale": {"min": 1, "max": 5, "labels": {1: "low", 5: "high"}},
            "items": [
                {"id": f"s{stage}_{k}", "text": "stage", "scale": f"stage_{stage}"}
                for stage in stages
                for k in (1, 2)
            ],
            "scales": [
                {"id": f"stage_{stage}", "label": STAGE_NAMES.get(stage, f"Stage {stage}")}
                for stage in stages
            ],
        }
    )


def _stage_rows(
    per_wave: Sequence[Sequence[ScoreTable]],
    stages: Sequence[StageResult],
    labels: tuple[str, ...],
    rules: Rules,
    privacy: PrivacyPolicy,
) -> list[DashboardRow]:
    staged = [[t for t in ts if any(s.stage for s in t.instrument.scales)] for ts in per_wave]
    if not stages or not all(staged):
        return []
    inst = _stage_instrument([s.stage for s in stages])
    tables = [
        ScoreTable(
            inst,
            stage_scores(ts)[[f"stage_{s.stage}" for s in stages]],
            respondent_ids=ts[0].respondent_ids,
            wave=label,
        )
        for ts, label in zip(staged, labels, strict=True)
    ]
    comparisons: dict[str, list[Comparison]] = {}
    if len(tables) > 1:
        result = compare_waves(tables, labels=list(labels), privacy=privacy)
        for sc in result.scales:
            comparisons[sc.scale] = [
                Comparison(
                    c.from_label,
                    c.to_label,
                    c.design,
                    c.n,
                    _finite(c.mean_diff),
                    None,
                    None,
                    _finite(c.p),
                    _finite(c.p_adjusted),
                    c.verdict.basis,
                    _finite(c.verdict.effect),
                    c.verdict.text,
                    direction_of(c),
                )
                for c in sc.comparisons
                if isinstance(c, EngineComparison)
            ]
    rows = []
    for stage in stages:
        key = f"stage_{stage.stage}"
        last = stage.waves[-1]
        found = comparisons.get(key, [])
        previous = _between(found, labels[-2], labels[-1]) if len(labels) > 1 else None
        first = _between(found, labels[0], labels[-1]) if len(labels) > 2 else None
        x = tables[-1].scores[key].to_numpy(dtype=np.float64)
        rows.append(
            _row(
                "Stages of the model",
                key,
                f"Stage {stage.stage}: {stage.name}",
                "higher_is_better",
                (last.n, last.mean),
                x,
                (_change(previous), _change(first)),
                rules,
                privacy,
            )
        )
    return rows


def _dashboard_scales(instrument: Instrument) -> tuple[str, tuple[str, ...]] | None:
    """The dashboard group of an instrument and the scales it shows (staged: none)."""
    if any(s.stage for s in instrument.scales):
        return None
    for rule in instrument.classification:
        if isinstance(rule, ProfileClassification):
            return instrument.title, rule.scales
        if isinstance(rule, ContinuumClassification):
            return instrument.title, tuple(level.scale for level in rule.levels)
    return instrument.title, instrument.scale_ids


def _dashboard(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, Sequence[ScoreTable]],
    scales: Sequence[ScaleResult],
    stages: Sequence[StageResult],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> tuple[list[DashboardRow], list[str]]:
    by_key = {s.key: s for s in scales}
    rows: list[DashboardRow] = []
    described: list[str] = []
    staged = [i for i in instruments if any(s.stage for s in i.scales)]
    if staged:
        rules = resolve_rules(staged[0].status_rules, staged[0].response_scale)
        per_wave = [[per_instrument[i.id][w] for i in instruments] for w in range(len(labels))]
        rows.extend(_stage_rows(per_wave, stages, labels, rules, privacy))
        described.append(rules.describe("Stages of the model (" + staged[0].title + ")"))
    for instrument in instruments:
        chosen = _dashboard_scales(instrument)
        if chosen is None:
            continue
        group, scale_ids = chosen
        rules = resolve_rules(instrument.status_rules, instrument.response_scale)
        described.append(rules.describe(instrument.title))
        latest_table = per_instrument[instrument.id][-1]
        for scale_id in scale_ids:
            fact = by_key.get(f"{instrument.id}.{scale_id}")
            if fact is None:
                continue
            last = fact.waves[-1]
            previous = (
                _between(fact.comparisons, labels[-2], labels[-1]) if len(labels) > 1 else None
            )
            first = _between(fact.comparisons, labels[0], labels[-1]) if len(labels) > 2 else None
            rows.append(
                _row(
                    group,
                    fact.key,
                    fact.label,
                    scale_direction(instrument, scale_id),
                    (last.n, last.mean),
                    latest_table.scores[scale_id].to_numpy(dtype=np.float64),
                    (_change(previous), _change(first)),
                    rules,
                    privacy,
                )
            )
    return rows, described


def _rules_summary(instruments: Sequence[Instrument]) -> str | None:
    """The status rules in a few words, when every questionnaire uses the same ones."""
    found = {
        dataclasses.replace(resolve_rules(i.status_rules, i.response_scale), declared=())
        for i in instruments
    }
    if len(found) != 1:
        return None
    r = found.pop()
    fell = " or fell reliably since the previous wave" if r.decline_is_concern else ""
    return (
        f"strength: a mean of {fmt_number(r.strength)} or more; concern: below "
        f"{fmt_number(r.concern)}{fell}; watch: in between. Favourable: a score of "
        f"{fmt_number(r.favourable)} or more"
    )


def merge_groups(
    responses: Sequence[ResponseSet],
    column: str | None,
    privacy: PrivacyPolicy,
    label: str | None,
) -> tuple[list[ResponseSet], GroupMerge | None]:
    """Apply the declared "Other" rule to every wave's subgroup column (``label`` None: no rule).

    The column's values are written back as text (a blank becomes ``"(no group given)"``), with
    the merged subgroups renamed ``label``, so that every part of the report sees the same groups.
    """
    if column is None or label is None:
        return list(responses), None
    values = [
        group_values(rs, column, index, rs.wave or f"wave {index + 1}")
        for index, rs in enumerate(responses)
    ]
    counts = [{str(k): int(v) for k, v in vals.value_counts().items()} for vals in values]
    merge = merge_small_groups(counts, privacy.min_group_size, label)
    merged = [
        dataclasses.replace(rs, groups=rs.groups.assign(**{column: merge.apply(vals).to_numpy()}))
        for rs, vals in zip(responses, values, strict=True)
    ]
    return merged, merge


def board_facts(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, Sequence[ScoreTable]],
    responses: Sequence[ResponseSet],
    labels: tuple[str, ...],
    scales: Sequence[ScaleResult],
    stages: Sequence[StageResult],
    *,
    group_column: str | None,
    privacy: PrivacyPolicy,
    merge: GroupMerge | None = None,
    withheld: Mapping[str, Collection[str]] | None = None,
) -> BoardFacts:
    """The facts of the dashboard, equity, value-creation and sustainability pages
    (``withheld``: subgroups the differencing rule withholds, by wave label)."""
    rows, described = _dashboard(instruments, per_instrument, scales, stages, labels, privacy)
    equity: list[EquityFacts] = []
    if group_column is not None:
        for instrument in instruments:
            result = equity_gaps(
                per_instrument[instrument.id],
                group_column,
                labels=list(labels),
                privacy=privacy,
                withheld=withheld,
            )
            equity.append(equity_facts(instrument, result, group_column))
    return BoardFacts(
        latest=labels[-1],
        previous=labels[-2] if len(labels) > 1 else None,
        first=labels[0] if len(labels) > 2 else None,
        dashboard=tuple(rows),
        rules=tuple(dict.fromkeys(described)),
        equity=tuple(equity),
        merge_rule=merge.describe() if merge is not None else None,
        value_flow=value_flow_facts(instruments, per_instrument, labels, privacy),
        items=ownership_items(responses[-1], instruments, privacy),
        detectable=detectable_facts(scales),
        rules_summary=_rules_summary(instruments),
    )
