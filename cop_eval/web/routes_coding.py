"""Page: coding the comments by hand — the codebook, the coding sheet, and agreement (kappa).

A coder downloads the coding sheet (made by a job: the redacted comments the anonymity rule lets
out), marks each comment's themes in it and uploads it; the page then shows Cohen's kappa per theme
between two codings (two coders, or a coder and the automatic coding). See
:mod:`cop_eval.web.services_coding`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.web import services_coding
from cop_eval.web.deps import Form, field, upload, web_state
from cop_eval.web.jobs import PAGE, Job
from cop_eval.web.rendering import render
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.services import open_project
from cop_eval.web.uploads import stage_upload
from cop_eval.web.work import WAIT, progress_page, wait_for

__all__ = ["router"]

router = APIRouter()
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BACK = ("/comments/coding", "Back to coding by hand")


async def _page(
    request: Request,
    directory: Path,
    *,
    first: str = "",
    second: str = "",
    error: str | None = None,
    notice: object = None,
) -> Response:
    status = 400 if error else 200
    try:
        overview = await run_in_threadpool(
            services_coding.coding_overview, directory, first, second
        )
    except CopEvalError as exc:  # an unknown coder in the address: the default pair instead
        overview = await run_in_threadpool(services_coding.coding_overview, directory)
        error, status = str(exc), 400
    context = {
        "active": "comments",
        "overview": overview,
        "automatic": services_coding.AUTOMATIC,
        "error": error,
        "notice": notice,
    }
    return render(request, "coding.html", context, status_code=status)


@router.get("/comments/coding")
async def coding_page(
    request: Request, first: str = "", second: str = "", n: str | None = None
) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    notice = web_state(request).pop_notice(n)
    return await _page(request, directory, first=first, second=second, notice=notice)


def _revision(directory: Path) -> int:
    with open_project(directory) as project:
        return project.revision()


@router.post("/comments/sheet")
async def make_sheet(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    privacy = web_state(request).privacy
    revision = await run_in_threadpool(_revision, directory)
    job = request.app.state.jobs.submit(
        ("coding-sheet", str(directory), revision, privacy),
        "Creating the coding sheet",
        lambda job: services_coding.coding_sheet(directory, privacy, job.begin),
        plan=services_coding.SHEET_STEPS,
        priority=PAGE,
    )
    return redirect(f"/comments/sheet/{job.id}")


def _sheet_job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None or not (isinstance(job.key, tuple) and job.key[0] == "coding-sheet"):
        raise HTTPException(
            404,
            "This coding sheet is no longer waiting: the app was restarted, or much else was "
            "made since. Create it again on the page 'Coding by hand'.",
        )
    return job


@router.get("/comments/sheet/{job_id}")
async def sheet_progress(request: Request, job_id: str) -> Response:
    job = _sheet_job(request, job_id)
    await wait_for(job, WAIT)
    if job.error is not None:
        directory = require_project(request)
        if isinstance(directory, Response):
            return directory
        return await _page(request, directory, error=job.error)
    job.outcome()  # a bug: the internal error page, logged
    return progress_page(
        request, job, active="comments", download=f"/comments/sheet/{job.id}/file", back=_BACK
    )


@router.get("/comments/sheet/{job_id}/file")
def sheet_file(request: Request, job_id: str) -> Response:
    job = _sheet_job(request, job_id)
    if not job.done:
        return redirect(f"/comments/sheet/{job_id}")
    content, _count = job.outcome()
    return Response(
        content,
        media_type=_XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="coding-sheet.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/comments/codes")
async def upload_codes(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    path: Path | None = None
    try:
        file = upload(form, "file")
        if file is None:
            raise CopEvalError("Choose the coded sheet to upload.")
        content = await file.read()
        path = stage_upload(web_state(request).staging, file.filename or "sheet.xlsx", content).path
        text = await run_in_threadpool(
            services_coding.store_codes, directory, path, field(form, "coder")
        )
    except CopEvalError as exc:
        message = str(exc).replace(str(path), path.name) if path else str(exc)
        return await _page(request, directory, error=message)
    finally:
        if path is not None:
            shutil.rmtree(path.parent, ignore_errors=True)  # the comments go with it
    return redirect(f"/comments/coding?n={web_state(request).notice('ok', text)}#agreement")
