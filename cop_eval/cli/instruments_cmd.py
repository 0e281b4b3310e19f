"""``cop-eval instruments list|show|validate``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import err, json_option, out, print_json
from cop_eval.errors import InstrumentError
from cop_eval.instruments import Instrument, load_builtin_instruments, load_instrument


def _stages(instrument: Instrument) -> str:
    stages = sorted({s.stage for s in instrument.scales if s.stage is not None})
    return ", ".join(map(str, stages)) or "-"


def _summary(instrument: Instrument) -> dict[str, object]:
    return {
        "id": instrument.id,
        "title": instrument.title,
        "version": instrument.version,
        "status": instrument.status,
        "items": len(instrument.items),
        "scales": len(instrument.scales),
        "stages": sorted({s.stage for s in instrument.scales if s.stage is not None}),
        "reverse_keyed": sum(item.reverse for item in instrument.items),
    }


@click.group("instruments")
def instruments_group() -> None:
    """List, show and validate questionnaire definitions."""


@instruments_group.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """List the built-in instruments."""
    instruments = load_builtin_instruments()
    if as_json:
        print_json({"instruments": [_summary(i) for i in instruments]})
        return
    table = Table(title="Built-in instruments", title_justify="left")
    for name, justify in [
        ("id", "left"),
        ("title", "left"),
        ("status", "left"),
        ("items", "right"),
        ("scales", "right"),
        ("stage", "center"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for instrument in instruments:
        table.add_row(
            instrument.id,
            Text(instrument.title),
            instrument.status,
            str(len(instrument.items)),
            str(len(instrument.scales)),
            _stages(instrument),
        )
    out.print(table)
    out.print("Show one with: cop-eval instruments show ID")


@instruments_group.command("show")
@click.argument("instrument", metavar="ID|PATH")
@json_option
def show_cmd(instrument: str, as_json: bool) -> None:
    """Show an instrument's items, keying and scales."""
    inst = load_instrument(instrument)
    if as_json:
        print_json(inst.model_dump(mode="json"))
        return
    out.print(Text(f"{inst.title}  ({inst.id} {inst.version}, {inst.status})", style="bold"))
    out.print(Text(inst.description.strip()))
    rs = inst.response_scale
    labels = "; ".join(f"{k} = {v}" for k, v in sorted(rs.labels.items()))
    out.print(Text(f"Answers: {labels}. Missing: {', '.join(rs.missing_labels) or '-'}"))
    if not inst.license.item_text_redistributable:
        out.print(Text("Item wording is licensed and not shipped: supply it via item_text_file."))
    for scale in inst.scales:
        stage = f", stage {scale.stage}" if scale.stage else ""
        table = Table(
            title=Text(
                f"{scale.label} [{scale.id}] - {scale.method}, "
                f"min answered {scale.min_answered:g}{stage}"
            ),
            title_justify="left",
            show_lines=False,
        )
        table.add_column("item")
        table.add_column("key", justify="center")
        table.add_column("text")
        for item in inst.items_of(scale.id):
            table.add_row(item.id, "-" if item.reverse else "+", Text(item.text or "(licensed)"))
        out.print(table)
    for rule in inst.classification:
        out.print(Text(f"Classification {rule.label} [{rule.id}, {rule.kind}]", style="bold"))
        out.print(Text(rule.description.strip()))
    out.print(Text("Sources:", style="bold"))
    for source in inst.sources:
        locator = f" [{source.locator}]" if source.locator else ""
        out.print(Text(f"  - {source.citation}{locator}"))


@instruments_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """Check instrument YAML files; list every problem with its location."""
    failures: list[InstrumentError] = []
    for path in paths:
        try:
            inst = load_instrument(path)
        except InstrumentError as exc:
            failures.append(exc)
            err.print(Text(str(exc)))
            if _looks_like_item_list(path):
                err.print(Text(f"  {_NOT_AN_INSTRUMENT}"))
        else:
            out.print(
                Text(f"{path}: ok ({inst.id}: {len(inst.items)} items, {len(inst.scales)} scales)")
            )
    if failures:
        raise click.exceptions.Exit(1)


_NOT_AN_INSTRUMENT = (
    "This file maps item ids to text: an item_text_file (item id: wording) or a --mapping file "
    "(item id: column header), not an instrument. Validate the instrument file instead; its "
    "item_text_file is checked with it."
)


def _looks_like_item_list(path: Path) -> bool:
    """A YAML mapping of ids to text with none of an instrument's keys (``items``, ``scales``)."""
    import yaml

    from cop_eval.safe_yaml import YamlLimitError, load_yaml, read_text_file

    try:
        data = load_yaml(read_text_file(Path(path)), str(path))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, YamlLimitError):
        return False
    return (
        isinstance(data, dict)
        and bool(data)
        and not {"id", "items", "scales"} & {str(k) for k in data}
        and all(isinstance(v, str) for v in data.values())
    )


def register(cli: click.Group) -> None:
    """Attach the commands to the main group."""
    cli.add_command(instruments_group)
