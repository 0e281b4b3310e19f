"""Coding by hand in the web app: the codebook, the coding sheet out and back, and Cohen's kappa
per theme between two codings (the same numbers as the library's ``coding_agreement``)."""

from __future__ import annotations

import html
import io
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from cop_eval.comments.agreement import coding_agreement
from cop_eval.comments.api import automatic_codes
from cop_eval.comments.codebook import load_codebook
from cop_eval.report.filters import fmt_number
from cop_eval.store import Project
from cop_eval.web.words import TERMINAL

from .conftest import csrf, page
from .test_comments_page import _store_sample_waves


def _sheet(client: TestClient, token: str) -> bytes:
    posted = client.post("/comments/sheet", data={"csrf_token": token}, follow_redirects=False)
    assert posted.status_code == 303
    made = page(client, posted.headers["location"])
    assert 'id="download-file"' in made.text and "Back to coding by hand" in made.text
    file = client.get(posted.headers["location"] + "/file")
    assert file.status_code == 200 and file.headers["cache-control"] == "no-store"
    return file.content


def _coded(sheet: bytes, coder: str, *, drop: str | None = None) -> bytes:
    """The sheet coded as the automatic coding suggests, leaving out theme ``drop``."""
    wb = load_workbook(io.BytesIO(sheet))
    ws = wb["Coding"]
    ws["B1"] = coder
    header = [c.value for c in ws[3]]
    for row in ws.iter_rows(min_row=4):
        for theme in str(row[4].value or "").split(", "):
            if theme and theme != drop:
                row[header.index(theme)].value = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(
    client: TestClient, token: str, content: bytes, name: str = "coded.xlsx", coder: str = ""
):  # type: ignore[no-untyped-def]
    return client.post(
        "/comments/codes",
        data={"csrf_token": token, "coder": coder},
        files={"file": (name, content)},
        follow_redirects=True,
    )


def test_coding_sheet_codes_and_kappa(client: TestClient, project_dir: Path) -> None:
    _store_sample_waves(project_dir)
    first = client.get("/comments/coding")
    assert first.status_code == 200
    text = html.unescape(first.text)
    assert "Members setting the agenda" in text  # the codebook's themes, with their phrases
    assert "No coded sheet is stored yet" in text
    token = csrf(first.text)
    sheet = _sheet(client, token)
    rows = list(load_workbook(io.BytesIO(sheet))["Coding"].iter_rows(min_row=4, values_only=True))
    assert rows and not any("@" in str(r[3]) for r in rows)  # redacted
    stored = _upload(client, token, _coded(sheet, "Ana <b>Lee</b>", drop="time_to_reflect"))
    assert stored.status_code == 200, stored.text
    assert f"Stored the codes of {len(rows)} comments" in html.unescape(stored.text)
    assert "Ana &lt;b&gt;Lee&lt;/b&gt;" in stored.text  # escaped wherever shown
    book = load_codebook(None)
    with Project.open(project_dir) as project:
        ana = project.comments.codes("Ana <b>Lee</b>")
        auto = automatic_codes(project, book)
    expected = coding_agreement(ana, auto, book, names=("Ana", "auto"))
    kappa = page(client, "/comments/coding").text
    assert "Agreement of Ana &lt;b&gt;Lee&lt;/b&gt; and automatic coding" in kappa
    for theme in expected.themes:
        row = kappa[kappa.index(f'id="kappa-{theme.theme}"') :].split("</tr>")[0]
        shown = "–" if theme.kappa is None else fmt_number(theme.kappa)
        assert f">{shown}<" in row, (theme.theme, row)
    assert ">not defined (neither coder varies)<" in kappa or "time_to_reflect" in kappa
    # A second coder: the two coders are compared by default.
    _upload(client, token, _coded(sheet, "Ben"), coder="")
    both = page(client, "/comments/coding").text
    assert "Agreement of Ana &lt;b&gt;Lee&lt;/b&gt; and Ben" in both
    unknown = client.get("/comments/coding", params={"first": "Nobody"})
    assert unknown.status_code == 400 and "No codes by 'Nobody'" in html.unescape(unknown.text)


def test_coding_mistakes_get_messages(client: TestClient, project_dir: Path) -> None:
    _store_sample_waves(project_dir)
    token = csrf(client.get("/comments/coding").text)
    not_a_sheet = _upload(client, token, b"a,b\n1,2\n", name="codes.csv")
    assert not_a_sheet.status_code == 400
    assert "Traceback" not in not_a_sheet.text and not TERMINAL.search(not_a_sheet.text)
    assert "codes.csv is not a coding sheet" in not_a_sheet.text
    nameless = _upload(client, token, _coded(_sheet(client, token), ""))
    assert nameless.status_code == 400 and "Coded by" in html.unescape(nameless.text)
    unknown = client.get("/comments/coding", params={"first": "Nobody"})
    assert unknown.status_code == 400 and "No coded sheet is stored yet" in unknown.text
