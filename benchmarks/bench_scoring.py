"""Scoring and reliability at national-survey scale: 700,000 respondents x 100 items (10 scales).

Run:  .venv/bin/python benchmarks/bench_scoring.py [--rows 700000] [--skip-csv]

Each measurement runs in a fresh subprocess, which builds the same synthetic data (seeded numpy:
10 correlated 10-item scales on 1-5, two reverse-keyed items per scale, 5% of answers missing,
float32 like a ResponseSet), then times one operation. Peak memory is the process high-water
mark (``ru_maxrss``, dominated by building the data); "own peak" is the operation's own peak
allocation (tracemalloc, which numpy reports to). For
comparison, the same data are written to CSV and read back with ``pandas.read_csv`` (the floor for
reading the file) and with cop-eval's importer ``cop_eval.ingest.read_responses``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

N_SCALES = 10
ITEMS_PER_SCALE = 10


def build_instrument() -> Any:
    from cop_eval.instruments import parse_instrument

    items = [
        {
            "id": f"s{s}_i{i}",
            "text": f"Item {i} of scale {s}",
            "scale": f"scale_{s}",
            "reverse": i in (3, 7),
        }
        for s in range(N_SCALES)
        for i in range(ITEMS_PER_SCALE)
    ]
    return parse_instrument(
        {
            "id": "bench",
            "version": "1",
            "title": "Benchmark",
            "description": "Synthetic 100-item instrument.",
            "status": "seed-derived",
            "sources": [{"citation": "benchmarks/bench_scoring.py"}],
            "license": {"status": "project-authored"},
            "response_scale": {"min": 1, "max": 5, "labels": {i: str(i) for i in range(1, 6)}},
            "items": items,
            "scales": [
                {"id": f"scale_{s}", "label": f"Scale {s}", "method": "mean"}
                for s in range(N_SCALES)
            ],
        }
    )


def build_items(rows: int, seed: int = 2026) -> pd.DataFrame:
    """Correlated 1-5 answers (latent factor per scale), float32 with 5% NaN."""
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    cuts = np.array([-1.2, -0.4, 0.4, 1.2], dtype=np.float32)
    for s in range(N_SCALES):
        factor = rng.standard_normal(rows, dtype=np.float32)
        for i in range(ITEMS_PER_SCALE):
            latent = 0.7 * factor + 0.7 * rng.standard_normal(rows, dtype=np.float32)
            answer = (np.searchsorted(cuts, latent) + 1).astype(np.float32)
            if i in (3, 7):
                answer = 6 - answer  # worded negatively: the instrument reverses it back
            answer[rng.random(rows, dtype=np.float32) < 0.05] = np.nan
            columns[f"s{s}_i{i}"] = answer
    return pd.DataFrame(columns)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(task: str, rows: int, csv_path: str | None) -> dict[str, Any]:
    from cop_eval.measure.items import item_statistics
    from cop_eval.measure.reliability import reliability
    from cop_eval.measure.scoring import score_items

    instrument = build_instrument()
    if task in ("read_csv", "read_responses"):
        assert csv_path is not None
        before = _peak_mb()
        tracemalloc.start()
        start = time.perf_counter()
        if task == "read_csv":
            frame = pd.read_csv(csv_path, dtype="float32")
        else:
            from cop_eval.ingest import read_responses

            frame = read_responses(csv_path, [instrument]).items
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return {
            "task": task,
            "seconds": seconds,
            "peak_mb": _peak_mb(),
            "extra_mb": _peak_mb() - before,
            "traced_mb": traced,
            "shape": list(frame.shape),
        }
    items = build_items(rows)
    before = _peak_mb()
    # numpy reports its buffers to tracemalloc: the traced peak is what the operation itself
    # allocated on top of the data (ru_maxrss is dominated by building the data).
    tracemalloc.start()
    start = time.perf_counter()
    if task == "score_items":
        result: Any = score_items(items, instrument)
        check = float(result.mean().mean())
    elif task == "reliability":
        result = reliability(items, instrument, missing="pairwise")
        check = float(np.mean([s.alpha for s in result.scales]))
    elif task == "reliability_listwise":
        result = reliability(items, instrument, missing="listwise")
        check = float(np.mean([s.alpha for s in result.scales]))
    elif task == "item_statistics":
        result = item_statistics(items, instrument)
        check = float(np.mean([s.pct_favourable for s in result.items]))
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    peak = _peak_mb()
    return {
        "task": task,
        "seconds": seconds,
        "peak_mb": peak,
        "extra_mb": peak - before,
        "traced_mb": traced,
        "check": check,
    }


def run(task: str, rows: int, csv_path: str | None = None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", task, "--rows", str(rows)]
    if csv_path:
        cmd += ["--csv", csv_path]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--skip-csv", action="store_true", help="skip the read_csv comparison")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--csv", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows, args.csv)))
        return
    print(
        f"{args.rows:,} respondents x {N_SCALES * ITEMS_PER_SCALE} items ({N_SCALES} scales), 5% missing"
    )
    print(
        f"load average before: {', '.join(f'{v:.1f}' for v in os.getloadavg())} ({os.cpu_count()} CPUs)"
    )
    print(f"{'operation':<26}{'seconds':>10}{'process peak MB':>17}{'own peak MB':>13}")
    results = [
        run(task, args.rows)
        for task in ("score_items", "reliability", "reliability_listwise", "item_statistics")
    ]
    if not args.skip_csv:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.csv"
            build_items(args.rows).to_csv(path, index=False, float_format="%.0f")
            size = path.stat().st_size / 1e6
            results.append(run("read_csv", args.rows, str(path)))
            results[-1]["task"] = f"pandas.read_csv ({size:.0f} MB)"
            results.append(run("read_responses", args.rows, str(path)))
            results[-1]["task"] = "cop-eval read_responses"
    for r in results:
        print(f"{r['task']:<26}{r['seconds']:>10.2f}{r['peak_mb']:>17.0f}{r['traced_mb']:>13.0f}")
    print(
        "(the data themselves, float32: "
        f"{args.rows * N_SCALES * ITEMS_PER_SCALE * 4 / 1e6:.0f} MB; each row is a fresh process)"
    )


if __name__ == "__main__":
    main()
