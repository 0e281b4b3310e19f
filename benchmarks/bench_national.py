"""National scale through the command line, beside the parse floor and R (not a test).

Two waves of N respondents x 100 items (``bench_pipeline.make_wave``: 10 scales, ~3% blank,
30% of wave 2 also in wave 1, 200 subgroups). Every figure is a fresh process, as a user runs
it, timed ``--runs`` times (min and median); peak is that process's maximum resident set
(``wait4``):

* the floor: a bare ``pyarrow.csv.read_csv`` of one wave;
* ``read_responses`` of one wave (ids pseudonymised, group column): what each command reads;
* ``cop-eval score --out`` (ids, group), ``reliability --json``, ``compare`` (2 waves paired,
  200 subgroups) and ``report`` (2 waves, 200 subgroups, PDF);
* R, when ``Rscript`` is present: ``psych::alpha`` of the 10 scales on the same matrix (the
  time of the alpha calls only, after R has read the file), and cop-eval's ``reliability()``
  on it, in process, beside it.

Run: ``.venv/bin/python benchmarks/bench_national.py [--rows 700000] [--runs 3] [--no-r]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_import import PER_SCALE, SCALES, instrument_dict  # noqa: E402
from bench_pipeline import DATA, make_wave  # noqa: E402

CLI = str(Path(sys.executable).parent / "cop-eval")
KEY_ENV = {"COP_EVAL_SECRET_FILE": str(DATA / "bench_secret.key")}

_BARE = "import sys, pyarrow.csv as c; c.read_csv(sys.argv[1])"
_READ = """
import sys, time
sys.path.insert(0, sys.argv[2])
from bench_import import instrument_dict
from cop_eval.ingest import read_responses
from cop_eval.instruments import parse_instrument
inst = parse_instrument(instrument_dict())
read_responses(sys.argv[1], [inst], id_column="staff_id", group_columns=["directorate"],
               key=b"benchmark-key-0123456789abcdef!!")
"""
_OURS_ALPHA = """
import sys, time, json
sys.path.insert(0, sys.argv[2])
from bench_import import instrument_dict
from cop_eval.ingest import read_responses
from cop_eval.instruments import parse_instrument
from cop_eval.measure.reliability import reliability
inst = parse_instrument(instrument_dict())
wave = read_responses(sys.argv[1], [inst])
items = wave.items_of(inst)
reliability(items.iloc[:200], inst)  # imports done (R's time leaves library() out too)
t = time.perf_counter(); reliability(items, inst); print(time.perf_counter() - t)
"""
_R_ALPHA = """
suppressMessages({library(psych); library(data.table)})
x <- as.data.frame(fread(commandArgs(TRUE)[1], select = paste0("s", rep(1:%(s)d, each = %(p)d),
                                                              "_i", rep(1:%(p)d, %(s)d))))
t <- system.time(for (s in 1:%(s)d) {
  cols <- paste0("s", s, "_i", 1:%(p)d)
  a <- alpha(x[, cols], keys = cols[%(p)d], check.keys = FALSE, warnings = FALSE)
})[["elapsed"]]
cat(t, as.character(packageVersion("psych")), "\\n")
"""


def fresh(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak MB, stdout and CPU seconds of one fresh process (exits on failure)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read().decode()[-3000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, usage.ru_maxrss / 1024, out.read().decode(), cpu


class Table:
    """Prints one line per figure as it is measured and keeps them for the JSON summary."""

    def __init__(self, runs: int) -> None:
        self.runs, self.rows = runs, {}  # type: dict[str, dict[str, float]]
        print(f"{'':<52} {'min s':>7} {'median':>7} {'peak MB':>8} {'CPU s':>7}")

    def measure(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        figures = [fresh(args, env) for _ in range(self.runs)]
        cpu = min(f[3] for f in figures)
        self.add(name, [f[0] for f in figures], max(f[1] for f in figures), cpu)

    def add(
        self, name: str, times: list[float], peak: float = float("nan"), cpu: float = float("nan")
    ) -> None:
        low, mid = min(times), statistics.median(times)
        self.rows[name] = {
            "min_s": round(low, 3),
            "median_s": round(mid, 3),
            "peak_mb": round(peak) if peak == peak else None,
            "cpu_s": round(cpu, 2) if cpu == cpu else None,
        }
        print(f"{name:<52} {low:7.2f} {mid:7.2f} {peak:8.0f} {cpu:7.2f}", flush=True)


def r_alpha(path: Path, runs: int) -> tuple[list[float], str] | None:
    """Seconds of psych::alpha on the 10 scales, ``runs`` times; ``None`` without R."""
    if shutil.which("Rscript") is None:
        print("R: Rscript not found, the R comparison is skipped")
        return None
    code = _R_ALPHA % {"s": SCALES, "p": PER_SCALE}
    results = [fresh(["Rscript", "-e", code, str(path)])[2].split() for _ in range(runs)]
    return [float(r[0]) for r in results], results[0][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    parser.add_argument("--no-report", action="store_true", help="skip the report")
    args = parser.parse_args()
    w1, w2 = make_wave(args.rows, 1), make_wave(args.rows, 2)
    instrument = DATA / "bench_survey.yaml"
    instrument.write_text(yaml.safe_dump(instrument_dict(), sort_keys=False), encoding="utf-8")
    print(
        f"data: 2 waves x {args.rows:,} x {SCALES * PER_SCALE} items "
        f"({(w1.stat().st_size + w2.stat().st_size) / 1e6:,.0f} MB of CSV); machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start (the machine may be shared)"
    )
    table = Table(args.runs)
    common = ["-i", str(instrument), "--group-column", "directorate"]
    ids = ["--id-column", "staff_id"]
    with tempfile.TemporaryDirectory(prefix="cop-eval-national-") as tmp:
        out = Path(tmp)
        table.measure(
            "floor: bare pyarrow.csv.read_csv, wave 1", [sys.executable, "-c", _BARE, str(w1)]
        )
        table.measure(
            "read_responses, wave 1 (ids, group)",
            [sys.executable, "-c", _READ, str(w1), str(HERE)],
        )
        score = [CLI, "score", str(w1), *common, *ids, "--out", str(out / "s.csv")]
        table.measure("cop-eval score --out (ids, group)", score, KEY_ENV)
        table.measure(
            "cop-eval reliability --json, wave 2",
            [CLI, "reliability", str(w2), "-i", str(instrument), "--json"],
        )
        compare = [CLI, "compare", str(w1), str(w2), *common, *ids, *ids, "--json"]
        table.measure("cop-eval compare, 2 waves paired, 200 subgroups", compare, KEY_ENV)
        if not args.no_report:
            report = [CLI, "report", str(w1), str(w2), *common, *ids, *ids]
            table.measure(
                "cop-eval report -> PDF, 2 waves, 200 subgroups",
                [*report, "--out", str(out / "r.pdf")],
                KEY_ENV,
            )
    floor = table.rows["floor: bare pyarrow.csv.read_csv, wave 1"]["min_s"]
    ratios = {
        "score_over_floor": table.rows["cop-eval score --out (ids, group)"]["min_s"] / floor,
        "read_over_floor": table.rows["read_responses, wave 1 (ids, group)"]["min_s"] / floor,
    }
    print(
        f"score / floor {ratios['score_over_floor']:.2f} (target 1.5); read_responses / floor "
        f"{ratios['read_over_floor']:.2f} (target 2)"
    )
    if not args.no_r:
        r = r_alpha(w2, args.runs)
        if r is not None:
            ours = [
                float(fresh([sys.executable, "-c", _OURS_ALPHA, str(w2), str(HERE)])[2])
                for _ in range(args.runs)
            ]
            table.add("cop-eval reliability(), 10 scales, in process", ours)
            table.add(f"R psych::alpha {r[1]}, 10 scales (alpha calls only)", r[0])
            ratios["r_alpha_over_ours"] = min(r[0]) / min(ours)
            print(f"R psych::alpha / ours: {ratios['r_alpha_over_ours']:.1f}x (target >= 10x)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(json.dumps({"rows": args.rows, "figures": table.rows, "ratios": ratios}))


if __name__ == "__main__":
    main()
