"""Tamper evidence for the store: the audit trail and the waves sealed under the project key.

What this protects, and what not (also in docs/projects.md):

- Every audit entry gets an HMAC-SHA256 under a key derived from ``secret.key``, chained to the
  entry before it (``mac_i = HMAC(k, mac_{i-1} || entry_i)``). Rewriting an entry, inserting
  one, or deleting one from the middle breaks the chain at that entry.
- Every wave gets a seal: an HMAC over its label, date, source hash, row counts, import
  report, answer format, size and SHA-256, and the instrument definitions it was scored with.
  Rewriting the answers (even with a recomputed SHA-256), the counts or the instruments breaks
  the seal; the answers themselves are checked against their SHA-256 when read.
- A head (an HMAC over the last entry's id and MAC and every wave's seal) is kept in the
  project table, so deleting the latest entries, or a whole wave, is detected too.
- A missing ``key_check`` (which would let any key be taken for the project's) is reported.

Not protected: anyone holding ``secret.key`` can recompute everything; restoring an older copy
of the whole database (a rollback) is not detected; comments, membership, attendance and actions
are covered only through their audit entries, not sealed row by row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable

__all__ = [
    "SINCE_SCHEMA",
    "chain_key",
    "drop_seal",
    "last_entry",
    "seal_all",
    "seal_new",
    "verify",
    "verify_answers",
]

#: The schema version that added the seals (a project migrated from before is sealed once).
SINCE_SCHEMA = 6

_CONTEXT = b"cop-eval store integrity v1"
_AUDIT_COLUMNS = (
    "id, at, who, action, wave, file_name, file_sha256, rows_read, rows_accepted, "
    "rows_rejected, cop_eval_version, detail"
)
_WAVE_COLUMNS = (
    "id, label, wave_date, source_name, source_sha256, rows_read, rows_accepted, rows_rejected, "
    "has_ids, group_columns, report_json, data_format, data_bytes, data_sha256"
)


def chain_key(key: bytes) -> bytes:
    """The integrity key, derived from the project key (never the key itself)."""
    return hmac.new(key, _CONTEXT, hashlib.sha256).digest()


def _mac(k: bytes, *parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(k, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _wave_seal(k: bytes, conn: sqlite3.Connection, row: tuple[object, ...]) -> str:
    snapshots = [
        s
        for (s,) in conn.execute(
            "SELECT snapshot_json FROM wave_instruments WHERE wave_id = ? ORDER BY position",
            (row[0],),
        )
    ]
    return _mac(k, "wave", *row[1:], snapshots)


def _head(k: bytes, conn: sqlite3.Connection) -> str:
    last = conn.execute("SELECT audit_id, mac FROM audit_macs ORDER BY audit_id DESC").fetchone()
    seals = [s for (s,) in conn.execute("SELECT seal FROM wave_seals ORDER BY wave_id")]
    return _mac(k, "head", list(last) if last else None, seals)


def _set(conn: sqlite3.Connection, name: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO project(name, value) VALUES (?, ?)", (name, value))


def drop_seal(conn: sqlite3.Connection, label: str) -> None:
    """Forget the seal of the wave ``label`` (it is being replaced; the new one is sealed)."""
    conn.execute(
        "DELETE FROM wave_seals WHERE wave_id IN (SELECT id FROM waves WHERE label = ?)", (label,)
    )


def last_entry(conn: sqlite3.Connection) -> int:
    """The id of the latest audit entry (0 for none): a transaction seals the ones after it."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


def verify_answers(conn: sqlite3.Connection) -> list[str]:
    """Each wave's stored answers against the SHA-256 in its (sealed) row."""
    problems = []
    for wave_id, label, expected in conn.execute(
        "SELECT id, label, data_sha256 FROM waves ORDER BY id"
    ).fetchall():
        digest = hashlib.sha256()
        for (chunk,) in conn.execute(
            "SELECT chunk FROM wave_data WHERE wave_id = ? ORDER BY seq", (wave_id,)
        ):
            digest.update(chunk)
        if not hmac.compare_digest(digest.hexdigest(), str(expected)):
            problems.append(f"wave {label!r}: the stored answers do not match their checksum")
    return problems


def seal_new(k: bytes, conn: sqlite3.Connection, after: int) -> None:
    """Seal (inside the caller's transaction) the audit entries with an id over ``after`` and
    every wave without a seal; then the head. Entries at or below ``after`` without a MAC are
    left for :func:`verify` to report (they were not written by this transaction)."""
    previous = conn.execute(
        "SELECT mac FROM audit_macs WHERE audit_id <= ? ORDER BY audit_id DESC", (after,)
    ).fetchone()
    mac = previous[0] if previous else ""
    rows = conn.execute(
        f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE id > ? ORDER BY id", (after,)
    ).fetchall()
    for row in rows:
        mac = _mac(k, mac, *row)
        conn.execute(
            "INSERT OR REPLACE INTO audit_macs(audit_id, mac) VALUES (?, ?)", (row[0], mac)
        )
    for row in conn.execute(
        f"SELECT {_WAVE_COLUMNS} FROM waves WHERE id NOT IN (SELECT wave_id FROM wave_seals)"
    ).fetchall():
        conn.execute(
            "INSERT INTO wave_seals(wave_id, seal) VALUES (?, ?)",
            (row[0], _wave_seal(k, conn, row)),
        )
    conn.execute("DELETE FROM wave_seals WHERE wave_id NOT IN (SELECT id FROM waves)")
    _set(conn, "integrity_head", _head(k, conn))


def seal_all(k: bytes, conn: sqlite3.Connection) -> None:
    """Start the chain over everything stored (a new project, or the first open after the
    migration that added it)."""
    conn.execute("DELETE FROM audit_macs")
    conn.execute("DELETE FROM wave_seals")
    seal_new(k, conn, 0)


def verify(k: bytes, conn: sqlite3.Connection, *, key_check: str) -> list[str]:
    """Every sign of an edit made without the key, in words (empty: none found)."""
    problems: list[str] = []
    stored_check = conn.execute("SELECT value FROM project WHERE name = 'key_check'").fetchone()
    if stored_check is None:
        problems.append(
            "the project's key check is missing, so any key would be taken for the project's"
        )
    elif not hmac.compare_digest(stored_check[0], key_check):
        problems.append("the key check does not match secret.key")
    macs = dict(conn.execute("SELECT audit_id, mac FROM audit_macs").fetchall())
    mac = ""
    for row in conn.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit ORDER BY id"):
        expected = _mac(k, mac, *row)
        found = macs.pop(row[0], None)
        if found is None:
            problems.append(f"audit entry {row[0]} ({row[3]}) is not sealed: added by hand")
        elif not hmac.compare_digest(found, expected):
            problems.append(
                f"audit entry {row[0]} ({row[3]}) was changed, or an entry before it was "
                "removed or inserted"
            )
        mac = found or expected
    problems += [f"audit entry {i} was deleted" for i in sorted(macs)]
    problems += _verify_waves(k, conn)
    head = conn.execute("SELECT value FROM project WHERE name = 'integrity_head'").fetchone()
    if head is None or not hmac.compare_digest(head[0], _head(k, conn)):
        problems.append(
            "the latest audit entries or a wave were removed (the sealed head does not match)"
        )
    return _first(problems)


def _verify_waves(k: bytes, conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    seals = dict(conn.execute("SELECT wave_id, seal FROM wave_seals").fetchall())
    for row in conn.execute(f"SELECT {_WAVE_COLUMNS} FROM waves ORDER BY id").fetchall():
        found = seals.get(row[0])
        if found is None:
            problems.append(f"wave {row[1]!r} is not sealed: added by hand")
        elif not hmac.compare_digest(found, _wave_seal(k, conn, row)):
            problems.append(
                f"wave {row[1]!r} was changed after it was imported (its counts, import report, "
                "answers' checksum or instruments)"
            )
    return problems


def _first(problems: Iterable[str], limit: int = 20) -> list[str]:
    listed = list(problems)
    if len(listed) > limit:
        return [*listed[:limit], f"... and {len(listed) - limit} more"]
    return listed
