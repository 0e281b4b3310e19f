"""Speed of the CFA and invariance engine on psychTools::bfi (25 items, five factors).

    .venv/bin/python benchmarks/bench_validity.py [--repeat 3]

Scenarios (wall time, the minimum of ``--repeat`` runs; the data are read once, not timed):

- ``cfa``: the five-factor model on all 2,800 respondents, listwise (2,436 complete) — the
  issue's target is under 2 s.
- ``cfa_fiml``: the same with full-information ML (all 2,800).
- ``invariance_3``: configural, metric, scalar and the partial-invariance search across three
  education groups (up to 12 years of school / some college / a degree), listwise — target
  under 10 s.
- ``validity_gender``: the whole ``cop_eval.validity`` call by gender (two groups).

Figures are printed, never asserted (a shared machine makes timings noisy).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REF = Path(__file__).resolve().parent.parent / "tests" / "reference"
REVERSE = ["a1", "c4", "c5", "e1", "e2", "o2", "o5"]


def _best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from cop_eval import validity
    from cop_eval.instruments import load_instrument
    from cop_eval.stats.cfa import fit_cfa
    from cop_eval.stats.invariance import invariance

    raw = pd.read_csv(REF / "data" / "bfi.csv")
    demographics = pd.read_csv(REF / "data" / "bfi_demographics.csv")
    keyed = raw.copy()
    keyed[REVERSE] = 7 - keyed[REVERSE]
    x = keyed.to_numpy(dtype=float)
    factors = [i // 5 for i in range(25)]
    education = demographics["education"].to_numpy()
    groups = [x[education <= 2], x[education == 3], x[education >= 4]]
    with_gender = raw.assign(gender=demographics["gender"].map({1: "male", 2: "female"}))
    instrument = load_instrument(REF / "bfi_instrument.yaml")

    scenarios: list[tuple[str, Callable[[], object]]] = [
        ("cfa (2,800 x 25, five factors, listwise)", lambda: fit_cfa([x], factors)),
        ("cfa_fiml (2,800 x 25, FIML)", lambda: fit_cfa([x], factors, missing="fiml")),
        (
            "invariance_3 (three education groups, with partial search)",
            lambda: invariance(groups, factors),
        ),
        (
            "validity_gender (cop_eval.validity, two groups)",
            lambda: validity(with_gender, instrument, group_column="gender"),
        ),
    ]
    print(f"{'scenario':<62} {'seconds':>8}")
    for name, run in scenarios:
        print(f"{name:<62} {_best(args.repeat, run):>8.2f}", flush=True)
    result = invariance(groups, factors)
    sizes = [int(np.isfinite(g).all(axis=1).sum()) for g in groups]
    print(f"three groups, complete rows: {sizes}; decision: {result.decision}")


if __name__ == "__main__":
    main()
