"""After an import: the pages and the board PDF are prepared once, shown as they go, and kept."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import cop_eval.web.charts as charts_module
import cop_eval.web.routes_prepare as routes_prepare
from cop_eval.web import create_app
from cop_eval.web.jobs import CHART, Job, JobRunner
from cop_eval.web.page_store import CACHE_DIR
from tests.web.conftest import csrf, made_file, page, small_export
from tests.web.test_import import _review_url, _upload
from tests.web.test_page_store import _no_building


def _client(directory: Path, tmp_path: Path, name: str, *, warm_up: bool) -> TestClient:
    app = create_app(directory, staging_dir=tmp_path / name, warm_up=warm_up)
    return TestClient(app, base_url="http://127.0.0.1:8000")


def test_an_import_prepares_the_pages_and_the_pdf(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(project_dir, tmp_path, "s1", warm_up=True) as client:
        review_url = _review_url(_upload(client, "wave1.csv", small_export(8)))
        form = {"csrf_token": csrf(client.get(review_url).text), "label": "W1"}
        monkeypatch.setattr(routes_prepare, "WAIT", 0.0)  # show the progress page at once
        stored = client.post(review_url + "/accept", data=form, follow_redirects=False)
        progress_url = stored.headers["location"]
        assert progress_url.startswith("/prepared/")
        progress = client.get(progress_url)
        if 'id="onward"' in progress.text:  # not done within no time: its steps are listed
            for step in ("Results of the latest wave", "The board report (PDF)"):
                assert step in progress.text
            assert 'href="/project?n=' in progress.text
        monkeypatch.setattr(routes_prepare, "WAIT", 1.0)
        done = page(client, progress_url)
        assert str(done.url).split("?")[0].endswith("/project")
        assert "Respondent ids:" in done.text  # the import's notice, kept through the wait
    assert list((project_dir / CACHE_DIR).glob("results-*.bin"))
    assert list((project_dir / CACHE_DIR).glob("pdf-*.bin"))
    # A restarted app serves the results and the PDF without computing or laying out anything.
    calls = _no_building(monkeypatch)

    def no_pdf(html: str) -> bytes:
        calls.append("pdf")
        raise AssertionError("PDF laid out again")

    monkeypatch.setattr(charts_module, "render_html_to_pdf", no_pdf)
    with _client(project_dir, tmp_path, "s2", warm_up=False) as client:
        assert page(client, "/results").status_code == 200
        form = {"csrf_token": csrf(client.get("/report").text), "wave": ["W1"]}
        pdf = made_file(client, "pdf", form)
    assert calls == []
    assert pdf.content.startswith(b"%PDF")


def test_a_page_asked_for_while_the_pages_are_prepared_goes_first() -> None:
    runner = JobRunner()
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def preparing(job: Job) -> None:
        started.set()
        release.wait(10)
        runner.run_waiting(CHART, "prepare")  # between two steps
        order.append("prepare 1")

    runner.submit(("prepare", 1), "Preparing", preparing)
    assert started.wait(10)
    asked = runner.submit(("results", 1), "Results", lambda job: order.append("page"))
    later = runner.submit(("prepare", 2), "Preparing again", lambda job: order.append("prepare 2"))
    release.set()
    assert asked.wait(10) and later.wait(10)
    runner.close()
    assert order == ["page", "prepare 1", "prepare 2"]  # another import's work waits its turn
