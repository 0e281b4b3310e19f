"""Scale benchmark for compare_waves: a national staff survey.

    .venv/bin/python benchmarks/bench_compare.py [--respondents 700000] [--scales 10]

Scenarios (each in a fresh process, so peak memory is its own):

- ``paired``: 2 waves, ~30% of wave-1 respondents matched in wave 2 by pseudonymised id.
- ``independent``: the same 2 waves, forced independent (no ids used).
- ``trend``: 3 waves with ids (trend model: exact REML from pattern sufficient statistics).
- ``subgroups``: 3 waves, 200 subgroups (per-subgroup summaries and comparisons, suppression).

Prints wall time and peak resident memory (ru_maxrss) of the compare_waves call's process.
Data generation is not timed.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time

import numpy as np
import pandas as pd


def _instrument(n_scales: int):  # type: ignore[no-untyped-def]
    from cop_eval.instruments import parse_instrument

    return parse_instrument(
        {
            "id": "bench",
            "version": "1.0.0",
            "title": "Benchmark",
            "description": "Synthetic instrument for the benchmark.",
            "status": "seed-derived",
            "sources": [{"citation": "synthetic"}],
            "license": {"status": "project-authored"},
            "response_scale": {"min": 1, "max": 2, "labels": {1: "no", 2: "yes"}},
            "items": [
                {"id": f"i{s}_{k}", "text": f"item {s} {k}", "scale": f"s{s}"}
                for s in range(n_scales)
                for k in (1, 2)
            ],
            "scales": [{"id": f"s{s}", "label": f"Scale {s}"} for s in range(n_scales)],
        }
    )


def _waves(n: int, n_scales: int, n_waves: int, matched: float, groups: int):  # type: ignore[no-untyped-def]
    from cop_eval.measure.scores import ScoreTable

    rng = np.random.default_rng(1)
    inst = _instrument(n_scales)
    tables = []
    next_id = n
    ids = np.arange(n)
    person = rng.normal(0, 0.5, size=n)
    for w in range(n_waves):
        if w > 0:  # keep `matched` of the previous wave, replace the rest with new people
            keep = rng.random(n) < matched
            ids = np.where(keep, ids, np.arange(next_id, next_id + n))
            next_id += n
            person = np.where(keep, person, rng.normal(0, 0.5, size=n))
        scores = 3.0 + 0.05 * w + person[:, None] + rng.normal(0, 0.6, size=(n, n_scales))
        scores[rng.random((n, n_scales)) < 0.03] = np.nan
        frame = pd.DataFrame(scores, columns=[f"s{s}" for s in range(n_scales)])
        group_frame = pd.DataFrame(index=frame.index)
        if groups:
            # Zipf-like sizes: a few big units, many small ones (some below 5).
            weights = 1.0 / np.arange(1, groups + 1) ** 1.3
            codes = rng.choice(groups, size=n, p=weights / weights.sum())
            group_frame["unit"] = pd.Series([f"unit {c:03d}" for c in codes], dtype=object)
        tables.append(
            ScoreTable(
                inst,
                frame,
                respondent_ids=pd.Series([f"p_{i}" for i in ids], dtype=object),
                groups=group_frame,
                wave=f"w{w + 1}",
            )
        )
    return tables


def _run(name: str, n: int, n_scales: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from cop_eval.compare.waves import compare_waves

    if name == "paired":
        tables, kw = _waves(n, n_scales, 2, 0.3, 0), {"design": "auto"}
    elif name == "independent":
        tables, kw = _waves(n, n_scales, 2, 0.3, 0), {"design": "independent"}
    elif name == "trend":
        tables, kw = _waves(n, n_scales, 3, 0.3, 0), {}
    else:
        tables, kw = _waves(n, n_scales, 3, 0.3, 200), {"group_column": "unit"}
    reliab = {f"s{s}": 0.8 for s in range(n_scales)} if name == "paired" else None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = compare_waves(tables, reliabilities=reliab, **kw)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = result.scales[0]
    extra = ""
    if scale.trend is not None:
        extra = f"trend={scale.trend.method}"
    if scale.subgroups:
        hidden = sum(g.fully_suppressed for g in scale.subgroups)
        extra += f" subgroups={len(scale.subgroups)} fully hidden={hidden}"
    design = getattr(scale.comparisons[0], "design", "suppressed")
    queue.put((name, elapsed, before / 1024, peak / 1024, f"design={design} {extra}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=700_000)
    parser.add_argument("--scales", type=int, default=10)
    parser.add_argument(
        "--only",
        nargs="*",
        default=["paired", "independent", "trend", "subgroups"],
    )
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    print(f"{args.respondents:,} respondents per wave x {args.scales} scales")
    print(f"{'scenario':<15}{'seconds':>9}{'RSS before MB':>15}{'peak RSS MB':>13}  detail")
    for name in args.only:
        queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        proc = ctx.Process(target=_run, args=(name, args.respondents, args.scales, queue))
        proc.start()
        row = queue.get()
        proc.join()
        print(f"{row[0]:<15}{row[1]:>9.2f}{row[2]:>15.0f}{row[3]:>13.0f}  {row[4]}")


if __name__ == "__main__":
    main()
