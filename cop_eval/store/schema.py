"""The store's SQLite schema, versioned with ``PRAGMA user_version`` and migrated step by step.

Each :class:`Migration` moves the schema from ``version - 1`` to ``version``; they run in order,
each in its own transaction together with the ``user_version`` update and an audit row, so a crash
during a migration leaves the database at the previous version. Never edit a released step: add a
new one at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cop_eval.errors import StoreError, action, option

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "Migration", "check_version"]

#: ``PRAGMA application_id`` of a cop-eval project ("CoPE"), so other SQLite files are recognised.
APPLICATION_ID = 0x436F5045


@dataclass(frozen=True)
class Migration:
    """One schema step: SQL statements run in one transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "project settings, waves, wave instruments, wave answers and the audit trail",
        (
            """CREATE TABLE project (
                name  TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID""",
            # id is the import order; label comparisons ignore case ("Baseline" = "baseline").
            """CREATE TABLE waves (
                id               INTEGER PRIMARY KEY,
                label            TEXT NOT NULL UNIQUE COLLATE NOCASE,
                wave_date        TEXT,
                imported_at      TEXT NOT NULL,
                imported_by      TEXT NOT NULL,
                source_name      TEXT NOT NULL,
                source_sha256    TEXT NOT NULL CHECK (length(source_sha256) = 64),
                rows_read        INTEGER NOT NULL,
                rows_accepted    INTEGER NOT NULL,
                rows_rejected    INTEGER NOT NULL,
                has_ids          INTEGER NOT NULL,
                group_columns    TEXT NOT NULL,
                report_json      TEXT NOT NULL,
                data_format      TEXT NOT NULL,
                data_bytes       INTEGER NOT NULL,
                data_sha256      TEXT NOT NULL,
                cop_eval_version TEXT NOT NULL
            )""",
            """CREATE TABLE wave_instruments (
                wave_id       INTEGER NOT NULL REFERENCES waves(id) ON DELETE CASCADE,
                position      INTEGER NOT NULL,
                instrument_id TEXT NOT NULL,
                version       TEXT NOT NULL,
                snapshot_json TEXT NOT NULL,
                PRIMARY KEY (wave_id, position)
            )""",
            # The answers of a wave: one Parquet file, split into chunks well below SQLite's
            # 1 GB value limit. A rowid table: WITHOUT ROWID is slow for large rows.
            """CREATE TABLE wave_data (
                wave_id INTEGER NOT NULL REFERENCES waves(id) ON DELETE CASCADE,
                seq     INTEGER NOT NULL,
                chunk   BLOB NOT NULL,
                UNIQUE (wave_id, seq)
            )""",
            """CREATE TABLE audit (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                at               TEXT NOT NULL,
                who              TEXT NOT NULL,
                action           TEXT NOT NULL,
                wave             TEXT,
                file_name        TEXT,
                file_sha256      TEXT,
                rows_read        INTEGER,
                rows_accepted    INTEGER,
                rows_rejected    INTEGER,
                cop_eval_version TEXT NOT NULL,
                detail           TEXT
            )""",
        ),
    ),
    Migration(
        2,
        "one wave per file content (unique source hash); append-only audit trail",
        (
            # Re-imports are recognised by content hash in code; the index makes it a guarantee
            # even for two processes racing with the same file.
            "CREATE UNIQUE INDEX waves_source_sha256 ON waves(source_sha256)",
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        ),
    ),
    Migration(
        3,
        "the evaluation cycle: project context, membership per wave (counts or a pseudonymised "
        "roster), the attendance register, and actions with their targets and dated notes",
        (
            # Purpose and context of the evaluation: one row per field (name, purpose, ...).
            """CREATE TABLE context (
                field      TEXT PRIMARY KEY,
                value      TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL
            ) WITHOUT ROWID""",
            # Membership is keyed by wave label, not by waves(id): it may be given before the
            # wave is imported, and survives a wave being replaced.
            """CREATE TABLE membership (
                wave          TEXT PRIMARY KEY COLLATE NOCASE,
                kind          TEXT NOT NULL CHECK (kind IN ('counts', 'roster')),
                source_name   TEXT,
                source_sha256 TEXT CHECK (source_sha256 IS NULL OR length(source_sha256) = 64),
                set_at        TEXT NOT NULL,
                set_by        TEXT NOT NULL
            ) WITHOUT ROWID""",
            # subgroup '' is the whole group (membership given without subgroups).
            """CREATE TABLE member_counts (
                wave     TEXT NOT NULL COLLATE NOCASE
                         REFERENCES membership(wave) ON DELETE CASCADE,
                subgroup TEXT NOT NULL,
                n        INTEGER NOT NULL CHECK (n >= 0),
                PRIMARY KEY (wave, subgroup)
            ) WITHOUT ROWID""",
            # Only pseudonyms fit here: 'p_' and 20 hex digits (privacy.pseudonymise).
            """CREATE TABLE roster (
                wave     TEXT NOT NULL COLLATE NOCASE
                         REFERENCES membership(wave) ON DELETE CASCADE,
                member   TEXT NOT NULL CHECK (
                             length(member) = 22 AND substr(member, 1, 2) = 'p_'
                             AND substr(member, 3) NOT GLOB '*[^0-9a-f]*'),
                subgroup TEXT NOT NULL,
                PRIMARY KEY (wave, member)
            ) WITHOUT ROWID""",
            """CREATE TABLE attendance_imports (
                id            INTEGER PRIMARY KEY,
                source_name   TEXT NOT NULL,
                source_sha256 TEXT NOT NULL CHECK (length(source_sha256) = 64),
                imported_at   TEXT NOT NULL,
                imported_by   TEXT NOT NULL,
                rows_read     INTEGER NOT NULL,
                rows_accepted INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL,
                meetings      INTEGER NOT NULL,
                first_meeting TEXT,
                last_meeting  TEXT
            )""",
            # One record per person and meeting; a later register replaces the records of the
            # meetings it covers. subgroup: the register's own column, when it has one.
            """CREATE TABLE attendance (
                member       TEXT NOT NULL CHECK (
                                 length(member) = 22 AND substr(member, 1, 2) = 'p_'
                                 AND substr(member, 3) NOT GLOB '*[^0-9a-f]*'),
                meeting_date TEXT NOT NULL,
                attended     INTEGER NOT NULL CHECK (attended IN (0, 1)),
                minutes      REAL CHECK (minutes IS NULL OR minutes >= 0),
                subgroup     TEXT,
                import_id    INTEGER NOT NULL REFERENCES attendance_imports(id),
                PRIMARY KEY (member, meeting_date)
            ) WITHOUT ROWID""",
            "CREATE INDEX attendance_meeting ON attendance(meeting_date)",
            """CREATE TABLE actions (
                id              INTEGER PRIMARY KEY,
                title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
                description     TEXT NOT NULL DEFAULT '',
                owner           TEXT NOT NULL DEFAULT '',
                agreed_after    TEXT NOT NULL COLLATE NOCASE,
                due             TEXT,
                status          TEXT NOT NULL
                                CHECK (status IN ('planned', 'under_way', 'done', 'dropped')),
                success_measure TEXT NOT NULL DEFAULT '',
                recommendation  TEXT,
                created_at      TEXT NOT NULL,
                created_by      TEXT NOT NULL,
                updated_at      TEXT NOT NULL
            )""",
            # target: 'instrument_id.scale_id', or 'stage:N' for every scale of a model stage.
            """CREATE TABLE action_targets (
                action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
                position  INTEGER NOT NULL,
                target    TEXT NOT NULL,
                PRIMARY KEY (action_id, position),
                UNIQUE (action_id, target)
            ) WITHOUT ROWID""",
            # Dated notes; status is the status the note set (NULL: unchanged).
            """CREATE TABLE action_notes (
                id          INTEGER PRIMARY KEY,
                action_id   INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
                note_date   TEXT NOT NULL,
                text        TEXT NOT NULL,
                status      TEXT
                            CHECK (status IN ('planned', 'under_way', 'done', 'dropped')),
                recorded_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        4,
        "free-text comments of a wave (redacted, and sealed as answered), redaction terms and "
        "human coding",
        (
            # One row per non-blank answer to an open question. ``row_index`` is the
            # respondent's position in the wave's answers (wave_data), which links a comment to
            # its subgroup. ``redacted`` is the only form ever shown; ``sealed`` is the text as
            # answered, encrypted with a key derived from secret.key (cop_eval.privacy.sealing),
            # for review and re-redaction. ``redactions`` lists the kinds and rules applied
            # (JSON), never the text they replaced.
            """CREATE TABLE wave_comments (
                wave_id    INTEGER NOT NULL REFERENCES waves(id) ON DELETE CASCADE,
                question   TEXT NOT NULL,
                row_index  INTEGER NOT NULL CHECK (row_index >= 0),
                redacted   TEXT NOT NULL,
                redactions TEXT NOT NULL,
                sealed     BLOB NOT NULL,
                PRIMARY KEY (wave_id, question, row_index)
            )""",
            # Names to redact everywhere ('name') and words the name heuristic must leave alone
            # ('keep'); the term itself is sealed, so the database never lists names.
            """CREATE TABLE redaction_terms (
                id       INTEGER PRIMARY KEY,
                kind     TEXT NOT NULL CHECK (kind IN ('name', 'keep')),
                sealed   BLOB NOT NULL,
                added_at TEXT NOT NULL,
                added_by TEXT NOT NULL
            )""",
            # Themes a human coder gave a comment (from a coding sheet, `comments import`).
            """CREATE TABLE comment_codes (
                wave_id   INTEGER NOT NULL,
                question  TEXT NOT NULL,
                row_index INTEGER NOT NULL,
                coder     TEXT NOT NULL,
                themes    TEXT NOT NULL,
                coded_at  TEXT NOT NULL,
                PRIMARY KEY (wave_id, question, row_index, coder),
                FOREIGN KEY (wave_id, question, row_index)
                    REFERENCES wave_comments(wave_id, question, row_index) ON DELETE CASCADE
            )""",
        ),
    ),
    Migration(
        5,
        "what each report released (for the differencing rule)",
        (
            # One row per set of respondents whose figures a report or page showed together
            # (a subgroup, or everyone) in one wave. ``members`` is the sorted member keys
            # (pseudonyms, or '#row' positions for a wave without ids), newline separated and
            # zlib-compressed; identical sets of a wave are stored once.
            """CREATE TABLE releases (
                id             INTEGER PRIMARY KEY,
                released_at    TEXT NOT NULL,
                released_by    TEXT NOT NULL,
                wave           TEXT NOT NULL COLLATE NOCASE,
                what           TEXT NOT NULL,
                members_sha256 TEXT NOT NULL,
                members        BLOB NOT NULL,
                UNIQUE (wave, members_sha256)
            )""",
        ),
    ),
    Migration(
        6,
        "tamper evidence: the audit trail chained and each wave sealed under the project key",
        (
            # mac_i = HMAC(k, mac_{i-1} || entry i), k derived from secret.key
            # (cop_eval.store.integrity); kept beside the audit table, which stays append-only.
            """CREATE TABLE audit_macs (
                audit_id INTEGER PRIMARY KEY,
                mac      TEXT NOT NULL
            )""",
            # An HMAC over a wave's row (counts, report, answers' SHA-256) and its instruments.
            """CREATE TABLE wave_seals (
                wave_id INTEGER PRIMARY KEY,
                seal    TEXT NOT NULL
            )""",
        ),
    ),
)

#: The schema version this cop-eval writes.
SCHEMA_VERSION = MIGRATIONS[-1].version


def check_version(conn: sqlite3.Connection, where: str) -> int:
    """The database's schema version; a :class:`StoreError` when a newer cop-eval wrote it.

    Parameters
    ----------
    conn
        An open connection.
    where
        The database file, named in messages.
    """
    (application_id,) = conn.execute("PRAGMA application_id").fetchone()
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if application_id != APPLICATION_ID:
        raise StoreError(
            f"{where}: this SQLite file is not a cop-eval project (application id "
            f"{application_id:#x}). Point {option('project')} at a folder made with "
            f"{action('init')}."
        )
    if version > SCHEMA_VERSION:
        from cop_eval import __version__

        raise StoreError(
            f"{where}: the project was written by a newer cop-eval (store schema {version}; "
            f"this cop-eval {__version__} understands up to schema {SCHEMA_VERSION}). "
            "Upgrade cop-eval (pip install --upgrade cop-eval) to open it; the project was "
            "not changed."
        )
    return int(version)
