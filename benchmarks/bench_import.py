"""Import speed and memory at national-survey scale (not a test).

Generates (once, cached in benchmarks/_data/) a CSV of N respondents x 100 items of a synthetic
10-scale instrument, then times, each in a fresh subprocess so that peak memory (ru_maxrss) is
the measurement's own (VmHWM):

* a bare ``pandas.read_csv(path, engine="pyarrow")`` of the file (the floor);
* ``read_responses`` without an id column;
* ``read_responses`` with ``id_column`` (pseudonymisation + duplicate check).

Run: ``.venv/bin/python benchmarks/bench_import.py [--rows N]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
SCALES, PER_SCALE = 10, 10


def instrument_dict() -> dict[str, object]:
    """A synthetic 10-scale x 10-item instrument (5-point agreement scale)."""
    items = [
        {
            "id": f"s{s}_i{i}",
            "text": f"Synthetic statement {i} about topic {s}.",
            "scale": f"scale_{s}",
            "reverse": i == PER_SCALE,
        }
        for s in range(1, SCALES + 1)
        for i in range(1, PER_SCALE + 1)
    ]
    return {
        "id": "bench_survey",
        "version": "1.0.0",
        "title": "Synthetic national staff survey",
        "description": "Benchmark instrument.",
        "status": "seed-derived",
        "sources": [{"citation": "cop-eval benchmark"}],
        "license": {"status": "project-authored"},
        "response_scale": {
            "min": 1,
            "max": 5,
            "labels": {
                1: "Strongly disagree",
                2: "Disagree",
                3: "Neither",
                4: "Agree",
                5: "Strongly agree",
            },
        },
        "items": items,
        "scales": [{"id": f"scale_{s}", "label": f"Scale {s}"} for s in range(1, SCALES + 1)],
    }


def make_data(rows: int) -> Path:
    """Write (once) the benchmark CSV: id, group, 100 items with ~3% blanks and a few labels."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"survey_{rows}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(20240601)
    columns: dict[str, pa.Array] = {
        "staff_id": pa.array([f"S{n:07d}" for n in range(rows)]),
        "directorate": pa.array(
            rng.choice(["Acute", "Community", "Mental health", "Corporate"], rows)
        ),
    }
    for s in range(1, SCALES + 1):
        base = rng.integers(1, 6, rows)
        for i in range(1, PER_SCALE + 1):
            answers = np.clip(base + rng.integers(-1, 2, rows), 1, 5)
            blank = rng.random(rows) < 0.03
            columns[f"s{s}_i{i}"] = pa.array(answers, mask=blank)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(pa.table(columns), tmp, pacsv.WriteOptions(quoting_style="none"))
    tmp.rename(path)
    return path


_CHILD = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "imports":
    import pandas, pyarrow, cop_eval.ingest  # noqa: F401
    result = {}
elif mode == "pandas":
    import pandas as pd
    t0 = time.perf_counter()
    frame = pd.read_csv(path, engine="pyarrow")
    result = {"rows": len(frame)}
else:
    sys.path.insert(0, sys.argv[3])
    from bench_import import instrument_dict
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import parse_instrument
    inst = parse_instrument(instrument_dict())
    t0 = time.perf_counter()
    kwargs = {"id_column": "staff_id", "key": b"k" * 32} if mode == "ids" else {}
    rs = read_responses(path, [inst], group_columns=["directorate"], **kwargs)
    result = {"rows": rs.n, "rejected": rs.report.rows_rejected}
result["seconds"] = time.perf_counter() - t0
# VmHWM belongs to this process image; ru_maxrss would carry over the parent's peak (it
# survives exec on Linux), and tracemalloc misses pyarrow's allocations and is slow.
try:
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    result["peak_mb"] = int(hwm.split()[1]) / 1024
except (OSError, StopIteration):
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def measure(mode: str, path: Path, repeat: int = 1) -> dict[str, float]:
    """Run a measurement ``repeat`` times, each in a fresh interpreter.

    Returns the best time (the least disturbed by other load on the machine) and the highest
    peak resident memory (MB).
    """
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, mode, str(path), str(HERE)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "seconds": min(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best time)")
    args = parser.parse_args()
    started = time.perf_counter()
    path = make_data(args.rows)
    size_mb = path.stat().st_size / 1e6
    print(
        f"data: {path} ({args.rows:,} rows x {SCALES * PER_SCALE} items, {size_mb:,.0f} MB)"
        f" ready in {time.perf_counter() - started:.1f} s"
    )
    base = measure("imports", path)
    print(f"{'python + imports only':<42} {'':>8}   peak {base['peak_mb']:7.0f} MB")
    print(f"best of {args.repeat} runs each; load average now {os.getloadavg()[0]:.1f}")
    floor = measure("pandas", path, args.repeat)
    print(
        f"{'pandas.read_csv(engine=pyarrow)':<42} {floor['seconds']:7.2f} s   peak {floor['peak_mb']:7.0f} MB"
    )
    for mode, label in [
        ("plain", "read_responses (group column)"),
        ("ids", "read_responses (+ id column)"),
    ]:
        got = measure(mode, path, args.repeat)
        ratio = got["seconds"] / floor["seconds"]
        print(
            f"{label:<42} {got['seconds']:7.2f} s   peak {got['peak_mb']:7.0f} MB   "
            f"{ratio:4.1f}x the bare read"
        )


if __name__ == "__main__":
    main()
