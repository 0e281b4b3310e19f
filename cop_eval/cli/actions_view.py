"""How the ``cop-eval actions`` commands show actions: JSON, a table, one action in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.table import Table
from rich.text import Text

from cop_eval.cli.common import out
from cop_eval.store import Action

__all__ = ["action_json", "actions_table", "print_action"]


def action_json(action: Action) -> dict[str, Any]:
    """An action as JSON (``status_text`` added)."""
    return {**action.model_dump(mode="json"), "status_text": action.status_text}


def actions_table(actions: list[Action], as_of: dt.date) -> Table:
    """The actions, one row each, overdue ones marked."""
    table = Table(title="Actions", title_justify="left")
    for name in ("#", "action", "owner", "targets", "agreed after", "due", "status"):
        table.add_column(name, justify="right" if name == "#" else "left")
    for a in actions:
        late = a.overdue(as_of)
        table.add_row(
            str(a.id),
            Text(a.title),
            Text(a.owner or "-"),
            Text(", ".join(a.targets) or "-"),
            Text(a.agreed_after),
            Text(
                f"{a.due}{' (overdue)' if late else ''}" if a.due else "-",
                style="red" if late else "",
            ),
            a.status_text,
        )
    return table


def print_action(action: Action) -> None:
    """One action with its details and dated notes, for `actions show` and after a change."""
    out.print(Text(f"#{action.id} {action.title}", style="bold"))
    rows = [
        ("status", action.status_text),
        ("owner", action.owner),
        ("targets", ", ".join(action.targets)),
        ("agreed after", action.agreed_after),
        ("due", str(action.due) if action.due else ""),
        ("success measure", action.success_measure),
        ("description", action.description),
        ("from recommendation", action.recommendation or ""),
    ]
    for name, value in rows:
        if value:
            out.print(Text(f"  {name}: ") + Text(value))
    for note in action.notes:
        status = f" [{note.status.replace('_', ' ')}]" if note.status else ""
        out.print(Text(f"  {note.date}{status} ") + Text(note.text))
