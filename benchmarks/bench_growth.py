"""Growth: time and peak memory of scoring, reliability and the whole pipeline by size (not a test).

Runs ``bench_pipeline.py --rows N`` in a fresh process for each size (default 10k, 100k, 700k
and 2M respondents x 100 items, two waves, 200 subgroups; the data are generated once and
cached in benchmarks/_data/), then prints one table: per size, the seconds of scoring one
wave, of reliability of one wave, of the whole pipeline (import both waves, score, reliability,
compare, build the report, render the PDF) and the process's peak memory; and per column the
least-squares slope in seconds per million respondents, the intercept (the fixed cost) and the
exponent b of ``time ~ n^b`` between the two largest sizes (1 is linear growth).

Run: ``.venv/bin/python benchmarks/bench_growth.py [--sizes 10000 100000 700000 2000000]``
Sizes are run one after another, never two at once; each takes its own memory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def run_size(rows: int, report: bool) -> dict[str, object]:
    """The JSON summary ``bench_pipeline.py`` prints last, for ``rows`` respondents."""
    args = [sys.executable, str(HERE / "bench_pipeline.py"), "--rows", str(rows)]
    proc = subprocess.run(
        args if report else [*args, "--no-report"], capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise SystemExit(f"bench_pipeline.py --rows {rows} failed:\n{proc.stderr[-3000:]}")
    for line in proc.stdout.splitlines():
        print("   ", line)
    summary: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return summary


def columns(summary: dict[str, object]) -> dict[str, float]:
    """Score (wave 1), reliability (wave 2), the whole pipeline (s) and the peak (MB)."""
    stages = summary["stages"]
    assert isinstance(stages, dict)
    return {
        "score 1 wave s": stages["score wave 1 (10 scales)"][0],
        "reliability s": stages["reliability wave 2 (pairwise)"][0],
        "pipeline s": sum(t for t, _ in stages.values()),
        "peak MB": float(summary["process_peak_mb"]),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 700_000, 2_000_000]
    )
    parser.add_argument("--no-report", action="store_true", help="leave the report out")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    rows: dict[int, dict[str, float]] = {}
    for size in sorted(args.sizes):
        print(f"--- {size:,} respondents", flush=True)
        rows[size] = columns(run_size(size, not args.no_report))
    names = list(next(iter(rows.values())))
    print(f"\n{'respondents':>12} " + " ".join(f"{n:>15}" for n in names))
    for size, figures in rows.items():
        print(f"{size:>12,} " + " ".join(f"{figures[n]:15.2f}" for n in names))
    sizes = np.array(list(rows), float)
    fits = {}
    for name in names:
        values = np.array([rows[int(s)][name] for s in sizes])
        slope, intercept = np.polyfit(sizes / 1e6, values, 1) if len(sizes) > 1 else (0, 0)
        a, b = sizes[-2:] if len(sizes) > 1 else (1, 1)
        va, vb = values[-2:] if len(values) > 1 else (1, 1)
        exponent = math.log(vb / va) / math.log(b / a) if a != b and va > 0 else float("nan")
        fits[name] = {"per_million": slope, "intercept": intercept, "exponent": exponent}
    print(f"{'slope /1M':>12} " + " ".join(f"{fits[n]['per_million']:15.2f}" for n in names))
    print(f"{'intercept':>12} " + " ".join(f"{fits[n]['intercept']:15.2f}" for n in names))
    print(f"{'exponent':>12} " + " ".join(f"{fits[n]['exponent']:15.2f}" for n in names))
    print(f"load average {os.getloadavg()[0]:.1f} at the end (the machine may be shared)")
    print(json.dumps({"sizes": rows, "fits": fits}))


if __name__ == "__main__":
    main()
