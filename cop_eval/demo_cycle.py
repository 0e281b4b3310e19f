"""The demo's evaluation cycle: the sample data's context, rosters, register and two actions.

:func:`store_cycle` puts into the demo project what ``sample_data/manifest.yaml`` lists beside
the survey waves: the project context, a roster per wave (members only), the attendance register
of the 17 meetings, and the two actions the group agreed after the first wave (one targets
reflection time, which the sample's stage-3 effect then improves; one the collective agenda,
which does not move), with their dated notes. Running it again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cop_eval.errors import CopEvalError
from cop_eval.store import Project

__all__ = ["CODES_FILE", "store_codings", "store_cycle"]

#: Two simulated coders' codes of the sample comments (made by ``sample_data/coding.py``).
CODES_FILE = "comment_codes.csv"


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _add_actions(project: Project, actions: list[Mapping[str, Any]]) -> int:
    known = {a.title for a in project.actions()}
    added = 0
    for spec in actions:
        if spec["title"] in known:
            continue
        notes = list(spec.get("notes", []))
        action = project.add_action(
            str(spec["title"]),
            targets=[str(t) for t in spec.get("targets", [])],
            agreed_after=str(spec["agreed_after"]),
            description=str(spec.get("description", "")),
            owner=str(spec.get("owner", "")),
            due=_date(spec["due"]) if spec.get("due") else None,
            success_measure=str(spec.get("success_measure", "")),
            recommendation=str(spec["recommendation"]) if spec.get("recommendation") else None,
        )
        for note in notes:
            project.update_action(
                action.id,
                status=note.get("status"),
                note=str(note["text"]),
                note_date=_date(note["date"]),
            )
        added += 1
    return added


def store_cycle(
    project: Project,
    folder: Path,
    manifest: Mapping[str, Any],
    step: Callable[[str], None] = lambda message: None,
) -> None:
    """Store the sample data's context, rosters, register and actions in the demo project.

    Raises
    ------
    CopEvalError
        The manifest lacks the cycle's entries (an old sample data folder).
    """
    try:
        rosters = manifest["rosters"]
        context = manifest["context"]
        register = manifest["attendance"]
        actions = manifest["actions"]
    except KeyError as exc:
        raise CopEvalError(
            f"{folder / 'manifest.yaml'}: no {exc.args[0]!r} entry; regenerate the sample data "
            "with `python sample_data/generate.py`"
        ) from exc
    step("Storing the project context")
    project.set_context(**{str(k): str(v) for k, v in context.items()})
    for wave, entry in rosters.items():
        outcome = project.import_roster(str(wave), folder / str(entry["file"]))
        step(f"{wave}: roster {outcome.action} ({outcome.membership.total} members)")
    outcome_register = project.import_attendance(
        folder / str(register["file"]),
        id_column=str(register["id_column"]),
        date_column=str(register["date_column"]),
        attended_column=str(register["attended_column"]),
    )
    step(
        f"Attendance register {outcome_register.action} ({outcome_register.stored.meetings} meetings)"
    )
    added = _add_actions(project, list(actions))
    step(f"Actions: {added} added, {len(project.actions())} in the project")


def store_codings(project: Project, path: Path, step: Callable[[str], None]) -> None:
    """Store the coders' codes in ``path`` (``coder,comment,themes``, themes joined by ``;``),
    as the coding sheet's upload would; nothing when the file is not there.

    Raises
    ------
    CopEvalError
        A comment the project does not store (the file is older than the sample data).
    """
    if not path.is_file():
        return
    by_coder: dict[str, dict[str, tuple[str, ...]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            themes = tuple(t for t in (row.get("themes") or "").split(";") if t)
            by_coder.setdefault(str(row["coder"]), {})[str(row["comment"])] = themes
    try:
        for coder, codes in by_coder.items():
            project.comments.save_codes(coder, codes)
    except CopEvalError as exc:
        raise CopEvalError(
            f"{path}: {exc} Make the file again with `python sample_data/coding.py`."
        ) from exc
    step(f"Comments coded by hand: {', '.join(by_coder)} ({len(by_coder)} coders)")
