"""Actions the group agreed after a wave ("review and revise"), as ``Project`` methods.

:class:`ActionStore` is mixed into :class:`~cop_eval.store.project.Project`. An action names the
scales (or a whole stage of the model) it should move; targets are checked against the
instruments of the stored waves (the built-in instruments while none is stored) and kept as
``instrument_id.scale_id`` or ``stage:N``. Every change is one transaction and one audit row.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from cop_eval.errors import OptionError, StoreError
from cop_eval.instruments import Instrument
from cop_eval.store import cycle_db, db
from cop_eval.store.cycle_models import ACTION_STATUSES, Action, ActionStatus
from cop_eval.store.models import WaveInfo

__all__ = ["ActionStore", "resolve_targets"]

_MAX_TEXT = 4000
_TEXT_FIELDS = ("title", "description", "owner", "success_measure")


def _status(value: str) -> ActionStatus:
    key = value.strip().casefold().replace(" ", "_").replace("-", "_")
    if key not in ACTION_STATUSES:
        raise OptionError(f"status {value!r} is not one of: {', '.join(ACTION_STATUSES.values())}.")
    return key  # type: ignore[return-value]


def _text(name: str, value: str) -> str:
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise OptionError(f"{name}: {len(text)} characters; keep it under {_MAX_TEXT}.")
    return text


def _scale_names(instruments: Sequence[Instrument]) -> str:
    return "; ".join(f"{i.id}: {', '.join(i.scale_ids)}" for i in instruments)


def resolve_targets(targets: Iterable[str], instruments: Sequence[Instrument]) -> tuple[str, ...]:
    """Targets in their stored form: ``instrument_id.scale_id`` or ``stage:N``.

    A target is ``stage:N`` (or ``stage N``), ``instrument_id.scale_id``, a scale id that only
    one instrument has, or a scale's label ("Time to reflect"). Duplicates are dropped.

    Raises
    ------
    OptionError
        A target that names no stage or scale, or a scale id several instruments have.
    """
    stages = sorted({s.stage for i in instruments for s in i.scales if s.stage is not None})
    out: list[str] = []
    for raw in targets:
        text = raw.strip()
        if not text:
            continue
        folded = (
            text.casefold().replace(" ", ":", 1)
            if text.casefold().startswith("stage ")
            else text.casefold()
        )
        if folded.startswith("stage:"):
            number = folded.split(":", 1)[1].strip()
            if not number.isdigit() or int(number) not in stages:
                raise OptionError(
                    f"target {text!r}: the instruments have stages "
                    f"{', '.join(map(str, stages)) or '(none)'}; write e.g. stage:3."
                )
            resolved = f"stage:{int(number)}"
        else:
            resolved = _scale_target(text, instruments)
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


def _scale_target(text: str, instruments: Sequence[Instrument]) -> str:
    by_id = {i.id: i for i in instruments}
    if "." in text:
        inst_id, scale_id = text.split(".", 1)
        inst = by_id.get(inst_id)
        if inst is None or scale_id not in inst.scale_ids:
            raise OptionError(
                f"target {text!r}: no such scale. Scales: {_scale_names(instruments)}."
            )
        return text
    matches = [
        f"{i.id}.{s.id}"
        for i in instruments
        for s in i.scales
        if s.id == text or s.label.casefold() == text.casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise OptionError(
            f"target {text!r} is a scale of several instruments; write one of: "
            f"{', '.join(matches)}."
        )
    raise OptionError(f"target {text!r}: no such scale. Scales: {_scale_names(instruments)}.")


class ActionStore:
    """Add, list, update and close actions; every change is in the audit trail."""

    if TYPE_CHECKING:

        def waves(self) -> list[WaveInfo]: ...

        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _wave_label(self, label: str) -> str: ...

    def instruments(self) -> list[Instrument]:
        """The instruments of the stored waves (the latest stored version of each)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT wi.instrument_id, wi.snapshot_json FROM wave_instruments wi "
                "JOIN waves w ON w.id = wi.wave_id "
                "ORDER BY w.wave_date IS NULL, w.wave_date, w.id, wi.position"
            ).fetchall()
        latest: dict[str, str] = {}
        for ident, snapshot in rows:
            latest[ident] = snapshot
        return [Instrument.model_validate_json(s) for s in latest.values()]

    def _target_instruments(self) -> list[Instrument]:
        stored = self.instruments()
        if stored:
            return stored
        from cop_eval.instruments import load_builtin_instruments

        return list(load_builtin_instruments())

    def actions(self, status: str | None = None) -> list[Action]:
        """Every action, oldest first (only those of ``status`` when given)."""
        with self._read() as conn:
            found = cycle_db.read_actions(conn)
        if status is not None:
            wanted = _status(status)
            found = [a for a in found if a.status == wanted]
        return found

    def action(self, action_id: int) -> Action:
        """One action by its number; :class:`StoreError` when there is none."""
        with self._read() as conn:
            found = cycle_db.read_action(conn, action_id)
        if found is None:
            raise self._no_action(action_id)
        return found

    def _no_action(self, action_id: int) -> StoreError:
        numbers = ", ".join(str(a.id) for a in self.actions()) or "none yet"
        return StoreError(f"no action {action_id} in this project (actions: {numbers}).")

    def _agreed_after(self, wave: str | None) -> str:
        stored = self.waves()
        if wave is None:
            if not stored:
                raise OptionError(
                    "an action is agreed after a survey wave, and the project has none yet; "
                    "import a wave first, or name the wave it follows."
                )
            return stored[-1].label
        return self._wave_label(wave)

    def add_action(
        self,
        title: str,
        *,
        targets: Iterable[str] = (),
        agreed_after: str | None = None,
        description: str = "",
        owner: str = "",
        due: dt.date | None = None,
        status: str = "planned",
        success_measure: str = "",
        recommendation: str | None = None,
        note: str | None = None,
        note_date: dt.date | None = None,
    ) -> Action:
        """Record an action the group agreed.

        Parameters
        ----------
        title
            What will be done, in a line.
        targets
            The scales or stages it should move (see :func:`resolve_targets`).
        agreed_after
            The wave after which it was agreed (default: the latest stored wave).
        description, owner, due, status, success_measure
            The details; ``owner`` is a role ("Group lead"), not a person's name.
        recommendation
            The report recommendation it comes from, as text (kept as it read then).
        note, note_date
            A first dated note (default date: today).

        Examples
        --------
        >>> project.add_action("Ten minutes to reflect at the end of each meeting",  # doctest: +SKIP
        ...                    targets=["reflection.time_to_reflect"], owner="Group lead",
        ...                    due=dt.date(2025, 6, 30))
        """
        fields: dict[str, Any] = {
            "title": _text("title", title),
            "description": _text("description", description),
            "owner": _text("owner", owner),
            "success_measure": _text("success measure", success_measure),
            "agreed_after": self._agreed_after(agreed_after),
            "due": due,
            "status": _status(status),
            "targets": resolve_targets(targets, self._target_instruments()),
            "recommendation": recommendation.strip() if recommendation else None,
        }
        if not fields["title"]:
            raise OptionError("an action needs a title (what will be done).")
        with self._write() as conn:
            action_id = cycle_db.insert_action(conn, fields)
            if note:
                cycle_db.insert_note(
                    conn, action_id, note_date or dt.date.today(), _text("note", note), None
                )
            db.audit(
                conn,
                "action-add",
                wave=fields["agreed_after"],
                detail=f"action {action_id}: " + cycle_db.describe(fields),
            )
            found = cycle_db.read_action(conn, action_id)
        assert found is not None
        return found

    def update_action(
        self,
        action_id: int,
        *,
        title: str | None = None,
        description: str | None = None,
        owner: str | None = None,
        targets: Iterable[str] | None = None,
        agreed_after: str | None = None,
        due: dt.date | None = None,
        clear_due: bool = False,
        status: str | None = None,
        success_measure: str | None = None,
        note: str | None = None,
        note_date: dt.date | None = None,
    ) -> Action:
        """Change an action; arguments left as ``None`` are kept.

        A ``note`` is added with ``note_date`` (default today); a status change is noted too,
        so the action's history shows when it moved. ``clear_due`` removes the due date.
        """
        return self._update(
            action_id,
            "action-update",
            title=title,
            description=description,
            owner=owner,
            targets=targets,
            agreed_after=agreed_after,
            due=due,
            clear_due=clear_due,
            status=status,
            success_measure=success_measure,
            note=note,
            note_date=note_date,
        )

    def _update(
        self,
        action_id: int,
        audit_as: str,
        *,
        title: str | None = None,
        description: str | None = None,
        owner: str | None = None,
        targets: Iterable[str] | None = None,
        agreed_after: str | None = None,
        due: dt.date | None = None,
        clear_due: bool = False,
        status: str | None = None,
        success_measure: str | None = None,
        note: str | None = None,
        note_date: dt.date | None = None,
    ) -> Action:
        current = self.action(action_id)
        changes: dict[str, Any] = {}
        for name, value in zip(
            _TEXT_FIELDS, (title, description, owner, success_measure), strict=True
        ):
            if value is not None and _text(name, value) != getattr(current, name):
                changes[name] = _text(name, value)
        if "title" in changes and not changes["title"]:
            raise OptionError("an action needs a title; give a new one or leave it out.")
        if targets is not None:
            resolved = resolve_targets(targets, self._target_instruments())
            if resolved != current.targets:
                changes["targets"] = resolved
        if agreed_after is not None and self._agreed_after(agreed_after) != current.agreed_after:
            changes["agreed_after"] = self._agreed_after(agreed_after)
        if clear_due and current.due is not None:
            changes["due"] = None
        elif due is not None and due != current.due:
            changes["due"] = due
        new_status = _status(status) if status is not None else None
        if new_status is not None and new_status != current.status:
            changes["status"] = new_status
        if not changes and not note:
            return current
        with self._write() as conn:
            cycle_db.update_action_row(conn, action_id, changes)
            if note or "status" in changes:
                text = (
                    _text("note", note)
                    if note
                    else (f"status {current.status_text} → {ACTION_STATUSES[changes['status']]}")
                )
                cycle_db.insert_note(
                    conn, action_id, note_date or dt.date.today(), text, changes.get("status")
                )
            detail = {k: {"from": getattr(current, k), "to": v} for k, v in changes.items()}
            if note:
                detail["note"] = {"from": None, "to": note}
            db.audit(
                conn,
                audit_as,
                wave=current.agreed_after,
                detail=f"action {action_id}: " + cycle_db.describe(detail),
            )
            found = cycle_db.read_action(conn, action_id)
        assert found is not None
        return found

    def close_action(
        self,
        action_id: int,
        *,
        status: str = "done",
        note: str | None = None,
        note_date: dt.date | None = None,
    ) -> Action:
        """Close an action as ``done`` or ``dropped``, with an optional dated note."""
        final = _status(status)
        if final not in ("done", "dropped"):
            raise OptionError(f"an action is closed as done or dropped, not {status!r}.")
        return self._update(action_id, "action-close", status=final, note=note, note_date=note_date)
