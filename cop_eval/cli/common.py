"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

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


def instrument_option(multiple: bool = False) -> Callable[[F], F]:
    """``--instrument ID|PATH`` (repeatable when ``multiple``)."""
    return click.option(
        "--instrument",
        "-i",
        "instrument",
        required=True,
        multiple=multiple,
        metavar="ID|PATH",
        help="A built-in instrument id (see `cop-eval instruments list`) or a YAML file."
        + (" Repeat for several." if multiple else ""),
    )


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of tables."
)
