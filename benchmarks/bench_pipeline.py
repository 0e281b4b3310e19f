"""End to end at national scale: import -> score -> reliability -> compare -> report (not a test).

Generates (once, cached in benchmarks/_data/) two waves of a 700,000-respondent x 100-item survey
(10 scales; ~30% of wave-2 respondents also answered wave 1; 200 subgroups), then runs the
pipeline in this process and prints, per stage, the wall time and the peak resident memory seen
while the stage ran (sampled from /proc/self/status every 20 ms), beside the time of a bare
``pyarrow.csv.read_csv`` of one wave (in a fresh process) as the yardstick.

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--rows N] [--no-report]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
sys.path.insert(0, str(HERE))

from bench_import import PER_SCALE, SCALES, instrument_dict  # noqa: E402

GROUPS = 200
MATCHED_SHARE = 0.30


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


class PeakSampler:
    """Samples this process's resident memory in a thread; ``peak`` is the highest since reset."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.peak, self._stop = interval, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mb())
            time.sleep(self.interval)

    def reset(self) -> None:
        self.peak = _rss_mb()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def make_wave(rows: int, wave: int) -> Path:
    """Write (once) one wave: staff id, directorate (200 groups), 100 items with ~3% blanks.

    Wave 2 reuses the ids of the first 30% of wave 1 and shifts scale means up by 0.1.
    """
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"pipeline_{rows}_w{wave}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(1000 + wave)
    matched = int(rows * MATCHED_SHARE)
    ids = (
        np.arange(rows)
        if wave == 1
        else np.concatenate([np.arange(matched), np.arange(rows, 2 * rows - matched)])
    )
    group_names = np.array([f"Unit {g:03d}" for g in range(GROUPS)])
    columns: dict[str, pa.Array] = {
        "staff_id": pa.array([f"S{n:07d}" for n in ids]),
        "directorate": pa.array(group_names[rng.integers(0, GROUPS, rows)]),
    }
    trait = rng.normal(0, 0.6, rows)
    for s in range(1, SCALES + 1):
        true = 3.2 + 0.1 * (wave - 1) + trait + rng.normal(0, 0.5, rows)
        for i in range(1, PER_SCALE + 1):
            raw = np.clip(np.rint(true + rng.normal(0, 0.8, rows)), 1, 5).astype(np.int8)
            answers = (
                6 - raw if i == PER_SCALE else raw
            )  # the last item of a scale is reverse-keyed
            columns[f"s{s}_i{i}"] = pa.array(answers, mask=rng.random(rows) < 0.03)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(pa.table(columns), tmp, pacsv.WriteOptions(quoting_style="none"))
    tmp.rename(path)
    return path


def bare_read_seconds(path: Path) -> tuple[float, float]:
    """Time and peak MB of a bare ``pyarrow.csv.read_csv`` in a fresh interpreter."""
    code = (
        "import time, pyarrow.csv as c, sys\n"
        "t = time.perf_counter(); c.read_csv(sys.argv[1])\n"
        "s = time.perf_counter() - t\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(s, int(hwm.split()[1]) / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--no-report", action="store_true", help="skip the report stage")
    args = parser.parse_args()

    started = time.perf_counter()
    paths = [make_wave(args.rows, 1), make_wave(args.rows, 2)]
    print(
        f"data: 2 waves x {args.rows:,} respondents x {SCALES * PER_SCALE} items, {GROUPS} "
        f"subgroups, {MATCHED_SHARE:.0%} matched; "
        f"{sum(p.stat().st_size for p in paths) / 1e6:,.0f} MB of CSV, ready in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    floor, floor_mb = bare_read_seconds(paths[0])
    print(
        f"{'yardstick: pyarrow.csv.read_csv, 1 wave':<52} {floor:7.2f} s  peak {floor_mb:6.0f} MB"
    )

    from cop_eval.compare.waves import compare_waves
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import parse_instrument
    from cop_eval.measure.reliability import reliability
    from cop_eval.measure.scoring import score

    instrument = parse_instrument(instrument_dict())
    sampler = PeakSampler()
    results: dict[str, Any] = {}
    timings: list[tuple[str, float, float]] = []

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        sampler.reset()
        t0 = time.perf_counter()
        yield
        seconds = time.perf_counter() - t0
        timings.append((name, seconds, sampler.peak))
        print(f"{name:<52} {seconds:7.2f} s  peak {sampler.peak:6.0f} MB", flush=True)

    def run(name: str, func: Callable[[], Any]) -> Any:
        with stage(name):
            value = func()
        results[name] = value
        return value

    key = b"benchmark-key-0123456789abcdef!!"
    waves = [
        run(
            f"import wave {i + 1} (read_responses, ids, group)",
            lambda p=p, i=i: read_responses(
                p,
                [instrument],
                id_column="staff_id",
                group_columns=["directorate"],
                wave=f"W{i + 1}",
                key=key,
            ),
        )
        for i, p in enumerate(paths)
    ]
    tables = [
        run(f"score wave {i + 1} (10 scales)", lambda w=w: score(w, instrument))
        for i, w in enumerate(waves)
    ]
    rel = run(
        "reliability wave 2 (pairwise)",
        lambda: reliability(waves[1].items_of(instrument), instrument),
    )
    alphas = {s.scale: s.alpha for s in rel.scales}
    run(
        "compare (paired, 200 subgroups, suppression)",
        lambda: compare_waves(
            tables, labels=["W1", "W2"], group_column="directorate", reliabilities=alphas
        ),
    )
    if not args.no_report:
        from cop_eval.report.build import ReportOptions, build_report_model
        from cop_eval.report.chart_pool import ChartPool
        from cop_eval.report.render import chart_images, render_html, render_html_to_pdf

        pool = ChartPool()  # as `cop-eval report` does: a helper draws half of the charts
        model = run(
            "report: build (scores, reliability, compare again)",
            lambda: build_report_model(
                waves,
                [instrument],
                ReportOptions(labels=("W1", "W2"), group_column="directorate"),
            ),
        )
        out = DATA / "pipeline_report.pdf"
        images = run("report: charts (2 processes)", lambda: chart_images(model, pool=pool))
        pool.close()
        run(
            "report: render PDF (WeasyPrint)",
            lambda: render_html_to_pdf(render_html(model, standalone=False, images=images), out),
        )
        print(f"  report: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    sampler.stop()

    import_s = sum(t for n, t, _ in timings if n.startswith("import"))
    stats_s = sum(t for n, t, _ in timings if n.startswith(("score", "reliability")))
    user_path = import_s + sum(t for n, t, _ in timings if n.startswith("report"))
    print(
        json.dumps(
            {
                "bare_read_one_wave_s": round(floor, 2),
                "import_two_waves_s": round(import_s, 2),
                "score_plus_reliability_s": round(stats_s, 2),
                "import_then_report_s": round(user_path, 2),
                "process_peak_mb": round(_rss_mb("VmHWM")),
                "rows": args.rows,
                "stages": {n: [round(t, 3), round(m)] for n, t, m in timings},
            }
        )
    )


if __name__ == "__main__":
    main()
