"""Uploads the import page takes or refuses: bad and unreadable files, names, sheets, folders,
escaping, staged copies, the web's words for the library's hints, and the blank forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cop_eval.store import Project
from tests.web.conftest import csrf, small_export
from tests.web.conftest import page as page_of
from tests.web.test_import import INSTRUMENT, _review_url, _upload


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.7 ...", "cannot be imported"),
        ("survey.xls", b"\xd0\xcf\x11\xe0\xa1\xb1", "old Excel (.xls)"),
        ("survey.xlsx", b"email,role\nx,y\n", "the content looks like text"),
        ("survey.csv", b"PK\x03\x04\x14\x00\x06\x00", "rename it to end in .xlsx"),
        ("survey.sav", b"email,role\n", "the name says SPSS data file"),
        ("survey.csv", b"\x00\x01\x02\x03binary\x00", "looks like a binary file"),
        ("empty.csv", b"", "the file is empty"),
        ("noitems.csv", b"name,colour\nann,red\nbob,blue\n", "no column matches an item"),
    ],
)
def test_bad_files_get_a_clear_message(
    client: TestClient, name: str, content: bytes, message: str
) -> None:
    response = _upload(client, name, content)
    text = response.text  # type: ignore[attr-defined]
    assert message in text
    assert "Traceback" not in text
    assert "/staging/" not in text  # messages name the file as uploaded, not the staged copy


def test_an_unreadable_export_keeps_the_mapping_form(client: TestClient) -> None:
    response = _upload(client, "noitems.csv", "name,colour,score\nann,red,4\nbob,blue,2\n")
    text = response.text  # type: ignore[attr-defined]
    assert 'id="import-error"' in text
    assert 'name="map__lm_membership_1"' in text
    assert "Store this wave" not in text
    fixed = client.post(
        _review_url(response) + "/check",
        data={"csrf_token": csrf(text), "map__lm_membership_1": "score"},
    )
    assert 'id="import-error"' not in fixed.text
    assert "Store this wave" in fixed.text
    assert '>2</div><div class="label">respondents accepted' in fixed.text
    twice = client.post(
        _review_url(response) + "/check",
        data={
            "csrf_token": csrf(text),
            "map__lm_membership_1": "score",
            "map__lm_membership_2": "score",
        },
    )
    assert "is chosen for two items" in twice.text


def test_no_instrument_chosen_and_no_file(client: TestClient) -> None:
    response = _upload(client, "wave.csv", small_export(), instruments=())
    assert "Choose at least one questionnaire" in response.text  # type: ignore[attr-defined]
    token = csrf(client.get("/import").text)
    empty = client.post("/import", data={"csrf_token": token, "instrument": INSTRUMENT})
    assert empty.status_code == 400
    assert "Choose the survey export file" in empty.text


def test_text_from_the_file_is_escaped(client: TestClient) -> None:
    export = small_export(6).replace("email,role", "email,<script>alert(1)</script>", 1)
    text = _upload(client, "x.csv", export).text  # type: ignore[attr-defined]
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_discard_removes_the_staged_copy(client: TestClient, tmp_path: Path) -> None:
    url = _review_url(_upload(client, "wave.csv", small_export()))
    assert any((tmp_path / "staging").iterdir())
    page = client.get(url).text
    done = client.post(url + "/discard", data={"csrf_token": csrf(page)})
    assert "nothing was stored" in done.text
    assert not any((tmp_path / "staging").iterdir())


def test_an_upload_stays_with_the_project_it_was_checked_for(
    client: TestClient, tmp_path: Path
) -> None:
    url = _review_url(_upload(client, "wave.csv", small_export()))
    page = client.get(url).text
    other = tmp_path / "other"
    token = csrf(page)
    client.post("/projects/create", data={"folder": str(other), "csrf_token": token})
    response = client.post(url + "/accept", data={"csrf_token": token, "label": "W1"})
    assert response.status_code == 409
    assert "not the open project" in response.text
    assert "Imports waiting" not in client.get("/project").text
    with Project.open(other) as project:
        assert project.waves() == []


def test_upload_reads_the_sheet_named_on_the_form(client: TestClient, tmp_path: Path) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"  # an empty first sheet, as users add
    sheet = book.create_sheet("Responses")
    for line in small_export(6).splitlines():
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    body = buffer.getvalue()
    first = _upload(client, "wave.xlsx", body)
    assert first.status_code == 400  # type: ignore[attr-defined]
    assert "the sheet &#39;Notes&#39; is empty" in first.text  # type: ignore[attr-defined]
    token = csrf(client.get("/import").text)
    named = client.post(
        "/import",
        data={"csrf_token": token, "instrument": [INSTRUMENT], "sheet": "Responses"},
        files={"file": ("wave.xlsx", body, "application/octet-stream")},
    )
    assert "Check the import of wave.xlsx" in named.text
    assert '>7</div><div class="label">rows read' in named.text


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("a" * 123 + ".csv", "a" * 123 + ".csv"),  # 127 characters: was refused as no extension
        ("Umfrage März 2026.csv", "Umfrage März 2026.csv"),  # was "Umfrage M_rz 2026.csv"
        ("ü" * 150 + ".csv", "ü" * 98 + ".csv"),  # shortened before the extension (200 bytes)
    ],
)
def test_long_and_non_english_file_names(client: TestClient, name: str, shown: str) -> None:
    response = _upload(client, name, small_export(8))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert f"Check the import of {shown}" in response.text  # type: ignore[attr-defined]


def test_a_zip_renamed_to_xlsx_gets_a_message(client: TestClient) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("minutes.txt", "not a workbook")
    response = _upload(client, "export.xlsx", buffer.getvalue())
    assert response.status_code == 400  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert "not a readable Excel workbook" in text
    assert "KeyError" not in text and "Traceback" not in text


@pytest.mark.parametrize("folder", ["/tmp/a\x00b", "\x00", "x" * 5000])
def test_a_folder_name_the_system_cannot_use_gets_a_message(
    bare_client: TestClient, folder: str
) -> None:
    token = csrf(bare_client.get("/projects").text)
    for action in ("/projects/open", "/projects/create"):
        response = bare_client.post(action, data={"folder": folder, "csrf_token": token})
        assert response.status_code == 400, (action, response.status_code)
        assert "Traceback" not in response.text


def test_web_words_for_the_library_s_terminal_hints(client: TestClient, tmp_path: Path) -> None:
    from cop_eval.web.words import TERMINAL

    token = csrf(client.get("/projects").text)
    missing = client.post("/projects/open", data={"folder": str(tmp_path), "csrf_token": token})
    assert "no cop-eval project here" in missing.text
    assert "Create a project there on the Projects page" in missing.text
    assert TERMINAL.search(missing.text) is None
    first = _review_url(_upload(client, "a.csv", small_export(8)))
    page = client.get(first).text
    client.post(first + "/accept", data={"csrf_token": csrf(page), "label": "W1"})
    second = _review_url(_upload(client, "b.csv", small_export(7)))
    page = client.get(second).text
    taken = client.post(second + "/accept", data={"csrf_token": csrf(page), "label": "W1"})
    assert "Give the wave another name, or tick" in taken.text
    assert TERMINAL.search(taken.text) is None
    again = _review_url(_upload(client, "a.csv", small_export(8)))
    page = client.get(again).text
    same = client.post(again + "/accept", data={"csrf_token": csrf(page), "label": "W2"})
    assert "already stored as wave" in same.text
    assert TERMINAL.search(same.text) is None
    unmatched = _upload(client, "c.csv", small_export(8, header=("Q1", "Q2", "Q3"))).text  # type: ignore[attr-defined]
    assert TERMINAL.search(unmatched) is None


def test_blank_forms_for_a_survey_on_paper(client: TestClient) -> None:
    page = client.get("/import")
    assert 'id="blank-forms"' in page.text
    ids = ["le_may_success_factors", "professional_identity"]
    csv = client.get("/import/blank", params={"kind": "csv", "instrument": ids})
    assert csv.status_code == 200 and csv.headers["cache-control"] == "no-store"
    header = csv.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert (
        header[:3] == ["id", "group", "lm_membership_1"] and "pi_professional_identity_1" in header
    )
    made = client.get(
        "/import/blank", params={"kind": "pdf", "instrument": ids[:1]}, follow_redirects=False
    )
    assert made.status_code == 303
    ready = page_of(client, made.headers["location"])
    assert 'id="download-file"' in ready.text and "Back to importing a wave" in ready.text
    pdf = client.get(made.headers["location"] + "/file")
    assert pdf.content.startswith(b"%PDF") and pdf.headers["cache-control"] == "no-store"
    none = client.get("/import/blank", params={"kind": "csv"})
    assert none.status_code == 400 and "Tick at least one questionnaire" in none.text
    unknown = client.get("/import/blank", params={"instrument": "nope"})
    assert unknown.status_code == 400 and "no built-in questionnaire nope" in unknown.text
