"""Page: the work after an import (results, comparison, charts, the board PDF), as it goes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.web.deps import web_state
from cop_eval.web.jobs import Job
from cop_eval.web.prepare import prepare_job
from cop_eval.web.routes_project import redirect
from cop_eval.web.work import WAIT, progress_page, wait_for

__all__ = ["after_import", "router"]

router = APIRouter()


async def after_import(request: Request, notice: str) -> Response:
    """Where the browser goes once a wave is stored: the project page (with ``notice``), or the
    progress of preparing its pages when that takes longer than :data:`WAIT` seconds."""
    app = request.app
    state = web_state(request)
    directory = state.project_dir
    if directory is None or not getattr(app.state, "warm_up", False):
        return redirect(f"/project?n={notice}")
    job = await run_in_threadpool(
        prepare_job,
        app.state.jobs,
        directory,
        state.privacy,
        app.state.results_cache,
        app.state.comments_cache,
    )
    if job is None:
        return redirect(f"/project?n={notice}")
    return redirect(f"/prepared/{job.id}?n={notice}")


@router.get("/prepared/{job_id}")
async def prepared(request: Request, job_id: str, n: str = "") -> Response:
    job: Job | None = request.app.state.jobs.get(job_id)
    onward = f"/project?n={n}" if n else "/project"
    if job is None or not (isinstance(job.key, tuple) and job.key[0] == "prepare"):
        return redirect(onward)  # forgotten (a restart): nothing to wait for
    if not await wait_for(job, WAIT):
        return progress_page(
            request, job, active="import", onward=(onward, "Go on to the project now")
        )
    if job.error is None:  # a user mistake is said by the page that meets it
        job.outcome()  # a bug: the internal error page, logged
    return redirect(onward)
