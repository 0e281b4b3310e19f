"""SQL helpers of the project store: rows in and out, the audit trail, migrations."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import json
import os
import sqlite3
import time
import unicodedata
from pathlib import Path
from typing import Any

from cop_eval.errors import OptionError, StoreError, option
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store.codec import DATA_FORMAT, EncodedAnswers
from cop_eval.store.models import ImportOutcome, InstrumentRef, WaveInfo
from cop_eval.store.schema import MIGRATIONS, SCHEMA_VERSION, check_version

#: Chunks of a wave's Parquet file (SQLite values are limited to 1 GB).
CHUNK_BYTES = 64 << 20
#: Test hook: when set to a path, ``insert_wave`` writes that file after its first writes inside
#: the transaction and then sleeps, so a test can kill the process mid-import. Never set it in
#: real use.
HOLD_ENV = "COP_EVAL_TEST_HOLD_IMPORT"
_KEY_CHECK_MESSAGE = b"cop-eval project key check"
_MAX_LABEL = 100
#: Unicode categories that show nothing or reorder text: control, format (bidi overrides,
#: zero-width joiners and spaces, soft hyphen), private use, surrogates, unassigned, and line and
#: paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def key_check(key: bytes) -> str:
    """A fingerprint of the project key, stored to notice a swapped ``secret.key``."""
    return hmac.new(key, _KEY_CHECK_MESSAGE, hashlib.sha256).hexdigest()[:16]


def check_label(label: str) -> str:
    """A wave label, stripped and in NFC; :class:`OptionError` when empty, too long, or holding
    characters that are invisible or reorder the text (control, format, bidi, zero-width), which
    would make two waves look alike (``2025\u200b`` beside ``2025``)."""
    text = unicodedata.normalize("NFC", label.strip())
    hidden = sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in _HIDDEN})
    if hidden:
        raise OptionError(
            f"wave label {label!r} holds invisible or text-reordering characters "
            f"({', '.join(hidden)}), so it could look like another wave's label; type the label "
            "again with letters, digits, spaces and punctuation only, e.g. --wave 2025-spring."
        )
    if not text or len(text) > _MAX_LABEL:
        raise OptionError(
            f"wave label {label!r} is not usable: give 1 to {_MAX_LABEL} printable characters, "
            f"e.g. {option('label', '2025-spring')}."
        )
    return text


def label_skeleton(label: str) -> str:
    """What a label looks like: compatibility forms folded (full-width letters, ligatures),
    case and runs of spaces ignored. Two labels with one skeleton look alike."""
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


def unchanged_outcome(stored: WaveInfo, name: str, label: str) -> ImportOutcome:
    """The outcome of re-importing a file that is already stored."""
    hint = (
        ""
        if stored.label.casefold() == label.casefold()
        else f" (not as {label!r}: one file is one wave)"
    )
    return ImportOutcome(
        action="unchanged",
        wave=stored,
        message=(
            f"{name} is already stored as wave {stored.label!r}{hint}, imported "
            f"{stored.imported_at:%Y-%m-%d %H:%M} UTC by {stored.imported_by}; nothing was "
            f"changed. To store it again (e.g. with other instruments), replace the stored wave "
            f"{stored.label!r} with the new import."
        ),
    )


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def version() -> str:
    from cop_eval import __version__

    return __version__


def hold_for_tests() -> None:
    marker = os.environ.get(HOLD_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get(HOLD_ENV + "_SECONDS", "60")))


def store_error(exc: sqlite3.OperationalError, db_path: Path) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{db_path}: the project is busy: another cop-eval process is writing to it. Wait "
            "for it to finish and run the command again."
        )
    if "readonly" in text or "read-only" in text:
        from cop_eval.store.opening import read_only_error

        return read_only_error(db_path.parent)
    if "full" in text:
        return StoreError(f"{db_path}: the disk is full; nothing was changed. Free some space.")
    return StoreError(f"{db_path}: database error ({text}).")


def wave_infos(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[WaveInfo]:
    rows = conn.execute(
        "SELECT id, label, wave_date, imported_at, imported_by, source_name, source_sha256, "
        "rows_read, rows_accepted, rows_rejected, has_ids, group_columns, data_bytes, "
        f"cop_eval_version FROM waves WHERE {where}",
        params,
    ).fetchall()
    infos = []
    for row in rows:
        instruments = conn.execute(
            "SELECT instrument_id, version FROM wave_instruments WHERE wave_id = ? "
            "ORDER BY position",
            (row[0],),
        ).fetchall()
        infos.append(
            WaveInfo(
                label=row[1],
                date=dt.date.fromisoformat(row[2]) if row[2] else None,
                imported_at=dt.datetime.fromisoformat(row[3]),
                imported_by=row[4],
                source_name=row[5],
                source_sha256=row[6],
                rows_read=row[7],
                rows_accepted=row[8],
                rows_rejected=row[9],
                instruments=tuple(InstrumentRef(id=i, version=v) for i, v in instruments),
                has_ids=bool(row[10]),
                group_columns=tuple(json.loads(row[11])),
                data_bytes=row[12],
                cop_eval_version=row[13],
            )
        )
    return infos


def audit(
    conn: sqlite3.Connection,
    action: str,
    *,
    wave: str | None = None,
    file_name: str | None = None,
    file_sha256: str | None = None,
    report: ImportReport | None = None,
    detail: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO audit(at, who, action, wave, file_name, file_sha256, rows_read, "
        "rows_accepted, rows_rejected, cop_eval_version, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now(),
            who(),
            action,
            wave,
            file_name,
            file_sha256,
            report.rows_read if report else None,
            report.rows_accepted if report else None,
            report.rows_rejected if report else None,
            version(),
            detail,
        ),
    )


def migrate(conn: sqlite3.Connection, where: str, backup_dir: Path | None = None) -> None:
    """Bring the schema up to :data:`SCHEMA_VERSION`, one audited transaction per step."""
    start = check_version(conn, where)
    if start == SCHEMA_VERSION:
        return
    backed_up = False
    for migration in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = check_version(conn, where)  # again, under the lock: another process
            if migration.version <= current:  # may have migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            if start > 0 and backup_dir is not None and not backed_up:
                conn.execute("ROLLBACK")
                backup(conn, backup_dir, current)
                backed_up = True
                conn.execute("BEGIN IMMEDIATE")
                if check_version(conn, where) != current:
                    conn.execute("ROLLBACK")
                    continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            if start > 0:  # a new project is created at the latest schema, not "migrated"
                audit(
                    conn,
                    "migrate",
                    detail=f"schema {current} -> {migration.version}: {migration.description}",
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def backup(conn: sqlite3.Connection, backup_dir: Path, version: int) -> None:
    backup_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = sqlite3.connect(backup_dir / f"project-schema{version}-{stamp}.sqlite")
    try:
        conn.backup(target)
    finally:
        target.close()


def insert_wave(
    conn: sqlite3.Connection,
    label: str,
    date: dt.date | None,
    name: str,
    file_hash: str,
    responses: ResponseSet,
    report: ImportReport,
    encoded: EncodedAnswers,
) -> int:
    """Insert a wave's rows (inside the caller's transaction); returns the wave's row id."""
    cursor = conn.execute(
        "INSERT INTO waves(label, wave_date, imported_at, imported_by, source_name, "
        "source_sha256, rows_read, rows_accepted, rows_rejected, has_ids, group_columns, "
        "report_json, data_format, data_bytes, data_sha256, cop_eval_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            label,
            date.isoformat() if date else None,
            now(),
            who(),
            name,
            file_hash,
            report.rows_read,
            responses.n,
            report.rows_rejected,
            int(encoded.has_ids),
            json.dumps(list(encoded.group_columns)),
            report.model_dump_json(),
            DATA_FORMAT,
            len(encoded.blob),
            encoded.sha256,
            version(),
        ),
    )
    wave_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO wave_instruments(wave_id, position, instrument_id, version, "
        "snapshot_json) VALUES (?, ?, ?, ?, ?)",
        [
            (wave_id, i, inst.id, inst.version, inst.model_dump_json())
            for i, inst in enumerate(responses.instruments)
        ],
    )
    view = memoryview(encoded.blob)
    for seq, start in enumerate(range(0, max(len(view), 1), CHUNK_BYTES)):
        conn.execute(
            "INSERT INTO wave_data(wave_id, seq, chunk) VALUES (?, ?, ?)",
            (wave_id, seq, view[start : start + CHUNK_BYTES]),
        )
        if seq == 0:
            hold_for_tests()
    return wave_id
