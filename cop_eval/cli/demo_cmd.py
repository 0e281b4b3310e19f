"""``cop-eval demo``: the whole job on the bundled sample data."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from cop_eval.cli.common import err, out


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo_output"),
    show_default=True,
    help="Folder for the report, its tables and the demo project.",
)
def demo_cmd(out_dir: Path) -> None:
    """Import the three sample waves, analyse them and write the board report.

    The sample data simulate an HR professional group surveyed three times, exported from
    Qualtrics, Microsoft Forms and Excel (see sample_data/README.md).
    """
    from cop_eval.demo import run_demo

    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task("Starting", total=None)
        last: list[str] = []

        def step(message: str) -> None:
            if last:
                progress.console.print(Text(f"  done: {last[-1]}"))
            last.append(message)
            progress.update(task, description=message)

        result = run_demo(out_dir, step=step)
        if last:
            progress.console.print(Text(f"  done: {last[-1]}"))
        progress.update(task, description="Finished")
    seconds = time.perf_counter() - started
    for label, accepted, rejected in result.waves:
        out.print(
            Text(f"{label}: {accepted} responses scored, {rejected} rejected (see the appendix)")
        )
    out.print(Text(f"Report (PDF):  {result.pdf}", style="bold"))
    out.print(Text(f"Report (HTML): {result.html}"))
    out.print(Text(f"Tables (XLSX): {result.xlsx}"))
    out.print(Text(f"Project store: {result.project}  (cop-eval waves --project {result.project})"))
    out.print(Text(f"At a glance:   cop-eval dashboard --project {result.project}"))
    out.print(Text(f"Finished in {seconds:.1f} s."))


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(demo_cmd)
