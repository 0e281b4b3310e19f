"""SQL of the evaluation-cycle tables (schema 3): rows in and out, inside the caller's transaction.

Every function takes an open connection; :class:`~cop_eval.store.cycle.CycleStore` opens the
transactions and writes the audit rows. Only pseudonyms reach the roster and attendance tables
(their CHECK constraints refuse anything else).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping

from cop_eval.store import db
from cop_eval.store.cycle_models import (
    CONTEXT_FIELDS,
    Action,
    ActionNote,
    AttendanceImport,
    AttendanceRecord,
    ProjectContext,
    WaveMembership,
)

__all__ = [
    "insert_action",
    "insert_attendance",
    "insert_note",
    "read_action",
    "read_actions",
    "read_attendance",
    "read_attendance_imports",
    "read_context",
    "read_membership",
    "read_roster",
    "replace_membership",
    "write_context",
]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# -- context ----------------------------------------------------------------------------------


def read_context(conn: sqlite3.Connection) -> ProjectContext:
    rows = conn.execute("SELECT field, value, updated_at FROM context").fetchall()
    values = {f: v for f, v, _ in rows if f in CONTEXT_FIELDS}
    stamps = [dt.datetime.fromisoformat(at) for _, _, at in rows]
    return ProjectContext(**values, updated_at=max(stamps) if stamps else None)


def write_context(conn: sqlite3.Connection, field: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM context WHERE field = ?", (field,))
        return
    conn.execute(
        "INSERT INTO context(field, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(field) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (field, value, db.now(), db.who()),
    )


# -- membership -------------------------------------------------------------------------------


def read_membership(conn: sqlite3.Connection, wave: str | None = None) -> list[WaveMembership]:
    where, params = ("WHERE wave = ?", (wave,)) if wave is not None else ("", ())
    heads = conn.execute(
        f"SELECT wave, kind, source_name, source_sha256, set_at, set_by FROM membership {where} "
        "ORDER BY set_at, wave",
        params,
    ).fetchall()
    out = []
    for label, kind, name, sha, set_at, set_by in heads:
        if kind == "roster":
            counts = conn.execute(
                "SELECT subgroup, count(*) FROM roster WHERE wave = ? GROUP BY subgroup "
                "ORDER BY subgroup",
                (label,),
            ).fetchall()
        else:
            counts = conn.execute(
                "SELECT subgroup, n FROM member_counts WHERE wave = ? ORDER BY subgroup", (label,)
            ).fetchall()
        out.append(
            WaveMembership(
                wave=label,
                kind=kind,
                counts={g: int(n) for g, n in counts},
                source_name=name,
                source_sha256=sha,
                set_at=dt.datetime.fromisoformat(set_at),
                set_by=set_by,
            )
        )
    return out


def read_roster(conn: sqlite3.Connection, wave: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT member, subgroup FROM roster WHERE wave = ? ORDER BY member", (wave,)
    ).fetchall()
    return {m: g for m, g in rows}


def replace_membership(
    conn: sqlite3.Connection,
    wave: str,
    *,
    counts: Mapping[str, int] | None = None,
    roster: Mapping[str, str] | None = None,
    source_name: str | None = None,
    source_sha256: str | None = None,
) -> None:
    """Store one wave's membership (counts or a roster), replacing what was there."""
    conn.execute("DELETE FROM membership WHERE wave = ?", (wave,))
    conn.execute(
        "INSERT INTO membership(wave, kind, source_name, source_sha256, set_at, set_by) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            wave,
            "roster" if roster is not None else "counts",
            source_name,
            source_sha256,
            db.now(),
            db.who(),
        ),
    )
    if roster is not None:
        conn.executemany(
            "INSERT INTO roster(wave, member, subgroup) VALUES (?, ?, ?)",
            [(wave, m, g) for m, g in roster.items()],
        )
    else:
        conn.executemany(
            "INSERT INTO member_counts(wave, subgroup, n) VALUES (?, ?, ?)",
            [(wave, g, int(n)) for g, n in (counts or {}).items()],
        )


# -- attendance -------------------------------------------------------------------------------

_IMPORT_COLUMNS = (
    "id, source_name, source_sha256, imported_at, imported_by, rows_read, rows_accepted, "
    "rows_rejected, meetings, first_meeting, last_meeting"
)


def _import_row(row: tuple[object, ...]) -> AttendanceImport:
    names = [c.strip() for c in _IMPORT_COLUMNS.split(",")]
    values = dict(zip(names, row, strict=True))
    values["first_meeting"] = _date(values["first_meeting"])  # type: ignore[arg-type]
    values["last_meeting"] = _date(values["last_meeting"])  # type: ignore[arg-type]
    return AttendanceImport.model_validate(values)


def read_attendance_imports(
    conn: sqlite3.Connection, sha256: str | None = None
) -> list[AttendanceImport]:
    where, params = ("WHERE source_sha256 = ?", (sha256,)) if sha256 else ("", ())
    rows = conn.execute(
        f"SELECT {_IMPORT_COLUMNS} FROM attendance_imports {where} ORDER BY id", params
    ).fetchall()
    return [_import_row(r) for r in rows]


def records_of(conn: sqlite3.Connection, import_id: int) -> set[AttendanceRecord]:
    """The stored records that came from one register import."""
    rows = conn.execute(
        "SELECT member, meeting_date, attended, minutes, subgroup FROM attendance "
        "WHERE import_id = ?",
        (import_id,),
    ).fetchall()
    return {_record(row) for row in rows}


def insert_attendance(
    conn: sqlite3.Connection,
    *,
    source_name: str,
    source_sha256: str,
    rows_read: int,
    rows_accepted: int,
    rows_rejected: int,
    records: Iterable[AttendanceRecord],
    supersedes: Iterable[int] = (),
) -> tuple[AttendanceImport, int]:
    """Store a register; returns it and how many of its meetings replaced stored records.

    The records of the imports ``supersedes`` (the same file read before) are removed first.
    """
    records = list(records)
    dates = sorted({r.meeting_date.isoformat() for r in records})
    gone: set[str] = set()
    for earlier in supersedes:
        gone.update(
            d
            for (d,) in conn.execute(
                "SELECT DISTINCT meeting_date FROM attendance WHERE import_id = ?", (earlier,)
            )
        )
        conn.execute("DELETE FROM attendance WHERE import_id = ?", (earlier,))
    for date in dates:
        if conn.execute("DELETE FROM attendance WHERE meeting_date = ?", (date,)).rowcount:
            gone.add(date)
    replaced = len(gone)
    cursor = conn.execute(
        "INSERT INTO attendance_imports(source_name, source_sha256, imported_at, imported_by, "
        "rows_read, rows_accepted, rows_rejected, meetings, first_meeting, last_meeting) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source_name,
            source_sha256,
            db.now(),
            db.who(),
            rows_read,
            rows_accepted,
            rows_rejected,
            len(dates),
            dates[0] if dates else None,
            dates[-1] if dates else None,
        ),
    )
    import_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO attendance(member, meeting_date, attended, minutes, subgroup, import_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                r.member,
                r.meeting_date.isoformat(),
                int(r.attended),
                r.minutes,
                r.subgroup,
                import_id,
            )
            for r in records
        ],
    )
    (stored,) = read_attendance_imports(conn, source_sha256)[-1:]
    return stored, replaced


def read_attendance(conn: sqlite3.Connection) -> list[AttendanceRecord]:
    rows = conn.execute(
        "SELECT member, meeting_date, attended, minutes, subgroup FROM attendance "
        "ORDER BY meeting_date, member"
    ).fetchall()
    return [_record(row) for row in rows]


def _record(row: tuple[str, str, int, float | None, str | None]) -> AttendanceRecord:
    member, date, attended, minutes, subgroup = row
    return AttendanceRecord(
        member=member,
        meeting_date=dt.date.fromisoformat(date),
        attended=bool(attended),
        minutes=minutes,
        subgroup=subgroup,
    )


# -- actions ----------------------------------------------------------------------------------

_ACTION_COLUMNS = (
    "id, title, description, owner, agreed_after, due, status, success_measure, "
    "recommendation, created_at, created_by, updated_at"
)


def read_actions(conn: sqlite3.Connection, action_id: int | None = None) -> list[Action]:
    where, params = ("WHERE id = ?", (action_id,)) if action_id is not None else ("", ())
    rows = conn.execute(
        f"SELECT {_ACTION_COLUMNS} FROM actions {where} ORDER BY id", params
    ).fetchall()
    names = [c.strip() for c in _ACTION_COLUMNS.split(",")]
    out = []
    for row in rows:
        values: dict[str, object] = dict(zip(names, row, strict=True))
        values["due"] = _date(values["due"])  # type: ignore[arg-type]
        targets = conn.execute(
            "SELECT target FROM action_targets WHERE action_id = ? ORDER BY position", (row[0],)
        ).fetchall()
        notes = conn.execute(
            "SELECT note_date, text, status, recorded_at, recorded_by FROM action_notes "
            "WHERE action_id = ? ORDER BY note_date, id",
            (row[0],),
        ).fetchall()
        values["targets"] = tuple(t for (t,) in targets)
        values["notes"] = tuple(
            ActionNote(
                date=dt.date.fromisoformat(d),
                text=t,
                status=s,
                recorded_at=dt.datetime.fromisoformat(at),
                recorded_by=by,
            )
            for d, t, s, at, by in notes
        )
        out.append(Action.model_validate(values))
    return out


def read_action(conn: sqlite3.Connection, action_id: int) -> Action | None:
    found = read_actions(conn, action_id)
    return found[0] if found else None


def write_targets(conn: sqlite3.Connection, action_id: int, targets: Iterable[str]) -> None:
    conn.execute("DELETE FROM action_targets WHERE action_id = ?", (action_id,))
    conn.executemany(
        "INSERT INTO action_targets(action_id, position, target) VALUES (?, ?, ?)",
        [(action_id, k, t) for k, t in enumerate(targets)],
    )


def insert_action(conn: sqlite3.Connection, fields: Mapping[str, object]) -> int:
    stamp = db.now()
    cursor = conn.execute(
        "INSERT INTO actions(title, description, owner, agreed_after, due, status, "
        "success_measure, recommendation, created_at, created_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fields["title"],
            fields.get("description", ""),
            fields.get("owner", ""),
            fields["agreed_after"],
            _iso(fields.get("due")),
            fields.get("status", "planned"),
            fields.get("success_measure", ""),
            fields.get("recommendation"),
            stamp,
            db.who(),
            stamp,
        ),
    )
    action_id = int(cursor.lastrowid or 0)
    write_targets(conn, action_id, fields.get("targets", ()))  # type: ignore[arg-type]
    return action_id


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def update_action_row(
    conn: sqlite3.Connection, action_id: int, changes: Mapping[str, object]
) -> None:
    columns = [c for c in changes if c != "targets"]
    if columns:
        assignments = ", ".join(f"{c} = ?" for c in columns)
        values = [_iso(changes[c]) if c == "due" else changes[c] for c in columns]
        conn.execute(
            f"UPDATE actions SET {assignments}, updated_at = ? WHERE id = ?",
            (*values, db.now(), action_id),
        )
    else:
        conn.execute("UPDATE actions SET updated_at = ? WHERE id = ?", (db.now(), action_id))
    if "targets" in changes:
        write_targets(conn, action_id, changes["targets"])  # type: ignore[arg-type]


def insert_note(
    conn: sqlite3.Connection, action_id: int, date: dt.date, text: str, status: str | None
) -> None:
    conn.execute(
        "INSERT INTO action_notes(action_id, note_date, text, status, recorded_at, recorded_by) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (action_id, date.isoformat(), text, status, db.now(), db.who()),
    )


def describe(values: Mapping[str, object]) -> str:
    """A compact, stable text of changed values for the audit trail."""
    return json.dumps(
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()},
        ensure_ascii=False,
        sort_keys=True,
        default=list,
    )
