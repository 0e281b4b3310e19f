"""Small groups: what a user of a 50-person Community of Practice waits for (not a test).

Each figure is a fresh process, as the user runs it, timed ``--runs`` times (min and median):

* ``cop-eval --help`` and ``cop-eval instruments list`` (target 0.5 s);
* ``cop-eval demo`` end to end: 3 waves x 47 people, seven instruments, project, PDF, HTML,
  XLSX (target 6 s);
* ``cop-eval compare --project`` on the demo's project, one instrument (target 1.5 s);
* ``cop-eval report --project`` on it to PDF (target 5 s);
* every page of the web app on the demo's project, cold (the first request of a freshly
  started app, one process per page, with nothing kept in the project's ``web-cache/``) and
  warm (the best of the next three; targets 3 s / 1 s). ``benchmarks/bench_web.py`` measures
  the pages in more detail (with and without what an import keeps).

Peak memory is the process's own maximum resident set (``wait4``'s ``ru_maxrss``).

Run: ``.venv/bin/python benchmarks/bench_small.py [--runs 3] [--no-web]``
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

BIN = Path(sys.executable).parent
CLI = str(BIN / "cop-eval")
PAGES = ["/", "/project", "/import", "/results", "/compare", "/report", "/cycle", "/actions"]
PAGES += ["/comments"]
INSTRUMENT = "reflection"
nan = float("nan")

_PAGE_PROBE = """
import sys, time, json
t0 = time.perf_counter()
from fastapi.testclient import TestClient
from cop_eval.web import create_app
app = create_app(__import__("pathlib").Path(sys.argv[1]), staging_dir=__import__("pathlib").Path(sys.argv[2]))
with TestClient(app, base_url="http://127.0.0.1:8000") as client:
    started = time.perf_counter() - t0
    t = time.perf_counter(); r = client.get(sys.argv[3]); cold = time.perf_counter() - t
    assert r.status_code == 200, (sys.argv[3], r.status_code, r.text[:300])
    warm = []
    for _ in range(3):
        t = time.perf_counter(); client.get(sys.argv[3]); warm.append(time.perf_counter() - t)
print(json.dumps({"start": started, "cold": cold, "warm": min(warm)}))
"""


def run(args: list[str]) -> tuple[float, float, str, float]:
    """Wall seconds, peak MB, stdout and CPU seconds (user + system) of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, usage.ru_maxrss / 1024, out.read().decode(), cpu


Figures = tuple[float, float, float, float]


def timed(args: list[str], runs: int) -> Figures:
    """(min s, median s, peak MB, min CPU s) over ``runs`` fresh processes."""
    return summary([run(args) for _ in range(runs)])


def summary(figures: list[tuple[float, float, str, float]]) -> Figures:
    times = [f[0] for f in figures]
    peak, cpu = max(f[1] for f in figures), min(f[3] for f in figures)
    return min(times), statistics.median(times), peak, cpu


FIGURES: dict[str, dict[str, float | None]] = {}


def line(name: str, target: float, fig: Figures) -> None:
    """Prints one figure beside its target and keeps it for the JSON summary."""
    low, mid, peak, cpu = fig
    mark = "ok" if low <= target else "OVER"
    FIGURES[name] = {
        "min_s": round(low, 3),
        "median_s": round(mid, 3),
        "target_s": target,
        "peak_mb": round(peak) if peak == peak else None,
        "cpu_s": round(cpu, 2) if cpu == cpu else None,
    }
    print(
        f"{name:<44} {low:7.2f} {mid:7.2f} {target:7.1f}  {mark:<4} {peak:7.0f} {cpu:7.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-web", action="store_true", help="leave the web pages out")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start"
    )
    print(f"{'':<44} {'min s':>7} {'median':>7} {'target':>7}  {'':<4} {'peak MB':>7} {'CPU s':>7}")
    line("cop-eval --help", 0.5, timed([CLI, "--help"], args.runs))
    line("cop-eval instruments list", 0.5, timed([CLI, "instruments", "list"], args.runs))
    with tempfile.TemporaryDirectory(prefix="cop-eval-bench-") as tmp:
        work = Path(tmp)
        demo = [run([CLI, "demo", "--out", str(work / f"demo{k}")]) for k in range(args.runs)]
        line("cop-eval demo (end to end)", 6.0, summary(demo))
        project = work / "demo0" / "project"
        compare = [CLI, "compare", "--project", str(project), "-i", INSTRUMENT]
        line(f"compare --project (demo, {INSTRUMENT})", 1.5, timed(compare, args.runs))
        report = [CLI, "report", "--project", str(project), "--out", str(work / "r.pdf")]
        line("report --project -> PDF (demo)", 5.0, timed(report, args.runs))
        figures = {}
        for page in [] if args.no_web else PAGES:
            probes = []
            for _ in range(args.runs):
                # Cold means nothing kept: an earlier probe's app may have prepared pages in
                # the project folder (web-cache/) in the background.
                shutil.rmtree(project / "web-cache", ignore_errors=True)
                probe = [sys.executable, "-c", _PAGE_PROBE, str(project), str(work / "st"), page]
                probes.append(json.loads(run(probe)[2]))
            figures[page] = probes
            cold = [p["cold"] for p in probes]
            warm = [p["warm"] for p in probes]
            line(f"web {page} cold", 3.0, (min(cold), statistics.median(cold), nan, nan))
            line(f"web {page} warm", 1.0, (min(warm), statistics.median(warm), nan, nan))
        start = [p["start"] for probes in figures.values() for p in probes]
        if start:
            print(f"  (starting the web app itself, imports included: min {min(start):.2f} s)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end (the machine may be shared)")
    print(json.dumps({"figures": FIGURES}))


if __name__ == "__main__":
    main()
