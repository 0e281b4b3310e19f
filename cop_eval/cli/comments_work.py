"""The subcommands of ``cop-eval comments`` that work on a project's stored comments."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.comments_cmd import policy_of, privacy_options
from cop_eval.cli.common import codebook_for, err, json_option, out, print_json

__all__ = ["attach"]

_project = click.option(
    "--project",
    "project_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="The project folder (made by `cop-eval init`).",
)
_codebook = click.option(
    "--codebook",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="CB.yaml",
    help="A codebook of themes (default: the project's own codebook.yaml when it has one; else "
    "the built-in one).",
)


@click.command("review")
@_project
@click.option("--wave", "wave_label", default=None, metavar="LABEL", help="Only this wave.")
@click.option(
    "--originals",
    is_flag=True,
    help="Also print each comment as written (needs the project key; for your eyes only).",
)
@click.option("--all", "show_all", is_flag=True, help="List every comment, not only redacted ones.")
def review_cmd(project_dir: Path, wave_label: str | None, originals: bool, show_all: bool) -> None:
    """List stored comments with what was redacted in each, to check the redaction.

    Add names with `cop-eval comments redact --name NAME`; stop the name heuristic taking a word
    for a name with `--keep WORD`.
    """
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        stored = project.comments.review(wave_label, originals=originals)
    table = Table(title="Stored comments and their redactions", title_justify="left")
    table.add_column("comment")
    table.add_column("redacted text")
    table.add_column("redactions")
    if originals:
        table.add_column("as written (do not share)")
    listed = 0
    for c in stored:
        if not (show_all or c.redactions):
            continue
        listed += 1
        what = ", ".join(f"{kind} ({rule})" for kind, rule in c.redactions) or "-"
        row: list[str | Text] = [c.key, Text(c.text), Text(what)]
        if originals:
            row.append(Text(c.original or ""))
        table.add_row(*row)
    out.print(table)
    redacted = sum(1 for c in stored if c.redactions)
    err.print(f"{len(stored)} stored comments, {redacted} with redactions; {listed} listed.")


@click.command("redact")
@_project
@click.option(
    "--name", "names", multiple=True, metavar="NAME", help="A name to redact (repeatable)."
)
@click.option(
    "--names",
    "names_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="A text file of names to redact, one per line.",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="WORD",
    help="A word the name heuristic must not redact (repeatable), e.g. a place.",
)
@click.option("--remove", multiple=True, metavar="TERM", help="Remove a name or kept word.")
@click.option("--list", "show", is_flag=True, help="List the project's names and kept words.")
def redact_cmd(
    project_dir: Path,
    names: tuple[str, ...],
    names_file: Path | None,
    keep: tuple[str, ...],
    remove: tuple[str, ...],
    show: bool,
) -> None:
    """Add names to redact or words to keep, and redact every stored comment again.

    The names are stored sealed with the project key (the database never lists them).
    """
    from cop_eval.cli.comments_cmd import _read_names
    from cop_eval.store import Project

    listed = [*names, *(_read_names(names_file) if names_file else [])]
    with Project.open(project_dir) as project:
        if remove:
            changed = project.comments.remove_terms(remove)
            out.print(f"Removed {len(remove)} term(s); {changed} comment(s) changed.")
        if listed or keep:
            changed = project.comments.add_terms(names=listed, keep=keep)
            out.print(
                f"Added {len(listed)} name(s) and {len(keep)} word(s) to keep; "
                f"{changed} stored comment(s) changed."
            )
        if show or not (listed or keep or remove):
            terms = project.comments.terms()
            out.print(
                f"Names redacted: {len(terms.names)}"
                + (f" ({', '.join(terms.names)})" if show else "")
            )
            out.print(f"Words kept: {', '.join(terms.keep) or 'none'}")


@click.command("export")
@_project
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="SHEET.xlsx",
    help="The coding sheet to write.",
)
@click.option(
    "--instrument",
    "-i",
    "instruments",
    multiple=True,
    metavar="ID|PATH",
    help="Only these instruments' open questions (default: all).",
)
@click.option(
    "--group-column",
    default=None,
    metavar="COL",
    help="Leave out the comments of subgroups under the comment threshold.",
)
@privacy_options
@_codebook
def export_cmd(
    project_dir: Path,
    out_path: Path,
    instruments: tuple[str, ...],
    group_column: str | None,
    min_group_size: int,
    min_comment_group_size: int | None,
    codebook: Path | None,
) -> None:
    """Write a coding sheet (xlsx): comment id, redacted text, suggested themes, a column per theme."""
    from cop_eval.comments.api import project_comment_inputs, sheet_comments
    from cop_eval.comments.codebook import load_codebook
    from cop_eval.comments.sheet import write_sheet

    book = load_codebook(codebook_for(codebook, project_dir))
    waves, chosen, rules = project_comment_inputs(project_dir, instruments, group_column)
    comments = sheet_comments(
        waves,
        chosen,
        book,
        group_column=group_column,
        privacy=policy_of(min_group_size, min_comment_group_size),
        rules=rules,
    )
    count = write_sheet(comments, book, out_path)
    out.print(f"Wrote {out_path} ({count} comments, {len(book.themes)} theme columns).")
    err.print(
        "Write the coder's name in cell B1, mark each theme with 1, then `cop-eval comments import`."
    )


@click.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False))
@_project
@click.option(
    "--coder", default=None, metavar="NAME", help="Who coded it (default: cell B1 of the sheet)."
)
@_codebook
def import_cmd(sheet: Path, project_dir: Path, coder: str | None, codebook: Path | None) -> None:
    """Read a coded sheet back into the project (replaces that coder's earlier codes)."""
    from cop_eval.comments.codebook import load_codebook
    from cop_eval.comments.sheet import read_sheet
    from cop_eval.store import Project

    book = load_codebook(codebook_for(codebook, project_dir))
    with Project.open(project_dir) as project:
        codes = read_sheet(sheet, book, project.comments.keys())
        name = coder or codes.coder
        if not name:
            raise click.UsageError("the sheet names no coder in cell B1: give --coder NAME")
        stored = project.comments.save_codes(name, codes.codes)
    out.print(f"Stored the codes of {stored} comments by {name}.")


@click.command("agreement")
@_project
@click.option(
    "--coder",
    "coders",
    multiple=True,
    required=True,
    metavar="NAME",
    help="Two coders, or one (compared with the automatic coding).",
)
@_codebook
@json_option
def agreement_cmd(
    project_dir: Path, coders: tuple[str, ...], codebook: Path | None, as_json: bool
) -> None:
    """Cohen's kappa per theme (95% CI, as R psych::cohen.kappa) between two codings."""
    from cop_eval.comments.agreement import coding_agreement
    from cop_eval.comments.api import automatic_codes
    from cop_eval.comments.codebook import load_codebook
    from cop_eval.store import Project

    if len(coders) > 2:
        raise click.UsageError("give --coder once or twice")
    book = load_codebook(codebook_for(codebook, project_dir))
    with Project.open(project_dir) as project:
        known = set(project.comments.coders())
        for name in coders:
            if name not in known:
                raise click.UsageError(
                    f"no codes by {name!r} are stored; coders: {', '.join(sorted(known)) or 'none yet'}"
                )
        first = project.comments.codes(coders[0])
        second = (
            project.comments.codes(coders[1])
            if len(coders) == 2
            else automatic_codes(project, book)
        )
    names = (coders[0], coders[1] if len(coders) == 2 else "automatic coding")
    result = coding_agreement(first, second, book, names=names)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(
        title=f"Agreement of {names[0]} and {names[1]} ({result.n} comments)", title_justify="left"
    )
    for col in ("theme", "yes (1st)", "yes (2nd)", "agree", "kappa", "95% CI", "agreement"):
        table.add_column(col, justify="left" if col in ("theme", "agreement") else "right")
    for t in result.themes:
        kappa = "-" if t.kappa is None else f"{t.kappa:.2f}"
        ci = "-" if t.ci is None else f"{t.ci[0]:.2f} to {t.ci[1]:.2f}"
        table.add_row(
            t.theme,
            str(t.first_yes),
            str(t.second_yes),
            f"{100 * t.agreement:.0f}%",
            kappa,
            ci,
            t.words,
        )
    out.print(table)
    out.print(
        Text(
            "Kappa is undefined for a theme neither coding varies on; words after Landis & Koch (1977)."
        )
    )


def attach(group: click.Group) -> None:
    """Add the subcommands to ``cop-eval comments``."""
    for command in (review_cmd, redact_cmd, export_cmd, import_cmd, agreement_cmd):
        group.add_command(command)
