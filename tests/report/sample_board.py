"""Deterministic board facts for the sample facts (tests/report/sample_facts.py).

Shaped like the case: the trainers are reliably behind on relevance and their gap widened;
value stops flowing at applied value; content is set by a few. Statuses and detectability come
from the real rules (:mod:`cop_eval.report.status`, :mod:`cop_eval.stats.power`), so the sample
exercises the same code as a real build.
"""

from __future__ import annotations

from cop_eval.instruments import load_builtin_instruments
from cop_eval.measure.value_flow import VALUE_CYCLE
from cop_eval.report.build_board_parts import detectable_facts
from cop_eval.report.facts import Comparison, ReportFacts, ScaleResult
from cop_eval.report.facts_board import (
    BoardFacts,
    ChangeFact,
    DashboardRow,
    EquityCell,
    EquityFacts,
    GapFact,
    GapTrendFact,
    ItemShare,
    ValueFlowFacts,
    ValueFlowWave,
)
from cop_eval.report.status import resolve_rules, status_of

RULES = resolve_rules(
    load_builtin_instruments()[0].status_rules, load_builtin_instruments()[0].response_scale
)
DASHBOARD_INSTRUMENTS = ("le_may_success_factors", "mcdermott_identity_strength", "value_creation")


def _change(c: Comparison | None) -> ChangeFact | None:
    if c is None:
        return None
    return ChangeFact(c.from_label, c.to_label, c.mean_diff, c.direction, c.verdict, c.design, c.n)


def _between(scale: ScaleResult, a: str, b: str) -> Comparison | None:
    return next((c for c in scale.comparisons if (c.from_label, c.to_label) == (a, b)), None)


def _row(group: str, key: str, label: str, direction: str, n: int | None, mean: float | None,
         previous: ChangeFact | None, first: ChangeFact | None) -> DashboardRow:  # fmt: skip
    verdict = status_of(
        mean, direction, RULES,  # type: ignore[arg-type]
        change_since_previous=previous.direction if previous else None,
        previous_label=previous.from_label if previous else None,
    )  # fmt: skip
    share = None if mean is None or direction == "neutral" else min(1.0, max(0.0, (mean - 2.5) / 2))
    return DashboardRow(
        group, key, label, direction, n, mean, share,
        None if share is None else max(0.0, share - 0.14),
        None if share is None else min(1.0, share + 0.14),
        previous, first, verdict.status, verdict.reason,
    )  # fmt: skip


def _dashboard(facts: ReportFacts) -> list[DashboardRow]:
    waves = facts.waves
    rows = []
    for stage in facts.stages:
        last = stage.waves[-1]
        rows.append(
            _row(
                "Stages of the model",
                f"stage_{stage.stage}",
                f"Stage {stage.stage}: {stage.name}",
                "higher_is_better",
                last.n,
                last.mean,
                None,
                None,
            )
        )
    for scale in facts.scales:
        if scale.instrument_id not in DASHBOARD_INSTRUMENTS:
            continue
        last = scale.waves[-1]
        previous = _between(scale, waves[-2], waves[-1]) if len(waves) > 1 else None
        first = _between(scale, waves[0], waves[-1]) if len(waves) > 2 else None
        rows.append(
            _row(
                scale.instrument_title,
                scale.key,
                scale.label,
                scale.direction,
                last.n,
                last.mean,
                _change(previous),
                _change(first),
            )
        )
    return rows


def _equity(facts: ReportFacts) -> tuple[EquityFacts, ...]:
    sub = facts.subgroups
    if sub is None:
        return ()
    by_key = {s.key: s for s in facts.scales}
    out = []
    for instrument in dict.fromkeys(k.split(".", 1)[0] for k in sub.scales):
        cols = [i for i, k in enumerate(sub.scales) if k.startswith(instrument + ".")]
        scales = [by_key[sub.scales[i]] for i in cols]
        cells, gaps = [], []
        for row in sub.rows:
            line = []
            for i, scale in zip(cols, scales, strict=True):
                mean, overall = row.means[i], sub.overall[i]
                if row.suppressed or mean is None or overall is None:
                    line.append(EquityCell(None, None, suppressed=True))
                    continue
                reliable = scale.scale_id == "relevance" and row.group == "Trainers"
                line.append(EquityCell(mean, mean - overall, reliable))
                rest = overall - 0.15 * (mean - overall)
                gaps.append(
                    GapFact(
                        scale.instrument_title,
                        scale.key,
                        scale.label,
                        scale.direction,
                        row.group,
                        sub.wave,
                        row.n or 0,
                        30,
                        mean,
                        rest,
                        mean - rest,
                        mean - rest - 0.45,
                        mean - rest + 0.45,
                        0.004 if reliable else 0.41,
                        reliable,
                    )
                )
            cells.append(tuple(line))
        trends = tuple(
            GapTrendFact(g.scale_key, g.scale_label, g.direction, g.group, facts.waves[0],
                         facts.waves[-1], g.gap + 0.3, g.gap, -0.3, -0.55, -0.05, 0.02, True, True)
            for g in gaps if g.reliable
        )  # fmt: skip
        out.append(
            EquityFacts(
                instrument,
                scales[0].instrument_title,
                sub.column,
                sub.wave,
                tuple(r.group for r in sub.rows),
                tuple(r.n for r in sub.rows),
                tuple(s.scale_id for s in scales),
                tuple(s.label for s in scales),
                tuple(s.direction for s in scales),
                tuple(cells),
                tuple(sub.overall[i] for i in cols),
                facts.participation.responses[-1] if facts.participation else None,
                tuple(gaps),
                trends,
                sub.n_suppressed,
            )
        )
    return tuple(out)


def _value_flow(facts: ReportFacts) -> ValueFlowFacts | None:
    steps = [facts.scale(f"value_creation.{s}") for s in VALUE_CYCLE]
    if any(s is None for s in steps):
        return None
    waves = []
    for k, label in enumerate(facts.waves):
        means = tuple(s.waves[k].mean for s in steps if s is not None)
        stops = next(
            (VALUE_CYCLE[i] for i, m in enumerate(means) if m is not None and m < 3.5), None
        )
        reached = tuple(max(0, 34 - 9 * i - k) for i in range(len(VALUE_CYCLE)))
        waves.append(ValueFlowWave(label, 38, means, reached, stops))
    return ValueFlowFacts("Value creation", VALUE_CYCLE, tuple(s.label for s in steps if s),
                          3.5, tuple(waves))  # fmt: skip


def sample_board(facts: ReportFacts) -> BoardFacts:
    """Board facts consistent with ``facts`` (its scales, stages and subgroups)."""
    waves = facts.waves
    return BoardFacts(
        latest=waves[-1],
        previous=waves[-2] if len(waves) > 1 else None,
        first=waves[0] if len(waves) > 2 else None,
        dashboard=tuple(_dashboard(facts)),
        rules=(RULES.describe("Every questionnaire"),),
        equity=_equity(facts),
        value_flow=_value_flow(facts),
        items=(
            ItemShare(
                "sdo_collective_agenda_3",
                "The group's content is decided by a small number of people.",
                36,
                0.58,
                0.42,
                0.72,
            ),
            ItemShare(
                "sdo_sponsorship_4",
                "Someone takes clear responsibility for keeping the group going.",
                36,
                0.86,
                0.71,
                0.94,
            ),
        ),
        detectable=detectable_facts(facts.scales),
        rules_summary="strength: a mean of 4.00 or more; concern: below 3.00 or fell reliably "
        "since the previous wave; watch: in between. Favourable: a score of 3.50 or more",
    )
