"""The board report at scale: 3 waves x 40 subgroups over all six built-in instruments.

Run:  .venv/bin/python benchmarks/bench_report.py [--groups 40] [--waves 3] [--svg] [--keep DIR]

Synthetic waves (the same people in every wave, 40 subgroups of 4 to 24 respondents, so some are
suppressed) are written as CSV, read with the importer, and turned into the report. Times are
printed per stage: reading, building the model (scoring, reliability, profiles, wave comparisons
with mixed models, subgroup cells), drawing the charts, rendering HTML, and WeasyPrint's PDF.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cop_eval.cli.common import load_responses  # noqa: E402
from cop_eval.instruments import builtin_instrument_ids, load_instruments  # noqa: E402
from cop_eval.report.build import ReportOptions, build_report_model  # noqa: E402
from cop_eval.report.render import chart_images, render_html, render_html_to_pdf  # noqa: E402
from tests.report.synthetic import write_waves  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--svg", action="store_true", help="charts as path-based SVG, not PNG")
    parser.add_argument("--keep", type=Path, default=None, help="write the PDF/HTML here")
    args = parser.parse_args()

    groups = {f"Team {g:02d}": 4 + (g * 7) % 21 for g in range(1, args.groups + 1)}
    ids = builtin_instrument_ids()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_waves(folder, ids, n_waves=args.waves, groups=groups)
        instruments = load_instruments(ids)
        timings: dict[str, float] = {}

        start = time.perf_counter()
        responses = [
            load_responses(p, instruments, id_column="id", group_column="group") for p in paths
        ]
        timings["read"] = time.perf_counter() - start

        start = time.perf_counter()
        model = build_report_model(
            responses,
            instruments,
            ReportOptions(group_column="group", title="Benchmark report"),
        )
        timings["build model"] = time.perf_counter() - start

        fmt = "svg" if args.svg else "png"
        start = time.perf_counter()
        images = chart_images(model, fmt)
        timings[f"charts ({fmt})"] = time.perf_counter() - start

        start = time.perf_counter()
        html = render_html(model, standalone=False, images=images)
        timings["html"] = time.perf_counter() - start

        start = time.perf_counter()
        pdf = render_html_to_pdf(html)
        timings["pdf (WeasyPrint)"] = time.perf_counter() - start

        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / "bench_report.pdf").write_bytes(pdf)
            (args.keep / "bench_report.html").write_text(
                render_html(model, images=images), encoding="utf-8"
            )

    respondents = sum(rs.n for rs in responses)
    pages = "?"
    if shutil.which("pdfinfo") and args.keep:
        info = subprocess.run(
            ["pdfinfo", str(args.keep / "bench_report.pdf")], capture_output=True, text=True
        ).stdout
        pages = next(
            (line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?"
        )
    print(
        f"{args.waves} waves x {args.groups} subgroups, {len(instruments)} instruments, "
        f"{respondents} responses in all; {len(model.figures())} figures, "
        f"{len(model.tables())} tables, {pages} pages, PDF {len(pdf) / 1e6:.1f} MB"
    )
    for name, seconds in timings.items():
        print(f"  {name:<18} {seconds:6.2f} s")
    print(f"  {'total':<18} {sum(timings.values()):6.2f} s")


if __name__ == "__main__":
    main()
