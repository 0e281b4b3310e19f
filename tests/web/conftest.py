"""Fixtures for the web app: a TestClient on a fresh project, and small survey exports."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cop_eval.web import create_app
from cop_eval.web.services import create_project

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

#: Items of le_may_success_factors used by the small exports below.
ITEMS = ("lm_membership_1", "lm_membership_2", "lm_membership_3")


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _TOKEN.search(html)
    if found is None:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


_REFRESH = '<meta http-equiv="refresh"'


def page(client: TestClient, url: str, **kwargs: Any) -> httpx.Response:
    """GET a page as a browser would show it: the progress page of long work reloads itself
    until the work is done, so follow it (at most two minutes)."""
    deadline = time.monotonic() + 120
    while True:
        response = client.get(url, **kwargs)
        if _REFRESH not in response.text or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def made_file(client: TestClient, kind: str, form: dict[str, Any]) -> httpx.Response:
    """Ask for a download on the report page and fetch the file once it is made (or the page
    that says why not)."""
    posted = client.post(f"/report/{kind}", data=form, follow_redirects=False)
    if posted.status_code != 303:
        return posted
    progress = page(client, posted.headers["location"])
    if 'id="download-file"' not in progress.text:
        return progress
    return client.get(posted.headers["location"] + "/file")


def small_export(rows: int = 8, *, header: tuple[str, ...] = ITEMS, bad_row: bool = True) -> str:
    """A CSV export with an e-mail id, a role column and three le May membership items."""
    lines = [",".join(("email", "role", *header))]
    for k in range(rows):
        role = "lead" if k < 2 else "member"
        answers = [str(1 + (k + j) % 5) for j in range(len(header))]
        lines.append(",".join((f"person{k}@example.org", role, *answers)))
    if bad_row:
        lines.append("nobody@example.org,member,,,")
    return "\n".join(lines) + "\n"


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    create_project(directory)
    return directory


@pytest.fixture
def client(project_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(project_dir, staging_dir=tmp_path / "staging", warm_up=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture
def bare_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of an app started without a project."""
    app = create_app(None, staging_dir=tmp_path / "staging")
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client
