"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

if TYPE_CHECKING:  # pandas is imported by the commands that read data, not by every command
    pass

F = TypeVar("F", bound=Callable[..., Any])

#: stdout for results (tables, JSON); stderr for messages and progress.
# Piped output is not squeezed to 80 columns: tables stay readable in files and logs.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(payload: Any) -> None:
    """Print one JSON object on stdout (NaN and infinities become null)."""
    click.echo(json.dumps(_clean(payload), indent=2, ensure_ascii=False, allow_nan=False))


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _clean(value.item())
    return value


def instrument_option(multiple: bool = False, required: bool = True) -> Callable[[F], F]:
    """``--instrument ID|PATH`` (repeatable when ``multiple``)."""
    return click.option(
        "--instrument",
        "-i",
        "instrument",
        required=required,
        multiple=multiple,
        metavar="ID|PATH",
        help="A built-in instrument id (see `cop-eval instruments list`) or a YAML file."
        + (" Repeat for several." if multiple else ""),
    )


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of tables."
)


# -- data options (survey import) ---------------------------------------------------------------


def _data_options(func: F, *, per_file: bool) -> F:
    from cop_eval.ingest.layouts import FORMATS

    repeat = (
        " Repeat it once per DATA file, in order, when the files name it differently."
        if per_file
        else ""
    )
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS, case_sensitive=False),
            default=None,
            help="The export format; detected from the file when left out.",
        ),
        click.option(
            "--mapping",
            type=str if per_file else click.Path(path_type=Path, dir_okay=False),
            default=None,
            multiple=per_file,
            metavar="MAP.yaml",
            help="YAML mapping of item id to column header, for columns named neither by item "
            "id nor by item text (see docs/import.md)."
            + (
                " Repeat it once per DATA file, in order (write - for a file that needs none), "
                "when a question was worded or named differently in one wave."
                if per_file
                else ""
            ),
        ),
        click.option(
            "--sheet",
            default=None,
            multiple=per_file,
            metavar="NAME",
            help="The sheet of an Excel workbook to read (default: the first)." + repeat,
        ),
        click.option(
            "--id-column",
            default=None,
            multiple=per_file,
            metavar="COL",
            help="Column with respondent ids (pseudonymised on import; links waves)." + repeat,
        ),
        click.option(
            "--group-column",
            default=None,
            multiple=per_file,
            metavar="COL",
            help="Column naming a subgroup (role, strand) for subgroup results." + repeat,
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def data_options(func: F) -> F:
    """``--format``, ``--mapping MAP.yaml``, ``--id-column COL`` and ``--group-column COL``.

    The decorated command receives ``fmt``, ``mapping``, ``id_column`` and ``group_column``;
    pass them on to :func:`load_responses`.
    """
    return _data_options(func, per_file=False)


def multi_data_options(func: F) -> F:
    """:func:`data_options` for commands that read several files (one per wave).

    ``--id-column`` and ``--group-column`` may be given once (the same column in every file) or
    once per file, in order - platforms name the same question differently (``RecipientEmail``
    in Qualtrics, ``Email`` in Microsoft Forms). The command receives tuples; resolve them with
    :func:`per_file`.
    """
    return _data_options(func, per_file=True)


def per_file(values: Sequence[str], count: int, option: str) -> list[str | None]:
    """One value per file from a repeatable option given zero, one or ``count`` times."""
    if not values:
        return [None] * count
    if len(values) == 1:
        return [values[0]] * count
    if len(values) != count:
        raise click.UsageError(
            f"{option} was given {len(values)} times for {count} data file(s); give it once "
            "(the same column in every file) or once per file, in the same order"
        )
    return list(values)


project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="A project folder (made by `cop-eval init`): use its stored waves instead of DATA files.",
)


def min_group_size_option(default: int) -> Callable[[F], F]:
    """``--min-group-size N``: the anonymity threshold of the analysis commands.

    ``default`` is the library's (``cop_eval.privacy.DEFAULT_MIN_GROUP_SIZE``), passed in by the
    command: importing :mod:`cop_eval.privacy` here would load pandas for every command.
    """
    return click.option(
        "--min-group-size",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        help="No figure describes fewer respondents than this.",
    )


def labels_option(help_text: str) -> Callable[[F], F]:
    """``--labels L1,L2,..``: wave labels, as the command's help text says."""
    return click.option("--labels", default=None, metavar="L1,L2,..", help=help_text)


wave_option = click.option(
    "--wave",
    "wave_label",
    default=None,
    metavar="LABEL",
    help="With --project: the stored wave to use (default: the latest).",
)


def codebook_for(codebook: Path | None, project_dir: Path | None) -> Path | None:
    """The codebook a command codes comments with: ``--codebook`` when given; else, with
    ``--project DIR``, the project's own ``DIR/codebook.yaml`` when it has one (the web app's
    Import page keeps it there), said on stderr; else ``None`` (the built-in codebook)."""
    if codebook is not None or project_dir is None:
        return codebook
    from cop_eval.comments.codebook import project_codebook

    found = project_codebook(project_dir)
    if found is not None:
        err.print(
            f"Using the project's own codebook {found} (give --codebook CB.yaml to use another).",
            markup=False,
        )
    return found
