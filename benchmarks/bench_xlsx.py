"""Excel import speed: 50,000 respondents x 100 items in an .xlsx workbook (not a test).

Writes (once, cached in benchmarks/_data/) a workbook with the benchmark instrument of
``bench_import.py``, then times ``read_responses`` in a fresh subprocess each run:

* through python-calamine (the reader used for sheets without formulas);
* through openpyxl (the reader before; still used for sheets that hold formulas), forced here.

Run: ``.venv/bin/python benchmarks/bench_xlsx.py [--rows N] [--repeat K]``
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

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
sys.path.insert(0, str(HERE))

from bench_import import PER_SCALE, SCALES  # noqa: E402


def make_workbook(rows: int) -> Path:
    """Write (once) the benchmark workbook: id, group, 100 items as numbers, ~3% blank."""
    import openpyxl

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"survey_{rows}.xlsx"
    if path.exists():
        return path
    rng = np.random.default_rng(20240601)
    answers = np.clip(
        np.repeat(rng.integers(1, 6, (rows, SCALES)), PER_SCALE, axis=1)
        + rng.integers(-1, 2, (rows, SCALES * PER_SCALE)),
        1,
        5,
    )
    blank = rng.random(answers.shape) < 0.03
    groups = rng.choice(["Acute", "Community", "Mental health", "Corporate"], rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    items = [f"s{s}_i{i}" for s in range(1, SCALES + 1) for i in range(1, PER_SCALE + 1)]
    sheet.append(["staff_id", "directorate", *items])
    for n in range(rows):
        row = [None if b else int(a) for a, b in zip(answers[n], blank[n], strict=True)]
        sheet.append([f"S{n:07d}", str(groups[n]), *row])
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.rename(path)
    return path


_CHILD = r"""
import json, sys, time
mode, path, here = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, here)
from bench_import import instrument_dict
import cop_eval.ingest.excel_source as excel
from cop_eval.ingest import read_responses
from cop_eval.instruments import parse_instrument
if mode == "openpyxl":
    excel._has_formulas = lambda path: True  # take the openpyxl path, as before
inst = parse_instrument(instrument_dict())
t0 = time.perf_counter()
rs = read_responses(path, [inst], group_columns=["directorate"], sheet="Responses")
seconds = time.perf_counter() - t0
with open("/proc/self/status") as status:
    hwm = next(line for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "rows": rs.n, "peak_mb": int(hwm.split()[1]) / 1024}))
"""


def measure(mode: str, path: Path, repeat: int) -> dict[str, float]:
    """Best time and highest peak memory of ``repeat`` fresh-process runs."""
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
        "rows": runs[0]["rows"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="calamine runs (best time)")
    parser.add_argument("--openpyxl-repeat", type=int, default=1, help="openpyxl runs")
    args = parser.parse_args()
    started = time.perf_counter()
    path = make_workbook(args.rows)
    print(
        f"data: {path} ({args.rows:,} rows x {SCALES * PER_SCALE} items, "
        f"{path.stat().st_size / 1e6:,.0f} MB) ready in {time.perf_counter() - started:.1f} s"
    )
    print(f"load average now {os.getloadavg()[0]:.1f}")
    for mode, repeat in (("calamine", args.repeat), ("openpyxl", args.openpyxl_repeat)):
        got = measure(mode, path, repeat)
        print(
            f"read_responses via {mode:<9} {got['seconds']:8.2f} s   peak {got['peak_mb']:6.0f} MB"
            f"   ({got['rows']:,.0f} rows; best of {repeat})"
        )


if __name__ == "__main__":
    main()
