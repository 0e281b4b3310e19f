"""The board report at scale: 3 waves x 40 subgroups over all six built-in instruments.

Run:  .venv/bin/python benchmarks/bench_report.py [--groups 40] [--waves 3] [--svg] [--keep DIR]

Synthetic waves (the same people in every wave, 40 subgroups of 4 to 24 respondents, so some are
suppressed) are written as CSV, read with the importer, and turned into the report. Times are
printed per stage: reading, building the model (scoring, reliability, profiles, wave comparisons
with mixed models, subgroup cells), drawing the charts, rendering HTML, and WeasyPrint's PDF.

The PDF layout alone (issue 20):

  .venv/bin/python benchmarks/bench_report.py --layout [--project P | --html FILE] [--runs 3]

lays out the HTML that ``cop-eval report --project P --out X.pdf`` hands to WeasyPrint (P: the
demo's project, made by ``cop-eval demo`` in a temporary folder when not given; or a saved
``--html FILE``, e.g. one written by older code) ``--runs`` times, interleaved: "before" is a plain
``weasyprint.HTML(...).write_pdf()`` with Python's garbage collector as it is, as
``render_html_to_pdf`` did before issue 20; "after" is ``render_html_to_pdf`` as it is now. It
prints CPU seconds (min and median) of the layout (``render``: parse, cascade, boxes, pages) and
of writing the PDF (paint, images, fonts), wall seconds, the page count, whether the PDFs are the
same bytes, and the load average. The process has imported what the report's process has (pandas,
matplotlib, the data), as the chart helper that lays out the PDF has.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cop_eval.cli import main as cli_main  # noqa: E402
from cop_eval.cli.loading import load_responses  # noqa: E402
from cop_eval.instruments import builtin_instrument_ids, load_instruments  # noqa: E402
from cop_eval.report import render as render_module  # noqa: E402
from cop_eval.report.build import ReportOptions, build_report_model  # noqa: E402
from cop_eval.report.render import (  # noqa: E402
    LocalResourceFetcher,
    chart_images,
    render_html,
    render_html_to_pdf,
    templates_dir,
)
from tests.report.synthetic import write_waves  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--svg", action="store_true", help="charts as path-based SVG, not PNG")
    parser.add_argument("--keep", type=Path, default=None, help="write the PDF/HTML here")
    parser.add_argument("--layout", action="store_true", help="time the PDF layout alone")
    parser.add_argument("--project", type=Path, default=None, help="with --layout: a project")
    parser.add_argument("--html", type=Path, default=None, help="with --layout: a saved HTML")
    parser.add_argument("--runs", type=int, default=3, help="with --layout: runs of each")
    args = parser.parse_args()
    if args.layout:
        layout_benchmark(args.project, args.html, args.runs, args.keep)
        return

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


def report_html(project: Path | None) -> str:
    """The HTML ``cop-eval report --project`` lays out (the demo's project when none is given)."""
    with tempfile.TemporaryDirectory() as tmp:
        if project is None:
            demo = Path(tmp) / "demo"
            subprocess.run(
                [str(Path(sys.executable).parent / "cop-eval"), "demo", "--out", str(demo)],
                check=True,
                capture_output=True,
            )
            project = demo / "project"
        kept: list[str] = []
        real = render_module.render_html_to_pdf

        def keep(html: str, *args: object, **kwargs: object) -> bytes:
            kept.append(html)
            return real(html, *args, **kwargs)  # type: ignore[arg-type]

        os.environ["COP_EVAL_CHART_WORKERS"] = "0"  # the PDF is laid out in this process
        render_module.render_html_to_pdf = keep  # type: ignore[assignment]
        try:
            code = cli_main(["report", "--project", str(project), "--out", f"{tmp}/r.pdf"])
        finally:
            render_module.render_html_to_pdf = real  # type: ignore[assignment]
            del os.environ["COP_EVAL_CHART_WORKERS"]
        if code != 0 or not kept:
            raise SystemExit(f"cop-eval report --project {project} failed (exit {code})")
        return kept[-1]


def _before(html: str) -> bytes:
    """The layout as render_html_to_pdf did it before issue 20."""
    import weasyprint

    fetcher = LocalResourceFetcher(templates_dir()).make()
    document = weasyprint.HTML(
        string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher
    )
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def _timed(layout: object, html: str) -> tuple[float, float, float, int, bytes]:
    """CPU seconds of WeasyPrint's render and write_pdf, wall seconds, pages, the PDF."""
    import weasyprint

    split: dict[str, float] = {}
    real_render, real_write = weasyprint.HTML.render, weasyprint.document.Document.write_pdf
    pages = [0]

    def render(self: object, *a: object, **k: object) -> object:
        start = time.process_time()
        document = real_render(self, *a, **k)
        split["render"] = time.process_time() - start
        pages[0] = len(document.pages)
        return document

    def write(self: object, *a: object, **k: object) -> object:
        start = time.process_time()
        out = real_write(self, *a, **k)
        split["write"] = time.process_time() - start
        return out

    weasyprint.HTML.render = render  # type: ignore[method-assign]
    weasyprint.document.Document.write_pdf = write  # type: ignore[method-assign]
    try:
        wall = time.perf_counter()
        pdf = layout(html)  # type: ignore[operator]
        wall = time.perf_counter() - wall
    finally:
        weasyprint.HTML.render = real_render  # type: ignore[method-assign]
        weasyprint.document.Document.write_pdf = real_write  # type: ignore[method-assign]
    return split["render"], split["write"], wall, pages[0], pdf


def layout_benchmark(
    project: Path | None, html_file: Path | None, runs: int, keep: Path | None
) -> None:
    """Print the PDF layout's cost before and after issue 20's changes, min of ``runs``."""
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401 - the heap of the report's process

    html = html_file.read_text(encoding="utf-8") if html_file else report_html(project)
    source = html_file or project or "the demo's project"
    print(
        f"PDF layout of {source}: {len(html) / 1e6:.1f} MB of HTML; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    _before("<p>warm up</p>")
    results: dict[str, list[tuple[float, float, float, int, bytes]]] = {"before": [], "after": []}
    for _ in range(runs):
        results["before"].append(_timed(_before, html))
        results["after"].append(_timed(render_html_to_pdf, html))
    print(
        f"{'':<8} {'render CPU s':>14} {'write CPU s':>13} {'total CPU s':>13} "
        f"{'median':>7} {'wall s':>7} {'pages':>6}"
    )
    for name, rows in results.items():
        totals = [r[0] + r[1] for r in rows]
        print(
            f"{name:<8} {min(r[0] for r in rows):>14.2f} {min(r[1] for r in rows):>13.2f} "
            f"{min(totals):>13.2f} {statistics.median(totals):>7.2f} "
            f"{min(r[2] for r in rows):>7.2f} {rows[0][3]:>6}"
        )
    same = {r[4] for rows in results.values() for r in rows}
    print(
        f"the PDFs are {'the same bytes' if len(same) == 1 else 'NOT the same bytes'}; "
        f"load average {os.getloadavg()[0]:.1f} at the end (the machine may be shared)"
    )
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "layout.html").write_text(html, encoding="utf-8")
        with contextlib.suppress(IndexError):
            (keep / "layout.pdf").write_bytes(results["after"][0][4])


if __name__ == "__main__":
    main()
