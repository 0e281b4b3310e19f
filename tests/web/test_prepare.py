"""After an import: the pages and the board PDF are prepared once, shown as they go, and kept."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import cop_eval.web.charts as charts_module
import cop_eval.web.prepare as prepare_module
import cop_eval.web.routes_prepare as routes_prepare
import cop_eval.web.work as work_module
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


def _opened(directory: Path, tmp_path: Path, name: str) -> TestClient:
    """The app as ``cop-eval serve`` starts it: a project with nothing kept is prepared."""
    app = create_app(directory, staging_dir=tmp_path / name, prepare_on_open=True)
    return TestClient(app, base_url="http://127.0.0.1:8000")


def _stored_wave(client: TestClient) -> None:
    review_url = _review_url(_upload(client, "wave1.csv", small_export(8)))
    form = {"csrf_token": csrf(client.get(review_url).text), "label": "W1"}
    assert client.post(review_url + "/accept", data=form).status_code == 200


def test_opening_a_project_with_nothing_kept_prepares_its_pages_and_shows_how_far(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(project_dir, tmp_path, "s0", warm_up=False) as client:
        _stored_wave(client)  # as from the command line: nothing prepared, nothing kept
    assert not (project_dir / CACHE_DIR).exists()
    go_on = threading.Event()
    build = prepare_module.build_results

    def held(*args: object, **kwargs: object) -> object:
        assert go_on.wait(30)  # the preparing is under way while the page is asked for
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prepare_module, "build_results", held)
    with _opened(project_dir, tmp_path, "s1") as client:
        asked = client.get("/results")  # at once: the preparing's progress, not a blank wait
        assert asked.status_code == 200
        assert "Preparing the pages of this project" in asked.text
        assert '<meta http-equiv="refresh"' in asked.text  # reloads itself until ready
        assert (
            '<li class="step running">' in asked.text and "Results of the latest wave" in asked.text
        )
        go_on.set()
        shown = page(client, "/results")
        assert "Results of W1" in shown.text and '<meta http-equiv="refresh"' not in shown.text
        jobs = client.app.state.jobs  # type: ignore[attr-defined]
        prepared = next(j for j in jobs._jobs.values() if j.key[0] == "prepare")
        assert prepared.wait(60) and prepared.state == "done" and prepared.crash is None
    assert list((project_dir / CACHE_DIR).glob("results-*.bin"))
    assert list((project_dir / CACHE_DIR).glob("pdf-*.bin"))
    # Opened again with its pages kept: nothing is prepared again.
    monkeypatch.setattr(work_module, "prepare_job", _refused_preparing)
    with _opened(project_dir, tmp_path, "s2") as client:
        assert "Results of W1" in page(client, "/results").text


def _refused_preparing(*args: object, **kwargs: object) -> None:
    raise AssertionError("prepared again although its pages are kept")


def test_a_pdf_asked_for_while_the_preparing_lays_it_out_is_laid_out_once(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(project_dir, tmp_path, "s0", warm_up=False) as client:
        _stored_wave(client)
    laying_out, go_on = threading.Event(), threading.Event()
    layouts: list[str] = []
    render = charts_module.render_html_to_pdf

    def slow(html: str) -> bytes:
        layouts.append("pdf")
        laying_out.set()
        assert go_on.wait(30)
        return render(html)

    monkeypatch.setattr(charts_module, "render_html_to_pdf", slow)
    with _opened(project_dir, tmp_path, "s1") as client:
        assert laying_out.wait(60)  # the preparing lays out the board PDF
        form = {"csrf_token": csrf(client.get("/report").text), "wave": ["W1"]}
        posted = client.post("/report/pdf", data=form, follow_redirects=False)
        job_url = posted.headers["location"]
        waiting = client.get(job_url)
        assert "Download (when ready)" in waiting.text and " disabled" in waiting.text
        go_on.set()
        made = made_file(client, "pdf", form)
    assert made.content.startswith(b"%PDF")
    assert layouts == ["pdf"]  # the click waited for the preparing's layout


def test_a_pdf_made_between_two_batches_of_the_preparing_s_charts_is_not_laid_out_again(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cop_eval.privacy import DEFAULT_PRIVACY
    from cop_eval.web.results import ResultsCache, build_results, results_key

    with _client(project_dir, tmp_path, "s0", warm_up=False) as client:
        _stored_wave(client)
    layouts: list[str] = []
    render = charts_module.render_html_to_pdf

    def counted(html: str) -> bytes:
        layouts.append("pdf")
        return render(html)

    monkeypatch.setattr(charts_module, "render_html_to_pdf", counted)
    cache = ResultsCache(disk=True)
    key = results_key(project_dir, ["W1"], privacy=DEFAULT_PRIVACY)
    results = build_results(key, cache)
    clicked: list[bytes] = []

    def click() -> None:  # the report page's PDF, run between two batches of charts
        if not clicked:
            job = Job(key="click", title="Creating the PDF report", plan=[], priority=0)
            clicked.append(prepare_module.board_pdf(job, key, results, ("", ""), cache))

    preparing = Job(key="prepare", title="Preparing", plan=[], priority=2)
    made = prepare_module.pdf_started(preparing, key, results, ("", ""), cache, click)
    assert clicked and made() == clicked[0]
    assert layouts == ["pdf"]
