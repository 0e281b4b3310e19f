"""Pages that need long work: results by job, their progress page, and results computed ahead.

A page asks :func:`page_results` for its results. When they are at hand (computed before for the
project's present state) the page is rendered at once; otherwise the work becomes a job
(:mod:`cop_eval.web.jobs`) and the page waits :data:`WAIT` seconds for it. Work that takes longer
answers with the progress page (:func:`progress_page`), which reloads itself every second until the
work is done — the browser always hears back within about a second, and sees what is being done.

Results are recorded as shown in the project's ledger of releases (the differencing rule) when a
page is served (:func:`cop_eval.web.released.serve`), not when they are computed ahead.

After the project changed (a wave stored, the context, members, attendance or actions edited, also
from the command line), :func:`warm_up` computes the results of the latest wave and of all waves,
draws their charts and analyses the comments, in the background: the next click on Results,
Compare, Comments or the report usually finds them ready. When the app opens a project (at its
start, or another one chosen) with nothing kept for its present state, it prepares the pages as
after an import, the board PDF included (:func:`cop_eval.web.prepare.prepare_job`); a page that
needs what that work computes answers at once with its progress page.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.web.comments_page import CommentsKey, comments_job
from cop_eval.web.jobs import BACKGROUND, CHART, PAGE, Job, JobRunner
from cop_eval.web.prepare import prepare_job, preparing
from cop_eval.web.released import serve
from cop_eval.web.rendering import render
from cop_eval.web.results import (
    ALL,
    RESULT_STEPS,
    Results,
    ResultsCache,
    ResultsKey,
    build_results,
    results_key,
)
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import codebook_digest

__all__ = [
    "CHART_BATCH",
    "WAIT",
    "chart_job",
    "charts_jobs",
    "page_results",
    "progress_page",
    "results_title",
    "wait_for",
    "warm_up",
    "warm_up_app",
]

#: Seconds a page waits for its work before it shows the progress page instead.
WAIT = 1.0


async def wait_for(job: Job, timeout: float) -> bool:
    """Wait (without holding a thread) until ``job`` is done or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while not job.done and time.monotonic() < deadline:
        await asyncio.sleep(delay)
        delay = min(delay * 1.6, 0.1)
    return job.done


def _joined(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def results_title(labels: Sequence[str], group: str = ALL) -> str:
    """What the progress page calls the work: ``Comparing A, B and C · HR``."""
    text = f"Results of {_joined(labels)}" if len(labels) == 1 else f"Comparing {_joined(labels)}"
    return f"{text} · {group}" if group else text


def chart_job(runner: JobRunner, cache: ResultsCache, digest: str, priority: int) -> Job:
    """The job that draws one chart (its image then waits in ``cache.charts``)."""

    def work(job: Job) -> None:
        cache.charts.png(digest)

    return runner.submit(("chart", digest), "Drawing a chart", work, priority=priority)


#: Charts drawn by one job: half of them by the chart pool's helper on the second core, and the
#: page's images arrive a few at a time.
CHART_BATCH = 4


def charts_jobs(runner: JobRunner, cache: ResultsCache, results: Results, priority: int) -> None:
    """Draw the charts of ``results`` not drawn yet, :data:`CHART_BATCH` to a job, in page
    order (a chart the browser asks for meanwhile is drawn by its own job, or found drawn)."""
    missing = cache.charts.missing(results.model)
    for start in range(0, len(missing), CHART_BATCH):
        batch = tuple(missing[start : start + CHART_BATCH])

        def work(job: Job, batch: tuple[str, ...] = batch) -> None:
            cache.charts.draw(batch)

        runner.submit(("charts", batch), "Drawing charts", work, priority=priority)


def _results_job(runner: JobRunner, cache: ResultsCache, key: ResultsKey, priority: int) -> Job:
    def work(job: Job) -> Results:
        found = cache.get(key)
        if found is None:
            cache.charts.warm()  # the chart helper starts while the results are computed
        results = found if found is not None else build_results(key, cache, job.begin)
        # Drawn after the results, a few to a job: a page's work can go first.
        charts_jobs(runner, cache, results, CHART if job.priority == PAGE else BACKGROUND)
        return results

    return runner.submit(
        ("results", key),
        results_title(key.labels, key.group),
        work,
        plan=RESULT_STEPS,
        priority=priority,
    )


async def page_results(
    request: Request, directory: Path, labels: Sequence[str], group: str = ALL
) -> Results | str | Response:
    """The results a page shows; a message (``str``) for a user mistake; or the progress page."""
    app = request.app
    privacy: PrivacyPolicy = app.state.web.privacy
    cache: ResultsCache = app.state.results_cache
    try:
        key = await run_in_threadpool(
            lambda: results_key(directory, labels, group=group, privacy=privacy)
        )
    except CopEvalError as exc:
        return str(exc)
    found = await run_in_threadpool(cache.get, key)  # in memory, or on disk
    if found is not None:
        charts_jobs(app.state.jobs, cache, found, CHART)  # any not drawn yet, or forgotten
    else:
        under_way = preparing(app.state.jobs, key)
        if under_way is not None:  # its steps at once; the page reloads until they are done
            return progress_page(request, under_way)
        job = _results_job(app.state.jobs, cache, key, PAGE)
        if not await wait_for(job, WAIT):
            return progress_page(request, job)
        try:
            found = job.outcome()
        except CopEvalError as exc:
            return str(exc)
    try:  # checked against what was shown since it was built, and recorded as shown
        results: Results = await run_in_threadpool(serve, key, found, cache)
    except CopEvalError as exc:
        return str(exc)
    if results is not found:  # built again under the present ledger
        charts_jobs(app.state.jobs, cache, results, CHART)
    return results


def progress_page(
    request: Request,
    job: Job,
    *,
    active: str = "",
    download: str | None = None,
    back: tuple[str, str] = ("/report", "Back to the board report"),
    onward: tuple[str, str] | None = None,
) -> Response:
    """The page that shows how far ``job`` got and reloads itself until it is done; ``download``
    is the address of the file the job makes (offered, and started, once it is made), ``back``
    the page (address, link text) it was asked for on, ``onward`` a page (address, link text)
    to go on to without waiting."""
    done, total = job.progress
    return render(
        request,
        "progress.html",
        {
            "active": active or request.url.path.strip("/").split("/")[0],
            "job": job,
            "steps": job.steps(),
            "done": done,
            "total": total,
            "elapsed": job.elapsed,
            "refresh": not job.done,
            "download": download,
            "back": back,
            "onward": onward,
        },
    )


def warm_up(request: Request) -> None:
    """Before a page is shown: :func:`warm_up_app` for the request's app."""
    warm_up_app(request.app)


def warm_up_app(app: Starlette) -> None:
    """Compute ahead what the pages of the open project will show, once per project state and
    anonymity rule (results are recorded as shown in the project's ledger of releases when a
    page is served, :func:`cop_eval.web.released.serve`, not when they are computed ahead).

    When the app opens a project (at its start, or another project chosen) whose present state
    has nothing kept, the pages are prepared as after an import (:func:`prepare_job`: results of
    the latest wave and of all waves, their charts, the board PDF with its default cover, the
    comments), after any page's own work; a page that needs them meanwhile shows its progress.
    Otherwise, after the project changed: the latest wave's and all waves' results, their charts
    and the comments, in the background."""
    state = app.state.web
    directory = state.project_dir
    if directory is None or not getattr(app.state, "warm_up", False):
        return
    try:
        with open_project(directory) as project:
            revision = project.revision()
            labels = [w.label for w in project.waves()]
    except CopEvalError:
        return
    mark = (str(directory), revision, state.privacy)
    opened, app.state.opened = app.state.opened != directory, directory
    if not labels or app.state.warmed == mark:
        return
    app.state.warmed = mark
    book = codebook_digest(directory)
    keys = [
        ResultsKey(str(directory), revision, tuple(chosen), ALL, state.privacy, book)
        for chosen in [labels[-1:]] + ([labels] if len(labels) > 1 else [])
    ]
    cache: ResultsCache = app.state.results_cache
    prepare = opened and getattr(app.state, "prepare_on_open", False)
    if prepare and not any(cache.has(key) for key in keys):
        with contextlib.suppress(CopEvalError):  # the page that needs it says what is wrong
            prepare_job(
                app.state.jobs, directory, state.privacy, cache, app.state.comments_cache,
                priority=BACKGROUND, title="Preparing the pages of this project",
            )  # fmt: skip
            return
    for key in keys:
        _results_job(app.state.jobs, cache, key, BACKGROUND)
    comments = CommentsKey(str(directory), revision, ALL, state.privacy, book)
    comments_job(app.state.jobs, app.state.comments_cache, comments, BACKGROUND)
