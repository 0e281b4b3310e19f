"""Issue 19.11: edits made to the database without the project key are detected.

Each edit below was accepted silently before the audit trail was chained and the waves sealed
(drop the trigger and rewrite an entry, forge an entry, edit rows_read, rewrite the answers with
a recomputed SHA-256, delete key_check). Each is now reported by ``Project.verify`` and refuses
``Project.open``; ``cop-eval waves --verify`` lists them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_store import INSTRUMENT_ID, make_responses

from cop_eval.cli import main
from cop_eval.errors import StoreError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.store import Project


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(INSTRUMENT_ID)


@pytest.fixture
def directory(tmp_path: Path, instrument: Instrument) -> Iterator[Path]:
    with Project.create(tmp_path / "proj") as project:
        project.add_wave(make_responses(instrument, project.key, seed=1), "spring")
        project.add_wave(make_responses(instrument, project.key, seed=2), "autumn")
        project.set_context(purpose="Test the seals")
    yield tmp_path / "proj"


def _rewrite_entry(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET who = 'someone else' WHERE action = 'import'")


def _forge_entry(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO audit(at, who, action, cop_eval_version) "
        "SELECT at, who, 'import', cop_eval_version FROM audit WHERE id = 1"
    )


def _edit_rows_read(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE waves SET rows_read = rows_read + 5 WHERE label = 'spring'")


def _rewrite_answers(conn: sqlite3.Connection) -> None:
    (chunk,) = conn.execute(
        "SELECT chunk FROM wave_data d JOIN waves w ON w.id = d.wave_id WHERE w.label = 'spring'"
    ).fetchone()
    changed = bytearray(chunk)
    changed[len(changed) // 2] ^= 0x01
    digest = hashlib.sha256(bytes(changed)).hexdigest()
    conn.execute(
        "UPDATE wave_data SET chunk = ? WHERE wave_id = "
        "(SELECT id FROM waves WHERE label = 'spring')",
        (bytes(changed),),
    )
    conn.execute("UPDATE waves SET data_sha256 = ? WHERE label = 'spring'", (digest,))


def _delete_latest_entry(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    conn.execute("DELETE FROM audit_macs WHERE audit_id = (SELECT max(audit_id) FROM audit_macs)")


def _delete_wave(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM waves WHERE label = 'autumn'")
    conn.execute("DELETE FROM wave_seals WHERE wave_id NOT IN (SELECT id FROM waves)")


EDITS: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    "rewrite an entry": (_rewrite_entry, "audit entry"),
    "forge an entry": (_forge_entry, "not sealed"),
    "edit rows_read": (_edit_rows_read, "wave 'spring' was changed"),
    "rewrite answers and their sha256": (_rewrite_answers, "wave 'spring' was changed"),
    "delete the latest entry": (_delete_latest_entry, "sealed head does not match"),
    "delete a wave": (_delete_wave, "sealed head does not match"),
}


def test_an_untouched_project_verifies(directory: Path) -> None:
    with Project.open(directory) as project:
        assert project.verify() == []


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_without_the_key_is_detected(directory: Path, name: str) -> None:
    edit, expected = EDITS[name]
    with sqlite3.connect(directory / "project.sqlite") as conn:
        edit(conn)
    with pytest.raises(StoreError, match="changed outside cop-eval"):
        Project.open(directory)
    with Project.open(directory, verify=False) as project:
        problems = project.verify()
    assert any(expected in p for p in problems), problems


def test_deleting_the_key_check_no_longer_lets_any_key_in(directory: Path) -> None:
    with sqlite3.connect(directory / "project.sqlite") as conn:
        conn.execute("DELETE FROM project WHERE name = 'key_check'")
    (directory / "secret.key").write_bytes(b"k" * 32)  # any key
    with (
        Project.open(directory) as project,
        pytest.raises(StoreError, match="key check is missing"),
    ):
        _ = project.key


def test_waves_verify_lists_the_problems(directory: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["waves", "--project", str(directory), "--verify"]) == 0
    assert "no sign of an edit" in out.getvalue()
    with sqlite3.connect(directory / "project.sqlite") as conn:
        _edit_rows_read(conn)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["waves", "--project", str(directory), "--verify"]) == 1
    assert "wave 'spring' was changed" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_an_older_project_is_sealed_when_migrated(directory: Path) -> None:
    """A project from before the seals (schema 5) is sealed once, on the first open."""
    with sqlite3.connect(directory / "project.sqlite") as conn:
        conn.execute("DROP TABLE audit_macs")
        conn.execute("DROP TABLE wave_seals")
        conn.execute("DELETE FROM project WHERE name = 'integrity_head'")
        conn.execute("PRAGMA user_version = 5")
    with Project.open(directory) as project:
        assert project.verify() == []
        assert project.audit()[-1].action == "migrate"
