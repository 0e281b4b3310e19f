"""The project store: atomic, idempotent, audited, versioned, and free of raw identifiers."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cop_eval.cli import main
from cop_eval.cli.loading import responses_from_project
from cop_eval.cli.terms import cli_message
from cop_eval.errors import OptionError, StoreError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.privacy import pseudonymise
from cop_eval.responses import ImportReport, RejectedRow, ResponseSet
from cop_eval.store import SCHEMA_VERSION, Project
from cop_eval.store import db as store_db
from cop_eval.store.codec import encode_answers
from cop_eval.store.schema import APPLICATION_ID, MIGRATIONS

INSTRUMENT_ID = "le_may_success_factors"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(INSTRUMENT_ID)


def raw_ids(n: int, tag: str = "") -> list[str]:
    return [f"staff.member{i}{tag}@example.org" for i in range(n)]


def make_responses(
    instrument: Instrument, key: bytes, n: int = 30, seed: int = 0, ids: list[str] | None = None
) -> ResponseSet:
    rng = np.random.default_rng(seed)
    items = pd.DataFrame({i: rng.integers(1, 6, n).astype(np.float32) for i in instrument.item_ids})
    items.iloc[rng.integers(0, n, 5), 0] = np.nan
    report = ImportReport(
        source=f"/exports/wave{seed}.csv",
        format="csv",
        rows_read=n + 1,
        rows_accepted=n,
        rejected=(RejectedRow(row=n + 2, reason="no answer to any item of the instrument(s)"),),
    )
    groups = pd.DataFrame({"role": pd.Series(["nurse", None, "doctor"] * (n // 3), dtype=object)})
    return ResponseSet(
        source=f"/exports/wave{seed}.csv",
        instruments=(instrument,),
        items=items,
        report=report,
        respondent_ids=pseudonymise(ids if ids is not None else raw_ids(n), key),
        groups=groups,
        row_numbers=np.arange(2, n + 2, dtype=np.int64),
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    yield created
    created.close()


def counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("waves", "wave_data", "audit")
        )


# -- init -------------------------------------------------------------------------------------


def test_init_creates_wal_database_and_private_key_outside_it(project: Project) -> None:
    assert project.key_path.stat().st_mode & 0o777 == 0o600
    assert project.database_path.stat().st_mode & 0o777 == 0o600
    assert project.key not in project.database_path.read_bytes()
    with sqlite3.connect(project.database_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert project._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert [e.action for e in project.audit()] == ["init"]
    assert project.waves() == []


def test_init_refuses_an_existing_project(project: Project) -> None:
    key = project.key_path.read_bytes()
    with pytest.raises(StoreError, match="already holds a cop-eval project"):
        Project.create(project.directory)
    assert project.key_path.read_bytes() == key
    assert [e.action for e in project.audit()] == ["init"]


# -- import and load --------------------------------------------------------------------------


def test_wave_round_trips_exactly(project: Project, instrument: Instrument) -> None:
    responses = make_responses(instrument, project.key)
    outcome = project.add_wave(responses, "baseline", date=dt.date(2025, 3, 1))
    assert outcome.action == "imported"
    assert outcome.wave.n == 30 and outcome.wave.rows_rejected == 1
    assert outcome.wave.instruments[0].id == INSTRUMENT_ID
    assert outcome.wave.group_columns == ("role",) and outcome.wave.has_ids

    back = project.load_wave("BASELINE")  # labels ignore case
    assert back.wave == "baseline" and back.source == "wave0.csv"
    pd.testing.assert_frame_equal(back.items, responses.items)
    assert all(dtype == np.float32 for dtype in back.items.dtypes)
    assert back.respondent_ids is not None and responses.respondent_ids is not None
    assert back.respondent_ids.tolist() == responses.respondent_ids.tolist()
    pd.testing.assert_frame_equal(back.groups, responses.groups)
    np.testing.assert_array_equal(back.row_numbers, responses.row_numbers)
    assert back.instruments == responses.instruments
    assert back.report == responses.report


def test_large_answers_are_split_into_chunks(
    project: Project, instrument: Instrument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "CHUNK_BYTES", 1000)
    responses = make_responses(instrument, project.key, n=300)
    project.add_wave(responses, "w")
    assert counts(project.database_path)[1] > 3
    pd.testing.assert_frame_equal(project.load_wave("w").items, responses.items)


def test_reimport_of_same_content_is_a_noop(project: Project, instrument: Instrument) -> None:
    responses = make_responses(instrument, project.key)
    project.add_wave(responses, "baseline", source_sha256="ab" * 32)
    before = counts(project.database_path)
    for label in ("baseline", "another-label"):
        again = project.add_wave(responses, label, source_sha256="AB" * 32)
        assert again.action == "unchanged"
        assert "already stored as wave 'baseline'" in again.message
        assert "nothing was changed" in again.message
    assert counts(project.database_path) == before
    assert project.already_stored("ab" * 32, "baseline") is not None
    assert project.already_stored("cd" * 32, "baseline") is None


def test_same_label_other_content_needs_replace_and_is_audited(
    project: Project, instrument: Instrument
) -> None:
    first = make_responses(instrument, project.key, seed=1)
    second = make_responses(instrument, project.key, seed=2)
    project.add_wave(first, "spring")
    with pytest.raises(StoreError, match=r"already exists with other content.*replace=True") as e:
        project.add_wave(second, "Spring")
    assert re.search(r"already exists with other content.*--replace", cli_message(e.value))
    pd.testing.assert_frame_equal(project.load_wave("spring").items, first.items)

    outcome = project.add_wave(second, "spring", replace=True)
    assert outcome.action == "replaced" and outcome.previous is not None
    pd.testing.assert_frame_equal(project.load_wave("spring").items, second.items)
    assert len(project.waves()) == 1
    last = project.audit()[-1]
    assert last.action == "replace" and last.wave == "spring"
    assert last.detail is not None and outcome.previous.source_sha256 in last.detail
    # the replaced wave's answers are gone too (ON DELETE CASCADE)
    assert counts(project.database_path)[:2] == (1, 1)


def test_audit_rows_record_who_when_file_and_counts(
    project: Project, instrument: Instrument
) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    project.add_wave(make_responses(instrument, project.key), "w1", source_sha256="0" * 64)
    entry = project.audit()[-1]
    assert entry.action == "import" and entry.wave == "w1"
    assert entry.file_name == "wave0.csv" and entry.file_sha256 == "0" * 64
    assert (entry.rows_read, entry.rows_accepted, entry.rows_rejected) == (31, 30, 1)
    assert entry.who == store_db.who() and entry.who
    assert entry.at >= before and entry.at.tzinfo is not None
    from cop_eval import __version__

    assert entry.cop_eval_version == __version__
    with (
        sqlite3.connect(project.database_path) as conn,
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
    ):
        conn.execute("DELETE FROM audit")


def test_waves_are_listed_by_date_then_import_order(
    project: Project, instrument: Instrument
) -> None:
    dates = {"c": dt.date(2025, 9, 1), "a": dt.date(2025, 3, 1), "undated": None, "b": None}
    for seed, (label, date) in enumerate(dates.items()):
        project.add_wave(make_responses(instrument, project.key, n=6, seed=seed), label, date=date)
    assert [w.label for w in project.waves()] == ["a", "c", "undated", "b"]
    assert [r.wave for r in project.load_waves()] == ["a", "c", "undated", "b"]
    assert [r.wave for r in project.load_waves(["b", "a"])] == ["b", "a"]
    assert [r.wave for r in responses_from_project(project.directory, ["c"])] == ["c"]
    with pytest.raises(StoreError, match=r"no wave 'zzz'.*stored waves: 'a', 'c'"):
        project.load_waves(["a", "zzz"])
    with pytest.raises(OptionError, match="twice"):
        project.load_waves(["a", "A"])


def test_project_without_waves_is_a_clear_error(project: Project) -> None:
    with pytest.raises(StoreError, match="no waves yet"):
        responses_from_project(project.directory)


def test_empty_wave_and_bad_labels_are_refused(project: Project, instrument: Instrument) -> None:
    full = make_responses(instrument, project.key, n=3)
    empty = ResponseSet(
        source="x.csv",
        instruments=(instrument,),
        items=full.items.iloc[:0],
        report=ImportReport(source="x.csv", format="csv", rows_read=0, rows_accepted=0),
    )
    with pytest.raises(StoreError, match="no rows were accepted"):
        project.add_wave(empty, "w")
    for label in ("", "   ", "a\nb", "x" * 101):
        with pytest.raises(OptionError, match="wave label"):
            project.add_wave(full, label)
    assert project.waves() == []


# -- privacy ----------------------------------------------------------------------------------


def stored_text(path: Path) -> str:
    """Everything the database holds, decoded: every text cell and every Parquet column."""
    parts: list[str] = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                parts.extend(str(v) for v in row if not isinstance(v, bytes))
        for (wave_id,) in conn.execute("SELECT id FROM waves"):
            blob = b"".join(
                c
                for (c,) in conn.execute(
                    "SELECT chunk FROM wave_data WHERE wave_id = ? ORDER BY seq", (wave_id,)
                )
            )
            parts.append(pq.read_table(pa.BufferReader(blob)).to_pandas().to_csv())
    return "\n".join(parts)


def database_bytes(project: Project) -> bytes:
    files = [project.database_path, project.database_path.with_name("project.sqlite-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_raw_ids_never_reach_the_database(project: Project, instrument: Instrument) -> None:
    ids = raw_ids(30, tag="x")
    project.add_wave(make_responses(instrument, project.key, ids=ids), "w")
    raw = database_bytes(project)
    text = stored_text(project.database_path)
    assert "p_" in text  # the pseudonyms are there, so the search below can see ids
    for ident in ids:
        assert ident.encode() not in raw
        assert ident.split("@")[0] not in text


def test_unpseudonymised_ids_are_refused_before_writing(
    project: Project, instrument: Instrument
) -> None:
    responses = make_responses(instrument, project.key)
    leaked = ResponseSet(
        source=responses.source,
        instruments=responses.instruments,
        items=responses.items,
        report=responses.report,
        respondent_ids=pd.Series(raw_ids(30), dtype=object),
    )
    before = counts(project.database_path)
    with pytest.raises(StoreError, match="30 respondent id\\(s\\) are not pseudonymised") as info:
        project.add_wave(leaked, "w")
    assert "example.org" not in str(info.value)
    assert counts(project.database_path) == before
    assert b"staff.member" not in database_bytes(project)


def test_missing_or_swapped_key_is_detected(project: Project, instrument: Instrument) -> None:
    project.add_wave(make_responses(instrument, project.key), "w")
    original = project.key_path.read_bytes()
    project.key_path.unlink()
    with Project.open(project.directory) as reopened:
        with pytest.raises(StoreError, match=r"secret key is missing.*backup"):
            _ = reopened.key
        assert reopened.load_wave("w").n == 30  # stored waves stay usable
    project.key_path.write_bytes(b"x" * 32)
    with (
        Project.open(project.directory) as reopened,
        pytest.raises(StoreError, match="not the key the project was created with"),
    ):
        _ = reopened.key
    project.key_path.write_bytes(original)
    with Project.open(project.directory) as reopened:
        assert reopened.key == original


def test_damaged_answers_are_reported(project: Project, instrument: Instrument) -> None:
    project.add_wave(make_responses(instrument, project.key), "w")
    with sqlite3.connect(project.database_path) as conn:
        (chunk,) = conn.execute("SELECT chunk FROM wave_data").fetchone()
        damaged = bytearray(chunk)
        damaged[len(damaged) // 2] ^= 0xFF
        conn.execute("UPDATE wave_data SET chunk = ?", (bytes(damaged),))
    with pytest.raises(StoreError, match=r"damaged.*replace=True") as info:
        project.load_wave("w")
    assert re.search(r"damaged.*--replace", cli_message(info.value))


# -- atomicity and concurrency ----------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_store import make_responses
    from cop_eval.instruments import load_instrument
    from cop_eval.store import Project

    project = Project.open(Path({directory!r}))
    responses = make_responses(load_instrument({instrument!r}), project.key, n=60, seed={seed})
    outcome = project.add_wave(responses, {label!r}, replace=True)
    print(outcome.action)
    """
)


def start_child(
    directory: Path, label: str, seed: int, marker: Path, hold_seconds: float
) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env[store_db.HOLD_ENV] = str(marker)
    env[store_db.HOLD_ENV + "_SECONDS"] = str(hold_seconds)
    code = CHILD.format(
        tests=str(Path(__file__).parent),
        directory=str(directory),
        instrument=INSTRUMENT_ID,
        seed=seed,
        label=label,
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(marker: Path, child: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(f"child ended early: {child.communicate()}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("child never reached the write")
        time.sleep(0.05)


def test_killed_import_leaves_the_store_as_it_was(
    project: Project, instrument: Instrument, tmp_path: Path
) -> None:
    kept = make_responses(instrument, project.key, seed=1)
    project.add_wave(kept, "kept")
    before = counts(project.database_path)
    for label in ("new", "kept"):  # a new wave, and a replacement of a stored one
        marker = tmp_path / f"in-transaction-{label}"
        child = start_child(project.directory, label, seed=7, marker=marker, hold_seconds=120)
        try:
            wait_for(marker, child)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
        assert child.returncode == -signal.SIGKILL
        with Project.open(project.directory) as reopened:
            check = reopened._conn.execute("PRAGMA integrity_check").fetchall()
            assert check == [("ok",)]
            assert reopened._conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert [w.label for w in reopened.waves()] == ["kept"]
            pd.testing.assert_frame_equal(reopened.load_wave("kept").items, kept.items)
        assert counts(project.database_path) == before
    # and the store still takes the import that was killed
    project.add_wave(make_responses(instrument, project.key, seed=7, n=60), "new")
    assert [w.label for w in project.waves()] == ["kept", "new"]


def test_failure_inside_the_transaction_rolls_back(
    project: Project, instrument: Instrument, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(project.database_path)

    def broken_audit(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_db, "audit", broken_audit)
    with pytest.raises(StoreError, match="disk is full; nothing was changed"):
        project.add_wave(make_responses(instrument, project.key), "w")
    assert counts(project.database_path) == before
    assert project.waves() == []


def test_second_writer_waits_or_fails_clearly(
    project: Project, instrument: Instrument, tmp_path: Path
) -> None:
    marker = tmp_path / "holding"
    child = start_child(project.directory, "first", seed=3, marker=marker, hold_seconds=3)
    try:
        wait_for(marker, child)
        with Project.open(project.directory, busy_timeout=0.2) as impatient:
            assert impatient.waves() == []  # readers are not blocked (WAL)
            with pytest.raises(StoreError, match="busy: another cop-eval process"):
                impatient.add_wave(make_responses(instrument, project.key, seed=4), "second")
        with Project.open(project.directory, busy_timeout=60) as patient:
            outcome = patient.add_wave(make_responses(instrument, project.key, seed=4), "second")
        assert outcome.action == "imported"
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, stderr
    assert stdout.strip() == "imported"
    assert [w.label for w in project.waves()] == ["first", "second"]


# -- schema versions --------------------------------------------------------------------------


def make_v1_project(directory: Path, instrument: Instrument) -> ResponseSet:
    """A project as cop-eval's schema 1 wrote it, with one wave."""
    directory.mkdir()
    key = b"k" * 32
    (directory / "secret.key").write_bytes(key)
    responses = make_responses(instrument, key)
    encoded = encode_answers(
        responses.items,
        responses.respondent_ids,
        responses.groups,
        responses.row_numbers,
        source="wave0.csv",
    )
    conn = sqlite3.connect(directory / "project.sqlite", isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in MIGRATIONS[0].statements:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO project VALUES ('key_check', ?)",
        (store_db.key_check(key),),
    )
    store_db.insert_wave(
        conn, "old", None, "wave0.csv", "f" * 64, responses, responses.report, encoded
    )
    conn.close()
    return responses


def test_old_schema_is_backed_up_and_migrated(tmp_path: Path, instrument: Instrument) -> None:
    directory = tmp_path / "old-project"
    responses = make_v1_project(directory, instrument)
    with Project.open(directory) as project:
        assert project.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].version
        steps = [e.detail for e in project.audit() if e.action == "migrate"]
        assert [d.split(":")[0] if d else None for d in steps] == [
            f"schema {v - 1} -> {v}" for v in range(2, SCHEMA_VERSION + 1)
        ]
        pd.testing.assert_frame_equal(project.load_wave("old").items, responses.items)
        # what schema 2 added: one wave per file content, and an append-only audit trail
        with pytest.raises(sqlite3.IntegrityError):
            project._conn.execute(
                "INSERT INTO waves SELECT NULL, 'copy', wave_date, imported_at, imported_by, "
                "source_name, source_sha256, rows_read, rows_accepted, rows_rejected, has_ids, "
                "group_columns, report_json, data_format, data_bytes, data_sha256, "
                "cop_eval_version FROM waves"
            )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            project._conn.execute("UPDATE audit SET who = 'someone else'")
    backups = list((directory / "backups").glob("project-schema1-*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT label FROM waves").fetchall() == [("old",)]
    with Project.open(directory) as again:  # migrating is done once
        assert [e.action for e in again.audit()].count("migrate") == SCHEMA_VERSION - 1


def test_newer_schema_is_refused_untouched(project: Project) -> None:
    project._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    project.close()
    with pytest.raises(StoreError, match=r"newer cop-eval.*Upgrade cop-eval"):
        Project.open(project.directory)
    with sqlite3.connect(project.database_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_other_files_are_not_taken_for_a_project(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no cop-eval project here.*Project.create") as info:
        Project.open(tmp_path / "missing")
    assert re.search(r"no cop-eval project here.*cop-eval init", cli_message(info.value))
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "project.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a readable cop-eval project database"):
        Project.open(tmp_path / "junk")
    (tmp_path / "other").mkdir()
    sqlite3.connect(tmp_path / "other" / "project.sqlite").execute("CREATE TABLE t(x)").close()
    with pytest.raises(StoreError, match="not a cop-eval project"):
        Project.open(tmp_path / "other")


# -- command line -----------------------------------------------------------------------------


def write_export(path: Path, instrument: Instrument, ids: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    lines = [",".join(["email", "role", *instrument.item_ids])]
    for i, ident in enumerate(ids):
        answers = rng.integers(1, 6, len(instrument.item_ids)).astype(str)
        lines.append(",".join([ident, ["nurse", "doctor"][i % 2], *answers]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_cli_init_import_waves(
    tmp_path: Path, instrument: Instrument, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "proj"
    code, out, _ = run_cli(["init", str(proj)], capsys)
    assert code == 0
    assert "Back it up" in out and "never share" in out and "secret.key" in out
    code, _, err = run_cli(["init", str(proj)], capsys)
    assert code == 1 and "already holds a cop-eval project" in err

    ids = raw_ids(12, tag="cli")
    data = tmp_path / "spring.csv"
    write_export(data, instrument, ids, seed=1)
    common = ["--project", str(proj), "-i", INSTRUMENT_ID, "--id-column", "email"]
    args = ["import", str(data), "--wave", "spring", "--date", "2025-04-01", *common]
    code, out, _ = run_cli([*args, "--group-column", "role"], capsys)
    assert code == 0 and "Stored wave 'spring': 12 respondents from spring.csv" in out

    code, out, _ = run_cli(args, capsys)
    assert code == 0 and "already stored as wave 'spring'" in out and "nothing was changed" in out

    other = tmp_path / "other.csv"
    write_export(other, instrument, ids, seed=2)
    code, _, err = run_cli(["import", str(other), "--wave", "Spring", *common], capsys)
    assert code == 1 and "already exists with other content" in err and "--replace" in err
    code, out, _ = run_cli(["import", str(other), "--wave", "Spring", *common, "--replace"], capsys)
    assert code == 0 and "Replaced wave 'Spring'" in out
    code, out, _ = run_cli([*args, "--replace", "--group-column", "role"], capsys)
    assert code == 0 and "Replaced wave 'spring'" in out
    code, out, _ = run_cli(["import", str(other), "--wave", "autumn", *common, "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["action"] == "imported" and payload["wave"]["label"] == "autumn"
    assert payload["wave"]["n"] == 12 and payload["wave"]["date"] is None

    code, out, _ = run_cli(["waves", "--project", str(proj), "--audit", "--json"], capsys)
    assert code == 0
    listing = json.loads(out)
    assert [w["label"] for w in listing["waves"]] == ["spring", "autumn"]
    assert listing["waves"][0]["group_columns"] == ["role"]
    assert [e["action"] for e in listing["audit"]] == [
        "init",
        "import",
        "replace",
        "replace",
        "import",
    ]
    assert listing["audit"][3]["file_sha256"] == listing["waves"][0]["source_sha256"]
    code, out, _ = run_cli(["waves", "--project", str(proj), "--audit"], capsys)
    assert code == 0 and "spring" in out and "Audit trail" in out

    # the stored wave is what the reader produced with the project's key, and no raw id is kept
    from cop_eval.ingest import read_responses

    with Project.open(proj) as project:
        direct = read_responses(
            data, [instrument], id_column="email", group_columns=("role",), key=project.key
        )
        stored = project.load_wave("spring")
        raw = database_bytes(project)
    pd.testing.assert_frame_equal(stored.items, direct.items)
    pd.testing.assert_frame_equal(stored.groups, direct.groups)
    assert stored.respondent_ids is not None and direct.respondent_ids is not None
    assert stored.respondent_ids.tolist() == direct.respondent_ids.tolist()
    text = stored_text(proj / "project.sqlite")
    for ident in ids:
        assert ident.encode() not in raw and ident.split("@")[0] not in text


def test_cli_errors_are_messages_with_exit_codes(
    tmp_path: Path, instrument: Instrument, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "proj"
    assert run_cli(["init", str(proj)], capsys)[0] == 0
    before = counts(proj / "project.sqlite")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    base = ["--project", str(proj), "-i", INSTRUMENT_ID]
    code, _, err = run_cli(["import", str(junk), "--wave", "w", *base], capsys)
    assert code == 1 and err.startswith("error: ")
    assert counts(proj / "project.sqlite") == before

    code, _, err = run_cli(["import", str(tmp_path / "nope.csv"), "--wave", "w", *base], capsys)
    assert code == 1 and "nope.csv" in err

    good = tmp_path / "good.csv"
    write_export(good, instrument, raw_ids(6), seed=3)
    code, _, err = run_cli(
        ["import", str(good), "--wave", "w", "--date", "2025-13-01", *base], capsys
    )
    assert code == 2 and "--date" in err
    code, _, err = run_cli(["import", str(good), *base], capsys)
    assert code == 2 and "--wave" in err
    code, _, err = run_cli(["waves", "--project", str(tmp_path / "absent")], capsys)
    assert code == 1 and "no cop-eval project here" in err
    code, out, _ = run_cli(["waves", "--project", str(proj)], capsys)
    assert code == 0 and "No waves" in out
    assert counts(proj / "project.sqlite") == before
