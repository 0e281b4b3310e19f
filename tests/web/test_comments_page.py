"""The comments page: themes and quotes under the comment threshold, a refused subgroup filter,
and the redaction review that adds names and redacts the stored comments again."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cop_eval.demo import GROUP_COLUMN, load_manifest
from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.store import Project
from cop_eval.web import comments_page

from .conftest import csrf
from .conftest import page as get


def _store_sample_waves(project_dir: Path) -> None:
    instruments = [
        load_instrument("le_may_success_factors"),
        load_instrument("transfer_of_learning"),
    ]
    with Project.open(project_dir) as project:
        for wave in load_manifest().waves:
            rs = read_responses(
                wave.path, instruments, format=wave.format, id_column=wave.id_column,
                group_columns=[wave.group_column], key=project.key,
            )  # fmt: skip
            rs = dataclasses.replace(rs, groups=rs.groups.set_axis([GROUP_COLUMN], axis=1))
            project.add_wave(rs, wave.label, date=wave.date)


def test_empty_project_says_where_comments_come_from(client: TestClient) -> None:
    page = client.get("/comments")
    assert page.status_code == 200 and "No comments are stored yet" in page.text


def test_comments_page_and_redaction_review(client: TestClient, project_dir: Path) -> None:
    _store_sample_waves(project_dir)
    page = get(client, "/comments")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "What members said" in text and "Members setting the agenda" in text
    assert "[email]" in text and "[phone]" in text  # the review lists what was replaced
    assert "07700 900461" not in text and "example.org" not in text
    assert "Trainers (not shown: too few commenters)" in text
    refused = get(client, "/comments", params={"group": "Trainers"})
    assert refused.status_code == 400 and "are not shown" in html.unescape(refused.text)
    shown = get(client, "/comments", params={"group": "HR"})
    assert shown.status_code == 200 and "· HR" in shown.text
    # "priya" in lower case is caught only once the name is listed
    with Project.open(project_dir) as project:
        before = [c for c in project.comments.review() if "O'Neill" in c.text]
    assert not before  # the heuristic took "Priya O'Neill"
    posted = client.post(
        "/comments/redact",
        data={"csrf_token": csrf(page.text), "names": "Jack Campbell\nAmir Baker", "keep": "Teams"},
        follow_redirects=False,
    )
    posted = get(client, posted.headers["location"])  # the notice waits out the progress page
    assert posted.status_code == 200 and "Added 2 name(s) and 1 word(s) to keep" in posted.text
    assert "Jack Campbell" not in get(client, "/comments").text
    with Project.open(project_dir) as project:
        assert set(project.comments.terms().names) == {"Jack Campbell", "Amir Baker"}
        assert not [c for c in project.comments.review() if "jack" in c.text.casefold()]
    forged = client.post("/comments/redact", data={"csrf_token": "x", "names": "A B"})
    assert forged.status_code == 403


def test_the_comments_page_is_kept_until_the_data_change(
    client: TestClient, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_sample_waves(project_dir)
    first = get(client, "/comments")
    assert "Members setting the agenda" in html.unescape(first.text)
    built: list[str] = []
    real = comments_page.build_page

    def counted(*args: Any, **kwargs: Any) -> comments_page.CommentsPage:
        built.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(comments_page, "build_page", counted)
    again = client.get("/comments", params={"group": ""})  # "All respondents"
    assert again.status_code == 200 and "Members setting the agenda" in html.unescape(again.text)
    assert built == []  # answered from what was kept, at once
    with Project.open(project_dir) as project:
        project.comments.add_terms(names=["Priya Shah"])  # a change (also from the command line)
    assert "Members setting the agenda" in html.unescape(get(client, "/comments").text)
    assert built == [""]
