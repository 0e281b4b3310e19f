"""``cop-eval comments``: themes of the free-text answers, and the work around them.

\b
cop-eval comments DATA... -i ID | --project DIR [-i ID] [--codebook CB.yaml] [--json]
cop-eval comments review --project DIR [--wave LABEL] [--originals]
cop-eval comments redact --project DIR [--name NAME | --names FILE] [--keep WORD] [--remove TERM]
cop-eval comments export --project DIR --out SHEET.xlsx [-i ID] [--codebook CB.yaml]
cop-eval comments import SHEET.xlsx --project DIR [--coder NAME] [--codebook CB.yaml]
cop-eval comments agreement --project DIR --coder A [--coder B] [--json]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import (
    codebook_for,
    json_option,
    multi_data_options,
    out,
    print_json,
    project_option,
)
from cop_eval.cli.loading import unify_group_column, waves_from_files
from cop_eval.comments.redaction import RedactionRules
from cop_eval.comments.results import CommentAnalysis
from cop_eval.instruments import Instrument
from cop_eval.privacy import DEFAULT_MIN_COMMENT_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE, PrivacyPolicy
from cop_eval.responses import ResponseSet

_DEFAULT = "themes"
F = TypeVar("F", bound=Callable[..., Any])


class _CommentsGroup(click.Group):
    """``comments DATA...`` analyses; ``comments export|import|...`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [_DEFAULT, *args]
        return super().parse_args(ctx, args)


codebook_option = click.option(
    "--codebook",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="CB.yaml",
    help="A codebook of themes (default: with --project, the project's own codebook.yaml when "
    "it has one; else the built-in one, for the built-in instruments).",
)


def privacy_options(func: F) -> F:
    """``--min-group-size N`` and ``--min-comment-group-size N``: the anonymity rule."""
    func = click.option(
        "--min-comment-group-size",
        "min_comment_group_size",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Fewest people whose comments a figure or quote may come from "
        f"(default {DEFAULT_MIN_COMMENT_GROUP_SIZE}; never below --min-group-size).",
    )(func)
    return click.option(
        "--min-group-size",
        "min_group_size",
        type=click.IntRange(min=1),
        default=DEFAULT_MIN_GROUP_SIZE,
        show_default=True,
        metavar="N",
        help="Fewest respondents any figure may describe.",
    )(func)


def policy_of(min_group_size: int, min_comment_group_size: int | None) -> PrivacyPolicy:
    """The anonymity rule from the two options (a comment threshold below the scale threshold
    is refused by the policy, with the option names in the message)."""
    from cop_eval.errors import OptionError

    try:
        return PrivacyPolicy(min_group_size, min_comment_group_size)
    except OptionError as exc:
        raise OptionError(f"{exc} (--min-comment-group-size, --min-group-size)") from None


@click.group("comments", cls=_CommentsGroup)
def comments_cmd() -> None:
    """Themes of the free-text answers: redacted, coded, counted per wave and subgroup.

    \b
    cop-eval comments DATA... -i ID [--labels L1,L2] [--group-column COL] [--json]
    cop-eval comments --project DIR [-i ID] [--group-column COL] [--json]
    Also: review, redact, export, import, agreement (cop-eval comments COMMAND --help).
    """


@comments_cmd.command(_DEFAULT, hidden=True)
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--instrument",
    "-i",
    "instruments",
    multiple=True,
    metavar="ID|PATH",
    help="Instrument(s) whose open questions to analyse (with --project: default all).",
)
@multi_data_options
@project_option
@click.option("--labels", default=None, metavar="L1,L2,..", help="Wave labels, one per DATA file.")
@codebook_option
@privacy_options
@click.option(
    "--names",
    "names_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="A text file of names to redact, one per line (DATA files).",
)
@json_option
def themes_cmd(
    data: tuple[Path, ...],
    instruments: tuple[str, ...],
    fmt: str | None,
    mapping: tuple[str, ...],
    sheet: tuple[str, ...],
    id_column: tuple[str, ...],
    group_column: tuple[str, ...],
    project_dir: Path | None,
    labels: str | None,
    codebook: Path | None,
    min_group_size: int,
    min_comment_group_size: int | None,
    names_file: Path | None,
    as_json: bool,
) -> None:
    """Themes of the comments per wave, with Wilson CIs, change (Newcombe) and quotes."""
    from cop_eval.comments.analysis import analyse_comments
    from cop_eval.comments.codebook import load_codebook

    if data and project_dir is not None:
        raise click.UsageError("give DATA files or --project DIR, not both")
    if not data and project_dir is None:
        raise click.UsageError("give one DATA file per wave, or --project DIR")
    book = load_codebook(codebook_for(codebook, project_dir))
    group = group_column[0] if group_column else None
    if project_dir is not None:
        waves, chosen, rules = _project_waves(project_dir, instruments, group_column)
    else:
        if not instruments:
            raise click.UsageError("Missing option '--instrument' / '-i'.")
        wave_labels = [s.strip() for s in labels.split(",")] if labels else None
        if wave_labels is not None and len(wave_labels) != len(data):
            raise click.UsageError(
                f"--labels gives {len(wave_labels)} labels for {len(data)} files"
            )
        waves = waves_from_files(
            data, list(instruments), wave_labels, fmt=fmt, mapping=mapping,
            id_column=id_column, group_column=group_column, sheet=sheet,
        )  # fmt: skip
        if group and len(group_column) > 1:
            waves = unify_group_column(waves, group)
        chosen = waves[0].instruments
        rules = RedactionRules(names=tuple(_read_names(names_file)) if names_file else ())
    result = analyse_comments(
        waves,
        chosen,
        codebook=book,
        group_column=group,
        privacy=policy_of(min_group_size, min_comment_group_size),
        rules=rules,
    )
    if as_json:
        print_json(result.to_dict())
        return
    print_analysis(result)


def _read_names(path: Path) -> list[str]:
    from cop_eval.errors import OptionError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise OptionError(f"{path}: cannot read the names file ({exc.strerror}).") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _project_waves(
    project_dir: Path, instruments: Sequence[str], group_column: Sequence[str]
) -> tuple[list[ResponseSet], tuple[Instrument, ...], RedactionRules]:
    from cop_eval.comments.api import project_comment_inputs

    if len(group_column) > 1:
        raise click.UsageError("with --project, give --group-column once")
    return project_comment_inputs(
        project_dir, instruments, group_column[0] if group_column else None
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def print_analysis(result: CommentAnalysis) -> None:
    """Waves, then one row per theme with its share in each wave."""
    waves = Table(title="Comments per wave", title_justify="left")
    for name in ("wave", "people", "comments", "no theme", "tone (VADER)"):
        waves.add_column(name, justify="left" if name == "wave" else "right")
    for w in result.waves:
        if w.suppressed:
            waves.add_row(w.label, "hidden", "hidden", "hidden", "hidden")
        else:
            waves.add_row(w.label, str(w.commenters), str(w.comments), str(w.uncoded),
                          f"{w.sentiment:+.2f}" if w.sentiment is not None else "-")  # fmt: skip
    out.print(waves)
    table = Table(title=f"Themes ({result.codebook})", title_justify="left")
    table.add_column("theme")
    table.add_column("stage", justify="center")
    for w in result.waves:
        table.add_column(w.label, justify="right")
    table.add_column("95% CI (latest)", justify="center")
    shown = [
        t
        for t in result.themes
        if t.suppressed or (t.n or 0) > 0 or any((c.n or 0) > 0 for c in t.by_wave)
    ]
    for t in sorted(shown, key=lambda t: (t.stage or 9, -(t.share or 0))):
        cells = ["hidden" if c.suppressed else f"{c.n} ({_pct(c.share)})" for c in t.by_wave]
        ci = "-" if t.ci is None else f"{_pct(t.ci[0])} to {_pct(t.ci[1])}"
        table.add_row(Text(t.label), str(t.stage or "-"), *cells, ci)
    out.print(table)
    for t in shown:
        if t.quotes:
            out.print(Text(f"{t.label}:", style="bold"))
            for q in t.quotes:
                out.print(Text(f'  "{q.text}"'))
    if result.candidates:
        out.print(
            Text(
                "Candidate themes from comments no theme caught (add them to the codebook):",
                style="bold",
            )
        )
        for c in result.candidates:
            out.print(Text(f"  {', '.join(c.terms)} ({c.n} comments)"))
            for q in c.examples:
                out.print(Text(f'    "{q.text}"'))
    hidden = [w.label for w in result.waves if w.suppressed]
    note = f"Comments are shown only for groups of at least {result.threshold} people"
    if hidden:
        note += f"; hidden: {', '.join(hidden)}"
    if result.hidden_groups:
        note += f"; subgroups not shown: {', '.join(result.hidden_groups)}"
    out.print(Text(note + ". Names, e-mails, phone numbers and other identifiers are redacted."))


def register(cli: click.Group) -> None:
    """Attach the command group to the main group."""
    from cop_eval.cli import comments_work

    comments_work.attach(comments_cmd)
    cli.add_command(comments_cmd)
