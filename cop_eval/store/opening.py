"""Opening the project database: read-write, or read-only when the folder cannot be written.

A project folder on a read-only share, a copy made read-only for an auditor, or a folder of
another user can still be read: ``cop-eval waves``, ``score`` and ``report`` work on it. SQLite
opens the database with ``mode=ro``; a database in WAL mode whose folder cannot be written has no
shared-memory file and cannot get one, and since no one can write it either it is read as
``immutable``. Anything that would store a change says that the folder is read-only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cop_eval.errors import StoreError
from cop_eval.store.schema import SCHEMA_VERSION, check_version

__all__ = ["check_read_only_version", "connect", "folder_writable", "read_only_error"]


def folder_writable(directory: Path, database: Path) -> bool:
    """Whether this process may write the project folder and its database file."""
    return os.access(directory, os.W_OK) and os.access(database, os.W_OK)


def connect(database: Path, *, read_only: bool, busy_timeout: float) -> sqlite3.Connection:
    """A connection to ``database`` (autocommit: the caller begins its transactions)."""
    uri = database.resolve().as_uri()
    if not read_only:
        return sqlite3.connect(
            f"{uri}?mode=rw", uri=True, timeout=busy_timeout, isolation_level=None
        )
    wal = database.with_name(database.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        # Changes not yet copied into the database file: SQLite must read them from the WAL.
        conn = sqlite3.connect(
            f"{uri}?mode=ro", uri=True, timeout=busy_timeout, isolation_level=None
        )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    # Nothing waits in a WAL, and no one can write the folder: read the file as it is, without
    # the shared-memory file (that SQLite could not create) and without leaving one behind.
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, timeout=busy_timeout, isolation_level=None
    )


def check_read_only_version(conn: sqlite3.Connection, database: Path) -> None:
    """A read-only project must already be at this cop-eval's schema (upgrading writes)."""
    version = check_version(conn, str(database))
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{database}: the project was written by an older cop-eval (store schema {version}) "
            "and opening it upgrades it, which writes to the folder, but the folder is "
            "read-only. Make the folder writable once (or work on a copy) and open it again."
        )


def read_only_error(directory: Path) -> StoreError:
    """What a change to a project opened read-only says."""
    return StoreError(
        f"{directory}: the project folder is read-only, so nothing can be stored; nothing was "
        "changed. Reading (waves, scores, reports) still works. Make the folder and "
        "project.sqlite writable to store changes."
    )
