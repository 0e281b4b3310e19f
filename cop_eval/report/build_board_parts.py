"""Parts of the board facts: equity per questionnaire, the value cycle, the ownership statements
and what each comparison could detect (used by :func:`cop_eval.report.build_board.board_facts`).

Only calls the statistics modules and arranges their results: equity from
:func:`cop_eval.compare.equity.equity_gaps`; the value cycle from
:func:`cop_eval.measure.value_flow.value_flow`; agreement with a statement as the top-2-box share
of its raw answers with a Wilson CI; detectability from :mod:`cop_eval.stats.power`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cop_eval.compare.equity import EquityResult, Gap, GapTrend
from cop_eval.instruments import ContinuumClassification, Instrument
from cop_eval.measure.items import favourable_codes
from cop_eval.measure.scores import ScoreTable
from cop_eval.measure.value_flow import VALUE_CYCLE, value_flow
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import ScaleResult
from cop_eval.report.facts_board import (
    DetectableFact,
    EquityCell,
    EquityFacts,
    GapFact,
    GapTrendFact,
    ItemShare,
    ValueFlowFacts,
    ValueFlowWave,
)
from cop_eval.report.status import resolve_rules
from cop_eval.responses import ResponseSet
from cop_eval.stats.distributions import t_quantile
from cop_eval.stats.power import detectable
from cop_eval.stats.proportions import wilson_ci

__all__ = [
    "OWNERSHIP_ITEMS",
    "detectable_facts",
    "equity_facts",
    "ownership_items",
    "scale_direction",
    "value_flow_facts",
]

#: Statements on who carries the group (strategic_direction_ownership): the share agreeing, as
#: worded, is the sustainability section's evidence of dependence on a few leaders.
OWNERSHIP_ITEMS = ("sdo_collective_agenda_3", "sdo_sponsorship_4", "sdo_collective_agenda_2")


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def scale_direction(instrument: Instrument, scale_id: str) -> str:
    """The scale's declared direction (higher_is_better when the schema has none)."""
    declared: Any = getattr(instrument.scale(scale_id), "direction", None)
    if isinstance(declared, str):
        return declared
    weak_end = {
        rule.levels[0].scale
        for rule in instrument.classification
        if isinstance(rule, ContinuumClassification)
    }
    return "neutral" if scale_id in weak_end else "higher_is_better"


def equity_facts(instrument: Instrument, result: EquityResult, column: str) -> EquityFacts:
    latest = result.waves[-1]
    directions = tuple(scale_direction(instrument, s) for s in result.scales)
    cells_by = {(g.group, g.scale): g for g in result.gaps if g.wave == latest}
    groups = [g for g in result.groups if any((g, s) in cells_by for s in result.scales)]
    grid, sizes, smallest = [], [], []
    for group in groups:
        row, shown = [], []
        for scale in result.scales:
            cell = cells_by.get((group, scale))
            if isinstance(cell, Gap):
                row.append(EquityCell(cell.mean_group, cell.gap_to_overall, cell.reliable))
                shown.append(cell.n_group)
            else:
                row.append(EquityCell(None, None, suppressed=True))
        grid.append(tuple(row))
        # Scales can be answered by different numbers of the group (a blank scale): the row
        # gives the range, so each gap's own n (Table 7.1) lies within it.
        sizes.append(max(shown) if shown else None)
        smallest.append(min(shown) if shown else None)
    overall = {o.scale: o for o in result.overall if o.wave == latest}
    labels = dict(zip(result.scales, result.scale_labels, strict=True))
    gaps = tuple(
        GapFact(
            instrument.title,
            f"{instrument.id}.{g.scale}",
            labels[g.scale],
            scale_direction(instrument, g.scale),
            g.group,
            g.wave,
            g.n_group,
            g.n_rest,
            g.mean_group,
            g.mean_rest,
            g.gap,
            _finite(g.ci[0]),
            _finite(g.ci[1]),
            _finite(g.p_adjusted),
            g.reliable,
        )
        for g in result.gaps
        if isinstance(g, Gap)
    )
    trends = tuple(
        GapTrendFact(
            f"{instrument.id}.{t.scale}",
            labels[t.scale],
            scale_direction(instrument, t.scale),
            t.group,
            t.from_label,
            t.to_label,
            t.gap_first,
            t.gap_last,
            t.change,
            t.ci[0],
            t.ci[1],
            t.p_adjusted,
            t.reliable,
            t.widening,
        )
        for t in result.trends
        if isinstance(t, GapTrend)
    )
    n_all = [o.n for o in overall.values() if o.n is not None]
    return EquityFacts(
        instrument.id, instrument.title, column, latest, tuple(groups), tuple(sizes),
        result.scales, tuple(labels[s] for s in result.scales), directions, tuple(grid),
        tuple(overall[s].mean if s in overall else None for s in result.scales),
        max(n_all) if n_all else None, gaps, trends,
        sum(1 for size in sizes if size is None),
        tuple(smallest), min(n_all) if n_all else None,
    )  # fmt: skip


def value_flow_facts(
    instruments: Sequence[Instrument],
    per_instrument: Mapping[str, Sequence[ScoreTable]],
    labels: tuple[str, ...],
    privacy: PrivacyPolicy,
) -> ValueFlowFacts | None:
    inst = next((i for i in instruments if set(VALUE_CYCLE) <= set(i.scale_ids)), None)
    if inst is None:
        return None
    rules = resolve_rules(inst.status_rules, inst.response_scale)
    waves = []
    for table, label in zip(per_instrument[inst.id], labels, strict=True):
        flow = value_flow(table.scores, VALUE_CYCLE, rules.favourable)
        if privacy.hides(flow.n_members):
            continue
        means = tuple(None if privacy.hides(s.n) else _finite(s.mean) for s in flow.steps)
        waves.append(
            ValueFlowWave(
                label, flow.n_members, means, tuple(s.reached for s in flow.steps), flow.stops_at
            )
        )
    return ValueFlowFacts(
        inst.title,
        VALUE_CYCLE,
        tuple(inst.scale(s).label for s in VALUE_CYCLE),
        rules.favourable,
        tuple(waves),
    )


def ownership_items(
    rs: ResponseSet, instruments: Sequence[Instrument], privacy: PrivacyPolicy
) -> tuple[ItemShare, ...]:
    out = []
    for inst in instruments:
        for item_id in OWNERSHIP_ITEMS:
            if item_id not in inst.item_ids or item_id not in rs.items.columns:
                continue
            item = inst.item(item_id)
            scale = inst.response_scale_of(item_id)
            x = rs.items[item_id].to_numpy(dtype=np.float64)
            x = x[np.isfinite(x)]
            if privacy.hides(int(x.size)):
                continue
            # Agreement with the statement as worded (top-2-box of the raw answer).
            agree = int(np.isin(x, favourable_codes(scale.min, scale.max)).sum())
            lo, hi = wilson_ci(agree, int(x.size))
            out.append(
                ItemShare(item_id, item.text or item_id, int(x.size), agree / x.size, lo, hi)
            )
    return tuple(out)


def _sd_of_differences(n: int, lo: float | None, hi: float | None) -> float:
    """The SD of paired differences behind a paired t interval: half-width * sqrt(n) / t."""
    if lo is None or hi is None or n < 2:
        return math.nan
    return (hi - lo) / 2 * math.sqrt(n) / float(t_quantile(0.975, n - 1))


def detectable_facts(scales: Sequence[ScaleResult]) -> tuple[DetectableFact, ...]:
    """For every comparison shown: the smallest change it could detect with 80% power."""
    out = []
    for scale in scales:
        waves = {w.label: w for w in scale.waves}
        for c in scale.comparisons:
            a, b = waves.get(c.from_label), waves.get(c.to_label)
            if a is None or b is None:
                continue
            if c.design == "paired":
                sd = _sd_of_differences(c.n, c.lo, c.hi)
                found = detectable(c.n, sd, design="paired")
            else:
                if not (a.n and b.n and a.sd is not None and b.sd is not None):
                    continue
                pooled = math.sqrt(((a.n - 1) * a.sd**2 + (b.n - 1) * b.sd**2) / (a.n + b.n - 2))
                found = detectable(a.n, pooled, design="independent", n2=b.n)
            if not math.isfinite(found.effect):
                continue
            out.append(
                DetectableFact(
                    scale.key, scale.label, c.from_label, c.to_label, c.design, found.n,
                    found.n2, found.effect, _finite(found.points), c.verdict, c.direction,
                )
            )  # fmt: skip
    return tuple(out)
