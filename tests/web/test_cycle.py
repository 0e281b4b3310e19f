"""The context, membership, attendance and actions pages (TestClient; the browser test is in
test_browser_cycle.py). Uploaded rosters and registers hold raw ids: they must be gone from the
staging folder when the page answers, and no page may show one."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from cop_eval.store import Project
from tests.web.conftest import csrf

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _post(client: TestClient, url: str, page: str, **data: object) -> object:
    token = csrf(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data})  # type: ignore[arg-type]


def _staged_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "staging").rglob("*") if p.is_file()]


def test_context_form_round_trips(client: TestClient, project_dir: Path) -> None:
    page = client.get("/cycle")
    assert page.status_code == 200 and "Purpose and context" in page.text
    saved = _post(client, "/cycle/context", "/cycle", name="HR <Group>", sponsor="Director")
    assert "Saved the context" in saved.text  # type: ignore[attr-defined]
    assert 'value="HR &lt;Group&gt;"' in saved.text  # type: ignore[attr-defined]
    with Project.open(project_dir) as project:
        assert project.context().fields() == {"name": "HR <Group>", "sponsor": "Director"}
        assert [e.action for e in project.audit()][-1] == "context"
    # The Waves page lists the audit trail, the latest change first, its text escaped.
    audit = client.get("/project").text
    trail = audit[audit.index('id="audit"') :]
    assert "<td>context</td>" in trail and "<td>init</td>" in trail
    assert trail.index("<td>context</td>") < trail.index("<td>init</td>")
    assert "HR &lt;Group&gt;" in trail and "HR <Group>" not in trail


def test_members_numbers_and_roster_upload(
    client: TestClient, project_dir: Path, tmp_path: Path
) -> None:
    bad = _post(client, "/cycle/members", "/cycle", wave="Mar 2025", counts="HR=lots")
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "is not a number of members" in bad.text  # type: ignore[attr-defined]
    good = _post(client, "/cycle/members", "/cycle", wave="Mar 2025", counts="HR=20\nTrainers=11")
    assert "Stored the membership of Mar 2025: 31 members" in good.text  # type: ignore[attr-defined]
    roster = SAMPLES / "roster_sep2025.csv"
    token = csrf(client.get("/cycle").text)
    uploaded = client.post(
        "/cycle/roster",
        data={"csrf_token": token, "wave": "Sep 2025"},
        files={"file": (roster.name, roster.read_bytes(), "text/csv")},
    )
    assert "47 members in 4 subgroups" in uploaded.text
    assert _staged_files(tmp_path) == []
    for line in roster.read_text().splitlines()[1:]:
        assert line.split(",")[0] not in uploaded.text
    assert re.search(r"roster_sep2025\.csv", uploaded.text)
    refused = client.post(
        "/cycle/roster",
        data={"csrf_token": token, "wave": "Sep 2025", "id_column": "staff no"},
        files={"file": (roster.name, roster.read_bytes(), "text/csv")},
    )
    assert refused.status_code == 400 and "no column &#39;staff no&#39;" in refused.text
    assert str(tmp_path / "staging") not in refused.text  # the staged path is not shown
    assert _staged_files(tmp_path) == []


def test_register_upload_shows_a_suppressed_summary(
    client: TestClient, project_dir: Path, tmp_path: Path
) -> None:
    register = SAMPLES / "attendance_register.csv"
    token = csrf(client.get("/cycle").text)
    done = client.post(
        "/cycle/attendance",
        data={"csrf_token": token},
        files={"file": (register.name, register.read_bytes(), "text/csv")},
    )
    assert "Stored the attendance at 17 meetings" in done.text
    assert 'id="attendance-periods"' in done.text
    assert "hidden" in done.text  # the smallest bands are hidden
    assert _staged_files(tmp_path) == []
    for line in register.read_text().splitlines()[1:60]:
        name, email = line.split(",")[:2]
        assert email not in done.text and name not in done.text


def test_actions_page_adds_and_changes_an_action(client: TestClient, project_dir: Path) -> None:
    empty = client.get("/actions")
    assert "No actions yet" in empty.text and "Import a survey wave first" in empty.text
    refused = _post(client, "/actions", "/actions", title="Reflect", agreed_after="")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "import a wave first" in refused.text  # type: ignore[attr-defined]
    with Project.open(project_dir) as project:
        project.add_action("Seeded", agreed_after="Mar 2025")
    token = csrf(client.get("/actions").text)
    added = client.post(
        "/actions",
        data={
            "csrf_token": token,
            "title": "Ten minutes to reflect",
            "agreed_after": "Mar 2025",
            "targets": ["reflection.time_to_reflect", "stage:3"],
            "owner": "Group lead",
            "due": "2025-06-30",
        },
    )
    assert "Added action 2" in added.text
    changed = client.post(
        "/actions/2",
        data={"csrf_token": token, "status": "done", "note": "Every meeting", "note_date": ""},
    )
    assert "Action 2 is now done" in changed.text
    with Project.open(project_dir) as project:
        action = project.action(2)
    assert action.status == "done" and action.targets == ("reflection.time_to_reflect", "stage:3")
    assert [n.text for n in action.notes] == ["Every meeting"]
    missing = client.post("/actions/9", data={"csrf_token": token, "status": "done"})
    assert missing.status_code == 400 and "no action 9" in missing.text
