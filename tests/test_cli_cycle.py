"""The evaluation cycle on the command line: project set/show, members, attendance and actions.

Every command round-trips through the store; mistakes get a message (exit 1 or 2), never a
traceback; no command prints a raw roster or register id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cop_eval.cli import main
from cop_eval.store import Project

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, stdout, stderr = run(capsys, *args, "--json")
    assert code == 0, stderr
    return json.loads(stdout)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    directory = tmp_path / "proj"
    assert main(["init", str(directory)]) == 0
    capsys.readouterr()
    return directory


def test_project_context_set_and_show(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(project)
    code, stdout, _ = run(
        capsys,
        "project",
        "set",
        "--project",
        p,
        "--name",
        "HR Group",
        "--sponsor",
        "Director of People",
    )
    assert code == 0 and "Sponsor: Director of People" in stdout
    shown = run_json(capsys, "project", "show", "--project", p)
    assert shown["context"]["name"] == "HR Group" and shown["waves"] == []
    cleared = run_json(capsys, "project", "set", "--project", p, "--sponsor", "")
    assert cleared["context"]["sponsor"] is None
    code, _, stderr = run(capsys, "project", "set", "--project", p)
    assert code == 2 and "give at least one of --name" in stderr


def test_members_numbers_roster_and_list(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    stored = run_json(
        capsys, "members", "set", "HR=20,Trainers=11", "--project", p, "--wave", "Mar 2025"
    )
    assert stored["membership"]["counts"] == {"HR": 20, "Trainers": 11}
    code, _, stderr = run(capsys, "members", "set", "HR=lots", "--project", p, "--wave", "x")
    assert code == 2 and "members per subgroup (HR=20,Trainers=11)" in stderr
    roster = SAMPLES / "roster_sep2025.csv"
    code, stdout, stderr = run(
        capsys, "members", "roster", str(roster), "--project", p, "--wave", "Sep 2025"
    )
    assert code == 0, stderr
    assert "Stored the roster of wave 'Sep 2025': 47 members in 4 subgroups" in stdout
    listed = run_json(capsys, "members", "list", "--project", p)
    assert [m["wave"] for m in listed["membership"]] == ["Mar 2025", "Sep 2025"]
    assert listed["membership"][1]["total"] == 47
    code, stdout, _ = run(capsys, "members", "list", "--project", p)
    assert "roster_sep2025.csv" in stdout and "Trainers" in stdout
    emails = roster.read_text().splitlines()[1:]
    for line in emails:
        assert line.split(",")[0] not in stdout + stderr


def test_a_wave_not_imported_a_wrong_column_and_a_bad_date_are_explained(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    roster = str(SAMPLES / "roster_sep2025.csv")
    code, _, stderr = run(capsys, "members", "roster", roster, "--project", p, "--wave", "Sep 25")
    assert code == 0 and "note: no wave 'Sep 25' is imported yet" in stderr
    code, _, stderr = run(
        capsys, "members", "roster", roster, "--project", p, "--wave", "W", "--id-column", "Mail"
    )
    assert code == 1 and "no column 'Mail' for the member ids; the columns are: Email" in stderr
    code, _, stderr = run(
        capsys, "actions", "add", "--project", p, "--title", "T", "--after", "Mar 2O25"
    )
    assert code == 0 and "note: no wave 'Mar 2O25' is imported (waves: none yet)" in stderr
    code, _, stderr = run(capsys, "actions", "update", "1", "--project", p, "--due", "30/06/2025")
    assert code == 2 and "write it year first, for example 2025-03-15" in stderr
    assert "Traceback" not in stderr


def test_attendance_import_reports_rows_and_refuses_bad_layouts(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    register = SAMPLES / "attendance_register.csv"
    done = run_json(capsys, "attendance", "import", str(register), "--project", p)
    assert done["action"] == "imported" and done["stored"]["meetings"] == 17
    assert done["stored"]["rows_rejected"] == 0 and done["people"] == 57
    code, stdout, _ = run(capsys, "attendance", "import", str(register), "--project", p)
    assert code == 0 and "already stored" in stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\njane,yes\n")
    code, _, stderr = run(capsys, "attendance", "import", str(bad), "--project", p)
    assert code == 1 and "no column for the member ids" in stderr
    assert "Traceback" not in stderr
    for line in register.read_text().splitlines()[1:40]:
        name, email = line.split(",")[:2]
        assert email not in stdout + stderr and name not in stdout + stderr


def test_actions_add_list_update_close_round_trip(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    code, _, stderr = run(capsys, "actions", "add", "--project", p, "--title", "Reflect")
    assert code == 1 and "import a wave first" in stderr
    added = run_json(
        capsys,
        "actions",
        "add",
        "--project",
        p,
        "--title",
        "Reflect at the end",
        "--target",
        "time_to_reflect",
        "--after",
        "Mar 2025",
        "--owner",
        "Group lead",
        "--due",
        "2025-06-30",
        "--note",
        "Agreed in April",
        "--note-date",
        "2025-04-08",
    )
    action = added["action"]
    assert action["id"] == 1 and action["targets"] == ["reflection.time_to_reflect"]
    assert action["notes"][0]["date"] == "2025-04-08"
    moved = run_json(capsys, "actions", "update", "1", "--project", p, "--status", "under way")
    assert moved["changed"] and moved["action"]["status"] == "under_way"
    same = run_json(capsys, "actions", "update", "1", "--project", p, "--owner", "Group lead")
    assert not same["changed"]
    closed = run_json(capsys, "actions", "close", "1", "--project", p, "--note", "Done")
    assert closed["action"]["status"] == "done"
    assert [n["text"] for n in closed["action"]["notes"]] == [
        "Agreed in April",
        "status planned → under way",
        "Done",
    ]
    listed = run_json(capsys, "actions", "list", "--project", p)
    assert [a["status_text"] for a in listed["actions"]] == ["done"]
    code, stdout, _ = run(capsys, "actions", "list", "--project", p)
    assert "Reflect at the end" in stdout and "done" in stdout
    code, stdout, _ = run(capsys, "actions", "show", "1", "--project", p)
    assert "2025-04-08" in stdout and "Agreed in April" in stdout
    code, _, stderr = run(capsys, "actions", "update", "7", "--project", p, "--title", "x")
    assert code == 1 and "no action 7" in stderr
    code, _, stderr = run(
        capsys,
        "actions",
        "add",
        "--project",
        p,
        "--title",
        "x",
        "--target",
        "nonsense",
        "--after",
        "w",
    )
    assert code == 1 and "target 'nonsense': no such scale" in stderr
    code, _, stderr = run(
        capsys,
        "actions",
        "add",
        "--project",
        p,
        "--title",
        "x",
        "--due",
        "30/06/2025",
        "--after",
        "w",
    )
    assert code == 2 and "YYYY-MM-DD" in stderr
    with Project.open(project) as opened:
        trail = [e.action for e in opened.audit()]
    assert trail[-3:] == ["action-add", "action-update", "action-close"]
    code, stdout, _ = run(capsys, "waves", "--project", p, "--audit")
    assert "action-close" in stdout


def test_attendance_show_hides_small_counts(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    register = SAMPLES / "attendance_register.csv"
    assert main(["attendance", "import", str(register), "--project", p]) == 0
    capsys.readouterr()
    shown = run_json(capsys, "attendance", "show", "--project", p)
    overall = shown["overall"]
    assert overall["meetings"] == 17 and overall["people"] == 57
    bands = {b["band"]: b for b in overall["bands"]}
    assert bands["regular"]["people"] == 45
    assert bands["rare"]["people"] is None and bands["rare"]["suppressed"]
    assert [p["period"] for p in shown["periods"]] == ["all meetings"]  # no waves yet
    everyone = run_json(capsys, "attendance", "show", "--project", p, "--min-group-size", "1")
    assert sum(b["people"] for b in everyone["overall"]["bands"]) == 57
    code, stdout, _ = run(capsys, "attendance", "show", "--project", p)
    assert code == 0 and "hidden" in stdout and "all meetings" in stdout


def test_an_action_from_a_report_recommendation(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(project)
    wave = SAMPLES / "wave1_qualtrics.csv"
    assert (
        main(
            [
                "import",
                str(wave),
                "--project",
                p,
                "--wave",
                "Mar 2025",
                "-i",
                "reflection",
                "-i",
                "strategic_direction_ownership",
                "--id-column",
                "RecipientEmail",
            ]
        )
        == 0
    )
    capsys.readouterr()
    added = run_json(
        capsys,
        "actions",
        "add",
        "--project",
        p,
        "--from-recommendation",
        "1",
        "--owner",
        "Group lead",
    )
    action = added["action"]
    assert action["recommendation"].startswith("Recommendation 1 (Mar 2025): ")
    assert action["title"] in action["recommendation"]
    assert action["agreed_after"] == "Mar 2025" and action["owner"] == "Group lead"
    assert action["targets"], "a stage recommendation targets its stage"
    code, _, stderr = run(capsys, "actions", "add", "--project", p, "--from-recommendation", "99")
    assert code == 1 and "numbered 1 to" in stderr
    # The project's report shows the plan; one wave, so no changes yet.
    pdf, html = project.parent / "r.pdf", project.parent / "r.html"
    code, _, stderr = run(
        capsys,
        "report",
        "--project",
        p,
        "--out",
        str(pdf),
        "--html",
        str(html),
        "--labels",
        "Spring 2025",
    )
    assert code == 0, stderr
    text = html.read_text(encoding="utf-8")
    assert "Purpose and context" in text and "Review and revise: the actions agreed" in text
    assert "shows the plan only" in text
    assert "Spring 2025" in text and "Group lead" in text  # the action, under the new label
