"""The report's charts: CPU time per chart kind for the demo's 19 charts (not a test).

The demo (``cop-eval demo``: 3 waves x 47 people) is run once in a temporary folder to get its
chart specs, exactly those its report draws. Each chart is then drawn ``--runs`` times in one
warmed-up process (fonts loaded, matplotlib imported) and its least CPU time (user + system of
the process) kept; the figures are printed per kind (count, CPU per chart, CPU of all of that
kind) with the total, the PNG bytes, and the load average before and after.

``--groups N`` takes the charts of a synthetic board report instead (``bench_report.py``'s
waves: the same people in ``--waves`` waves, N subgroups of 4 to 24 respondents, all six
built-in instruments), whose heatmaps have a row per subgroup.

``--before REV`` draws the same specs with the chart code of another revision of this
repository (its ``cop_eval/`` taken with ``git archive``, in a separate process) and prints it
beside the code here. Both draw PNG, as the report and the web pages do.

Run: ``.venv/bin/python benchmarks/bench_charts.py [--runs 3] [--before REV] [--groups N]``
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a process whose cop_eval is the code to measure: prints one JSON line.
_MEASURE = r"""
import json, pickle, sys, time
from cop_eval.report.charts import draw_chart
from cop_eval.report.model import CycleDiagram
specs = pickle.load(open(sys.argv[1], "rb"))
runs = int(sys.argv[2])
draw_chart(CycleDiagram(("a", "b", "c"), (1.0, 2.0, 3.0), 0), "png")  # imports, fonts
out = []
for kind, spec in specs:
    best, size = float("inf"), 0
    for _ in range(runs):
        start = time.process_time()
        size = len(draw_chart(spec, "png"))
        best = min(best, time.process_time() - start)
    out.append([kind, best, size])
print(json.dumps(out))
"""


def demo_specs(folder: Path) -> list[tuple[str, object]]:
    """The chart specs of the demo's report, in its order."""
    import cop_eval.report.render as render
    from cop_eval.demo import run_demo

    taken: list[tuple[str, object]] = []
    draw_all = render.chart_images

    def record(model, fmt="png", *, pool=None):  # type: ignore[no-untyped-def]
        taken.extend((figure.chart.chart, figure.chart) for figure in model.figures())
        return draw_all(model, fmt, pool=pool)

    render.chart_images = record  # type: ignore[assignment]
    try:
        run_demo(folder / "demo", step=lambda _: None)
    finally:
        render.chart_images = draw_all
    return taken


def report_specs(folder: Path, groups: int, waves: int) -> list[tuple[str, object]]:
    """The chart specs of a synthetic board report with ``groups`` subgroups."""
    sys.path.insert(0, str(ROOT))
    from cop_eval.cli.loading import load_responses
    from cop_eval.instruments import builtin_instrument_ids, load_instruments
    from cop_eval.report.build import ReportOptions, build_report_model
    from tests.report.synthetic import write_waves

    sizes = {f"Team {g:02d}": 4 + (g * 7) % 21 for g in range(1, groups + 1)}
    ids = builtin_instrument_ids()
    paths = write_waves(folder, ids, n_waves=waves, groups=sizes)
    instruments = load_instruments(ids)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group") for p in paths
    ]
    options = ReportOptions(group_column="group", title="Benchmark report")
    model = build_report_model(responses, instruments, options)
    return [(figure.chart.chart, figure.chart) for figure in model.figures()]


def measure(code: Path, specs: Path, runs: int) -> list[tuple[str, float, int]]:
    env = {**os.environ, "PYTHONPATH": str(code), "COP_EVAL_CHART_WORKERS": "0"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(specs), str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=code,
    )
    return [(k, t, n) for k, t, n in json.loads(done.stdout.strip().splitlines()[-1])]


def by_kind(rows: list[tuple[str, float, int]]) -> dict[str, tuple[int, float, int]]:
    kinds: dict[str, tuple[int, float, int]] = {}
    for kind, cpu, size in rows:
        count, total, total_size = kinds.get(kind, (0, 0.0, 0))
        kinds[kind] = (count + 1, total + cpu, total_size + size)
    return kinds


def code_of(revision: str, folder: Path) -> Path:
    """This repository's ``cop_eval/`` at ``revision``, unpacked into ``folder``."""
    archive = folder / "code.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(archive), revision, "cop_eval", "reports"],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "code", filter="data")
    return folder / "code"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", default=None, help="a git revision to measure beside")
    parser.add_argument("--groups", type=int, default=None, help="a synthetic report instead")
    parser.add_argument("--waves", type=int, default=2, help="with --groups")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs_file = folder / "specs.pkl"
        specs = report_specs(folder, args.groups, args.waves) if args.groups else demo_specs(folder)
        specs_file.write_bytes(pickle.dumps(specs))
        load_start = os.getloadavg()
        columns = {"here": by_kind(measure(ROOT, specs_file, args.runs))}
        if args.before:
            before = code_of(args.before, folder)
            columns = {f"{args.before}": by_kind(measure(before, specs_file, args.runs))} | columns
        load_end = os.getloadavg()
    names = list(columns)
    source = f"a report of {args.groups} subgroups" if args.groups else "the demo"
    print(f"The charts of {source}, PNG, least CPU of {args.runs} per chart (s)")
    print(f"{'kind':12s} {'n':>3s} " + " ".join(f"{n[:18]:>18s} {'all':>6s}" for n in names))
    totals = dict.fromkeys(names, 0.0)
    sizes = dict.fromkeys(names, 0)
    for kind in columns[names[-1]]:
        cells = []
        for name in names:
            count, total, size = columns[name][kind]
            totals[name] += total
            sizes[name] += size
            cells.append(f"{total / count:18.3f} {total:6.2f}")
        print(f"{kind:12s} {columns[names[-1]][kind][0]:3d} " + " ".join(cells))
    print(f"{'all':12s} {'':3s} " + " ".join(f"{'':18s} {totals[n]:6.2f}" for n in names))
    print("PNG bytes, all charts: " + ", ".join(f"{n} {sizes[n]:,}" for n in names))
    print(f"load average before {load_start[0]:.2f}, after {load_end[0]:.2f}")


if __name__ == "__main__":
    main()
