"""Issue 20 in one run: every figure of its "must reach" list beside its target (not a test).

Runs, one after another and each in fresh processes (never two at once, so they do not share
the two cores):

1. ``bench_small.py --runs N``: ``--help``, ``instruments list``, the demo end to end,
   ``compare --project`` and ``report --project`` on the demo project, every web page cold and
   warm;
2. ``bench_national.py --rows 700000 --runs N``: the bare ``pyarrow.csv.read_csv`` floor,
   ``read_responses``, ``score``, ``reliability``, ``compare`` and ``report`` through the CLI,
   and R ``psych::alpha`` beside cop-eval's ``reliability()`` when ``Rscript`` is present;
3. ``bench_growth.py --sizes ...``: the whole pipeline (import, score, reliability, compare,
   report to PDF) in one process per size, with its peak memory and the fitted slope;
4. with ``--suite``, the test suite as ``make test`` runs it (``pytest -n 2 --dist loadfile``).

then prints one table of every figure with its target and whether it is met. Each child's own
output is shown as it runs. The national and growth data are generated once and cached in
benchmarks/_data/ (about 1 GB at 700,000, 3 GB at 2,000,000).

Run: ``.venv/bin/python benchmarks/bench_issue20.py [--runs 3] [--sizes 10000 100000 700000
2000000] [--suite] [--no-national] [--no-growth]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GIB = 1024.0


def child(script: str, *args: str) -> dict[str, Any]:
    """Runs ``benchmarks/<script>``, echoing its output, and returns its last (JSON) line."""
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / script), *args], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    last = ""
    for text in proc.stdout:
        print("   ", text, end="", flush=True)
        if text.strip():
            last = text
    if proc.wait():
        raise SystemExit(f"{script} failed (exit code {proc.returncode}); see its output above")
    summary: dict[str, Any] = json.loads(last)
    return summary


def suite_seconds() -> float:
    """Wall seconds of the test suite as ``make test`` runs it."""
    print("\n=== pytest -n 2 --dist loadfile -q", flush=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "pytest"), "-n", "2", "--dist", "loadfile", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    print("   ", (proc.stdout.strip().splitlines() or ["(no output)"])[-1])
    if proc.returncode:
        raise SystemExit(f"the test suite failed:\n{proc.stdout[-3000:]}")
    return seconds


class Verdicts:
    """The closing table: one line per figure, its target and whether it is met."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str, str]] = []

    def add(self, name: str, figure: float, target: float, unit: str = "s", most: bool = True):
        met = figure <= target if most else figure >= target
        sign = "≤" if most else "≥"
        self.lines.append(
            (
                name,
                f"{figure:,.2f} {unit}",
                f"{sign} {target:g} {unit}",
                "met" if met else "NOT met",
            )
        )

    def show(self) -> None:
        width = max(len(n) for n, *_ in self.lines)
        print(f"\n{'issue 20, must reach':<{width}}  {'measured (min)':>16}  {'target':>12}")
        for name, figure, target, verdict in self.lines:
            print(f"{name:<{width}}  {figure:>16}  {target:>12}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 700_000, 2_000_000]
    )
    parser.add_argument("--rows", type=int, default=700_000, help="the national size")
    parser.add_argument("--suite", action="store_true", help="also time the test suite")
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--no-growth", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    verdicts = Verdicts()

    small = child("bench_small.py", "--runs", str(args.runs))["figures"]
    for name, fig in small.items():
        verdicts.add(f"small: {name}", fig["min_s"], fig["target_s"])

    if not args.no_national:
        national = child("bench_national.py", "--rows", str(args.rows), "--runs", str(args.runs))
        rows, ratios = national["figures"], national["ratios"]
        verdicts.add(
            f"national {args.rows:,}: score / bare parse", ratios["score_over_floor"], 1.5, "x"
        )
        verdicts.add(
            f"national {args.rows:,}: read_responses / bare parse",
            ratios["read_over_floor"],
            2,
            "x",
        )
        if "r_alpha_over_ours" in ratios:
            verdicts.add(
                "national: R psych::alpha / cop-eval reliability()",
                ratios["r_alpha_over_ours"],
                10,
                "x",
                most=False,
            )
        for name, fig in rows.items():
            if name.startswith("cop-eval"):
                verdicts.lines.append((f"national: {name}", f"{fig['min_s']:,.2f} s", "–", "–"))

    if not args.no_growth:
        growth = child("bench_growth.py", "--sizes", *map(str, args.sizes))
        sizes = growth["sizes"]
        for size, fig in sizes.items():
            if int(size) == args.rows:
                verdicts.add(f"growth {int(size):,}: import → PDF", fig["pipeline s"], 10)
                verdicts.add(f"growth {int(size):,}: peak memory", fig["peak MB"] / GIB, 3, "GiB")
        fits = growth["fits"]["pipeline s"]
        verdicts.lines.append(
            (
                "growth: pipeline cost per 1M respondents (least squares)",
                f"{fits['per_million']:,.2f} s",
                "linear",
                f"exponent {fits['exponent']:.2f}",
            )
        )
        verdicts.add("growth: fixed cost (intercept of the pipeline)", fits["intercept"], 5)

    if args.suite:
        verdicts.add("test suite (pytest -n 2)", suite_seconds(), 180)

    verdicts.show()
    print(
        f"\nwhole run {time.perf_counter() - started:,.0f} s; load average "
        f"{os.getloadavg()[0]:.1f} at the end (the machine may be shared)"
    )


if __name__ == "__main__":
    main()
