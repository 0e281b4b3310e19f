"""A realistic, deterministic set of report facts: three waves of a 48-member HR professional group.

Built from the real built-in instruments (their scale labels and stages) with numbers shaped like
the case in the article: strong sponsorship, passive membership, reflection and transfer the
weakest stage, and a lower-attending subgroup (trainers) that finds the group less relevant.
Used by the report tests and the benchmark; ``n_groups`` scales the subgroup list up.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from cop_eval.instruments import load_builtin_instruments
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.facts import (
    Comparison,
    IdentityWave,
    ImportFact,
    InstrumentFact,
    ParticipationFacts,
    ReliabilityFact,
    ReliableChangeFact,
    ReportFacts,
    ScaleResult,
    StageResult,
    SubgroupFacts,
    SubgroupRow,
    WaveStat,
)
from cop_eval.stats.verdict import change_direction
from tests.report.sample_board import sample_board

STAGE_BASE = {1: 3.85, 2: 3.55, 3: 2.95}
CHANGED = {
    "improvement": "improved",
    "deterioration": "deteriorated",
    "increase": "increased",
    "decrease": "decreased",
}
WAVES = ("Spring 2024", "Autumn 2024", "Spring 2025")


def _stat(label: str, n: int, mean: float, sd: float) -> WaveStat:
    half = 1.96 * sd / np.sqrt(n)
    return WaveStat(label, n, mean, sd, mean - half, mean + half)


def sample_facts(
    *,
    waves: tuple[str, ...] = WAVES,
    n_groups: int = 5,
    group_names: tuple[str, ...] | None = None,
    title: str = "HR Professional Group: evaluation 2024-2025",
    organisation: str | None = "NHS Example Trust",
    min_group_size: int = 5,
    instrument_ids: tuple[str, ...] | None = None,
    board: bool = True,
) -> ReportFacts:
    """Deterministic facts; the last two default groups are small (3 and 6 respondents)."""
    rng = np.random.default_rng(20240501)
    instruments = tuple(
        i for i in load_builtin_instruments() if instrument_ids is None or i.id in instrument_ids
    )
    responses = tuple(40 - 3 * i for i in range(len(waves)))
    scales: list[ScaleResult] = []
    for instrument in instruments:
        for scale in instrument.scales:
            stage = scale.stage
            base = STAGE_BASE.get(stage or 0, 3.5) + float(rng.normal(0, 0.2))
            if scale.id == "relevance":
                base = 3.3
            drift = float(rng.normal(0.12, 0.12)) if stage == 3 else float(rng.normal(0, 0.12))
            if scale.id == "collective_agenda":
                drift = -0.18
            stats = tuple(
                _stat(w, n, base + drift * i, 0.7 + float(rng.uniform(0, 0.2)))
                for i, (w, n) in enumerate(zip(waves, responses, strict=True))
            )
            comparisons = []
            if len(waves) >= 2:
                for a, b in ((0, len(waves) - 1), *((i, i + 1) for i in range(len(waves) - 1))):
                    if a == 0 and b == len(waves) - 1 and len(waves) == 2 and comparisons:
                        continue
                    diff = stats[b].mean - stats[a].mean  # type: ignore[operator]
                    g = diff / 0.8
                    p = float(min(1.0, np.exp(-abs(g) * 6)))
                    if abs(g) < 0.2:
                        verdict, direction = "no meaningful change", "no_change"
                    elif p < 0.05:
                        size = "small" if abs(g) < 0.5 else "moderate"
                        kind = change_direction(diff, scale.direction)
                        verdict = f"{size} {kind}, likely real"
                        direction = CHANGED[kind]
                    else:
                        verdict, direction = "too few answers to tell", "unclear"
                    comparisons.append(
                        Comparison(
                            waves[a],
                            waves[b],
                            "paired",
                            30 - 2 * b,
                            diff,
                            diff - 0.3,
                            diff + 0.3,
                            p,
                            min(1.0, p * 3),
                            "d_z",
                            g,
                            verdict,
                            direction,  # type: ignore[arg-type]
                        )
                    )
            scales.append(
                ScaleResult(
                    instrument.id,
                    instrument.title,
                    scale.id,
                    scale.label,
                    stage,
                    instrument.response_scale.min,
                    instrument.response_scale.max,
                    stats,
                    tuple(comparisons),
                    reliable_change=ReliableChangeFact(waves[0], waves[-1], 26, 5, 19, 2, 0.81)
                    if stage == 3 and len(waves) > 1
                    else None,
                    direction=scale.direction,
                )
            )
    stages = tuple(
        StageResult(
            stage,
            f"Stage {stage}",
            tuple(s.key for s in scales if s.stage == stage),
            tuple(
                _stat(w, n, STAGE_BASE[stage] + (0.1 * i if stage == 3 else 0.02 * i), 0.6)
                for i, (w, n) in enumerate(zip(waves, responses, strict=True))
            ),
        )
        for stage in (1, 2, 3)
    )
    names = (
        group_names
        or tuple(
            [
                "HR advisers",
                "HR business partners",
                "OD and learning",
                "Trainers",
                "Workforce planning",
            ]
            + [f"Team {i:02d}" for i in range(6, n_groups + 1)]
        )[:n_groups]
    )
    sizes = [12, 11, 8, 3, 6] + [5 + (i % 7) for i in range(5, len(names))]
    sizes = sizes[: len(names)]
    hidden_names = PrivacyPolicy(min_group_size).suppressed_groups(
        dict(zip(names, sizes, strict=True))
    )
    hidden = {i for i, name in enumerate(names) if name in hidden_names}
    le_may = [s for s in scales if s.instrument_id == "le_may_success_factors"]
    sub_scales = [s for s in scales]
    rows = []
    for i, name in enumerate(names):
        means = tuple(
            (s.latest.mean or 3.0)
            + float(rng.normal(0, 0.25))
            - (0.8 if s.scale_id == "relevance" and name == "Trainers" else 0)  # type: ignore[union-attr]
            for s in sub_scales
        )
        if i in hidden:
            rows.append(SubgroupRow(name, None, tuple(None for _ in means), True))
        else:
            rows.append(SubgroupRow(name, sizes[i], means))
    subgroups = SubgroupFacts(
        "role",
        waves[-1],
        tuple(s.key for s in sub_scales),
        tuple(s.label for s in sub_scales),
        tuple(rows),
        tuple(s.latest.mean if s.latest else None for s in sub_scales),
        min_group_size,
        len(hidden),
    )
    group_counts = tuple(
        tuple(None if i in hidden else max(sizes[i] - w, 1) for w in range(len(waves)))
        for i in range(len(names))
    )
    participation = ParticipationFacts(
        waves,
        responses,
        tuple(48 for _ in waves),
        "role",
        tuple(names),
        group_counts,
        (),
        tuple((waves[i], waves[i + 1], responses[i + 1] - 4) for i in range(len(waves) - 1)),
        "paired",
    )
    identity = tuple(
        IdentityWave(
            w,
            n - 2,
            n_unclassified=2,
            levels=("Interest group", "Network", "Community of practice"),
            counts=(c := (10 - 2 * i, 18, n - 2 - 28 + 2 * i)),
            shares=tuple(x / (n - 2) for x in c),
            group_level="Network",
        )
        for i, (w, n) in enumerate(zip(waves, responses, strict=True))
    )
    reliability = tuple(
        ReliabilityFact(
            s.instrument_title, s.label, w, n, 3, a, a - 0.08, a + 0.05, a + 0.02, None, None
        )
        for s in scales
        for w, n in zip(waves, responses, strict=True)
        for a in [0.62 if s.scale_id == "wider_perspective" else 0.78 + 0.01 * (len(s.label) % 9)]
    )
    imports = tuple(
        ImportFact(w, f"wave{i + 1}.csv", "csv", n + 2, n, 2, 0, 3, 1, 2, 0)
        for i, (w, n) in enumerate(zip(waves, responses, strict=True))
    )
    weakest_factor = min(le_may, key=lambda s: s.latest.mean or 9) if le_may else None  # type: ignore[union-attr]
    facts = ReportFacts(
        title=title,
        organisation=organisation,
        waves=waves,
        min_group_size=min_group_size,
        instruments=tuple(
            InstrumentFact(
                i.id,
                i.title,
                i.version,
                i.status,
                len(i.items),
                len(i.scales),
                i.sources[0].citation,
                i.license.status,
            )
            for i in instruments
        ),
        scales=tuple(scales),
        stages=stages,
        weakest_stage=3,
        weakest_stage_margin=STAGE_BASE[2] - STAGE_BASE[3],
        factor_weakest=weakest_factor.scale_id if weakest_factor else None,
        factor_strongest="membership",
        factor_instrument="le_may_success_factors" if le_may else None,
        factor_label="CoP success factors (le May)" if le_may else None,
        factor_scales=tuple(s.scale_id for s in le_may),
        identity=identity,
        subgroups=subgroups,
        participation=participation,
        reliability=reliability,
        imports=imports,
        trend_model="Mixed model (random intercept per member, REML): converged with lbfgs.",
        warnings=("Wider perspective: Cronbach's alpha is .62 (below .70) in every wave.",),
        date="21 November 2026",
        generator="cop-eval 0.1.0",
    )
    return dataclasses.replace(facts, board=sample_board(facts)) if board else facts
