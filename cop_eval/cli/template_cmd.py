"""``cop-eval template INSTRUMENT [INSTRUMENT...] --format csv|html|pdf [--out FILE]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.text import Text

from cop_eval.cli.common import err
from cop_eval.instruments import load_instruments
from cop_eval.outputs import write_atomic

__all__ = ["register", "template_cmd"]


@click.command("template")
@click.argument("instruments", nargs=-1, required=True, metavar="INSTRUMENT...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "html", "pdf"], case_sensitive=False),
    default="csv",
    show_default=True,
    help="csv: a blank response file; html/pdf: a printable questionnaire.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write it (default: stdout for csv and html; required for pdf).",
)
@click.option("--title", default=None, help="Questionnaire title (default: the instrument titles).")
def template_cmd(
    instruments: tuple[str, ...], fmt: str, out: Path | None, title: str | None
) -> None:
    """A blank response template (CSV) or a printable questionnaire (HTML/PDF).

    The CSV has an `id` column, a `group` column and one column per item id, in questionnaire
    order (UTF-8 with BOM, so Excel opens it correctly).
    """
    from cop_eval.report.questionnaire import (
        questionnaire_html,
        questionnaire_pdf,
        response_template_csv,
    )

    loaded = load_instruments(instruments)
    fmt = fmt.lower()
    if fmt == "pdf" and out is None:
        raise click.UsageError("--format pdf needs --out FILE.pdf")
    if fmt == "csv":
        payload = response_template_csv(loaded)
    elif fmt == "html":
        payload = questionnaire_html(loaded, title=title).encode("utf-8")
    else:
        payload = questionnaire_pdf(loaded, title=title)
    if out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    write_atomic(out, payload, "the questionnaire")
    err.print(Text(f"Wrote {out}"))


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(template_cmd)
