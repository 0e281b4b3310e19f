"""The evaluation cycle in the project store: context, membership, attendance and actions.

Rosters and registers are pseudonymised on import exactly like survey ids (so members link to
respondents), never stored raw, and every change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from cop_eval.errors import CopEvalError, DataImportError, OptionError, StoreError
from cop_eval.ingest import register_values, registers
from cop_eval.privacy import pseudonymise
from cop_eval.store import Project

ATTENDED = registers._ATTENDED
DATES = registers._DATES

EMAILS = [f"Member.{k}@Example.org" for k in range(12)]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    yield created
    created.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored_bytes(project: Project) -> bytes:
    """The database file and, when present, its write-ahead log and shared-memory file."""
    parts = [project.database_path.read_bytes()]
    for suffix in ("-wal", "-shm"):
        extra = project.database_path.with_name(project.database_path.name + suffix)
        if extra.exists():
            parts.append(extra.read_bytes())
    return b"".join(parts)


def assert_no_raw_ids(blob: bytes, ids: list[str]) -> None:
    folded = blob.lower()
    for raw in ids:
        for form in (raw, raw.lower(), raw.split("@")[0]):
            assert form.encode("utf-8").lower() not in folded, form


def test_doctests_of_the_register_readers() -> None:
    for module in (register_values, registers):
        failures, _ = doctest.testmod(module)
        assert failures == 0


# -- context ----------------------------------------------------------------------------------


def test_context_is_set_changed_cleared_and_audited(project: Project) -> None:
    assert project.context().is_empty
    project.set_context(name="HR Professional Group", sponsor="Director of HR", purpose="  Why\n")
    context = project.context()
    assert context.fields() == {
        "name": "HR Professional Group",
        "purpose": "Why",
        "sponsor": "Director of HR",
    }
    project.set_context(sponsor="Chief People Officer", name="HR Professional Group")
    project.set_context(purpose=None)
    assert project.context().fields() == {
        "name": "HR Professional Group",
        "sponsor": "Chief People Officer",
    }
    entries = [e for e in project.audit() if e.action == "context"]
    assert len(entries) == 3  # the unchanged name is not a change
    assert json.loads(entries[1].detail or "") == {
        "sponsor": {"from": "Director of HR", "to": "Chief People Officer"}
    }
    with pytest.raises(OptionError, match=r"unknown context field.*the fields are: name"):
        project.set_context(budget="none")


# -- membership -------------------------------------------------------------------------------


def test_member_counts_per_wave_and_subgroup(project: Project) -> None:
    first = project.set_members("Mar 2025", {"HR": 20, "Trainers": 11})
    assert first.kind == "counts" and first.total == 31 and first.by_subgroup
    whole = project.set_members("Sep 2025", 47)
    assert whole.counts == {"": 47} and not whole.by_subgroup
    assert project.membership("mar 2025") == first  # labels ignore case, as waves do
    assert [m.wave for m in project.memberships()] == ["Mar 2025", "Sep 2025"]
    with pytest.raises(OptionError, match="not a count"):
        project.set_members("Mar 2026", {"HR": -1})
    with pytest.raises(OptionError, match="at least one member"):
        project.set_members("Mar 2026", 0)
    assert [e.action for e in project.audit()][-2:] == ["members", "members"]


def test_member_counts_use_the_subgroup_names_of_the_stored_answers(project: Project) -> None:
    """Names the answers do not have would count their members as nobody's and the answers
    of that subgroup as non-members': refused with the names the wave has; case is the
    survey's (the membership stores the answers' spelling)."""
    from cop_eval.instruments import load_instrument
    from tests.test_store import INSTRUMENT_ID, make_responses

    project.add_wave(make_responses(load_instrument(INSTRUMENT_ID), project.key), "Mar 2025")
    stored = project.set_members("mar 2025", {"NURSE": 12, "doctor": 11})
    assert stored.counts == {"nurse": 12, "doctor": 11}
    with pytest.raises(OptionError) as refused:
        project.set_members("Mar 2025", {"nurse": 12, "Doctors": 11})
    message = str(refused.value)
    assert "'Doctors' is not a subgroup of the wave's answers" in message
    assert "subgroup column 'role': doctor, nurse" in message
    assert project.membership("Mar 2025") == stored  # nothing stored by the refusal
    assert project.set_members("Mar 2025", 40).counts == {"": 40}  # one number: nothing to match
    assert project.set_members("Sep 2025", {"Anything": 3}).counts == {"Anything": 3}  # no wave yet


def test_roster_is_pseudonymised_like_survey_ids_and_never_stored_raw(
    project: Project, tmp_path: Path
) -> None:
    lines = ["Email,Strand,Name"] + [
        f"{e},{'HR' if k < 8 else 'Trainers'},Person {k}" for k, e in enumerate(EMAILS)
    ]
    lines += [f" {EMAILS[0].upper()} ,HR,Again", ",HR,Nobody", f"{EMAILS[9]},HR,Moved"]
    path = write(tmp_path / "roster.csv", "\n".join(lines) + "\n")
    outcome = project.import_roster("Mar 2025", path)
    assert outcome.action == "stored"
    assert outcome.membership.kind == "roster"
    assert outcome.membership.counts == {"HR": 8, "Trainers": 4}
    assert outcome.rows_read == 15 and outcome.rows_rejected == 3
    assert [(r.row, r.reason) for r in outcome.rejected] == [
        (14, "the same member as row 2"),
        (15, "no member id in column 'Email'"),
        (16, "the same member as row 11, there in 'Trainers'"),
    ]
    roster = project.roster("Mar 2025")
    # the same normalisation and key as survey ids: members link to respondents
    assert set(roster) == set(pseudonymise([e.lower() for e in EMAILS], project.key))
    assert "raw" not in outcome.message and EMAILS[0] not in outcome.model_dump_json()
    again = project.import_roster("mar 2025", path)
    assert again.action == "unchanged"
    entries = [e for e in project.audit() if e.action == "roster"]
    assert len(entries) == 1 and entries[0].file_name == "roster.csv"
    assert_no_raw_ids(stored_bytes(project), EMAILS)
    assert b"Person 1" not in stored_bytes(project)  # other columns are not kept either


def test_roster_replaces_counts_and_refuses_raw_text_in_the_table(
    project: Project, tmp_path: Path
) -> None:
    project.set_members("Mar 2025", 40)
    path = write(tmp_path / "r.csv", "id\n" + "\n".join(EMAILS[:6]) + "\n")
    outcome = project.import_roster("Mar 2025", path)
    assert outcome.action == "replaced" and outcome.membership.counts == {"": 6}
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        project._conn.execute(
            "INSERT INTO roster(wave, member, subgroup) VALUES ('Mar 2025', ?, '')",
            ("jane.doe@example.org",),
        )


def test_roster_file_problems_are_named(project: Project, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=r"no column for the member ids.*columns are: who"):
        project.import_roster("w", write(tmp_path / "a.csv", "who\nx\n"))
    with pytest.raises(OptionError, match="no column 'dept' for the subgroup"):
        project.import_roster("w", write(tmp_path / "b.csv", "email\nx\n"), group_column="dept")
    with pytest.raises(DataImportError, match="no row has a member id"):
        project.import_roster("w", write(tmp_path / "c.csv", "email,strand\n,HR\n"))
    with pytest.raises(DataImportError, match="file not found"):
        project.import_roster("w", tmp_path / "missing.csv")
    assert project.memberships() == []


def test_a_survey_export_is_not_taken_for_a_roster(project: Project, tmp_path: Path) -> None:
    """Given as a roster, the demo's Qualtrics export was stored as 49 "members" (its header
    rows and respondents); the paper export's 87 answer columns likewise. Both are refused;
    a real roster with a few numeric columns (grade, hours) and a sign-up form's export are
    not."""
    samples = Path(__file__).parent.parent / "sample_data"
    exports = Path(__file__).parent / "ingest" / "exports"
    for path, said in [
        (samples / "wave1_qualtrics.csv", "a Qualtrics survey export"),
        (exports / "surveymonkey_no_metadata.csv", "a SurveyMonkey survey export"),
        (samples / "wave3_paper.csv", "survey answers (87 columns of them)"),
        (samples / "wave2_msforms.xlsx", "survey answers (83 columns of them)"),
    ]:
        with pytest.raises(DataImportError, match=rf"looks like {re.escape(said)}, not a roster"):
            project.import_roster("w", path)
    assert project.memberships() == []
    rows = [f"{e},HR,{k % 4 + 3},{20 + k},{k % 2}" for k, e in enumerate(EMAILS)]
    roster = write(tmp_path / "r.csv", "email,team,grade,hours,fte\n" + "\n".join(rows) + "\n")
    assert project.import_roster("w", roster).membership.total == 12
    signup = ["Id,Start time,Completion time,Email,Name,Team"] + [
        f"{k},1/5/25 9:00:00,1/5/25 9:01:00,{e},Person {k},HR" for k, e in enumerate(EMAILS)
    ]
    path = write(tmp_path / "signup.csv", "\n".join(signup) + "\n")
    assert project.import_roster("w", path, id_column="Email").membership.total == 12


# -- attendance -------------------------------------------------------------------------------


def long_register(tmp_path: Path) -> Path:
    rows = ["Email,Meeting date,Attended"]
    for k, email in enumerate(EMAILS[:6]):
        for day, month in ((14, 1), (11, 2), (11, 3)):
            rows.append(f"{email},{day:02d}/{month:02d}/2025,{'no' if k == 5 else 'Yes'}")
    rows += [f"{EMAILS[0]},31/02/2025,yes", f"{EMAILS[1]},14/01/2025,maybe", ",11/03/2025,yes"]
    return write(tmp_path / "register.csv", "\n".join(rows) + "\n")


def test_long_register_is_read_day_first_from_the_data_and_hashed(
    project: Project, tmp_path: Path
) -> None:
    outcome = project.import_attendance(long_register(tmp_path))
    assert outcome.action == "imported"
    assert outcome.stored.meetings == 3 and outcome.people == 6
    assert outcome.stored.first_meeting == dt.date(2025, 1, 14)
    assert [(r.row, r.reason) for r in outcome.rejected] == [
        (20, f"column 'Meeting date': '31/02/2025' is not a date ({DATES})"),
        (21, f"column 'Attended': 'maybe' is not {ATTENDED}"),
        (22, "the id column is blank (no member id or name)"),
    ]
    records = project.attendance()
    assert len(records) == 18 and sum(r.attended for r in records) == 15
    assert {r.member for r in records} == set(pseudonymise(EMAILS[:6], project.key))
    assert project.import_attendance(long_register(tmp_path)).action == "unchanged"
    assert_no_raw_ids(stored_bytes(project), EMAILS)
    assert [e.action for e in project.audit()].count("attendance") == 1


def test_wide_register_in_a_workbook_replaces_the_meetings_it_covers(
    project: Project, tmp_path: Path
) -> None:
    project.import_attendance(long_register(tmp_path))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Email", dt.datetime(2025, 3, 11), dt.datetime(2025, 4, 8)])
    sheet.append(["A", EMAILS[0], "x", "apologies"])
    sheet.append(["B", EMAILS[6], 90, None])  # minutes; blank: not expected that day
    sheet.append(["C", EMAILS[7], "?", "yes"])
    path = tmp_path / "wide.xlsx"
    book.save(path)
    outcome = project.import_attendance(path)
    assert outcome.action == "replaced" and outcome.replaced_meetings == 1
    assert [(r.row, r.reason) for r in outcome.rejected] == [
        (
            4,
            f"column '2025-03-11': '?': not {ATTENDED} (left out; the row's other meetings are used)",
        )
    ]
    by_date: dict[dt.date, list[bool]] = {}
    for r in project.attendance():
        by_date.setdefault(r.meeting_date, []).append(r.attended)
    assert {d: len(v) for d, v in by_date.items()} == {
        dt.date(2025, 1, 14): 6,
        dt.date(2025, 2, 11): 6,
        dt.date(2025, 3, 11): 2,  # the workbook's, replacing the CSV's six
        dt.date(2025, 4, 8): 2,
    }
    minutes = [r.minutes for r in project.attendance() if r.minutes is not None]
    assert minutes == [90.0]
    assert len(project.attendance_imports()) == 2
    assert_no_raw_ids(stored_bytes(project), EMAILS)


def test_register_date_orders_and_layout_problems(project: Project, tmp_path: Path) -> None:
    ambiguous = write(tmp_path / "amb.csv", "email,date,attended\na@x.org,03/04/2025,yes\n")
    outcome = project.import_attendance(ambiguous)
    assert project.attendance()[0].meeting_date == dt.date(2025, 4, 3)
    assert "read day first" in outcome.warnings[0]
    project.import_attendance(ambiguous, day_first=False)  # another file content is not needed
    assert project.attendance()[0].meeting_date == dt.date(2025, 3, 4)
    mixed = write(
        tmp_path / "mixed.csv", "email,date,attended\na@x,13/04/2025,y\nb@x,04/13/2025,y\n"
    )
    with pytest.raises(DataImportError, match=r"both day first.*and month first"):
        project.import_attendance(mixed)
    neither = write(tmp_path / "neither.csv", "email,team,notes\na@x,HR,hello\n")
    with pytest.raises(OptionError, match="no meeting date column and no column headed by a date"):
        project.import_attendance(neither)
    no_value = write(tmp_path / "nov.csv", "email,date\na@x,2025-01-01\n")
    with pytest.raises(OptionError, match="whether each person attended"):
        project.import_attendance(no_value)
    # nothing usable: the message gives the first rows' reasons, with the column
    useless = write(tmp_path / "useless.csv", "email,date,attended\na@x,2025-01-01,maybe\n")
    with pytest.raises(DataImportError, match=r"nothing to store \(row 2: column 'attended'"):
        project.import_attendance(useless)
    renamed = write(tmp_path / "register.xlsx", "email,date,attended\na@x,2025-01-01,yes\n")
    with pytest.raises(DataImportError, match=r"named \.xlsx but not an Excel workbook"):
        project.import_attendance(renamed)
    with pytest.raises(DataImportError, match=r"no row has a member id in column 'email'"):
        project.import_roster("w", write(tmp_path / "ids.csv", "email,team\n,HR\n"))


# -- actions ----------------------------------------------------------------------------------


def test_actions_round_trip_with_targets_notes_and_audit(project: Project) -> None:
    with pytest.raises(OptionError, match="import a wave first"):
        project.add_action("Reflect")
    first = project.add_action(
        "Ten minutes to reflect at the end of each meeting",
        targets=["time_to_reflect", "Reflecting with others", "stage 3"],
        agreed_after="Mar 2025",
        owner="Group lead",
        due=dt.date(2025, 6, 30),
        success_measure="Time to reflect above 3.5 at the next survey",
        note="Agreed at the April meeting",
        note_date=dt.date(2025, 4, 8),
    )
    assert first.id == 1 and first.status == "planned"
    assert first.targets == (
        "reflection.time_to_reflect",
        "reflection.reflecting_with_others",
        "stage:3",
    )
    assert [n.text for n in first.notes] == ["Agreed at the April meeting"]
    moved = project.update_action(1, status="under way", note_date=dt.date(2025, 5, 13))
    assert moved.status == "under_way"
    assert moved.notes[-1].text == "status planned → under way"
    assert moved.notes[-1].status == "under_way"
    closed = project.close_action(1, note="Done at every meeting since May")
    assert closed.status == "done" and not closed.open
    assert project.update_action(1, owner="Group lead") == closed  # no change, nothing written
    second = project.add_action(
        "Members vote on topics",
        targets=["collective_agenda"],
        agreed_after="Mar 2025",
        due=dt.date(2026, 1, 31),
    )
    assert second.targets == ("strategic_direction_ownership.collective_agenda",)
    assert second.overdue(dt.date(2026, 3, 15)) and not second.overdue(dt.date(2026, 1, 31))
    assert [a.id for a in project.actions()] == [1, 2]
    assert [a.id for a in project.actions(status="done")] == [1]
    audited = [e for e in project.audit() if e.action.startswith("action-")]
    assert [e.action for e in audited] == [
        "action-add",
        "action-update",
        "action-close",
        "action-add",
    ]
    assert audited[1].detail is not None and '"status"' in audited[1].detail


def test_action_mistakes_are_explained(project: Project) -> None:
    with pytest.raises(OptionError, match="target 'time_to_reflekt': no such scale"):
        project.add_action("x", targets=["time_to_reflekt"], agreed_after="w1")
    with pytest.raises(OptionError, match="stages 1, 2, 3"):
        project.add_action("x", targets=["stage:7"], agreed_after="w1")
    with pytest.raises(OptionError, match="needs a title"):
        project.add_action("  ", agreed_after="w1")
    with pytest.raises(OptionError, match="not one of: planned, under way, done, dropped"):
        project.add_action("x", agreed_after="w1", status="finished")
    with pytest.raises(StoreError, match=r"no action 9 in this project \(actions: none yet\)"):
        project.update_action(9, title="y")
    project.add_action("x", agreed_after="w1")
    with pytest.raises(OptionError, match="closed as done or dropped"):
        project.close_action(1, status="planned")
    assert isinstance(OptionError("x"), CopEvalError)


def test_register_of_minutes_and_its_own_subgroup_column(project: Project, tmp_path: Path) -> None:
    text = "Staff number;Team;Session;Minutes\n" + "\n".join(
        f"S{k:03d};{'A' if k < 3 else 'B'};11 March 2025;{m}"
        for k, m in enumerate(["120", "0", "45", "", "90,5"])
    )
    outcome = project.import_attendance(
        write(tmp_path / "minutes.csv", text + "\n"),
        id_column="staff number",
        date_column="session",
        minutes_column="minutes",
        group_column="team",
    )
    assert [(r.row, r.reason) for r in outcome.rejected] == [
        (5, "column 'Minutes' is blank (give a number of minutes)")
    ]
    records = sorted(project.attendance(), key=lambda r: r.minutes or 0)
    assert [(r.attended, r.minutes, r.subgroup) for r in records] == [
        (False, 0.0, "A"),
        (True, 45.0, "A"),
        (True, 90.5, "B"),
        (True, 120.0, "A"),
    ]
    assert all(r.meeting_date == dt.date(2025, 3, 11) for r in records)
    assert b"S001" not in stored_bytes(project).upper()
