"""Project pages and the import flow: upload, review, fix the mapping, accept (the uploads it
refuses are in test_import_files.py)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from cop_eval.store import Project
from tests.web.conftest import csrf, small_export

INSTRUMENT = "le_may_success_factors"


def _upload(
    client: TestClient,
    name: str,
    content: bytes | str,
    instruments: tuple[str, ...] = (INSTRUMENT,),
) -> object:
    token = csrf(client.get("/import").text)
    body = content.encode() if isinstance(content, str) else content
    return client.post(
        "/import",
        data={"csrf_token": token, "instrument": list(instruments)},
        files={"file": (name, body, "application/octet-stream")},
    )


def _review_url(response: object) -> str:
    url = str(response.url)  # type: ignore[attr-defined]
    assert "/imports/" in url, url
    return url.split("?")[0].replace("http://127.0.0.1:8000", "")


def test_create_and_open_a_project_in_the_page(bare_client: TestClient, tmp_path: Path) -> None:
    assert bare_client.get("/").url.path == "/projects"
    assert bare_client.get("/import").url.path == "/projects"  # no project yet
    token = csrf(bare_client.get("/projects").text)
    folder = tmp_path / "new project"
    created = bare_client.post(
        "/projects/create", data={"folder": str(folder), "csrf_token": token}
    )
    assert created.url.path == "/project"
    assert "Created a new project" in created.text
    assert "No waves yet" in created.text
    assert (folder / "project.sqlite").is_file()
    again = bare_client.post("/projects/create", data={"folder": str(folder), "csrf_token": token})
    assert again.status_code == 400
    assert "already holds a cop-eval project" in again.text
    missing = bare_client.post(
        "/projects/open", data={"folder": str(tmp_path / "nope"), "csrf_token": token}
    )
    assert missing.status_code == 400
    assert "no such folder" in missing.text
    opened = bare_client.post("/projects/open", data={"folder": str(folder), "csrf_token": token})
    assert "Opened the project" in opened.text


def test_upload_shows_the_import_report(client: TestClient) -> None:
    response = _upload(client, "wave1.csv", small_export(8))
    review = response.text  # type: ignore[attr-defined]
    assert "Check the import of wave1.csv" in review
    stats = re.search(r'id="import-stats".*?</div>\s*</div>\s*</div>', review, re.S)
    assert stats is not None
    assert '>9</div><div class="label">rows read' in review
    assert '>8</div><div class="label">respondents accepted' in review
    # The rejected row and why, with the row number as a spreadsheet shows it.
    assert re.search(r'<td class="num">10</td><td>no answer to any item', review)
    # Items of the instrument that are not in the file can be matched by hand.
    assert 'name="map__lm_commitment_1"' in review
    # The id and subgroup columns can be chosen from the file's own columns.
    assert '<option value="email"' in review
    assert re.search(r'id="group_column".*<option value="role"', review, re.S)


def test_fix_the_mapping_then_accept(client: TestClient, project_dir: Path) -> None:
    export = small_export(8, header=("lm_membership_1", "lm_membership_2", "Q3 (renamed)"))
    review_url = _review_url(_upload(client, "wave1.csv", export))
    page = client.get(review_url).text
    assert 'name="map__lm_membership_3"' in page
    assert '<option value="Q3 (renamed)"' in page
    checked = client.post(
        review_url + "/check",
        data={
            "csrf_token": csrf(page),
            "id_column": "email",
            "group_column": "role",
            "map__lm_membership_3": "Q3 (renamed)",
        },
    )
    assert "Checked again with your settings" in checked.text
    assert re.search(
        r"lm_membership_3</td><td[^>]*>[^<]*</td><td>Q3 \(renamed\)</td>"
        r"<td><span class=\"pill warn\">your choice",
        checked.text,
    )
    assert '<option value="email" selected>' in checked.text
    assert "<details open>" in checked.text  # the user's own choices are shown
    stored = client.post(
        review_url + "/accept",
        data={
            "csrf_token": csrf(checked.text),
            "label": "Baseline",
            "date": "2025-03-01",
            "group_name": "Role",
        },
    )
    assert stored.url.path == "/project"
    assert "Baseline" in stored.text
    with Project.open(project_dir) as project:
        (wave,) = project.waves()
        assert wave.label == "Baseline"
        assert str(wave.date) == "2025-03-01"
        assert wave.has_ids
        assert wave.group_columns == ("Role",)
        assert wave.rows_accepted == 8
        loaded = project.load_wave("Baseline")
        assert loaded.items["lm_membership_3"].notna().sum() == 8
        assert not loaded.respondent_ids.str.contains("@").any()  # type: ignore[union-attr]
    # The pending import is gone, and so is its staged copy of the raw export.
    assert client.get(review_url).status_code == 404


def test_accept_uses_the_columns_on_the_screen(client: TestClient, project_dir: Path) -> None:
    """Id and subgroup columns picked, name and date typed, Accept pressed without "Check
    again": the wave used to be stored without ids or subgroups, silently (issue 18, item 1)."""
    review_url = _review_url(_upload(client, "wave1.csv", small_export(8)))
    page = client.get(review_url).text
    # Checked without the suggested id and subgroup columns first.
    none = {"csrf_token": csrf(page), "id_column": "", "group_column": ""}
    page = client.post(review_url + "/check", data=none).text
    assert '<option value="">No id column</option>' in page
    assert '<option value="email" selected>' not in page
    # Every field of the page is sent with Accept (they belong to one form).
    for name in ("id_column", "group_column", "label", "date"):
        assert re.search(rf'name="{name}"[^>]*(form="settings")?', page)
    assert 'form="settings" formaction="' + review_url + '/accept"' in page
    on_screen = {
        "csrf_token": csrf(page),
        "id_column": "email",
        "group_column": "role",
        "label": "Baseline",
        "date": "2025-03-01",
    }
    first = client.post(review_url + "/accept", data=on_screen)
    assert first.url.path == review_url  # not stored yet: checked with the new columns first
    assert "checked again with them" in first.text
    assert '<option value="email" selected>' in first.text
    assert 'value="Baseline"' in first.text and 'value="2025-03-01"' in first.text
    with Project.open(project_dir) as project:
        assert project.waves() == []
    stored = client.post(review_url + "/accept", data={**on_screen, "csrf_token": csrf(first.text)})
    assert stored.url.path == "/project"
    assert "Respondent ids: from the column &#39;email&#39;" in stored.text
    assert "Subgroups: stored as &#39;role&#39;" in stored.text
    with Project.open(project_dir) as project:
        (wave,) = project.waves()
        assert wave.has_ids and wave.group_columns == ("role",)


def test_the_id_and_subgroup_columns_are_suggested(client: TestClient) -> None:
    review = _upload(client, "wave1.csv", small_export(8)).text  # type: ignore[attr-defined]
    # Chosen for the practitioner, said on the page, and can be changed.
    assert '<option value="email" selected>' in review
    assert re.search(r'id="group_column".*<option value="role" selected>', review, re.S)
    assert "Suggested from the file: “email” (its values are e-mail addresses)" in review
    assert "Suggested from the file: “role” (2 different values" in review


def test_the_confirmation_says_when_no_ids_were_stored(client: TestClient) -> None:
    review_url = _review_url(_upload(client, "wave1.csv", small_export(8)))
    page = client.get(review_url).text
    form = {"csrf_token": csrf(page), "id_column": "", "group_column": "", "label": "W1"}
    page = client.post(review_url + "/check", data=form).text
    stored = client.post(review_url + "/accept", data={**form, "csrf_token": csrf(page)})
    assert "Respondent ids: none" in stored.text
    assert "Subgroups: none" in stored.text


def test_accept_problems_are_shown_in_the_page(client: TestClient) -> None:
    first = _review_url(_upload(client, "a.csv", small_export(8)))
    page = client.get(first).text
    client.post(first + "/accept", data={"csrf_token": csrf(page), "label": "W1"})
    second = _review_url(_upload(client, "b.csv", small_export(7)))
    page = client.get(second).text
    bad_date = client.post(
        second + "/accept", data={"csrf_token": csrf(page), "label": "W2", "date": "31/12/2025"}
    )
    assert bad_date.status_code == 400
    assert "is not a date" in bad_date.text
    no_label = client.post(second + "/accept", data={"csrf_token": csrf(page), "label": " "})
    assert "Give the wave a name" in no_label.text
    taken = client.post(second + "/accept", data={"csrf_token": csrf(page), "label": "w1"})
    assert taken.status_code == 400
    assert "Replace a stored wave" in taken.text
    replaced = client.post(
        second + "/accept", data={"csrf_token": csrf(page), "label": "W1", "replace": "yes"}
    )
    assert replaced.url.path == "/project"
